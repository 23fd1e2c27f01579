/*
 * test_buddy_errors.c - every error path of the buddy core's API: the exact
 * code, the order in which the checks are made, and that the allocator is
 * exactly as before (struct and metadata byte for byte, statistics, order
 * statistics, pm_buddy_check(), and a full drain that finds every page
 * exactly once). Failed allocation attempts are the one thing that counts.
 */
#include "pm_test_util.h"

#define BASE  0x10000000u
#define NPAGE 1024u
#define PG    ((uint64_t)PM_PAGE_SIZE)

/* The fixture: 1024 pages at BASE holding blocks of 1, 4 (two), 16 and 512
 * pages, and a free page that is a list head somewhere. */
struct fixture {
    pm_buddy_t *b;
    pm_paddr_t a1, a4, a4b, a16, a512;
    pm_frame_t held[5];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    f->b = tb_create(BASE, NPAGE);
    assert_ok(pm_buddy_alloc(f->b, 1, &f->a1));
    assert_ok(pm_buddy_alloc(f->b, 4, &f->a4));
    assert_ok(pm_buddy_alloc(f->b, 3, &f->a4b));
    assert_ok(pm_buddy_alloc(f->b, 10, &f->a16));
    assert_ok(pm_buddy_alloc(f->b, 512, &f->a512));
    f->held[0] = pm_frame(f->a1, 0);
    f->held[1] = pm_frame(f->a4, 2);
    f->held[2] = pm_frame(f->a4b, 2);
    f->held[3] = pm_frame(f->a16, 4);
    f->held[4] = pm_frame(f->a512, 9);
    tb_assert_no_page_lost(f->b, f->held, 5);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    pm_buddy_destroy(f->b);
    free(f);
    return 0;
}

/* After one failed call: nothing changed but `attempts` counted attempts. */
static void assert_untouched(struct fixture *f, struct tb_snap *s, uint64_t attempts)
{
    tb_snap_assert_same(s, f->b, attempts, attempts);
    tb_assert_no_page_lost(f->b, f->held, 5);
}

/* A free page: the head of some free list. */
static pm_paddr_t a_free_head(const pm_buddy_t *b, unsigned *order)
{
    for (unsigned o = 0; o < PM_NR_ORDERS; o++) {
        if (b->nfree[o] > 0) {
            *order = o;
            return pm_paddr_from_pfn(b->base_pfn + b->head[o]);
        }
    }
    fail();
    return pm_paddr(0);
}

/* ---- pm_buddy_alloc --------------------------------------------------------- */

static void test_alloc_null_args(void **state)
{
    struct fixture *f = *state;
    struct tb_snap s;
    pm_paddr_t a = pm_paddr(0xabc000);

    tb_snap_take(&s, f->b);
    assert_err(pm_buddy_alloc(NULL, 1, &a), PM_EINVAL);
    assert_err(pm_buddy_alloc(f->b, 1, NULL), PM_EINVAL);
    assert_err(pm_buddy_alloc(NULL, 0, NULL), PM_EINVAL);
    assert_int_equal(pm_paddr_u64(a), 0xabc000);
    assert_untouched(f, &s, 0); /* not an attempt: nothing counted */
}

static void test_alloc_uninit(void **state)
{
    pm_buddy_t u = PM_BUDDY_UNINIT;
    pm_paddr_t a = pm_paddr(0xabc000);

    (void)state;
    assert_err(pm_buddy_alloc(&u, 1, &a), PM_EUNINIT);
    assert_err(pm_buddy_alloc(&u, 0, &a), PM_EUNINIT);   /* before EZERO */
    assert_err(pm_buddy_alloc(&u, 999, &a), PM_EUNINIT); /* before ETOOLARGE */
    assert_int_equal(pm_paddr_u64(a), 0xabc000);
    assert_false(pm_buddy_is_initialized(&u));
    assert_int_equal(u.st_allocations, 0);
    assert_int_equal(u.magic, 0);
}

