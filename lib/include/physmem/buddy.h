/*
 * physmem/buddy.h - the single-threaded buddy allocator (the seed's
 * BuddyAllocator), without the seed's defects.
 *
 * - Metadata lives out of band, in a buffer the caller gives
 *   (pm_buddy_meta_size() bytes, 12 per page): the managed addresses need not
 *   be mapped at all.
 * - Every operation is O(PM_NR_ORDERS): free lists are intrusive doubly
 *   linked lists threaded through the metadata, so a buddy leaves its list in
 *   O(1). There is no limit on the number of free blocks.
 * - Frees are fully checked: a double, interior, misaligned or wrong-size
 *   free is refused with a precise error and changes nothing.
 * - By default every free merges with its free buddies at once, as the seed
 *   documents: after everything is freed, the order statistics show the
 *   range fully coalesced.
 * - Opt-in (pm_buddy_set_hot_max(b, n), n > 0): order-0 frees go first to a
 *   small LIFO "hot stack" of at most n free pages that are not merged yet,
 *   and order-0 allocations take from it first: a page freed and allocated
 *   again costs no split and no merge, and comes back cache-warm. An
 *   allocation of a larger block that the free lists cannot serve merges
 *   the hot pages (pm_buddy_flush_hot()) and tries again, so they never
 *   cause a failure. Hot pages count as free everywhere (free_pages, order
 *   0's free_blocks), but stay unmerged in the order statistics until
 *   flushed.
 *
 * Not thread-safe: the caller serializes (physmem::smp wraps one per zone in
 * a ticket lock).
 *
 * Contract: the errors each function can return. On an error b is exactly
 * as it was (the one exception: a PM_ENOMEM with the opt-in hot stack has
 * merged the hot pages, as pm_buddy_flush_hot would), and no out-parameter
 * is written. Errors come in the order listed.
 *
 *   pm_buddy_init         PM_EINVAL (NULL b), PM_EBUSY, PM_EALIGN, PM_EINVAL (more
 *                         than 2^32 pages), PM_ERANGE, PM_EINVAL (meta NULL, short or
 *                         misaligned, for 0 pages too)
 *   pm_buddy_create       PM_EINVAL (NULL out, more than 2^32 pages), PM_EALIGN,
 *                         PM_ERANGE (all before anything is allocated), PM_ENOMEM
 *   pm_buddy_alloc        PM_EINVAL (NULL b or out), PM_EUNINIT, PM_EZERO,
 *   pm_buddy_alloc_frame    PM_ETOOLARGE, PM_ENOMEM (error.h says what it promises)
 *   pm_buddy_free         PM_EINVAL (NULL b), PM_EUNINIT, PM_EZERO, PM_EALIGN (page),
 *   pm_buddy_free_frame     PM_ERANGE, PM_ETOOLARGE (a frame: order above 9), PM_EALIGN
 *                           (order), PM_ENOTALLOC, PM_ESIZE
 *   pm_buddy_block_order  PM_EINVAL (NULL b or order), PM_EUNINIT, PM_EALIGN,
 *                         PM_ERANGE, PM_ENOTALLOC
 *   pm_buddy_set_hot_max, PM_EINVAL (NULL b), PM_EUNINIT
 *   pm_buddy_flush_hot
 *   pm_buddy_check        PM_EINVAL (NULL b), PM_EUNINIT, PM_ECORRUPT
 *   pm_buddy_alloc_bulk   no error code: the count it allocated; 0 for a NULL b or
 *                         out, an uninitialized b, an order above 9
 *   pm_buddy_meta_size    SIZE_MAX for more than 2^32 pages
 *   pm_buddy_fini, _reset, _destroy, _stats, _order_stats, and the queries: no
 *                         error; NULL and uninitialized allocators are ignored (0,
 *                         false, zeroed statistics)
 */
#ifndef PHYSMEM_BUDDY_H
#define PHYSMEM_BUDDY_H

