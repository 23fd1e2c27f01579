/*
 * test_buddy.c - the buddy allocator's behaviour: the seed's allocator tests
 * (alloc, free, split, coalesce, reset, init, stats, contains), the seed's
 * carving examples, zero-page and static (PM_BUDDY_UNINIT) allocators, odd
 * bases and sizes, pm_buddy_check() catching hand-made corruption, and a
 * randomized alloc/free run checked against a per-page reference.
 */
#include <stdio.h>

#include "pm_test_util.h"

#define BASE 0x10000000u /* pfn 0x10000, aligned to every order */

/* ---- the seed's allocator tests ----------------------------------------- */

static void test_buddy_new(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 1024);
    pm_stats_t s;

    (void)state;
    assert_true(pm_buddy_is_initialized(b));
    assert_int_equal(pm_buddy_total_pages(b), 1024);
    assert_int_equal(pm_buddy_free_pages(b), 1024);
    pm_buddy_stats(b, &s);
    assert_int_equal(s.total_pages, 1024);
    assert_int_equal(s.free_pages, 1024);
    assert_int_equal(pm_stats_used_pages(&s), 0);
    assert_int_equal(s.allocations, 0);
    pm_buddy_destroy(b);
}

static void test_buddy_single_page(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 1024);
    pm_paddr_t a;
    pm_stats_t s;

    (void)state;
    assert_ok(pm_buddy_alloc(b, 1, &a));
    assert_true(pm_paddr_is_page_aligned(a));
    assert_true(pm_buddy_contains(b, a));
    pm_buddy_stats(b, &s);
    assert_int_equal(pm_stats_used_pages(&s), 1);
    assert_int_equal(pm_buddy_free_pages(b), 1023);
    assert_ok(pm_buddy_free(b, a, 1));
    pm_buddy_stats(b, &s);
    assert_int_equal(pm_stats_used_pages(&s), 0);
    assert_int_equal(pm_buddy_free_pages(b), 1024);
    pm_buddy_destroy(b);
}

static void test_buddy_multi_page(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 1024);
    pm_paddr_t a4, a8, a10;

    (void)state;
    assert_ok(pm_buddy_alloc(b, 4, &a4));
    assert_true(pm_paddr_is_order_aligned(a4, 2));
    assert_ok(pm_buddy_alloc(b, 8, &a8));
    assert_true(pm_paddr_is_order_aligned(a8, 3));
    /* 10 pages take a 16-page block aligned to 64 KiB */
    assert_ok(pm_buddy_alloc(b, 10, &a10));
    assert_true(pm_paddr_is_order_aligned(a10, 4));
    assert_int_equal(pm_paddr_u64(a10) & 0xffff, 0);
    assert_int_equal(pm_buddy_free_pages(b), 1024 - 4 - 8 - 16);
    assert_ok(pm_buddy_free(b, a4, 4));
    assert_ok(pm_buddy_free(b, a8, 8));
    assert_ok(pm_buddy_free(b, a10, 10));
    assert_int_equal(pm_buddy_free_pages(b), 1024);
    pm_buddy_destroy(b);
}

static void test_buddy_max_block(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 512);
    pm_paddr_t a, c;

    (void)state;
    assert_ok(pm_buddy_alloc(b, 512, &a));
    assert_int_equal(pm_paddr_u64(a), BASE);
    assert_int_equal(pm_buddy_free_pages(b), 0);
    assert_err(pm_buddy_alloc(b, 1, &c), PM_ENOMEM);
    assert_ok(pm_buddy_free(b, a, 512));
    assert_int_equal(pm_buddy_free_pages(b), 512);
    pm_buddy_destroy(b);
}

static void test_buddy_too_large(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 1024);
    pm_paddr_t a = pm_paddr(0xdead000);

    (void)state;
    assert_err(pm_buddy_alloc(b, 513, &a), PM_ETOOLARGE);
    assert_int_equal(pm_paddr_u64(a), 0xdead000); /* untouched */
    assert_int_equal(pm_buddy_free_pages(b), 1024);
    pm_buddy_destroy(b);
}

static void test_buddy_zero_pages(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 1024);
    pm_paddr_t a;

    (void)state;
    assert_err(pm_buddy_alloc(b, 0, &a), PM_EZERO);
    assert_int_equal(pm_buddy_free_pages(b), 1024);
    pm_buddy_destroy(b);
}

static void test_buddy_oom_and_recovery(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 8);
    pm_paddr_t a1, a2, c;

    (void)state;
    assert_ok(pm_buddy_alloc(b, 4, &a1));
    assert_ok(pm_buddy_alloc(b, 4, &a2));
    assert_int_not_equal(pm_paddr_u64(a1), pm_paddr_u64(a2));
    assert_err(pm_buddy_alloc(b, 1, &c), PM_ENOMEM);
    assert_ok(pm_buddy_free(b, a1, 4));
    assert_ok(pm_buddy_alloc(b, 1, &c));
    assert_true(pm_frame_contains(pm_frame(a1, 2), c));
    pm_buddy_destroy(b);
}

