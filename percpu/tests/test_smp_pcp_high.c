/*
 * test_smp_pcp_high.c - the per-CPU lists of orders 4..9 (pcp.h: a fixed
 * handful of blocks per list, 4 of each of 4..7, 2 of 8 and 9), counted in
 * zone-lock acquisitions and read through the internals: the shapes and
 * the storage (no two CPUs' lists share a cache line); refill and drain of
 * each order, an order-9 pair that never takes the lock again; a double
 * free of a cached order-9 block is PM_ENOTALLOC with nothing changed;
 * PM_ENOMEM only when no block of the order is free anywhere, after the
 * caches went back; everything coalesced after pm_smp_drain_all;
 * pm_smp_check catches a corrupted order-9 list. The owner tag: freed on
 * the CPU that allocated them, blocks go on its list, freed on any other
 * straight back to the zone (merged, one acquisition), on the fast and the
 * strict path; the tag is in the second page's state byte only while the
 * block is a caller's, aliases CPUs 127 apart, and pm_smp_check catches a
 * wrong one. With fault injection, skipping the drain before PM_ENOMEM is
 * caught for an order-9 block parked in another CPU's list.
 */
#include "pcp_test_util.h"
#include "fault.h"

#define NCPU     4u
#define BATCH    16u
#define HIGH     64u
#define NPG      1024u
#define HIGH_NPG 2048u /* four order-9 blocks */

/* Capacities of orders 4..9 whatever the batch; every CPU's lists in whole
 * cache lines of their own. */
static void test_pcp_high_shape(void **state)
{
    static const unsigned cap[PCP_MAX_ORDER + 1] = {0, 0, 0, 0, 4, 4, 4, 4, 2, 2};
    static const unsigned batches[] = {1, 16, 64, PM_SMP_MAX_BATCH};

    (void)state;
    for (size_t b = 0; b < sizeof(batches) / sizeof(batches[0]); b++) {
        pm_smp_t *s = ts_create1(NCPU, batches[b], 0, 0, NPG);
        unsigned stride = pcp_stride(batches[b]), n = 0;

        for (unsigned k = 4; k <= PCP_MAX_ORDER; k++)
            assert_int_equal(pcp_capacity(batches[b], k), cap[k]);
        for (unsigned k = 1; k <= PCP_MAX_ORDER; k++)
            n += pcp_capacity(batches[b], k);
        assert_true(stride >= n && stride < n + 8 && stride % 8 == 0);
        for (unsigned c = 0; c < NCPU; c++) {
            /* a CPU's storage starts on a cache line, right after the last CPU's */
            assert_int_equal((uintptr_t)list_of(s, c, 1)->blk % 64, 0);
            assert_ptr_equal(list_of(s, c, 1)->blk, s->pcp_pool + (size_t)c * stride);
            for (unsigned k = 4; k <= PCP_MAX_ORDER; k++) {
                struct pcp_list *l = list_of(s, c, k);

                assert_int_equal(l->capacity, cap[k]);
                assert_ptr_equal(l->blk,
                                 list_of(s, c, k - 1)->blk + pcp_capacity(batches[b], k - 1));
            }
            assert_true(list_of(s, c, 9)->blk + 1 <= s->pcp_pool + (size_t)(c + 1) * stride);
        }
        ts_destroy(s);
    }
}

/*
 * Each order 4..9: an empty list refills under one acquisition (order 4 and
 * 5: a whole 64-page line, 4 and 2 blocks; 6 and 7: half of 4, two blocks;
 * 8 and 9: half of 2, one block), the
 * allocations it serves take none; frees push without a lock until the list
 * is full; a free to a full list drains its older half first, one
 * acquisition, back to the core.
 */
