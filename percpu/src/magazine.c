/*
 * magazine.c - moving pages between magazines and zones.
 *
 * Drain: the pages of a magazine go back to their zones, one zone-lock
 * acquisition per run of pages from one zone (a whole batch, usually).
 * Refill: pages come from the zones, starting at the zone the CPU used
 * in the table, one acquisition per zone tried.
 *
 * Lock order: the caller may hold its cpu lock; we take zone locks only
 * (leaves), one at a time.
 */
#include "fault.h"
#include "magazine.h"
#include "zone_table.h"

void mag_drain(struct zone_tables *t, struct mag *m)
{
    zone_table_put_blocks(t, NULL, 0, m->round, m->rounds);
    m->rounds = 0;
}

/* Takes z->lock itself (not when the skip-refill-lock fault is injected). */
static unsigned refill_from(struct zone *z, struct mag *m, unsigned want) PM_NO_TSA
{
    unsigned got;

    if (pm_fault_active(PM_FAULT_SKIP_REFILL_LOCK)) {
        got = zone_take_blocks_locked(z, 0, &m->round[m->rounds], want, ZONE_PAGE_CACHED);
    } else {
        zone_lock(z);
        got = zone_take_blocks_locked(z, 0, &m->round[m->rounds], want, ZONE_PAGE_CACHED);
        zone_unlock(z);
    }
    for (unsigned i = m->rounds; i < m->rounds + got; i++)
        m->ps[i] = zone_pstate(z, pm_paddr_pfn(m->round[i]));
    return got;
}

unsigned mag_refill(struct zone_tables *t, struct mag *m, unsigned want)
{
    unsigned nzones = 0;
    unsigned added = 0;

    PM_ASSERT(want <= m->capacity - m->rounds);
    for (unsigned k = 0; added < want; k++) {
        struct zone *z = zone_table_nth(t, k, &nzones);
        unsigned got;

        if (z == NULL || k >= nzones)
            break;
        got = refill_from(z, m, want - added);
        m->rounds += got;
        added += got;
    }
    return added;
}
