/*
 * test_buddy_hot.c - the buddy core's hot stack: order-0 frees kept
 * unmerged (at most hot_max), order-0 allocations served from it first,
 * merged by a larger allocation that needs them, by a lower hot_max and by
 * pm_buddy_flush_hot(); refused double frees of hot pages; the invariants
 * pm_buddy_check() verifies on it.
 *
 * The hot stack is an opt-in (PM_BUDDY_HOT_DEFAULT is 0): every allocator
 * here sets hot_max to HOT, whatever PM_TEST_HOT_MAX says, except where a
 * test says otherwise.
 */
#include "pm_test_util.h"

#define BASE 0x10000000u /* pfn 0x10000, aligned to every order */
#define HOT  16u         /* the size bench's core/hot row measures */

static pm_buddy_t *hot_create(size_t npages)
{
    pm_buddy_t *b = tb_create(BASE, npages);

    assert_ok(pm_buddy_set_hot_max(b, HOT));
    return b;
}

/* sum over o of free_blocks[o] << o, as a caller sees it */
static uint64_t free_from_order_stats(const pm_buddy_t *b)
{
    uint64_t blocks[PM_NR_ORDERS];
    uint64_t sum = 0;

    tb_free_blocks(b, blocks);
    for (unsigned o = 0; o < PM_NR_ORDERS; o++)
        sum += blocks[o] << o;
    return sum;
}

/*
 * The seed's contract (issue 12): as created or initialized, the core is the
 * textbook eager buddy. A program that frees everything it allocated sees
 * the range fully merged in its order statistics, with no flush; it used to
 * see 15 of 16 order-9 blocks and order-0..8 fragments (a default hot stack
 * of 16 pages).
 */
static void test_hot_is_opt_in(void **state)
{
    static uint32_t meta[8192 * 3];
    const uint64_t merged[PM_NR_ORDERS] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 16};
    pm_buddy_t *b = NULL;
    pm_buddy_t s = PM_BUDDY_UNINIT;
    pm_buddy_t *both[2];
    pm_paddr_t a[64];
    pm_stats_t st;

    (void)state;
    assert_int_equal(PM_BUDDY_HOT_DEFAULT, 0);
    assert_ok(pm_buddy_create(pm_paddr(BASE), 8192, &b));
    assert_ok(pm_buddy_init(&s, pm_paddr(BASE), 8192, meta, sizeof(meta)));
    both[0] = b;
    both[1] = &s;
    for (int k = 0; k < 2; k++) {
        pm_buddy_t *x = both[k];

        tb_assert_free_blocks(x, merged);
        for (int i = 0; i < 64; i++)
            assert_ok(pm_buddy_alloc(x, 1, &a[i]));
        for (int i = 0; i < 64; i++) {
            assert_ok(pm_buddy_free(x, a[i], 1));
            assert_int_equal(pm_buddy_hot_pages(x), 0); /* every free merged */
        }
        tb_assert_free_blocks(x, merged);
        pm_buddy_stats(x, &st);
        assert_int_equal(st.free_pages, 8192);
#if PM_STATS
        assert_int_equal(st.coalesces, st.splits); /* all merged back */
#endif
        assert_ok(pm_buddy_check(x));
    }
    pm_buddy_destroy(b);
    pm_buddy_fini(&s);
}