static void test_buddy_splitting(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 512);
    pm_paddr_t a;
    pm_stats_t s;
    const uint64_t want[PM_NR_ORDERS] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 0};

    (void)state;
    assert_ok(pm_buddy_alloc(b, 1, &a));
    assert_int_equal(pm_paddr_u64(a), BASE); /* the lower half is kept */
    tb_assert_free_blocks(b, want);          /* each upper half on its list */
#if PM_STATS
    pm_buddy_stats(b, &s);
    assert_int_equal(s.splits, 9);
#else
    (void)s;
#endif
    pm_buddy_destroy(b);
}

static void test_buddy_coalescing(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 8);
    pm_paddr_t a1, a2;
    pm_stats_t s;
    const uint64_t one8[PM_NR_ORDERS] = {0, 0, 0, 1, 0, 0, 0, 0, 0, 0};

    (void)state;
    assert_ok(pm_buddy_alloc(b, 4, &a1));
    assert_ok(pm_buddy_alloc(b, 4, &a2));
    assert_ok(pm_buddy_free(b, a1, 4));
    assert_ok(pm_buddy_free(b, a2, 4));
    assert_int_equal(pm_buddy_free_pages(b), 8);
    tb_assert_free_blocks(b, one8);
#if PM_STATS
    pm_buddy_stats(b, &s);
    assert_int_equal(s.coalesces, 1);
    assert_int_equal(s.splits, 1);
#else
    (void)s;
#endif
    pm_buddy_destroy(b);
}

static void test_buddy_many_single_pages(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 64);
    pm_paddr_t a[64], extra;
    const uint64_t one64[PM_NR_ORDERS] = {0, 0, 0, 0, 0, 0, 1, 0, 0, 0};

    (void)state;
    for (int i = 0; i < 64; i++)
        assert_ok(pm_buddy_alloc(b, 1, &a[i]));
    assert_err(pm_buddy_alloc(b, 1, &extra), PM_ENOMEM);
    for (int i = 0; i < 64; i += 2)
        assert_ok(pm_buddy_free(b, a[i], 1));
    assert_int_equal(pm_buddy_free_pages(b), 32);
    assert_ok(pm_buddy_check(b));
    for (int i = 1; i < 64; i += 2)
        assert_ok(pm_buddy_free(b, a[i], 1));
    assert_int_equal(pm_buddy_free_pages(b), 64);
    assert_ok(pm_buddy_flush_hot(b)); /* hot pages merge only now */
    tb_assert_free_blocks(b, one64);  /* fully coalesced */
    assert_ok(pm_buddy_alloc(b, 64 - 63, &extra));
    pm_buddy_destroy(b);
}

static void test_buddy_try_alloc_errors(void **state)
{
    pm_buddy_t u = PM_BUDDY_UNINIT;
    pm_buddy_t *b = tb_create(BASE, 4);
    pm_paddr_t a;

    (void)state;
    /* in the seed's order: NotInitialized first, whatever the count */
    assert_err(pm_buddy_alloc(&u, 0, &a), PM_EUNINIT);
    assert_err(pm_buddy_alloc(&u, 1, &a), PM_EUNINIT);
    assert_err(pm_buddy_alloc(b, 0, &a), PM_EZERO);
    assert_err(pm_buddy_alloc(b, 513, &a), PM_ETOOLARGE);
    assert_err(pm_buddy_alloc(b, 8, &a), PM_ENOMEM);
    assert_ok(pm_buddy_alloc(b, 4, &a));
    assert_err(pm_buddy_alloc(b, 1, &a), PM_ENOMEM);
    pm_buddy_destroy(b);
}

static void test_buddy_try_free_errors(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 1024);

    (void)state;
    assert_err(pm_buddy_free(b, pm_paddr(BASE), 0), PM_EZERO);
    assert_err(pm_buddy_free(b, pm_paddr(1), 1), PM_EALIGN);
    assert_err(pm_buddy_free(b, pm_paddr(0), 1), PM_ERANGE);
    assert_err(pm_buddy_free(b, pm_paddr(BASE + 1024 * 4096), 1), PM_ERANGE); /* the end */
    assert_err(pm_buddy_free(b, pm_paddr(BASE), 513), PM_ETOOLARGE);
    assert_int_equal(pm_buddy_free_pages(b), 1024);
    pm_buddy_destroy(b);
}

static void test_buddy_alloc_frame(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 1024);
    pm_frame_t f;

    (void)state;
    assert_ok(pm_buddy_alloc_frame(b, 8, &f));
    assert_int_equal(f.order, 3);
    assert_int_equal(pm_frame_pages(f), 8);
    assert_true(pm_frame_contains(f, f.addr));
    assert_true(pm_paddr_is_order_aligned(f.addr, 3));
    assert_int_equal(pm_buddy_free_pages(b), 1016);
    assert_ok(pm_buddy_alloc_frame(b, 5, &f)); /* rounded up */
    assert_int_equal(f.order, 3);
    assert_ok(pm_buddy_free_frame(b, f));
    assert_err(pm_buddy_free_frame(b, f), PM_ENOTALLOC);
    assert_int_equal(pm_buddy_free_pages(b), 1016);
    pm_buddy_destroy(b);
}