static void test_alloc_zero(void **state)
{
    struct fixture *f = *state;
    struct tb_snap s;
    pm_paddr_t a = pm_paddr(0xabc000);

    tb_snap_take(&s, f->b);
    assert_err(pm_buddy_alloc(f->b, 0, &a), PM_EZERO);
    assert_int_equal(pm_paddr_u64(a), 0xabc000);
    assert_untouched(f, &s, 1);
}

static void test_alloc_too_large(void **state)
{
    struct fixture *f = *state;
    struct tb_snap s;
    pm_paddr_t a = pm_paddr(0xabc000);

    tb_snap_take(&s, f->b);
    assert_err(pm_buddy_alloc(f->b, 513, &a), PM_ETOOLARGE);
    assert_err(pm_buddy_alloc(f->b, 1024, &a), PM_ETOOLARGE);
    assert_err(pm_buddy_alloc(f->b, SIZE_MAX, &a), PM_ETOOLARGE);
    assert_int_equal(pm_paddr_u64(a), 0xabc000);
    assert_untouched(f, &s, 3);
}

static void test_alloc_nomem_exhausted(void **state)
{
    struct fixture *f = *state;
    struct tb_snap s;
    pm_paddr_t a = pm_paddr(0xabc000);

    tb_snap_take(&s, f->b);
    /* one 512 block is held; what is left has no 512-page block */
    assert_int_equal(pm_buddy_free_pages(f->b), NPAGE - 1 - 4 - 4 - 16 - 512);
    assert_err(pm_buddy_alloc(f->b, 512, &a), PM_ENOMEM);
    assert_err(pm_buddy_alloc(f->b, 300, &a), PM_ENOMEM);
    assert_int_equal(pm_paddr_u64(a), 0xabc000);
    assert_untouched(f, &s, 2);
}

static void test_alloc_nomem_fragmented(void **state)
{
    pm_buddy_t *b = tb_create(BASE, 64);
    pm_paddr_t a[64], c = pm_paddr(0xabc000);
    pm_frame_t held[32];
    size_t nheld = 0;
    struct tb_snap s;

    (void)state;
    for (int i = 0; i < 64; i++)
        assert_ok(pm_buddy_alloc(b, 1, &a[i]));
    for (int i = 0; i < 64; i++) {
        if ((pm_paddr_pfn(a[i]) & 1) == 0)
            assert_ok(pm_buddy_free(b, a[i], 1));
        else
            held[nheld++] = pm_frame(a[i], 0);
    }
    assert_int_equal(pm_buddy_free_pages(b), 32); /* half free, no two adjacent */
    tb_snap_take(&s, b);
    tb_snap_flush(&s); /* the first failure merges what is hot: nothing more */
    assert_err(pm_buddy_alloc(b, 2, &c), PM_ENOMEM);
    assert_err(pm_buddy_alloc(b, 32, &c), PM_ENOMEM);
    assert_int_equal(pm_paddr_u64(c), 0xabc000);
    tb_snap_assert_same(&s, b, 2, 2);
    tb_assert_no_page_lost(b, held, nheld);
    /* a full allocator: ETOOLARGE still comes before ENOMEM */
    for (int i = 0; i < 32; i++)
        assert_ok(pm_buddy_alloc(b, 1, &c));
    tb_snap_take(&s, b);
    assert_err(pm_buddy_alloc(b, 1, &c), PM_ENOMEM);
    assert_err(pm_buddy_alloc(b, 513, &c), PM_ETOOLARGE);
    assert_err(pm_buddy_alloc(b, 0, &c), PM_EZERO);
    tb_snap_assert_same(&s, b, 3, 3);
    pm_buddy_destroy(b);
}

/* ---- pm_buddy_alloc_frame / pm_buddy_alloc_bulk ------------------------------ */

