/*
 * test_order.c - order arithmetic (the seed's lib tests): pm_pages_to_order,
 * pm_order_to_pages, pm_order_to_bytes, the alignment helpers and round
 * trips between pages, orders and bytes.
 */
#include "pm_test_util.h"

static void test_order_pages_to_order_table(void **state)
{
    static const struct {
        size_t pages;
        unsigned order;
    } table[] = {{0, 0}, {1, 0},  {2, 1},  {3, 2},  {4, 2},   {5, 3},   {8, 3},
                 {9, 4}, {16, 4}, {17, 5}, {33, 6}, {256, 8}, {257, 9}, {512, 9}};

    (void)state;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (pm_pages_to_order(table[i].pages) != table[i].order)
            print_error("pages %zu\n", table[i].pages);
        assert_int_equal(pm_pages_to_order(table[i].pages), table[i].order);
    }
    /* beyond the allocator's orders it still is ceil(log2) */
    assert_int_equal(pm_pages_to_order(513), 10);
    assert_int_equal(pm_pages_to_order((size_t)1 << 40), 40);
}

static void test_order_to_pages(void **state)
{
    (void)state;
    assert_int_equal(pm_order_to_pages(0), 1);
    assert_int_equal(pm_order_to_pages(3), 8);
    assert_int_equal(pm_order_to_pages(9), 512);
    assert_int_equal(pm_order_to_pages(PM_MAX_ORDER), PM_MAX_BLOCK_PAGES);
}

static void test_order_to_bytes(void **state)
{
    (void)state;
    assert_int_equal(pm_order_to_bytes(0), 4096);
    assert_int_equal(pm_order_to_bytes(1), 8192);
    assert_int_equal(pm_order_to_bytes(3), 32768);
    assert_int_equal(pm_order_to_bytes(9), 2097152);
}

static void test_order_alignment_helpers(void **state)
{
    (void)state;
    assert_int_equal(PM_PAGE_SIZE, 4096);
    assert_int_equal(PM_PAGE_SHIFT, 12);
    assert_int_equal(PM_NR_ORDERS, 10);
    assert_int_equal(PM_MAX_ORDER, 9);
    assert_int_equal(PM_MAX_BLOCK_PAGES, 512);
    for (unsigned o = 0; o < PM_NR_ORDERS; o++) {
        pm_paddr_t a = pm_paddr(pm_order_to_bytes(o));
        assert_true(pm_paddr_is_order_aligned(a, o));
        if (o < PM_MAX_ORDER)
            assert_false(pm_paddr_is_order_aligned(a, o + 1));
        assert_int_equal(pm_paddr_u64(pm_paddr_align_down(pm_paddr(pm_order_to_bytes(o) + 1))),
                         pm_order_to_bytes(o));
    }
}

static void test_order_round_trips(void **state)
{
    (void)state;
    for (unsigned o = 0; o < PM_NR_ORDERS; o++) {
        unsigned got = 99;
        assert_int_equal(pm_pages_to_order(pm_order_to_pages(o)), o);
        assert_int_equal(pm_order_to_bytes(o), pm_order_to_pages(o) * PM_PAGE_SIZE);
        assert_ok(pm_order_from_pages(pm_order_to_pages(o), &got));
        assert_int_equal(got, o);
        assert_ok(pm_order_from_bytes(pm_order_to_bytes(o), &got));
        assert_int_equal(got, o);
    }
    /* every page count fits in its order and not in the one below */
    for (size_t p = 1; p <= PM_MAX_BLOCK_PAGES; p++) {
        unsigned o = pm_pages_to_order(p);
        assert_true(pm_order_to_pages(o) >= p);
        if (o > 0)
            assert_true(pm_order_to_pages(o - 1) < p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_pages_to_order_table),
        cmocka_unit_test(test_order_to_pages),
        cmocka_unit_test(test_order_to_bytes),
        cmocka_unit_test(test_order_alignment_helpers),
        cmocka_unit_test(test_order_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