static void test_buddy_reset(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 1024);
    pm_paddr_t a;
    const uint64_t two512[PM_NR_ORDERS] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

    (void)state;
    for (int i = 0; i < 10; i++)
        assert_ok(pm_buddy_alloc(b, (size_t)i + 1, &a));
    pm_buddy_reset(b);
    assert_int_equal(pm_buddy_free_pages(b), 1024);
    tb_assert_free_blocks(b, two512);
    assert_ok(pm_buddy_check(b));
    assert_err(pm_buddy_free(b, a, 10), PM_ENOTALLOC); /* forgotten */
    tb_assert_no_page_lost(b, NULL, 0);
    pm_buddy_reset(NULL); /* no crash */
    pm_buddy_destroy(b);
}

static void test_buddy_uninit_then_init(void **state)
{
    pm_buddy_t b = PM_BUDDY_UNINIT;
    static uint32_t meta[4096 * 3];
    pm_paddr_t a;

    (void)state;
    assert_false(pm_buddy_is_initialized(&b));
    assert_int_equal(pm_buddy_total_pages(&b), 0);
    assert_int_equal(pm_buddy_free_pages(&b), 0);
    assert_err(pm_buddy_alloc(&b, 1, &a), PM_EUNINIT);
    assert_err(pm_buddy_check(&b), PM_EUNINIT);
    assert_int_equal(pm_buddy_meta_size(pm_paddr(0x20000000), 4096), sizeof(meta));
    assert_ok(pm_buddy_init(&b, pm_paddr(0x20000000), 4096, meta, sizeof(meta)));
    assert_true(pm_buddy_is_initialized(&b));
    assert_int_equal(pm_buddy_total_pages(&b), 4096);
    assert_ok(pm_buddy_alloc(&b, 1, &a));
    assert_true(pm_buddy_contains(&b, a));
    assert_ok(pm_buddy_free(&b, a, 1));
    assert_ok(pm_buddy_check(&b));
    pm_buddy_fini(&b);
    assert_false(pm_buddy_is_initialized(&b));
    assert_err(pm_buddy_alloc(&b, 1, &a), PM_EUNINIT);
    /* after fini it may be initialized again */
    assert_ok(pm_buddy_init(&b, pm_paddr(0), 16, meta, sizeof(meta)));
    assert_int_equal(pm_buddy_total_pages(&b), 16);
    pm_buddy_fini(&b);
    pm_buddy_fini(NULL);
}

static void test_buddy_init_unaligned_base(void **state)
{
    pm_buddy_t b = PM_BUDDY_UNINIT;
    pm_buddy_t *p = NULL;
    static uint32_t meta[3 * 64];

    (void)state;
    assert_err(pm_buddy_init(&b, pm_paddr(0x10000001), 64, meta, sizeof(meta)), PM_EALIGN);
    assert_err(pm_buddy_init(&b, pm_paddr(0x10000800), 64, meta, sizeof(meta)), PM_EALIGN);
    assert_false(pm_buddy_is_initialized(&b));
    assert_err(pm_buddy_create(pm_paddr(0xfff), 64, &p), PM_EALIGN);
    assert_null(p);
}

static void test_buddy_statistics(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 1024);
    pm_paddr_t a, c;
    pm_stats_t s;

    (void)state;
    assert_ok(pm_buddy_alloc(b, 1, &a));
    assert_err(pm_buddy_alloc(b, 1000, &c), PM_ETOOLARGE);
    assert_ok(pm_buddy_free(b, a, 1));
    pm_buddy_stats(b, &s);
#if PM_STATS
    assert_int_equal(s.allocations, 2);
    assert_int_equal(s.failed_allocations, 1);
    assert_int_equal(s.frees, 1);
    assert_int_equal(pm_stats_success_rate_percent(&s), 50);
#endif
    assert_int_equal(s.free_pages, 1024);
    pm_buddy_destroy(b);
}

static void test_buddy_order_stats(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 512);
    pm_order_stats_t os[PM_NR_ORDERS];

    (void)state;
    pm_buddy_order_stats(b, os);
    for (unsigned o = 0; o < PM_NR_ORDERS; o++)
        assert_int_equal(os[o].free_blocks, o == 9 ? 1 : 0);
    pm_buddy_destroy(b);
}

static void test_buddy_contains(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 1024);

    (void)state;
    assert_true(pm_buddy_contains(b, pm_paddr(BASE)));
    assert_true(pm_buddy_contains(b, pm_paddr(BASE + 4096)));
    assert_true(pm_buddy_contains(b, pm_paddr(BASE + 1024 * 4096 - 1)));
    assert_false(pm_buddy_contains(b, pm_paddr(BASE - 1)));
    assert_false(pm_buddy_contains(b, pm_paddr(BASE + 1024 * 4096))); /* end */
    assert_false(pm_buddy_contains(NULL, pm_paddr(BASE)));
    pm_buddy_destroy(b);
}

/* ---- beyond the seed's tests ------------------------------------------- */

/* base + 4 KiB with 1024 pages: [2,1,1,1,1,1,1,1,1,1] (the seed's example) */
static void test_buddy_carve_base_plus_page(void **state)
{
    pm_buddy_t *b = tb_create(BASE + 4096, 1024);
    const uint64_t want[PM_NR_ORDERS] = {2, 1, 1, 1, 1, 1, 1, 1, 1, 1};

    (void)state;
    tb_assert_free_blocks(b, want);
    assert_int_equal(pm_buddy_free_pages(b), 1024);
    tb_assert_no_page_lost(b, NULL, 0);
    pm_buddy_destroy(b);
}

