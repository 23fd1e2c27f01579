/*
 * test_smp_magazine.c - the per-CPU magazines and the depot, counted in
 * zone-lock acquisitions: a refill moves exactly one batch under one
 * acquisition; a batch of allocations after it takes no lock; the previous
 * magazine is used before any depot or zone trip; frees beyond 2 * batch go
 * to the depot up to max_full magazines, then drain one batch each; the
 * caches never hold more than max_cached_pages; cross-CPU traffic (allocate
 * on one CPU, free on another) stays bounded and travels back through the
 * depot without zone locks.
 */
#include "smp_test_util.h"

#define NCPU  4u
#define BATCH 8u
#define HIGH  32u
/* ncpus * (high - 2 * batch) / batch */
#define MAX_FULL (NCPU * (HIGH - 2 * BATCH) / BATCH)

/* Pages CPU cpu holds in its two magazines (quiet allocator). */
static unsigned cpu_held(pm_smp_t *s, unsigned cpu)
{
    return s->cpus[cpu].loaded->rounds + s->cpus[cpu].previous->rounds;
}

static unsigned depot_nfull(pm_smp_t *s) PM_NO_TSA
{
    return s->depot.nfull;
}

static bool contains(const pm_paddr_t *v, size_t n, pm_paddr_t a)
{
    for (size_t i = 0; i < n; i++) {
        if (pm_paddr_eq(v[i], a))
            return true;
    }
    return false;
}

static void test_refill_is_one_batch(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, 1024);
    pm_paddr_t got[2 * BATCH];
    uint64_t l0 = ts_locks(s);
    pm_smp_stats_t st;

    (void)state;
    /* first order-0 allocation on an empty cache: one refill of a batch */
    assert_ok(pm_smp_alloc(s, 0, 1, &got[0]));
    st = ts_stats(s);
    assert_int_equal(st.cached_pages, BATCH - 1);
    assert_int_equal(st.free_pages, 1024 - BATCH);
    assert_int_equal(st.refills, 1);
    assert_int_equal(ts_locks(s), l0 + 1);
    assert_int_equal(cpu_held(s, 0), BATCH - 1);
    /* the rest of the batch: no lock at all */
    for (unsigned i = 1; i < BATCH; i++) {
        assert_ok(pm_smp_alloc(s, 0, 1, &got[i]));
        assert_false(contains(got, i, got[i]));
    }
    st = ts_stats(s);
    assert_int_equal(st.cached_pages, 0);
    assert_int_equal(st.refills, 1);
    assert_int_equal(ts_locks(s), l0 + 1);
    /* the next one refills again */
    assert_ok(pm_smp_alloc(s, 0, 1, &got[BATCH]));
    assert_false(contains(got, BATCH, got[BATCH]));
    st = ts_stats(s);
    assert_int_equal(st.cached_pages, BATCH - 1);
    assert_int_equal(st.refills, 2);
    assert_int_equal(ts_locks(s), l0 + 2);
    /* another CPU has its own cache: its first allocation refills */
    assert_ok(pm_smp_alloc(s, 3, 1, &got[BATCH + 1]));
    st = ts_stats(s);
    assert_int_equal(st.cached_pages, 2 * (BATCH - 1));
    assert_int_equal(st.refills, 3);
    assert_int_equal(ts_locks(s), l0 + 3);
    assert_int_equal(cpu_held(s, 3), BATCH - 1);
    for (unsigned i = 0; i < BATCH + 2; i++)
        assert_ok(pm_smp_free(s, i % NCPU, got[i], 1));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* The default batch. */
