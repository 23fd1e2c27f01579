/*
 * test_buddy_create.c - the life of an allocator's memory: pm_buddy_create
 * and pm_buddy_destroy, with pm_buddy_fini and pm_buddy_init between them
 * in any order; what create does when its memory cannot be had (PM_ENOMEM
 * for each allocation that fails, nothing leaked) or its arguments are bad
 * (the error, nothing leaked); pm_buddy_init's metadata checks for 0 pages.
 *
 * Linked with the allocator wrappers of pm_alloc_fail.h, which count every
 * block allocated and freed: each test ends with as many live blocks as it
 * began with (LeakSanitizer and valgrind run it too).
 */
#include "pm_test_util.h"
#include "pm_alloc_fail.h"

#define BASE      0x10000000u
#define UNTOUCHED ((pm_buddy_t *)(uintptr_t)0x1)

/* Issue 12: fini, then destroy, leaked the metadata (1.2 MB for 100,000 pages). */
static void test_fini_then_destroy(void **state)
{
    long live = af_live;
    pm_buddy_t *b = NULL;
    pm_paddr_t a;

    (void)state;
    assert_ok(pm_buddy_create(pm_paddr(BASE), 100000, &b));
    assert_int_equal(af_live, live + 2); /* the allocator and its metadata */
    assert_ok(pm_buddy_alloc(b, 3, &a));
    pm_buddy_fini(b);
    assert_false(pm_buddy_is_initialized(b));
    assert_err(pm_buddy_alloc(b, 1, &a), PM_EUNINIT);
    pm_buddy_fini(b); /* twice is harmless */
    pm_buddy_destroy(b);
    assert_int_equal(af_live, live);
}

/* After fini the caller may init it again over a buffer of its own: destroy
 * then frees what create allocated, and leaves the caller's buffer alone. */
static void test_fini_init_destroy(void **state)
{
    static uint32_t meta[64 * 3];
    long live = af_live;
    pm_buddy_t *b = NULL;
    pm_paddr_t a;

    (void)state;
    assert_ok(pm_buddy_create(pm_paddr(BASE), 1000, &b));
    pm_buddy_fini(b);
    assert_ok(pm_buddy_init(b, pm_paddr(BASE), 64, meta, sizeof(meta)));
    assert_ok(pm_buddy_alloc(b, 8, &a));
    assert_ok(pm_buddy_free(b, a, 8));
    assert_ok(pm_buddy_check(b));
    pm_buddy_destroy(b);
    assert_int_equal(af_live, live);
    meta[0] = 1; /* still the caller's */
}

/* destroy frees only what create allocated: an allocator it did not make
 * (static, or the caller's own) is left exactly as it was. */
static void test_destroy_not_created(void **state)
{
    static uint32_t meta[64 * 3];
    pm_buddy_t b = PM_BUDDY_UNINIT;
    long live = af_live;
    pm_paddr_t a;

    (void)state;
    pm_buddy_destroy(NULL);
    pm_buddy_destroy(&b);
    assert_false(pm_buddy_is_initialized(&b));
    assert_ok(pm_buddy_init(&b, pm_paddr(BASE), 64, meta, sizeof(meta)));
    assert_ok(pm_buddy_alloc(&b, 1, &a));
    pm_buddy_destroy(&b);
    assert_true(pm_buddy_is_initialized(&b));
    assert_int_equal(pm_buddy_free_pages(&b), 63);
    assert_ok(pm_buddy_free(&b, a, 1));
    assert_ok(pm_buddy_check(&b));
    pm_buddy_fini(&b);
    assert_int_equal(af_live, live);
}

/* Each of create's allocations fails in turn: PM_ENOMEM, *out untouched,
 * nothing leaked. */
static void test_create_enomem(void **state)
{
    const size_t sizes[] = {0, 1, 4096};

    (void)state;
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        long live = af_live;
        pm_buddy_t *b = NULL;
        unsigned long n;

        af_reset(0);
        assert_ok(pm_buddy_create(pm_paddr(BASE), sizes[i], &b));
        n = af_calls;
        pm_buddy_destroy(b);
        assert_int_equal(n, 2); /* the allocator and its metadata */
        for (unsigned long k = 1; k <= n; k++) {
            b = UNTOUCHED;
            af_reset(k);
            assert_err(pm_buddy_create(pm_paddr(BASE), sizes[i], &b), PM_ENOMEM);
            assert_ptr_equal(b, UNTOUCHED);
            assert_int_equal(af_live, live);
        }
        af_reset(0);
    }
}

/* Bad arguments: the error, *out untouched, nothing leaked (and nothing
 * allocated at all for a count too large). */
