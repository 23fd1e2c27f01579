/*
 * test_smp_config.c - pm_smp_create's config bounds, each tried at bound - 1,
 * bound and bound + 1 (ncpus, batch, high both ways, flags); the configs
 * that used to be accepted and crash later (a magazine count computed in
 * 32 bits that wrapped); smp_layout's 64-bit sizes, pinned for the default
 * config and the largest accepted one; and what create does when a config
 * is refused (PM_EINVAL, *out untouched, not one allocation) or when its
 * memory cannot be had (PM_ENOMEM for each allocation that fails, nothing
 * leaked: LeakSanitizer and valgrind run this test too).
 *
 * Linked with the allocator wrappers of pm_alloc_fail.h.
 */
#include <limits.h>

#include "smp_test_util.h"
#include "smp_config.h"
#include "pm_alloc_fail.h"

#define UNTOUCHED ((pm_smp_t *)(uintptr_t)0x1)

static pm_smp_config_t cfg(unsigned ncpus, unsigned batch, unsigned high, unsigned flags)
{
    pm_smp_config_t c = {.ncpus = ncpus, .batch = batch, .high = high, .flags = flags};
    return c;
}

/* create refuses c with PM_EINVAL, leaves *out alone and allocates nothing. */
static void expect_refused(pm_smp_config_t c)
{
    pm_smp_t *s = UNTOUCHED;
    pm_err_t err;

    af_reset(0);
    err = pm_smp_create(&c, &s);
    if (err != PM_EINVAL)
        print_error("config {%u, %u, %u, %#x} gave %s\n", c.ncpus, c.batch, c.high, c.flags,
                    pm_errname(err));
    assert_err(err, PM_EINVAL);
    assert_ptr_equal(s, UNTOUCHED);
    assert_int_equal(af_calls, 0); /* refused before any allocation */
    if (err == PM_OK)
        pm_smp_destroy(s);
}

/*
 * create accepts c, with batch and high resolved as given; the allocator
 * has exactly the magazines smp_layout sized, and works: a page and a
 * 4-page block from the last CPU, freed on the first, everything drained
 * back and checked.
 */
static void expect_created(pm_smp_config_t c, unsigned batch, unsigned high)
{
    pm_smp_t *s = NULL;
    pm_smp_config_t got, resolved;
    struct smp_layout lay;
    pm_paddr_t a, b;

    assert_ok(smp_config_resolve(&c, &resolved));
    assert_ok(smp_layout(&resolved, &lay));
    assert_ok(pm_smp_create(&c, &s));
    assert_non_null(s);
    pm_smp_get_config(s, &got);
    assert_int_equal(got.ncpus, c.ncpus);
    assert_int_equal(got.batch, batch);
    assert_int_equal(got.high, high);
    assert_int_equal(got.flags, c.flags);
    assert_int_equal(s->nmags, lay.nmags);
    assert_ok(pm_smp_add_region(s, pm_paddr(TS_BASE), 1024));
    assert_ok(pm_smp_alloc(s, c.ncpus - 1, 1, &a));
    assert_ok(pm_smp_alloc(s, c.ncpus - 1, 4, &b));
    assert_ok(pm_smp_free(s, 0, a, 1));
    assert_ok(pm_smp_free(s, 0, b, 4));
    pm_smp_drain_all(s);
    assert_ok(pm_smp_check(s));
    assert_int_equal(ts_stats(s).free_pages, 1024);
    ts_destroy(s);
}

/* ---- each bound at bound - 1, bound, bound + 1 -------------------------- */

static void test_bounds_ncpus(void **state)
{
    (void)state;
    expect_refused(cfg(0, 0, 0, 0));
    expect_created(cfg(1, 0, 0, 0), PM_SMP_DEFAULT_BATCH, PM_SMP_DEFAULT_HIGH);
    expect_created(cfg(2, 0, 0, 0), PM_SMP_DEFAULT_BATCH, PM_SMP_DEFAULT_HIGH);
    expect_created(cfg(PM_MAX_CPUS - 1, 0, 0, 0), PM_SMP_DEFAULT_BATCH, PM_SMP_DEFAULT_HIGH);
    expect_created(cfg(PM_MAX_CPUS, 0, 0, 0), PM_SMP_DEFAULT_BATCH, PM_SMP_DEFAULT_HIGH);
    expect_refused(cfg(PM_MAX_CPUS + 1, 0, 0, 0));
    expect_refused(cfg(UINT_MAX, 0, 0, 0));
}

