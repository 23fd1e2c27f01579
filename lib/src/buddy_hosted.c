/*
 * buddy_hosted.c - the hosted convenience constructor (the seed's new()).
 *
 * The only file of the core that uses libc: the metadata comes from malloc
 * and is owned by the allocator. A kernel uses pm_buddy_init() instead.
 */
#include <stdlib.h>

#include "buddy_page.h"

pm_err_t pm_buddy_create(pm_paddr_t base, size_t npages, pm_buddy_t **out)
{
    size_t meta_size = pm_buddy_meta_size(base, npages);
    pm_buddy_t *b;
    void *meta;
    pm_err_t err;

    if (out == NULL)
        return PM_EINVAL;
    if (meta_size == SIZE_MAX)
        return PM_EINVAL;
    /* pm_buddy_init's own checks, before anything is allocated */
    if (!pm_paddr_is_page_aligned(base))
        return PM_EALIGN;
    if (pm_paddr_pfn(base) + (uint64_t)npages > ((uint64_t)1 << (64 - PM_PAGE_SHIFT)))
        return PM_ERANGE;
    b = calloc(1, sizeof(*b));
    if (b == NULL)
        return PM_ENOMEM;
    /* pm_buddy_init takes no NULL buffer, not even for 0 pages */
    meta = malloc(meta_size > 0 ? meta_size : 1);
    if (meta == NULL) {
        free(b);
        return PM_ENOMEM;
    }
    err = pm_buddy_init(b, base, npages, meta, meta_size);
    if (err != PM_OK) {
        free(meta);
        free(b);
        return err;
    }
    b->owned_meta = meta;
    *out = b;
    return PM_OK;
}

/*
 * Frees what pm_buddy_create allocated, whatever happened in between
 * (pm_buddy_fini included: the metadata stays owned until here). An
 * allocator pm_buddy_create did not make owns nothing, and is left alone.
 */
void pm_buddy_destroy(pm_buddy_t *b)
{
    if (b == NULL || b->owned_meta == NULL)
        return;
    free(b->owned_meta);
    b->owned_meta = NULL;
    pm_buddy_fini(b);
    free(b);
}