/* 1000 pages at 0x1000_0000: 512+256+128+64+32+8 = [0,0,0,1,0,1,1,1,1,1] */
static void test_buddy_carve_1000_pages(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 1000);
    const uint64_t want[PM_NR_ORDERS] = {0, 0, 0, 1, 0, 1, 1, 1, 1, 1};
    pm_paddr_t a;

    (void)state;
    tb_assert_free_blocks(b, want);
    assert_ok(pm_buddy_alloc(b, 512, &a));
    assert_int_equal(pm_paddr_u64(a), BASE);
    assert_err(pm_buddy_alloc(b, 512, &a), PM_ENOMEM); /* 488 left, no 512 block */
    assert_ok(pm_buddy_alloc(b, 256, &a));
    assert_int_equal(pm_paddr_u64(a), BASE + 512 * 4096);
    pm_buddy_destroy(b);
}

/*
 * What PM_ENOMEM promises (error.h): no free, naturally aligned block of the
 * order in the range, not fewer free pages than asked for. 512 free pages
 * that start half way into a 2 MiB frame make no order-9 block.
 */
static void test_buddy_enomem_means_no_aligned_block(void **state)
{
    pm_buddy_t *b = tb_create(BASE + 256 * 4096, 512);
    pm_paddr_t a, c;

    (void)state;
    assert_int_equal(pm_buddy_free_pages(b), 512);
    assert_err(pm_buddy_alloc(b, 512, &a), PM_ENOMEM);
    assert_err(pm_buddy_alloc(b, 257, &a), PM_ENOMEM);
    assert_int_equal(pm_buddy_free_pages(b), 512);
    assert_ok(pm_buddy_alloc(b, 256, &a));
    assert_ok(pm_buddy_alloc(b, 256, &c));
    assert_ok(pm_buddy_free(b, a, 256));
    assert_ok(pm_buddy_free(b, c, 256));
    tb_assert_no_page_lost(b, NULL, 0);
    pm_buddy_destroy(b);
}

static uint32_t static_meta[2048 * 3];

static void test_buddy_zero_page_allocator(void **state)
{
    pm_buddy_t z = PM_BUDDY_UNINIT;
    pm_buddy_t *b = tb_create(BASE, 0);
    pm_paddr_t a;
    unsigned o;

    (void)state;
    assert_true(pm_buddy_is_initialized(b));
    assert_int_equal(pm_buddy_total_pages(b), 0);
    assert_int_equal(pm_buddy_free_pages(b), 0);
    assert_err(pm_buddy_alloc(b, 1, &a), PM_ENOMEM);
    assert_err(pm_buddy_free(b, pm_paddr(BASE), 1), PM_ERANGE);
    assert_err(pm_buddy_block_order(b, pm_paddr(BASE), &o), PM_ERANGE);
    assert_false(pm_buddy_contains(b, pm_paddr(BASE)));
    assert_int_equal(pm_buddy_alloc_bulk(b, 0, 4, &a), 0);
    assert_ok(pm_buddy_check(b));
    pm_buddy_destroy(b);
    /* no metadata needed at all, but a buffer all the same: buddy.h says a
     * NULL one is PM_EINVAL, and it is, for 0 pages too (issue 12) */
    assert_int_equal(pm_buddy_meta_size(pm_paddr(0), 0), 0);
    assert_err(pm_buddy_init(&z, pm_paddr(0), 0, NULL, 0), PM_EINVAL);
    assert_false(pm_buddy_is_initialized(&z));
    assert_err(pm_buddy_init(&z, pm_paddr(0), 0, (char *)static_meta + 1, 0), PM_EINVAL);
    assert_false(pm_buddy_is_initialized(&z));
    assert_ok(pm_buddy_init(&z, pm_paddr(0), 0, static_meta, 0));
    assert_ok(pm_buddy_check(&z));
    assert_err(pm_buddy_alloc(&z, 1, &a), PM_ENOMEM);
    pm_buddy_fini(&z);
}

/* A kernel's way: a static allocator, initialized later over a static buffer. */
static pm_buddy_t static_buddy = PM_BUDDY_UNINIT;

static void test_buddy_static_uninit(void **state)
{
    pm_paddr_t a;

    (void)state;
    assert_false(pm_buddy_is_initialized(&static_buddy));
    assert_err(pm_buddy_alloc(&static_buddy, 1, &a), PM_EUNINIT);
    assert_ok(
        pm_buddy_init(&static_buddy, pm_paddr(0x20000000), 2048, static_meta, sizeof(static_meta)));
    assert_err(
        pm_buddy_init(&static_buddy, pm_paddr(0x20000000), 2048, static_meta, sizeof(static_meta)),
        PM_EBUSY);
    assert_ok(pm_buddy_alloc(&static_buddy, 1, &a));
    assert_int_equal(pm_paddr_u64(a) >> 28, 2);
    assert_ok(pm_buddy_free(&static_buddy, a, 1));
    tb_assert_no_page_lost(&static_buddy, NULL, 0);
    pm_buddy_fini(&static_buddy);
}