#include <physmem/config.h>
#include <physmem/error.h>
#include <physmem/addr.h>
#include <physmem/order.h>
#include <physmem/frame.h>
#include <physmem/stats.h>

struct pm_buddy_page; /* per-page metadata, private to the core */

/*
 * The allocator. A complete type so that a kernel can place one statically
 * (static pm_buddy_t b = PM_BUDDY_UNINIT;); its fields are private.
 *
 * Invariants (checked by pm_buddy_check()):
 *   free_pages == sum over o of (nfree[o] << o) + nhot
 *   bit o of avail == (nfree[o] != 0)
 *   nhot <= hot_max; the hot stack holds nhot order-0 HOT pages
 *   every free block of order o is naturally aligned: pfn % 2^o == 0
 *   no two listed free blocks of order o < 9 are buddies (they would have
 *   merged; a hot page is not listed and merges only when flushed)
 *   the blocks, free, hot and allocated, tile [base_pfn, base_pfn + npages)
 */
typedef struct pm_buddy {
    struct pm_buddy_page *pages; /* npages entries, indexed by pfn - base_pfn */
    uint64_t base_pfn;
    uint64_t npages;
    uint64_t free_pages;
    uint64_t nfree[PM_NR_ORDERS]; /* free blocks per order */
    uint32_t head[PM_NR_ORDERS];  /* first free block per order (valid if nfree) */
    uint32_t avail;               /* bit o set iff nfree[o] != 0 */
    uint32_t hot_head;            /* top of the hot stack (valid if nhot) */
    uint32_t nhot;                /* order-0 pages on the hot stack */
    uint32_t hot_max;             /* most pages the hot stack keeps */
    uint32_t magic;               /* PM_BUDDY_MAGIC once initialized */
    void *owned_meta; /* pm_buddy_create()'s metadata, freed by pm_buddy_destroy() only */
    /* statistics (PM_STATS) */
    uint64_t st_allocations, st_failed, st_frees, st_splits, st_coalesces;
    uint64_t st_peak_used, st_requested;
    uint64_t st_order_allocs[PM_NR_ORDERS];
    uint64_t st_order_frees[PM_NR_ORDERS];
} pm_buddy_t;

#define PM_BUDDY_UNINIT                                                                            \
    {                                                                                              \
        0                                                                                          \
    }

/* Bytes of metadata for npages pages; SIZE_MAX if npages is too large. */
size_t pm_buddy_meta_size(pm_paddr_t base, size_t npages);

/*
 * Initializes b over [base, base + npages pages) with the caller's metadata
 * buffer (4-byte aligned, at least pm_buddy_meta_size() bytes; it must stay
 * valid until pm_buddy_fini). Carves greedily from low to high addresses,
 * each step the largest naturally aligned block that fits. Errors:
 * PM_EINVAL (NULL b; a NULL, short or misaligned meta, also for 0 pages,
 * which need a buffer of 0 bytes; more than 2^32 pages), PM_EALIGN (base
 * not page aligned), PM_ERANGE (the range wraps past 2^64), PM_EBUSY (b
 * already initialized).
 */
pm_err_t pm_buddy_init(pm_buddy_t *b, pm_paddr_t base, size_t npages, void *meta, size_t meta_size);

/*
 * Returns b to uninitialized (pm_buddy_init may follow); outstanding
 * allocations are forgotten. The metadata is the caller's again, except
 * pm_buddy_create's own, which stays with b until pm_buddy_destroy (so
 * fini then destroy frees everything). NULL is ignored.
 */
void pm_buddy_fini(pm_buddy_t *b);

/*
 * Hosted convenience (the seed's new): the allocator and its metadata from
 * malloc (buddy_hosted.c). Errors: PM_EINVAL (NULL out, more than 2^32
 * pages), PM_EALIGN, PM_ERANGE (pm_buddy_init's, checked before anything is
 * allocated), PM_ENOMEM; on error nothing stays allocated and *out is
 * untouched.
 * pm_buddy_destroy frees both, whatever happened in between (fini, init
 * over another buffer, which stays the caller's); it ignores NULL and any
 * allocator pm_buddy_create did not make.
 */
