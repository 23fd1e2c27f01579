/*
 * pm_test_util.h - helpers shared by the buddy core's cmocka tests:
 * snapshots of an allocator (to prove an error changed nothing) and a
 * "no page lost, none handed out twice" check by draining a clone.
 */
#ifndef PM_TEST_UTIL_H
#define PM_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <physmem/physmem.h>
#include "buddy_page.h"

/* cmocka asserts on pm_err_t, printing the names on failure. */
#define assert_err(expr, want)                                                                     \
    do {                                                                                           \
        pm_err_t got_err = (expr);                                                                 \
        if (got_err != (want))                                                                     \
            print_error("%s returned %s, expected %s\n", #expr, pm_errname(got_err),               \
                        pm_errname(want));                                                         \
        assert_int_equal(got_err, (want));                                                         \
    } while (0)

#define assert_ok(expr) assert_err((expr), PM_OK)

/*
 * An allocator with metadata from pm_buddy_create (freed by
 * pm_buddy_destroy): the textbook eager buddy, as created, unless
 * PM_TEST_HOT_MAX is set: CTest runs the buddy tests once as they are and
 * once more with PM_TEST_HOT_MAX=16, the opt-in hot stack.
 */
static inline pm_buddy_t *tb_create(uint64_t base, size_t npages)
{
    pm_buddy_t *b = NULL;
    const char *hot = getenv("PM_TEST_HOT_MAX");

    assert_ok(pm_buddy_create(pm_paddr(base), npages, &b));
    assert_non_null(b);
    if (hot != NULL)
        assert_ok(pm_buddy_set_hot_max(b, (uint32_t)strtoul(hot, NULL, 0)));
    assert_ok(pm_buddy_check(b));
    return b;
}

/* An allocator that merges every free at once, for tests of the lists. */
static inline pm_buddy_t *tb_create_eager(uint64_t base, size_t npages)
{
    pm_buddy_t *b = tb_create(base, npages);

    assert_ok(pm_buddy_set_hot_max(b, 0));
    return b;
}

/* Free blocks per order, as an array to compare with expectations. */
static inline void tb_free_blocks(const pm_buddy_t *b, uint64_t out[PM_NR_ORDERS])
{
    pm_order_stats_t os[PM_NR_ORDERS];

    pm_buddy_order_stats(b, os);
    for (unsigned o = 0; o < PM_NR_ORDERS; o++)
        out[o] = os[o].free_blocks;
}

static inline void tb_assert_free_blocks(const pm_buddy_t *b, const uint64_t want[PM_NR_ORDERS])
{
    uint64_t got[PM_NR_ORDERS];

    tb_free_blocks(b, got);
    for (unsigned o = 0; o < PM_NR_ORDERS; o++) {
        if (got[o] != want[o])
            print_error("order %u: %llu free blocks, expected %llu\n", o,
                        (unsigned long long)got[o], (unsigned long long)want[o]);
        assert_int_equal(got[o], want[o]);
    }
}

/* A full copy of an allocator: its struct and its metadata. */
struct tb_snap {
    pm_buddy_t b;
    struct pm_buddy_page *meta;
    pm_stats_t st;
    pm_order_stats_t os[PM_NR_ORDERS];
};

static inline void tb_snap_take(struct tb_snap *s, const pm_buddy_t *b)
{
    size_t n = (size_t)b->npages;

    s->b = *b;
    s->meta = NULL;
    if (n > 0) {
        s->meta = malloc(n * sizeof(*s->meta));
        assert_non_null(s->meta);
        memcpy(s->meta, b->pages, n * sizeof(*s->meta));
    }
    pm_buddy_stats(b, &s->st);
    pm_buddy_order_stats(b, s->os);
}

static inline void tb_snap_release(struct tb_snap *s)
{
    free(s->meta);
    s->meta = NULL;
}

/*
 * Turns the snapshot into what pm_buddy_flush_hot() would make of it (on the
 * copy of the metadata): what an allocation that fails after merging the hot
 * pages must leave behind.
 */
static inline void tb_snap_flush(struct tb_snap *s)
{
    struct pm_buddy_page *pages = s->b.pages;

    if (s->meta == NULL)
        return;
    s->b.pages = s->meta;
    assert_ok(pm_buddy_flush_hot(&s->b));
    pm_buddy_stats(&s->b, &s->st);
    pm_buddy_order_stats(&s->b, s->os);
    s->b.pages = pages;
}

/*
 * Asserts that b is exactly as in the snapshot, except that the statistics
 * may count `attempts` more allocation attempts of which `failed` failed.
 * Also runs pm_buddy_check(). Releases the snapshot.
 */
