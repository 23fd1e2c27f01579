/*
 * test_smp_pcp.c - the per-CPU lists of blocks of orders 1..3 (pcp.h; orders
 * 4..9 are test_smp_pcp_high.c's), counted in zone-lock acquisitions and
 * read through the internals. Lists of about `batch` pages: a refill is
 * half a list under one acquisition and the allocations after it take
 * none; a full list drains its older half under one acquisition; a block
 * freed on another CPU lands in that CPU's list; a cached block is free to
 * the caller (every second free is PM_ENOTALLOC) and a caller's block freed
 * with another size is PM_ESIZE, nothing changed; pm_smp_drain_cpu empties
 * the lists; PM_ENOMEM comes only after the lists of every CPU went back to
 * the zone; pm_smp_check catches a corrupted cached block; without caches
 * no list is used (orders 1..9). With fault injection, skipping the drain
 * before PM_ENOMEM is caught.
 */
#include "pcp_test_util.h"
#include "fault.h"

#define NCPU  4u
#define BATCH 16u /* lists: order 1: 8 blocks, order 2: 4, order 3: 2 */
#define HIGH  64u
#define NPG   1024u

/* Blocks of every order 1..3 go through the lists with the right capacities. */
static void test_pcp_shape(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, NPG);
    pm_smp_stats_t st = ts_stats(s);

    (void)state;
    for (unsigned c = 0; c < NCPU; c++) {
        assert_int_equal(list_of(s, c, 1)->capacity, 8);
        assert_int_equal(list_of(s, c, 2)->capacity, 4);
        assert_int_equal(list_of(s, c, 3)->capacity, 2);
    }
    assert_int_equal(pcp_capacity(1, 3), 2); /* at least 2 */
    /* orders 1..3, then 4..9: 4 blocks of each of 4..7, 2 of 8 and 9 */
    assert_int_equal(pcp_max_pages(BATCH),
                     8 * 2 + 4 * 4 + 2 * 8 + 4 * (16 + 32 + 64 + 128) + 2 * (256 + 512));
    assert_int_equal(st.max_cached_pages, NCPU * (HIGH + 48 + 2496));
    ts_destroy(s);
}

/* An empty list refills under one zone-lock acquisition: half its capacity,
 * or a whole 64-page line of per-page state where the capacity allows (here
 * BATCH is 16, so every small list refills to full); the allocations it
 * serves take none. */
