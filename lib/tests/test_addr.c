/*
 * test_addr.c - pm_paddr_t (the seed's PhysAddr): construction, pfn and
 * offset, alignment, page arithmetic, ranges, order alignment, ordering and
 * printing. Ports the seed's addr tests.
 */
#include <inttypes.h>
#include <stdio.h>

#include "pm_test_util.h"

static void test_addr_new_and_u64(void **state)
{
    (void)state;
    assert_int_equal(pm_paddr_u64(pm_paddr(0x12345678)), 0x12345678);
    assert_int_equal(pm_paddr_u64(pm_paddr(0)), 0);
    assert_int_equal(pm_paddr_u64(pm_paddr(UINT64_MAX)), UINT64_MAX);
}

static void test_addr_from_pfn(void **state)
{
    (void)state;
    assert_int_equal(pm_paddr_u64(pm_paddr_from_pfn(256)), 0x100000); /* 1 MiB */
    assert_int_equal(pm_paddr_u64(pm_paddr_from_pfn(0)), 0);
    assert_int_equal(pm_paddr_u64(pm_paddr_from_pfn(0x12345)), 0x12345000);
}

static void test_addr_pfn(void **state)
{
    (void)state;
    assert_int_equal(pm_paddr_pfn(pm_paddr(0x12345678)), 0x12345);
    assert_int_equal(pm_paddr_pfn(pm_paddr(0xfff)), 0);
    assert_int_equal(pm_paddr_pfn(pm_paddr(0x1000)), 1);
    assert_int_equal(pm_paddr_pfn(pm_paddr_from_pfn(777)), 777);
}

static void test_addr_page_offset(void **state)
{
    (void)state;
    assert_int_equal(pm_paddr_page_offset(pm_paddr(0x12345678)), 0x678);
    assert_int_equal(pm_paddr_page_offset(pm_paddr(0x12345000)), 0);
    assert_int_equal(pm_paddr_page_offset(pm_paddr(0xfff)), 0xfff);
}

static void test_addr_alignment(void **state)
{
    pm_paddr_t a = pm_paddr(0x12345678);

    (void)state;
    assert_false(pm_paddr_is_page_aligned(a));
    assert_true(pm_paddr_is_page_aligned(pm_paddr(0x12345000)));
    assert_true(pm_paddr_is_page_aligned(pm_paddr(0)));
    assert_int_equal(pm_paddr_u64(pm_paddr_align_down(a)), 0x12345000);
    assert_int_equal(pm_paddr_u64(pm_paddr_align_up(a)), 0x12346000);
    /* already aligned: both are the identity */
    assert_int_equal(pm_paddr_u64(pm_paddr_align_down(pm_paddr(0x5000))), 0x5000);
    assert_int_equal(pm_paddr_u64(pm_paddr_align_up(pm_paddr(0x5000))), 0x5000);
    assert_int_equal(pm_paddr_u64(pm_paddr_align_up(pm_paddr(0x5001))), 0x6000);
    /* past the top it wraps to 0, as the seed */
    assert_int_equal(pm_paddr_u64(pm_paddr_align_up(pm_paddr(UINT64_MAX))), 0);
}

static void test_addr_add_sub_pages(void **state)
{
    pm_paddr_t a = pm_paddr(0x12345678);

    (void)state;
    assert_int_equal(pm_paddr_u64(pm_paddr_add_pages(a, 1)), 0x12346678);
    assert_int_equal(pm_paddr_u64(pm_paddr_add_pages(a, 0)), 0x12345678);
    assert_int_equal(pm_paddr_u64(pm_paddr_add_pages(pm_paddr(0), 16)), 0x10000);
    assert_int_equal(pm_paddr_u64(pm_paddr_sub_pages(a, 1)), 0x12344678);
    assert_int_equal(pm_paddr_u64(pm_paddr_sub_pages(pm_paddr(0x3000), 3)), 0);
    /* saturates at 0 */
    assert_int_equal(pm_paddr_u64(pm_paddr_sub_pages(pm_paddr(0x3000), 4)), 0);
    assert_int_equal(pm_paddr_u64(pm_paddr_sub_pages(pm_paddr(0x800), 1)), 0);
}

