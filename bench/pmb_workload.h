/*
 * bench/pmb_workload.h - the page workloads pm-bench runs on every
 * allocator (physmem SMP, its locked mode, the core behind a mutex, malloc),
 * written once as always-inline functions that take the allocator's alloc
 * and free as function pointers. Each backend passes its own static
 * functions, so after inlining the calls are direct (no indirect-call cost
 * added to any backend).
 *
 * Workloads (thread i uses CPU slot i):
 *   pair    alloc one order-0 page, free it
 *   pair9   alloc one order-9 block (512 pages, 2 MiB), free it
 *   batch   alloc N order-0 pages, free them (same order)
 *   xfer    threads 0..T/2-1 allocate and push through an SPSC ring to
 *           thread i + T/2, which frees (pages cross CPUs)
 *   mixed   a window of 32 live blocks; each iteration frees a random one
 *           and allocates a block of a random order skewed small
 *           (0: 70%, 1: 15%, 2: 7%, 3: 4%, 4..9: 4%)
 *   bulk    a bulk allocation of N order-0 pages, then N frees
 * Addresses are never dereferenced.
 */
#ifndef PMB_WORKLOAD_H
#define PMB_WORKLOAD_H

#include "pm_bench.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* The base of the fake physical range the zones manage: 4 GiB, never
 * touched, and 64 Ki pages (256 MiB) of it. */
#define PMB_BASE   ((uint64_t)1 << 32)
#define PMB_NPAGES ((size_t)64 * 1024)

#define PMB_RING_SIZE 256u /* a power of two */
#define PMB_WINDOW    32u  /* live blocks per thread in mixed */
#define PMB_MAX_BATCH 512u

typedef bool (*pmb_alloc_fn)(void *ctx, unsigned cpu, unsigned order, uint64_t *out);
typedef void (*pmb_free_fn)(void *ctx, unsigned cpu, uint64_t addr, unsigned order);
typedef size_t (*pmb_bulk_fn)(void *ctx, unsigned cpu, size_t count, uint64_t *out);

/* xorshift64*, per thread. */
static inline uint64_t pmb_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* ------------------------------------------------------------------------ */
/* SPSC ring: the producer owns tail, the consumer owns head. */

typedef struct pmb_ring {
    PMB_CACHELINE_ALIGN _Atomic uint64_t head; /* consumer writes */
    uint64_t tail_seen;                        /* consumer's last view of tail */
    PMB_CACHELINE_ALIGN _Atomic uint64_t tail; /* producer writes */
    uint64_t head_seen;                        /* producer's last view of head */
    _Atomic unsigned done;                     /* producer: no more pushes */
    PMB_CACHELINE_ALIGN uint64_t slot[PMB_RING_SIZE];
} pmb_ring_t;

static inline void pmb_spin(unsigned *spins)
{
    /* 8 threads on 2 cores: let the other side run. */
    if (++*spins >= 64) {
        *spins = 0;
        sched_yield();
    } else {
        __asm__ volatile("pause" ::: "memory");
    }
}

static inline void pmb_ring_push(pmb_ring_t *r, uint64_t v)
{
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    unsigned spins = 0;
    while (t - r->head_seen >= PMB_RING_SIZE) {
        r->head_seen = atomic_load_explicit(&r->head, memory_order_acquire);
        if (t - r->head_seen >= PMB_RING_SIZE)
            pmb_spin(&spins);
    }
    r->slot[t & (PMB_RING_SIZE - 1)] = v;
    atomic_store_explicit(&r->tail, t + 1, memory_order_release);
}

static inline uint64_t pmb_ring_pop(pmb_ring_t *r)
{
    uint64_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
    unsigned spins = 0;
    while (h == r->tail_seen) {
        r->tail_seen = atomic_load_explicit(&r->tail, memory_order_acquire);
        if (h == r->tail_seen)
            pmb_spin(&spins);
    }
    uint64_t v = r->slot[h & (PMB_RING_SIZE - 1)];
    atomic_store_explicit(&r->head, h + 1, memory_order_release);
    return v;
}