static void test_alloc_frame_errors(void **state)
{
    struct fixture *f = *state;
    pm_buddy_t u = PM_BUDDY_UNINIT;
    struct tb_snap s;
    pm_frame_t fr = pm_frame(pm_paddr(0xabc000), 7);

    tb_snap_take(&s, f->b);
    assert_err(pm_buddy_alloc_frame(f->b, 1, NULL), PM_EINVAL);
    assert_err(pm_buddy_alloc_frame(NULL, 1, &fr), PM_EINVAL);
    assert_untouched(f, &s, 0);
    assert_err(pm_buddy_alloc_frame(&u, 1, &fr), PM_EUNINIT);
    tb_snap_take(&s, f->b);
    assert_err(pm_buddy_alloc_frame(f->b, 0, &fr), PM_EZERO);
    assert_err(pm_buddy_alloc_frame(f->b, 513, &fr), PM_ETOOLARGE);
    assert_err(pm_buddy_alloc_frame(f->b, 512, &fr), PM_ENOMEM);
    assert_int_equal(pm_paddr_u64(fr.addr), 0xabc000);
    assert_int_equal(fr.order, 7);
    assert_untouched(f, &s, 3);
}

static void test_alloc_bulk_errors(void **state)
{
    struct fixture *f = *state;
    pm_buddy_t u = PM_BUDDY_UNINIT;
    struct tb_snap s;
    pm_paddr_t out[4] = {{1}, {2}, {3}, {4}};

    tb_snap_take(&s, f->b);
    assert_int_equal(pm_buddy_alloc_bulk(NULL, 0, 4, out), 0);
    assert_int_equal(pm_buddy_alloc_bulk(f->b, 0, 4, NULL), 0);
    assert_int_equal(pm_buddy_alloc_bulk(&u, 0, 4, out), 0);
    assert_int_equal(pm_buddy_alloc_bulk(f->b, PM_NR_ORDERS, 4, out), 0);
    assert_int_equal(pm_buddy_alloc_bulk(f->b, 99, 4, out), 0);
    assert_int_equal(pm_buddy_alloc_bulk(f->b, 0, 0, out), 0);
    assert_int_equal(pm_paddr_u64(out[0]), 1);
    assert_untouched(f, &s, 0);
    tb_snap_take(&s, f->b);
    assert_int_equal(pm_buddy_alloc_bulk(f->b, 9, 4, out), 0); /* no 512 block left */
    assert_untouched(f, &s, 4);                                /* 4 failed attempts */
}

/* ---- pm_buddy_free ---------------------------------------------------------- */

static void test_free_null_and_uninit(void **state)
{
    struct fixture *f = *state;
    pm_buddy_t u = PM_BUDDY_UNINIT;
    struct tb_snap s;

    tb_snap_take(&s, f->b);
    assert_err(pm_buddy_free(NULL, f->a1, 1), PM_EINVAL);
    assert_untouched(f, &s, 0);
    assert_err(pm_buddy_free(&u, f->a1, 1), PM_EUNINIT);
    assert_err(pm_buddy_free(&u, pm_paddr(1), 0), PM_EUNINIT); /* before EZERO */
    assert_false(pm_buddy_is_initialized(&u));
}

static void test_free_zero(void **state)
{
    struct fixture *f = *state;
    struct tb_snap s;

    tb_snap_take(&s, f->b);
    assert_err(pm_buddy_free(f->b, f->a4, 0), PM_EZERO);
    assert_err(pm_buddy_free(f->b, pm_paddr(1), 0), PM_EZERO); /* before EALIGN */
    assert_err(pm_buddy_free(f->b, pm_paddr(0), 0), PM_EZERO); /* before ERANGE */
    assert_untouched(f, &s, 0);
}

static void test_free_unaligned_address(void **state)
{
    struct fixture *f = *state;
    struct tb_snap s;

    tb_snap_take(&s, f->b);
    assert_err(pm_buddy_free(f->b, pm_paddr(pm_paddr_u64(f->a1) + 1), 1), PM_EALIGN);
    assert_err(pm_buddy_free(f->b, pm_paddr(pm_paddr_u64(f->a4) + 0x800), 4), PM_EALIGN);
    assert_err(pm_buddy_free(f->b, pm_paddr(pm_paddr_u64(f->a4) + 0xfff), 4), PM_EALIGN);
    assert_err(pm_buddy_free(f->b, pm_paddr(1), 1), PM_EALIGN);       /* before ERANGE */
    assert_err(pm_buddy_free(f->b, pm_paddr(0x123), 999), PM_EALIGN); /* before ETOOLARGE */
    assert_untouched(f, &s, 0);
}

