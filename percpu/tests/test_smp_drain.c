/*
 * test_smp_drain.c - pm_smp_drain_cpu and pm_smp_drain_all: draining a CPU
 * returns exactly the pages it caches (free_pages grows by that much, other
 * CPUs and the depot untouched); drain_all empties every magazine and the
 * depot; pages a caller holds are never touched and stay freeable; draining
 * an idle CPU, a bad CPU, a NOCACHE allocator or NULL is harmless.
 */
#include <limits.h>

#include "smp_test_util.h"

#define NCPU  4u
#define BATCH 8u
#define HIGH  32u

static unsigned cpu_held(pm_smp_t *s, unsigned cpu)
{
    return s->cpus[cpu].loaded->rounds + s->cpus[cpu].previous->rounds;
}

/* Makes CPU cpu cache exactly `keep` pages (keep <= 2 * batch): allocates
 * keep pages there (refilling), then frees them back. */
static void cache_on(pm_smp_t *s, unsigned cpu, unsigned keep)
{
    pm_paddr_t got[2 * BATCH];

    assert_true(keep <= 2 * BATCH);
    for (unsigned i = 0; i < keep; i++)
        assert_ok(pm_smp_alloc(s, cpu, 1, &got[i]));
    for (unsigned i = 0; i < keep; i++)
        assert_ok(pm_smp_free(s, cpu, got[i], 1));
}

static void test_drain_cpu_returns_its_pages(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, 1024);
    pm_smp_stats_t st0, st;
    unsigned held[NCPU];
    uint64_t cached = 0;

    (void)state;
    cache_on(s, 0, 3);         /* refill 8, 3 out and back: 8 */
    cache_on(s, 1, BATCH + 1); /* two refills: 16 */
    cache_on(s, 2, 1);         /* 8 */
    for (unsigned c = 0; c < NCPU; c++) {
        held[c] = cpu_held(s, c);
        cached += held[c];
    }
    assert_int_equal(held[0], BATCH);
    assert_int_equal(held[1], 2 * BATCH);
    assert_int_equal(held[2], BATCH);
    assert_int_equal(held[3], 0);
    st0 = ts_stats(s);
    assert_int_equal(st0.cached_pages, cached);
    assert_int_equal(st0.free_pages + cached, 1024);

    /* in an order that is not the CPUs' */
    static const unsigned order[] = {1, 3, 0, 2};
    for (unsigned k = 0; k < NCPU; k++) {
        unsigned c = order[k];
        uint64_t locks = ts_locks(s);

        pm_smp_drain_cpu(s, c);
        st = ts_stats(s);
        assert_int_equal(st.free_pages, st0.free_pages + held[c]);
        assert_int_equal(st.cached_pages, st0.cached_pages - held[c]);
        assert_int_equal(cpu_held(s, c), 0);
        for (unsigned o = 0; o < NCPU; o++) {
            if (o != c)
                assert_int_equal(cpu_held(s, o), held[o]); /* the others untouched */
        }
        /* one acquisition per non-empty magazine, none for an idle CPU */
        assert_int_equal(ts_locks(s) - locks, (held[c] + BATCH - 1) / BATCH);
        assert_ok(pm_smp_check(s));
        held[c] = 0;
        st0 = st;
    }
    st = ts_stats(s);
    assert_int_equal(st.cached_pages, 0);
    assert_int_equal(st.free_pages, 1024);
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* Draining leaves the other CPUs' caches alone (checked page for page). */
static void test_drain_cpu_leaves_others(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, 1024);
    pm_paddr_t mag1[2 * BATCH];
    unsigned n1;

    (void)state;
    cache_on(s, 0, 5);
    cache_on(s, 1, 12);
    n1 = s->cpus[1].loaded->rounds;
    memcpy(mag1, s->cpus[1].loaded->round, n1 * sizeof(pm_paddr_t));
    pm_smp_drain_cpu(s, 0);
    assert_int_equal(cpu_held(s, 0), 0);
    assert_int_equal(cpu_held(s, 1), 2 * BATCH);
    assert_int_equal(s->cpus[1].loaded->rounds, n1);
    assert_memory_equal(mag1, s->cpus[1].loaded->round, n1 * sizeof(pm_paddr_t));
    /* CPU 1 allocates on from its untouched cache: no zone lock */
    {
        uint64_t locks = ts_locks(s);
        pm_paddr_t a;

        assert_ok(pm_smp_alloc(s, 1, 1, &a));
        assert_true(pm_paddr_eq(a, mag1[n1 - 1]));
        assert_int_equal(ts_locks(s), locks);
        assert_ok(pm_smp_free(s, 1, a, 1));
    }
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

