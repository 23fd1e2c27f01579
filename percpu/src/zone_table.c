/*
 * zone_table.c - the RCU-published zone table (see zone_table.h).
 *
 * The pointer is published with a C11 release store and read with an
 * acquire load (rcu_assign_pointer / rcu_dereference, which every CPU
 * physmem runs on orders at least as strongly); the read side and the
 * grace period are the platform's. ThreadSanitizer sees the C11 atomics;
 * the user-space platform tells it about the grace period
 * (platform_user.c). zone_table_put_blocks is the one way cached blocks go
 * back to their zones (magazine and list drains, remote frees of orders
 * 4..9): the table finds each run's zone, the zone lock covers the run.
 */
#include <physmem/platform.h>

#include "fault.h"
#include "zone_table.h"

void zone_tables_init(struct zone_tables *t)
{
    atomic_init(&t->cur, NULL);
    t->buf[0].nzones = 0;
    t->buf[1].nzones = 0;
}

static inline struct zone_table *table_read(struct zone_tables *t)
{
    return atomic_load_explicit(&t->cur, memory_order_acquire);
}

struct zone *zone_table_find(struct zone_tables *t, uint64_t pfn)
{
    struct zone *found = NULL;
    struct zone_table *tab;

    pm_plat_rcu_read_lock();
    tab = table_read(t);
    if (tab != NULL) {
        unsigned lo = 0, hi = tab->nzones;

        while (lo < hi) { /* the last zone whose base <= pfn */
            unsigned mid = lo + ((hi - lo) >> 1);
            if (tab->zones[mid]->base_pfn <= pfn)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo > 0 && zone_contains_pfn(tab->zones[lo - 1], pfn))
            found = tab->zones[lo - 1];
    }
    pm_plat_rcu_read_unlock();
    return found;
}

void zone_table_put_blocks(struct zone_tables *t, struct zone *hint, unsigned order,
                           const pm_paddr_t *blocks, unsigned n)
{
    struct zone *z = hint;
    unsigned i = 0;

    while (i < n) {
        unsigned j = i + 1;

        z = zone_table_find_hint(t, z, pm_paddr_pfn(blocks[i]));
        PM_ASSERT(z != NULL);
        while (j < n && zone_contains_pfn(z, pm_paddr_pfn(blocks[j])))
            j++;
        zone_lock(z);
        zone_put_blocks_locked(z, order, &blocks[i], j - i);
        zone_unlock(z);
        i = j;
    }
}

struct zone *zone_table_nth(struct zone_tables *t, unsigned i, unsigned *n)
{
    struct zone *z = NULL;
    struct zone_table *tab;

    pm_plat_rcu_read_lock();
    tab = table_read(t);
    *n = tab != NULL ? tab->nzones : 0;
    if (*n > 0)
        z = tab->zones[i < *n ? i : i % *n];
    pm_plat_rcu_read_unlock();
    return z;
}

pm_err_t zone_table_room(struct zone_tables *t, uint64_t base_pfn, uint64_t npages)
{
    struct zone_table *tab = zone_table_quiet(t); /* we are the only writer */
    unsigned n = tab != NULL ? tab->nzones : 0;

    for (unsigned i = 0; i < n; i++) {
        const struct zone *z = tab->zones[i];

        if (base_pfn < z->base_pfn + z->npages && z->base_pfn < base_pfn + npages)
            return PM_EINVAL;
    }
    return n == PM_SMP_MAX_ZONES ? PM_ENOMEM : PM_OK;
}

void zone_table_insert(struct zone_tables *t, struct zone *z)
{
    struct zone_table *old = zone_table_quiet(t); /* we are the only writer */
    struct zone_table *tab = old == &t->buf[0] ? &t->buf[1] : &t->buf[0];
    unsigned n = old != NULL ? old->nzones : 0;
    unsigned j = 0;

    if (pm_fault_active(PM_FAULT_PUBLISH_EARLY))
        atomic_store_explicit(&t->cur, tab, memory_order_release); /* injected: half-built */
    for (unsigned i = 0; i < n; i++) {
        if (j == i && old->zones[i]->base_pfn > z->base_pfn)
            tab->zones[j++] = z;
        tab->zones[j++] = old->zones[i];
    }
    if (j == n)
        tab->zones[j++] = z;
    tab->nzones = j;
    atomic_store_explicit(&t->cur, tab, memory_order_release);
    /* The old buffer is the next add's spare: nobody may still read it. */
    if (old != NULL && !pm_fault_active(PM_FAULT_NO_GRACE_PERIOD)) /* injected: no wait */
        pm_plat_rcu_synchronize();
}
