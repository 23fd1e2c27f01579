/*
 * test_smp_errors.c - every error path of pm_smp_alloc and pm_smp_free:
 * NULL arguments, bad CPUs, zero and too-large counts, unaligned and
 * out-of-range addresses, double frees (of a page in a CPU's magazine, in
 * the depot, after a drain, of a block in a CPU's list of its order, with
 * any size), interior pages, wrong sizes
 * both ways, misalignment for the order, pages never allocated (free in the
 * core, or cached but never handed out), with and without caches, over two
 * zones. After each: the exact code, pm_smp_check() == PM_OK, totals, free,
 * cached, every CPU's magazines and lists and the depot unchanged; and at the end of
 * each test a full drain finds every page exactly once.
 */
#include <limits.h>

#include "smp_test_util.h"

#define NCPU  4u
#define BATCH 8u
#define HIGH  32u
#define NPG   1024u
#define MAXH  32

struct fx {
    pm_smp_t *s;
    struct ts_block held[MAXH];
    size_t nheld;
    pm_paddr_t a1;  /* an order-0 page of the caller, 2-page aligned (CPU 0) */
    pm_paddr_t a4;  /* a 4-page block aligned to 8 pages */
    pm_paddr_t a8;  /* an 8-page block aligned to 16 pages */
    pm_paddr_t c0;  /* a page cached in CPU 0's magazine, never handed out */
    pm_paddr_t c1;  /* a page a caller freed on CPU 1: cached there */
    pm_paddr_t top; /* the last page: free in the core */
};

static void fx_hold(struct fx *f, pm_paddr_t a, size_t n)
{
    assert_true(f->nheld < MAXH);
    f->held[f->nheld++] = (struct ts_block){a, n};
}

/* Frees a held block (it must succeed) and forgets it. */
static void fx_release(struct fx *f, unsigned cpu, pm_paddr_t a)
{
    for (size_t i = 0; i < f->nheld; i++) {
        if (pm_paddr_eq(f->held[i].addr, a)) {
            assert_ok(pm_smp_free(f->s, cpu, a, f->held[i].npages));
            f->held[i] = f->held[--f->nheld];
            return;
        }
    }
    fail_msg("block %#llx is not held", (unsigned long long)pm_paddr_u64(a));
}

/* A block of n pages aligned to `align` pages; misfits are held too. */
static pm_paddr_t fx_alloc_aligned(struct fx *f, unsigned cpu, size_t n, uint64_t align)
{
    for (;;) {
        pm_paddr_t a;

        assert_ok(pm_smp_alloc(f->s, cpu, n, &a));
        fx_hold(f, a, n);
        if (pm_paddr_pfn(a) % align == 0)
            return a;
    }
}

/* An address aligned to `order` where no allocated block starts and no page
 * is cached: the core holds it as free (or as the inside of a block). */
static pm_paddr_t fx_unallocated(struct fx *f, unsigned order)
{
    struct zone *z = smp_zone_at(f->s, 0);

    for (uint64_t p = 0; p < NPG; p += (uint64_t)1 << order) {
        pm_paddr_t a = ts_pfn_addr(TS_BASE, p);
        unsigned o;

        if (pm_buddy_block_order(&z->buddy, a, &o) == PM_ENOTALLOC &&
            atomic_load(zone_pstate(z, pm_paddr_pfn(a))) == ZONE_PAGE_OTHER)
            return a;
    }
    fail_msg("no unallocated block of order %u", order);
    return pm_paddr(0);
}

static int fx_setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    pm_paddr_t b;

    assert_non_null(f);
    f->s = ts_create1(NCPU, BATCH, HIGH, 0, NPG);
    f->a1 = fx_alloc_aligned(f, 0, 1, 2);
    f->a4 = fx_alloc_aligned(f, 2, 4, 8);
    f->a8 = fx_alloc_aligned(f, 3, 8, 16);
    f->top = ts_pfn_addr(TS_BASE, NPG - 1);
    ts_assert_intact(f->s, f->held, f->nheld); /* drains every cache */
    /* CPU 0 caches pages never handed out; CPU 1 a page a caller freed */
    assert_ok(pm_smp_alloc(f->s, 0, 1, &b));
    fx_hold(f, b, 1);
    assert_int_equal(f->s->cpus[0].loaded->rounds, BATCH - 1);
    f->c0 = f->s->cpus[0].loaded->round[0];
    assert_ok(pm_smp_alloc(f->s, 1, 1, &b));
    assert_ok(pm_smp_free(f->s, 1, b, 1));
    f->c1 = b;
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fx *f = *state;

    ts_assert_intact(f->s, f->held, f->nheld);
    while (f->nheld > 0)
        fx_release(f, (unsigned)f->nheld % NCPU, f->held[f->nheld - 1].addr);
    ts_assert_intact(f->s, NULL, 0);
    ts_destroy(f->s);
    free(f);
    return 0;
}

