/*
 * smp_internal.h - struct pm_smp, shared by the SMP layer's files. Not a
 * public header.
 *
 * The data path runs one way:
 *   smp.c (the API: validate, find the zone once)
 *     -> magazine_path.c (order 0) / pcp_path.c (orders 1..9): the CPU's cache
 *       -> depot.c (order-0 magazines shared by all CPUs)
 *         -> magazine.c / pcp.c (batches to and from zones)
 *           -> zone.c (lock, page states) -> the buddy core (lib/)
 * drain.c empties caches (a CPU's, the depot) on request or before ENOMEM;
 * handshake.c lets a drainer take a CPU's cache from its owner;
 * smp_create.c builds the allocator and its zones (smp_config.c sizes
 * them), smp_stats.c sums counters, smp_check.c checks every invariant.
 * The environment (RCU, remote barrier, memory, yield) is reached only
 * through physmem/platform.h; platform_user.c is the user-space one.
 */
#ifndef PM_SMP_INTERNAL_H
#define PM_SMP_INTERNAL_H

#include <stdatomic.h>

#include <physmem/smp.h>
#include "debug.h"
#include "depot.h"
#include "fault.h"
#include "handshake.h"
#include "magazine.h"
#include "pcp.h"
#include "zone.h"
#include "zone_table.h"

struct pm_smp {
    /* -- read-only after pm_smp_init -- */
    unsigned ncpus;
    unsigned batch; /* magazine capacity, pages per refill and drain */
    unsigned high;  /* pages one CPU may account for: its 2 magazines + depot share */
    unsigned flags;
    bool cached;         /* !(flags & PM_SMP_NOCACHE) */
    bool strict;         /* PM_SMP_STRICT_FREE */
    bool remote_barrier; /* pm_plat_remote_barrier is in use (else fence mode) */
    bool owned;          /* made by pm_smp_create: pm_smp_destroy frees it */
    unsigned mode;       /* CPU_SLOW_* bits every cpu_cache.slow holds when no drainer is there */
    unsigned nmags;
    size_t mag_stride;    /* bytes from one magazine to the next */
    struct mag *mag_pool; /* nmags magazines */
    pm_paddr_t *pcp_pool; /* every CPU's per-order lists, pcp_stride(batch) entries
                             each, so no two CPUs share a cache line */
    struct cpu_cache *cpus;

    /* -- the zone table: RCU, written under pm_plat_table_lock -- */
    struct zone_tables zones;

    /* -- shared by all CPUs on slow paths -- */
    struct depot depot;
};

/* Zone i of a quiet allocator's table (tests, check, stats), or NULL. */
static inline struct zone *smp_zone_at(struct pm_smp *s, unsigned i)
{
    struct zone_table *t = zone_table_quiet(&s->zones);

    return t != NULL && i < t->nzones ? t->zones[i] : NULL;
}

/*
 * A free of a block of order 0..PCP_MAX_ORDER (9) at its head's state byte ps:
 * USER -> CACHED, both with that order. False (nothing changed) if the
 * block is not a caller's of that order. See PM_SMP_STRICT_FREE in smp.h.
 */
static inline bool page_mark_cached(const struct pm_smp *s, _Atomic uint8_t *ps, unsigned order)
{
    uint8_t st = zone_page_state(ZONE_PAGE_USER, order);
    uint8_t cached = zone_page_state(ZONE_PAGE_CACHED, order);

    if (PM_UNLIKELY(s->strict))
        return zone_pstate_cas(ps, st, cached);
    if (atomic_load_explicit(ps, memory_order_relaxed) != st)
        return false;
    atomic_store_explicit(ps, cached, memory_order_relaxed);
    return true;
}

/* Counts one allocation (failed unless err is PM_OK) and ends the call. */
static inline pm_err_t cpu_alloc_done(struct cpu_cache *c, pm_err_t err)
{
    cpu_count(&c->allocations, 1);
    if (err != PM_OK)
        cpu_count(&c->failed, 1);
    cpu_exit(c);
    return err;
}

/* ---- drain.c ---------------------------------------------------------------- */

/* Before PM_ENOMEM: ends the owner's call on c, drains every CPU and the
 * depot, and opens the call again. */
void smp_drain_everything(struct pm_smp *s, struct cpu_cache *c);

/* ---- magazine_path.c: order 0 through the CPU's magazines ------------------- */

/* The fast path could not serve a one-page allocation (slow bits, or
 * `loaded` empty); the owner's call is open and is ended here. */