/* The greedy carve, computed the slow way, for comparison. */
static void reference_carve(uint64_t pfn, uint64_t n, uint64_t out[PM_NR_ORDERS])
{
    for (unsigned o = 0; o < PM_NR_ORDERS; o++)
        out[o] = 0;
    while (n > 0) {
        unsigned o = PM_MAX_ORDER;
        while ((pfn % ((uint64_t)1 << o)) != 0 || ((uint64_t)1 << o) > n)
            o--;
        out[o]++;
        pfn += (uint64_t)1 << o;
        n -= (uint64_t)1 << o;
    }
}

static void test_buddy_odd_bases_and_sizes(void **state)
{
    static const uint64_t pfns[] = {0, 1, 3, 7, 255, 511, 513, 0x10001, 0x123457, 0xffffffff};
    static const size_t sizes[] = {1, 2, 3, 5, 7, 511, 513, 1000, 1537, 4099};

    (void)state;
    for (size_t i = 0; i < sizeof(pfns) / sizeof(pfns[0]); i++) {
        for (size_t j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
            pm_buddy_t *b = tb_create(pfns[i] << PM_PAGE_SHIFT, sizes[j]);
            uint64_t want[PM_NR_ORDERS];
            pm_paddr_t a;
            size_t got = 0;

            reference_carve(pfns[i], sizes[j], want);
            tb_assert_free_blocks(b, want);
            tb_assert_no_page_lost(b, NULL, 0);
            /* every block of the largest order there is comes out aligned */
            for (unsigned o = PM_NR_ORDERS; o-- > 0;) {
                while (pm_buddy_alloc(b, pm_order_to_pages(o), &a) == PM_OK) {
                    assert_true(pm_paddr_is_order_aligned(a, o));
                    assert_true(pm_buddy_contains(b, a));
                    got += pm_order_to_pages(o);
                }
            }
            assert_int_equal(got, sizes[j]);
            assert_int_equal(pm_buddy_free_pages(b), 0);
            assert_ok(pm_buddy_check(b));
            pm_buddy_destroy(b);
        }
    }
}

/* The very top of the physical address space: the range may end at 2^64. */
static void test_buddy_top_of_address_space(void **state)
{
    uint64_t top_pfn = (uint64_t)1 << (64 - PM_PAGE_SHIFT);
    pm_buddy_t *b = tb_create((top_pfn - 1024) << PM_PAGE_SHIFT, 1024);
    pm_paddr_t a[2];

    (void)state;
    assert_ok(pm_buddy_alloc(b, 512, &a[0]));
    assert_ok(pm_buddy_alloc(b, 512, &a[1]));
    assert_int_equal(pm_paddr_u64(a[0]) | pm_paddr_u64(a[1]), UINT64_MAX - 0x1fffff);
    assert_true(pm_buddy_contains(b, pm_paddr(UINT64_MAX)));
    assert_ok(pm_buddy_free(b, a[0], 512));
    assert_ok(pm_buddy_free(b, a[1], 512));
    tb_assert_no_page_lost(b, NULL, 0);
    pm_buddy_destroy(b);
}

/* Freed blocks are reused first (LIFO), like the seed. */
static void test_buddy_lifo_reuse(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 64);
    pm_paddr_t a[4], c;

    (void)state;
    for (int i = 0; i < 4; i++)
        assert_ok(pm_buddy_alloc(b, 2, &a[i]));
    assert_ok(pm_buddy_free(b, a[0], 2)); /* its buddy a[1] is held: no merge */
    assert_ok(pm_buddy_free(b, a[2], 2));
    assert_ok(pm_buddy_alloc(b, 2, &c));
    assert_true(pm_paddr_eq(c, a[2]));
    assert_ok(pm_buddy_alloc(b, 2, &c));
    assert_true(pm_paddr_eq(c, a[0]));
    pm_buddy_destroy(b);
}

static void test_buddy_block_order(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 1024);
    pm_paddr_t a;
    unsigned o = 99;

    (void)state;
    assert_ok(pm_buddy_alloc(b, 10, &a));
    assert_ok(pm_buddy_block_order(b, a, &o));
    assert_int_equal(o, 4);
    assert_err(pm_buddy_block_order(b, pm_paddr_add_pages(a, 1), &o), PM_ENOTALLOC);
    assert_ok(pm_buddy_free(b, a, 16));
    assert_err(pm_buddy_block_order(b, a, &o), PM_ENOTALLOC);
    pm_buddy_destroy(b);
}

static void test_buddy_alloc_bulk(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 64);
    pm_paddr_t out[20];
    pm_frame_t held[20];
    pm_stats_t s;
    size_t n;

    (void)state;
    n = pm_buddy_alloc_bulk(b, 2, 20, out); /* only 16 blocks of 4 exist */
    assert_int_equal(n, 16);
    for (size_t i = 0; i < n; i++) {
        assert_true(pm_paddr_is_order_aligned(out[i], 2));
        held[i] = pm_frame(out[i], 2);
    }
    tb_assert_no_page_lost(b, held, n); /* no overlap among the 16 */
#if PM_STATS
    pm_buddy_stats(b, &s);
    assert_int_equal(s.allocations, 20);
    assert_int_equal(s.failed_allocations, 4);
    assert_int_equal(s.requested_pages, 64);
#else
    (void)s;
