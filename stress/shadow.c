/*
 * shadow.c - the shadow owner map: one atomic word per arena page holding
 * the CPU slot that owns it (0 when free) and whether it was ever handed
 * out. Every page of a block is claimed with compare-and-swap as soon as
 * the allocator returns it, so a page handed to two owners at once is
 * caught the moment the second one claims it.
 */
#include "stress.h"

#include <stdlib.h>

int stress_shadow_create(struct stress_shadow *sh, size_t pages)
{
    sh->map = calloc(pages, sizeof(*sh->map));
    sh->pages = pages;
    if (!sh->map)
        return -1;
    for (size_t i = 0; i < pages; i++)
        atomic_init(&sh->map[i], 0u);
    return 0;
}

void stress_shadow_destroy(struct stress_shadow *sh)
{
    free((void *)sh->map);
    sh->map = NULL;
    sh->pages = 0;
}

bool stress_shadow_claim(struct stress_shadow *sh, size_t page, unsigned owner, uint32_t *prev)
{
    uint32_t old = atomic_load_explicit(&sh->map[page], memory_order_relaxed);
    for (;;) {
        if (old & STRESS_SHADOW_OWNER) {
            *prev = old;
            return false;
        }
        uint32_t want = STRESS_SHADOW_TOUCHED | ((owner + 1u) & STRESS_SHADOW_OWNER);
        if (atomic_compare_exchange_weak_explicit(&sh->map[page], &old, want, memory_order_acq_rel,
                                                  memory_order_acquire)) {
            *prev = old;
            return true;
        }
    }
}

bool stress_shadow_release(struct stress_shadow *sh, size_t page, unsigned owner, uint32_t *prev)
{
    uint32_t want = STRESS_SHADOW_TOUCHED | ((owner + 1u) & STRESS_SHADOW_OWNER);
    uint32_t old = want;
    if (atomic_compare_exchange_strong_explicit(&sh->map[page], &old, STRESS_SHADOW_TOUCHED,
                                                memory_order_acq_rel, memory_order_acquire)) {
        *prev = old;
        return true;
    }
    *prev = old;
    return false;
}

uint32_t stress_shadow_get(struct stress_shadow *sh, size_t page)
{
    return atomic_load_explicit(&sh->map[page], memory_order_acquire);
}
