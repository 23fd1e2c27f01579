/*
 * smp_internal.h - struct pm_smp and the per-CPU cache, shared by smp.c,
 * magazine.c and smp_check.c. Not a public header.
 */
#ifndef PM_SMP_INTERNAL_H
#define PM_SMP_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include <physmem/smp.h>
#include "debug.h"
#include "depot.h"
#include "magazine.h"
#include "zone.h"
#include "zone_table.h"

#define PM_CACHE_LINE 64

/*
 * One CPU's cache. Two cache lines, written by one CPU on the fast path:
 * no two CPUs ever write the same line there.
 *
 * `lock` is taken by the owner around every call (one uncontended atomic
 * exchange) and by a remote drainer (pm_smp_drain_cpu, or an allocation
 * that drains everything before it reports PM_ENOMEM). It covers loaded,
 * previous and zone. The counters have a single writer, the owner, and are
 * read by pm_smp_stats: relaxed loads and stores, no atomic add.
 *
 * Invariant: loaded and previous are never NULL; pages cached by this CPU
 * == loaded->rounds + previous->rounds <= 2 * batch.
 */
struct cpu_cache {
    /* -- cache line 0: the fast path -- */
    atomic_uint lock;
    struct mag *loaded;   /* pop and push here */
    struct mag *previous; /* swapped in when loaded runs empty or full */
    struct zone *zone;    /* the zone used last (zones are immortal) */
    /* -- cache line 1: statistics, owner-written -- */
    _Atomic uint64_t allocations __attribute__((aligned(PM_CACHE_LINE)));
    _Atomic uint64_t failed;
    _Atomic uint64_t frees;
} __attribute__((aligned(PM_CACHE_LINE)));

struct pm_smp {
    /* -- read-only after pm_smp_create -- */
    unsigned ncpus;
    unsigned batch; /* magazine capacity, pages per refill and drain */
    unsigned high;  /* pages one CPU may account for: its 2 magazines + depot share */
    unsigned flags;
    bool cached; /* !(flags & PM_SMP_NOCACHE) */
    unsigned nmags;
    struct mag *mag_pool; /* nmags magazines, one allocation */
    struct cpu_cache *cpus;

    /* -- the zone table: RCU, written under table_mutex -- */
    struct zone_table *table;
    pthread_mutex_t table_mutex;

    /* -- shared by all CPUs on slow paths -- */
    struct depot depot;
};

/* ---- the per-CPU lock ---------------------------------------------------- */

static inline void cpu_lock(struct cpu_cache *c)
{
    unsigned spins = 0;

    while (atomic_exchange_explicit(&c->lock, 1u, memory_order_acquire) != 0) {
        /* a remote drain holds it: wait without stealing its time slice */
        while (atomic_load_explicit(&c->lock, memory_order_relaxed) != 0) {
            if (++spins < 64)
                __builtin_ia32_pause();
            else
                sched_yield();
        }
    }
}

static inline void cpu_unlock(struct cpu_cache *c)
{
    atomic_store_explicit(&c->lock, 0u, memory_order_release);
}

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

#endif /* PM_SMP_INTERNAL_H */
