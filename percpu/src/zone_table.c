/*
 * zone_table.c - the RCU-published zone table (see zone_table.h).
 *
 * ThreadSanitizer and liburcu 0.13: TSan sees neither the volatile
 * load/store behind rcu_dereference/rcu_assign_pointer as synchronization
 * nor the grace period. In TSan builds only, the pointer is read and written
 * with C11 acquire/release atomics (so the publish is seen), and each reader
 * releases on `gp_token` when it leaves its critical section, which the
 * writer acquires after synchronize_rcu (so the free of the old table is
 * ordered after every read of it). Without TSan the plain liburcu
 * primitives are used.
 */
#include <stdlib.h>

#include <urcu-bp.h>

#include "fault.h"
#include "zone_table.h"
#include "tsan.h"

static char gp_token; /* TSan's name for "the grace period" */

static inline struct zone_table *table_read(struct zone_table **slot)
{
#if PM_TSAN
    struct zone_table *t = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    pm_tsan_acquire(slot);
    return t;
#else
    return rcu_dereference(*slot);
#endif
}

static inline void table_publish(struct zone_table **slot, struct zone_table *t)
{
#if PM_TSAN
    pm_tsan_release(slot);
    __atomic_store_n(slot, t, __ATOMIC_RELEASE);
#else
    rcu_assign_pointer(*slot, t);
#endif
}

static inline void table_read_unlock(void)
{
    pm_tsan_release(&gp_token);
    urcu_bp_read_unlock();
}

static inline void table_synchronize(void)
{
    urcu_bp_synchronize_rcu();
    pm_tsan_acquire(&gp_token);
}

struct zone *zone_table_find(struct zone_table **slot, uint64_t pfn)
{
    struct zone *found = NULL;
    struct zone_table *t;

    urcu_bp_read_lock();
    t = table_read(slot);
    if (t != NULL) {
        unsigned lo = 0, hi = t->nzones;

        while (lo < hi) { /* the last zone whose base <= pfn */
            unsigned mid = lo + ((hi - lo) >> 1);
            if (t->zones[mid]->base_pfn <= pfn)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo > 0 && zone_contains_pfn(t->zones[lo - 1], pfn))
            found = t->zones[lo - 1];
    }
    table_read_unlock();
    return found;
}

struct zone *zone_table_nth(struct zone_table **slot, unsigned i, unsigned *n)
{
    struct zone *z = NULL;
    struct zone_table *t;

    urcu_bp_read_lock();
    t = table_read(slot);
    *n = t != NULL ? t->nzones : 0;
    if (*n > 0)
        z = t->zones[i < *n ? i : i % *n];
    table_read_unlock();
    return z;
}

static bool zone_overlaps(const struct zone *a, uint64_t base_pfn, uint64_t npages)
{
    return a->base_pfn < base_pfn + npages && base_pfn < a->base_pfn + a->npages;
}

bool zone_table_overlaps(struct zone_table **slot, uint64_t base_pfn, uint64_t npages)
{
    /* Writers are serialized by the caller: a plain read of the slot is ours. */
    struct zone_table *t = table_read(slot);

    for (unsigned i = 0; t != NULL && i < t->nzones; i++) {
        if (zone_overlaps(t->zones[i], base_pfn, npages))
            return true;
    }
    return false;
}

pm_err_t zone_table_insert(struct zone_table **slot, struct zone *z)
{
    /* Writers are serialized by the caller: a plain read of the slot is ours. */
    struct zone_table *old = table_read(slot);
    unsigned n = old != NULL ? old->nzones : 0;
    struct zone_table *t;
    unsigned j = 0;

    for (unsigned i = 0; i < n; i++) {
        if (zone_overlaps(old->zones[i], z->base_pfn, z->npages))
            return PM_EINVAL;
    }
    t = calloc(1, sizeof(*t) + (n + 1) * sizeof(t->zones[0]));
    if (t == NULL)
        return PM_ENOMEM;
    if (pm_fault_active(PM_FAULT_PUBLISH_EARLY))
        table_publish(slot, t); /* injected: readers may see it half-built */
    for (unsigned i = 0; i < n; i++) {
        if (j == i && old->zones[i]->base_pfn > z->base_pfn)
            t->zones[j++] = z;
        t->zones[j++] = old->zones[i];
    }
    if (j == n)
        t->zones[j++] = z;
    t->nzones = j;
    if (!pm_fault_active(PM_FAULT_PUBLISH_EARLY))
        table_publish(slot, t);
    if (old != NULL) {
        if (!pm_fault_active(PM_FAULT_NO_GRACE_PERIOD)) /* injected: no wait */
            table_synchronize();
        free(old);
    }
    return PM_OK;
}

void zone_table_free(struct zone_table **slot)
{
    free(*slot);
    *slot = NULL;
}