static void test_pcp_high_refill_drain(void **state)
{
    static const unsigned refill[PCP_MAX_ORDER + 1] = {0, 0, 0, 0, 4, 2, 2, 2, 1, 1};
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, 4 * HIGH_NPG); /* never short */

    (void)state;
    for (unsigned k = 4; k <= PCP_MAX_ORDER; k++) {
        struct pcp_list *l = list_of(s, 1, k);
        unsigned cap = l->capacity, r = pcp_refill_count(l, k), n = cap + 1, c = 0, locks = 0;
        size_t npg = (size_t)1 << k;
        pm_paddr_t a[8];
        uint64_t l0 = ts_locks(s);
        pm_smp_stats_t st0 = ts_stats(s), st;

        assert_int_equal(r, refill[k]);
        for (unsigned i = 0; i < n; i++) { /* a refill of r whenever the list is empty */
            if (c == 0) {
                c = r;
                locks++;
            }
            c--;
            assert_ok(pm_smp_alloc(s, 1, npg, &a[i]));
            assert_int_equal(ts_locks(s), l0 + locks);
            assert_int_equal(l->count, c);
            assert_int_equal(pstate_of(s, a[i]), st_user(k));
            assert_int_equal(core_order(s, a[i]), k);
            assert_true(pm_paddr_is_order_aligned(a[i], k));
        }
        st = ts_stats(s);
        assert_int_equal(st.refills, st0.refills + locks);
        assert_int_equal(st.cached_pages, st0.cached_pages + c * npg);
        /* frees push; at a full list the older half goes back first */
        l0 = ts_locks(s);
        locks = 0;
        for (unsigned i = 0; i < n; i++) {
            if (c == cap) {
                c -= pcp_half(l);
                locks++;
            }
            c++;
            assert_ok(pm_smp_free(s, 1, a[i], npg));
            assert_int_equal(l->count, c);
            assert_int_equal(ts_locks(s), l0 + locks);
            assert_true(pm_paddr_eq(l->blk[c - 1], a[i]));
            assert_int_equal(pstate_of(s, a[i]), st_cached(k));
            assert_int_equal(core_order(s, a[i]), k); /* still allocated to the core */
        }
        assert_true(locks > 0); /* every order overflowed once at least */
        assert_int_equal(ts_stats(s).drains, st.drains + locks);
        assert_int_equal(ts_stats(s).cached_pages, st0.cached_pages + c * npg);
        assert_ok(pm_smp_check(s));
    }
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* An order-9 alloc+free pair, once its list holds the block, never takes the
 * lock: the block goes round between the caller and the CPU's list. */
static void test_pcp_order9_pair_no_lock(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, HIGH_NPG);
    pm_paddr_t a, first;
    uint64_t l0;

    (void)state;
    assert_ok(pm_smp_alloc(s, 2, 512, &first));
    assert_ok(pm_smp_free(s, 2, first, 512));
    l0 = ts_locks(s);
    for (unsigned i = 0; i < 1000; i++) {
        assert_ok(pm_smp_alloc(s, 2, 300 + i % 213, &a)); /* 300..512 pages: order 9 */
        assert_true(pm_paddr_eq(a, first));
        assert_ok(pm_smp_free(s, 2, a, 512 - i % 200));
    }
    assert_int_equal(ts_locks(s), l0);
    assert_int_equal(ts_stats(s).cached_pages, 512);
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* A second free of a cached order-9 block, on any CPU, as any size, or of a
 * page inside it, is refused, and nothing changes anywhere. */