/* Pops the next value into *out; false once the ring is empty and its
 * producer has finished (done is set after its last push). */
static inline bool pmb_ring_pop_or_done(pmb_ring_t *r, uint64_t *out)
{
    uint64_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
    unsigned spins = 0;
    while (h == r->tail_seen) {
        r->tail_seen = atomic_load_explicit(&r->tail, memory_order_acquire);
        if (h != r->tail_seen)
            break;
        if (atomic_load_explicit(&r->done, memory_order_acquire) != 0) {
            r->tail_seen = atomic_load_explicit(&r->tail, memory_order_acquire);
            if (h == r->tail_seen)
                return false;
            break;
        }
        pmb_spin(&spins);
    }
    *out = r->slot[h & (PMB_RING_SIZE - 1)];
    atomic_store_explicit(&r->head, h + 1, memory_order_release);
    return true;
}

/* The fixture every backend's setup returns: its allocator and the rings. */
typedef struct pmb_fixture {
    void *ctx;
    pmb_ring_t *rings; /* threads / 2 of them */
    unsigned nrings;
} pmb_fixture_t;

static inline pmb_fixture_t *pmb_fixture_new(void *ctx, int threads)
{
    pmb_fixture_t *f = calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    f->ctx = ctx;
    f->nrings = threads >= 2 ? (unsigned)threads / 2 : 1u;
    f->rings = aligned_alloc(64, sizeof(pmb_ring_t) * f->nrings);
    if (!f->rings) {
        free(f);
        return NULL;
    }
    memset(f->rings, 0, sizeof(pmb_ring_t) * f->nrings);
    return f;
}

static inline void pmb_fixture_delete(pmb_fixture_t *f)
{
    if (f) {
        free(f->rings);
        free(f);
    }
}

static inline void pmb_report_failures(pmb_state_t *st, uint64_t failures)
{
    if (failures)
        pmb_set_counter(st, "failures", (double)failures, PMB_COUNTER_SUM);
}

/* ------------------------------------------------------------------------ */
/* Workloads. */

/* One block of `order` allocated and freed, again and again. */
static PMB_ALWAYS_INLINE void pmb_wl_pair_order(pmb_state_t *st, unsigned order,
                                                pmb_alloc_fn alloc_fn, pmb_free_fn free_fn)
{
    pmb_fixture_t *fx = pmb_fixture(st);
    void *ctx = fx->ctx;
    unsigned cpu = (unsigned)pmb_thread_index(st);
    uint64_t failures = 0;
    while (pmb_keep_running(st)) {
        uint64_t p;
        if (PMB_LIKELY(alloc_fn(ctx, cpu, order, &p))) {
            pmb_do_not_optimize_u64(p);
            free_fn(ctx, cpu, p, order);
        } else {
            failures++;
        }
    }
    pmb_report_pairs(st, (double)pmb_iterations(st));
    pmb_report_failures(st, failures);
}

static PMB_ALWAYS_INLINE void pmb_wl_pair(pmb_state_t *st, pmb_alloc_fn alloc_fn,
                                          pmb_free_fn free_fn)
{
    pmb_wl_pair_order(st, 0, alloc_fn, free_fn);
}

#define PMB_PAIR9_ORDER 9u /* PM_MAX_ORDER: a 2 MiB block */

static PMB_ALWAYS_INLINE void pmb_wl_pair9(pmb_state_t *st, pmb_alloc_fn alloc_fn,
                                           pmb_free_fn free_fn)
{
    pmb_wl_pair_order(st, PMB_PAIR9_ORDER, alloc_fn, free_fn);
}

static PMB_ALWAYS_INLINE void pmb_wl_batch(pmb_state_t *st, unsigned n, pmb_alloc_fn alloc_fn,
                                           pmb_free_fn free_fn)
{
    pmb_fixture_t *fx = pmb_fixture(st);
    void *ctx = fx->ctx;
    unsigned cpu = (unsigned)pmb_thread_index(st);
    uint64_t failures = 0;
    uint64_t pages[PMB_MAX_BATCH];
    if (n > PMB_MAX_BATCH)
        n = PMB_MAX_BATCH;
    while (pmb_keep_running(st)) {
        unsigned got = 0;
        for (unsigned i = 0; i < n; i++) {
            if (PMB_LIKELY(alloc_fn(ctx, cpu, 0, &pages[got])))
                got++;
            else
                failures++;
        }
        pmb_clobber_memory();
        for (unsigned i = 0; i < got; i++)
            free_fn(ctx, cpu, pages[i], 0);
    }
    pmb_report_pairs(st, (double)pmb_iterations(st) * n);
    pmb_report_failures(st, failures);
}