static void test_bounds_batch(void **state)
{
    (void)state;
    /* 0 is the default; the least real batch is 1 */
    expect_created(cfg(2, 0, 0, 0), PM_SMP_DEFAULT_BATCH, PM_SMP_DEFAULT_HIGH);
    expect_created(cfg(2, 1, 0, 0), 1, PM_SMP_DEFAULT_HIGH);
    expect_created(cfg(2, 2, 0, 0), 2, PM_SMP_DEFAULT_HIGH);
    expect_created(cfg(2, PM_SMP_MAX_BATCH - 1, 0, 0), PM_SMP_MAX_BATCH - 1,
                   2 * (PM_SMP_MAX_BATCH - 1));
    expect_created(cfg(2, PM_SMP_MAX_BATCH, 0, 0), PM_SMP_MAX_BATCH, 2 * PM_SMP_MAX_BATCH);
    expect_refused(cfg(2, PM_SMP_MAX_BATCH + 1, 0, 0));
    expect_refused(cfg(2, UINT_MAX, 0, 0));
    expect_refused(cfg(2, PM_SMP_MAX_BATCH + 1, 2 * (PM_SMP_MAX_BATCH + 1), 0));
}

/* high 0 is max(PM_SMP_DEFAULT_HIGH, 2 * batch), as smp.h says. */
static void test_default_high_rule(void **state)
{
    (void)state;
    expect_created(cfg(1, 255, 0, 0), 255, PM_SMP_DEFAULT_HIGH);
    expect_created(cfg(1, 256, 0, 0), 256, PM_SMP_DEFAULT_HIGH); /* 2 * 256 == 512 */
    expect_created(cfg(1, 257, 0, 0), 257, 514);
    expect_created(cfg(1, 512, 0, 0), 512, 1024);
}

static void test_bounds_high_low(void **state)
{
    (void)state;
    /* at least 2 * batch: the CPU's own two magazines */
    expect_refused(cfg(2, 8, 15, 0));
    expect_created(cfg(2, 8, 16, 0), 8, 16);
    expect_created(cfg(2, 8, 17, 0), 8, 17);
    /* with the default batch too */
    expect_refused(cfg(2, 0, 2 * PM_SMP_DEFAULT_BATCH - 1, 0));
    expect_created(cfg(2, 0, 2 * PM_SMP_DEFAULT_BATCH, 0), PM_SMP_DEFAULT_BATCH,
                   2 * PM_SMP_DEFAULT_BATCH);
    expect_created(cfg(2, 0, 2 * PM_SMP_DEFAULT_BATCH + 1, 0), PM_SMP_DEFAULT_BATCH,
                   2 * PM_SMP_DEFAULT_BATCH + 1);
    /* and with the largest batch */
    expect_refused(cfg(1, PM_SMP_MAX_BATCH, 2 * PM_SMP_MAX_BATCH - 1, 0));
    expect_created(cfg(1, PM_SMP_MAX_BATCH, 2 * PM_SMP_MAX_BATCH, 0), PM_SMP_MAX_BATCH,
                   2 * PM_SMP_MAX_BATCH);
}

static void test_bounds_high_high(void **state)
{
    (void)state;
    expect_created(cfg(1, 1, PM_SMP_MAX_HIGH - 1, 0), 1, PM_SMP_MAX_HIGH - 1);
    expect_created(cfg(1, 1, PM_SMP_MAX_HIGH, 0), 1, PM_SMP_MAX_HIGH);
    expect_refused(cfg(1, 1, PM_SMP_MAX_HIGH + 1, 0));
    expect_created(cfg(3, PM_SMP_MAX_BATCH, PM_SMP_MAX_HIGH, 0), PM_SMP_MAX_BATCH, PM_SMP_MAX_HIGH);
    expect_refused(cfg(3, PM_SMP_MAX_BATCH, PM_SMP_MAX_HIGH + 1, 0));
    /* without caches high sizes nothing, but its bounds hold all the same */
    expect_created(cfg(1, 1, PM_SMP_MAX_HIGH, PM_SMP_NOCACHE), 1, PM_SMP_MAX_HIGH);
    expect_refused(cfg(1, 1, PM_SMP_MAX_HIGH + 1, PM_SMP_NOCACHE));
    expect_refused(cfg(1, 8, 15, PM_SMP_NOCACHE));
}

