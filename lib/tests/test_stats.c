/*
 * test_stats.c - statistics: counters, clamping, peak tracking, utilization,
 * success rate, byte conversions, reset (the seed's stats tests), per-order
 * counters, and pm_stats_format()'s one-line summary.
 */
#include "pm_test_util.h"

#define BASE 0x10000000u

#if PM_STATS
#define NEED_STATS() ((void)0)
#else
#define NEED_STATS() skip()
#endif

static void test_stats_counters(void **state)
{
    pm_buddy_t *b;
    pm_paddr_t a1, a2, a3;
    pm_stats_t s;

    (void)state;
    NEED_STATS(); /* before anything is allocated: skip() leaves at once */
    b = tb_create(BASE, 1024);
    assert_ok(pm_buddy_alloc(b, 10, &a1)); /* order 4: splits 9 -> 4, five splits */
    assert_ok(pm_buddy_alloc(b, 5, &a2));  /* order 3: splits the free order-4 block */
    assert_err(pm_buddy_alloc(b, 0, &a3), PM_EZERO);
    assert_err(pm_buddy_alloc(b, 513, &a3), PM_ETOOLARGE);
    assert_ok(pm_buddy_free(b, a1, 10));
    pm_buddy_stats(b, &s);
    assert_int_equal(s.total_pages, 1024);
    assert_int_equal(s.free_pages, 1024 - 8);
    assert_int_equal(s.allocations, 4);
    assert_int_equal(s.failed_allocations, 2);
    assert_int_equal(s.frees, 1);
    assert_int_equal(s.splits, 6);
    assert_int_equal(s.coalesces, 0);
    assert_int_equal(s.requested_pages, 5);
    assert_int_equal(s.peak_used_pages, 24);
    assert_ok(pm_buddy_free(b, a2, 5));
    pm_buddy_stats(b, &s);
    assert_int_equal(s.coalesces, 6); /* back to one order-9 block */
    assert_int_equal(s.requested_pages, 0);
    assert_int_equal(s.free_pages, 1024);
    pm_buddy_destroy(b);
}

/* used pages clamp at 0 if a caller's snapshot has free > total */
static void test_stats_clamping(void **state)
{
    pm_stats_t s = {0};

    (void)state;
    s.total_pages = 10;
    s.free_pages = 20;
    assert_int_equal(pm_stats_used_pages(&s), 0);
    assert_int_equal(pm_stats_used_bytes(&s), 0);
    assert_int_equal(pm_stats_utilization_percent(&s), 0);
    s.free_pages = 10;
    assert_int_equal(pm_stats_used_pages(&s), 0);
    s.free_pages = 3;
    assert_int_equal(pm_stats_used_pages(&s), 7);
}

static void test_stats_peak_tracking(void **state)
{
    pm_buddy_t *b;
    pm_paddr_t a[4];
    pm_stats_t s;

    (void)state;
    NEED_STATS(); /* before anything is allocated: skip() leaves at once */
    b = tb_create(0, 64);
    pm_buddy_stats(b, &s);
    assert_int_equal(s.peak_used_pages, 0);
    assert_ok(pm_buddy_alloc(b, 16, &a[0]));
    assert_ok(pm_buddy_alloc(b, 8, &a[1]));
    pm_buddy_stats(b, &s);
    assert_int_equal(s.peak_used_pages, 24);
    assert_ok(pm_buddy_free(b, a[0], 16));
    assert_ok(pm_buddy_alloc(b, 1, &a[2]));
    pm_buddy_stats(b, &s);
    assert_int_equal(s.peak_used_pages, 24); /* 9 used now, peak stays */
    assert_ok(pm_buddy_alloc(b, 32, &a[3]));
    pm_buddy_stats(b, &s);
    assert_int_equal(s.peak_used_pages, 41);
    pm_buddy_destroy(b);
}

static void test_stats_utilization(void **state)
{
    pm_stats_t s = {0};

    (void)state;
    assert_int_equal(pm_stats_utilization_percent(&s), 0); /* empty allocator */
    s.total_pages = 1024;
    s.free_pages = 1024;
    assert_int_equal(pm_stats_utilization_percent(&s), 0);
    s.free_pages = 1008; /* 16 used: 1.56% -> 1 */
    assert_int_equal(pm_stats_utilization_percent(&s), 1);
    s.free_pages = 512;
    assert_int_equal(pm_stats_utilization_percent(&s), 50);
    s.free_pages = 1;
    assert_int_equal(pm_stats_utilization_percent(&s), 99); /* integer, rounded down */
    s.free_pages = 0;
    assert_int_equal(pm_stats_utilization_percent(&s), 100);
}