static void test_free_out_of_range(void **state)
{
    struct fixture *f = *state;
    struct tb_snap s;

    tb_snap_take(&s, f->b);
    assert_err(pm_buddy_free(f->b, pm_paddr(0), 1), PM_ERANGE);
    assert_err(pm_buddy_free(f->b, pm_paddr(BASE - PG), 1), PM_ERANGE);
    assert_err(pm_buddy_free(f->b, pm_paddr(BASE + NPAGE * PG), 1), PM_ERANGE); /* the end */
    assert_err(pm_buddy_free(f->b, pm_paddr(BASE + 2 * NPAGE * PG), 1), PM_ERANGE);
    assert_err(pm_buddy_free(f->b, pm_paddr(UINT64_MAX - 0xfff), 1), PM_ERANGE);
    assert_err(pm_buddy_free(f->b, pm_paddr(0), 999), PM_ERANGE); /* before ETOOLARGE */
    assert_untouched(f, &s, 0);
}

static void test_free_too_large(void **state)
{
    struct fixture *f = *state;
    struct tb_snap s;

    tb_snap_take(&s, f->b);
    assert_err(pm_buddy_free(f->b, f->a512, 513), PM_ETOOLARGE);
    assert_err(pm_buddy_free(f->b, f->a512, SIZE_MAX), PM_ETOOLARGE);
    /* before the order alignment check: a1 + 1 page is not 1024-aligned */
    assert_err(pm_buddy_free(f->b, pm_paddr_add_pages(f->a1, 1), 1024), PM_ETOOLARGE);
    assert_untouched(f, &s, 0);
}

static void test_free_misaligned_for_order(void **state)
{
    struct fixture *f = *state;
    struct tb_snap s;

    tb_snap_take(&s, f->b);
    assert_err(pm_buddy_free(f->b, pm_paddr_add_pages(f->a4, 1), 4), PM_EALIGN);
    assert_err(pm_buddy_free(f->b, pm_paddr_add_pages(f->a4, 3), 3), PM_EALIGN);
    assert_err(pm_buddy_free(f->b, pm_paddr_add_pages(f->a16, 4), 16), PM_EALIGN);
    assert_err(pm_buddy_free(f->b, pm_paddr_add_pages(f->a512, 256), 512), PM_EALIGN);
    assert_err(pm_buddy_free(f->b, pm_paddr_add_pages(f->a512, 1), 2), PM_EALIGN);
    assert_untouched(f, &s, 0);
}

static void test_free_not_allocated(void **state)
{
    struct fixture *f = *state;
    struct tb_snap s;
    unsigned o = 0;
    pm_paddr_t fh = a_free_head(f->b, &o);

    tb_snap_take(&s, f->b);
    /* the head of a free block, with its own order and with order 0 */
    assert_err(pm_buddy_free(f->b, fh, pm_order_to_pages(o)), PM_ENOTALLOC);
    assert_err(pm_buddy_free(f->b, fh, 1), PM_ENOTALLOC); /* ENOTALLOC before ESIZE */
    /* interior pages of allocated blocks, aligned for the count given */
    assert_err(pm_buddy_free(f->b, pm_paddr_add_pages(f->a4, 1), 1), PM_ENOTALLOC);
    assert_err(pm_buddy_free(f->b, pm_paddr_add_pages(f->a4, 2), 2), PM_ENOTALLOC);
    assert_err(pm_buddy_free(f->b, pm_paddr_add_pages(f->a16, 8), 8), PM_ENOTALLOC);
    assert_err(pm_buddy_free(f->b, pm_paddr_add_pages(f->a512, 256), 256), PM_ENOTALLOC);
    assert_err(pm_buddy_free(f->b, pm_paddr_add_pages(f->a512, 511), 1), PM_ENOTALLOC);
    assert_untouched(f, &s, 0);
}

