/*
 * smp.c - the SMP allocator's entry points for pages: alloc, free, bulk.
 *
 * Design
 * ------
 * Each call validates its arguments and finds its CPU's cache here, at the
 * entry, and goes one way down (smp_internal.h):
 *
 *   order 0 (1 page)     the CPU's magazines: the fast path is inline below
 *                        (a pop or a push, no lock, no atomic
 *                        read-modify-write, no call); magazine_path.c has
 *                        the rest (depot, refill, drain)
 *   orders 1..9          the CPU's per-order lists: fast path below,
 *                        pcp_path.c the rest (orders 4..9 hold a handful
 *                        of blocks each, so cached memory stays small, and
 *                        one freed on another CPU than its owner's goes
 *                        back to the zone: the owner tag, pcp.h)
 *   PM_SMP_NOCACHE       the zones, under their lock (smp_alloc_general,
 *                        smp_free_general)
 *
 * A free's page becomes a pfn once, and its zone is found once: the CPU's
 * last zone if it holds the page (the fast paths), else the RCU zone table
 * (smp_free_general, which every free the fast paths did not take ends in).
 * By default the free fast path checks and sets the page's state byte with
 * a relaxed load and store (USER -> CACHED); PM_SMP_STRICT_FREE makes it a
 * compare-and-swap, on the general path.
 *
 * Building the allocator and its zones is smp_create.c's, statistics
 * smp_stats.c's. Nothing here allocates, and nothing here knows which
 * platform it runs on.
 */
#include "smp_internal.h"

/* ---- the general paths: every order, every check ------------------------------ */

/* One pass over the zones for a block of `npages`. */
static pm_err_t zones_alloc(struct pm_smp *s, size_t npages, pm_paddr_t *out)
{
    unsigned nzones = 0;

    for (unsigned k = 0;; k++) {
        struct zone *z = zone_table_nth(&s->zones, k, &nzones);
        pm_err_t err;

        if (z == NULL || k >= nzones)
            return PM_ENOMEM;
        zone_lock(z);
        err = pm_buddy_alloc(&z->buddy, npages, out);
        zone_unlock(z);
        if (err == PM_OK)
            return PM_OK;
    }
}

PM_NOINLINE static pm_err_t smp_alloc_general(struct pm_smp *s, struct cpu_cache *c, size_t npages,
                                              pm_paddr_t *out)
{
    unsigned order;
    pm_err_t err = pm_order_from_pages(npages, &order);

    if (err == PM_OK) {
        err = zones_alloc(s, npages, out);
        if (err == PM_ENOMEM && s->cached && !pm_fault_active(PM_FAULT_NO_ENOMEM_DRAIN)) {
            pm_smp_drain_all(s); /* cached pages may complete a larger block */
            err = zones_alloc(s, npages, out);
        }
    }
    /* The owner counts inside a call of its own: counters have one writer. */
    cpu_enter(c);
    return cpu_alloc_done(c, err);
}

/*
 * A free the caches did not take, under the zone lock: the core's verdict,
 * in the core's error order. With caches, no block is ever freed here
 * (every one a caller holds is USER, and the caches took those):
 * the core is only asked what the error is. Requires z->lock.
 */
static pm_err_t smp_free_locked(struct pm_smp *s, struct zone *z, pm_paddr_t addr, size_t npages,
                                unsigned order) PM_REQUIRES(z->lock)
{
    uint64_t pfn = pm_paddr_pfn(addr);
    uint8_t st = atomic_load_explicit(zone_pstate(z, pfn), memory_order_relaxed);
    unsigned held;
    pm_err_t err;

    if (!s->cached)
        return pm_buddy_free(&z->buddy, addr, npages);
    if ((pfn & (((uint64_t)1 << order) - 1)) != 0)
        return PM_EALIGN;
    /* To the core a cached block is allocated; to the caller it is free
     * already: a double free, whatever the size. */
    if (zone_page_kind(st) == ZONE_PAGE_CACHED)
        return PM_ENOTALLOC;
    if (order > PCP_MAX_ORDER)
        return pm_buddy_free(&z->buddy, addr, npages);
    err = pm_buddy_block_order(&z->buddy, addr, &held);
    if (err != PM_OK)
        return err;
    return held != order ? PM_ESIZE : PM_ENOTALLOC;
}