#endif
    for (size_t i = 0; i < n; i++)
        assert_ok(pm_buddy_free(b, out[i], 4));
    assert_int_equal(pm_buddy_free_pages(b), 64);
    pm_buddy_destroy(b);
}

/* Bulk takes the smallest free blocks first: holes that frees left in a
 * used region before any larger block, and a whole order-9 block last. */
static void test_buddy_alloc_bulk_holes_first(void **state)
{
    pm_buddy_t *b = tb_create_eager(BASE, 1024); /* two order-9 blocks */
    pm_paddr_t p[4], out[4], o2[2], x;
    pm_order_stats_t os[PM_NR_ORDERS];
    uint64_t pfn[4], r0;

    (void)state;
    for (unsigned i = 0; i < 4; i++)
        assert_ok(pm_buddy_alloc(b, 1, &p[i])); /* pages 0..3 of one block */
    r0 = pm_paddr_pfn(p[0]);
    assert_int_equal(r0 % 512, 0);
    assert_ok(pm_buddy_free(b, p[1], 1));
    assert_ok(pm_buddy_free(b, p[3], 1)); /* holes at pages 1 and 3; 4..7 free */
    assert_int_equal(pm_buddy_alloc_bulk(b, 0, 4, out), 4);
    for (unsigned i = 0; i < 4; i++)
        pfn[i] = pm_paddr_pfn(out[i]) - r0;
    /* the two holes first, then a split of 4..7 (not 4..7 whole) */
    assert_true((pfn[0] == 1 && pfn[1] == 3) || (pfn[0] == 3 && pfn[1] == 1));
    assert_int_equal(pfn[2], 4);
    assert_int_equal(pfn[3], 5);
    /* order 2: the free order-2 hole before the rest of the region */
    assert_ok(pm_buddy_alloc(b, 8, &x));     /* 8..15 */
    assert_ok(pm_buddy_alloc(b, 4, &o2[0])); /* 16..19 */
    assert_ok(pm_buddy_alloc(b, 4, &o2[1])); /* 20..23 */
    assert_int_equal(pm_paddr_pfn(o2[0]) - r0, 16);
    assert_ok(pm_buddy_free(b, o2[0], 4)); /* a hole of order 2 at 16 */
    assert_int_equal(pm_buddy_alloc_bulk(b, 2, 2, o2), 2);
    assert_int_equal(pm_paddr_pfn(o2[0]) - r0, 16);
    assert_int_equal(pm_paddr_pfn(o2[1]) - r0, 24);
    pm_buddy_order_stats(b, os);
    assert_int_equal(os[9].free_blocks, 1); /* the other block untouched */
    assert_ok(pm_buddy_check(b));
    pm_buddy_destroy(b);
}

/* ---- pm_buddy_check() finds hand-made corruption ------------------------- */

struct corruption {
    const char *what;
    void (*apply)(pm_buddy_t *b);
};

/* The fixture for corruption: 64 pages at BASE with pages 0,2,4,6 held
 * (so 1,3,5,7 are free singles, a list of four) and 8..63 free. */
static pm_paddr_t fixture_pages[8];

static pm_buddy_t *corruption_fixture(void)
{
    pm_buddy_t *b = tb_create_eager(BASE, 64);

    for (int i = 0; i < 8; i++)
        assert_ok(pm_buddy_alloc(b, 1, &fixture_pages[i]));
    for (int i = 0; i < 8; i++) {
        if ((pm_paddr_pfn(fixture_pages[i]) & 1) != 0)
            assert_ok(pm_buddy_free(b, fixture_pages[i], 1));
    }
    assert_int_equal(b->nfree[0], 4);
    assert_ok(pm_buddy_check(b));
    return b;
}

static void corrupt_free_pages(pm_buddy_t *b)
{
    b->free_pages++;
}
static void corrupt_nfree(pm_buddy_t *b)
{
    b->nfree[0]++;
}
static void corrupt_nfree_drop(pm_buddy_t *b)
{
    b->nfree[0]--; /* a free block off the books; the counts no longer add up */
}
static void corrupt_free_state_to_allocated(pm_buddy_t *b)
{
    b->pages[b->head[0]].state = BUDDY_ALLOCATED;
}
static void corrupt_allocated_state_to_free(pm_buddy_t *b)
{
    b->pages[0].state = BUDDY_FREE; /* page 0 is held */
}
static void corrupt_tail_to_allocated(pm_buddy_t *b)
{
    b->pages[9].state = BUDDY_ALLOCATED; /* inside the free order-3 block at 8 */
}
static void corrupt_bad_state(pm_buddy_t *b)
{
    b->pages[0].state = 7;
}
static void corrupt_free_order(pm_buddy_t *b)
{
    b->pages[b->head[0]].order = 1;
}
static void corrupt_alloc_order(pm_buddy_t *b)
{
    b->pages[2].order = 3; /* pages 3..9 would be its tails: they are not */
}
static void corrupt_next_link(pm_buddy_t *b)
{
    struct pm_buddy_page *h = &b->pages[b->head[0]];
    h->next = b->pages[h->next].next; /* skip one entry */
}
static void corrupt_prev_link(pm_buddy_t *b)
{
    struct pm_buddy_page *h = &b->pages[b->head[0]];
    b->pages[h->next].prev = h->next;
}
static void corrupt_head_prev(pm_buddy_t *b)
{
    struct pm_buddy_page *h = &b->pages[b->head[0]];
    h->prev = h->next;
}
static void corrupt_cycle(pm_buddy_t *b)
{
    uint32_t i = b->head[0];
    while (b->pages[i].next != i)
        i = b->pages[i].next;
    b->pages[i].next = b->head[0]; /* the last points back to the first */
}
static void corrupt_wild_head(pm_buddy_t *b)
{
    b->head[0] = 64 + 5;
}
static void corrupt_wild_next(pm_buddy_t *b)
{
    b->pages[b->head[0]].next = 0xffffff00u;
}
static void corrupt_requested(pm_buddy_t *b)
{
    b->pages[0].requested = 0;
}
static void corrupt_requested_too_big(pm_buddy_t *b)
{
    b->pages[0].requested = 2;
}
static void corrupt_no_meta(pm_buddy_t *b)
{
    b->pages = NULL;
}
static void corrupt_unmerged_buddies(pm_buddy_t *b)
{
    /* page 0 held, 1 free: mark 0 FREE and put it on the list as well, with
     * every count adjusted, so only "two free buddies" is wrong. */
    struct pm_buddy_page *p = &b->pages[0];
    p->state = BUDDY_FREE;
    p->requested = 0;
    p->prev = 0;
    p->next = b->head[0];
    b->pages[b->head[0]].prev = 0;
    b->head[0] = 0;
    b->nfree[0]++;
    b->free_pages++;
    b->st_requested -= 1;
}