static void test_pcp_order9_double_free(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, HIGH_NPG);
    pm_paddr_t a, u;
    pm_smp_stats_t st0, st;
    pm_order_stats_t os0[PM_NR_ORDERS], os[PM_NR_ORDERS];

    (void)state;
    assert_ok(pm_smp_alloc(s, 1, 512, &a));
    assert_ok(pm_smp_alloc(s, 2, 512, &u)); /* a caller's, for the wrong sizes */
    assert_ok(pm_smp_free(s, 1, a, 512));
    assert_int_equal(list_of(s, 1, 9)->count, 1);
    assert_int_equal(pstate_of(s, a), st_cached(9));
    st0 = ts_stats(s);
    ts_order_stats(s, os0);
    for (unsigned c = 0; c < NCPU; c++) {
        unsigned counts[NCPU][PCP_MAX_ORDER];

        for (unsigned d = 0; d < NCPU; d++)
            for (unsigned k = 1; k <= PCP_MAX_ORDER; k++)
                counts[d][k - 1] = list_of(s, d, k)->count;
        assert_err(pm_smp_free(s, c, a, 512), PM_ENOTALLOC);
        assert_err(pm_smp_free(s, c, a, 257), PM_ENOTALLOC); /* rounds to order 9 */
        assert_err(pm_smp_free(s, c, a, 256), PM_ENOTALLOC); /* as another size */
        assert_err(pm_smp_free(s, c, a, 16), PM_ENOTALLOC);
        assert_err(pm_smp_free(s, c, a, 1), PM_ENOTALLOC);
        assert_err(pm_smp_free(s, c, pm_paddr_add_pages(a, 256), 256), PM_ENOTALLOC);
        assert_err(pm_smp_free(s, c, pm_paddr_add_pages(a, 1), 1), PM_ENOTALLOC);
        assert_err(pm_smp_free(s, c, pm_paddr_add_pages(a, 16), 512), PM_EALIGN);
        assert_err(pm_smp_free(s, c, a, 513), PM_ETOOLARGE);
        /* a caller's order-9 block with a smaller size: PM_ESIZE */
        assert_err(pm_smp_free(s, c, u, 256), PM_ESIZE);
        assert_err(pm_smp_free(s, c, u, 16), PM_ESIZE);
        for (unsigned d = 0; d < NCPU; d++)
            for (unsigned k = 1; k <= PCP_MAX_ORDER; k++)
                assert_int_equal(list_of(s, d, k)->count, counts[d][k - 1]);
    }
    st = ts_stats(s);
    ts_order_stats(s, os);
    assert_int_equal(st.free_pages, st0.free_pages);
    assert_int_equal(st.cached_pages, st0.cached_pages);
    assert_int_equal(st.frees, st0.frees);
    for (unsigned o = 0; o < PM_NR_ORDERS; o++)
        assert_int_equal(os[o].free_blocks, os0[o].free_blocks);
    assert_true(pm_paddr_eq(list_of(s, 1, 9)->blk[0], a));
    assert_int_equal(pstate_of(s, a), st_cached(9));
    assert_int_equal(pstate_of(s, u), st_user(9));
    assert_int_equal(core_order(s, a), 9);
    assert_ok(pm_smp_check(s));
    /* drained, the block is free in the core: still PM_ENOTALLOC */
    pm_smp_drain_all(s);
    for (unsigned c = 0; c < NCPU; c++)
        assert_err(pm_smp_free(s, c, a, 512), PM_ENOTALLOC);
    ts_assert_intact(s, &(struct ts_block){u, 512}, 1);
    assert_ok(pm_smp_free(s, 0, u, 512));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/*
 * PM_ENOMEM for an order-9 block only when none is free anywhere: order-9
 * blocks parked in other CPUs' lists, and order-8 halves in lists of their
 * own, are given back (drain everything, then retry) and found.
 */
static void test_pcp_high_enomem_after_drain(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, HIGH_NPG);
    pm_paddr_t b[4], h[4], x;
    uint64_t l0;

    (void)state;
    for (unsigned c = 0; c < NCPU; c++) /* every CPU parks an order-9 block */
        assert_ok(pm_smp_alloc(s, c, 512, &b[c]));
    for (unsigned c = 0; c < NCPU; c++)
        assert_ok(pm_smp_free(s, c, b[c], 512));
    assert_int_equal(ts_stats(s).cached_pages, HIGH_NPG);
    assert_int_equal(ts_stats(s).free_pages, 0);
    /* CPU 0 takes its own; CPUs 1 and 2 their own; CPU 3's is the last */
    for (unsigned c = 0; c < 3; c++)
        assert_ok(pm_smp_alloc(s, c, 512, &b[c]));
    assert_ok(pm_smp_alloc(s, 0, 512, &x)); /* CPU 0's list is empty: drain, retry */
    assert_true(pm_paddr_eq(x, b[3]));
    assert_int_equal(list_of(s, 3, 9)->count, 0);
    l0 = ts_locks(s);
    assert_err(pm_smp_alloc(s, 1, 512, &x), PM_ENOMEM); /* none anywhere */
    assert_true(ts_locks(s) > l0);
    for (unsigned c = 0; c < 3; c++)
        assert_ok(pm_smp_free(s, c, b[c], 512));
    assert_ok(pm_smp_free(s, 3, b[3], 512));
    /* order-8 halves parked on two CPUs each: no order-9 block in the zone */
    pm_smp_drain_all(s);
    for (unsigned i = 0; i < 4; i++)
        assert_ok(pm_smp_alloc(s, i, 256, &h[i]));
    for (unsigned i = 0; i < 4; i++)
        assert_ok(pm_smp_free(s, i, h[i], 256));
    assert_int_equal(ts_stats(s).cached_pages, 4 * 256);
    for (unsigned c = 0; c < 3; c++)
        assert_ok(pm_smp_alloc(s, c, 512, &b[c]));
    assert_ok(pm_smp_alloc(s, 3, 512, &b[3])); /* the halves went back and merged */
    assert_err(pm_smp_alloc(s, 3, 512, &x), PM_ENOMEM);
    assert_err(pm_smp_alloc(s, 3, 16, &x), PM_ENOMEM);
    assert_err(pm_smp_alloc(s, 3, 1, &x), PM_ENOMEM);
    ts_assert_intact(s, (struct ts_block[]){{b[0], 512}, {b[1], 512}, {b[2], 512}, {b[3], 512}}, 4);
    for (unsigned c = 0; c < NCPU; c++)
        assert_ok(pm_smp_free(s, c, b[c], 512));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* Blocks of every order spread over every CPU's caches, freed on other CPUs
 * than they came from: after pm_smp_drain_all the zone is whole again, four
 * free order-9 blocks and nothing smaller. */