static void test_hot_pair_reuses_the_page(void **state)
{
    pm_buddy_t *b = hot_create(1024);
    pm_paddr_t a, c;
    pm_stats_t st;

    (void)state;
    assert_ok(pm_buddy_alloc(b, 1, &a));
    pm_buddy_stats(b, &st);
#if PM_STATS
    assert_int_equal(st.splits, 9); /* the first page splits an order-9 block */
#endif
    assert_ok(pm_buddy_free(b, a, 1));
    assert_int_equal(pm_buddy_hot_pages(b), 1);
    assert_int_equal(pm_buddy_free_pages(b), 1024);
    assert_ok(pm_buddy_check(b));
    for (int i = 0; i < 100; i++) {
        assert_ok(pm_buddy_alloc(b, 1, &c));
        assert_int_equal(pm_paddr_u64(c), pm_paddr_u64(a)); /* LIFO: the same page */
        assert_int_equal(pm_buddy_hot_pages(b), 0);
        assert_int_equal(pm_buddy_free_pages(b), 1023);
        assert_ok(pm_buddy_free(b, c, 1));
    }
    pm_buddy_stats(b, &st);
#if PM_STATS
    assert_int_equal(st.splits, 9);    /* no split after the first */
    assert_int_equal(st.coalesces, 0); /* and no merge */
    assert_int_equal(st.allocations, 101);
    assert_int_equal(st.frees, 101);
    assert_int_equal(st.requested_pages, 0);
    assert_int_equal(st.peak_used_pages, 1);
#endif
    assert_ok(pm_buddy_flush_hot(b));
    pm_buddy_stats(b, &st);
#if PM_STATS
    assert_int_equal(st.coalesces, 9);
#endif
    {
        const uint64_t two512[PM_NR_ORDERS] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
        tb_assert_free_blocks(b, two512);
    }
    pm_buddy_destroy(b);
}

static void test_hot_keeps_at_most_hot_max(void **state)
{
    pm_buddy_t *b = hot_create(64);
    pm_paddr_t a[64];
    const uint64_t one64[PM_NR_ORDERS] = {0, 0, 0, 0, 0, 0, 1, 0, 0, 0};

    (void)state;
    for (int i = 0; i < 64; i++)
        assert_ok(pm_buddy_alloc(b, 1, &a[i]));
    for (int i = 0; i < 64; i++) {
        assert_ok(pm_buddy_free(b, a[i], 1));
        assert_int_equal(pm_buddy_hot_pages(b), (uint64_t)(i + 1) < HOT ? (uint64_t)(i + 1) : HOT);
        assert_int_equal(free_from_order_stats(b), pm_buddy_free_pages(b));
    }
    assert_int_equal(pm_buddy_free_pages(b), 64);
    assert_ok(pm_buddy_check(b));
    assert_ok(pm_buddy_flush_hot(b));
    assert_int_equal(pm_buddy_hot_pages(b), 0);
    tb_assert_free_blocks(b, one64);
    assert_ok(pm_buddy_check(b));
    pm_buddy_destroy(b);
}

/* A hot page is free: freeing it again, at any size, is refused and
 * changes nothing; it is not an allocated block. */
static void test_hot_double_free_refused(void **state)
{
    pm_buddy_t *b = hot_create(64);
    pm_paddr_t a, keep;
    unsigned order;
    struct tb_snap s;

    (void)state;
    assert_ok(pm_buddy_alloc(b, 1, &keep));
    assert_ok(pm_buddy_alloc(b, 1, &a));
    assert_ok(pm_buddy_free(b, a, 1));
    assert_int_equal(pm_buddy_hot_pages(b), 1);
    tb_snap_take(&s, b);
    assert_err(pm_buddy_free(b, a, 1), PM_ENOTALLOC);
    assert_err(pm_buddy_free(b, keep, 2), PM_ESIZE); /* keep is allocated, order 0 */
    assert_err(pm_buddy_free_frame(b, pm_frame(a, 0)), PM_ENOTALLOC);
    assert_err(pm_buddy_block_order(b, a, &order), PM_ENOTALLOC);
    tb_snap_assert_same(&s, b, 0, 0);
    {
        pm_frame_t h = pm_frame(keep, 0);
        tb_assert_no_page_lost(b, &h, 1);
    }
    assert_ok(pm_buddy_free(b, keep, 1));
    assert_int_equal(pm_buddy_free_pages(b), 64);
    pm_buddy_destroy(b);
}