/* ---- "nothing changed" ------------------------------------------------------ */

struct snap {
    pm_smp_stats_t st;
    unsigned loaded[NCPU], previous[NCPU];
    unsigned pcp[NCPU][PCP_MAX_ORDER];
    unsigned nfull;
};

static struct snap snap_take(pm_smp_t *s)
{
    struct snap sn;

    memset(&sn, 0, sizeof(sn));
    sn.st = ts_stats(s);
    for (unsigned c = 0; c < NCPU && s->cached; c++) {
        sn.loaded[c] = s->cpus[c].loaded->rounds;
        sn.previous[c] = s->cpus[c].previous->rounds;
        for (unsigned k = 0; k < PCP_MAX_ORDER; k++)
            sn.pcp[c][k] = s->cpus[c].pcp[k].count;
    }
    sn.nfull = s->depot.nfull;
    return sn;
}

static void snap_assert_same(pm_smp_t *s, const struct snap *before)
{
    struct snap now = snap_take(s);

    assert_ok(pm_smp_check(s));
    assert_int_equal(now.st.total_pages, before->st.total_pages);
    assert_int_equal(now.st.free_pages, before->st.free_pages);
    assert_int_equal(now.st.cached_pages, before->st.cached_pages);
    assert_int_equal(now.st.frees, before->st.frees);
    assert_int_equal(now.st.refills, before->st.refills);
    assert_int_equal(now.st.drains, before->st.drains);
    assert_int_equal(now.nfull, before->nfull);
    for (unsigned c = 0; c < NCPU; c++) {
        assert_int_equal(now.loaded[c], before->loaded[c]);
        assert_int_equal(now.previous[c], before->previous[c]);
        for (unsigned k = 0; k < PCP_MAX_ORDER; k++)
            assert_int_equal(now.pcp[c][k], before->pcp[c][k]);
    }
}

/* pm_smp_free(s, cpu, addr, n) fails with `want` and changes nothing. */
#define FREE_FAILS(s, cpu, addr, n, want)                                                          \
    do {                                                                                           \
        struct snap before_ = snap_take(s);                                                        \
        assert_err(pm_smp_free((s), (cpu), (addr), (n)), (want));                                  \
        snap_assert_same((s), &before_);                                                           \
    } while (0)

/* pm_smp_alloc(s, cpu, n, out) fails with `want` and changes nothing
 * (but the attempt, which counts). */
#define ALLOC_FAILS(s, cpu, n, out, want)                                                          \
    do {                                                                                           \
        struct snap before_ = snap_take(s);                                                        \
        assert_err(pm_smp_alloc((s), (cpu), (n), (out)), (want));                                  \
        snap_assert_same((s), &before_);                                                           \
    } while (0)

static pm_paddr_t pg(pm_paddr_t a, uint64_t pages)
{
    return pm_paddr_add_pages(a, pages);
}

/* ---- allocation errors ---------------------------------------------------------- */