static PMB_ALWAYS_INLINE void pmb_wl_bulk(pmb_state_t *st, unsigned n, pmb_bulk_fn bulk_fn,
                                          pmb_free_fn free_fn)
{
    pmb_fixture_t *fx = pmb_fixture(st);
    void *ctx = fx->ctx;
    unsigned cpu = (unsigned)pmb_thread_index(st);
    uint64_t failures = 0;
    uint64_t pages[PMB_MAX_BATCH];
    if (n > PMB_MAX_BATCH)
        n = PMB_MAX_BATCH;
    while (pmb_keep_running(st)) {
        size_t got = bulk_fn(ctx, cpu, n, pages);
        failures += n - got;
        pmb_clobber_memory();
        for (size_t i = 0; i < got; i++)
            free_fn(ctx, cpu, pages[i], 0);
    }
    pmb_report_pairs(st, (double)pmb_iterations(st) * n);
    pmb_report_failures(st, failures);
}

/* Needs an even thread count (PMB_THREADS_EVEN). A failed allocation
 * sends 0, which the consumer skips, so that neither side waits forever.
 * The two sides' timed loops may end after different counts (the shim
 * stops a run after --pmb_max_run_s): the consumer's loop ends when its
 * budget does or when the producer has finished and the ring is empty,
 * and it then frees, untimed, whatever the producer still sends. */
static PMB_ALWAYS_INLINE void pmb_wl_xfer(pmb_state_t *st, pmb_alloc_fn alloc_fn,
                                          pmb_free_fn free_fn)
{
    pmb_fixture_t *fx = pmb_fixture(st);
    void *ctx = fx->ctx;
    unsigned cpu = (unsigned)pmb_thread_index(st);
    unsigned half = (unsigned)pmb_threads(st) / 2;
    uint64_t failures = 0;
    if (half == 0) {
        pmb_skip_with_error(st, "xfer needs an even number of threads");
        return;
    }
    if (cpu < half) {
        pmb_ring_t *r = &fx->rings[cpu];
        while (pmb_keep_running(st)) {
            uint64_t p;
            if (PMB_UNLIKELY(!alloc_fn(ctx, cpu, 0, &p))) {
                failures++;
                p = 0;
            }
            pmb_ring_push(r, p);
        }
        atomic_store_explicit(&r->done, 1u, memory_order_release);
        pmb_report(st, (double)pmb_iterations(st), (int64_t)pmb_iterations(st));
    } else {
        pmb_ring_t *r = &fx->rings[cpu - half];
        uint64_t popped = 0, p;
        while (pmb_keep_running(st)) {
            if (PMB_UNLIKELY(!pmb_ring_pop_or_done(r, &p))) {
                pmb_stop(st);
                break;
            }
            popped++;
            if (PMB_LIKELY(p != 0))
                free_fn(ctx, cpu, p, 0);
        }
        pmb_report(st, (double)popped, 0);
        while (pmb_ring_pop_or_done(r, &p)) /* untimed: the producer's rest */
            if (p != 0)
                free_fn(ctx, cpu, p, 0);
    }
    pmb_report_failures(st, failures);
}

static inline unsigned pmb_skewed_order(uint64_t r)
{
    unsigned b = (unsigned)(r & 255u);
    if (b < 180u)
        return 0; /* 70% */
    if (b < 218u)
        return 1; /* 15% */
    if (b < 236u)
        return 2; /* 7% */
    if (b < 246u)
        return 3;                          /* 4% */
    return 4u + (unsigned)((r >> 8) % 6u); /* 4%: orders 4..9 */
}

