/*
 * test_frame.c - the seed's frame tests: PageOrder (pm_order_from_pages,
 * pm_order_from_bytes, pm_order_next/prev, pages and bytes of an order) and
 * PageFrame (pm_frame_t: new, single page, end, contains, split, buddy,
 * merge).
 */
#include "pm_test_util.h"

static void test_page_order_new(void **state)
{
    unsigned o = 99;

    (void)state;
    /* PageOrder::new(o) is valid for o <= 9: C validates through next/prev */
    for (unsigned i = 0; i < PM_NR_ORDERS; i++) {
        assert_ok(pm_order_from_pages(pm_order_to_pages(i), &o));
        assert_int_equal(o, i);
    }
    assert_err(pm_order_next(PM_MAX_ORDER, &o), PM_EINVAL); /* no order 10 */
    assert_err(pm_order_prev(PM_NR_ORDERS, &o), PM_EINVAL);
}

static void test_page_order_pages(void **state)
{
    (void)state;
    assert_int_equal(pm_order_to_pages(0), 1);
    assert_int_equal(pm_order_to_pages(4), 16);
    assert_int_equal(pm_order_to_pages(9), 512);
}

static void test_page_order_bytes(void **state)
{
    (void)state;
    assert_int_equal(pm_order_to_bytes(0), 4096);
    assert_int_equal(pm_order_to_bytes(3), 32768);
    assert_int_equal(pm_order_to_bytes(9), 2 * 1024 * 1024);
}

static void test_page_order_next(void **state)
{
    unsigned o = 99;

    (void)state;
    assert_ok(pm_order_next(0, &o));
    assert_int_equal(o, 1);
    assert_ok(pm_order_next(8, &o));
    assert_int_equal(o, 9);
    o = 77;
    assert_err(pm_order_next(9, &o), PM_EINVAL);
    assert_int_equal(o, 77); /* untouched on error */
    assert_err(pm_order_next(0, NULL), PM_EINVAL);
}

static void test_page_order_prev(void **state)
{
    unsigned o = 99;

    (void)state;
    assert_ok(pm_order_prev(9, &o));
    assert_int_equal(o, 8);
    assert_ok(pm_order_prev(1, &o));
    assert_int_equal(o, 0);
    o = 77;
    assert_err(pm_order_prev(0, &o), PM_EINVAL);
    assert_int_equal(o, 77);
    assert_err(pm_order_prev(10, &o), PM_EINVAL);
    assert_err(pm_order_prev(1, NULL), PM_EINVAL);
}

static void test_page_order_from_pages(void **state)
{
    unsigned o = 99;

    (void)state;
    assert_err(pm_order_from_pages(0, &o), PM_EZERO);
    assert_err(pm_order_from_pages(513, &o), PM_ETOOLARGE);
    assert_err(pm_order_from_pages(SIZE_MAX, &o), PM_ETOOLARGE);
    assert_int_equal(o, 99);
    assert_ok(pm_order_from_pages(1, &o));
    assert_int_equal(o, 0);
    assert_ok(pm_order_from_pages(5, &o));
    assert_int_equal(o, 3);
    assert_int_equal(pm_order_to_pages(o), 8);
    assert_int_equal(pm_order_to_bytes(o), 32768);
    assert_ok(pm_order_from_pages(512, &o));
    assert_int_equal(o, 9);
    /* a NULL out pointer is refused first, never written */
    assert_err(pm_order_from_pages(1, NULL), PM_EINVAL);
    assert_err(pm_order_from_pages(0, NULL), PM_EINVAL);
    assert_err(pm_order_from_bytes(4096, NULL), PM_EINVAL);
}

static void test_page_order_from_bytes(void **state)
{
    unsigned o = 99;

    (void)state;
    assert_err(pm_order_from_bytes(0, &o), PM_EZERO);
    assert_ok(pm_order_from_bytes(1, &o));
    assert_int_equal(o, 0);
    assert_ok(pm_order_from_bytes(4096, &o));
    assert_int_equal(o, 0);
    assert_ok(pm_order_from_bytes(4097, &o));
    assert_int_equal(o, 1);
    assert_ok(pm_order_from_bytes(2 * 1024 * 1024, &o));
    assert_int_equal(o, 9);
    assert_err(pm_order_from_bytes(2 * 1024 * 1024 + 1, &o), PM_ETOOLARGE);
    assert_err(pm_order_from_bytes(SIZE_MAX, &o), PM_ETOOLARGE);
}

static void test_frame_new(void **state)
{
    pm_frame_t f = pm_frame(pm_paddr(0x10000), 3);

    (void)state;
    assert_int_equal(pm_paddr_u64(f.addr), 0x10000);
    assert_int_equal(f.order, 3);
    assert_int_equal(pm_frame_pages(f), 8);
    assert_int_equal(pm_frame_bytes(f), 32768);
}

