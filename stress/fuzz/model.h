/*
 * model.h - the fuzzers' reference model of a page allocator: written
 * separately from lib/ and percpu/ and kept deliberately simple.
 *
 * The model knows one state per page, in one or more regions (a buddy core
 * is one region; an SMP allocator one region per zone):
 *
 *   FZ_PAGE_FREE           free (for the SMP allocator: cached pages too)
 *   FZ_PAGE_HEAD + order   the first page of an allocated block of 2^order
 *   FZ_PAGE_TAIL           any other page of an allocated block
 *
 * It cannot predict which block the allocator picks, only whether one can
 * exist: fz_model_has_run(order) is true exactly when some region holds a
 * naturally aligned (on the absolute pfn) run of 2^order free pages. With
 * full coalescing, a buddy allocator must succeed exactly then. For a free
 * it computes the exact error pm_buddy_free documents, in the documented
 * order (lib/include/physmem/buddy.h).
 *
 * Every operation is a plain loop over the page array: O(pages), obviously
 * right, and fast enough for a few thousand pages.
 */
#ifndef PM_FUZZ_MODEL_H
#define PM_FUZZ_MODEL_H

#include <physmem/physmem.h>

#define FZ_MAX_REGIONS 16

enum {
    FZ_PAGE_FREE = 0,
    FZ_PAGE_HEAD = 1, /* HEAD + order, order 0..PM_MAX_ORDER */
    FZ_PAGE_TAIL = 0xff,
};

struct fz_region {
    uint64_t base_pfn;
    uint64_t npages;
    uint8_t *st; /* npages entries */
};

typedef struct fz_model {
    struct fz_region r[FZ_MAX_REGIONS];
    unsigned nregions;
    uint64_t total; /* pages in all regions */
    uint64_t free;  /* pages in state FREE */
} fz_model_t;

/* An empty model (no regions). */
void fz_model_init(fz_model_t *m);
/* Frees the regions; the model is empty again. */
void fz_model_fini(fz_model_t *m);

/* True if [base_pfn, base_pfn + npages) overlaps a region. */
bool fz_model_overlaps(const fz_model_t *m, uint64_t base_pfn, uint64_t npages);
/* Adds an all-free region; false if it overlaps, is empty or no slot is left. */
bool fz_model_add_region(fz_model_t *m, uint64_t base_pfn, uint64_t npages);

/* Every page free again. */
void fz_model_reset(fz_model_t *m);

/* Some region has a free run of 2^order pages starting at a multiple of 2^order. */
bool fz_model_has_run(const fz_model_t *m, unsigned order);

/* The block (pfn, order) lies in one region, is aligned and entirely free. */
bool fz_model_can_place(const fz_model_t *m, uint64_t pfn, unsigned order);
/* Marks it allocated; requires fz_model_can_place. */
void fz_model_mark_alloc(fz_model_t *m, uint64_t pfn, unsigned order);

/*
 * The error pm_buddy_free(addr, npages) must return on an initialized
 * allocator, in the documented order: PM_EZERO, PM_EALIGN (page), PM_ERANGE,
 * PM_ETOOLARGE, PM_EALIGN (order), PM_ENOTALLOC, PM_ESIZE; else PM_OK.
 */
pm_err_t fz_model_free_error(const fz_model_t *m, pm_paddr_t addr, size_t npages);
/* Frees the allocated block whose head is pfn; requires a head there. */
void fz_model_mark_free(fz_model_t *m, uint64_t pfn);

/* As pm_buddy_block_order: PM_EALIGN, PM_ERANGE, PM_ENOTALLOC, or PM_OK and *order. */
pm_err_t fz_model_block_order(const fz_model_t *m, pm_paddr_t addr, unsigned *order);

/* The region holding pfn, or NULL. */
const struct fz_region *fz_model_region_of(const fz_model_t *m, uint64_t pfn);

/* Recounts everything from the page array; false if a counter or the tiling is off. */
bool fz_model_self_check(const fz_model_t *m);

#endif /* PM_FUZZ_MODEL_H */
