/*
 * smp_internal.h - struct pm_smp and the per-CPU cache, shared by smp.c,
 * magazine.c, pcp.c and smp_check.c. Not a public header.
 */
#ifndef PM_SMP_INTERNAL_H
#define PM_SMP_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include <physmem/smp.h>
#include "debug.h"
#include "depot.h"
#include "magazine.h"
#include "pcp.h"
#include "zone.h"
#include "zone_table.h"

#define PM_CACHE_LINE 64

/* cpu_cache.slow: any bit set sends every call of the owner to a slow path. */
#define CPU_SLOW_DRAIN  1u /* a drainer wants or holds the cache (transient) */
#define CPU_SLOW_FENCE  2u /* no membarrier: the owner needs a full fence */
#define CPU_SLOW_STRICT 4u /* PM_SMP_STRICT_FREE: frees compare-and-swap */
#define CPU_SLOW_WAIT   (CPU_SLOW_DRAIN | CPU_SLOW_FENCE) /* cpu_enter_slow's work */

/*
 * One CPU's cache. Cache line 0 is written by its owner on the fast path
 * (and by a remote drainer, rarely); no two CPUs write one line there.
 *
 * Owner and remote drainer exclude each other with an asymmetric Dekker
 * handshake, so that the owner's fast path has no atomic read-modify-write:
 *
 *   owner (every call)                  remote drainer (rare)
 *   busy = 1                            take drain_lock (drainers queue)
 *   compiler barrier                    slow = mode | CPU_SLOW_DRAIN
 *   if (slow) slow path: wait, retry    membarrier(PRIVATE_EXPEDITED)
 *   ... pop / push ...                  wait until busy == 0
 *   busy = 0 (release)                  ... drain magazines and lists ...
 *                                       slow = mode (release)
 *
 * membarrier() makes every running thread of the process execute a full
 * barrier, which turns the owner's compiler barrier into a real one exactly
 * when a drainer needs it (liburcu's memb flavour rests on the same fact).
 * Either the owner sees the drain bit, or the drainer sees busy: never
 * neither. Where membarrier is missing, `mode` holds CPU_SLOW_FENCE and the
 * owner's slow path adds a full fence.
 *
 * `slow` is the one word the fast path tests: it also holds the allocator's
 * permanent modes (pm_smp.mode: no membarrier, strict free), so
 * the fast path pays one load and one branch for all of them. Drainers of
 * one CPU are serialized by drain_lock, so they write it with plain stores.
 * In a kernel, the same split is preemption off on the owner and an IPI
 * (or the owner's own next call) on the drainer's side.
 *
 * The counters have a single writer, the owner, and are read by
 * pm_smp_stats: relaxed loads and stores, no atomic add.
 *
 * Invariant: loaded and previous are never NULL (with caches); zone is
 * never NULL; pages cached by this CPU
 * == loaded->rounds + previous->rounds + sum over k of pcp[k - 1].count << k
 * <= 2 * batch + pcp_max_pages(batch).
 */
struct cpu_cache {
    /* -- cache line 0: the fast path -- */
    atomic_uint busy;     /* owner: inside a call */
    atomic_uint slow;     /* CPU_SLOW_*: pm_smp.mode, | DRAIN from a drainer */
    struct mag *loaded;   /* pop and push here */
    struct mag *previous; /* swapped in when loaded runs empty or full */
    struct zone *zone;    /* free's guess at a page's zone: the last one found,
                             or an empty zone (zones are immortal) */
    /* -- cache lines 1..3: blocks of orders 1..PCP_MAX_ORDER, pcp[k - 1] -- */
    struct pcp_list pcp[PCP_MAX_ORDER] __attribute__((aligned(PM_CACHE_LINE)));
    /* -- cache line 4: statistics, owner-written -- */
    _Atomic uint64_t allocations __attribute__((aligned(PM_CACHE_LINE)));
    _Atomic uint64_t failed;
    _Atomic uint64_t frees;
    /* -- cache line 5: drainers only -- */
    ticket_lock_t drain_lock __attribute__((aligned(PM_CACHE_LINE)));
} __attribute__((aligned(PM_CACHE_LINE)));