static void test_buddy_check_detects_corruption(void **state)
{
    static const struct corruption cases[] = {
        {"free_pages off by one", corrupt_free_pages},
        {"nfree too large", corrupt_nfree},
        {"nfree too small", corrupt_nfree_drop},
        {"free head marked allocated", corrupt_free_state_to_allocated},
        {"allocated head marked free", corrupt_allocated_state_to_free},
        {"tail marked allocated", corrupt_tail_to_allocated},
        {"invalid state", corrupt_bad_state},
        {"free head of wrong order", corrupt_free_order},
        {"allocated head of wrong order", corrupt_alloc_order},
        {"next link skips an entry", corrupt_next_link},
        {"prev link broken", corrupt_prev_link},
        {"list head's prev not itself", corrupt_head_prev},
        {"list cycle", corrupt_cycle},
        {"head index out of range", corrupt_wild_head},
        {"next index out of range", corrupt_wild_next},
#if PM_STATS
        {"requested 0 on allocated head", corrupt_requested},
        {"requested larger than block", corrupt_requested_too_big},
#endif
        {"metadata pointer NULL", corrupt_no_meta},
        {"two free buddies unmerged", corrupt_unmerged_buddies},
    };
    pm_buddy_t *b = corruption_fixture();

    (void)state;
    (void)corrupt_requested;
    (void)corrupt_requested_too_big;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct tb_snap s;
        pm_err_t e;

        tb_snap_take(&s, b);
        cases[i].apply(b);
        e = pm_buddy_check(b);
        if (e != PM_ECORRUPT)
            print_error("corruption not detected: %s (%s)\n", cases[i].what, pm_errname(e));
        assert_int_equal(e, PM_ECORRUPT);
        /* restore and show that the check passes again */
        *b = s.b;
        memcpy(b->pages, s.meta, (size_t)b->npages * sizeof(*s.meta));
        tb_snap_release(&s);
        assert_ok(pm_buddy_check(b));
    }
    b->magic ^= 1;
    assert_err(pm_buddy_check(b), PM_EUNINIT);
    b->magic ^= 1;
    assert_err(pm_buddy_check(NULL), PM_EINVAL);
    pm_buddy_destroy(b);
}

/* ---- randomized, against a reference ------------------------------------ */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    return x;
}

struct held_block {
    pm_paddr_t addr;
    size_t npages; /* as requested */
    unsigned order;
};

