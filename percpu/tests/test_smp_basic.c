/*
 * test_smp_basic.c - the SMP allocator's basics: create and destroy, config
 * validation and defaults (pm_smp_get_config), pm_smp_add_region and its
 * errors (overlap, alignment, zero pages, wrap), allocation and free of
 * every order with rounding and natural alignment, several zones, and the
 * statistics fields.
 */
#include <limits.h>

#include "smp_test_util.h"

/* ---- create, destroy, config --------------------------------------------- */

static void expect_config(const pm_smp_config_t *in, unsigned batch, unsigned high)
{
    pm_smp_t *s = NULL;
    pm_smp_config_t got;

    assert_ok(pm_smp_create(in, &s));
    assert_non_null(s);
    memset(&got, 0xff, sizeof(got));
    pm_smp_get_config(s, &got);
    assert_int_equal(got.ncpus, in->ncpus);
    assert_int_equal(got.batch, batch);
    assert_int_equal(got.high, high);
    assert_int_equal(got.flags, in->flags);
    assert_ok(pm_smp_check(s));
    ts_destroy(s);
}

static void test_config_defaults(void **state)
{
    (void)state;
    expect_config(&(pm_smp_config_t){.ncpus = 4}, PM_SMP_DEFAULT_BATCH, PM_SMP_DEFAULT_HIGH);
    expect_config(&(pm_smp_config_t){.ncpus = 1, .batch = 8}, 8, PM_SMP_DEFAULT_HIGH);
    expect_config(&(pm_smp_config_t){.ncpus = 2, .high = 1000}, PM_SMP_DEFAULT_BATCH, 1000);
    /* high defaults to at least 2 * batch */
    expect_config(&(pm_smp_config_t){.ncpus = 2, .batch = 300}, 300,
                  600 > PM_SMP_DEFAULT_HIGH ? 600 : PM_SMP_DEFAULT_HIGH);
    expect_config(&(pm_smp_config_t){.ncpus = 2, .batch = PM_SMP_MAX_BATCH}, PM_SMP_MAX_BATCH,
                  2 * PM_SMP_MAX_BATCH);
    expect_config(&(pm_smp_config_t){.ncpus = 3, .batch = 5, .high = 10}, 5, 10);
    expect_config(&(pm_smp_config_t){.ncpus = PM_MAX_CPUS, .batch = 1, .high = 2}, 1, 2);
    expect_config(&(pm_smp_config_t){.ncpus = 2, .flags = PM_SMP_NOCACHE}, PM_SMP_DEFAULT_BATCH,
                  PM_SMP_DEFAULT_HIGH);
}

static void test_config_invalid(void **state)
{
    pm_smp_t *s = (pm_smp_t *)(uintptr_t)0x1;
    pm_smp_config_t ok = {.ncpus = 2};
    const pm_smp_config_t bad[] = {
        {.ncpus = 0},
        {.ncpus = PM_MAX_CPUS + 1},
        {.ncpus = UINT_MAX},
        {.ncpus = 2, .batch = PM_SMP_MAX_BATCH + 1},
        {.ncpus = 2, .batch = 8, .high = 15},                           /* high < 2 * batch */
        {.ncpus = 2, .batch = 0, .high = 2 * PM_SMP_DEFAULT_BATCH - 1}, /* the default batch too */
        {.ncpus = 2, .flags = 0x40000000u},                             /* unknown flag */
        {.ncpus = 2, .flags = PM_SMP_NOCACHE | 0x80000000u},
        /* accepted once, then crashed (issue 12): the magazine count wrapped
         * in 32 bits, or create wrote gigabytes (test_smp_config has more) */
        {.ncpus = 1, .batch = 1, .high = 0xFFFFFFFFu},
        {.ncpus = 2, .batch = 1, .high = 0x80000001u},
        {.ncpus = 1, .batch = 1, .high = 1u << 28},
    };

    (void)state;
    assert_err(pm_smp_create(NULL, &s), PM_EINVAL);
    assert_err(pm_smp_create(&ok, NULL), PM_EINVAL);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        s = (pm_smp_t *)(uintptr_t)0x1;
        if (pm_smp_create(&bad[i], &s) != PM_EINVAL)
            print_error("config %zu accepted\n", i);
        assert_err(pm_smp_create(&bad[i], &s), PM_EINVAL);
        assert_ptr_equal(s, (pm_smp_t *)(uintptr_t)0x1); /* *out untouched */
    }
}