static void test_bounds_flags(void **state)
{
    (void)state;
    expect_created(cfg(2, 0, 0, PM_SMP_FLAGS_ALL - 1), PM_SMP_DEFAULT_BATCH, PM_SMP_DEFAULT_HIGH);
    expect_created(cfg(2, 0, 0, PM_SMP_FLAGS_ALL), PM_SMP_DEFAULT_BATCH, PM_SMP_DEFAULT_HIGH);
    expect_refused(cfg(2, 0, 0, PM_SMP_FLAGS_ALL + 1));
    for (unsigned bit = 0; bit < 32; bit++) {
        if ((PM_SMP_FLAGS_ALL & (1u << bit)) == 0)
            expect_refused(cfg(2, 0, 0, 1u << bit));
    }
}

/* Every field at its bound at once: the most create ever allocates. */
static void test_largest_config(void **state)
{
    pm_smp_config_t c = cfg(PM_MAX_CPUS, 1, PM_SMP_MAX_HIGH, 0);
    struct smp_layout lay;

    (void)state;
    assert_ok(smp_layout(&c, &lay));
    assert_int_equal(lay.max_full, (uint64_t)PM_MAX_CPUS * (PM_SMP_MAX_HIGH - 2));
    assert_int_equal(lay.nmags, 2 * PM_MAX_CPUS + lay.max_full + 1);
    assert_int_equal(lay.mag_stride, 64);
    assert_int_equal(lay.pcp_blocks, 32); /* 3 x max(2, 1 >> k) + 4 x 4 + 2 x 2 = 26, to a line */
    /* smp.h: just over 64 MiB, the most any accepted config allocates */
    assert_true(lay.total_bytes > (size_t)64 << 20);
    assert_true(lay.total_bytes < (size_t)65 << 20);
    expect_created(c, 1, PM_SMP_MAX_HIGH);
}

/* ---- the configs of issue 12: accepted before, crashed later ------------- */

static void test_wrapping_configs_refused(void **state)
{
    (void)state;
    /* the magazine count 2 * ncpus + ncpus * (high - 2 * batch) / batch + 1
     * wrapped to 0 in 32 bits: the first allocation dereferenced NULL */
    expect_refused(cfg(1, 1, 0xFFFFFFFFu, 0));
    /* ... wrapped to a few: a heap overflow in mag_is_full and cpu_reload */
    expect_refused(cfg(2, 1, 0x80000001u, 0));
    /* no wrap, but gigabytes allocated and written up front */
    expect_refused(cfg(1, 1, 1u << 28, 0));
    expect_refused(cfg(PM_MAX_CPUS, 1, UINT_MAX, PM_SMP_STRICT_FREE));
}

/* ---- smp_layout: exact 64-bit sizes --------------------------------------- */