/*
 * Every free the fast paths did not take (no call of the owner open):
 * validation in the core's error order, the zone found once, then the
 * CPU's cache for orders 0..9, else the zone under its lock.
 */
PM_NOINLINE static pm_err_t smp_free_general(struct pm_smp *s, struct cpu_cache *c, pm_paddr_t addr,
                                             size_t npages)
{
    uint64_t pfn = pm_paddr_pfn(addr);
    unsigned order;
    struct zone *z;
    pm_err_t err;

    if (npages == 0)
        return PM_EZERO;
    if (!pm_paddr_is_page_aligned(addr))
        return PM_EALIGN;
    z = zone_table_find_hint(&s->zones, c->zone, pfn);
    if (z == NULL)
        return PM_ERANGE;
    if (npages > PM_MAX_BLOCK_PAGES)
        return PM_ETOOLARGE;
    order = pm_pages_to_order(npages);
    if (s->cached && order <= PCP_MAX_ORDER) {
        _Atomic uint8_t *ps = zone_pstate(z, pfn);

        cpu_enter(c);
        c->zone = z;
        if (page_mark_cached(s, ps, order) || (pm_fault_active(PM_FAULT_NO_DOUBLE_FREE_CHECK) &&
                                               atomic_load_explicit(ps, memory_order_relaxed) ==
                                                   zone_page_state(ZONE_PAGE_CACHED, order))) {
            cpu_put(s, c, order, addr, ps);
            return PM_OK;
        }
        cpu_exit(c);
    }
    zone_lock(z);
    err = smp_free_locked(s, z, addr, npages, order);
    zone_unlock(z);
    if (err == PM_OK) {
        cpu_enter(c);
        cpu_count(&c->frees, 1);
        cpu_exit(c);
    }
    return err;
}

/* ---- the fast paths ---------------------------------------------------------- */

/*
 * Orders 1..9 (npages 2..512). Out of line but hot: a tail call from
 * pm_smp_alloc / pm_smp_free, so that the order-0 path there keeps its few
 * registers and no stack frame.
 */
PM_NOINLINE static pm_err_t smp_pcp_alloc(struct pm_smp *s, struct cpu_cache *c, size_t npages,
                                          pm_paddr_t *out)
{
    unsigned order = pm_pages_to_order(npages);

    cpu_enter(c);
    if (PM_LIKELY(!pcp_is_empty(&c->pcp[order - 1]))) {
        *out = pcp_take(s, c, order);
        cpu_count(&c->allocations, 1);
        cpu_exit(c);
        return PM_OK;
    }
    return pcp_alloc_slow(s, c, order, out);
}

PM_NOINLINE static pm_err_t smp_pcp_free(struct pm_smp *s, struct cpu_cache *c, pm_paddr_t addr,
                                         size_t npages)
{
    unsigned order = pm_pages_to_order(npages);
    uint64_t pfn = pm_paddr_pfn(addr);
    struct zone *z = c->zone;

    /* Strict: the general path. USER with this order is the
     * head of a caller's block, so aligned. */
    if (PM_LIKELY(cpu_enter(c) == 0 && zone_contains_pfn(z, pfn) &&
                  pm_paddr_is_page_aligned(addr))) {
        _Atomic uint8_t *ps = zone_pstate(z, pfn);

        if (PM_LIKELY(page_mark_cached(s, ps, order))) {
            cpu_put(s, c, order, addr, ps);
            return PM_OK;
        }
    }
    cpu_exit(c);
    return smp_free_general(s, c, addr, npages);
}

/*
 * One page: the CPU's loaded magazine, no lock, no atomic read-modify-write,
 * no call and no stack frame; anything unusual tail-calls a slow path. A
 * few loads and stores each way.
 */
pm_err_t pm_smp_alloc(pm_smp_t *s, unsigned cpu, size_t npages, pm_paddr_t *out)
{
    struct cpu_cache *c;

    if (PM_UNLIKELY(s == NULL || out == NULL || cpu >= s->ncpus))
        return PM_EINVAL;
    c = &s->cpus[cpu];
    if (PM_UNLIKELY(!s->cached))
        return smp_alloc_general(s, c, npages, out);
    if (PM_LIKELY(npages == 1)) {
        if (PM_LIKELY(cpu_enter_fast(c) == 0 && !mag_is_empty(c->loaded))) {
            *out = cpu_take(c);
            cpu_count(&c->allocations, 1);
            cpu_exit(c);
            return PM_OK;
        }
        return mag_alloc_slow(s, c, out);
    }
    if (PM_LIKELY(npages - 2 < ((size_t)1 << PCP_MAX_ORDER) - 1)) /* 2..512 */
        return smp_pcp_alloc(s, c, npages, out);
    return smp_alloc_general(s, c, npages, out);
}

