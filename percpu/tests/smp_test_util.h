/*
 * smp_test_util.h - helpers shared by the SMP allocator's cmocka tests:
 * creating allocators, reading statistics, measuring zone-lock acquisitions
 * net of what pm_smp_stats itself takes (read from the internals), a seeded RNG, and the "nothing
 * lost, nothing handed out twice" proof (drain everything, allocate every
 * page, compare with what the test holds).
 */
#ifndef PM_SMP_TEST_UTIL_H
#define PM_SMP_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <physmem/physmem.h>
#include <physmem/smp.h>
#include "smp_internal.h"

/* A base aligned to every order (pfn 0x100000). */
#define TS_BASE ((uint64_t)0x100000000u)
#define TS_PG   ((uint64_t)PM_PAGE_SIZE)

/* cmocka asserts on pm_err_t, printing the names on failure. */
#define assert_err(expr, want)                                                                     \
    do {                                                                                           \
        pm_err_t got_err_ = (expr);                                                                \
        if (got_err_ != (want))                                                                    \
            print_error("%s returned %s, expected %s\n", #expr, pm_errname(got_err_),              \
                        pm_errname(want));                                                         \
        assert_int_equal(got_err_, (want));                                                        \
    } while (0)

#define assert_ok(expr) assert_err((expr), PM_OK)

static inline pm_paddr_t ts_pfn_addr(uint64_t base, uint64_t page)
{
    return pm_paddr(base + page * TS_PG);
}

/*
 * Zone-lock acquisitions. pm_smp_stats and pm_smp_order_stats lock every
 * zone to read it, and those acquisitions count too; the tests read the
 * counters straight from the zones (no lock: the allocator is quiet) and
 * subtract what their own statistics calls took, so the difference of two
 * ts_locks() calls is exactly what the allocator did in between.
 */
static struct {
    const pm_smp_t *s;
    uint64_t locks;
} ts_observer[16];

static inline uint64_t *ts_observer_slot(const pm_smp_t *s)
{
    for (size_t i = 0; i < sizeof(ts_observer) / sizeof(ts_observer[0]); i++) {
        if (ts_observer[i].s == s)
            return &ts_observer[i].locks;
    }
    for (size_t i = 0; i < sizeof(ts_observer) / sizeof(ts_observer[0]); i++) {
        if (ts_observer[i].s == NULL) {
            ts_observer[i].s = s;
            ts_observer[i].locks = 0;
            return &ts_observer[i].locks;
        }
    }
    fail_msg("too many allocators for ts_observer");
    return NULL;
}

static inline uint64_t ts_raw_locks(pm_smp_t *s) PM_NO_TSA
{
    uint64_t n = 0;

    for (unsigned i = 0; smp_zone_at(s, i) != NULL; i++)
        n += smp_zone_at(s, i)->lock_acquisitions;
    return n;
}

static inline uint64_t ts_locks(pm_smp_t *s)
{
    return ts_raw_locks(s) - *ts_observer_slot(s);
}

static inline pm_smp_stats_t ts_stats(pm_smp_t *s)
{
    uint64_t before = ts_raw_locks(s);
    pm_smp_stats_t st;

    pm_smp_stats(s, &st);
    *ts_observer_slot(s) += ts_raw_locks(s) - before;
    return st;
}

static inline void ts_order_stats(pm_smp_t *s, pm_order_stats_t out[PM_NR_ORDERS])
{
    uint64_t before = ts_raw_locks(s);

    pm_smp_order_stats(s, out);
    *ts_observer_slot(s) += ts_raw_locks(s) - before;
}

static inline pm_smp_t *ts_create(unsigned ncpus, unsigned batch, unsigned high, unsigned flags)
{
    pm_smp_config_t cfg = {.ncpus = ncpus, .batch = batch, .high = high, .flags = flags};
    pm_smp_t *s = NULL;

    assert_ok(pm_smp_create(&cfg, &s));
    assert_non_null(s);
    *ts_observer_slot(s) = 0; /* a new allocator may reuse a freed one's address */
    return s;
}

static inline void ts_destroy(pm_smp_t *s)
{
    for (size_t i = 0; i < sizeof(ts_observer) / sizeof(ts_observer[0]); i++) {
        if (ts_observer[i].s == s)
            ts_observer[i].s = NULL;
    }
    pm_smp_destroy(s);
}

/* An allocator with one zone of npages at TS_BASE. */
static inline pm_smp_t *ts_create1(unsigned ncpus, unsigned batch, unsigned high, unsigned flags,
                                   size_t npages)
{
    pm_smp_t *s = ts_create(ncpus, batch, high, flags);

    assert_ok(pm_smp_add_region(s, pm_paddr(TS_BASE), npages));
    assert_ok(pm_smp_check(s));
    return s;
}

/* Every page available to an allocation: in the zones or in the caches. */
static inline uint64_t ts_avail(pm_smp_t *s)
{
    pm_smp_stats_t st = ts_stats(s);

    return st.free_pages + st.cached_pages;
}

/* The block size an allocation of npages takes. */
static inline size_t ts_block_pages(size_t npages)
{
    size_t b = 1;

    while (b < npages)
        b <<= 1;
    return b;
}

