/*
 * pcp_path.c - orders 1..9 through the calling CPU's per-order lists
 * (pcp.h), as Linux's per-CPU page lists do since 5.13:
 *
 *   alloc: pop the order's list                          <- fast path (smp.c)
 *          else refill it (pcp_refill_count: half the capacity, at least one
 *               block, a whole 64-page run where it fits), one zone-lock
 *               acquisition
 *          else drain every CPU and the depot, and try once more.
 *   free:  push the order's list                         <- fast path (smp.c)
 *          else drain the older half of the list (at least one block), one
 *               zone-lock acquisition;
 *          from order 4 up, a block that another CPU's list handed out
 *               (its owner tag, pcp.h) goes back to its zone instead.
 *
 * A block's head page records who has it and its order (zone.h): a free of
 * order k turns USER|k into CACHED|k, so a cached block is free to the
 * caller (a second free is PM_ENOTALLOC), and a free with another order of
 * a caller's block is refused by the core (PM_ESIZE, PM_EALIGN).
 *
 * Every function here runs inside the owner's call (busy is 1).
 */
#include "smp_internal.h"

PM_NOINLINE PM_COLD pm_err_t pcp_alloc_slow(struct pm_smp *s, struct cpu_cache *c, unsigned order,
                                            pm_paddr_t *out)
{
    struct pcp_list *l = &c->pcp[order - 1];

    if (pcp_refill(&s->zones, l, order) == 0) {
        smp_drain_everything(s, c); /* as for order 0 */
        if (pcp_is_empty(l) && pcp_refill(&s->zones, l, order) == 0)
            return cpu_alloc_done(c, PM_ENOMEM);
    }
    *out = pcp_take(s, c, order);
    return cpu_alloc_done(c, PM_OK);
}

PM_NOINLINE PM_COLD void pcp_free_slow(struct pm_smp *s, struct cpu_cache *c, unsigned order,
                                       pm_paddr_t a)
{
    struct pcp_list *l = &c->pcp[order - 1];

    pcp_drain(&s->zones, l, order, pcp_half(l));
    pcp_push(l, a);
    cpu_count(&c->frees, 1);
    cpu_exit(c);
}

PM_NOINLINE PM_COLD void pcp_free_remote(struct pm_smp *s, struct cpu_cache *c, unsigned order,
                                         pm_paddr_t a)
{
    zone_table_put_blocks(&s->zones, c->zone, order, &a, 1);
    cpu_count(&c->frees, 1);
    cpu_exit(c);
}