static void test_frame_single_page(void **state)
{
    pm_frame_t f = pm_frame_single_page(pm_paddr(0x5000));

    (void)state;
    assert_int_equal(pm_paddr_u64(f.addr), 0x5000);
    assert_int_equal(f.order, 0);
    assert_int_equal(pm_frame_pages(f), 1);
    assert_int_equal(pm_frame_bytes(f), 4096);
}

static void test_frame_end_addr(void **state)
{
    (void)state;
    assert_int_equal(pm_paddr_u64(pm_frame_end(pm_frame(pm_paddr(0x10000), 2))), 0x14000);
    assert_int_equal(pm_paddr_u64(pm_frame_end(pm_frame_single_page(pm_paddr(0)))), 0x1000);
    assert_int_equal(pm_paddr_u64(pm_frame_end(pm_frame(pm_paddr(0x200000), 9))), 0x400000);
}

static void test_frame_contains(void **state)
{
    pm_frame_t f = pm_frame(pm_paddr(0x10000), 2); /* 0x10000..0x14000 */

    (void)state;
    assert_true(pm_frame_contains(f, pm_paddr(0x10000)));
    assert_true(pm_frame_contains(f, pm_paddr(0x13fff)));
    assert_false(pm_frame_contains(f, pm_paddr(0x14000))); /* end exclusive */
    assert_false(pm_frame_contains(f, pm_paddr(0xffff)));
}

static void test_frame_split(void **state)
{
    pm_frame_t lo = {{0}, 99};
    pm_frame_t hi = {{0}, 99};

    (void)state;
    assert_true(pm_frame_split(pm_frame(pm_paddr(0x10000), 2), &lo, &hi));
    assert_int_equal(pm_paddr_u64(lo.addr), 0x10000);
    assert_int_equal(lo.order, 1);
    assert_int_equal(pm_paddr_u64(hi.addr), 0x12000);
    assert_int_equal(hi.order, 1);
    lo.order = 99;
    assert_false(pm_frame_split(pm_frame_single_page(pm_paddr(0x1000)), &lo, &hi));
    assert_int_equal(lo.order, 99); /* untouched */
    assert_false(pm_frame_split(pm_frame(pm_paddr(0x10000), 2), NULL, &hi));
    assert_false(pm_frame_split(pm_frame(pm_paddr(0x10000), 2), &lo, NULL));
    assert_int_equal(lo.order, 99);
}

static void test_frame_buddy_addr(void **state)
{
    (void)state;
    /* pfn 8 at order 1: 8 ^ 2 = 10 */
    assert_int_equal(pm_paddr_pfn(pm_frame_buddy_addr(pm_frame(pm_paddr_from_pfn(8), 1))), 10);
    assert_int_equal(pm_paddr_pfn(pm_frame_buddy_addr(pm_frame(pm_paddr_from_pfn(10), 1))), 8);
    /* pfn 8 at order 3: 8 ^ 8 = 0 */
    assert_int_equal(pm_paddr_pfn(pm_frame_buddy_addr(pm_frame(pm_paddr_from_pfn(8), 3))), 0);
    assert_int_equal(pm_paddr_u64(pm_frame_buddy_addr(pm_frame_single_page(pm_paddr(0)))), 0x1000);
}

static void test_frame_merge(void **state)
{
    pm_frame_t a = pm_frame(pm_paddr(0x10000), 1);
    pm_frame_t b = pm_frame(pm_paddr(0x12000), 1);
    pm_frame_t m = {{0}, 99};

    (void)state;
    assert_true(pm_frame_merge(a, b, &m));
    assert_int_equal(pm_paddr_u64(m.addr), 0x10000);
    assert_int_equal(m.order, 2);
    m.order = 99;
    assert_true(pm_frame_merge(b, a, &m)); /* either way round */
    assert_int_equal(pm_paddr_u64(m.addr), 0x10000);
    assert_int_equal(m.order, 2);
    m.order = 99;
    /* orders differ */
    assert_false(pm_frame_merge(a, pm_frame(pm_paddr(0x12000), 0), &m));
    /* not buddies: adjacent but 0x12000 and 0x14000 are in different parents */
    assert_false(pm_frame_merge(b, pm_frame(pm_paddr(0x14000), 1), &m));
    /* already the largest order */
    assert_false(pm_frame_merge(pm_frame(pm_paddr(0), 9), pm_frame(pm_paddr(0x200000), 9), &m));
    assert_int_equal(m.order, 99);
    assert_false(pm_frame_merge(a, b, NULL)); /* nowhere to write: refused */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_page_order_new),        cmocka_unit_test(test_page_order_pages),
        cmocka_unit_test(test_page_order_bytes),      cmocka_unit_test(test_page_order_next),
        cmocka_unit_test(test_page_order_prev),       cmocka_unit_test(test_page_order_from_pages),
        cmocka_unit_test(test_page_order_from_bytes), cmocka_unit_test(test_frame_new),
        cmocka_unit_test(test_frame_single_page),     cmocka_unit_test(test_frame_end_addr),
        cmocka_unit_test(test_frame_contains),        cmocka_unit_test(test_frame_split),
        cmocka_unit_test(test_frame_buddy_addr),      cmocka_unit_test(test_frame_merge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
