/*
 * test_smp_bulk.c - pm_smp_alloc_bulk: returns count when that many pages
 * exist (cached pages of other CPUs included), fewer when short, 0 when
 * empty or on a bad argument; the pages are distinct, page-aligned order-0
 * pages of the zones, each freeable once with pm_smp_free; with caches and
 * with PM_SMP_NOCACHE (where it takes at most 512 pages per acquisition),
 * over one zone and several.
 */
#include <limits.h>

#include "smp_test_util.h"

#define BATCH 8u
#define HIGH  32u

/* Distinct, aligned, inside [base, base + npages) of one of the zones. */
static void assert_pages_ok(const pm_paddr_t *v, size_t n, const uint64_t *bases,
                            const size_t *sizes, size_t nzones)
{
    uint64_t *pfn = calloc(n + 1, sizeof(*pfn));

    assert_non_null(pfn);
    for (size_t i = 0; i < n; i++) {
        bool inside = false;

        assert_true(pm_paddr_is_page_aligned(v[i]));
        for (size_t z = 0; z < nzones; z++) {
            if (pm_paddr_u64(v[i]) >= bases[z] && pm_paddr_u64(v[i]) < bases[z] + sizes[z] * TS_PG)
                inside = true;
        }
        assert_true(inside);
        pfn[i] = pm_paddr_pfn(v[i]);
    }
    qsort(pfn, n, sizeof(*pfn), ts_cmp_u64);
    for (size_t i = 1; i < n; i++)
        assert_true(pfn[i] != pfn[i - 1]);
    free(pfn);
}

static void free_all(pm_smp_t *s, unsigned cpu, const pm_paddr_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_ok(pm_smp_free(s, cpu, v[i], 1));
}

