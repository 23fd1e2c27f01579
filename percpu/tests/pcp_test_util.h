/*
 * pcp_test_util.h - what test_smp_pcp.c (orders 1..3) and
 * test_smp_pcp_high.c (orders 4..9) read of the per-CPU lists and the
 * page-state bytes, through the internals.
 */
#ifndef PM_PCP_TEST_UTIL_H
#define PM_PCP_TEST_UTIL_H

#include "smp_test_util.h"

static inline struct pcp_list *list_of(pm_smp_t *s, unsigned cpu, unsigned order)
{
    return &s->cpus[cpu].pcp[order - 1];
}

static inline uint8_t pstate_of(pm_smp_t *s, pm_paddr_t a)
{
    struct zone *z = smp_zone_at(s, 0);

    return atomic_load(zone_pstate(z, pm_paddr_pfn(a)));
}

static inline uint8_t st_user(unsigned order)
{
    return zone_page_state(ZONE_PAGE_USER, order);
}

static inline uint8_t st_cached(unsigned order)
{
    return zone_page_state(ZONE_PAGE_CACHED, order);
}

/* The core's order of the allocated block at a; PM_NR_ORDERS if none. */
static inline unsigned core_order(pm_smp_t *s, pm_paddr_t a)
{
    unsigned o;

    if (pm_buddy_block_order(&smp_zone_at(s, 0)->buddy, a, &o) != PM_OK)
        return PM_NR_ORDERS;
    return o;
}

/* The owner tag of the block at a (the state byte of its second page). */
static inline uint8_t tag_of(pm_smp_t *s, pm_paddr_t a)
{
    return pstate_of(s, pm_paddr_add_pages(a, 1));
}

#endif /* PM_PCP_TEST_UTIL_H */