static void test_pcp_high_coalesced_after_drain_all(void **state)
{
    enum { N = 64 };
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, HIGH_NPG);
    pm_paddr_t a[N];
    unsigned ord[N] = {0}, n = 0;
    pm_order_stats_t os[PM_NR_ORDERS];
    struct ts_rng r;

    (void)state;
    ts_rng_seed(&r, 0x5CA1AB1Eull, "pcp_high_coalesced");
    for (unsigned round = 0; round < 20; round++) {
        while (n < N) {
            unsigned k = ts_rng_below(&r, PCP_MAX_ORDER + 1);

            if (pm_smp_alloc(s, ts_rng_below(&r, NCPU), (size_t)1 << k, &a[n]) != PM_OK)
                break;
            ord[n++] = k;
        }
        while (n > N / 4) {
            unsigned i = ts_rng_below(&r, n);

            assert_ok(pm_smp_free(s, ts_rng_below(&r, NCPU), a[i], (size_t)1 << ord[i]));
            a[i] = a[--n];
            ord[i] = ord[n];
        }
    }
    while (n > 0) {
        n--;
        assert_ok(pm_smp_free(s, n % NCPU, a[n], (size_t)1 << ord[n]));
    }
    assert_true(ts_stats(s).cached_pages > 0);
    for (unsigned k = 4, any = 0; k <= PCP_MAX_ORDER; k++) {
        for (unsigned c = 0; c < NCPU; c++)
            any += list_of(s, c, k)->count;
        if (k == PCP_MAX_ORDER)
            assert_true(any > 0); /* some high-order block is cached */
    }
    assert_ok(pm_smp_check(s));
    pm_smp_drain_all(s);
    assert_int_equal(ts_stats(s).cached_pages, 0);
    assert_int_equal(ts_stats(s).free_pages, HIGH_NPG);
    for (unsigned c = 0; c < NCPU; c++)
        for (unsigned k = 1; k <= PCP_MAX_ORDER; k++)
            assert_int_equal(list_of(s, c, k)->count, 0);
    ts_order_stats(s, os);
    for (unsigned o = 0; o < PM_MAX_ORDER; o++)
        assert_int_equal(os[o].free_blocks, 0);
    assert_int_equal(os[PM_MAX_ORDER].free_blocks, HIGH_NPG / 512);
    assert_ok(pm_smp_check(s));
    ts_destroy(s);
}

/* pm_smp_check sees a corrupted order-9 list: a block whose head records
 * another order or kind, a block listed twice or in another order's list, a
 * block that is not a head of an order-9 block in the core, a count over the
 * capacity. */
