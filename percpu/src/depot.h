/*
 * depot.h - the depot: full and empty magazines shared by all CPUs.
 *
 * A CPU whose two magazines are both empty trades an empty one here for a
 * full one; a CPU whose two are both full trades a full one for an empty
 * one. The depot keeps at most max_full full magazines: past that, the CPU
 * drains its full magazine to the zone instead (one batch, one zone-lock
 * acquisition). So cross-CPU frees (allocate on A, free on B) travel
 * B -> depot -> A without touching a zone, and can never pile up beyond
 * max_full magazines.
 *
 * Lock order: cpu lock -> depot lock -> zone lock. The depot lock is held
 * only to move list heads, never while pages move to a zone.
 */
#ifndef PM_DEPOT_H
#define PM_DEPOT_H

#include "magazine.h"
#include "ticket_lock.h"

/*
 * Invariants (quiet): nfull == length(full) <= max_full,
 * nempty == length(empty), every magazine on `full` is full and on `empty`
 * is empty, and 2 * ncpus + nfull + nempty == the magazines allocated.
 */
struct depot {
    ticket_lock_t lock;
    struct mag *full PM_GUARDED_BY(lock);
    struct mag *empty PM_GUARDED_BY(lock);
    unsigned nfull PM_GUARDED_BY(lock);
    unsigned nempty PM_GUARDED_BY(lock);
    unsigned max_full; /* read-only after init */
} __attribute__((aligned(64)));

void depot_init(struct depot *d, unsigned max_full);

/* Puts an empty magazine on the empty list. */
void depot_put_empty(struct depot *d, struct mag *m) PM_EXCLUDES(d->lock);

/* Trades empty magazine m for a full one; NULL (m kept) if none is full. */
struct mag *depot_trade_empty(struct depot *d, struct mag *m) PM_EXCLUDES(d->lock);

/* Trades full magazine m for an empty one; NULL (m kept) if the depot holds
 * max_full already or has no empty one: the caller then drains m. */
struct mag *depot_trade_full(struct depot *d, struct mag *m) PM_EXCLUDES(d->lock);

/* Detaches and returns the whole full list (nfull becomes 0). */
struct mag *depot_take_all_full(struct depot *d) PM_EXCLUDES(d->lock);

/* Pages held in full magazines. */
uint64_t depot_cached_pages(struct depot *d) PM_EXCLUDES(d->lock);

/* Invariants above, with `total_mags` and the CPUs' 2 * ncpus; quiet only. */
pm_err_t depot_check(struct depot *d, unsigned held_by_cpus, unsigned total_mags)
    PM_EXCLUDES(d->lock);

#endif /* PM_DEPOT_H */