static void test_layout_default(void **state)
{
    pm_smp_config_t in = cfg(4, 0, 0, 0), c;
    struct smp_layout lay;

    (void)state;
    assert_ok(smp_config_resolve(&in, &c));
    assert_ok(smp_layout(&c, &lay));
    /* per CPU (512 - 128) / 64 = 6 depot magazines */
    assert_int_equal(lay.max_full, 24);
    assert_int_equal(lay.nmags, 8 + 24 + 1);
    /* struct mag + 64 addresses + 64 pointers, to whole lines */
    assert_int_equal(lay.mag_stride,
                     (sizeof(struct mag) + 64 * 16 + PM_CACHE_LINE - 1) & ~(size_t)63);
    assert_int_equal(lay.pcp_blocks, 80); /* 32 + 16 + 8 + 4 x 4 + 2 x 2 = 76, to a line */
    assert_int_equal(lay.cpus_bytes, 4 * sizeof(struct cpu_cache));
    assert_int_equal(lay.mag_bytes, lay.nmags * lay.mag_stride);
    assert_int_equal(lay.pcp_bytes, 4 * 80 * sizeof(pm_paddr_t));
    assert_int_equal(lay.total_bytes,
                     lay.smp_bytes + lay.cpus_bytes + lay.mag_bytes + lay.pcp_bytes);
    assert_int_equal(lay.off_pcp, lay.smp_bytes + lay.cpus_bytes + lay.mag_bytes);
    /* without caches: only the CPUs */
    in.flags = PM_SMP_NOCACHE;
    assert_ok(smp_config_resolve(&in, &c));
    assert_ok(smp_layout(&c, &lay));
    assert_int_equal(lay.nmags, 0);
    assert_int_equal(lay.mag_bytes + lay.pcp_bytes, 0);
    assert_int_equal(lay.total_bytes, lay.smp_bytes + 4 * sizeof(struct cpu_cache));
}

/*
 * smp_layout trusts no field: on configs smp_config_resolve would refuse it
 * computes the true 64-bit counts, and refuses what does not fit.
 */
static void test_layout_overflow(void **state)
{
    pm_smp_config_t c = cfg(1, 1, 0xFFFFFFFFu, 0);
    struct smp_layout lay;

    (void)state;
    memset(&lay, 0xff, sizeof(lay));
    /* 2 + (2^32 - 3) + 1 = 2^32 magazines: 0 in 32 bits, once */
    assert_err(smp_layout(&c, &lay), PM_EINVAL);
    assert_int_equal(lay.nmags, 0); /* *out zeroed on refusal */
    /* one less fits an unsigned, and is sized exactly */
    c.high = 0xFFFFFFFEu;
    assert_ok(smp_layout(&c, &lay));
    assert_int_equal(lay.nmags, 0xFFFFFFFFu);
    assert_int_equal(lay.mag_bytes, (uint64_t)0xFFFFFFFFu * 64);
    /* ncpus * (high - 2 * batch) overflows 64 bits */
    c = cfg(UINT_MAX, 1, UINT_MAX, 0);
    assert_err(smp_layout(&c, &lay), PM_EINVAL);
    /* nonsense it cannot size */
    c = cfg(0, 1, 2, 0);
    assert_err(smp_layout(&c, &lay), PM_EINVAL);
    c = cfg(1, 0, 2, 0);
    assert_err(smp_layout(&c, &lay), PM_EINVAL);
    c = cfg(1, 8, 15, 0);
    assert_err(smp_layout(&c, &lay), PM_EINVAL);
    /* a magazine of UINT_MAX rounds is 64 GiB: sized, not wrapped */
    assert_int_equal(smp_mag_stride(UINT_MAX),
                     ((uint64_t)UINT_MAX * 16 + sizeof(struct mag) + 63) & ~(uint64_t)63);
}

/* ---- memory that cannot be had ---------------------------------------------- */

/* Each of create's allocations fails in turn: PM_ENOMEM, *out untouched,
 * nothing leaked; the next one succeeds. */
static void test_create_enomem(void **state)
{
    const pm_smp_config_t cs[] = {cfg(4, 8, 32, 0), cfg(2, 0, 0, PM_SMP_NOCACHE)};

    (void)state;
    for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
        long live = af_live;
        unsigned long n;
        pm_smp_t *s = NULL;

        af_reset(0);
        assert_ok(pm_smp_create(&cs[i], &s));
        n = af_calls;
        pm_smp_destroy(s);
        assert_true(n >= 1); /* one buffer: pm_smp_init lays everything out in it */
        for (unsigned long k = 1; k <= n; k++) {
            s = UNTOUCHED;
            af_reset(k);
            assert_err(pm_smp_create(&cs[i], &s), PM_ENOMEM);
            assert_ptr_equal(s, UNTOUCHED);
            assert_int_equal(af_live, live); /* nothing leaked */
        }
        af_reset(0);
    }
}