static void bulk_one_zone(unsigned flags)
{
    const uint64_t base = TS_BASE;
    const size_t npg = 256;
    pm_smp_t *s = ts_create1(3, BATCH, HIGH, flags, npg);
    pm_paddr_t v[300], w[300];
    pm_smp_stats_t st0, st;
    size_t n, m;

    /* count available */
    st0 = ts_stats(s);
    n = pm_smp_alloc_bulk(s, 0, 100, v);
    assert_int_equal(n, 100);
    assert_pages_ok(v, n, &base, &npg, 1);
    st = ts_stats(s);
    assert_int_equal(st.free_pages + st.cached_pages, npg - 100);
#if PM_STATS
    assert_int_equal(st.allocations, st0.allocations + 100);
    assert_int_equal(st.failed_allocations, st0.failed_allocations);
#endif
    assert_ok(pm_smp_check(s));

    /* other CPUs cache pages: bulk gets them too. Short: partial */
    {
        pm_paddr_t x[3];
        assert_ok(pm_smp_alloc(s, 1, 1, &x[0]));
        assert_ok(pm_smp_alloc(s, 2, 1, &x[1]));
        assert_ok(pm_smp_free(s, 1, x[0], 1));
        assert_ok(pm_smp_free(s, 2, x[1], 1));
    }
    st0 = ts_stats(s);
    m = pm_smp_alloc_bulk(s, 0, 300, w);
    assert_int_equal(m, npg - 100);
    assert_pages_ok(w, m, &base, &npg, 1);
    st = ts_stats(s);
    assert_int_equal(st.free_pages, 0);
    assert_int_equal(st.cached_pages, 0);
#if PM_STATS
    assert_int_equal(st.allocations, st0.allocations + 300);
    assert_int_equal(st.failed_allocations, st0.failed_allocations + 300 - m);
#else
    (void)st0; /* the event counters stay 0 without PM_STATS */
#endif
    /* v and w together: every page exactly once */
    memcpy(&v[n], w, m * sizeof(*w));
    assert_pages_ok(v, n + m, &base, &npg, 1);
    /* empty: 0, from every CPU */
    for (unsigned c = 0; c < 3; c++)
        assert_int_equal(pm_smp_alloc_bulk(s, c, 5, w), 0);
    assert_ok(pm_smp_check(s));

    /* freeable, once each: an order-0 page of the caller */
    free_all(s, 1, v, n + m);
    for (size_t i = 0; i < n + m; i += 37)
        assert_err(pm_smp_free(s, 2, v[i], 1), PM_ENOTALLOC);
    ts_assert_intact(s, NULL, 0);

    /* exactly count, count 1, count 0 */
    assert_int_equal(pm_smp_alloc_bulk(s, 2, npg, v), npg);
    assert_pages_ok(v, npg, &base, &npg, 1);
    free_all(s, 0, v, npg);
    assert_int_equal(pm_smp_alloc_bulk(s, 2, 1, v), 1);
    assert_int_equal(pm_smp_alloc_bulk(s, 2, 0, w), 0);
    ts_assert_intact(s, &(struct ts_block){v[0], 1}, 1);
    assert_ok(pm_smp_free(s, 2, v[0], 1));

    /* bad arguments */
    assert_int_equal(pm_smp_alloc_bulk(NULL, 0, 4, v), 0);
    assert_int_equal(pm_smp_alloc_bulk(s, 3, 4, v), 0);
    assert_int_equal(pm_smp_alloc_bulk(s, UINT_MAX, 4, v), 0);
    assert_int_equal(pm_smp_alloc_bulk(s, 0, 4, NULL), 0);
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

static void test_bulk_cached(void **state)
{
    (void)state;
    bulk_one_zone(0);
}

static void test_bulk_nocache(void **state)
{
    (void)state;
    bulk_one_zone(PM_SMP_NOCACHE);
}

/* Several zones, counts far above a batch (and above 512 without caches). */
static void bulk_many(unsigned flags)
{
    static const uint64_t bases[] = {TS_BASE, TS_BASE + 0x10000000u, TS_BASE + 0x20000000u};
    static const size_t sizes[] = {700, 5, 900};
    const size_t total = 700 + 5 + 900;
    pm_smp_t *s = ts_create(2, BATCH, HIGH, flags);
    pm_paddr_t *v = calloc(total + 10, sizeof(*v));
    size_t n;

    assert_non_null(v);
    for (size_t z = 0; z < 3; z++)
        assert_ok(pm_smp_add_region(s, pm_paddr(bases[z]), sizes[z]));
    n = pm_smp_alloc_bulk(s, 1, 1500, v);
    assert_int_equal(n, 1500);
    assert_pages_ok(v, n, bases, sizes, 3);
    n += pm_smp_alloc_bulk(s, 0, 200, &v[n]);
    assert_int_equal(n, total);
    assert_pages_ok(v, n, bases, sizes, 3);
    assert_int_equal(ts_avail(s), 0);
    free_all(s, 0, v, n);
    ts_assert_intact(s, NULL, 0);
    free(v);
    ts_destroy(s);
}

static void test_bulk_many_zones_cached(void **state)
{
    (void)state;
    bulk_many(0);
}

static void test_bulk_many_zones_nocache(void **state)
{
    (void)state;
    bulk_many(PM_SMP_NOCACHE);
}

/* Bulk pages and single pages mix: bulk on one CPU, singles on another. */
static void test_bulk_mixed_with_singles(void **state)
{
    pm_smp_t *s = ts_create1(2, BATCH, HIGH, 0, 128);
    pm_paddr_t v[128];
    size_t n = 0;

    (void)state;
    for (unsigned r = 0; n < 128; r++) {
        if (r % 2 == 0) {
            n += pm_smp_alloc_bulk(s, 0, 11, &v[n]);
        } else {
            assert_ok(pm_smp_alloc(s, 1, 1, &v[n]));
            n++;
        }
        assert_true(n <= 128);
    }
    {
        const uint64_t base = TS_BASE;
        const size_t npg = 128;
        assert_pages_ok(v, n, &base, &npg, 1);
    }
    {
        pm_paddr_t x;
        assert_int_equal(pm_smp_alloc_bulk(s, 1, 1, &x), 0); /* all 128 are out */
    }
    free_all(s, 1, v, n);
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

int main(void)
{
    ts_fault_from_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bulk_cached),
        cmocka_unit_test(test_bulk_nocache),
        cmocka_unit_test(test_bulk_many_zones_cached),
        cmocka_unit_test(test_bulk_many_zones_nocache),
        cmocka_unit_test(test_bulk_mixed_with_singles),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