static void test_create_destroy_empty(void **state)
{
    pm_smp_t *s = ts_create(4, 8, 32, 0);
    pm_smp_stats_t st = ts_stats(s);
    pm_smp_config_t cfg = {0};
    pm_paddr_t a;

    (void)state;
    assert_int_equal(st.total_pages, 0);
    assert_int_equal(st.free_pages, 0);
    assert_int_equal(st.cached_pages, 0);
    assert_int_equal(st.zones, 0);
    /* 4 CPUs x (high 32 + lists of orders 1..3: 4x2 + 2x4 + 2x8 pages, and
     * of orders 4..9: 4 blocks of each of 4..7, 2 of 8 and 9) */
    assert_int_equal(pcp_max_pages(8), 32 + 4 * (16 + 32 + 64 + 128) + 2 * (256 + 512));
    assert_int_equal(st.max_cached_pages, 4 * (32 + pcp_max_pages(8)));
    assert_ok(pm_smp_check(s));
    /* no memory yet */
    assert_err(pm_smp_alloc(s, 0, 1, &a), PM_ENOMEM);
    assert_err(pm_smp_alloc(s, 1, 16, &a), PM_ENOMEM);
    assert_err(pm_smp_free(s, 0, pm_paddr(TS_BASE), 1), PM_ERANGE);
    assert_int_equal(pm_smp_alloc_bulk(s, 0, 4, &a), 0);
    pm_smp_drain_all(s);
    pm_smp_drain_cpu(s, 3);
    assert_ok(pm_smp_check(s));
    /* harmless on NULL */
    pm_smp_get_config(NULL, &cfg);
    pm_smp_get_config(s, NULL);
    pm_smp_stats(s, NULL);
    pm_smp_stats(NULL, &st);
    assert_int_equal(st.total_pages, 0);
    assert_int_equal(st.zones, 0);
    pm_smp_order_stats(s, NULL);
    assert_err(pm_smp_check(NULL), PM_EINVAL);
    ts_destroy(s);
    pm_smp_destroy(NULL);
}

/* ---- add_region ------------------------------------------------------------ */