struct pm_smp {
    /* -- read-only after pm_smp_create -- */
    unsigned ncpus;
    unsigned batch; /* magazine capacity, pages per refill and drain */
    unsigned high;  /* pages one CPU may account for: its 2 magazines + depot share */
    unsigned flags;
    bool cached;     /* !(flags & PM_SMP_NOCACHE) */
    bool membarrier; /* membarrier(PRIVATE_EXPEDITED) is registered */
    bool strict;     /* PM_SMP_STRICT_FREE */
    unsigned mode;   /* CPU_SLOW_* bits every cpu_cache.slow holds when no drainer is there */
    unsigned nmags;
    struct mag *mag_pool; /* nmags magazines, one allocation */
    pm_paddr_t *pcp_pool; /* every CPU's per-order lists, pcp_stride(batch) entries
                             each, one cache-aligned allocation (pcp_pool_alloc) */
    struct cpu_cache *cpus;

    /* -- the zone table: RCU, written under table_mutex -- */
    struct zone_table *table;
    pthread_mutex_t table_mutex;

    /* -- shared by all CPUs on slow paths -- */
    struct depot depot;
};

/* ---- owner and drainer ------------------------------------------------------ */

unsigned cpu_enter_slow(struct cpu_cache *c, unsigned slow);

/*
 * The owner starts a call on its CPU slot, fast path half: returns the
 * slow bits, 0 when the call may go on at once. Anything else goes to a
 * slow path, which calls cpu_settle first.
 */
static inline unsigned cpu_enter_fast(struct cpu_cache *c)
{
    atomic_store_explicit(&c->busy, 1u, memory_order_relaxed);
    atomic_signal_fence(memory_order_seq_cst);
    return atomic_load_explicit(&c->slow, memory_order_acquire);
}

/* After cpu_enter_fast: waits out a drainer; returns the permanent modes. */
PM_INLINE unsigned cpu_settle(struct cpu_cache *c)
{
    unsigned slow = atomic_load_explicit(&c->slow, memory_order_acquire);

    return PM_LIKELY((slow & CPU_SLOW_WAIT) == 0) ? slow : cpu_enter_slow(c, slow);
}

/* The owner starts a call (any path); returns the permanent modes. */
static inline unsigned cpu_enter(struct cpu_cache *c)
{
    unsigned slow = cpu_enter_fast(c);

    return PM_LIKELY((slow & CPU_SLOW_WAIT) == 0) ? slow : cpu_enter_slow(c, slow);
}

/* The owner ends its call. */
static inline void cpu_exit(struct cpu_cache *c)
{
    atomic_store_explicit(&c->busy, 0u, memory_order_release);
}

/* A drainer takes CPU c's cache away from its owner (any thread). */
void cpu_drain_begin(struct pm_smp *s, struct cpu_cache *c);
void cpu_drain_end(struct pm_smp *s, struct cpu_cache *c);

/* Single-writer counter: the owner adds, anyone reads. */
static inline void cpu_count(_Atomic uint64_t *ctr, uint64_t n)
{
#if PM_STATS
    atomic_store_explicit(ctr, atomic_load_explicit(ctr, memory_order_relaxed) + n,
                          memory_order_relaxed);
#else
    (void)ctr;
    (void)n;
#endif
}

/* The zone holding pfn: the hint if it fits, else the table (RCU). */
struct zone *smp_zone_lookup(struct pm_smp *s, uint64_t pfn);

static inline struct zone *smp_zone_of(struct pm_smp *s, struct zone *hint, uint64_t pfn)
{
    if (PM_LIKELY(hint != NULL && zone_contains_pfn(hint, pfn)))
        return hint;
    return smp_zone_lookup(s, pfn);
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
        return atomic_compare_exchange_strong_explicit(ps, &st, cached, memory_order_relaxed,
                                                       memory_order_relaxed);
    if (atomic_load_explicit(ps, memory_order_relaxed) != st)
        return false;
    atomic_store_explicit(ps, cached, memory_order_relaxed);
    return true;
}

#endif /* PM_SMP_INTERNAL_H */