static void test_alloc_bad_args(void **state)
{
    struct fx *f = *state;
    pm_paddr_t a = pm_paddr(0x5a5a5000u);

    ALLOC_FAILS(f->s, 0, 1, NULL, PM_EINVAL);
    ALLOC_FAILS(f->s, 0, 4, NULL, PM_EINVAL);
    ALLOC_FAILS(f->s, NCPU, 1, &a, PM_EINVAL);
    ALLOC_FAILS(f->s, NCPU, 8, &a, PM_EINVAL);
    ALLOC_FAILS(f->s, UINT_MAX, 1, &a, PM_EINVAL);
    ALLOC_FAILS(f->s, NCPU, 0, &a, PM_EINVAL); /* the CPU is checked first */
    assert_err(pm_smp_alloc(NULL, 0, 1, &a), PM_EINVAL);
    ALLOC_FAILS(f->s, 0, 0, &a, PM_EZERO);
    ALLOC_FAILS(f->s, 3, 0, &a, PM_EZERO);
    ALLOC_FAILS(f->s, 1, PM_MAX_BLOCK_PAGES + 1, &a, PM_ETOOLARGE);
    ALLOC_FAILS(f->s, 1, 1024, &a, PM_ETOOLARGE);
    ALLOC_FAILS(f->s, 2, SIZE_MAX, &a, PM_ETOOLARGE);
    assert_int_equal(pm_paddr_u64(a), 0x5a5a5000u);
#if PM_STATS
    {
        pm_smp_stats_t st = ts_stats(f->s);
        assert_true(st.failed_allocations >= 5);
    }
#endif
    /* bulk: nothing at all */
    assert_int_equal(pm_smp_alloc_bulk(f->s, NCPU, 4, &a), 0);
    assert_int_equal(pm_smp_alloc_bulk(f->s, 0, 4, NULL), 0);
    assert_int_equal(pm_smp_alloc_bulk(NULL, 0, 4, &a), 0);
    assert_int_equal(pm_smp_alloc_bulk(f->s, 0, 0, &a), 0);
    assert_ok(pm_smp_check(f->s));
}

/* ---- free: argument errors --------------------------------------------------------- */

static void test_free_bad_args(void **state)
{
    struct fx *f = *state;

    assert_err(pm_smp_free(NULL, 0, f->a1, 1), PM_EINVAL);
    FREE_FAILS(f->s, NCPU, f->a1, 1, PM_EINVAL);
    FREE_FAILS(f->s, UINT_MAX, f->a4, 4, PM_EINVAL);
    FREE_FAILS(f->s, 0, f->a1, 0, PM_EZERO);
    FREE_FAILS(f->s, 2, f->a4, 0, PM_EZERO);
    /* the pages are still the caller's */
    fx_release(f, 1, f->a1);
    fx_release(f, 0, f->a4);
}

static void test_free_too_large(void **state)
{
    struct fx *f = *state;

    FREE_FAILS(f->s, 0, f->a8, PM_MAX_BLOCK_PAGES + 1, PM_ETOOLARGE);
    FREE_FAILS(f->s, 1, f->a8, 1024, PM_ETOOLARGE);
    FREE_FAILS(f->s, 2, f->a8, SIZE_MAX, PM_ETOOLARGE);
    /* the range is checked before the size */
    FREE_FAILS(f->s, 2, pm_paddr(TS_BASE - TS_PG), 1024, PM_ERANGE);
    fx_release(f, 3, f->a8);
}

static void test_free_unaligned(void **state)
{
    struct fx *f = *state;

    FREE_FAILS(f->s, 0, pm_paddr(pm_paddr_u64(f->a1) + 1), 1, PM_EALIGN);
    FREE_FAILS(f->s, 1, pm_paddr(pm_paddr_u64(f->a1) + TS_PG - 1), 1, PM_EALIGN);
    FREE_FAILS(f->s, 2, pm_paddr(pm_paddr_u64(f->a4) + 8), 4, PM_EALIGN);
    FREE_FAILS(f->s, 0, pm_paddr(pm_paddr_u64(f->c0) + 2048), 1, PM_EALIGN);
    /* page alignment comes before the range */
    FREE_FAILS(f->s, 0, pm_paddr(1), 1, PM_EALIGN);
    FREE_FAILS(f->s, 0, pm_paddr(UINT64_MAX), 1, PM_EALIGN);
    fx_release(f, 0, f->a1);
}

static void test_free_out_of_range(void **state)
{
    struct fx *f = *state;

    FREE_FAILS(f->s, 0, pm_paddr(TS_BASE - TS_PG), 1, PM_ERANGE);
    FREE_FAILS(f->s, 0, ts_pfn_addr(TS_BASE, NPG), 1, PM_ERANGE);
    FREE_FAILS(f->s, 1, ts_pfn_addr(TS_BASE, NPG), 4, PM_ERANGE);
    FREE_FAILS(f->s, 2, pm_paddr(0), 1, PM_ERANGE);
    FREE_FAILS(f->s, 3, pm_paddr(0), 512, PM_ERANGE);
    FREE_FAILS(f->s, 3, pm_paddr(UINT64_MAX & ~(uint64_t)(TS_PG - 1)), 1, PM_ERANGE);
}

/* ---- free: double frees ---------------------------------------------------------------- */