#define PMB_MIXED_TABLE 1024u

static PMB_ALWAYS_INLINE void pmb_wl_mixed(pmb_state_t *st, pmb_alloc_fn alloc_fn,
                                           pmb_free_fn free_fn)
{
    pmb_fixture_t *fx = pmb_fixture(st);
    void *ctx = fx->ctx;
    unsigned cpu = (unsigned)pmb_thread_index(st);
    uint64_t failures = 0;
    uint64_t live[PMB_WINDOW];
    unsigned char live_order[PMB_WINDOW];
    unsigned char orders[PMB_MIXED_TABLE];
    unsigned char slots[PMB_MIXED_TABLE];
    uint64_t seed = 0x9E3779B97F4A7C15ULL * (cpu + 1u);

    /* The random choices are made before the clock starts. */
    for (unsigned i = 0; i < PMB_MIXED_TABLE; i++) {
        uint64_t r = pmb_rand(&seed);
        orders[i] = (unsigned char)pmb_skewed_order(r);
        slots[i] = (unsigned char)((r >> 32) % PMB_WINDOW);
    }
    for (unsigned i = 0; i < PMB_WINDOW; i++) {
        live_order[i] = orders[i];
        if (!alloc_fn(ctx, cpu, live_order[i], &live[i]))
            live[i] = 0;
    }
    unsigned k = 0;
    while (pmb_keep_running(st)) {
        unsigned s = slots[k];
        unsigned o = orders[k];
        k = (k + 1) & (PMB_MIXED_TABLE - 1);
        if (PMB_LIKELY(live[s] != 0))
            free_fn(ctx, cpu, live[s], live_order[s]);
        live_order[s] = (unsigned char)o;
        if (PMB_UNLIKELY(!alloc_fn(ctx, cpu, o, &live[s]))) {
            live[s] = 0;
            failures++;
        }
    }
    for (unsigned i = 0; i < PMB_WINDOW; i++)
        if (live[i] != 0)
            free_fn(ctx, cpu, live[i], live_order[i]);
    pmb_report_pairs(st, (double)pmb_iterations(st));
    pmb_report_failures(st, failures);
}

/* Registers the standard families "<prefix>/<workload>" of one backend. */
typedef struct pmb_backend_families {
    const char *prefix; /* "smp" */
    pmb_setup_fn setup;
    pmb_teardown_fn teardown;
    const void *user;
    pmb_run_fn pair, batch64, xfer, mixed, bulk, pair9; /* NULL: not offered */
} pmb_backend_families_t;

static inline void pmb_register_backend(const pmb_backend_families_t *b)
{
    static const struct {
        const char *suffix;
        size_t off;
        unsigned threads;
    } w[] = {
        {"pair", offsetof(pmb_backend_families_t, pair), PMB_THREADS_ALL},
        {"batch64", offsetof(pmb_backend_families_t, batch64), PMB_THREADS_ALL},
        {"xfer", offsetof(pmb_backend_families_t, xfer), PMB_THREADS_EVEN},
        {"mixed", offsetof(pmb_backend_families_t, mixed), PMB_THREADS_ALL},
        {"pair9", offsetof(pmb_backend_families_t, pair9), PMB_THREADS_ALL},
        {"bulk", offsetof(pmb_backend_families_t, bulk), PMB_THREADS_ALL},
    };
    for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
        pmb_run_fn run;
        memcpy(&run, (const char *)b + w[i].off, sizeof(run));
        if (!run)
            continue;
        char name[64];
        size_t lp = strlen(b->prefix), ls = strlen(w[i].suffix);
        if (lp + 1 + ls + 1 > sizeof(name))
            continue;
        memcpy(name, b->prefix, lp);
        name[lp] = '/';
        memcpy(name + lp + 1, w[i].suffix, ls + 1);
        pmb_family_t f;
        memset(&f, 0, sizeof(f));
        f.name = name;
        f.run = run;
        f.setup = b->setup;
        f.teardown = b->teardown;
        f.user = b->user;
        f.threads = w[i].threads;
        pmb_register(&f);
    }
}

#endif /* PMB_WORKLOAD_H */
