/*
 * test_smp_enomem.c - PM_ENOMEM only when memory is truly gone. Pages
 * cached by other CPUs (their magazines, the depot) must be drained and
 * handed out before an allocation fails: one CPU gets every page of the
 * allocator, and order-0 pages scattered over caches are coalesced back
 * into the order-9 block a large allocation needs. With fault injection
 * built in, the same checks are run with the drain switched off
 * (PM_FAULT_NO_ENOMEM_DRAIN) to show that they catch its absence.
 * And what PM_ENOMEM promises, no more (smp.h): no zone holds a free,
 * naturally aligned block of the order; zones never merge, so two adjacent
 * regions that together make a free aligned 2 MiB run still answer
 * PM_ENOMEM to 512 pages.
 */
#include "smp_test_util.h"

#define NCPU  4u
#define BATCH 8u
#define HIGH  32u

/* CPUs 0..ncache-1 each cache pages: a few out and back in. */
static void fill_caches(pm_smp_t *s, unsigned ncache)
{
    for (unsigned c = 0; c < ncache; c++) {
        pm_paddr_t got[5];

        for (unsigned i = 0; i < 5; i++)
            assert_ok(pm_smp_alloc(s, c, 1, &got[i]));
        for (unsigned i = 0; i < 5; i++)
            assert_ok(pm_smp_free(s, c, got[i], 1));
    }
}

/* Allocates order-0 pages on cpu until PM_ENOMEM; returns how many (all
 * distinct, checked). Frees them afterwards if `give_back`. */
static uint64_t take_all(pm_smp_t *s, unsigned cpu, uint64_t limit, bool give_back)
{
    pm_paddr_t *got = calloc((size_t)limit + 1, sizeof(*got));
    uint64_t *pfn = calloc((size_t)limit + 1, sizeof(*pfn));
    uint64_t n = 0;
    pm_err_t err = PM_OK;

    assert_non_null(got);
    assert_non_null(pfn);
    while (n <= limit && (err = pm_smp_alloc(s, cpu, 1, &got[n])) == PM_OK) {
        pfn[n] = pm_paddr_pfn(got[n]);
        n++;
    }
    assert_err(err, PM_ENOMEM);
    qsort(pfn, (size_t)n, sizeof(*pfn), ts_cmp_u64);
    for (uint64_t i = 1; i < n; i++)
        assert_true(pfn[i] != pfn[i - 1]);
    if (give_back) {
        for (uint64_t i = 0; i < n; i++)
            assert_ok(pm_smp_free(s, cpu, got[i], 1));
    }
    free(pfn);
    free(got);
    return n;
}

static void test_enomem_only_when_empty(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, 256);
    pm_smp_stats_t st;
    uint64_t n;

    (void)state;
    fill_caches(s, 3);
    st = ts_stats(s);
    assert_int_equal(st.cached_pages, 3 * BATCH);
    assert_int_equal(st.free_pages, 256 - 3 * BATCH);
    n = take_all(s, 3, 256, false);
    assert_int_equal(n, 256);
    st = ts_stats(s);
    assert_int_equal(st.free_pages, 0);
    assert_int_equal(st.cached_pages, 0);
#if PM_STATS
    assert_int_equal(st.failed_allocations, 1);
#endif
    assert_ok(pm_smp_check(s));
    /* every other CPU is empty too, and bulk finds nothing */
    {
        pm_paddr_t a;
        for (unsigned c = 0; c < NCPU; c++)
            assert_err(pm_smp_alloc(s, c, 1, &a), PM_ENOMEM);
        assert_int_equal(pm_smp_alloc_bulk(s, 1, 1, &a), 0);
    }
    ts_destroy(s);
}

