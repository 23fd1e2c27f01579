/*
 * smp_check.c - pm_smp_check(): the whole allocator's invariants, on a quiet
 * allocator (no call in flight). O(total pages + cached pages).
 *
 *   1. every zone's core passes pm_buddy_check;
 *   2. every page in a magazine (a CPU's two, the depot's full ones) lies in
 *      a zone, is CACHED, is an allocated order-0 block in the core, and is
 *      in no other magazine (cached once);
 *   2b. every block in a CPU's list of order k (1..9) lies in a zone, is
 *      aligned to 2^k, its head is CACHED with order k, the core holds an
 *      allocated block of order k there, and it is cached once;
 *   3. every CACHED head is in a magazine or a list, every USER head is an
 *      allocated block of the order it records, no state byte holds an
 *      unknown kind or an order above 9, and (with caches) every allocated
 *      block is USER or CACHED: none lost;
 *   4. per zone: free + cached + held by callers == npages, so
 *      free + cached <= npages;
 *   5. the depot's lists are consistent and no magazine is lost:
 *      2 * ncpus + nfull + nempty == nmags.
 */
#include <physmem/platform.h>

#include "smp_internal.h"

/*
 * "Cached once" is marked in the page's own state byte, in a bit no state
 * uses, so the check allocates nothing (a kernel may run it before it has
 * an allocator); every mark is cleared before pm_smp_check returns.
 */
#define CHECK_MARK 0x80u

struct seen {
    struct zone *zone;
    uint64_t cached; /* pages of this zone found in magazines and lists */
};

static struct seen *seen_find(struct seen *v, unsigned n, uint64_t pfn)
{
    for (unsigned i = 0; i < n; i++) {
        if (zone_contains_pfn(v[i].zone, pfn))
            return &v[i];
    }
    return NULL;
}

/* One cached block of `order` (a magazine's page, or a list's block). */
static bool check_cached(struct seen *v, unsigned n, pm_paddr_t a, unsigned order)
{
    uint64_t pfn = pm_paddr_pfn(a);
    struct seen *sv = seen_find(v, n, pfn);
    _Atomic uint8_t *ps;
    unsigned held;
    uint8_t st;

    if (sv == NULL || !pm_paddr_is_page_aligned(a) || (pfn & (((uint64_t)1 << order) - 1)) != 0)
        return false; /* outside every zone, or misaligned */
    ps = zone_pstate(sv->zone, pfn);
    st = atomic_load_explicit(ps, memory_order_relaxed);
    if (st & CHECK_MARK)
        return false; /* cached twice */
    if (st != zone_page_state(ZONE_PAGE_CACHED, order))
        return false;
    atomic_store_explicit(ps, (uint8_t)(st | CHECK_MARK), memory_order_relaxed);
    sv->cached += (uint64_t)1 << order;
    return pm_buddy_block_order(&sv->zone->buddy, a, &held) == PM_OK && held == order;
}

static bool check_mag(struct seen *v, unsigned n, const struct mag *m, unsigned batch)
{
    if (m->rounds > m->capacity || m->capacity != batch)
        return false;
    for (unsigned i = 0; i < m->rounds; i++) {
        uint64_t pfn = pm_paddr_pfn(m->round[i]);

        if (!check_cached(v, n, m->round[i], 0))
            return false;
        if (m->ps[i] != zone_pstate(seen_find(v, n, pfn)->zone, pfn))
            return false; /* ps[i] is another page's state byte */
    }
    return true;
}

static bool check_pcp(struct seen *v, unsigned n, const struct pcp_list *l, unsigned order,
                      unsigned batch)
{
    if (l->count > l->capacity || l->capacity != pcp_capacity(batch, order) || l->blk == NULL)
        return false;
    for (unsigned i = 0; i < l->count; i++) {
        if (!check_cached(v, n, l->blk[i], order))
            return false;
    }
    return true;
}

static bool check_zone_pages(struct seen *sv, bool cached_mode)
{
    struct zone *z = sv->zone;
    uint64_t cached = 0, user = 0;

    for (uint64_t i = 0; i < z->npages; i++) {
        uint8_t raw = atomic_load_explicit(&z->pstate[i], memory_order_relaxed);
        uint8_t st = (uint8_t)(raw & ~CHECK_MARK);
        pm_paddr_t a = pm_paddr_from_pfn(z->base_pfn + i);
        unsigned kind = zone_page_kind(st), order = zone_page_order(st), held;
        bool allocated = pm_buddy_block_order(&z->buddy, a, &held) == PM_OK;

        if (raw & CHECK_MARK && kind != ZONE_PAGE_CACHED)
            return false; /* marked, so in a magazine or list, yet not CACHED */
        if (st == ZONE_PAGE_OTHER) {
            if (cached_mode && allocated && held <= PCP_MAX_ORDER)
                return false; /* with caches, such a block is a caller's or cached: lost */
            continue;
        }
        if (order > PCP_MAX_ORDER || !allocated || held != order)
            return false; /* no such state, or the core disagrees */
        if (kind == ZONE_PAGE_CACHED) {
            if ((raw & CHECK_MARK) == 0)
                return false; /* CACHED, yet in no magazine or list: lost */
            cached += (uint64_t)1 << order;
        } else if (kind == ZONE_PAGE_USER) {
            user += (uint64_t)1 << order;
            if (order >= PCP_OWNED_ORDER) { /* the next byte is its owner tag, 1..127 */
                uint8_t tag = atomic_load_explicit(&z->pstate[++i], memory_order_relaxed);

                if (tag == 0 || (tag & CHECK_MARK) != 0)
                    return false;
            }
        } else {
            return false;
        }
    }
    return cached == sv->cached && pm_buddy_free_pages(&z->buddy) + cached + user <= z->npages;
}

/* Clears every mark check_cached set. */
static void check_unmark(struct seen *v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        for (uint64_t p = 0; p < v[i].zone->npages; p++) {
            _Atomic uint8_t *ps = &v[i].zone->pstate[p];
            uint8_t st = atomic_load_explicit(ps, memory_order_relaxed);

            if (st & CHECK_MARK)
                atomic_store_explicit(ps, (uint8_t)(st & ~CHECK_MARK), memory_order_relaxed);
        }
    }
}

pm_err_t pm_smp_check(pm_smp_t *s) PM_NO_TSA
{
    struct seen v[PM_SMP_MAX_ZONES];
    struct zone_table *t;
    unsigned n;
    pm_err_t err = PM_OK;

    if (s == NULL)
        return PM_EINVAL;
    pm_plat_table_lock();
    t = zone_table_quiet(&s->zones);
    n = t != NULL ? t->nzones : 0;
    for (unsigned i = 0; i < n; i++) {
        v[i].zone = t->zones[i];
        v[i].cached = 0;
        if (err == PM_OK && pm_buddy_check(&t->zones[i]->buddy) != PM_OK)
            err = PM_ECORRUPT;
    }
    if (err == PM_OK && s->cached) {
        for (unsigned i = 0; i < s->ncpus && err == PM_OK; i++) {
            struct cpu_cache *c = &s->cpus[i];
            if (c->loaded == NULL || c->previous == NULL || c->loaded == c->previous ||
                !check_mag(v, n, c->loaded, s->batch) || !check_mag(v, n, c->previous, s->batch))
                err = PM_ECORRUPT;
            for (unsigned k = 1; k <= PCP_MAX_ORDER && err == PM_OK; k++) {
                if (!check_pcp(v, n, &c->pcp[k - 1], k, s->batch))
                    err = PM_ECORRUPT;
            }
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
    check_unmark(v, n);
    pm_plat_table_unlock();
    return err;
}