static void test_drain_all_empties_everything(void **state)
{
    enum { N = 200 };
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, 1024);
    pm_paddr_t *got = calloc(N, sizeof(*got));
    pm_smp_stats_t st;

    (void)state;
    assert_non_null(got);
    /* every CPU caches, and the depot holds full magazines */
    for (unsigned c = 1; c < NCPU; c++)
        cache_on(s, c, 2 * BATCH - c);
    for (unsigned i = 0; i < N; i++)
        assert_ok(pm_smp_alloc(s, 0, 1, &got[i]));
    for (unsigned i = 0; i < N; i++)
        assert_ok(pm_smp_free(s, 0, got[i], 1));
    assert_true(s->depot.nfull > 0);
    st = ts_stats(s);
    assert_true(st.cached_pages > 2 * BATCH * NCPU);
    assert_int_equal(st.free_pages + st.cached_pages, 1024);
    pm_smp_drain_all(s);
    st = ts_stats(s);
    assert_int_equal(st.cached_pages, 0);
    assert_int_equal(st.free_pages, st.total_pages);
    assert_int_equal(s->depot.nfull, 0);
    for (unsigned c = 0; c < NCPU; c++)
        assert_int_equal(cpu_held(s, c), 0);
    assert_ok(pm_smp_check(s));
    /* and the zone is whole again: two order-9 blocks */
    {
        pm_order_stats_t os[PM_NR_ORDERS];
        ts_order_stats(s, os);
        assert_int_equal(os[9].free_blocks, 2);
    }
    /* twice is harmless */
    pm_smp_drain_all(s);
    st = ts_stats(s);
    assert_int_equal(st.free_pages, st.total_pages);
    ts_assert_intact(s, NULL, 0);
    free(got);
    ts_destroy(s);
}

/* Pages a caller holds stay the caller's: draining the CPU that allocated
 * them changes nothing for them, and they are freed normally afterwards. */
static void test_drain_keeps_held_pages(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, 1024);
    struct ts_block held[5];
    pm_smp_stats_t st;

    (void)state;
    for (unsigned i = 0; i < 5; i++) {
        held[i].npages = 1;
        assert_ok(pm_smp_alloc(s, 2, 1, &held[i].addr));
    }
    assert_int_equal(cpu_held(s, 2), BATCH - 5);
    pm_smp_drain_cpu(s, 2);
    st = ts_stats(s);
    assert_int_equal(st.cached_pages, 0);
    assert_int_equal(st.free_pages, 1024 - 5);
    assert_ok(pm_smp_check(s));
    ts_assert_intact_on(s, 1, held, 5);
    /* freed on the CPU that drained, and on another */
    for (unsigned i = 0; i < 5; i++)
        assert_ok(pm_smp_free(s, i % 2 ? 2 : 3, held[i].addr, 1));
    st = ts_stats(s);
    assert_int_equal(st.cached_pages, 5);
    assert_int_equal(st.free_pages, 1024 - 5);
    pm_smp_drain_all(s);
    assert_int_equal(ts_stats(s).free_pages, 1024);
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

/* Idle CPUs, bad CPUs, NULL, NOCACHE: nothing happens. */
static void test_drain_harmless(void **state)
{
    pm_smp_t *s = ts_create1(NCPU, BATCH, HIGH, 0, 256);
    pm_smp_stats_t st0, st;
    uint64_t locks;
    pm_paddr_t a;

    (void)state;
    cache_on(s, 1, 3);
    assert_ok(pm_smp_alloc(s, 1, 1, &a));
    st0 = ts_stats(s);
    locks = ts_locks(s);
    pm_smp_drain_cpu(s, 0); /* idle */
    pm_smp_drain_cpu(s, 3); /* idle */
    pm_smp_drain_cpu(s, NCPU);
    pm_smp_drain_cpu(s, UINT_MAX);
    pm_smp_drain_cpu(NULL, 0);
    pm_smp_drain_all(NULL);
    st = ts_stats(s);
    assert_int_equal(st.free_pages, st0.free_pages);
    assert_int_equal(st.cached_pages, st0.cached_pages);
    assert_int_equal(st.drains, st0.drains);
    assert_int_equal(ts_locks(s), locks);
    assert_int_equal(cpu_held(s, 1), BATCH - 1);
    assert_ok(pm_smp_check(s));
    ts_assert_intact(s, &(struct ts_block){a, 1}, 1);
    assert_ok(pm_smp_free(s, 0, a, 1));
    ts_destroy(s);

    /* NOCACHE: drains do nothing, pages held stay held */
    s = ts_create1(2, BATCH, HIGH, PM_SMP_NOCACHE, 64);
    assert_ok(pm_smp_alloc(s, 1, 1, &a));
    pm_smp_drain_cpu(s, 1);
    pm_smp_drain_all(s);
    st = ts_stats(s);
    assert_int_equal(st.free_pages, 63);
    assert_int_equal(st.cached_pages, 0);
    assert_ok(pm_smp_free(s, 0, a, 1));
    assert_int_equal(ts_stats(s).free_pages, 64);
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

int main(void)
{
    ts_fault_from_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drain_cpu_returns_its_pages),
        cmocka_unit_test(test_drain_cpu_leaves_others),
        cmocka_unit_test(test_drain_all_empties_everything),
        cmocka_unit_test(test_drain_keeps_held_pages),
        cmocka_unit_test(test_drain_harmless),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
