/*
 * zone.h - a zone: one buddy core over one physical range, behind one
 * ticket lock, plus the per-page state the SMP layer keeps lock-free.
 *
 * Zones are immortal: created by pm_smp_add_region, freed only by
 * pm_smp_destroy. Only the table that lists them is replaced (RCU, see
 * zone_table.h), so a zone pointer, once found, stays valid and its
 * read-only fields (base_pfn, npages, pstate) need no lock.
 */
#ifndef PM_ZONE_H
#define PM_ZONE_H

#include <stdatomic.h>

#include <physmem/smp.h>
#include "ticket_lock.h"

/* Per-page state as the SMP layer sees it (zone->pstate[], one byte a page). */
enum zone_page_state {
    ZONE_PAGE_OTHER = 0,  /* in the buddy core, or part of a block of order > 0 */
    ZONE_PAGE_USER = 1,   /* an order-0 page handed to a caller */
    ZONE_PAGE_CACHED = 2, /* an order-0 page in a magazine */
};

/*
 * Invariants (quiet allocator, checked by pm_smp_check):
 *   buddy free pages + cached pages of this zone + pages held by callers == npages
 *   pstate[i] == CACHED  iff  page i is in exactly one magazine
 *   pstate[i] != OTHER   implies  the core holds page i as an allocated order-0 block
 */
struct zone {
    /* -- cache line 0..: written under `lock` by any CPU -- */
    ticket_lock_t lock;
    pm_buddy_t buddy PM_GUARDED_BY(lock);
    uint64_t refills PM_GUARDED_BY(lock); /* batches moved zone -> CPU */
    uint64_t drains PM_GUARDED_BY(lock);  /* batches moved CPU/depot -> zone */
    uint64_t lock_acquisitions PM_GUARDED_BY(lock);
    uint64_t lock_contentions PM_GUARDED_BY(lock);

    /* -- read-only after zone_create -- */
    uint64_t base_pfn __attribute__((aligned(64)));
    uint64_t npages;
    _Atomic uint8_t *pstate; /* npages entries; pstate[0] is base_pfn's */
    void *pstate_mem;        /* the allocation: a 64-page aligned run owns a cache line */
    void *meta;              /* the core's metadata buffer */
    size_t meta_bytes;       /* core metadata + pstate */
} __attribute__((aligned(64)));

pm_err_t zone_create(pm_paddr_t base, size_t npages, struct zone **out);
void zone_destroy(struct zone *z);

static inline bool zone_contains_pfn(const struct zone *z, uint64_t pfn)
{
    return pfn - z->base_pfn < z->npages; /* wraps for pfn < base */
}

static inline _Atomic uint8_t *zone_pstate(const struct zone *z, uint64_t pfn)
{
    return &z->pstate[pfn - z->base_pfn];
}

/* Takes z->lock, counting acquisitions and contentions. */
void zone_lock(struct zone *z) PM_ACQUIRE(z->lock);
void zone_unlock(struct zone *z) PM_RELEASE(z->lock);

/*
 * Moves up to n order-0 pages from the core into out[], marking each
 * `state` (CACHED for a magazine, USER for a caller). Returns how many.
 * Requires z->lock.
 */
unsigned zone_take_pages_locked(struct zone *z, pm_paddr_t *out, unsigned n,
                                enum zone_page_state state) PM_REQUIRES(z->lock);

/*
 * Returns n cached order-0 pages (pstate CACHED), all of this zone, to the
 * core: one drain. Requires z->lock.
 */
void zone_put_pages_locked(struct zone *z, const pm_paddr_t *pages, unsigned n)
    PM_REQUIRES(z->lock);

#endif /* PM_ZONE_H */
