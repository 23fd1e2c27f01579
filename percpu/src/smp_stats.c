/*
 * smp_stats.c - pm_smp_stats and pm_smp_order_stats: counters summed over
 * CPUs and zones.
 *
 * Each CPU's counters have one writer, its owner, and are read with
 * relaxed loads. Cached pages are counted with each CPU's cache taken from
 * its owner (the drain handshake), so the figure is exact when the
 * allocator is quiet. Zones are read under their lock, and the table under
 * pm_plat_table_lock, so that no zone is added halfway through the sum.
 */
#include <physmem/platform.h>

#include "smp_internal.h"

/* ---- statistics ---------------------------------------------------------------- */

void pm_smp_stats(pm_smp_t *s, pm_smp_stats_t *out)
{
    struct zone_table *t;

    if (out == NULL)
        return;
    *out = (pm_smp_stats_t){0};
    if (s == NULL)
        return;
    for (unsigned i = 0; i < s->ncpus; i++) {
        struct cpu_cache *c = &s->cpus[i];

        out->allocations += atomic_load_explicit(&c->allocations, memory_order_relaxed);
        out->failed_allocations += atomic_load_explicit(&c->failed, memory_order_relaxed);
        out->frees += atomic_load_explicit(&c->frees, memory_order_relaxed);
        if (s->cached) {
            cpu_drain_begin(c, s->mode);
            out->cached_pages += c->loaded->rounds + c->previous->rounds;
            for (unsigned k = 1; k <= PCP_MAX_ORDER; k++)
                out->cached_pages += (uint64_t)c->pcp[k - 1].count << k;
            cpu_drain_end(c, s->mode);
        }
    }
    if (s->cached)
        out->cached_pages += depot_cached_pages(&s->depot);
    pm_plat_table_lock(); /* the table cannot change under us */
    t = zone_table_quiet(&s->zones);
    for (unsigned i = 0; t != NULL && i < t->nzones; i++) {
        struct zone *z = t->zones[i];
        pm_stats_t bs;

        ticket_lock_acquire(&z->lock); /* not zone_lock: reading is no acquisition to count */
        pm_buddy_stats(&z->buddy, &bs);
        out->refills += z->refills;
        out->drains += z->drains;
        out->lock_acquisitions += z->lock_acquisitions;
        out->lock_contentions += z->lock_contentions;
        ticket_lock_release(&z->lock);
        out->total_pages += bs.total_pages;
        out->free_pages += bs.free_pages;
        out->splits += bs.splits;
        out->coalesces += bs.coalesces;
        out->meta_bytes += z->meta_bytes;
        out->zones++;
    }
    pm_plat_table_unlock();
    /* 2 magazines a CPU, a full depot, full lists: exact even where batch
     * does not divide high - 2 * batch */
    out->max_cached_pages = s->cached
                                ? (uint64_t)s->ncpus * (2 * s->batch + pcp_max_pages(s->batch)) +
                                      (uint64_t)s->depot.max_full * s->batch
                                : 0;
}

void pm_smp_order_stats(pm_smp_t *s, pm_order_stats_t out[PM_NR_ORDERS])
{
    struct zone_table *t;

    if (out == NULL)
        return;
    for (unsigned o = 0; o < PM_NR_ORDERS; o++)
        out[o] = (pm_order_stats_t){0};
    if (s == NULL)
        return;
    pm_plat_table_lock();
    t = zone_table_quiet(&s->zones);
    for (unsigned i = 0; t != NULL && i < t->nzones; i++) {
        struct zone *z = t->zones[i];
        pm_order_stats_t os[PM_NR_ORDERS];

        ticket_lock_acquire(&z->lock); /* not zone_lock: reading is no acquisition to count */
        pm_buddy_order_stats(&z->buddy, os);
        ticket_lock_release(&z->lock);
        for (unsigned o = 0; o < PM_NR_ORDERS; o++) {
            out[o].free_blocks += os[o].free_blocks;
            out[o].allocations += os[o].allocations;
            out[o].frees += os[o].frees;
        }
    }
    pm_plat_table_unlock();
}