static void test_add_region_errors(void **state)
{
    pm_smp_t *s = ts_create(2, 8, 16, 0);
    pm_smp_stats_t st;

    (void)state;
    assert_err(pm_smp_add_region(NULL, pm_paddr(TS_BASE), 16), PM_EINVAL);
    assert_err(pm_smp_add_region(s, pm_paddr(TS_BASE), 0), PM_EINVAL);
    assert_err(pm_smp_add_region(s, pm_paddr(TS_BASE), (size_t)PM_BUDDY_MAX_PAGES + 1), PM_EINVAL);
    assert_err(pm_smp_add_region(s, pm_paddr(TS_BASE + 1), 16), PM_EALIGN);
    assert_err(pm_smp_add_region(s, pm_paddr(TS_BASE + TS_PG / 2), 16), PM_EALIGN);
    assert_err(pm_smp_add_region(s, pm_paddr(TS_BASE + TS_PG - 1), 16), PM_EALIGN);
    /* the range wraps past 2^64 */
    assert_err(pm_smp_add_region(s, pm_paddr(UINT64_MAX - TS_PG + 1), 2), PM_ERANGE);
    assert_err(pm_smp_add_region(s, pm_paddr(UINT64_MAX - 16 * TS_PG + 1), 17), PM_ERANGE);
    st = ts_stats(s);
    assert_int_equal(st.zones, 0);

    /* overlaps, in every way, with [TS_BASE, +64 pages) */
    assert_ok(pm_smp_add_region(s, pm_paddr(TS_BASE), 64));
    assert_err(pm_smp_add_region(s, pm_paddr(TS_BASE), 64), PM_EINVAL);
    assert_err(pm_smp_add_region(s, pm_paddr(TS_BASE), 1), PM_EINVAL);
    assert_err(pm_smp_add_region(s, ts_pfn_addr(TS_BASE, 63), 10), PM_EINVAL);
    assert_err(pm_smp_add_region(s, ts_pfn_addr(TS_BASE, 10), 4), PM_EINVAL);
    assert_err(pm_smp_add_region(s, pm_paddr(TS_BASE - 8 * TS_PG), 9), PM_EINVAL);
    assert_err(pm_smp_add_region(s, pm_paddr(TS_BASE - 8 * TS_PG), 100), PM_EINVAL);
    st = ts_stats(s);
    assert_int_equal(st.zones, 1);
    assert_int_equal(st.total_pages, 64);
    assert_int_equal(st.free_pages, 64);
    /* adjacent on both sides is no overlap; a region may sit at the top */
    assert_ok(pm_smp_add_region(s, pm_paddr(TS_BASE - 8 * TS_PG), 8));
    assert_ok(pm_smp_add_region(s, ts_pfn_addr(TS_BASE, 64), 3));
    assert_ok(pm_smp_add_region(s, pm_paddr(UINT64_MAX - 4 * TS_PG + 1), 4));
    assert_err(pm_smp_add_region(s, ts_pfn_addr(TS_BASE, 66), 1), PM_EINVAL);
    st = ts_stats(s);
    assert_int_equal(st.zones, 4);
    assert_int_equal(st.total_pages, 64 + 8 + 3 + 4);
    assert_int_equal(st.free_pages, 64 + 8 + 3 + 4);
    assert_ok(pm_smp_check(s));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* Pages from several zones, added out of order: every page comes out once. */
static void test_several_zones(void **state)
{
    static const struct {
        uint64_t base;
        size_t n;
    } r[] = {{TS_BASE + 0x10000000u, 100}, {TS_BASE, 7}, {TS_BASE + 0x800000u, 513}, {0, 1}};
    pm_smp_t *s = ts_create(3, 4, 8, 0);
    pm_smp_stats_t st;
    uint64_t total = 0;
    pm_paddr_t a, b;

    (void)state;
    for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
        assert_ok(pm_smp_add_region(s, pm_paddr(r[i].base), r[i].n));
        total += r[i].n;
    }
    st = ts_stats(s);
    assert_int_equal(st.zones, 4);
    assert_int_equal(st.total_pages, total);
    assert_int_equal(st.free_pages, total);
    assert_true(st.meta_bytes >= total);
    /* a 512-page block exists only in the third zone */
    assert_ok(pm_smp_alloc(s, 2, 512, &a));
    assert_true(pm_paddr_u64(a) >= TS_BASE + 0x800000u);
    assert_true(pm_paddr_is_order_aligned(a, 9));
    assert_err(pm_smp_alloc(s, 1, 512, &b), PM_ENOMEM);
    ts_assert_intact_on(s, 1, &(struct ts_block){a, 512}, 1);
    assert_ok(pm_smp_free(s, 0, a, 512));
    ts_assert_intact_on(s, 2, NULL, 0);
    ts_destroy(s);
}

/* ---- alloc and free, every order ------------------------------------------ */