/* Two hot buddies make the only order-1 block: allocating it merges them. */
static void test_hot_larger_alloc_merges_hot_pages(void **state)
{
    pm_buddy_t *b = hot_create(2);
    pm_paddr_t a0, a1, c;
    size_t n;

    (void)state;
    assert_ok(pm_buddy_alloc(b, 1, &a0));
    assert_ok(pm_buddy_alloc(b, 1, &a1));
    assert_ok(pm_buddy_free(b, a0, 1));
    assert_ok(pm_buddy_free(b, a1, 1));
    assert_int_equal(pm_buddy_hot_pages(b), 2);
    assert_ok(pm_buddy_alloc(b, 2, &c));
    assert_int_equal(pm_paddr_u64(c), BASE);
    assert_int_equal(pm_buddy_hot_pages(b), 0);
    assert_int_equal(pm_buddy_free_pages(b), 0);
    assert_ok(pm_buddy_check(b));
    assert_ok(pm_buddy_free(b, c, 2));
    /* the same through the bulk call */
    assert_ok(pm_buddy_alloc(b, 1, &a0));
    assert_ok(pm_buddy_alloc(b, 1, &a1));
    assert_ok(pm_buddy_free(b, a1, 1));
    assert_ok(pm_buddy_free(b, a0, 1));
    n = pm_buddy_alloc_bulk(b, 1, 1, &c);
    assert_int_equal(n, 1);
    assert_int_equal(pm_paddr_u64(c), BASE);
    assert_ok(pm_buddy_check(b));
    pm_buddy_destroy(b);
}

/* An allocation that fails even after merging leaves b as pm_buddy_flush_hot()
 * would: no page handed out, none lost, only the hot pages merged. */
static void test_hot_nomem_leaves_b_flushed(void **state)
{
    pm_buddy_t *b = hot_create(4);
    pm_paddr_t a[4], c = pm_paddr(0xabc000);
    struct tb_snap s;
    pm_frame_t held[2];

    (void)state;
    for (int i = 0; i < 4; i++)
        assert_ok(pm_buddy_alloc(b, 1, &a[i]));
    for (int i = 0; i < 4; i++) /* pages 0 and 2 hot, 1 and 3 held */
        if ((pm_paddr_pfn(a[i]) & 1) == 0)
            assert_ok(pm_buddy_free(b, a[i], 1));
    assert_int_equal(pm_buddy_hot_pages(b), 2);
    tb_snap_take(&s, b);
    tb_snap_flush(&s);
    assert_err(pm_buddy_alloc(b, 2, &c), PM_ENOMEM);
    assert_int_equal(pm_paddr_u64(c), 0xabc000);
    assert_int_equal(pm_buddy_hot_pages(b), 0);
    tb_snap_assert_same(&s, b, 1, 1);
    held[0] = pm_frame(pm_paddr(BASE + PM_PAGE_SIZE), 0);
    held[1] = pm_frame(pm_paddr(BASE + 3 * PM_PAGE_SIZE), 0);
    tb_assert_no_page_lost(b, held, 2);
    assert_int_equal(pm_buddy_alloc_bulk(b, 1, 1, &c), 0);
    pm_buddy_destroy(b);
}

static void test_hot_set_max(void **state)
{
    pm_buddy_t *b = hot_create(64);
    pm_paddr_t a[40];
    const uint64_t one64[PM_NR_ORDERS] = {0, 0, 0, 0, 0, 0, 1, 0, 0, 0};

    (void)state;
    for (int i = 0; i < 40; i++)
        assert_ok(pm_buddy_alloc(b, 1, &a[i]));
    for (int i = 0; i < 10; i++)
        assert_ok(pm_buddy_free(b, a[i], 1));
    assert_int_equal(pm_buddy_hot_pages(b), 10);
    assert_ok(pm_buddy_set_hot_max(b, 4)); /* lowering merges the excess */
    assert_int_equal(pm_buddy_hot_pages(b), 4);
    assert_int_equal(pm_buddy_free_pages(b), 34);
    assert_ok(pm_buddy_check(b));
    assert_ok(pm_buddy_set_hot_max(b, 0)); /* eager: every free merges */
    assert_int_equal(pm_buddy_hot_pages(b), 0);
    for (int i = 10; i < 20; i++)
        assert_ok(pm_buddy_free(b, a[i], 1));
    assert_int_equal(pm_buddy_hot_pages(b), 0);
    assert_ok(pm_buddy_set_hot_max(b, 1000)); /* more than HOT */
    for (int i = 20; i < 40; i++)
        assert_ok(pm_buddy_free(b, a[i], 1));
    assert_int_equal(pm_buddy_hot_pages(b), 20);
    assert_ok(pm_buddy_check(b));
    assert_ok(pm_buddy_set_hot_max(b, 0));
    tb_assert_free_blocks(b, one64);
    pm_buddy_destroy(b);
}