static void test_pcp_refill_one_lock(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, NPG);
    pm_paddr_t a[12];
    uint64_t l0 = ts_locks(s);
    pm_smp_stats_t st;

    (void)state;
    assert_int_equal(pcp_refill_count(list_of(s, 1, 1), 1), 8);
    assert_int_equal(pcp_refill_count(list_of(s, 1, 3), 3), 2);
    assert_ok(pm_smp_alloc(s, 1, 2, &a[0]));
    assert_int_equal(ts_locks(s), l0 + 1);
    assert_int_equal(list_of(s, 1, 1)->count, 7); /* 8 refilled, one handed out */
    st = ts_stats(s);
    assert_int_equal(st.refills, 1);
    assert_int_equal(st.cached_pages, 7 * 2); /* pages, not blocks */
    assert_int_equal(st.free_pages, NPG - 16);
    assert_int_equal(pstate_of(s, a[0]), st_user(1));
    assert_int_equal(core_order(s, a[0]), 1);
    for (unsigned i = 0; i < 7; i++) {
        pm_paddr_t x = list_of(s, 1, 1)->blk[i];
        assert_int_equal(pstate_of(s, x), st_cached(1));
        assert_int_equal(core_order(s, x), 1);
        assert_true(pm_paddr_is_order_aligned(x, 1));
    }
    for (unsigned i = 1; i < 8; i++)
        assert_ok(pm_smp_alloc(s, 1, 2, &a[i]));
    assert_int_equal(ts_locks(s), l0 + 1); /* no lock for those */
    assert_int_equal(list_of(s, 1, 1)->count, 0);
    assert_ok(pm_smp_alloc(s, 1, 2, &a[8])); /* empty again: one more refill */
    assert_int_equal(ts_locks(s), l0 + 2);
    /* the other orders: 3 and 4 pages are order 2, 5..8 order 3 */
    assert_ok(pm_smp_alloc(s, 1, 3, &a[9]));
    assert_ok(pm_smp_alloc(s, 1, 5, &a[10]));
    assert_ok(pm_smp_alloc(s, 1, 8, &a[11]));
    assert_int_equal(ts_locks(s), l0 + 4); /* order 2: one refill of 4; order 3: one of 2 */
    assert_int_equal(list_of(s, 1, 1)->count, 7);
    assert_int_equal(list_of(s, 1, 2)->count, 3); /* 4 refilled, one out */
    assert_int_equal(list_of(s, 1, 3)->count, 0); /* 2 refilled, two out */
    assert_int_equal(pstate_of(s, a[9]), st_user(2));
    assert_int_equal(pstate_of(s, a[11]), st_user(3));
    assert_true(pm_paddr_is_order_aligned(a[11], 3));
    assert_ok(pm_smp_check(s));
    ts_assert_intact(s,
                     (struct ts_block[]){{a[0], 2},
                                         {a[1], 2},
                                         {a[2], 2},
                                         {a[3], 2},
                                         {a[4], 2},
                                         {a[5], 2},
                                         {a[6], 2},
                                         {a[7], 2},
                                         {a[8], 2},
                                         {a[9], 3},
                                         {a[10], 5},
                                         {a[11], 8}},
                     12);
    for (unsigned i = 0; i < 9; i++)
        assert_ok(pm_smp_free(s, 2, a[i], 2));
    assert_ok(pm_smp_free(s, 2, a[9], 4));
    assert_ok(pm_smp_free(s, 2, a[10], 8));
    assert_ok(pm_smp_free(s, 2, a[11], 6));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* Frees push without a lock; a full list drains its older half under one
 * acquisition, back to the core. A block freed on another CPU stays there. */
static void test_pcp_drain_half(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, NPG);
    pm_paddr_t a[9];
    struct pcp_list *l = list_of(s, 2, 1);
    uint64_t l0, drains0;
    pm_smp_stats_t st;

    (void)state;
    for (unsigned i = 0; i < 9; i++)
        assert_ok(pm_smp_alloc(s, 0, 2, &a[i]));
    pm_smp_drain_all(s);
    drains0 = ts_stats(s).drains;
    l0 = ts_locks(s);
    for (unsigned i = 0; i < 8; i++)
        assert_ok(pm_smp_free(s, 2, a[i], 2)); /* allocated on CPU 0, freed on 2 */
    assert_int_equal(ts_locks(s), l0);
    assert_int_equal(l->count, 8);
    assert_true(pcp_is_full(l));
    assert_int_equal(list_of(s, 0, 1)->count, 0);
    assert_int_equal(ts_stats(s).cached_pages, 16);
    /* the ninth: the oldest 4 go back to the zone, one acquisition */
    assert_ok(pm_smp_free(s, 2, a[8], 2));
    assert_int_equal(ts_locks(s), l0 + 1);
    assert_int_equal(l->count, 5);
    st = ts_stats(s);
    assert_int_equal(st.drains, drains0 + 1);
    assert_int_equal(st.cached_pages, 10);
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(pstate_of(s, a[i]), ZONE_PAGE_OTHER);
        assert_int_equal(core_order(s, a[i]), PM_NR_ORDERS); /* free in the core */
    }
    for (unsigned i = 4; i < 9; i++) {
        assert_true(pm_paddr_eq(l->blk[i - 4], a[i])); /* the rest slid down, in order */
        assert_int_equal(pstate_of(s, a[i]), st_cached(1));
    }
    /* CPU 2 hands its list out again, newest first, without a lock */
    l0 = ts_locks(s);
    for (unsigned i = 9; i-- > 4;) {
        pm_paddr_t b;

        assert_ok(pm_smp_alloc(s, 2, 2, &b));
        assert_true(pm_paddr_eq(b, a[i]));
    }
    assert_int_equal(ts_locks(s), l0);
    for (unsigned i = 4; i < 9; i++)
        assert_ok(pm_smp_free(s, 3, a[i], 2));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* A cached block is free to the caller: freeing it again, on any CPU, with
 * any size, is PM_ENOTALLOC (or PM_EALIGN where the size says misaligned),
 * and changes nothing. */
