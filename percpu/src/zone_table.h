/*
 * zone_table.h - the RCU-published table of zones.
 *
 * Readers (the alloc and free slow paths: which zone owns this address?
 * which zone comes next?) take no lock: they read the table inside an RCU
 * read-side section (pm_plat_rcu_read_lock: urcu-bp in user space, the
 * kernel's own RCU or epochs elsewhere). pm_smp_add_region builds a new
 * table in the spare buffer, publishes it with a release store, waits for a
 * grace period (pm_plat_rcu_synchronize), and only then may the old buffer
 * become the spare that the next add overwrites. Two fixed buffers live in
 * the allocator itself, so adding a zone allocates nothing.
 *
 * Lookups are rare anyway: each CPU caches the zone it used last, and zones
 * never go away, so a zone pointer, once found, needs no protection.
 */
#ifndef PM_ZONE_TABLE_H
#define PM_ZONE_TABLE_H

#include "zone.h"

/* Sorted by base_pfn; zones do not overlap. Immutable once published. */
struct zone_table {
    unsigned nzones;
    struct zone *zones[PM_SMP_MAX_ZONES];
};

/*
 * The published table and the two buffers it alternates between.
 * Invariant: cur is NULL or &buf[0] or &buf[1]; the other buffer is read by
 * no one once the last add's grace period has passed.
 */
struct zone_tables {
    struct zone_table *_Atomic cur;
    struct zone_table buf[2];
};

void zone_tables_init(struct zone_tables *t);

/* The zone holding pfn, or NULL. Lock-free (RCU read side). */
struct zone *zone_table_find(struct zone_tables *t, uint64_t pfn);

/* The zone holding pfn: the hint if it holds it, else the table. */
static inline struct zone *zone_table_find_hint(struct zone_tables *t, struct zone *hint,
                                                uint64_t pfn)
{
    if (PM_LIKELY(hint != NULL && zone_contains_pfn(hint, pfn)))
        return hint;
    return zone_table_find(t, pfn);
}

/*
 * Returns n cached blocks of `order` (heads CACHED) to the zones that hold
 * them, one zone-lock acquisition per run of consecutive blocks of one
 * zone; `hint` is tried first. What every drain and a remote free of
 * orders 4..9 end in. Takes the zone locks itself, one at a time.
 */
void zone_table_put_blocks(struct zone_tables *t, struct zone *hint, unsigned order,
                           const pm_paddr_t *blocks, unsigned n);

/* Zone number i of the table (wrapping), or NULL for an empty table; *n
 * gets the table size. Lock-free. */
struct zone *zone_table_nth(struct zone_tables *t, unsigned i, unsigned *n);

/* The published table without the RCU read side: for its writer (who holds
 * pm_plat_table_lock) and for a quiet allocator. NULL while empty. */
static inline struct zone_table *zone_table_quiet(struct zone_tables *t)
{
    return atomic_load_explicit(&t->cur, memory_order_acquire);
}

/* Whether a zone over [base_pfn, base_pfn + npages) may be added: PM_EINVAL
 * if it overlaps a zone, PM_ENOMEM if the table holds PM_SMP_MAX_ZONES
 * already. Requires pm_plat_table_lock. */
pm_err_t zone_table_room(struct zone_tables *t, uint64_t base_pfn, uint64_t npages);

/* Publishes a table with z added (zone_table_room said yes). Requires
 * pm_plat_table_lock. Waits for a grace period. */
void zone_table_insert(struct zone_tables *t, struct zone *z);

#endif /* PM_ZONE_TABLE_H */