/* The depot holds full magazines, several zones: still every page. */
static void test_enomem_after_depot_and_zones(void **state)
{
    pm_smp_t *s = ts_create(NCPU, BATCH, HIGH, 0);
    pm_paddr_t got[150];
    pm_smp_stats_t st;

    (void)state;
    assert_ok(pm_smp_add_region(s, pm_paddr(TS_BASE), 100));
    assert_ok(pm_smp_add_region(s, pm_paddr(TS_BASE + 0x1000000u), 77));
    assert_ok(pm_smp_add_region(s, pm_paddr(TS_BASE + 0x2000000u), 3));
    for (unsigned i = 0; i < 150; i++)
        assert_ok(pm_smp_alloc(s, 1, 1, &got[i]));
    for (unsigned i = 0; i < 150; i++)
        assert_ok(pm_smp_free(s, 2, got[i], 1));
    st = ts_stats(s);
    assert_int_equal(s->depot.nfull, 8); /* NCPU * (HIGH - 2 * BATCH) / BATCH: full */
    /* CPU 2: 150 freed - 9 drained batches = 78 (64 in the depot, 14 in its
     * magazines); CPU 1: 19 refills - 150 = 2 */
    assert_int_equal(st.cached_pages, 80);
    fill_caches(s, 2); /* CPUs 0 and 1 take a full magazine each */
    assert_int_equal(s->depot.nfull, 6);
    assert_int_equal(take_all(s, 3, 180, true), 180);
    ts_assert_intact_on(s, 3, NULL, 0);
    ts_destroy(s);
}

/* Order-0 pages in caches coalesce back into the order-9 block. */
static void test_enomem_large_block_from_caches(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, 512);
    pm_order_stats_t os[PM_NR_ORDERS];
    pm_paddr_t a, one;

    (void)state;
    fill_caches(s, 3);
    ts_order_stats(s, os);
    assert_int_equal(os[9].free_blocks, 0); /* the block is broken up */
    assert_ok(pm_smp_alloc(s, 3, 512, &a));
    assert_int_equal(pm_paddr_u64(a), TS_BASE);
    assert_int_equal(ts_stats(s).cached_pages, 0);
    assert_ok(pm_smp_check(s));
    assert_ok(pm_smp_free(s, 0, a, 512));

    /* every order in turn, from another CPU each time */
    for (unsigned o = 1; o < PM_NR_ORDERS; o++) {
        fill_caches(s, 3);
        assert_ok(pm_smp_alloc(s, (o % 3) + 1, (size_t)1 << o, &a));
        ts_assert_intact(s, &(struct ts_block){a, (size_t)1 << o}, 1);
        assert_ok(pm_smp_free(s, o % 4, a, (size_t)1 << o));
    }

    /* a page a caller holds: 512 is really not there */
    assert_ok(pm_smp_alloc(s, 0, 1, &one));
    fill_caches(s, 3);
    assert_err(pm_smp_alloc(s, 3, 512, &a), PM_ENOMEM);
    assert_err(pm_smp_alloc(s, 3, 512, &a), PM_ENOMEM);
    assert_ok(pm_smp_alloc(s, 3, 256, &a)); /* the other half is */
    ts_assert_intact(s, (struct ts_block[]){{one, 1}, {a, 256}}, 2);
    assert_ok(pm_smp_free(s, 2, a, 256));
    assert_ok(pm_smp_free(s, 1, one, 1));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* ENOMEM changes nothing: a failed allocation leaves every held page held
 * and the allocator consistent, and it recovers as soon as a page is freed. */
