/*
 * magazine_path.c - order 0 through the calling CPU's two magazines
 * (Bonwick), the slow halves; the fast halves are inline in smp.c.
 *
 *   alloc: pop `loaded`                                  <- fast path, inline
 *          else swap with `previous` if it has pages
 *          else trade the empty `previous` at the depot for a full one
 *          else refill `loaded` with `batch` pages, one zone-lock acquisition
 *          else drain every CPU and the depot, and try once more: PM_ENOMEM
 *               means no free page exists anywhere.
 *   free:  push `loaded`                                 <- fast path, inline
 *          else swap with `previous` if it is empty
 *          else trade the full `previous` at the depot for an empty one
 *          else drain `previous` (one batch, one zone-lock acquisition).
 *
 * Every function here runs inside the owner's call (busy is 1) and ends it.
 *
 * Worked example (batch 4): CPU 0 allocates 9 pages from an empty cache.
 * Page 1 finds both magazines empty and the depot empty: refill takes 4
 * pages (pfn 0,1,2,3) under one lock, pops pfn 3. Pages 2-4 pop 2,1,0.
 * Page 5 refills again (4..7). The buddy core split one order-3 block for
 * all of that: pfn 0 ^ (1 << 2) = 4 was the buddy of the first half.
 */
#include "smp_internal.h"

static inline void cpu_swap(struct cpu_cache *c)
{
    struct mag *t = c->loaded;

    c->loaded = c->previous;
    c->previous = t;
}

bool cpu_reload(struct pm_smp *s, struct cpu_cache *c)
{
    struct mag *full;

    if (!mag_is_empty(c->previous)) {
        cpu_swap(c);
        return true;
    }
    full = depot_trade_empty(&s->depot, c->previous);
    if (full != NULL) {
        c->previous = c->loaded;
        c->loaded = full;
        return true;
    }
    return mag_refill(&s->zones, c->loaded, s->batch) > 0;
}

PM_NOINLINE PM_COLD pm_err_t mag_alloc_slow(struct pm_smp *s, struct cpu_cache *c, pm_paddr_t *out)
{
    cpu_settle(c);
    if (mag_is_empty(c->loaded) && !cpu_reload(s, c)) {
        smp_drain_everything(s, c);
        if (mag_is_empty(c->loaded) && !cpu_reload(s, c))
            return cpu_alloc_done(c, PM_ENOMEM);
    }
    *out = cpu_take(c);
    return cpu_alloc_done(c, PM_OK);
}

PM_NOINLINE PM_COLD void mag_free_slow(struct pm_smp *s, struct cpu_cache *c, pm_paddr_t a,
                                       _Atomic uint8_t *ps)
{
    if (!mag_is_full(c->previous)) {
        cpu_swap(c);
    } else {
        struct mag *empty = depot_trade_full(&s->depot, c->previous);

        if (empty == NULL) {
            mag_drain(&s->zones, c->previous); /* the depot holds enough: one batch to the zone */
            empty = c->previous;
        }
        c->previous = c->loaded;
        c->loaded = empty;
    }
    mag_push(c->loaded, a, ps);
    cpu_count(&c->frees, 1);
    cpu_exit(c);
}
