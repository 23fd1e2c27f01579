/*
 * smp_check.c - pm_smp_check(): the whole allocator's invariants, on a quiet
 * allocator (no call in flight). O(total pages + cached pages).
 *
 *   1. every zone's core passes pm_buddy_check;
 *   2. every page in a magazine (a CPU's two, the depot's full ones) lies in
 *      a zone, is CACHED, is an allocated order-0 block in the core, and is
 *      in no other magazine (cached once);
 *   3. every CACHED page is in a magazine, every USER page is an allocated
 *      order-0 block, and (with caches) every allocated order-0 block is
 *      USER or CACHED: none lost;
 *   4. per zone: free + cached + held by callers == npages, so
 *      free + cached <= npages;
 *   5. the depot's lists are consistent and no magazine is lost:
 *      2 * ncpus + nfull + nempty == nmags.
 */
#include <stdlib.h>

#include "smp_internal.h"

struct seen {
    struct zone *zone;
    uint8_t *mark; /* one byte a page */
    uint64_t cached;
};

static struct seen *seen_find(struct seen *v, unsigned n, uint64_t pfn)
{
    for (unsigned i = 0; i < n; i++) {
        if (zone_contains_pfn(v[i].zone, pfn))
            return &v[i];
    }
    return NULL;
}

static bool check_mag(struct seen *v, unsigned n, const struct mag *m, unsigned batch)
{
    if (m->rounds > m->capacity || m->capacity != batch)
        return false;
    for (unsigned i = 0; i < m->rounds; i++) {
        uint64_t pfn = pm_paddr_pfn(m->round[i]);
        struct seen *sv = seen_find(v, n, pfn);
        unsigned order;

        if (sv == NULL || sv->mark[pfn - sv->zone->base_pfn] != 0)
            return false; /* outside every zone, or cached twice */
        sv->mark[pfn - sv->zone->base_pfn] = 1;
        sv->cached++;
        if (atomic_load_explicit(zone_pstate(sv->zone, pfn), memory_order_relaxed) !=
            ZONE_PAGE_CACHED)
            return false;
        if (pm_buddy_block_order(&sv->zone->buddy, m->round[i], &order) != PM_OK || order != 0)
            return false;
    }
    return true;
}

static bool check_zone_pages(struct seen *sv, bool cached_mode)
{
    struct zone *z = sv->zone;
    uint64_t cached = 0, user = 0;

    for (uint64_t i = 0; i < z->npages; i++) {
        uint8_t st = atomic_load_explicit(&z->pstate[i], memory_order_relaxed);
        unsigned order;

        if (st == ZONE_PAGE_CACHED) {
            if (sv->mark[i] == 0)
                return false; /* CACHED, yet in no magazine: lost */
            cached++;
        } else if (st == ZONE_PAGE_USER) {
            if (pm_buddy_block_order(&z->buddy, pm_paddr_from_pfn(z->base_pfn + i), &order) !=
                    PM_OK ||
                order != 0)
                return false;
            user++;
        } else if (st != ZONE_PAGE_OTHER) {
            return false;
        } else if (cached_mode &&
                   pm_buddy_block_order(&z->buddy, pm_paddr_from_pfn(z->base_pfn + i), &order) ==
                       PM_OK &&
                   order == 0) {
            return false; /* with caches, an order-0 block is a caller's or cached: lost */
        }
    }
    return cached == sv->cached && pm_buddy_free_pages(&z->buddy) + cached + user <= z->npages;
}

pm_err_t pm_smp_check(pm_smp_t *s) PM_NO_TSA
{
    struct zone_table *t;
    struct seen *v = NULL;
    unsigned n = 0;
    pm_err_t err = PM_OK;

    if (s == NULL)
        return PM_EINVAL;
    pthread_mutex_lock(&s->table_mutex);
    t = s->table;
    n = t != NULL ? t->nzones : 0;
    v = calloc(n > 0 ? n : 1, sizeof(*v));
    if (v == NULL) {
        pthread_mutex_unlock(&s->table_mutex);
        return PM_ENOMEM;
    }
    for (unsigned i = 0; i < n && err == PM_OK; i++) {
        v[i].zone = t->zones[i];
        v[i].mark = calloc(t->zones[i]->npages, 1);
        if (v[i].mark == NULL)
            err = PM_ENOMEM;
        else if (pm_buddy_check(&t->zones[i]->buddy) != PM_OK)
            err = PM_ECORRUPT;
    }
    if (err == PM_OK && s->cached) {
        for (unsigned i = 0; i < s->ncpus && err == PM_OK; i++) {
            struct cpu_cache *c = &s->cpus[i];
            if (c->loaded == NULL || c->previous == NULL || c->loaded == c->previous ||
                !check_mag(v, n, c->loaded, s->batch) || !check_mag(v, n, c->previous, s->batch))
                err = PM_ECORRUPT;
        }
        for (struct mag *m = s->depot.full; m != NULL && err == PM_OK; m = m->next) {
            if (!check_mag(v, n, m, s->batch))
                err = PM_ECORRUPT;
        }
        if (err == PM_OK && depot_check(&s->depot, 2 * s->ncpus, s->nmags) != PM_OK)
            err = PM_ECORRUPT;
    }
    for (unsigned i = 0; i < n && err == PM_OK; i++) {
        if (!check_zone_pages(&v[i], s->cached))
            err = PM_ECORRUPT;
    }
    for (unsigned i = 0; i < n; i++)
        free(v[i].mark);
    free(v);
    pthread_mutex_unlock(&s->table_mutex);
    return err;
}