static void test_pcp_double_free(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, NPG);
    pm_paddr_t x[4], a = pm_paddr(0), b = pm_paddr(0);
    pm_smp_stats_t st0, st;

    (void)state;
    /* four order-2 blocks of a fresh zone: some 8-aligned (b), some not (a) */
    for (unsigned i = 0; i < 4; i++) {
        assert_ok(pm_smp_alloc(s, 0, 4, &x[i]));
        if (pm_paddr_is_order_aligned(x[i], 3))
            b = x[i];
        else
            a = x[i];
    }
    assert_true(pm_paddr_u64(a) != 0 && pm_paddr_u64(b) != 0);
    for (unsigned i = 0; i < 4; i++)
        assert_ok(pm_smp_free(s, i % 2, x[i], 4));
    assert_int_equal(pstate_of(s, a), st_cached(2));
    assert_int_equal(pstate_of(s, b), st_cached(2));
    st0 = ts_stats(s);
    for (unsigned c = 0; c < NCPU; c++) {
        unsigned counts[NCPU][PCP_MAX_ORDER];

        for (unsigned d = 0; d < NCPU; d++)
            for (unsigned k = 1; k <= PCP_MAX_ORDER; k++)
                counts[d][k - 1] = list_of(s, d, k)->count;
        assert_err(pm_smp_free(s, c, a, 4), PM_ENOTALLOC);
        assert_err(pm_smp_free(s, c, a, 3), PM_ENOTALLOC);
        assert_err(pm_smp_free(s, c, a, 2), PM_ENOTALLOC); /* as another size */
        assert_err(pm_smp_free(s, c, a, 1), PM_ENOTALLOC);
        assert_err(pm_smp_free(s, c, a, 8), PM_EALIGN); /* a is not 8-aligned */
        assert_err(pm_smp_free(s, c, pm_paddr_add_pages(a, 1), 1), PM_ENOTALLOC); /* inside */
        assert_err(pm_smp_free(s, c, pm_paddr_add_pages(a, 2), 2), PM_ENOTALLOC);
        assert_err(pm_smp_free(s, c, pm_paddr_add_pages(a, 1), 2), PM_EALIGN);
        assert_err(pm_smp_free(s, c, b, 8), PM_ENOTALLOC); /* cached, as a larger block */
        assert_err(pm_smp_free(s, c, b, 16),
                   pm_paddr_is_order_aligned(b, 4) ? PM_ENOTALLOC : PM_EALIGN);
        for (unsigned d = 0; d < NCPU; d++)
            for (unsigned k = 1; k <= PCP_MAX_ORDER; k++)
                assert_int_equal(list_of(s, d, k)->count, counts[d][k - 1]);
    }
    st = ts_stats(s);
    assert_int_equal(st.free_pages, st0.free_pages);
    assert_int_equal(st.cached_pages, st0.cached_pages);
    assert_int_equal(st.frees, st0.frees);
    assert_int_equal(pstate_of(s, a), st_cached(2));
    assert_int_equal(core_order(s, a), 2);
    assert_ok(pm_smp_check(s));
    /* after a drain the block is free in the core: still PM_ENOTALLOC */
    pm_smp_drain_all(s);
    for (unsigned c = 0; c < NCPU; c++)
        assert_err(pm_smp_free(s, c, a, 4), PM_ENOTALLOC);
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* A caller's order-k block freed with another size: PM_ESIZE (or PM_EALIGN
 * first), nothing changed; the right size still works afterwards. */