pm_err_t pm_buddy_create(pm_paddr_t base, size_t npages, pm_buddy_t **out);
void pm_buddy_destroy(pm_buddy_t *b);

/*
 * Allocates a block of 2^ceil(log2(npages)) pages, aligned to its size.
 * Errors, in order: PM_EINVAL (NULL), PM_EUNINIT, PM_EZERO, PM_ETOOLARGE,
 * PM_ENOMEM.
 */
PM_NODISCARD pm_err_t pm_buddy_alloc(pm_buddy_t *b, size_t npages, pm_paddr_t *out);

/*
 * Frees the block at addr that was allocated with a page count of the same
 * order as npages. Errors, in order: PM_EINVAL, PM_EUNINIT, PM_EZERO,
 * PM_EALIGN (not page aligned), PM_ERANGE, PM_ETOOLARGE, PM_EALIGN (not
 * aligned to the order), PM_ENOTALLOC (no allocated block starts at addr: a
 * double free, an interior page, a free page), PM_ESIZE (the block's order
 * differs). On error nothing changes.
 */
pm_err_t pm_buddy_free(pm_buddy_t *b, pm_paddr_t addr, size_t npages);

PM_NODISCARD pm_err_t pm_buddy_alloc_frame(pm_buddy_t *b, size_t npages, pm_frame_t *out);
pm_err_t pm_buddy_free_frame(pm_buddy_t *b, pm_frame_t f);

/*
 * Allocates up to count blocks of the given order into out[]; returns how
 * many (fewer only when memory runs out). Counts as count allocations.
 * Order 0 takes the hot pages first, then naturally aligned runs, each the
 * smallest free block that fits what is left (holes before whole blocks).
 */
size_t pm_buddy_alloc_bulk(pm_buddy_t *b, unsigned order, size_t count, pm_paddr_t *out);

/* Every page free again, counters zeroed (hot_max is kept). */
void pm_buddy_reset(pm_buddy_t *b);

/*
 * The hot stack, off unless set (PM_BUDDY_HOT_DEFAULT is 0).
 * pm_buddy_set_hot_max() sets how many freed order-0 pages b keeps unmerged
 * (0: every free merges at once, the textbook buddy); lowering it merges
 * the excess at once. pm_buddy_flush_hot() merges every hot page now (after
 * it, the free lists are exactly what eager merging would have made).
 * Errors: PM_EINVAL (NULL b), PM_EUNINIT.
 */
pm_err_t pm_buddy_set_hot_max(pm_buddy_t *b, uint32_t max);
pm_err_t pm_buddy_flush_hot(pm_buddy_t *b);
uint64_t pm_buddy_hot_pages(const pm_buddy_t *b); /* 0 for NULL or uninitialized */

uint64_t pm_buddy_total_pages(const pm_buddy_t *b);
uint64_t pm_buddy_free_pages(const pm_buddy_t *b);
bool pm_buddy_contains(const pm_buddy_t *b, pm_paddr_t a);
bool pm_buddy_is_initialized(const pm_buddy_t *b);

/* The order of the allocated block that starts at a; PM_ENOTALLOC if none. */
pm_err_t pm_buddy_block_order(const pm_buddy_t *b, pm_paddr_t a, unsigned *order);

void pm_buddy_stats(const pm_buddy_t *b, pm_stats_t *out);
void pm_buddy_order_stats(const pm_buddy_t *b, pm_order_stats_t out[PM_NR_ORDERS]);

/* Walks every list, the hot stack and every page's metadata: PM_OK or PM_ECORRUPT
 * (PM_EUNINIT for an uninitialized allocator). O(npages). */
pm_err_t pm_buddy_check(const pm_buddy_t *b);

#endif /* PHYSMEM_BUDDY_H */