static void test_free_double(void **state)
{
    struct fixture *f = *state;
    struct tb_snap s;

    pm_frame_t held[4] = {pm_frame(f->a4, 2), pm_frame(f->a4b, 2), pm_frame(f->a16, 4),
                          pm_frame(f->a512, 9)};

    /* give a1 back, then free it again, with its count and with another */
    assert_ok(pm_buddy_free(f->b, f->a1, 1));
    tb_snap_take(&s, f->b);
    assert_err(pm_buddy_free(f->b, f->a1, 1), PM_ENOTALLOC);
    assert_err(pm_buddy_free(f->b, f->a1, 2),
               pm_paddr_is_order_aligned(f->a1, 1) ? PM_ENOTALLOC : PM_EALIGN);
    tb_snap_assert_same(&s, f->b, 0, 0);
    tb_assert_no_page_lost(f->b, held, 4);
}

static void test_free_size_mismatch(void **state)
{
    struct fixture *f = *state;
    struct tb_snap s;

    tb_snap_take(&s, f->b);
    assert_err(pm_buddy_free(f->b, f->a4, 1), PM_ESIZE); /* too small */
    assert_err(pm_buddy_free(f->b, f->a4, 2), PM_ESIZE);
    assert_err(pm_buddy_free(f->b, f->a16, 8), PM_ESIZE);
    assert_err(pm_buddy_free(f->b, f->a16, 17),
               pm_paddr_is_order_aligned(f->a16, 5) ? PM_ESIZE : PM_EALIGN); /* too large */
    assert_err(pm_buddy_free(f->b, f->a512, 256), PM_ESIZE);
    assert_err(pm_buddy_free(f->b, f->a1, 2),
               pm_paddr_is_order_aligned(f->a1, 1) ? PM_ESIZE : PM_EALIGN);
    assert_untouched(f, &s, 0);
}

/* ---- pm_buddy_free_frame ---------------------------------------------------- */

static void test_free_frame_errors(void **state)
{
    struct fixture *f = *state;
    struct tb_snap s;

    tb_snap_take(&s, f->b);
    assert_err(pm_buddy_free_frame(f->b, pm_frame(f->a512, 10)), PM_ETOOLARGE);
    assert_err(pm_buddy_free_frame(f->b, pm_frame(f->a512, 99)), PM_ETOOLARGE);
    assert_err(pm_buddy_free_frame(f->b, pm_frame(f->a4, 0)), PM_ESIZE);
    assert_err(pm_buddy_free_frame(f->b, pm_frame(pm_paddr_add_pages(f->a4, 1), 2)), PM_EALIGN);
    assert_err(pm_buddy_free_frame(f->b, pm_frame(pm_paddr(0), 0)), PM_ERANGE);
    assert_err(pm_buddy_free_frame(NULL, pm_frame(f->a4, 2)), PM_EINVAL);
    /* an order past the largest is PM_ETOOLARGE in pm_buddy_free's order,
     * after EINVAL, EUNINIT, EALIGN and ERANGE (it came first) */
    {
        pm_buddy_t u = PM_BUDDY_UNINIT;

        assert_err(pm_buddy_free_frame(NULL, pm_frame(f->a4, 10)), PM_EINVAL);
        assert_err(pm_buddy_free_frame(&u, pm_frame(f->a4, 99)), PM_EUNINIT);
        assert_err(pm_buddy_free_frame(f->b, pm_frame(pm_paddr(pm_paddr_u64(f->a4) + 1), 10)),
                   PM_EALIGN);
        assert_err(pm_buddy_free_frame(f->b, pm_frame(pm_paddr(0), UINT32_MAX)), PM_ERANGE);
        assert_err(pm_buddy_free_frame(f->b, pm_frame(f->a4, UINT32_MAX)), PM_ETOOLARGE);
    }
    assert_untouched(f, &s, 0);
}

