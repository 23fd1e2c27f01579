/*
 * test_smp_embed.c - the embedding API a kernel uses (physmem/smp.h,
 * "Embedding"): pm_smp_mem_size + pm_smp_init over a caller buffer,
 * pm_smp_add_region_mem with caller metadata, pm_smp_add_region_carve with
 * metadata in the region's own first pages, pm_smp_fini; every bad buffer
 * refused with PM_EINVAL and nothing written; the zone table's bound; and
 * the page-state compare-and-swap in the word-wide form RISC-V uses.
 */
#define PM_PSTATE_WORD_CAS 1 /* zone_pstate_cas as on a CPU without byte CAS */
#include "smp_test_util.h"

#define FILL 0xA5

static void *buf_alloc(size_t size)
{
    void *p = aligned_alloc(PM_SMP_MEM_ALIGN,
                            (size + PM_SMP_MEM_ALIGN - 1) & ~(size_t)(PM_SMP_MEM_ALIGN - 1));
    assert_non_null(p);
    memset(p, FILL, size);
    return p;
}

static void assert_untouched(const unsigned char *p, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        if (p[i] != FILL)
            fail_msg("byte %zu of a refused buffer was written", i);
    }
}

static size_t mem_size(const pm_smp_config_t *cfg)
{
    size_t bytes = 0;

    assert_ok(pm_smp_mem_size(cfg, &bytes));
    assert_true(bytes >= sizeof(struct pm_smp));
    return bytes;
}

static void test_mem_size_errors(void **state)
{
    pm_smp_config_t bad = {.ncpus = 0};
    pm_smp_config_t good = {.ncpus = 2};
    size_t bytes = 7;

    (void)state;
    assert_err(pm_smp_mem_size(NULL, &bytes), PM_EINVAL);
    assert_err(pm_smp_mem_size(&good, NULL), PM_EINVAL);
    assert_err(pm_smp_mem_size(&bad, &bytes), PM_EINVAL);
    assert_int_equal(bytes, 7);
    /* more CPUs need more memory */
    good.ncpus = 4;
    bytes = mem_size(&good);
    good.ncpus = 2;
    assert_true(mem_size(&good) < bytes);
}

static void test_init_bad_buffers(void **state)
{
    pm_smp_config_t cfg = {.ncpus = 2, .batch = 8};
    size_t size = mem_size(&cfg);
    unsigned char *mem = buf_alloc(size + PM_SMP_MEM_ALIGN);
    pm_smp_t *s = NULL;

    (void)state;
    assert_err(pm_smp_init(&cfg, NULL, size, &s), PM_EINVAL);
    assert_err(pm_smp_init(&cfg, mem + 8, size, &s), PM_EINVAL); /* misaligned */
    assert_err(pm_smp_init(&cfg, mem, size - 1, &s), PM_EINVAL); /* short */
    assert_err(pm_smp_init(&cfg, mem, size, NULL), PM_EINVAL);   /* no out */
    assert_err(pm_smp_init(NULL, mem, size, &s), PM_EINVAL);     /* no config */
    cfg.ncpus = PM_MAX_CPUS + 1;
    assert_err(pm_smp_init(&cfg, mem, size + PM_SMP_MEM_ALIGN, &s), PM_EINVAL); /* bad config */
    assert_null(s);
    assert_untouched(mem, size + PM_SMP_MEM_ALIGN);
    free(mem);
}

/* An allocator in a caller buffer, one zone with caller metadata: it
 * serves every page once, and pm_smp_fini leaves nothing to free. */
static void test_init_and_region_mem(void **state)
{
    pm_smp_config_t cfg = {.ncpus = 2, .batch = 8};
    size_t size = mem_size(&cfg), msize = 0;
    void *mem = buf_alloc(size);
    pm_paddr_t base = pm_paddr(TS_BASE);
    unsigned char *meta;
    pm_smp_t *s = NULL;
    pm_smp_stats_t st;
    pm_paddr_t a;

    (void)state;
    assert_ok(pm_smp_init(&cfg, mem, size, &s));
    assert_ptr_equal(s, mem);
    assert_err(pm_smp_region_meta_size(base, 0, &msize), PM_EINVAL);
    assert_err(pm_smp_region_meta_size(base, 1024, NULL), PM_EINVAL);
    assert_ok(pm_smp_region_meta_size(base, 1024, &msize));
    assert_true(msize > 1024); /* a state byte a page and the core's metadata */
    meta = buf_alloc(msize + PM_SMP_MEM_ALIGN);
    assert_err(pm_smp_add_region_mem(s, base, 1024, NULL, msize), PM_EINVAL);
    assert_err(pm_smp_add_region_mem(s, base, 1024, meta + 8, msize), PM_EINVAL);
    assert_err(pm_smp_add_region_mem(s, base, 1024, meta, msize - 1), PM_EINVAL);
    assert_err(pm_smp_add_region_mem(NULL, base, 1024, meta, msize), PM_EINVAL);
    assert_err(pm_smp_add_region_mem(s, base, 0, meta, msize), PM_EINVAL);
    assert_err(pm_smp_add_region_mem(s, pm_paddr(TS_BASE + 1), 1024, meta, msize), PM_EALIGN);
    assert_untouched(meta, msize + PM_SMP_MEM_ALIGN);
    st = ts_stats(s);
    assert_int_equal(st.zones, 0);
    assert_int_equal(st.total_pages, 0);
    assert_err(pm_smp_alloc(s, 0, 1, &a), PM_ENOMEM);

    assert_ok(pm_smp_add_region_mem(s, base, 1024, meta, msize));
    st = ts_stats(s);
    assert_int_equal(st.zones, 1);
    assert_int_equal(st.total_pages, 1024);
    assert_int_equal(st.meta_bytes, msize);
    /* overlapping the zone: refused, the second buffer untouched */
    {
        unsigned char *meta2 = buf_alloc(msize);

        assert_err(pm_smp_add_region_mem(s, base, 1024, meta2, msize), PM_EINVAL);
        assert_untouched(meta2, msize);
        free(meta2);
    }
    ts_assert_intact(s, NULL, 0);
    assert_ok(pm_smp_check(s));
    pm_smp_fini(s);
    free(meta);
    free(mem);
}