static void test_hot_errors(void **state)
{
    pm_buddy_t u = PM_BUDDY_UNINIT;

    (void)state;
    assert_err(pm_buddy_set_hot_max(NULL, 1), PM_EINVAL);
    assert_err(pm_buddy_set_hot_max(&u, 1), PM_EUNINIT);
    assert_err(pm_buddy_flush_hot(NULL), PM_EINVAL);
    assert_err(pm_buddy_flush_hot(&u), PM_EUNINIT);
    assert_int_equal(pm_buddy_hot_pages(NULL), 0);
    assert_int_equal(pm_buddy_hot_pages(&u), 0);
    assert_int_equal(u.hot_max, 0); /* the refused calls wrote nothing */
}

/* Bulk order 0 hands out the hot pages first, top of the stack first. */
static void test_hot_bulk_takes_hot_pages_first(void **state)
{
    pm_buddy_t *b = hot_create(64);
    pm_paddr_t a[8], out[5];
    pm_stats_t st;

    (void)state;
    for (int i = 0; i < 8; i++)
        assert_ok(pm_buddy_alloc(b, 1, &a[i]));
    assert_ok(pm_buddy_free(b, a[1], 1));
    assert_ok(pm_buddy_free(b, a[4], 1));
    assert_ok(pm_buddy_free(b, a[6], 1));
    assert_int_equal(pm_buddy_alloc_bulk(b, 0, 5, out), 5);
    assert_int_equal(pm_paddr_u64(out[0]), pm_paddr_u64(a[6]));
    assert_int_equal(pm_paddr_u64(out[1]), pm_paddr_u64(a[4]));
    assert_int_equal(pm_paddr_u64(out[2]), pm_paddr_u64(a[1]));
    assert_int_equal(pm_buddy_hot_pages(b), 0);
    assert_int_equal(pm_buddy_free_pages(b), 64 - 10);
    pm_buddy_stats(b, &st);
#if PM_STATS
    assert_int_equal(st.allocations, 8 + 5);
    assert_int_equal(st.requested_pages, 10);
#endif
    assert_ok(pm_buddy_check(b));
    for (int i = 0; i < 5; i++)
        assert_ok(pm_buddy_free(b, out[i], 1));
    for (int i = 0; i < 8; i++)
        if (i != 1 && i != 4 && i != 6)
            assert_ok(pm_buddy_free(b, a[i], 1));
    assert_int_equal(pm_buddy_free_pages(b), 64);
    assert_ok(pm_buddy_check(b));
    pm_buddy_destroy(b);
}

static void test_hot_reset_keeps_hot_max(void **state)
{
    pm_buddy_t *b = hot_create(64);
    pm_paddr_t a;

    (void)state;
    assert_ok(pm_buddy_set_hot_max(b, 3));
    assert_ok(pm_buddy_alloc(b, 1, &a));
    assert_ok(pm_buddy_free(b, a, 1));
    assert_int_equal(pm_buddy_hot_pages(b), 1);
    pm_buddy_reset(b);
    assert_int_equal(pm_buddy_hot_pages(b), 0);
    assert_int_equal(pm_buddy_free_pages(b), 64);
    assert_ok(pm_buddy_check(b));
    for (int i = 0; i < 5; i++) {
        pm_paddr_t p[5];
        for (int j = 0; j < 5; j++)
            assert_ok(pm_buddy_alloc(b, 1, &p[j]));
        for (int j = 0; j < 5; j++)
            assert_ok(pm_buddy_free(b, p[j], 1));
        assert_int_equal(pm_buddy_hot_pages(b), 3);
    }
    pm_buddy_destroy(b);
}