static void test_pcp_wrong_size(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, NPG);
    pm_paddr_t a2, a3;
    pm_smp_stats_t st0, st;

    (void)state;
    assert_ok(pm_smp_alloc(s, 0, 4, &a2));
    assert_ok(pm_smp_alloc(s, 1, 8, &a3));
    st0 = ts_stats(s);
    for (unsigned c = 0; c < NCPU; c++) {
        assert_err(pm_smp_free(s, c, a2, 1), PM_ESIZE);
        assert_err(pm_smp_free(s, c, a2, 2), PM_ESIZE);
        assert_err(pm_smp_free(s, c, a2, pm_paddr_is_order_aligned(a2, 3) ? 8 : 2), PM_ESIZE);
        assert_err(pm_smp_free(s, c, a3, 4), PM_ESIZE);
        assert_err(pm_smp_free(s, c, a3, 2), PM_ESIZE);
        assert_err(pm_smp_free(s, c, a3, 1), PM_ESIZE);
        assert_err(pm_smp_free(s, c, a3, 16),
                   pm_paddr_is_order_aligned(a3, 4) ? PM_ESIZE : PM_EALIGN);
        assert_err(pm_smp_free(s, c, a3, 512),
                   pm_paddr_is_order_aligned(a3, 9) ? PM_ESIZE : PM_EALIGN);
        assert_err(pm_smp_free(s, c, pm_paddr_add_pages(a3, 4), 4), PM_ENOTALLOC);
    }
    st = ts_stats(s);
    assert_int_equal(st.free_pages, st0.free_pages);
    assert_int_equal(st.cached_pages, st0.cached_pages);
    assert_int_equal(st.frees, st0.frees);
    assert_int_equal(pstate_of(s, a2), st_user(2));
    assert_int_equal(pstate_of(s, a3), st_user(3));
    assert_ok(pm_smp_check(s));
    assert_ok(pm_smp_free(s, 3, a2, 3));
    assert_ok(pm_smp_free(s, 2, a3, 7));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* pm_smp_drain_cpu returns a CPU's lists (one acquisition per non-empty
 * list, one zone) and leaves the other CPUs' alone. */
static void test_pcp_drain_cpu(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, NPG);
    pm_paddr_t a[3], b;
    uint64_t l0;
    pm_smp_stats_t st;

    (void)state;
    for (unsigned k = 1; k <= PCP_SMALL_ORDER; k++)
        assert_ok(pm_smp_alloc(s, 2, (size_t)1 << k, &a[k - 1]));
    assert_ok(pm_smp_alloc(s, 1, 2, &b)); /* CPU 1: 7 order-1 blocks cached */
    for (unsigned k = 1; k <= PCP_SMALL_ORDER; k++)
        assert_ok(pm_smp_free(s, 2, a[k - 1], (size_t)1 << k));
    st = ts_stats(s);
    /* CPU 2: 8 order-1 + 4 order-2 + 2 order-3 blocks (full); CPU 1: 7 order-1 */
    assert_int_equal(st.cached_pages, 8 * 2 + 4 * 4 + 2 * 8 + 7 * 2);
    l0 = ts_locks(s);
    pm_smp_drain_cpu(s, 2);
    assert_int_equal(ts_locks(s), l0 + 3);
    for (unsigned k = 1; k <= PCP_SMALL_ORDER; k++)
        assert_int_equal(list_of(s, 2, k)->count, 0);
    assert_int_equal(list_of(s, 1, 1)->count, 7);
    st = ts_stats(s);
    assert_int_equal(st.cached_pages, 7 * 2);
    assert_int_equal(st.free_pages, NPG - 2 - 14);
    for (unsigned k = 1; k <= PCP_SMALL_ORDER; k++)
        assert_int_equal(pstate_of(s, a[k - 1]), ZONE_PAGE_OTHER);
    assert_ok(pm_smp_check(s));
    pm_smp_drain_cpu(s, 2); /* idle: no lock */
    assert_int_equal(ts_locks(s), l0 + 3);
    ts_assert_intact(s, &(struct ts_block){b, 2}, 1);
    assert_ok(pm_smp_free(s, 0, b, 2));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* Fills the order-1 lists of every CPU from a 512-page zone: every CPU
 * allocates a full list's worth and frees it, so the lists hold
 * NCPU * 8 blocks and no order-9 block is left in the core. */