static void test_create_errors(void **state)
{
    uint64_t top_pfn = (uint64_t)1 << (64 - PM_PAGE_SHIFT);
    long live = af_live;
    pm_buddy_t *b = UNTOUCHED;

    (void)state;
    af_reset(0);
    assert_err(pm_buddy_create(pm_paddr(BASE), 16, NULL), PM_EINVAL);
    if (sizeof(size_t) > 4) {
        assert_err(pm_buddy_create(pm_paddr(0), (size_t)(PM_BUDDY_MAX_PAGES + 1), &b), PM_EINVAL);
        assert_err(pm_buddy_create(pm_paddr(0), SIZE_MAX, &b), PM_EINVAL);
    }
    assert_err(pm_buddy_create(pm_paddr(BASE + 1), 16, &b), PM_EALIGN);
    assert_err(pm_buddy_create(pm_paddr(BASE + 0x800), 0, &b), PM_EALIGN);
    assert_err(pm_buddy_create(pm_paddr((top_pfn - 10) << PM_PAGE_SHIFT), 11, &b), PM_ERANGE);
    assert_int_equal(af_calls, 0); /* every refusal before any allocation */
    assert_ok(pm_buddy_create(pm_paddr((top_pfn - 10) << PM_PAGE_SHIFT), 10, &b));
    pm_buddy_destroy(b); /* ending exactly at 2^64 is fine */
    b = UNTOUCHED;
    assert_err(pm_buddy_create(pm_paddr(BASE + 1), 16, &b), PM_EALIGN);
    assert_ptr_equal(b, UNTOUCHED);
    assert_int_equal(af_live, live);
}

/*
 * The page count's bound, PM_BUDDY_MAX_PAGES (2^32), at bound - 1, bound and
 * bound + 1: up to the bound the count is accepted and only the metadata
 * (12 bytes a page, 48 GiB here) cannot be had, PM_ENOMEM (the wrapper
 * fails that allocation, the second); past it, PM_EINVAL before anything is
 * allocated.
 */
static void test_create_npages_bound(void **state)
{
    const uint64_t bound = PM_BUDDY_MAX_PAGES;
    long live = af_live;
    pm_buddy_t *b = UNTOUCHED;

    (void)state;
    if (sizeof(size_t) <= 4)
        skip();
    assert_int_equal(pm_buddy_meta_size(pm_paddr(0), (size_t)bound), (size_t)bound * 12);
    assert_int_equal(pm_buddy_meta_size(pm_paddr(0), (size_t)(bound + 1)), SIZE_MAX);
    for (uint64_t n = bound - 1; n <= bound; n++) {
        af_reset(2);
        assert_err(pm_buddy_create(pm_paddr(0), (size_t)n, &b), PM_ENOMEM);
        assert_int_equal(af_calls, 2);
    }
    af_reset(0);
    assert_err(pm_buddy_create(pm_paddr(0), (size_t)(bound + 1), &b), PM_EINVAL);
    assert_int_equal(af_calls, 0);
    assert_ptr_equal(b, UNTOUCHED);
    assert_int_equal(af_live, live);
}

/* buddy.h: a NULL, short or misaligned buffer is PM_EINVAL, for 0 pages too
 * (issue 12: 0 pages with NULL was PM_OK); b stays uninitialized. */
static void test_init_zero_pages_needs_a_buffer(void **state)
{
    static uint32_t meta[4];
    pm_buddy_t b = PM_BUDDY_UNINIT;
    pm_paddr_t a;

    (void)state;
    assert_err(pm_buddy_init(&b, pm_paddr(BASE), 0, NULL, 0), PM_EINVAL);
    assert_false(pm_buddy_is_initialized(&b));
    assert_err(pm_buddy_init(&b, pm_paddr(BASE), 0, NULL, 64), PM_EINVAL);
    assert_err(pm_buddy_init(&b, pm_paddr(BASE), 0, (char *)meta + 2, sizeof(meta)), PM_EINVAL);
    assert_false(pm_buddy_is_initialized(&b));
    /* a buffer of 0 bytes is enough */
    assert_ok(pm_buddy_init(&b, pm_paddr(BASE), 0, meta, 0));
    assert_true(pm_buddy_is_initialized(&b));
    assert_err(pm_buddy_alloc(&b, 1, &a), PM_ENOMEM);
    assert_ok(pm_buddy_check(&b));
    pm_buddy_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fini_then_destroy),
        cmocka_unit_test(test_fini_init_destroy),
        cmocka_unit_test(test_destroy_not_created),
        cmocka_unit_test(test_create_enomem),
        cmocka_unit_test(test_create_errors),
        cmocka_unit_test(test_create_npages_bound),
        cmocka_unit_test(test_init_zero_pages_needs_a_buffer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