static void test_stats_success_rate(void **state)
{
    pm_stats_t s = {0};

    (void)state;
    assert_int_equal(pm_stats_success_rate_percent(&s), 100); /* none tried */
    s.allocations = 4;
    s.failed_allocations = 1;
    assert_int_equal(pm_stats_success_rate_percent(&s), 75);
    s.failed_allocations = 4;
    assert_int_equal(pm_stats_success_rate_percent(&s), 0);
    s.allocations = 3;
    s.failed_allocations = 1;
    assert_int_equal(pm_stats_success_rate_percent(&s), 66);
}

static void test_stats_byte_conversions(void **state)
{
    pm_stats_t s = {0};

    (void)state;
    s.total_pages = 1024;
    s.free_pages = 1000;
    assert_int_equal(pm_stats_total_bytes(&s), 1024 * 4096);
    assert_int_equal(pm_stats_free_bytes(&s), 1000 * 4096);
    assert_int_equal(pm_stats_used_bytes(&s), 24 * 4096);
    assert_int_equal(pm_stats_used_pages(&s), 24);
}

static void test_stats_reset(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 1024);
    pm_paddr_t a;
    pm_stats_t s;
    pm_order_stats_t os[PM_NR_ORDERS];

    (void)state;
    assert_ok(pm_buddy_alloc(b, 3, &a));
    assert_ok(pm_buddy_alloc(b, 64, &a));
    assert_err(pm_buddy_alloc(b, 0, &a), PM_EZERO);
    pm_buddy_reset(b);
    pm_buddy_stats(b, &s);
    assert_int_equal(s.total_pages, 1024);
    assert_int_equal(s.free_pages, 1024);
    assert_int_equal(s.allocations, 0);
    assert_int_equal(s.failed_allocations, 0);
    assert_int_equal(s.frees, 0);
    assert_int_equal(s.splits, 0);
    assert_int_equal(s.coalesces, 0);
    assert_int_equal(s.peak_used_pages, 0);
    assert_int_equal(s.requested_pages, 0);
    pm_buddy_order_stats(b, os);
    for (unsigned o = 0; o < PM_NR_ORDERS; o++) {
        assert_int_equal(os[o].allocations, 0);
        assert_int_equal(os[o].frees, 0);
        assert_int_equal(os[o].free_blocks, o == 9 ? 2 : 0);
    }
    assert_ok(pm_buddy_check(b));
    pm_buddy_destroy(b);
}

static void test_stats_per_order(void **state)
{
    pm_buddy_t *b;
    pm_paddr_t a[3];
    pm_order_stats_t os[PM_NR_ORDERS];

    (void)state;
    NEED_STATS(); /* before anything is allocated: skip() leaves at once */
    b = tb_create(BASE, 1024);
    assert_ok(pm_buddy_alloc(b, 1, &a[0]));
    assert_ok(pm_buddy_alloc(b, 3, &a[1]));
    assert_ok(pm_buddy_alloc(b, 4, &a[2]));
    assert_ok(pm_buddy_free(b, a[1], 4)); /* any count of the same order frees */
    pm_buddy_order_stats(b, os);
    assert_int_equal(os[0].allocations, 1);
    assert_int_equal(os[2].allocations, 2);
    assert_int_equal(os[2].frees, 1);
    assert_int_equal(os[0].frees, 0);
    assert_int_equal(os[9].allocations, 0);
    pm_buddy_destroy(b);
}

/* A NULL or uninitialized allocator reads as all zeros. */
static void test_stats_uninit(void **state)
{
    pm_buddy_t b = PM_BUDDY_UNINIT;
    pm_stats_t s;
    pm_order_stats_t os[PM_NR_ORDERS];

    (void)state;
    memset(&s, 0xff, sizeof(s));
    memset(os, 0xff, sizeof(os));
    pm_buddy_stats(&b, &s);
    pm_buddy_order_stats(NULL, os);
    assert_int_equal(s.total_pages, 0);
    assert_int_equal(s.free_pages, 0);
    assert_int_equal(s.allocations, 0);
    assert_int_equal(os[0].free_blocks, 0);
    assert_int_equal(os[9].allocations, 0);
    pm_buddy_stats(&b, NULL); /* no crash */
    pm_buddy_order_stats(&b, NULL);
}