static void test_double_free_cached(void **state)
{
    struct fx *f = *state;

    fx_release(f, 0, f->a1); /* now in CPU 0's magazine */
    FREE_FAILS(f->s, 0, f->a1, 1, PM_ENOTALLOC);
    FREE_FAILS(f->s, 1, f->a1, 1, PM_ENOTALLOC); /* from another CPU */
    FREE_FAILS(f->s, 3, f->a1, 1, PM_ENOTALLOC);
    FREE_FAILS(f->s, 2, f->a1, 2, PM_ENOTALLOC); /* as a larger block: a1 is 2-aligned */
    /* a page a caller freed on CPU 1, freed again on each CPU */
    for (unsigned c = 0; c < NCPU; c++)
        FREE_FAILS(f->s, c, f->c1, 1, PM_ENOTALLOC);
}

static void test_double_free_after_drain(void **state)
{
    struct fx *f = *state;

    fx_release(f, 2, f->a1);
    pm_smp_drain_all(f->s);
    FREE_FAILS(f->s, 2, f->a1, 1, PM_ENOTALLOC);
    FREE_FAILS(f->s, 0, f->a1, 1, PM_ENOTALLOC);
    /* a block: into CPU 1's list of order 2, then to the core */
    fx_release(f, 1, f->a4);
    FREE_FAILS(f->s, 1, f->a4, 4, PM_ENOTALLOC);
    pm_smp_drain_all(f->s);
    FREE_FAILS(f->s, 1, f->a4, 4, PM_ENOTALLOC);
    FREE_FAILS(f->s, 3, f->a4, 8, PM_ENOTALLOC);
}

/* A page in a full magazine in the depot. */
static void test_double_free_in_depot(void **state)
{
    struct fx *f = *state;
    pm_paddr_t got[5 * BATCH];
    pm_paddr_t in_depot;

    for (unsigned i = 0; i < 5 * BATCH; i++)
        assert_ok(pm_smp_alloc(f->s, 2, 1, &got[i]));
    for (unsigned i = 0; i < 5 * BATCH; i++)
        assert_ok(pm_smp_free(f->s, 2, got[i], 1));
    assert_true(f->s->depot.nfull > 0);
    in_depot = f->s->depot.full->round[BATCH / 2];
    for (unsigned c = 0; c < NCPU; c++)
        FREE_FAILS(f->s, c, in_depot, 1, PM_ENOTALLOC);
}

static void test_double_free_block(void **state)
{
    struct fx *f = *state;

    fx_release(f, 0, f->a4); /* into CPU 0's list of order 2 */
    assert_int_equal(atomic_load(zone_pstate(smp_zone_at(f->s, 0), pm_paddr_pfn(f->a4))),
                     zone_page_state(ZONE_PAGE_CACHED, 2));
    for (unsigned c = 0; c < NCPU; c++) {
        FREE_FAILS(f->s, c, f->a4, 4, PM_ENOTALLOC);
        FREE_FAILS(f->s, c, f->a4, 3, PM_ENOTALLOC);
        /* any other size: still a double free (a4 is 8-aligned) */
        FREE_FAILS(f->s, c, f->a4, 1, PM_ENOTALLOC);
        FREE_FAILS(f->s, c, f->a4, 2, PM_ENOTALLOC);
        FREE_FAILS(f->s, c, f->a4, 8, PM_ENOTALLOC);
        FREE_FAILS(f->s, c, pg(f->a4, 2), 2, PM_ENOTALLOC); /* inside */
    }
    fx_release(f, 1, f->a8); /* into CPU 1's list of order 3 */
    FREE_FAILS(f->s, 1, f->a8, 8, PM_ENOTALLOC);
    FREE_FAILS(f->s, 2, f->a8, 16, PM_ENOTALLOC); /* a8 is 16-aligned */
    FREE_FAILS(f->s, 2, f->a8, 4, PM_ENOTALLOC);
}

/* ---- free: wrong block -------------------------------------------------------------------- */

static void test_free_interior(void **state)
{
    struct fx *f = *state;

    FREE_FAILS(f->s, 0, pg(f->a4, 1), 1, PM_ENOTALLOC);
    FREE_FAILS(f->s, 2, pg(f->a4, 3), 1, PM_ENOTALLOC);
    FREE_FAILS(f->s, 1, pg(f->a4, 2), 2, PM_ENOTALLOC);
    FREE_FAILS(f->s, 3, pg(f->a8, 4), 4, PM_ENOTALLOC);
    FREE_FAILS(f->s, 3, pg(f->a8, 7), 1, PM_ENOTALLOC);
    FREE_FAILS(f->s, 0, pg(f->a8, 2), 2, PM_ENOTALLOC);
}

