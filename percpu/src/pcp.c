/*
 * pcp.c - moving blocks of orders 1..9 between a CPU's lists and the zones.
 *
 * Refill: half a list's capacity (at least one) of blocks of one order, from
 * pm_buddy_alloc_bulk (aligned runs), under one zone-lock acquisition per
 * zone tried. Drain: the oldest blocks (the coldest) go back to their zones,
 * one acquisition per run of blocks from one zone; the rest slide down.
 *
 * A cached block's head page is CACHED with its order (zone.h); the core
 * still holds it as an allocated block of that order until the drain frees
 * it, so pm_smp_check can verify both views.
 *
 * Lock order: the caller holds its CPU (busy, or a drainer's drain_lock);
 * we take zone locks only (leaves), one at a time.
 */
#include "pcp.h"
#include "zone_table.h"

void pcp_drain(struct zone_tables *t, struct pcp_list *l, unsigned order, unsigned n)
{
    PM_ASSERT(n <= l->count);
    zone_table_put_blocks(t, NULL, order, l->blk, n);
    l->count -= n;
    for (unsigned k = 0; k < l->count; k++) /* the rest slide down (no memmove) */
        l->blk[k] = l->blk[n + k];
}

unsigned pcp_refill(struct zone_tables *t, struct pcp_list *l, unsigned order)
{
    unsigned want = pcp_refill_count(l, order);
    unsigned nzones = 0;
    unsigned added = 0;

    PM_ASSERT(want <= l->capacity - l->count);
    for (unsigned k = 0; added < want; k++) {
        struct zone *z = zone_table_nth(t, k, &nzones);
        unsigned got;

        if (z == NULL || k >= nzones)
            break;
        zone_lock(z);
        got = zone_take_blocks_locked(z, order, &l->blk[l->count], want - added, ZONE_PAGE_CACHED);
        zone_unlock(z);
        l->count += got;
        added += got;
    }
    return added;
}