static void fill_order1_lists(pm_smp_t *s)
{
    pm_order_stats_t os[PM_NR_ORDERS];

    for (unsigned c = 0; c < NCPU; c++) {
        pm_paddr_t x[8];

        for (unsigned i = 0; i < 8; i++)
            assert_ok(pm_smp_alloc(s, c, 2, &x[i]));
        for (unsigned i = 0; i < 8; i++)
            assert_ok(pm_smp_free(s, c, x[i], 2));
        assert_int_equal(list_of(s, c, 1)->count, 8);
    }
    ts_order_stats(s, os);
    assert_int_equal(os[9].free_blocks, 0);
    assert_int_equal(ts_stats(s).cached_pages, NCPU * 16);
}

/* PM_ENOMEM only after every CPU's lists went back: the order-9 block the
 * lists split is found again, and every page of a full zone can be had as
 * order-0 pages or order-2 blocks while order-1 lists hold the rest. */
static void test_pcp_enomem_after_drain(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, 512);
    pm_paddr_t big, a, *got = calloc(513, sizeof(*got));
    unsigned n = 0;
    pm_err_t err;

    (void)state;
    assert_non_null(got);
    fill_order1_lists(s);
    assert_ok(pm_smp_alloc(s, 3, 512, &big)); /* needs the pages of all four lists */
    assert_int_equal(ts_stats(s).cached_pages, 0);
    assert_err(pm_smp_alloc(s, 0, 2, &a), PM_ENOMEM);
    assert_err(pm_smp_alloc(s, 1, 1, &a), PM_ENOMEM);
    assert_ok(pm_smp_free(s, 3, big, 512));
    /* order 2 from CPU 0 while CPUs 1..3 keep order-1 blocks: all of it */
    fill_order1_lists(s);
    while ((err = pm_smp_alloc(s, 0, 4, &got[n])) == PM_OK)
        n++;
    assert_err(err, PM_ENOMEM);
    assert_int_equal(n, 512 / 4); /* every page, the other CPUs' lists drained */
    assert_int_equal(list_of(s, 0, 2)->count, 0);
    assert_int_equal(ts_stats(s).cached_pages, 0);
    for (unsigned i = 0; i < n; i++)
        assert_ok(pm_smp_free(s, 1, got[i], 4));
    /* order 0 too */
    pm_smp_drain_all(s);
    fill_order1_lists(s);
    n = 0;
    while ((err = pm_smp_alloc(s, 2, 1, &got[n])) == PM_OK)
        n++;
    assert_err(err, PM_ENOMEM);
    assert_int_equal(n, 512);
    for (unsigned i = 0; i < n; i++)
        assert_ok(pm_smp_free(s, 2, got[i], 1));
    ts_assert_intact(s, NULL, 0);
    free(got);
    ts_destroy(s);
}

/* pm_smp_check sees a cached block in a wrong state, twice, lost, misaligned
 * or not an allocated block of its order in the core; and a caller's block
 * whose head records the wrong order. */