static void test_pcp_order9_check_catches(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, HIGH_NPG);
    struct zone *z = smp_zone_at(s, 0);
    struct pcp_list *l = list_of(s, 1, 9);
    pm_paddr_t a, u;
    _Atomic uint8_t *ps;

    (void)state;
    assert_ok(pm_smp_alloc(s, 1, 512, &a));
    assert_ok(pm_smp_alloc(s, 0, 512, &u));
    assert_ok(pm_smp_free(s, 1, a, 512));
    assert_int_equal(l->count, 1);
    ps = zone_pstate(z, pm_paddr_pfn(a));
    assert_ok(pm_smp_check(s));

    atomic_store(ps, st_cached(8)); /* another order */
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    atomic_store(ps, st_user(9)); /* another kind */
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    atomic_store(ps, ZONE_PAGE_OTHER);
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    atomic_store(ps, st_cached(9));
    assert_ok(pm_smp_check(s));

    pcp_push(list_of(s, 2, 9), a); /* in two CPUs' lists */
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    list_of(s, 2, 9)->count--;
    pcp_push(list_of(s, 1, 8), a); /* and in the order-8 list */
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    list_of(s, 1, 8)->count--;
    l->count = 0; /* lost: CACHED, in no list */
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    l->count = 1;
    assert_ok(pm_smp_check(s));

    l->blk[0] = pm_paddr_add_pages(a, 256); /* not the head */
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    l->blk[0] = u; /* a caller's block */
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    l->blk[0] = a;
    l->count = l->capacity + 1; /* over the capacity */
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    l->count = 1;
    assert_ok(pm_smp_check(s));
    /* a caller's order-9 block whose head says order 8 */
    atomic_store(zone_pstate(z, pm_paddr_pfn(u)), st_user(8));
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    atomic_store(zone_pstate(z, pm_paddr_pfn(u)), st_user(9));
    /* owner tags: a caller's block without one or with bit 7; a cached one with one */
    ps = zone_pstate(z, pm_paddr_pfn(u) + 1);
    assert_int_equal(atomic_load(ps), zone_owner_tag(0));
    atomic_store(ps, 0);
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    atomic_store(ps, 0x80 | zone_owner_tag(0));
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    atomic_store(ps, zone_owner_tag(0));
    assert_ok(pm_smp_check(s));
    atomic_store(zone_pstate(z, pm_paddr_pfn(a) + 1), zone_owner_tag(1));
    assert_err(pm_smp_check(s), PM_ECORRUPT);
    atomic_store(zone_pstate(z, pm_paddr_pfn(a) + 1), 0);
    assert_ok(pm_smp_check(s));

    ts_assert_intact(s, &(struct ts_block){u, 512}, 1);
    assert_ok(pm_smp_free(s, 3, u, 512));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/*
 * Every order 4..9, fast path and strict path: a block freed on the CPU
 * whose list handed it out goes on that list, no lock; freed on another
 * CPU it goes back to the zone under one acquisition, merged, in no list,
 * and a second free anywhere is PM_ENOTALLOC with nothing changed. The tag
 * sits in the second page's state byte while the block is a caller's.
 */