static inline void tb_snap_assert_same(struct tb_snap *s, const pm_buddy_t *b, uint64_t attempts,
                                       uint64_t failed)
{
    pm_stats_t st;
    pm_order_stats_t os[PM_NR_ORDERS];
    pm_buddy_t want = s->b;

    pm_buddy_stats(b, &st);
    pm_buddy_order_stats(b, os);
    assert_int_equal(pm_buddy_free_pages(b), s->st.free_pages);
    assert_int_equal(st.free_pages, s->st.free_pages);
    assert_int_equal(st.total_pages, s->st.total_pages);
    assert_int_equal(st.frees, s->st.frees);
    assert_int_equal(st.requested_pages, s->st.requested_pages);
    assert_int_equal(st.splits, s->st.splits);
    assert_int_equal(st.coalesces, s->st.coalesces);
    assert_int_equal(st.peak_used_pages, s->st.peak_used_pages);
#if PM_STATS
    assert_int_equal(st.allocations, s->st.allocations + attempts);
    assert_int_equal(st.failed_allocations, s->st.failed_allocations + failed);
    want.st_allocations += attempts;
    want.st_failed += failed;
#else
    (void)attempts;
    (void)failed;
#endif
    for (unsigned o = 0; o < PM_NR_ORDERS; o++) {
        assert_int_equal(os[o].free_blocks, s->os[o].free_blocks);
        assert_int_equal(os[o].allocations, s->os[o].allocations);
        assert_int_equal(os[o].frees, s->os[o].frees);
    }
    /* Field for field (no memcmp: the struct has padding), then every page. */
    assert_ptr_equal(want.pages, b->pages);
    assert_int_equal(want.base_pfn, b->base_pfn);
    assert_int_equal(want.npages, b->npages);
    assert_int_equal(want.free_pages, b->free_pages);
    assert_int_equal(want.magic, b->magic);
    assert_ptr_equal(want.owned_meta, b->owned_meta);
    assert_int_equal(want.nhot, b->nhot);
    assert_int_equal(want.hot_max, b->hot_max);
    if (want.nhot > 0)
        assert_int_equal(want.hot_head, b->hot_head);
    for (unsigned o = 0; o < PM_NR_ORDERS; o++) {
        assert_int_equal(want.nfree[o], b->nfree[o]);
        if (want.nfree[o] > 0)
            assert_int_equal(want.head[o], b->head[o]);
        assert_int_equal(want.st_order_allocs[o], b->st_order_allocs[o]);
        assert_int_equal(want.st_order_frees[o], b->st_order_frees[o]);
    }
    assert_int_equal(want.st_allocations, b->st_allocations);
    assert_int_equal(want.st_failed, b->st_failed);
    assert_int_equal(want.st_frees, b->st_frees);
    assert_int_equal(want.st_splits, b->st_splits);
    assert_int_equal(want.st_coalesces, b->st_coalesces);
    assert_int_equal(want.st_peak_used, b->st_peak_used);
    assert_int_equal(want.st_requested, b->st_requested);
    if (s->meta != NULL)
        assert_memory_equal(s->meta, b->pages, (size_t)b->npages * sizeof(*s->meta));
    if (pm_buddy_is_initialized(b))
        assert_ok(pm_buddy_check(b));
    tb_snap_release(s);
}

/*
 * Proves that no page is lost and none is handed out twice: on a clone of b
 * (b itself is untouched), allocates single pages until PM_ENOMEM and checks
 * that exactly free_pages distinct pages come out, each inside the range and
 * outside every block in held[] (the caller's outstanding allocations), and
 * that held[] plus the drained pages cover every page exactly once.
 */
static inline void tb_assert_no_page_lost(const pm_buddy_t *b, const pm_frame_t *held, size_t nheld)
{
    size_t n = (size_t)b->npages;
    pm_buddy_t c = *b;
    unsigned char *seen = calloc(n > 0 ? n : 1, 1);
    uint64_t drained = 0;
    pm_paddr_t a;

    assert_non_null(seen);
    assert_ok(pm_buddy_check(b));
    for (size_t h = 0; h < nheld; h++) {
        uint64_t off = pm_paddr_pfn(held[h].addr) - b->base_pfn;
        size_t pages = pm_frame_pages(held[h]);
        assert_true(off + pages <= n);
        for (size_t j = 0; j < pages; j++) {
            assert_int_equal(seen[off + j], 0); /* held blocks must not overlap */
            seen[off + j] = 1;
        }
    }
    if (n > 0) {
        c.pages = malloc(n * sizeof(*c.pages));
        assert_non_null(c.pages);
        memcpy(c.pages, b->pages, n * sizeof(*c.pages));
    }
    while (pm_buddy_alloc(&c, 1, &a) == PM_OK) {
        uint64_t pfn = pm_paddr_pfn(a);
        assert_true(pm_paddr_is_page_aligned(a));
        assert_true(pfn >= b->base_pfn && pfn - b->base_pfn < n);
        assert_int_equal(seen[pfn - b->base_pfn], 0); /* handed out twice */
        seen[pfn - b->base_pfn] = 2;
        drained++;
        assert_true(drained <= n);
    }
    assert_int_equal(drained, b->free_pages);
    assert_int_equal(pm_buddy_free_pages(&c), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_not_equal(seen[i], 0); /* a page nobody holds and nobody can get: lost */
    free(c.pages);
    free(seen);
}

#endif /* PM_TEST_UTIL_H */
