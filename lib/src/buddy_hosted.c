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
    void *meta = NULL;
    pm_err_t err;

    if (out == NULL)
        return PM_EINVAL;
    if (meta_size == SIZE_MAX)
        return PM_EINVAL;
    b = calloc(1, sizeof(*b));
    if (b == NULL)
        return PM_ENOMEM;
    if (meta_size > 0) {
        meta = malloc(meta_size);
        if (meta == NULL) {
            free(b);
            return PM_ENOMEM;
        }
    }
    err = pm_buddy_init(b, base, npages, meta, meta_size);
    if (err != PM_OK) {
        free(meta);
        free(b);
        return err;
    }
    b->owns_meta = true;
    *out = b;
    return PM_OK;
}

void pm_buddy_destroy(pm_buddy_t *b)
{
    if (b == NULL)
        return;
    if (b->owns_meta)
        free(b->pages);
    pm_buddy_fini(b);
    free(b);
}