/* ---- pm_buddy_check() finds a corrupted hot stack -------------------------- */

/* 64 pages, pages 0..7 allocated, then 1, 3, 5 freed: a hot stack 5, 3, 1. */
static pm_buddy_t *hot_fixture(void)
{
    pm_buddy_t *b = hot_create(64);
    pm_paddr_t a[8];

    for (int i = 0; i < 8; i++)
        assert_ok(pm_buddy_alloc(b, 1, &a[i]));
    for (int i = 1; i < 8; i += 2)
        if (i != 7)
            assert_ok(pm_buddy_free(b, a[i], 1));
    assert_int_equal(b->nhot, 3);
    assert_int_equal(b->hot_head, 5);
    assert_ok(pm_buddy_check(b));
    return b;
}

static void corrupt_nhot_up(pm_buddy_t *b)
{
    b->nhot++;
}
static void corrupt_nhot_down(pm_buddy_t *b)
{
    b->nhot--;
}
static void corrupt_over_max(pm_buddy_t *b)
{
    b->hot_max = 2;
}
static void corrupt_hot_state(pm_buddy_t *b)
{
    b->pages[3].state = BUDDY_FREE;
}
static void corrupt_hot_order(pm_buddy_t *b)
{
    b->pages[1].order = 1;
}
static void corrupt_hot_cycle(pm_buddy_t *b)
{
    b->pages[1].next = 5; /* the bottom points back to the top */
}
static void corrupt_hot_ends_early(pm_buddy_t *b)
{
    b->pages[3].next = 3;
}
static void corrupt_hot_wild(pm_buddy_t *b)
{
    b->pages[5].next = 1000;
}
static void corrupt_hot_head(pm_buddy_t *b)
{
    b->hot_head = 7; /* an allocated page */
}
static void corrupt_allocated_as_hot(pm_buddy_t *b)
{
    b->pages[7].state = BUDDY_HOT; /* off the stack */
}

static void test_hot_check_detects_corruption(void **state)
{
    static const struct {
        const char *what;
        void (*apply)(pm_buddy_t *b);
    } cases[] = {
        {"nhot too high", corrupt_nhot_up},
        {"nhot too low", corrupt_nhot_down},
        {"nhot over hot_max", corrupt_over_max},
        {"a hot page marked FREE", corrupt_hot_state},
        {"a hot page of order 1", corrupt_hot_order},
        {"a cycle", corrupt_hot_cycle},
        {"a stack that ends early", corrupt_hot_ends_early},
        {"a wild link", corrupt_hot_wild},
        {"head on an allocated page", corrupt_hot_head},
        {"a HOT page off the stack", corrupt_allocated_as_hot},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        pm_buddy_t *b = hot_fixture();

        cases[i].apply(b);
        if (pm_buddy_check(b) != PM_ECORRUPT)
            print_error("not detected: %s\n", cases[i].what);
        assert_err(pm_buddy_check(b), PM_ECORRUPT);
        pm_buddy_destroy(b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hot_pair_reuses_the_page),
        cmocka_unit_test(test_hot_is_opt_in),
        cmocka_unit_test(test_hot_keeps_at_most_hot_max),
        cmocka_unit_test(test_hot_double_free_refused),
        cmocka_unit_test(test_hot_larger_alloc_merges_hot_pages),
        cmocka_unit_test(test_hot_nomem_leaves_b_flushed),
        cmocka_unit_test(test_hot_set_max),
        cmocka_unit_test(test_hot_errors),
        cmocka_unit_test(test_hot_bulk_takes_hot_pages_first),
        cmocka_unit_test(test_hot_reset_keeps_hot_max),
        cmocka_unit_test(test_hot_check_detects_corruption),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