static void test_alloc_free_every_order(void **state)
{
    pm_smp_t *s = ts_create1(2, 8, 16, 0, 2048);
    uint64_t avail = ts_avail(s);

    (void)state;
    assert_int_equal(avail, 2048);
    for (unsigned o = 0; o < PM_NR_ORDERS; o++) {
        size_t n = (size_t)1 << o;
        pm_paddr_t a;

        assert_ok(pm_smp_alloc(s, o & 1, n, &a));
        assert_true(pm_paddr_is_order_aligned(a, o));
        assert_true(pm_paddr_u64(a) >= TS_BASE && pm_paddr_u64(a) < TS_BASE + 2048 * TS_PG);
        assert_int_equal(ts_avail(s), avail - n);
        assert_ok(pm_smp_check(s));
        assert_ok(pm_smp_free(s, (o + 1) & 1, a, n)); /* freed on the other CPU */
        assert_int_equal(ts_avail(s), avail);
        assert_ok(pm_smp_check(s));
    }
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* Every page count 1..512: rounded up to a power of two, aligned to it, and
 * freeable with any count of the same order. */
static void test_alloc_rounding(void **state)
{
    pm_smp_t *s = ts_create1(2, 8, 16, 0, 1024);
    pm_paddr_t a;

    (void)state;
    for (size_t n = 1; n <= PM_MAX_BLOCK_PAGES; n++) {
        size_t blk = ts_block_pages(n);
        unsigned order = 0;

        while (((size_t)1 << order) < blk)
            order++;
        assert_ok(pm_smp_alloc(s, 0, n, &a));
        assert_true(pm_paddr_is_order_aligned(a, order));
        assert_int_equal(ts_avail(s), 1024 - blk);
        /* free with the block's own size (same order as n) */
        assert_ok(pm_smp_free(s, 1, a, blk));
        assert_int_equal(ts_avail(s), 1024);
    }
    /* the example: 10 pages take a 16-page block aligned to 64 KiB */
    assert_ok(pm_smp_alloc(s, 0, 10, &a));
    assert_int_equal(pm_paddr_u64(a) % 0x10000u, 0);
    assert_int_equal(ts_avail(s), 1024 - 16);
    assert_ok(pm_smp_check(s));
    ts_assert_intact(s, &(struct ts_block){a, 10}, 1);
    assert_ok(pm_smp_free(s, 0, a, 10));
    assert_int_equal(ts_avail(s), 1024);
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* Blocks of every order at once fill the zone exactly. */
static void test_fill_with_mixed_orders(void **state)
{
    pm_smp_t *s = ts_create1(4, 8, 16, 0, 1024);
    struct ts_block held[64];
    size_t nheld = 0;
    uint64_t used = 0;
    pm_paddr_t a;

    (void)state;
    /* 512 + 256 + ... + 2 + 1 + 1 == 1024 */
    for (unsigned o = PM_NR_ORDERS; o-- > 0;) {
        size_t n = (size_t)1 << o;
        assert_ok(pm_smp_alloc(s, o % 4, n, &a));
        held[nheld++] = (struct ts_block){a, n};
        used += n;
    }
    assert_ok(pm_smp_alloc(s, 3, 1, &a));
    held[nheld++] = (struct ts_block){a, 1};
    used++;
    assert_int_equal(used, 1024);
    assert_err(pm_smp_alloc(s, 0, 1, &a), PM_ENOMEM);
    assert_int_equal(ts_avail(s), 0);
    assert_ok(pm_smp_check(s));
    ts_assert_intact(s, held, nheld);
    for (size_t i = 0; i < nheld; i++)
        assert_ok(pm_smp_free(s, (unsigned)i % 4, held[i].addr, held[i].npages));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* ---- statistics -------------------------------------------------------------- */

static void test_stats_fields(void **state)
{
    pm_smp_t *s = ts_create1(4, 8, 32, 0, 1024);
    pm_order_stats_t os[PM_NR_ORDERS];
    pm_smp_stats_t st = ts_stats(s);
    pm_paddr_t a, b, big;

    (void)state;
    assert_int_equal(st.total_pages, 1024);
    assert_int_equal(st.free_pages, 1024);
    assert_int_equal(st.cached_pages, 0);
    assert_int_equal(st.zones, 1);
    /* 4 CPUs x (high 32 + lists of orders 1..3: 4x2 + 2x4 + 2x8 pages, and
     * of orders 4..9: 4 blocks of each of 4..7, 2 of 8 and 9) */
    assert_int_equal(pcp_max_pages(8), 32 + 4 * (16 + 32 + 64 + 128) + 2 * (256 + 512));
    assert_int_equal(st.max_cached_pages, 4 * (32 + pcp_max_pages(8)));
    assert_true(st.meta_bytes >= 1024); /* at least the state byte per page */
    assert_int_equal(st.allocations, 0);
    assert_int_equal(st.frees, 0);
    assert_int_equal(st.refills, 0);
    assert_int_equal(st.drains, 0);
    assert_int_equal(st.splits, 0);
    assert_int_equal(st.coalesces, 0);
    ts_order_stats(s, os);
    assert_int_equal(os[9].free_blocks, 2);
    for (unsigned o = 0; o < 9; o++)
        assert_int_equal(os[o].free_blocks, 0);

    assert_ok(pm_smp_alloc(s, 0, 1, &a));     /* refill: 8 pages out of the core */
    assert_ok(pm_smp_alloc(s, 1, 4, &b));     /* refill of CPU 1's order-2 list: 2 blocks */
    assert_ok(pm_smp_alloc(s, 2, 512, &big)); /* refill of CPU 2's order-9 list: 1 block */
    assert_err(pm_smp_alloc(s, 2, 1024, &big), PM_ETOOLARGE);
    st = ts_stats(s);
    assert_int_equal(st.total_pages, 1024);
    assert_int_equal(st.cached_pages, 7 + 4); /* and one order-2 block: 2 refilled */
    assert_int_equal(st.free_pages, 1024 - 8 - 8 - 512);
    assert_int_equal(st.refills, 3);
#if PM_STATS
    assert_true(st.splits > 0);
    assert_int_equal(st.allocations, 4);
    assert_int_equal(st.failed_allocations, 1);
#endif
    ts_order_stats(s, os);
    assert_int_equal(os[9].free_blocks, 0);
#if PM_STATS
    assert_int_equal(os[9].allocations, 1);
    assert_int_equal(os[2].allocations, 2); /* the refill's two blocks */
#endif

    assert_ok(pm_smp_free(s, 0, a, 1));
    assert_ok(pm_smp_free(s, 1, b, 4));
    assert_ok(pm_smp_free(s, 2, big, 512));
    st = ts_stats(s);
    assert_int_equal(st.cached_pages, 8 + 8 + 512); /* b in CPU 1's list, big in CPU 2's */
    assert_int_equal(st.free_pages, 1024 - 8 - 8 - 512);
#if PM_STATS
    assert_int_equal(st.frees, 3);
#endif
    pm_smp_drain_all(s);
    st = ts_stats(s);
    assert_int_equal(st.cached_pages, 0);
    assert_int_equal(st.free_pages, 1024);
    assert_int_equal(st.drains, 3); /* a magazine and two lists */
#if PM_STATS
    assert_true(st.coalesces > 0);
#endif
    ts_order_stats(s, os);
    assert_int_equal(os[9].free_blocks, 2);
    /* NOCACHE: no cache to bound */
    ts_destroy(s);
    s = ts_create1(4, 8, 32, PM_SMP_NOCACHE, 64);
    st = ts_stats(s);
    assert_int_equal(st.max_cached_pages, 0);
    ts_destroy(s);
}

int main(void)
{
    ts_fault_from_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_defaults),      cmocka_unit_test(test_config_invalid),
        cmocka_unit_test(test_create_destroy_empty), cmocka_unit_test(test_add_region_errors),
        cmocka_unit_test(test_several_zones),        cmocka_unit_test(test_alloc_free_every_order),
        cmocka_unit_test(test_alloc_rounding),       cmocka_unit_test(test_fill_with_mixed_orders),
        cmocka_unit_test(test_stats_fields),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