static void test_buddy_randomized(void **state)
{
    enum { NPAGES = 3000, STEPS = 40000, MAXHELD = 4096 };
    const uint64_t base_pfn = 0x12345; /* odd: blocks of every order near the edges */
    const char *env = getenv("PM_TEST_SEED");
    uint64_t seed = env != NULL ? strtoull(env, NULL, 0) : 0x9e3779b97f4a7c15ull;
    pm_buddy_t *b = tb_create(base_pfn << PM_PAGE_SHIFT, NPAGES);
    uint32_t *owner = calloc(NPAGES, sizeof(*owner)); /* 0 free, else held index + 1 */
    struct held_block *held = calloc(MAXHELD, sizeof(*held));
    size_t nheld = 0;
    uint64_t ref_free = NPAGES, fails = 0;

    (void)state;
    assert_non_null(owner);
    assert_non_null(held);
    printf("test_buddy_randomized: seed 0x%llx (set PM_TEST_SEED to replay)\n",
           (unsigned long long)seed);
    rng_state = seed;
    for (int step = 0; step < STEPS; step++) {
        uint64_t r = rng_next();
        bool do_alloc = nheld == 0 || (nheld < MAXHELD && (r & 3) != 0 && ref_free > 0);

        if ((r >> 8) % 5 == 0)
            do_alloc = nheld == 0; /* runs of frees */
        if (do_alloc) {
            unsigned o = (unsigned)((r >> 16) % PM_NR_ORDERS);
            size_t want = (size_t)1 << o;
            size_t npages = o == 0 ? 1 : want / 2 + 1 + (size_t)((r >> 24) % (want / 2));
            pm_paddr_t a;
            pm_err_t e = pm_buddy_alloc(b, npages, &a);

            if (e == PM_OK) {
                uint64_t off = pm_paddr_pfn(a) - base_pfn;
                assert_true(pm_paddr_is_order_aligned(a, o));
                assert_true(off + want <= NPAGES);
                for (size_t j = 0; j < want; j++) {
                    assert_int_equal(owner[off + j], 0); /* handed out twice */
                    owner[off + j] = (uint32_t)nheld + 1;
                }
                held[nheld].addr = a;
                held[nheld].npages = npages;
                held[nheld].order = o;
                nheld++;
                ref_free -= want;
            } else {
                assert_int_equal(e, PM_ENOMEM);
                fails++;
                /* no free, aligned, in-range run of 2^o pages may exist */
                for (uint64_t pfn = (base_pfn + want - 1) & ~(uint64_t)(want - 1);
                     pfn + want <= base_pfn + NPAGES; pfn += want) {
                    size_t j = 0;
                    while (j < want && owner[pfn - base_pfn + j] == 0)
                        j++;
                    assert_int_not_equal(j, want);
                }
            }
        } else {
            size_t k = (size_t)((r >> 32) % nheld);
            struct held_block h = held[k];
            uint64_t off = pm_paddr_pfn(h.addr) - base_pfn;

            assert_ok(pm_buddy_free(b, h.addr, h.npages));
            for (size_t j = 0; j < pm_order_to_pages(h.order); j++)
                owner[off + j] = 0;
            ref_free += pm_order_to_pages(h.order);
            nheld--;
            if (k != nheld) {
                held[k] = held[nheld];
                off = pm_paddr_pfn(held[k].addr) - base_pfn;
                for (size_t j = 0; j < pm_order_to_pages(held[k].order); j++)
                    owner[off + j] = (uint32_t)k + 1;
            }
        }
        assert_int_equal(pm_buddy_free_pages(b), ref_free);
        if (step % 1000 == 0)
            assert_ok(pm_buddy_check(b));
    }
    assert_ok(pm_buddy_check(b));
    assert_true(fails > 0); /* the run did reach out-of-memory */
    {
        pm_frame_t *fr = calloc(nheld + 1, sizeof(*fr));
        assert_non_null(fr);
        for (size_t k = 0; k < nheld; k++)
            fr[k] = pm_frame(held[k].addr, held[k].order);
        tb_assert_no_page_lost(b, fr, nheld);
        free(fr);
    }
    while (nheld > 0) {
        nheld--;
        assert_ok(pm_buddy_free(b, held[nheld].addr, held[nheld].npages));
    }
    {
        uint64_t want[PM_NR_ORDERS];
        reference_carve(base_pfn, NPAGES, want);
        assert_ok(pm_buddy_flush_hot(b));
        tb_assert_free_blocks(b, want); /* everything merged back to the carve */
    }
    free(held);
    free(owner);
    pm_buddy_destroy(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buddy_new),
        cmocka_unit_test(test_buddy_single_page),
        cmocka_unit_test(test_buddy_multi_page),
        cmocka_unit_test(test_buddy_max_block),
        cmocka_unit_test(test_buddy_too_large),
        cmocka_unit_test(test_buddy_zero_pages),
        cmocka_unit_test(test_buddy_oom_and_recovery),
        cmocka_unit_test(test_buddy_splitting),
        cmocka_unit_test(test_buddy_coalescing),
        cmocka_unit_test(test_buddy_many_single_pages),
        cmocka_unit_test(test_buddy_try_alloc_errors),
        cmocka_unit_test(test_buddy_try_free_errors),
        cmocka_unit_test(test_buddy_alloc_frame),
        cmocka_unit_test(test_buddy_reset),
        cmocka_unit_test(test_buddy_uninit_then_init),
        cmocka_unit_test(test_buddy_init_unaligned_base),
        cmocka_unit_test(test_buddy_statistics),
        cmocka_unit_test(test_buddy_order_stats),
        cmocka_unit_test(test_buddy_contains),
        cmocka_unit_test(test_buddy_carve_base_plus_page),
        cmocka_unit_test(test_buddy_carve_1000_pages),
        cmocka_unit_test(test_buddy_zero_page_allocator),
        cmocka_unit_test(test_buddy_enomem_means_no_aligned_block),
        cmocka_unit_test(test_buddy_static_uninit),
        cmocka_unit_test(test_buddy_odd_bases_and_sizes),
        cmocka_unit_test(test_buddy_top_of_address_space),
        cmocka_unit_test(test_buddy_lifo_reuse),
        cmocka_unit_test(test_buddy_block_order),
        cmocka_unit_test(test_buddy_alloc_bulk),
        cmocka_unit_test(test_buddy_alloc_bulk_holes_first),
        cmocka_unit_test(test_buddy_check_detects_corruption),
        cmocka_unit_test(test_buddy_randomized),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