static void test_stats_format(void **state)
{
    pm_buddy_t *b;
    pm_paddr_t a1, a2, bad;
    pm_stats_t s;
    char buf[128];
    size_t n;

    (void)state;
    NEED_STATS(); /* before anything is allocated: skip() leaves at once */
    b = tb_create(BASE, 1024);
    pm_buddy_stats(b, &s);
    n = pm_stats_format(&s, buf, sizeof(buf));
    assert_string_equal(buf, "Memory: 0/1024 pages (0%), Allocs: 0 (0 failed), Frees: 0");
    assert_int_equal(n, strlen(buf));
    assert_ok(pm_buddy_alloc(b, 10, &a1));
    assert_ok(pm_buddy_alloc(b, 1, &a2));
    assert_err(pm_buddy_alloc(b, 600, &bad), PM_ETOOLARGE);
    assert_ok(pm_buddy_free(b, a2, 1));
    pm_buddy_stats(b, &s);
    n = pm_stats_format(&s, buf, sizeof(buf));
    assert_string_equal(buf, "Memory: 16/1024 pages (1%), Allocs: 2 (1 failed), Frees: 1");
    assert_int_equal(n, strlen(buf));
    pm_buddy_destroy(b);
}

static void test_stats_format_big_numbers(void **state)
{
    pm_stats_t s = {0};
    char buf[160];

    (void)state;
    s.total_pages = UINT64_MAX;
    s.free_pages = 0;
    s.allocations = UINT64_MAX;
    s.failed_allocations = 0;
    s.frees = 1234567890123ull;
    (void)pm_stats_format(&s, buf, sizeof(buf));
    /* used*100 overflows for such a total: only the digits are checked here */
    assert_non_null(strstr(buf, "Memory: 18446744073709551615/18446744073709551615 pages ("));
    assert_non_null(strstr(buf, "Allocs: 18446744073709551615 (0 failed), Frees: 1234567890123"));
}

/* Like snprintf: truncates, always terminates, returns the wanted length. */
static void test_stats_format_truncation(void **state)
{
    pm_stats_t s = {0};
    char buf[16];
    size_t want;

    (void)state;
    s.total_pages = 1024;
    s.free_pages = 1008;
    s.allocations = 2;
    s.frees = 1;
    want = strlen("Memory: 16/1024 pages (1%), Allocs: 2 (0 failed), Frees: 1");
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(pm_stats_format(&s, buf, sizeof(buf)), want);
    assert_string_equal(buf, "Memory: 16/1024");
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(pm_stats_format(&s, buf, 1), want);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(buf[1], 'x');
    assert_int_equal(pm_stats_format(&s, buf, 0), want);
    assert_int_equal(buf[0], '\0'); /* len 0: nothing written */
    assert_int_equal(buf[1], 'x');
    assert_int_equal(pm_stats_format(&s, NULL, 100), want);
    /* NULL statistics are statistics of nothing (they were dereferenced) */
    assert_int_equal(pm_stats_used_pages(NULL), 0);
    assert_int_equal(pm_stats_used_bytes(NULL), 0);
    assert_int_equal(pm_stats_free_bytes(NULL), 0);
    assert_int_equal(pm_stats_total_bytes(NULL), 0);
    assert_int_equal(pm_stats_utilization_percent(NULL), 0);
    assert_int_equal(pm_stats_success_rate_percent(NULL), 100);
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(pm_stats_format(NULL, buf, sizeof(buf)), 0);
    assert_int_equal(buf[0], '\0'); /* terminated all the same (it was left as it was) */
    assert_int_equal(buf[1], 'x');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats_counters),
        cmocka_unit_test(test_stats_clamping),
        cmocka_unit_test(test_stats_peak_tracking),
        cmocka_unit_test(test_stats_utilization),
        cmocka_unit_test(test_stats_success_rate),
        cmocka_unit_test(test_stats_byte_conversions),
        cmocka_unit_test(test_stats_reset),
        cmocka_unit_test(test_stats_per_order),
        cmocka_unit_test(test_stats_uninit),
        cmocka_unit_test(test_stats_format),
        cmocka_unit_test(test_stats_format_big_numbers),
        cmocka_unit_test(test_stats_format_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