pm_err_t pm_smp_free(pm_smp_t *s, unsigned cpu, pm_paddr_t addr, size_t npages)
{
    struct cpu_cache *c;

    if (PM_UNLIKELY(s == NULL || cpu >= s->ncpus))
        return PM_EINVAL;
    c = &s->cpus[cpu];
    if (PM_UNLIKELY(!s->cached))
        return smp_free_general(s, c, addr, npages);
    if (PM_LIKELY(npages == 1)) {
        if (PM_LIKELY(cpu_enter_fast(c) == 0)) {
            struct zone *z = c->zone;
            uint64_t off = pm_paddr_pfn(addr) - z->base_pfn; /* wraps below the zone */
            struct mag *m = c->loaded;

            if (PM_LIKELY(off < z->npages && pm_paddr_is_page_aligned(addr) && !mag_is_full(m))) {
                _Atomic uint8_t *ps = &z->pstate[off];

                /* page_mark_cached without its strict branch (strict never
                 * gets here), and after the push: a byte store first would
                 * make the compiler reload m->rounds. */
                if (PM_LIKELY(atomic_load_explicit(ps, memory_order_relaxed) == ZONE_PAGE_USER)) {
                    mag_push(m, addr, ps);
                    atomic_store_explicit(ps, ZONE_PAGE_CACHED, memory_order_relaxed);
                    cpu_count(&c->frees, 1);
                    cpu_exit(c);
                    return PM_OK;
                }
            }
        }
        cpu_exit(c);
        return smp_free_general(s, c, addr, 1);
    }
    if (PM_LIKELY(npages - 2 < ((size_t)1 << PCP_MAX_ORDER) - 1)) /* 2..512 */
        return smp_pcp_free(s, c, addr, npages);
    return smp_free_general(s, c, addr, npages);
}

/* ---- bulk ---------------------------------------------------------------------- */

/* NOCACHE: pages straight from the zones, one lock acquisition per zone. */
static size_t zones_take_direct(struct pm_smp *s, pm_paddr_t *out, size_t count)
{
    unsigned nzones = 0;
    size_t n = 0;

    for (unsigned k = 0; n < count; k++) {
        struct zone *z = zone_table_nth(&s->zones, k, &nzones);

        if (z == NULL || k >= nzones)
            break;
        while (n < count) {
            size_t want = count - n > PM_SMP_MAX_BATCH ? PM_SMP_MAX_BATCH : count - n;
            unsigned got;

            zone_lock(z);
            got = zone_take_blocks_locked(z, 0, &out[n], (unsigned)want, ZONE_PAGE_OTHER);
            zone_unlock(z);
            n += got;
            if (got < want)
                break;
        }
    }
    return n;
}

size_t pm_smp_alloc_bulk(pm_smp_t *s, unsigned cpu, size_t count, pm_paddr_t *out)
{
    struct cpu_cache *c;
    size_t n = 0;

    if (s == NULL || out == NULL || cpu >= s->ncpus || count == 0)
        return 0;
    c = &s->cpus[cpu];
    cpu_enter(c);
    for (int pass = 0; pass < 2 && n < count; pass++) {
        if (pass == 1) { /* short: drain everything, then one more pass */
            if (pm_fault_active(PM_FAULT_NO_ENOMEM_DRAIN))
                break;
            smp_drain_everything(s, c);
        }
        if (!s->cached) {
            n += zones_take_direct(s, &out[n], count - n);
            continue;
        }
        while (n < count && (!mag_is_empty(c->loaded) || cpu_reload(s, c))) {
            while (n < count && !mag_is_empty(c->loaded))
                out[n++] = cpu_take(c);
        }
    }
    cpu_count(&c->allocations, count);
    cpu_count(&c->failed, count - n);
    cpu_exit(c);
    return n;
}
