/*
 * test_smp_nocache.c - PM_SMP_NOCACHE: no per-CPU cache at all. cached_pages
 * and max_cached_pages stay 0, every allocation and every free of every
 * order takes the zone lock exactly once (one zone), no refill or drain
 * ever happens, a freed page is free in the core at once (a double free is
 * caught there), and the allocator still hands out every page.
 */
#include "smp_test_util.h"

static void test_nocache_one_lock_per_call(void **state)
{
    enum { N = 64 };
    pm_smp_t *s = ts_create1(4, 8, 16, PM_SMP_NOCACHE, 1024);
    pm_paddr_t got[N];
    pm_smp_stats_t st;
    uint64_t l;

    (void)state;
    st = ts_stats(s);
    assert_int_equal(st.cached_pages, 0);
    assert_int_equal(st.max_cached_pages, 0);
    for (unsigned i = 0; i < N; i++) {
        l = ts_locks(s);
        assert_ok(pm_smp_alloc(s, i % 4, 1, &got[i]));
        assert_int_equal(ts_locks(s), l + 1);
        st = ts_stats(s);
        assert_int_equal(st.cached_pages, 0);
        assert_int_equal(st.free_pages, 1024 - i - 1); /* straight from the core */
    }
    for (unsigned i = 0; i < N; i++) {
        l = ts_locks(s);
        assert_ok(pm_smp_free(s, (i + 1) % 4, got[i], 1)); /* on another CPU */
        assert_int_equal(ts_locks(s), l + 1);
        st = ts_stats(s);
        assert_int_equal(st.cached_pages, 0);
        assert_int_equal(st.free_pages, 1024 - N + i + 1); /* straight to the core */
    }
    st = ts_stats(s);
    assert_int_equal(st.refills, 0);
    assert_int_equal(st.drains, 0);
#if PM_STATS
    assert_int_equal(st.allocations, N);
    assert_int_equal(st.frees, N);
#endif
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

static void test_nocache_every_order(void **state)
{
    pm_smp_t *s = ts_create1(2, 8, 16, PM_SMP_NOCACHE, 1024);
    pm_paddr_t a;
    uint64_t l;

    (void)state;
    for (unsigned o = 0; o < PM_NR_ORDERS; o++) {
        size_t n = (size_t)1 << o;

        l = ts_locks(s);
        assert_ok(pm_smp_alloc(s, 0, n, &a));
        assert_int_equal(ts_locks(s), l + 1);
        assert_true(pm_paddr_is_order_aligned(a, o));
        assert_int_equal(ts_stats(s).free_pages, 1024 - n);
        l = ts_locks(s);
        assert_ok(pm_smp_free(s, 1, a, n));
        assert_int_equal(ts_locks(s), l + 1);
        assert_int_equal(ts_stats(s).free_pages, 1024);
        assert_int_equal(ts_stats(s).cached_pages, 0);
    }
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* A double free is refused by the core at once; drains change nothing. */
static void test_nocache_double_free_and_drain(void **state)
{
    pm_smp_t *s = ts_create1(2, 8, 16, PM_SMP_NOCACHE, 64);
    pm_paddr_t a, b;
    uint64_t l;

    (void)state;
    assert_ok(pm_smp_alloc(s, 0, 1, &a));
    assert_ok(pm_smp_alloc(s, 0, 1, &b));
    assert_ok(pm_smp_free(s, 0, a, 1));
    l = ts_locks(s);
    assert_err(pm_smp_free(s, 0, a, 1), PM_ENOTALLOC);
    assert_err(pm_smp_free(s, 1, a, 1), PM_ENOTALLOC);
    assert_int_equal(ts_locks(s), l + 2);
    l = ts_locks(s);
    pm_smp_drain_cpu(s, 0);
    pm_smp_drain_all(s);
    assert_int_equal(ts_locks(s), l);
    assert_int_equal(ts_stats(s).free_pages, 63);
    assert_ok(pm_smp_check(s));
    ts_assert_intact(s, &(struct ts_block){b, 1}, 1);
    assert_ok(pm_smp_free(s, 1, b, 1));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* Every page, from any CPU, then PM_ENOMEM; no cache to drain first. */
static void test_nocache_all_pages(void **state)
{
    pm_smp_t *s = ts_create1(3, 8, 16, PM_SMP_NOCACHE, 300);
    pm_paddr_t got[300], a;
    uint64_t l;

    (void)state;
    for (unsigned i = 0; i < 300; i++)
        assert_ok(pm_smp_alloc(s, i % 3, 1, &got[i]));
    l = ts_locks(s);
    assert_err(pm_smp_alloc(s, 0, 1, &a), PM_ENOMEM);
    assert_int_equal(ts_locks(s), l + 1);
    assert_int_equal(ts_stats(s).free_pages, 0);
    for (unsigned i = 0; i < 300; i++)
        assert_ok(pm_smp_free(s, 2 - i % 3, got[i], 1));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

int main(void)
{
    ts_fault_from_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nocache_one_lock_per_call),
        cmocka_unit_test(test_nocache_every_order),
        cmocka_unit_test(test_nocache_double_free_and_drain),
        cmocka_unit_test(test_nocache_all_pages),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