static void test_addr_pages_to(void **state)
{
    (void)state;
    assert_int_equal(pm_paddr_pages_to(pm_paddr(0x1000), pm_paddr(0x5000)), 4);
    assert_int_equal(pm_paddr_pages_to(pm_paddr(0x1000), pm_paddr(0x1000)), 0);
    assert_int_equal(pm_paddr_pages_to(pm_paddr(0x5000), pm_paddr(0x1000)), 0); /* other < self */
    assert_int_equal(pm_paddr_pages_to(pm_paddr(0x1000), pm_paddr(0x2fff)), 1);
}

static void test_addr_is_in_range(void **state)
{
    pm_paddr_t s = pm_paddr(0x1000);
    pm_paddr_t e = pm_paddr(0x3000);

    (void)state;
    assert_true(pm_paddr_is_in_range(pm_paddr(0x1000), s, e));
    assert_true(pm_paddr_is_in_range(pm_paddr(0x2fff), s, e));
    assert_false(pm_paddr_is_in_range(pm_paddr(0x3000), s, e)); /* end exclusive */
    assert_false(pm_paddr_is_in_range(pm_paddr(0xfff), s, e));
    assert_false(pm_paddr_is_in_range(pm_paddr(0x1000), s, s)); /* empty range */
}

static void test_addr_is_order_aligned(void **state)
{
    pm_paddr_t a = pm_paddr(0x4000);

    (void)state;
    assert_true(pm_paddr_is_order_aligned(a, 0));
    assert_true(pm_paddr_is_order_aligned(a, 1));
    assert_true(pm_paddr_is_order_aligned(a, 2));
    assert_false(pm_paddr_is_order_aligned(a, 3));
    assert_true(pm_paddr_is_order_aligned(pm_paddr(0), 9));
    assert_true(pm_paddr_is_order_aligned(pm_paddr(0x200000), 9));
    assert_false(pm_paddr_is_order_aligned(pm_paddr(0x100000), 9));
    assert_false(pm_paddr_is_order_aligned(pm_paddr(0x4800), 0));
}

static void test_addr_ordering(void **state)
{
    pm_paddr_t lo = pm_paddr(0x1000);
    pm_paddr_t hi = pm_paddr(0x2000);

    (void)state;
    assert_int_equal(pm_paddr_cmp(lo, hi), -1);
    assert_int_equal(pm_paddr_cmp(hi, lo), 1);
    assert_int_equal(pm_paddr_cmp(lo, pm_paddr(0x1000)), 0);
    assert_int_equal(pm_paddr_cmp(pm_paddr(0), pm_paddr(UINT64_MAX)), -1);
    assert_true(pm_paddr_eq(lo, pm_paddr(0x1000)));
    assert_false(pm_paddr_eq(lo, hi));
}

/* The seed's Display is "0x%x" of the value; C callers print with PRIx64. */
static void test_addr_display(void **state)
{
    char buf[32];

    (void)state;
    snprintf(buf, sizeof(buf), "0x%" PRIx64, pm_paddr_u64(pm_paddr(0x12345000)));
    assert_string_equal(buf, "0x12345000");
    snprintf(buf, sizeof(buf), "0x%" PRIx64, pm_paddr_u64(pm_paddr_from_pfn(0x10200)));
    assert_string_equal(buf, "0x10200000");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addr_new_and_u64),
        cmocka_unit_test(test_addr_from_pfn),
        cmocka_unit_test(test_addr_pfn),
        cmocka_unit_test(test_addr_page_offset),
        cmocka_unit_test(test_addr_alignment),
        cmocka_unit_test(test_addr_add_sub_pages),
        cmocka_unit_test(test_addr_pages_to),
        cmocka_unit_test(test_addr_is_in_range),
        cmocka_unit_test(test_addr_is_order_aligned),
        cmocka_unit_test(test_addr_ordering),
        cmocka_unit_test(test_addr_display),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