static void test_enomem_recovers(void **state)
{
    pm_smp_t *s = ts_create1(2, BATCH, HIGH, 0, 64);
    pm_paddr_t got[64], a;

    (void)state;
    for (unsigned i = 0; i < 64; i++)
        assert_ok(pm_smp_alloc(s, i & 1, 1, &got[i]));
    for (unsigned k = 0; k < 3; k++) {
        assert_err(pm_smp_alloc(s, k & 1, 1, &a), PM_ENOMEM);
        assert_err(pm_smp_alloc(s, k & 1, 2, &a), PM_ENOMEM);
    }
    assert_ok(pm_smp_check(s));
    assert_ok(pm_smp_free(s, 0, got[17], 1));
    assert_ok(pm_smp_alloc(s, 1, 1, &a)); /* from CPU 0's cache, via the drain */
    assert_true(pm_paddr_eq(a, got[17]));
    for (unsigned i = 0; i < 64; i++)
        assert_ok(pm_smp_free(s, 1, got[i], 1));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/*
 * Issue 12, pinned: PM_ENOMEM means that no single zone has a free, naturally
 * aligned run of the order (after every cache was drained), not that the
 * free pages could not make one. Two regions of 256 pages, adjacent, whose
 * union is an aligned 512-page run, all free: 512 pages is PM_ENOMEM (in
 * either order of adding them), 256 pages comes from each zone; one region
 * of 512 pages over the same range serves it. A region of 512 pages that is
 * not aligned to 512 pages answers PM_ENOMEM too, all its pages free.
 */
static void test_enomem_zones_never_merge(void **state)
{
    pm_paddr_t a, b;

    (void)state;
    for (int order = 0; order < 2; order++) {
        pm_smp_t *s = ts_create(2, BATCH, HIGH, 0);
        pm_smp_stats_t st;

        assert_ok(pm_smp_add_region(s, ts_pfn_addr(TS_BASE, order ? 256 : 0), 256));
        assert_ok(pm_smp_add_region(s, ts_pfn_addr(TS_BASE, order ? 0 : 256), 256));
        st = ts_stats(s);
        assert_int_equal(st.zones, 2);
        assert_int_equal(st.free_pages, 512);
        assert_err(pm_smp_alloc(s, 0, 512, &a), PM_ENOMEM);
        assert_err(pm_smp_alloc(s, 1, 257, &a), PM_ENOMEM);
        st = ts_stats(s);
        assert_int_equal(st.free_pages + st.cached_pages, 512); /* nothing lost either */
        assert_ok(pm_smp_alloc(s, 0, 256, &a));
        assert_ok(pm_smp_alloc(s, 1, 256, &b));
        assert_int_equal(pm_paddr_pfn(a) / 256 + pm_paddr_pfn(b) / 256,
                         2 * (TS_BASE >> PM_PAGE_SHIFT) / 256 + 1); /* one from each */
        assert_ok(pm_smp_free(s, 1, a, 256));
        assert_ok(pm_smp_free(s, 0, b, 256));
        ts_assert_intact(s, NULL, 0);
        ts_destroy(s);
    }
    {
        pm_smp_t *s = ts_create1(2, BATCH, HIGH, 0, 512); /* one zone, same range */

        assert_ok(pm_smp_alloc(s, 0, 512, &a));
        assert_int_equal(pm_paddr_u64(a), TS_BASE);
        assert_ok(pm_smp_free(s, 0, a, 512));
        ts_destroy(s);
    }
    {
        pm_smp_t *s = ts_create(2, BATCH, HIGH, 0);

        assert_ok(pm_smp_add_region(s, ts_pfn_addr(TS_BASE, 256), 512)); /* misaligned */
        assert_err(pm_smp_alloc(s, 0, 512, &a), PM_ENOMEM);
        assert_int_equal(ts_stats(s).free_pages, 512);
        assert_ok(pm_smp_alloc(s, 0, 256, &a));
        assert_ok(pm_smp_alloc(s, 0, 256, &b));
        assert_ok(pm_smp_free(s, 0, a, 256));
        assert_ok(pm_smp_free(s, 0, b, 256));
        ts_destroy(s);
    }
}

#if PM_FAULT_INJECTION
/* The checks above see a missing drain: with it switched off, CPU 3 gets
 * fewer than every page and the 512-page block is not found. */
static void test_enomem_fault_is_caught(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, 512);
    pm_paddr_t a;

    (void)state;
    assert_ok(pm_fault_set(PM_FAULT_NO_ENOMEM_DRAIN));
    fill_caches(s, 3);
    assert_int_equal(take_all(s, 3, 512, true), 512 - 3 * BATCH);
    assert_err(pm_smp_alloc(s, 3, 512, &a), PM_ENOMEM);
    assert_ok(pm_fault_set(PM_FAULT_NONE));
    assert_ok(pm_smp_alloc(s, 3, 512, &a));
    assert_ok(pm_smp_free(s, 3, a, 512));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}
#endif

int main(void)
{
    ts_fault_from_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enomem_only_when_empty),
        cmocka_unit_test(test_enomem_after_depot_and_zones),
        cmocka_unit_test(test_enomem_large_block_from_caches),
        cmocka_unit_test(test_enomem_recovers),
        cmocka_unit_test(test_enomem_zones_never_merge),
#if PM_FAULT_INJECTION
        cmocka_unit_test(test_enomem_fault_is_caught),
#endif
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