static void test_refill_default_batch(void **state)
{
    pm_smp_t *s = ts_create1(2, 0, 0, 0, 1024);
    uint64_t l0 = ts_locks(s);
    pm_smp_stats_t st;
    pm_paddr_t a;

    (void)state;
    assert_ok(pm_smp_alloc(s, 1, 1, &a));
    st = ts_stats(s);
    assert_int_equal(st.cached_pages, PM_SMP_DEFAULT_BATCH - 1);
    assert_int_equal(st.refills, 1);
    assert_int_equal(ts_locks(s), l0 + 1);
    /* high, lists of orders 1..3: 32x2 + 16x4 + 8x8 pages, of orders 4..9:
     * 4 blocks of each of orders 4..7 and 2 of 8 and 9 */
    assert_int_equal(pcp_max_pages(PM_SMP_DEFAULT_BATCH), 2688);
    assert_int_equal(st.max_cached_pages, 2 * (PM_SMP_DEFAULT_HIGH + 2688));
    assert_ok(pm_smp_free(s, 1, a, 1));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* Loaded runs empty or full: the previous magazine is used first. */
static void test_previous_before_depot(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, 1024);
    pm_paddr_t got[2 * BATCH], again[2 * BATCH];
    pm_smp_stats_t st;
    uint64_t l0;

    (void)state;
    for (unsigned i = 0; i < 2 * BATCH; i++)
        assert_ok(pm_smp_alloc(s, 1, 1, &got[i]));
    st = ts_stats(s);
    assert_int_equal(st.refills, 2);
    assert_int_equal(st.cached_pages, 0);
    l0 = ts_locks(s);
    /* frees: loaded fills, then the empty previous is swapped in */
    for (unsigned i = 0; i < 2 * BATCH; i++) {
        assert_ok(pm_smp_free(s, 1, got[i], 1));
        assert_int_equal(depot_nfull(s), 0);
    }
    st = ts_stats(s);
    assert_int_equal(st.cached_pages, 2 * BATCH);
    assert_int_equal(cpu_held(s, 1), 2 * BATCH);
    assert_int_equal(st.drains, 0);
    assert_int_equal(ts_locks(s), l0);
    /* allocations: loaded runs empty, then the full previous is swapped in */
    for (unsigned i = 0; i < 2 * BATCH; i++) {
        assert_ok(pm_smp_alloc(s, 1, 1, &again[i]));
        assert_true(contains(got, 2 * BATCH, again[i]));
        assert_false(contains(again, i, again[i]));
        assert_int_equal(depot_nfull(s), 0);
    }
    st = ts_stats(s);
    assert_int_equal(st.cached_pages, 0);
    assert_int_equal(st.refills, 2);
    assert_int_equal(ts_locks(s), l0);
    /* both empty, depot empty: now the zone */
    assert_ok(pm_smp_alloc(s, 1, 1, &got[0]));
    assert_false(contains(again, 2 * BATCH, got[0]));
    assert_int_equal(ts_stats(s).refills, 3);
    assert_int_equal(ts_locks(s), l0 + 1);
    assert_ok(pm_smp_free(s, 1, got[0], 1));
    for (unsigned i = 0; i < 2 * BATCH; i++)
        assert_ok(pm_smp_free(s, 1, again[i], 1));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/*
 * One CPU frees 2 * batch + max_full * batch + 3 batches: the first 2 * batch
 * fill its magazines, the next max_full batches go to the depot without a
 * lock, and from then on every batch drains one magazine under one lock.
 */
static void test_depot_limit_then_drain(void **state)
{
    enum { N = 2 * BATCH + MAX_FULL * BATCH + 3 * BATCH };
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, 1024);
    pm_paddr_t *got = calloc(N, sizeof(*got));
    pm_smp_stats_t st;
    uint64_t l0;

    (void)state;
    assert_non_null(got);
    assert_int_equal(MAX_FULL, 8);
    for (unsigned i = 0; i < N; i++)
        assert_ok(pm_smp_alloc(s, 0, 1, &got[i]));
    st = ts_stats(s);
    assert_int_equal(st.refills, N / BATCH);
    assert_int_equal(st.cached_pages, 0);
    assert_int_equal(st.max_cached_pages, NCPU * (HIGH + pcp_max_pages(BATCH)));
    l0 = ts_locks(s);
    for (unsigned f = 1; f <= N; f++) {
        unsigned want_full = f <= 2 * BATCH ? 0 : (f - 2 * BATCH - 1) / BATCH + 1;
        unsigned want_drains = f <= 2 * BATCH + MAX_FULL * BATCH
                                   ? 0
                                   : (f - 2 * BATCH - MAX_FULL * BATCH - 1) / BATCH + 1;

        if (want_full > MAX_FULL)
            want_full = MAX_FULL;
        assert_ok(pm_smp_free(s, 0, got[f - 1], 1));
        st = ts_stats(s);
        if (depot_nfull(s) != want_full || st.drains != want_drains)
            print_error("after %u frees: %u full in the depot (want %u), %llu drains (want %u)\n",
                        f, depot_nfull(s), want_full, (unsigned long long)st.drains, want_drains);
        assert_int_equal(depot_nfull(s), want_full);
        assert_int_equal(st.drains, want_drains);
        assert_int_equal(ts_locks(s), l0 + want_drains); /* a drain: one acquisition */
        assert_true(st.cached_pages <= st.max_cached_pages);
        assert_true(cpu_held(s, 0) <= 2 * BATCH);
        assert_int_equal(st.cached_pages, f - want_drains * BATCH);
        assert_int_equal(st.free_pages + st.cached_pages, 1024 - N + f);
    }
    /* another CPU takes full magazines off the depot: no zone lock */
    l0 = ts_locks(s);
    for (unsigned i = 0; i < BATCH; i++)
        assert_ok(pm_smp_alloc(s, 2, 1, &got[i]));
    assert_int_equal(depot_nfull(s), MAX_FULL - 1);
    assert_int_equal(ts_locks(s), l0);
    for (unsigned i = 0; i < BATCH; i++)
        assert_ok(pm_smp_free(s, 2, got[i], 1));
    assert_ok(pm_smp_check(s));
    ts_assert_intact(s, NULL, 0);
    free(got);
    ts_destroy(s);
}

