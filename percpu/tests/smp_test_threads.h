/*
 * smp_test_threads.h - what the multi-threaded SMP tests share: a page
 * ownership map that catches a page handed out twice the moment it happens
 * (one atomic byte a page, exchanged on allocation and cleared before the
 * free), error counters the worker threads bump (cmocka asserts only in the
 * main thread), and a clock.
 */
#ifndef PM_SMP_TEST_THREADS_H
#define PM_SMP_TEST_THREADS_H

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "smp_test_util.h"

/* Pages [base, base + npages) of region r map to slots r * stride + i. */
struct ts_owner {
    uint64_t base; /* region 0's address */
    uint64_t gap;  /* bytes from one region to the next */
    unsigned nreg; /* regions */
    size_t stride; /* slots a region (its page count, at most) */
    atomic_uchar *held;
    atomic_ulong errors;
    atomic_ulong first_error_line;
};

static inline void ts_owner_init(struct ts_owner *o, uint64_t base, uint64_t gap, unsigned nreg,
                                 size_t stride)
{
    o->base = base;
    o->gap = gap;
    o->nreg = nreg;
    o->stride = stride;
    o->held = calloc((size_t)nreg * stride, sizeof(*o->held));
    assert_non_null(o->held);
    atomic_init(&o->errors, 0);
    atomic_init(&o->first_error_line, 0);
}

static inline void ts_owner_fini(struct ts_owner *o)
{
    free(o->held);
    o->held = NULL;
}

/* Worker threads report failures here; the main thread asserts on them. */
static inline void ts_owner_fail(struct ts_owner *o, unsigned long line)
{
    unsigned long zero = 0;

    atomic_compare_exchange_strong(&o->first_error_line, &zero, line);
    atomic_fetch_add(&o->errors, 1);
}

#define TS_FAIL(o) ts_owner_fail((o), __LINE__)

/* The slot of page `a`, or SIZE_MAX outside every region. */
static inline size_t ts_owner_slot(const struct ts_owner *o, pm_paddr_t a)
{
    uint64_t off = pm_paddr_u64(a) - o->base;
    uint64_t r = off / o->gap, i = (off % o->gap) >> PM_PAGE_SHIFT;

    if (pm_paddr_u64(a) < o->base || r >= o->nreg || i >= o->stride)
        return SIZE_MAX;
    return (size_t)(r * o->stride + i);
}

/* The region index of page a (for "which region did this come from"). */
static inline unsigned ts_owner_region(const struct ts_owner *o, pm_paddr_t a)
{
    return (unsigned)((pm_paddr_u64(a) - o->base) / o->gap);
}

/* A block came out of the allocator: aligned, inside, and nobody's. */
static inline void ts_owner_take(struct ts_owner *o, pm_paddr_t a, size_t npages)
{
    size_t blk = ts_block_pages(npages);

    if ((pm_paddr_u64(a) & (blk * TS_PG - 1)) != 0)
        TS_FAIL(o);
    for (size_t j = 0; j < blk; j++) {
        size_t slot = ts_owner_slot(o, pm_paddr_add_pages(a, j));

        if (slot == SIZE_MAX)
            TS_FAIL(o);
        else if (atomic_exchange(&o->held[slot], 1) != 0)
            TS_FAIL(o); /* handed out twice */
    }
}

/* A block is about to be freed: it must be held; nobody's once freed. */
static inline void ts_owner_give(struct ts_owner *o, pm_paddr_t a, size_t npages)
{
    size_t blk = ts_block_pages(npages);

    for (size_t j = 0; j < blk; j++) {
        size_t slot = ts_owner_slot(o, pm_paddr_add_pages(a, j));

        if (slot == SIZE_MAX || atomic_exchange(&o->held[slot], 0) != 1)
            TS_FAIL(o);
    }
}

static inline void ts_owner_assert_clean(struct ts_owner *o)
{
    unsigned long errors = atomic_load(&o->errors);

    if (errors != 0)
        print_error("%lu errors in worker threads, the first at line %lu\n", errors,
                    atomic_load(&o->first_error_line));
    assert_int_equal(errors, 0);
}

static inline uint64_t ts_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static inline void ts_sleep_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000u, .tv_nsec = (long)(ms % 1000u) * 1000000L};

    nanosleep(&ts, NULL);
}

#endif /* PM_SMP_TEST_THREADS_H */