static void test_pcp_check_catches(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, NPG);
    struct zone *z = smp_zone_at(s, 0);
    struct pcp_list *l;
    pm_paddr_t a, u, saved;
    _Atomic uint8_t *ps;

    (void)state;
    assert_ok(pm_smp_alloc(s, 1, 4, &u)); /* CPU 1: one order-2 out, three cached */
    l = list_of(s, 1, 2);
    assert_int_equal(l->count, 3);
    pcp_drain(&s->zones, l, 2, 2); /* the two older ones back: one cached */
    assert_int_equal(l->count, 1);
    a = l->blk[0];
    ps = zone_pstate(z, pm_paddr_pfn(a));
    assert_ok(pm_smp_check(s));

    /* the head records another order, or USER */
    atomic_store(ps, st_cached(1));
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    atomic_store(ps, st_user(2));
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    atomic_store(ps, ZONE_PAGE_OTHER);
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    atomic_store(ps, 0x3f); /* no such kind */
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    atomic_store(ps, st_cached(2));
    assert_ok(pm_smp_check(s));

    /* cached twice: in one list, and in another CPU's list of that order */
    pcp_push(l, a);
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    l->count--;
    pcp_push(list_of(s, 3, 2), a);
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    list_of(s, 3, 2)->count--;
    /* in the list of another order */
    l->count--;
    pcp_push(list_of(s, 1, 1), a);
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    list_of(s, 1, 1)->count--;
    /* lost: CACHED, in no list */
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    pcp_push(l, a);
    assert_ok(pm_smp_check(s));

    /* misaligned, or not the head of a block of that order in the core */
    saved = l->blk[0];
    l->blk[0] = pm_paddr_add_pages(a, 2);
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    l->blk[0] = pm_paddr_add_pages(a, 1);
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    l->blk[0] = ts_pfn_addr(TS_BASE, NPG + 64); /* outside the zone */
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    l->blk[0] = saved;
    /* over capacity */
    l->count = l->capacity + 1;
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    l->count = 1;
    assert_ok(pm_smp_check(s));

    /* a caller's block: its head records another order, or is lost */
    ps = zone_pstate(z, pm_paddr_pfn(u));
    atomic_store(ps, st_user(1));
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    atomic_store(ps, st_user(3));
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    atomic_store(ps, ZONE_PAGE_OTHER);
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    atomic_store(ps, st_user(2));
    assert_ok(pm_smp_check(s));

    ts_assert_intact(s, &(struct ts_block){u, 4}, 1);
    assert_ok(pm_smp_free(s, 2, u, 4));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* Without caches no list is used: every order-1..9 call takes the lock,
 * heads stay OTHER, nothing is cached. */
static void test_pcp_nocache(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, PM_SMP_NOCACHE, NPG);
    pm_paddr_t a;

    (void)state;
    for (unsigned k = 1; k <= PCP_MAX_ORDER; k++) {
        uint64_t l0 = ts_locks(s);

        assert_ok(pm_smp_alloc(s, 0, (size_t)1 << k, &a));
        assert_int_equal(pstate_of(s, a), ZONE_PAGE_OTHER);
        assert_int_equal(ts_stats(s).cached_pages, 0);
        assert_ok(pm_smp_free(s, 1, a, (size_t)1 << k));
        assert_err(pm_smp_free(s, 1, a, (size_t)1 << k), PM_ENOTALLOC);
        assert_int_equal(ts_locks(s), l0 + 3);
    }
    assert_int_equal(ts_stats(s).free_pages, NPG);
    ts_destroy(s);
}

#if PM_FAULT_INJECTION
/* The tests above see a missing drain: with it switched off, the order-9
 * block split into order-1 lists is not found. */
static void test_pcp_enomem_fault_is_caught(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, 512);
    pm_paddr_t a;

    (void)state;
    assert_ok(pm_fault_set(PM_FAULT_NO_ENOMEM_DRAIN));
    fill_order1_lists(s);
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
        cmocka_unit_test(test_pcp_shape),
        cmocka_unit_test(test_pcp_refill_one_lock),
        cmocka_unit_test(test_pcp_drain_half),
        cmocka_unit_test(test_pcp_double_free),
        cmocka_unit_test(test_pcp_wrong_size),
        cmocka_unit_test(test_pcp_drain_cpu),
        cmocka_unit_test(test_pcp_enomem_after_drain),
        cmocka_unit_test(test_pcp_check_catches),
        cmocka_unit_test(test_pcp_nocache),
#if PM_FAULT_INJECTION
        cmocka_unit_test(test_pcp_enomem_fault_is_caught),
#endif
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