static void test_pcp_high_remote_free(void **state)
{
    static const unsigned flags[] = {0, PM_SMP_STRICT_FREE};

    (void)state;
    for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
        pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, flags[f], HIGH_NPG);

        for (unsigned k = PCP_OWNED_ORDER; k <= PCP_MAX_ORDER; k++) {
            size_t npg = (size_t)1 << k;
            pm_paddr_t a, b;
            uint64_t l0;
            unsigned n1, counts[NCPU];
            pm_smp_stats_t st0, st;

            /* local: back on the owner's list, tag cleared, no lock */
            assert_ok(pm_smp_alloc(s, 1, npg, &a));
            assert_int_equal(tag_of(s, a), zone_owner_tag(1));
            assert_int_equal(pstate_of(s, a), st_user(k));
            n1 = list_of(s, 1, k)->count; /* what the refill left */
            l0 = ts_locks(s);
            assert_ok(pm_smp_free(s, 1, a, npg));
            assert_int_equal(ts_locks(s), l0);
            assert_int_equal(list_of(s, 1, k)->count, n1 + 1);
            assert_int_equal(pstate_of(s, a), st_cached(k));
            assert_int_equal(tag_of(s, a), ZONE_PAGE_OTHER);
            assert_ok(pm_smp_check(s));

            /* remote: the same block, allocated on 1 again, freed on 2 */
            assert_ok(pm_smp_alloc(s, 1, npg, &b));
            assert_true(pm_paddr_eq(a, b));
            assert_int_equal(tag_of(s, b), zone_owner_tag(1));
            st0 = ts_stats(s);
            for (unsigned c = 0; c < NCPU; c++)
                counts[c] = list_of(s, c, k)->count;
            l0 = ts_locks(s);
            assert_ok(pm_smp_free(s, 2, b, npg));
            assert_int_equal(ts_locks(s), l0 + 1);
            st = ts_stats(s);
            for (unsigned c = 0; c < NCPU; c++)
                assert_int_equal(list_of(s, c, k)->count, counts[c]);
            assert_int_equal(pstate_of(s, b), ZONE_PAGE_OTHER);
            assert_int_equal(tag_of(s, b), ZONE_PAGE_OTHER);
            assert_int_equal(core_order(s, b), PM_NR_ORDERS); /* free in the core */
            assert_int_equal(st.free_pages, st0.free_pages + npg);
            assert_int_equal(st.cached_pages, st0.cached_pages);
            assert_int_equal(st.frees, st0.frees + (PM_STATS ? 1 : 0)); /* counted with PM_STATS */
            assert_int_equal(st.drains, st0.drains + 1);
            for (unsigned c = 0; c < NCPU; c++)
                assert_err(pm_smp_free(s, c, b, npg), PM_ENOTALLOC);
            st = ts_stats(s);
            assert_int_equal(st.free_pages, st0.free_pages + npg);
            assert_int_equal(st.frees, st0.frees + (PM_STATS ? 1 : 0)); /* counted with PM_STATS */
            assert_ok(pm_smp_check(s));
        }
        ts_assert_intact(s, NULL, 0); /* every block merged back: whole order-9 blocks */
        ts_destroy(s);
    }
}

/* Tags are 1..127, never 0 (the state of a tail) nor with bit 7 (the
 * check's mark); CPUs 127 apart share one, so a free there counts as local:
 * the block is cached, correctly, on the freeing CPU. */
static void test_pcp_owner_tag_alias(void **state)
{
    pm_smp_t *s = ts_create1(PM_MAX_CPUS, 1, 0, 0, HIGH_NPG);
    pm_paddr_t a;

    (void)state;
    for (unsigned c = 0; c < PM_MAX_CPUS; c++) {
        assert_in_range(zone_owner_tag(c), 1, 127);
        assert_int_equal(s->cpus[c].tag, zone_owner_tag(c));
    }
    assert_int_equal(zone_owner_tag(0), zone_owner_tag(127));
    assert_int_not_equal(zone_owner_tag(0), zone_owner_tag(1));
    assert_ok(pm_smp_alloc(s, 0, 64, &a));
    assert_ok(pm_smp_free(s, 127, a, 64));
    assert_int_equal(list_of(s, 127, 6)->count, 1);
    assert_ok(pm_smp_check(s));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

#if PM_FAULT_INJECTION
/* And an order-9 block parked in another CPU's list is not found. */
static void test_pcp_order9_enomem_fault_is_caught(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, 512);
    pm_paddr_t a;

    (void)state;
    assert_ok(pm_smp_alloc(s, 1, 512, &a));
    assert_ok(pm_smp_free(s, 1, a, 512));
    assert_ok(pm_fault_set(PM_FAULT_NO_ENOMEM_DRAIN));
    assert_err(pm_smp_alloc(s, 2, 512, &a), PM_ENOMEM);
    assert_ok(pm_fault_set(PM_FAULT_NONE));
    assert_ok(pm_smp_alloc(s, 2, 512, &a));
    assert_ok(pm_smp_free(s, 2, a, 512));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}
#endif

int main(void)
{
    ts_fault_from_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcp_high_shape),
        cmocka_unit_test(test_pcp_high_refill_drain),
        cmocka_unit_test(test_pcp_order9_pair_no_lock),
        cmocka_unit_test(test_pcp_order9_double_free),
        cmocka_unit_test(test_pcp_high_enomem_after_drain),
        cmocka_unit_test(test_pcp_high_coalesced_after_drain_all),
        cmocka_unit_test(test_pcp_order9_check_catches),
        cmocka_unit_test(test_pcp_high_remote_free),
        cmocka_unit_test(test_pcp_owner_tag_alias),
#if PM_FAULT_INJECTION
        cmocka_unit_test(test_pcp_order9_enomem_fault_is_caught),
#endif
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
