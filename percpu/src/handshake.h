/*
 * handshake.h - one CPU's cache (struct cpu_cache) and the handshake by
 * which its owner and a remote drainer exclude each other.
 *
 * Owner and remote drainer exclude each other with an asymmetric Dekker
 * handshake, so that the owner's fast path has no atomic read-modify-write
 * and no fence:
 *
 *   owner (every call)                  remote drainer (rare)
 *   busy = 1                            take drain_lock (drainers queue)
 *   compiler barrier                    slow = mode | CPU_SLOW_DRAIN
 *   if (slow) slow path: wait, retry    pm_plat_remote_barrier()
 *   ... pop / push ...                  wait until busy == 0
 *   busy = 0 (release)                  ... drain magazines and lists ...
 *                                       slow = mode (release)
 *
 * The remote barrier (membarrier(2) in user space, an IPI in a kernel: see
 * physmem/platform.h) makes every other CPU execute a full barrier, which
 * turns the owner's compiler barrier into a real one exactly when a drainer
 * needs it (liburcu's memb flavour rests on the same fact). Either the
 * owner sees the drain bit, or the drainer sees busy: never neither. Where
 * the platform has no remote barrier, `mode` holds CPU_SLOW_FENCE and every
 * owner call takes its slow path with a full fence.
 *
 * `slow` is the one word the fast path tests: it also holds the allocator's
 * permanent modes (fence, strict free), so the fast path pays one load and
 * one branch for all of them. Drainers of one CPU are serialized by
 * drain_lock, so they write it with plain stores. In a kernel the owner
 * runs with preemption off, which is what makes "one thread per slot" hold.
 */
#ifndef PM_HANDSHAKE_H
#define PM_HANDSHAKE_H

#include <stdatomic.h>

#include "debug.h"
#include "magazine.h"
#include "pcp.h"
#include "ticket_lock.h"

#define PM_CACHE_LINE 64

/* cpu_cache.slow: any bit set sends every call of the owner to a slow path. */
#define CPU_SLOW_DRAIN  1u /* a drainer wants or holds the cache (transient) */
#define CPU_SLOW_FENCE  2u /* no remote barrier: the owner needs a full fence */
#define CPU_SLOW_STRICT 4u /* PM_SMP_STRICT_FREE: frees compare-and-swap */
#define CPU_SLOW_WAIT   (CPU_SLOW_DRAIN | CPU_SLOW_FENCE) /* cpu_enter_slow's work */

struct zone;

/*
 * One CPU's cache. Cache line 0 is written by its owner on the fast path
 * (and by a remote drainer, rarely); no two CPUs write one line there.
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
    uint8_t tag;          /* zone_owner_tag of this CPU; read-only after init */
    /* -- cache lines 1..3: blocks of orders 1..PCP_MAX_ORDER, pcp[k - 1] -- */
    struct pcp_list pcp[PCP_MAX_ORDER] __attribute__((aligned(PM_CACHE_LINE)));
    /* -- cache line 4: statistics, owner-written -- */
    _Atomic uint64_t allocations __attribute__((aligned(PM_CACHE_LINE)));
    _Atomic uint64_t failed;
    _Atomic uint64_t frees;
    /* -- cache line 5: drainers only -- */
    ticket_lock_t drain_lock __attribute__((aligned(PM_CACHE_LINE)));
} __attribute__((aligned(PM_CACHE_LINE)));

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

/* A drainer takes CPU c's cache away from its owner (any thread); `mode`
 * is the allocator's permanent CPU_SLOW_* bits. */
void cpu_drain_begin(struct cpu_cache *c, unsigned mode);
void cpu_drain_end(struct cpu_cache *c, unsigned mode);

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

#endif /* PM_HANDSHAKE_H */