/* Each of pm_smp_add_region's allocations fails in turn: PM_ENOMEM, and the
 * allocator is as it was (zones, pages, what is allocated). */
static void test_add_region_enomem(void **state)
{
    pm_smp_t *s = ts_create1(2, 8, 16, 0, 64);
    pm_paddr_t a;
    unsigned long n;
    long live;

    (void)state;
    assert_ok(pm_smp_alloc(s, 0, 1, &a));
    af_reset(0);
    assert_ok(pm_smp_add_region(s, ts_pfn_addr(TS_BASE, 1024), 32));
    n = af_calls;
    live = af_live;
    assert_true(n >= 1); /* one buffer: zone, page states, metadata (the table needs none) */
    for (unsigned long k = 1; k <= n; k++) {
        pm_smp_stats_t st;

        af_reset(k);
        assert_err(pm_smp_add_region(s, ts_pfn_addr(TS_BASE, 2048), 16), PM_ENOMEM);
        af_reset(0);
        assert_int_equal(af_live, live); /* nothing leaked */
        st = ts_stats(s);
        assert_int_equal(st.zones, 2);
        assert_int_equal(st.total_pages, 64 + 32);
        assert_ok(pm_smp_check(s));
    }
    assert_ok(pm_smp_add_region(s, ts_pfn_addr(TS_BASE, 2048), 16));
    assert_ok(pm_smp_free(s, 1, a, 1));
    pm_smp_drain_all(s);
    assert_int_equal(ts_stats(s).free_pages, 64 + 32 + 16);
    ts_destroy(s);
}

/*
 * pm_smp_add_region's page count bound, PM_BUDDY_MAX_PAGES (2^32), at
 * bound - 1, bound and bound + 1: up to the bound only the zone's metadata
 * (13 bytes a page) cannot be had, PM_ENOMEM (the wrapper fails it, the
 * one allocation); past it PM_EINVAL, nothing allocated. The allocator
 * is unchanged either way.
 */
static void test_add_region_npages_bound(void **state)
{
    const uint64_t bound = PM_BUDDY_MAX_PAGES;
    pm_smp_t *s = ts_create(2, 8, 16, 0);
    long live = af_live;

    (void)state;
    if (sizeof(size_t) <= 4)
        skip();
    for (uint64_t n = bound - 1; n <= bound; n++) {
        af_reset(1);
        assert_err(pm_smp_add_region(s, pm_paddr(0), (size_t)n), PM_ENOMEM);
        assert_int_equal(af_calls, 1);
    }
    af_reset(0);
    assert_err(pm_smp_add_region(s, pm_paddr(0), (size_t)(bound + 1)), PM_EINVAL);
    assert_int_equal(af_calls, 0);
    assert_int_equal(af_live, live);
    assert_int_equal(ts_stats(s).zones, 0);
    /* an overlap is refused before the zone's (here 52 GiB of) metadata is
     * allocated; it used to be allocated, then freed */
    assert_ok(pm_smp_add_region(s, pm_paddr(TS_BASE), 16));
    live = af_live;
    af_reset(0);
    assert_err(pm_smp_add_region(s, pm_paddr(0), (size_t)bound), PM_EINVAL);
    assert_err(pm_smp_add_region(s, pm_paddr(TS_BASE), 1), PM_EINVAL);
    assert_int_equal(af_calls, 0);
    assert_int_equal(af_live, live);
    assert_int_equal(ts_stats(s).zones, 1);
    ts_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bounds_ncpus),
        cmocka_unit_test(test_bounds_batch),
        cmocka_unit_test(test_default_high_rule),
        cmocka_unit_test(test_bounds_high_low),
        cmocka_unit_test(test_bounds_high_high),
        cmocka_unit_test(test_bounds_flags),
        cmocka_unit_test(test_largest_config),
        cmocka_unit_test(test_wrapping_configs_refused),
        cmocka_unit_test(test_layout_default),
        cmocka_unit_test(test_layout_overflow),
        cmocka_unit_test(test_create_enomem),
        cmocka_unit_test(test_add_region_enomem),
        cmocka_unit_test(test_add_region_npages_bound),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