/* ---- pm_buddy_block_order, pm_buddy_check, queries --------------------------- */

static void test_block_order_errors(void **state)
{
    struct fixture *f = *state;
    pm_buddy_t u = PM_BUDDY_UNINIT;
    struct tb_snap s;
    unsigned o = 77;

    tb_snap_take(&s, f->b);
    assert_err(pm_buddy_block_order(NULL, f->a4, &o), PM_EINVAL);
    assert_err(pm_buddy_block_order(f->b, f->a4, NULL), PM_EINVAL);
    assert_err(pm_buddy_block_order(&u, f->a4, &o), PM_EUNINIT);
    assert_err(pm_buddy_block_order(f->b, pm_paddr(pm_paddr_u64(f->a4) + 8), &o), PM_EALIGN);
    assert_err(pm_buddy_block_order(f->b, pm_paddr(0), &o), PM_ERANGE);
    assert_err(pm_buddy_block_order(f->b, pm_paddr(BASE + NPAGE * PG), &o), PM_ERANGE);
    assert_err(pm_buddy_block_order(f->b, pm_paddr_add_pages(f->a4, 1), &o), PM_ENOTALLOC);
    assert_int_equal(o, 77);
    assert_untouched(f, &s, 0);
}

static void test_check_and_queries_without_allocator(void **state)
{
    pm_buddy_t u = PM_BUDDY_UNINIT;

    (void)state;
    assert_err(pm_buddy_check(NULL), PM_EINVAL);
    assert_err(pm_buddy_check(&u), PM_EUNINIT);
    assert_int_equal(pm_buddy_total_pages(NULL), 0);
    assert_int_equal(pm_buddy_free_pages(NULL), 0);
    assert_false(pm_buddy_contains(&u, pm_paddr(0)));
    assert_false(pm_buddy_is_initialized(NULL));
    pm_buddy_reset(&u); /* ignored */
    assert_false(pm_buddy_is_initialized(&u));
    pm_buddy_fini(&u);
    assert_false(pm_buddy_is_initialized(&u));
    pm_buddy_destroy(NULL);
}

/* ---- pm_buddy_init / pm_buddy_create ---------------------------------------- */

#define META_WORDS (3 * 64 + 1)

/* init failed: b still uninitialized and the metadata buffer untouched. */
static void assert_init_left_nothing(const pm_buddy_t *b, const uint32_t *meta)
{
    assert_false(pm_buddy_is_initialized(b));
    assert_int_equal(b->magic, 0);
    assert_null(b->pages);
    assert_int_equal(b->npages, 0);
    for (size_t i = 0; i < META_WORDS; i++)
        assert_int_equal(meta[i], 0xa5a5a5a5u);
}