/* Metadata carved from the region's own first pages: the zone covers the
 * rest, no carved page is ever handed out, and writing every handed-out
 * page end to end leaves the allocator intact (its metadata is elsewhere). */
static void test_region_carve(void **state)
{
    enum { NPAGES = 2048 };
    pm_smp_config_t cfg = {.ncpus = 2, .batch = 8};
    size_t size = mem_size(&cfg), carved = 0;
    void *mem = buf_alloc(size);
    unsigned char *ram = buf_alloc((size_t)NPAGES * PM_PAGE_SIZE);
    pm_paddr_t base = pm_paddr(TS_BASE);
    pm_paddr_t *got = calloc(NPAGES, sizeof(*got));
    size_t n = 0;
    pm_smp_t *s = NULL;
    pm_paddr_t a;

    (void)state;
    assert_non_null(got);
    assert_ok(pm_smp_init(&cfg, mem, size, &s));
    assert_err(pm_smp_add_region_carve(s, base, 1, ram, &carved), PM_EINVAL); /* no room */
    assert_err(pm_smp_add_region_carve(s, base, NPAGES, ram + 8, &carved), PM_EINVAL);
    assert_err(pm_smp_add_region_carve(s, base, NPAGES, NULL, &carved), PM_EINVAL);
    assert_int_equal(ts_stats(s).zones, 0);
    assert_ok(pm_smp_add_region_carve(s, base, NPAGES, ram, &carved));
    assert_true(carved >= 1 && carved < 16);
    assert_int_equal(ts_stats(s).total_pages, NPAGES - carved);
    /* every page, in mixed orders, from both CPUs; none carved */
    for (unsigned cpu = 0;; cpu ^= 1) {
        size_t pages = (n % 3 == 0) ? 4 : 1;
        uint64_t off;

        if (pm_smp_alloc(s, cpu, pages, &a) != PM_OK && pm_smp_alloc(s, cpu, 1, &a) != PM_OK)
            break;
        off = (pm_paddr_u64(a) - TS_BASE) / PM_PAGE_SIZE;
        assert_true(off >= carved && off < NPAGES);
        got[n++] = a;
        memset(ram + off * PM_PAGE_SIZE, 0x5A, PM_PAGE_SIZE); /* the page, as its owner would */
    }
    for (size_t i = 0; i < n; i++) {
        size_t pages = (i % 3 == 0) ? 4 : 1;

        if (pm_smp_free(s, (unsigned)i & 1, got[i], pages) != PM_OK)
            assert_ok(pm_smp_free(s, (unsigned)i & 1, got[i], 1));
    }
    pm_smp_drain_all(s);
    assert_ok(pm_smp_check(s));
    assert_int_equal(ts_stats(s).free_pages, NPAGES - carved);
    pm_smp_fini(s);
    free(got);
    free(ram);
    free(mem);
}

/* PM_SMP_MAX_ZONES zones fit; one more is PM_ENOMEM, nothing changed. */
static void test_zone_table_bound(void **state)
{
    pm_smp_t *s = ts_create(1, 8, 0, 0);
    pm_paddr_t a;

    (void)state;
    for (unsigned i = 0; i < PM_SMP_MAX_ZONES; i++)
        assert_ok(pm_smp_add_region(s, pm_paddr(TS_BASE + (uint64_t)i * 2 * TS_PG), 1));
    assert_err(pm_smp_add_region(s, pm_paddr(TS_BASE + (uint64_t)PM_SMP_MAX_ZONES * 2 * TS_PG), 1),
               PM_ENOMEM);
    assert_int_equal(ts_stats(s).zones, PM_SMP_MAX_ZONES);
    assert_int_equal(ts_stats(s).total_pages, PM_SMP_MAX_ZONES);
    assert_ok(pm_smp_alloc(s, 0, 1, &a));
    assert_ok(pm_smp_free(s, 0, a, 1));
    pm_smp_drain_all(s);
    assert_ok(pm_smp_check(s));
    ts_destroy(s);
}

/* The word-wide byte compare-and-swap: only its byte changes, and only
 * when it holds the expected value. */
static void test_pstate_word_cas(void **state)
{
    _Alignas(8) _Atomic uint8_t b[8];

    (void)state;
    for (unsigned i = 0; i < 8; i++) {
        for (unsigned j = 0; j < 8; j++)
            atomic_init(&b[j], (uint8_t)(0x10 + j));
        assert_false(zone_pstate_cas(&b[i], 0x00, 0xEE));
        assert_true(zone_pstate_cas(&b[i], (uint8_t)(0x10 + i), 0xEE));
        assert_false(zone_pstate_cas(&b[i], (uint8_t)(0x10 + i), 0xDD));
        for (unsigned j = 0; j < 8; j++)
            assert_int_equal(atomic_load(&b[j]), j == i ? 0xEE : 0x10 + j);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mem_size_errors),     cmocka_unit_test(test_init_bad_buffers),
        cmocka_unit_test(test_init_and_region_mem), cmocka_unit_test(test_region_carve),
        cmocka_unit_test(test_zone_table_bound),    cmocka_unit_test(test_pstate_word_cas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