/*
 * With the default batch and high, every CPU freeing far more than it may
 * keep: the caches end exactly at max_cached_pages (2 magazines a CPU, a
 * full depot, and full lists of orders 1..9), never above.
 */
static void test_cache_bound_all_cpus(void **state)
{
    enum { CPUS = 2, PER_CPU = 1000, NPAGES = 8192 };
    pm_smp_t *s = ts_create1(CPUS, 0, 0, 0, NPAGES);
    pm_paddr_t *got = calloc(CPUS * PER_CPU, sizeof(*got));
    pm_smp_stats_t st;

    (void)state;
    assert_non_null(got);
    for (unsigned i = 0; i < CPUS * PER_CPU; i++)
        assert_ok(pm_smp_alloc(s, i / PER_CPU, 1, &got[i]));
    for (unsigned i = 0; i < CPUS * PER_CPU; i++) {
        assert_ok(pm_smp_free(s, i / PER_CPU, got[i], 1));
        if (i % 64 == 0) {
            st = ts_stats(s);
            assert_true(st.cached_pages <= st.max_cached_pages);
        }
    }
    st = ts_stats(s);
    assert_int_equal(st.max_cached_pages, CPUS * (PM_SMP_DEFAULT_HIGH + 2688));
    assert_int_equal(st.cached_pages, CPUS * PM_SMP_DEFAULT_HIGH); /* order 0 at its bound */
    assert_int_equal(st.free_pages + st.cached_pages, NPAGES);
    assert_true(st.drains > 0);
    /* Each CPU's list of order k: capacity blocks out (two refills of half)
     * and back: the list ends full, and the caches exactly at the bound. */
    for (unsigned c = 0; c < CPUS; c++) {
        for (unsigned k = 1; k <= PCP_MAX_ORDER; k++) {
            unsigned cap = pcp_capacity(PM_SMP_DEFAULT_BATCH, k);

            for (unsigned i = 0; i < cap; i++)
                assert_ok(pm_smp_alloc(s, c, (size_t)1 << k, &got[i]));
            assert_int_equal(s->cpus[c].pcp[k - 1].count, 0);
            for (unsigned i = 0; i < cap; i++)
                assert_ok(pm_smp_free(s, c, got[i], (size_t)1 << k));
            assert_int_equal(s->cpus[c].pcp[k - 1].count, cap);
        }
    }
    st = ts_stats(s);
    assert_int_equal(st.cached_pages, st.max_cached_pages);
    assert_int_equal(st.free_pages + st.cached_pages, NPAGES);
    ts_assert_intact(s, NULL, 0);
    free(got);
    ts_destroy(s);
}