pm_err_t mag_alloc_slow(struct pm_smp *s, struct cpu_cache *c, pm_paddr_t *out);

/* `loaded` is full; page a is already marked CACHED (at ps). Ends the call. */
void mag_free_slow(struct pm_smp *s, struct cpu_cache *c, pm_paddr_t a, _Atomic uint8_t *ps);

/* Finds pages for an empty `loaded`; false if every zone is empty. */
bool cpu_reload(struct pm_smp *s, struct cpu_cache *c);

/* ---- pcp_path.c: orders 1..9 through the CPU's lists ------------------------ */

/* The list of `order` is empty; the owner's call is open and ends here. */
pm_err_t pcp_alloc_slow(struct pm_smp *s, struct cpu_cache *c, unsigned order, pm_paddr_t *out);

/* The list of `order` is full; block a is already marked CACHED. Ends the call. */
void pcp_free_slow(struct pm_smp *s, struct cpu_cache *c, unsigned order, pm_paddr_t a);

/* Block a of order PCP_OWNED_ORDER..9 (zone c->zone, marked CACHED) was
 * freed on another CPU than the one whose list handed it out: back to the
 * zone. Ends the call. */
void pcp_free_remote(struct pm_smp *s, struct cpu_cache *c, unsigned order, pm_paddr_t a);

/* ---- the inline halves ---------------------------------------------------- */

/* Pops a page of a non-empty `loaded` and marks it the caller's. */
static inline pm_paddr_t cpu_take(struct cpu_cache *c)
{
    struct mag *m = c->loaded;
    _Atomic uint8_t *ps;
    pm_paddr_t a = mag_pop(m, &ps);

    if (pm_fault_active(PM_FAULT_DOUBLE_HANDOUT) && (pm_paddr_pfn(a) & 63) == 0)
        m->rounds++; /* injected: the page stays cached as well */
    atomic_store_explicit(ps, ZONE_PAGE_USER, memory_order_relaxed);
    return a;
}

/* Pops a block of a non-empty list of `order` and marks it the caller's,
 * from orders 4 up with this CPU's owner tag (inline: it is the orders 1..9
 * allocation fast path; the tag shares the head's line of state). */
static inline pm_paddr_t pcp_take(struct pm_smp *s, struct cpu_cache *c, unsigned order)
{
    pm_paddr_t a = pcp_pop(&c->pcp[order - 1]);
    uint64_t pfn = pm_paddr_pfn(a);
    _Atomic uint8_t *ps = zone_pstate(zone_table_find_hint(&s->zones, c->zone, pfn), pfn);

    atomic_store_explicit(ps, zone_page_state(ZONE_PAGE_USER, order), memory_order_relaxed);
    if (order >= PCP_OWNED_ORDER)
        atomic_store_explicit(ps + 1, c->tag, memory_order_relaxed);
    return a;
}

/* A free of order PCP_OWNED_ORDER..9 of the block whose head's state byte
 * is ps: clears its owner tag; true if this CPU's list handed it out. */
static inline bool pcp_own_block(const struct cpu_cache *c, _Atomic uint8_t *ps)
{
    uint8_t tag = atomic_load_explicit(ps + 1, memory_order_relaxed);

    atomic_store_explicit(ps + 1, 0, memory_order_relaxed);
    return tag == c->tag;
}

/* A block of order 0..9 of zone c->zone, already marked CACHED (its head's
 * state byte is ps), into its CPU's cache, or, from order 4 up and freed on
 * another CPU than its owner's, back to the zone; ends the owner's call. */
static inline void cpu_put(struct pm_smp *s, struct cpu_cache *c, unsigned order, pm_paddr_t a,
                           _Atomic uint8_t *ps)
{
    if (order == 0) {
        if (PM_LIKELY(!mag_is_full(c->loaded))) {
            mag_push(c->loaded, a, ps);
            cpu_count(&c->frees, 1);
            cpu_exit(c);
        } else {
            mag_free_slow(s, c, a, ps);
        }
    } else {
        struct pcp_list *l = &c->pcp[order - 1];

        if (order >= PCP_OWNED_ORDER && !pcp_own_block(c, ps)) {
            pcp_free_remote(s, c, order, a);
        } else if (PM_LIKELY(!pcp_is_full(l))) {
            pcp_push(l, a);
            cpu_count(&c->frees, 1);
            cpu_exit(c);
        } else {
            pcp_free_slow(s, c, order, a);
        }
    }
}

#endif /* PM_SMP_INTERNAL_H */