static void test_free_wrong_size(void **state)
{
    struct fx *f = *state;

    /* larger than the block */
    FREE_FAILS(f->s, 0, f->a1, 2, PM_ESIZE);
    FREE_FAILS(f->s, 0, f->a4, 8, PM_ESIZE);
    FREE_FAILS(f->s, 1, f->a4, 5, PM_ESIZE);
    FREE_FAILS(f->s, 2, f->a8, 16, PM_ESIZE);
    FREE_FAILS(f->s, 2, f->a8, 9, PM_ESIZE);
    /* smaller than the block */
    FREE_FAILS(f->s, 0, f->a4, 1, PM_ESIZE);
    FREE_FAILS(f->s, 3, f->a4, 2, PM_ESIZE);
    FREE_FAILS(f->s, 1, f->a8, 1, PM_ESIZE);
    FREE_FAILS(f->s, 1, f->a8, 4, PM_ESIZE);
    FREE_FAILS(f->s, 1, f->a8, 3, PM_ESIZE);
    /* the right size still works: 3 and 5..8 are the same orders */
    fx_release(f, 2, f->a4);
    assert_ok(pm_smp_alloc(f->s, 0, 3, &f->a4));
    fx_hold(f, f->a4, 3);
}

static void test_free_misaligned_for_order(void **state)
{
    struct fx *f = *state;

    FREE_FAILS(f->s, 0, pg(f->a4, 2), 4, PM_EALIGN);
    FREE_FAILS(f->s, 0, pg(f->a4, 1), 2, PM_EALIGN);
    FREE_FAILS(f->s, 1, pg(f->a8, 4), 8, PM_EALIGN);
    FREE_FAILS(f->s, 1, pg(f->a8, 2), 4, PM_EALIGN);
    FREE_FAILS(f->s, 2, pg(f->a1, 1), 2, PM_EALIGN);
    FREE_FAILS(f->s, 3, pg(f->a8, 8), 512, PM_EALIGN);
}

static void test_free_never_allocated(void **state)
{
    struct fx *f = *state;

    /* free in the core: where no allocated block starts, at every order */
    FREE_FAILS(f->s, 0, f->top, 1, PM_ENOTALLOC);
    for (unsigned o = 0; o < PM_NR_ORDERS; o++) {
        pm_paddr_t a = fx_unallocated(f, o);
        FREE_FAILS(f->s, o % NCPU, a, (size_t)1 << o, PM_ENOTALLOC);
    }
    /* cached in CPU 0's magazine, never handed out */
    for (unsigned c = 0; c < NCPU; c++)
        FREE_FAILS(f->s, c, f->c0, 1, PM_ENOTALLOC);
    /* the same, freed as a larger block: still not the caller's */
    if (pm_paddr_pfn(f->c0) % 2 == 0)
        FREE_FAILS(f->s, 1, f->c0, 2, PM_ENOTALLOC);
    else
        FREE_FAILS(f->s, 1, f->c0, 2, PM_EALIGN);
    /* and still it is handed out normally */
    assert_true(pm_paddr_eq(f->s->cpus[0].loaded->round[0], f->c0));
}

/* ---- without caches, and over two zones ---------------------------------------------------- */