/* Allocate on CPU 0, free on CPU 1: full magazines travel back to CPU 0
 * through the depot, without a zone lock. */
static void test_cross_cpu_via_depot(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, 1024);
    pm_paddr_t got[3 * BATCH], back[BATCH];
    pm_smp_stats_t st;
    uint64_t l0;

    (void)state;
    for (unsigned i = 0; i < 3 * BATCH; i++)
        assert_ok(pm_smp_alloc(s, 0, 1, &got[i]));
    assert_int_equal(ts_stats(s).refills, 3);
    l0 = ts_locks(s);
    for (unsigned i = 0; i < 3 * BATCH; i++)
        assert_ok(pm_smp_free(s, 1, got[i], 1));
    assert_int_equal(cpu_held(s, 0), 0);
    assert_int_equal(cpu_held(s, 1), 2 * BATCH);
    assert_int_equal(depot_nfull(s), 1);
    assert_int_equal(ts_locks(s), l0);
    /* CPU 0's magazines are empty: it trades for the depot's full one */
    for (unsigned i = 0; i < BATCH; i++) {
        assert_ok(pm_smp_alloc(s, 0, 1, &back[i]));
        assert_true(contains(got, 3 * BATCH, back[i]));
        assert_false(contains(back, i, back[i]));
    }
    st = ts_stats(s);
    assert_int_equal(depot_nfull(s), 0);
    assert_int_equal(st.refills, 3);
    assert_int_equal(st.drains, 0);
    assert_int_equal(ts_locks(s), l0);
    assert_int_equal(st.cached_pages, 2 * BATCH);
    for (unsigned i = 0; i < BATCH; i++)
        assert_ok(pm_smp_free(s, 2, back[i], 1));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* Many rounds of allocate-on-0, free-on-1 with an odd count: CPU 1 never
 * holds more than 2 * batch, the caches stay under their bound, and once
 * warm the traffic takes no zone lock at all. */
static void test_cross_cpu_bounded(void **state)
{
    enum { ROUNDS = 2000, PER = 3 };
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, 1024);
    pm_paddr_t got[PER];
    pm_smp_stats_t st, warm;
    uint64_t l_warm = 0;

    (void)state;
    memset(&warm, 0, sizeof(warm));
    for (unsigned r = 0; r < ROUNDS; r++) {
        if (r == ROUNDS / 2) {
            warm = ts_stats(s);
            l_warm = ts_locks(s);
        }
        for (unsigned i = 0; i < PER; i++)
            assert_ok(pm_smp_alloc(s, 0, 1, &got[i]));
        for (unsigned i = 0; i < PER; i++)
            assert_ok(pm_smp_free(s, 1, got[i], 1));
        assert_true(cpu_held(s, 1) <= 2 * BATCH);
        assert_true(cpu_held(s, 0) <= 2 * BATCH);
        if (r % 16 == 0) {
            st = ts_stats(s);
            assert_true(st.cached_pages <= st.max_cached_pages);
            assert_int_equal(st.free_pages + st.cached_pages, 1024);
        }
    }
    st = ts_stats(s);
    assert_int_equal(st.refills, warm.refills);
    assert_int_equal(st.drains, warm.drains);
    assert_int_equal(ts_locks(s), l_warm);
    assert_true(st.cached_pages <= st.max_cached_pages);
    assert_ok(pm_smp_check(s));
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

int main(void)
{
    ts_fault_from_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refill_is_one_batch),   cmocka_unit_test(test_refill_default_batch),
        cmocka_unit_test(test_previous_before_depot), cmocka_unit_test(test_depot_limit_then_drain),
        cmocka_unit_test(test_cache_bound_all_cpus),  cmocka_unit_test(test_cross_cpu_via_depot),
        cmocka_unit_test(test_cross_cpu_bounded),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