/*
 * PM_FAULT=name[,name...] in the environment injects faults for a whole run
 * (builds with PM_FAULT_INJECTION only): the way to watch these tests fail
 * on a broken allocator. Call first thing in main().
 */
static inline void ts_fault_from_env(void)
{
    const char *env = getenv("PM_FAULT");
    char buf[128];
    unsigned mask = 0;

    if (env == NULL || *env == '\0')
        return;
    snprintf(buf, sizeof(buf), "%s", env);
    for (char *p = buf, *comma; p != NULL; p = comma) {
        unsigned m;

        comma = strchr(p, ',');
        if (comma != NULL)
            *comma++ = '\0';
        m = pm_fault_from_name(p);
        if (m == 0)
            fprintf(stderr, "PM_FAULT: unknown fault '%s'\n", p);
        mask |= m;
    }
    if (pm_fault_set(mask) != PM_OK)
        fprintf(stderr, "PM_FAULT: not built with PM_FAULT_INJECTION\n");
    else
        printf("# PM_FAULT=%s (mask %#x)\n", env, mask);
}

/* ---- a seeded RNG (splitmix64), so every run is the same ---------------- */

struct ts_rng {
    uint64_t x;
};

static inline void ts_rng_seed(struct ts_rng *r, uint64_t seed, const char *who)
{
    r->x = seed;
    if (who != NULL)
        printf("# %s: rng seed %llu\n", who, (unsigned long long)seed);
}

static inline uint64_t ts_rng_next(struct ts_rng *r)
{
    uint64_t z = (r->x += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static inline unsigned ts_rng_below(struct ts_rng *r, unsigned n)
{
    return (unsigned)(ts_rng_next(r) % n);
}

/* ---- nothing lost, nothing handed out twice ------------------------------ */

/* A block the test holds. */
struct ts_block {
    pm_paddr_t addr;
    size_t npages;
};

static inline int ts_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

/*
 * Proves that the allocator has lost no page and hands none out twice:
 * drains every cache (free must then be total - held), allocates single
 * pages from `cpu` until PM_ENOMEM (exactly total - held must come out), and
 * checks that those pages and the held blocks cover total distinct pages.
 * Then frees them all, drains again and leaves the allocator as it found it
 * (its caches empty). Needs a quiet allocator.
 */
static inline void ts_assert_intact_on(pm_smp_t *s, unsigned cpu, const struct ts_block *held,
                                       size_t nheld)
{
    pm_smp_stats_t st;
    uint64_t held_pages = 0, total, want, n = 0, k = 0;
    uint64_t *pfns;
    pm_paddr_t *got;
    pm_paddr_t a;

    assert_ok(pm_smp_check(s));
    for (size_t i = 0; i < nheld; i++)
        held_pages += ts_block_pages(held[i].npages);
    pm_smp_drain_all(s);
    st = ts_stats(s);
    total = st.total_pages;
    assert_int_equal(st.cached_pages, 0);
    assert_true(held_pages <= total);
    want = total - held_pages;
    assert_int_equal(st.free_pages, want);

    got = calloc((size_t)want + 1, sizeof(*got));
    pfns = calloc((size_t)total + 1, sizeof(*pfns));
    assert_non_null(got);
    assert_non_null(pfns);
    while (n <= want && pm_smp_alloc(s, cpu, 1, &a) == PM_OK) {
        assert_true(pm_paddr_is_page_aligned(a));
        got[n++] = a;
    }
    if (n != want)
        print_error("allocated %llu pages, expected %llu (total %llu, held %llu)\n",
                    (unsigned long long)n, (unsigned long long)want, (unsigned long long)total,
                    (unsigned long long)held_pages);
    assert_int_equal(n, want);
    assert_err(pm_smp_alloc(s, cpu, 1, &a), PM_ENOMEM);

    for (uint64_t i = 0; i < n; i++)
        pfns[k++] = pm_paddr_pfn(got[i]);
    for (size_t i = 0; i < nheld; i++) {
        size_t pages = ts_block_pages(held[i].npages);
        for (size_t j = 0; j < pages; j++)
            pfns[k++] = pm_paddr_pfn(held[i].addr) + j;
    }
    assert_int_equal(k, total);
    qsort(pfns, (size_t)k, sizeof(*pfns), ts_cmp_u64);
    for (uint64_t i = 1; i < k; i++) {
        if (pfns[i] == pfns[i - 1])
            print_error("pfn %#llx is held or handed out twice\n", (unsigned long long)pfns[i]);
        assert_true(pfns[i] != pfns[i - 1]);
    }

    for (uint64_t i = 0; i < n; i++)
        assert_ok(pm_smp_free(s, cpu, got[i], 1));
    pm_smp_drain_all(s);
    st = ts_stats(s);
    assert_int_equal(st.cached_pages, 0);
    assert_int_equal(st.free_pages, want);
    assert_ok(pm_smp_check(s));
    free(got);
    free(pfns);
}

static inline void ts_assert_intact(pm_smp_t *s, const struct ts_block *held, size_t nheld)
{
    ts_assert_intact_on(s, 0, held, nheld);
}

#endif /* PM_SMP_TEST_UTIL_H */