static void test_errors_nocache(void **state)
{
    pm_smp_t *s = ts_create1(2, BATCH, HIGH, PM_SMP_NOCACHE, 256);
    pm_paddr_t a1, a4, a;

    (void)state;
    assert_ok(pm_smp_alloc(s, 1, 4, &a4));
    assert_ok(pm_smp_alloc(s, 0, 1, &a1));
    assert_true(pm_paddr_is_order_aligned(a4, 3));
    ALLOC_FAILS(s, 2, 1, &a, PM_EINVAL);
    ALLOC_FAILS(s, 0, 0, &a, PM_EZERO);
    ALLOC_FAILS(s, 0, 513, &a, PM_ETOOLARGE);
    FREE_FAILS(s, 2, a1, 1, PM_EINVAL);
    FREE_FAILS(s, 0, a1, 0, PM_EZERO);
    FREE_FAILS(s, 0, pm_paddr(pm_paddr_u64(a1) + 16), 1, PM_EALIGN);
    FREE_FAILS(s, 0, pm_paddr(TS_BASE - TS_PG), 1, PM_ERANGE);
    FREE_FAILS(s, 0, a4, 600, PM_ETOOLARGE);
    FREE_FAILS(s, 0, pg(a4, 2), 4, PM_EALIGN);
    FREE_FAILS(s, 0, pg(a4, 1), 1, PM_ENOTALLOC);
    FREE_FAILS(s, 1, a4, 1, PM_ESIZE);
    FREE_FAILS(s, 1, a4, 8, PM_ESIZE);
    FREE_FAILS(s, 1, ts_pfn_addr(TS_BASE, 255), 1, PM_ENOTALLOC);
    assert_ok(pm_smp_free(s, 1, a1, 1));
    FREE_FAILS(s, 0, a1, 1, PM_ENOTALLOC);
    FREE_FAILS(s, 1, a1, 1, PM_ENOTALLOC);
    ts_assert_intact(s, &(struct ts_block){a4, 4}, 1);
    assert_ok(pm_smp_free(s, 0, a4, 4));
    FREE_FAILS(s, 0, a4, 4, PM_ENOTALLOC);
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

static void test_errors_two_zones(void **state)
{
    pm_smp_t *s = ts_create(NCPU, BATCH, HIGH, 0);
    uint64_t base2 = TS_BASE + 0x100000u; /* 256 pages above the first */
    pm_paddr_t a, b;

    (void)state;
    assert_ok(pm_smp_add_region(s, pm_paddr(TS_BASE), 64));
    assert_ok(pm_smp_add_region(s, pm_paddr(base2), 64));
    /* a page of each zone */
    assert_ok(pm_smp_alloc(s, 0, 1, &a));
    assert_ok(pm_smp_alloc(s, 1, 64, &b)); /* the first zone has no 64 free any more */
    assert_int_equal(pm_paddr_u64(b), base2);
    /* the gap between the zones */
    FREE_FAILS(s, 0, ts_pfn_addr(TS_BASE, 64), 1, PM_ERANGE);
    FREE_FAILS(s, 0, pm_paddr(base2 - TS_PG), 1, PM_ERANGE);
    /* CPU 0's zone hint is the first zone; b is in the second */
    FREE_FAILS(s, 0, b, 1, PM_ESIZE);
    FREE_FAILS(s, 0, pg(b, 1), 1, PM_ENOTALLOC);
    assert_ok(pm_smp_free(s, 0, b, 64));
    FREE_FAILS(s, 0, b, 64, PM_ENOTALLOC);
    FREE_FAILS(s, 2, b, 1, PM_ENOTALLOC);
    /* a freed on CPU 3 whose hint is nothing yet, then twice across zones */
    assert_ok(pm_smp_free(s, 3, a, 1));
    FREE_FAILS(s, 3, a, 1, PM_ENOTALLOC);
    assert_ok(pm_smp_alloc(s, 3, 1, &b)); /* a again, from CPU 3's cache */
    assert_true(pm_paddr_eq(a, b));
    assert_ok(pm_smp_alloc(s, 3, 64, &b));
    assert_ok(pm_smp_free(s, 3, b, 64));
    FREE_FAILS(s, 3, b, 1, PM_ENOTALLOC);
    ts_assert_intact(s, &(struct ts_block){a, 1}, 1);
    assert_ok(pm_smp_free(s, 2, a, 1));
    FREE_FAILS(s, 1, a, 1, PM_ENOTALLOC);
    ts_assert_intact(s, NULL, 0);
    ts_destroy(s);
}

#define FX_TEST(t) cmocka_unit_test_setup_teardown(t, fx_setup, fx_teardown)

int main(void)
{
    ts_fault_from_env();
    const struct CMUnitTest tests[] = {
        FX_TEST(test_alloc_bad_args),
        FX_TEST(test_free_bad_args),
        FX_TEST(test_free_too_large),
        FX_TEST(test_free_unaligned),
        FX_TEST(test_free_out_of_range),
        FX_TEST(test_double_free_cached),
        FX_TEST(test_double_free_after_drain),
        FX_TEST(test_double_free_in_depot),
        FX_TEST(test_double_free_block),
        FX_TEST(test_free_interior),
        FX_TEST(test_free_wrong_size),
        FX_TEST(test_free_misaligned_for_order),
        FX_TEST(test_free_never_allocated),
        cmocka_unit_test(test_errors_nocache),
        cmocka_unit_test(test_errors_two_zones),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
