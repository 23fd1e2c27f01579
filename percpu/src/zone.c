/*
 * zone.c - zones: a buddy core, its ticket lock and its per-page state.
 *
 * Design: every access to zone->buddy happens with zone->lock held. Batches
 * (refill, drain) move up to `batch` pages, or half a per-CPU list of
 * blocks of order 1..9, under one acquisition, so the lock is taken once
 * per batch, not once per page or block.
 *
 * Lock order (outermost first): cpu lock -> depot lock -> zone lock. A zone
 * lock is a leaf: nothing else is taken while one is held.
 *
 * Per-page state (pstate) is one atomic byte a page, written with relaxed
 * stores: the lock or the CPU lock that covers the page's move already
 * orders it, and the only racing access, a free of the same page from two
 * CPUs at once, is settled by compare-and-swap (see smp.c).
 */
#include "bytes.h"
#include "fault.h"
#include "zone.h"

#define PM_ZONE_LINE 64u

static size_t zone_round_up(size_t v, size_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* Bytes of pstate: from base_pfn's line start to the end, whole lines. */
static size_t zone_pstate_bytes(pm_paddr_t base, size_t npages)
{
    return zone_round_up((pm_paddr_pfn(base) & (PM_ZONE_LINE - 1)) + npages, PM_ZONE_LINE);
}

static size_t zone_header_bytes(void)
{
    return zone_round_up(sizeof(struct zone), PM_ZONE_LINE);
}

size_t zone_meta_size(pm_paddr_t base, size_t npages)
{
    size_t core;

    if (npages == 0 || (uint64_t)npages > PM_BUDDY_MAX_PAGES)
        return 0;
    core = pm_buddy_meta_size(base, npages);
    if (core == SIZE_MAX)
        return 0;
    /* npages <= 2^32: no sum here comes near SIZE_MAX on a 64-bit target,
     * and a 32-bit one cannot describe that many pages anyway. */
    return zone_header_bytes() + zone_pstate_bytes(base, npages) + core;
}

pm_err_t zone_init(void *mem, size_t size, pm_paddr_t base, size_t npages, struct zone **out)
{
    size_t need = zone_meta_size(base, npages);
    unsigned char *p = mem;
    size_t pbytes;
    struct zone *z;
    pm_err_t err;

    if (need == 0 || !pm_mem_ok(mem) || size < need)
        return PM_EINVAL;
    pbytes = zone_pstate_bytes(base, npages);
    z = (struct zone *)(void *)p;
    pm_zero(z, sizeof(*z));
    ticket_lock_init(&z->lock);
    /* pfn p's state lives at offset p % 64 of a cache line, so CPUs that
     * refill aligned runs (pm_buddy_alloc_bulk) never share a line. */
    for (size_t i = 0; i < pbytes; i++)
        atomic_init((_Atomic uint8_t *)(void *)(p + zone_header_bytes() + i), 0);
    z->pstate = (_Atomic uint8_t *)(void *)(p + zone_header_bytes()) +
                (pm_paddr_pfn(base) & (PM_ZONE_LINE - 1));
    err = pm_buddy_init(&z->buddy, base, npages, p + zone_header_bytes() + pbytes,
                        need - zone_header_bytes() - pbytes);
    /* no hot stack: the magazines are this zone's hot cache, and a second
     * one under the lock would only keep pages from merging */
    if (err == PM_OK)
        err = pm_buddy_set_hot_max(&z->buddy, 0);
    if (err != PM_OK)
        return err;
    z->base_pfn = pm_paddr_pfn(base);
    z->npages = npages;
    z->mem = mem;
    z->meta_bytes = need;
    *out = z;
    return PM_OK;
}

void zone_lock(struct zone *z) PM_NO_TSA
{
    bool contended = ticket_lock_acquire(&z->lock);

    z->lock_acquisitions++;
    z->lock_contentions += contended;
}

void zone_unlock(struct zone *z) PM_NO_TSA
{
    PM_ASSERT(ticket_lock_held(&z->lock));
    ticket_lock_release(&z->lock);
}

unsigned zone_take_blocks_locked(struct zone *z, unsigned order, pm_paddr_t *out, unsigned n,
                                 enum zone_page_state kind)
{
    uint8_t state = kind == ZONE_PAGE_OTHER ? ZONE_PAGE_OTHER : zone_page_state(kind, order);
    size_t got;

    PM_ASSERT(pm_fault_active(PM_FAULT_SKIP_REFILL_LOCK) || ticket_lock_held(&z->lock));
    got = pm_buddy_alloc_bulk(&z->buddy, order, n, out);
    for (size_t i = 0; i < got; i++)
        atomic_store_explicit(zone_pstate(z, pm_paddr_pfn(out[i])), state, memory_order_relaxed);
    if (got > 0)
        z->refills++;
    return (unsigned)got;
}

void zone_put_blocks_locked(struct zone *z, unsigned order, const pm_paddr_t *blocks, unsigned n)
{
    PM_ASSERT(ticket_lock_held(&z->lock));
    for (unsigned i = 0; i < n; i++) {
        _Atomic uint8_t *st = zone_pstate(z, pm_paddr_pfn(blocks[i]));
        pm_err_t err;

        PM_ASSERT(atomic_load_explicit(st, memory_order_relaxed) ==
                  zone_page_state(ZONE_PAGE_CACHED, order));
        atomic_store_explicit(st, ZONE_PAGE_OTHER, memory_order_relaxed);
        if (pm_fault_active(PM_FAULT_DROP_ON_DRAIN) && i == 0 && z->drains % 64 == 0)
            continue; /* injected: the block is lost (a zone's first drain, then one in 64) */
        err = pm_buddy_free(&z->buddy, blocks[i], (size_t)1 << order);
        PM_ASSERT(err == PM_OK);
        (void)err;
    }
    z->drains++;
}