static void test_init_errors(void **state)
{
    static uint32_t meta[META_WORDS];
    uint64_t top_pfn = (uint64_t)1 << (64 - PM_PAGE_SHIFT);
    size_t need = pm_buddy_meta_size(pm_paddr(BASE), 64);
    pm_buddy_t b = PM_BUDDY_UNINIT;

    (void)state;
    for (size_t i = 0; i < META_WORDS; i++)
        meta[i] = 0xa5a5a5a5u;
    assert_int_equal(need, 64 * 12);
    assert_err(pm_buddy_init(NULL, pm_paddr(BASE), 64, meta, need), PM_EINVAL);
    assert_err(pm_buddy_init(&b, pm_paddr(BASE + 1), 64, meta, need), PM_EALIGN);
    assert_err(pm_buddy_init(&b, pm_paddr(BASE + 0x800), 64, NULL, 0), PM_EALIGN);
    if (sizeof(size_t) > 4) {
        size_t too_many = (size_t)(PM_BUDDY_MAX_PAGES + 1);
        assert_err(pm_buddy_init(&b, pm_paddr(0), too_many, meta, SIZE_MAX), PM_EINVAL);
        assert_int_equal(pm_buddy_meta_size(pm_paddr(0), too_many), SIZE_MAX);
    }
    /* the range would pass 2^64 */
    assert_err(pm_buddy_init(&b, pm_paddr((top_pfn - 10) << PM_PAGE_SHIFT), 11, meta, need),
               PM_ERANGE);
    assert_err(pm_buddy_init(&b, pm_paddr(UINT64_MAX - 0xfff), 2, meta, need), PM_ERANGE);
    /* metadata: missing, short, misaligned */
    assert_err(pm_buddy_init(&b, pm_paddr(BASE), 64, NULL, need), PM_EINVAL);
    assert_err(pm_buddy_init(&b, pm_paddr(BASE), 64, meta, need - 1), PM_EINVAL);
    assert_err(pm_buddy_init(&b, pm_paddr(BASE), 64, meta, 0), PM_EINVAL);
    assert_err(pm_buddy_init(&b, pm_paddr(BASE), 64, (char *)meta + 2, need), PM_EINVAL);
    assert_init_left_nothing(&b, meta);
    /* and then it works, ending exactly at 2^64 too */
    assert_ok(pm_buddy_init(&b, pm_paddr((top_pfn - 64) << PM_PAGE_SHIFT), 64, meta, need));
    assert_int_equal(meta[META_WORDS - 1], 0xa5a5a5a5u); /* not a byte past `need` */
    pm_buddy_fini(&b);
}

static void test_init_busy(void **state)
{
    struct fixture *f = *state;
    static uint32_t meta[META_WORDS];
    struct tb_snap s;

    tb_snap_take(&s, f->b);
    for (size_t i = 0; i < META_WORDS; i++)
        meta[i] = 0xa5a5a5a5u;
    assert_err(pm_buddy_init(f->b, pm_paddr(0), 64, meta, sizeof(meta)), PM_EBUSY);
    /* EBUSY comes before every argument check */
    assert_err(pm_buddy_init(f->b, pm_paddr(1), 64, NULL, 0), PM_EBUSY);
    for (size_t i = 0; i < META_WORDS; i++)
        assert_int_equal(meta[i], 0xa5a5a5a5u);
    assert_untouched(f, &s, 0);
}

static void test_create_errors(void **state)
{
    pm_buddy_t *b = (pm_buddy_t *)(uintptr_t)0x1234;
    uint64_t top_pfn = (uint64_t)1 << (64 - PM_PAGE_SHIFT);

    (void)state;
    assert_err(pm_buddy_create(pm_paddr(BASE), 64, NULL), PM_EINVAL);
    assert_err(pm_buddy_create(pm_paddr(BASE + 1), 64, &b), PM_EALIGN);
    assert_err(pm_buddy_create(pm_paddr((top_pfn - 1) << PM_PAGE_SHIFT), 2, &b), PM_ERANGE);
    if (sizeof(size_t) > 4)
        assert_err(pm_buddy_create(pm_paddr(0), (size_t)(PM_BUDDY_MAX_PAGES + 1), &b), PM_EINVAL);
    assert_true(b == (pm_buddy_t *)(uintptr_t)0x1234); /* untouched; no leak (ASan, valgrind) */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_alloc_null_args, setup, teardown),
        cmocka_unit_test(test_alloc_uninit),
        cmocka_unit_test_setup_teardown(test_alloc_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_nomem_exhausted, setup, teardown),
        cmocka_unit_test(test_alloc_nomem_fragmented),
        cmocka_unit_test_setup_teardown(test_alloc_frame_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_bulk_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_null_and_uninit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_unaligned_address, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_out_of_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_misaligned_for_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_not_allocated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_double, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_size_mismatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_frame_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_block_order_errors, setup, teardown),
        cmocka_unit_test(test_check_and_queries_without_allocator),
        cmocka_unit_test(test_init_errors),
        cmocka_unit_test_setup_teardown(test_init_busy, setup, teardown),
        cmocka_unit_test(test_create_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
