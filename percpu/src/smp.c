/*
 * smp.c - the SMP allocator's public API: create and init, regions,
 * alloc, free, bulk, stats.
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
 *   orders 1..3          the CPU's per-order lists: fast path below,
 *                        pcp_path.c the rest
 *   orders 4..9, and     the zones, under their lock (smp_alloc_general,
 *   PM_SMP_NOCACHE       smp_free_general)
 *
 * A free's page becomes a pfn once, and its zone is found once: the CPU's
 * last zone if it holds the page (the fast paths), else the RCU zone table
 * (smp_free_general, which every free the fast paths did not take ends in).
 * By default the free fast path checks and sets the page's state byte with
 * a relaxed load and store (USER -> CACHED); PM_SMP_STRICT_FREE makes it a
 * compare-and-swap, on the general path.
 *
 * Memory: pm_smp_init builds the allocator in one caller buffer (layout in
 * smp_config.h) and pm_smp_add_region_mem a zone in another; pm_smp_create
 * and pm_smp_add_region get those buffers from pm_plat_alloc. Nothing else
 * here allocates, and nothing here knows which platform it runs on.
 */
#include <physmem/platform.h>

#include "bytes.h"
#include "smp_config.h"
#include "smp_internal.h"

/* ---- create / init / fini ------------------------------------------------- */

/* Every CPU's first zone guess: it holds no page, so the first free of each
 * CPU takes its slow path and finds the real zone. Never locked. */
static struct zone smp_no_zone;

pm_err_t pm_smp_mem_size(const pm_smp_config_t *cfg, size_t *bytes)
{
    pm_smp_config_t c;
    struct smp_layout l;
    pm_err_t err;

    if (cfg == NULL || bytes == NULL)
        return PM_EINVAL;
    err = smp_config_resolve(cfg, &c);
    if (err == PM_OK)
        err = smp_layout(&c, &l);
    if (err == PM_OK)
        *bytes = l.bytes;
    return err;
}

static void smp_init_cpu(struct pm_smp *s, unsigned i)
{
    struct cpu_cache *c = &s->cpus[i];

    pm_zero(c, sizeof(*c));
    atomic_init(&c->busy, 0u);
    atomic_init(&c->slow, s->mode);
    c->zone = &smp_no_zone;
    ticket_lock_init(&c->drain_lock);
    if (!s->cached)
        return;
    c->loaded = (struct mag *)(void *)((char *)s->mag_pool + (size_t)(2 * i) * s->mag_stride);
    c->previous = (struct mag *)(void *)((char *)s->mag_pool + (size_t)(2 * i + 1) * s->mag_stride);
    for (unsigned k = 1, at = 0; k <= PCP_MAX_ORDER; k++) {
        struct pcp_list *l = &c->pcp[k - 1];
        size_t per_cpu = 0;

        for (unsigned j = 1; j <= PCP_MAX_ORDER; j++)
            per_cpu += pcp_capacity(s->batch, j);
        l->capacity = pcp_capacity(s->batch, k);
        l->blk = &s->pcp_pool[(size_t)i * per_cpu + at];
        at += l->capacity;
    }
}

pm_err_t pm_smp_init(const pm_smp_config_t *cfg, void *mem, size_t size, pm_smp_t **out)
{
    pm_smp_config_t c;
    struct smp_layout l;
    struct pm_smp *s;
    char *base = mem;
    pm_err_t err;

    if (cfg == NULL || mem == NULL || out == NULL || ((uintptr_t)mem & (PM_SMP_MEM_ALIGN - 1)) != 0)
        return PM_EINVAL;
    err = smp_config_resolve(cfg, &c);
    if (err == PM_OK)
        err = smp_layout(&c, &l);
    if (err != PM_OK)
        return err;
    if (size < l.bytes)
        return PM_EINVAL;
    s = mem;
    pm_zero(s, sizeof(*s));
    s->ncpus = c.ncpus;
    s->batch = c.batch;
    s->high = c.high;
    s->flags = c.flags;
    s->cached = (c.flags & PM_SMP_NOCACHE) == 0;
    s->remote_barrier =
        s->cached && (c.flags & PM_SMP_NO_MEMBARRIER) == 0 && pm_plat_remote_barrier_init();
    s->strict = (c.flags & PM_SMP_STRICT_FREE) != 0;
    /* Without caches pm_smp_alloc and pm_smp_free go straight to the
     * general path, and nothing is ever drained: no mode, no fence. */
    s->mode = !s->cached
                  ? 0u
                  : (s->remote_barrier ? 0u : CPU_SLOW_FENCE) | (s->strict ? CPU_SLOW_STRICT : 0u);
    s->nmags = (unsigned)l.nmags;
    s->mag_stride = l.mag_stride;
    s->cpus = (struct cpu_cache *)(void *)(base + l.off_cpus);
    s->mag_pool = l.nmags ? (struct mag *)(void *)(base + l.off_mags) : NULL;
    s->pcp_pool = l.pcp_blocks ? (pm_paddr_t *)(void *)(base + l.off_pcp) : NULL;
    depot_init(&s->depot, (unsigned)l.max_full);
    zone_tables_init(&s->zones);
    for (unsigned i = 0; i < s->nmags; i++) {
        struct mag *m = (struct mag *)(void *)((char *)s->mag_pool + (size_t)i * s->mag_stride);

        m->next = NULL;
        m->rounds = 0;
        m->capacity = c.batch;
        m->ps = (_Atomic uint8_t **)(void *)&m->round[c.batch];
    }
    for (unsigned i = 0; i < c.ncpus; i++)
        smp_init_cpu(s, i);
    for (unsigned i = 2 * c.ncpus; i < s->nmags; i++)
        depot_put_empty(&s->depot,
                        (struct mag *)(void *)((char *)s->mag_pool + (size_t)i * s->mag_stride));
    *out = s;
    return PM_OK;
}

pm_err_t pm_smp_create(const pm_smp_config_t *cfg, pm_smp_t **out)
{
    size_t bytes;
    void *mem;
    pm_err_t err;

    if (cfg == NULL || out == NULL)
        return PM_EINVAL;
    err = pm_smp_mem_size(cfg, &bytes);
    if (err != PM_OK)
        return err;
    mem = pm_plat_alloc(bytes, PM_SMP_MEM_ALIGN);
    if (mem == NULL)
        return PM_ENOMEM;
    err = pm_smp_init(cfg, mem, bytes, out);
    if (err != PM_OK) {
        pm_plat_free(mem);
        return err;
    }
    (*out)->owned = true;
    return PM_OK;
}

void pm_smp_fini(pm_smp_t *s)
{
    struct zone_table *t;

    if (s == NULL)
        return;
    t = zone_table_quiet(&s->zones);
    for (unsigned i = 0; t != NULL && i < t->nzones; i++) {
        if (t->zones[i]->owned)
            pm_plat_free(t->zones[i]->mem);
    }
    zone_tables_init(&s->zones);
}

void pm_smp_destroy(pm_smp_t *s)
{
    if (s == NULL)
        return;
    pm_smp_fini(s);
    if (s->owned)
        pm_plat_free(s);
}

void pm_smp_get_config(const pm_smp_t *s, pm_smp_config_t *out)
{
    if (s == NULL || out == NULL)
        return;
    out->ncpus = s->ncpus;
    out->batch = s->batch;
    out->high = s->high;
    out->flags = s->flags;
}

/* ---- regions ------------------------------------------------------------------ */

/* The checks every add_region makes before it touches anything. */
static pm_err_t smp_region_check(pm_paddr_t base, size_t npages)
{
    if (npages == 0 || (uint64_t)npages > PM_BUDDY_MAX_PAGES)
        return PM_EINVAL;
    if (!pm_paddr_is_page_aligned(base))
        return PM_EALIGN;
    if (pm_paddr_pfn(base) + (uint64_t)npages > ((uint64_t)1 << (64 - PM_PAGE_SHIFT)))
        return PM_ERANGE;
    return PM_OK;
}

pm_err_t pm_smp_region_meta_size(pm_paddr_t base, size_t npages, size_t *bytes)
{
    size_t need;

    if (bytes == NULL || npages == 0)
        return PM_EINVAL;
    need = zone_meta_size(base, npages);
    if (need == 0)
        return PM_EINVAL;
    *bytes = need;
    return PM_OK;
}

/* Builds a zone in meta and publishes it; on any error nothing changed,
 * meta included. */
static pm_err_t smp_add_zone(struct pm_smp *s, pm_paddr_t base, size_t npages, void *meta,
                             size_t size, bool owned)
{
    struct zone *z;
    pm_err_t err;

    pm_plat_table_lock();
    err = zone_table_room(&s->zones, pm_paddr_pfn(base), npages);
    if (err == PM_OK)
        err = zone_init(meta, size, base, npages, &z);
    if (err == PM_OK) {
        z->owned = owned;
        zone_table_insert(&s->zones, z);
    }
    pm_plat_table_unlock();
    return err;
}

pm_err_t pm_smp_add_region_mem(pm_smp_t *s, pm_paddr_t base, size_t npages, void *meta, size_t size)
{
    pm_err_t err;

    if (s == NULL)
        return PM_EINVAL;
    err = smp_region_check(base, npages);
    if (err != PM_OK)
        return err;
    return smp_add_zone(s, base, npages, meta, size, false);
}

pm_err_t pm_smp_add_region(pm_smp_t *s, pm_paddr_t base, size_t npages)
{
    size_t size;
    void *meta;
    pm_err_t err;

    if (s == NULL)
        return PM_EINVAL;
    err = smp_region_check(base, npages);
    if (err != PM_OK)
        return err;
    size = zone_meta_size(base, npages);
    if (size == 0)
        return PM_EINVAL;
    meta = pm_plat_alloc(size, PM_SMP_MEM_ALIGN);
    if (meta == NULL)
        return PM_ENOMEM;
    err = smp_add_zone(s, base, npages, meta, size, true);
    if (err != PM_OK)
        pm_plat_free(meta);
    return err;
}

pm_err_t pm_smp_add_region_carve(pm_smp_t *s, pm_paddr_t base, size_t npages, void *base_va,
                                 size_t *meta_pages)
{
    size_t k = 1;
    pm_err_t err;

    if (s == NULL || base_va == NULL || ((uintptr_t)base_va & (PM_SMP_MEM_ALIGN - 1)) != 0)
        return PM_EINVAL;
    err = smp_region_check(base, npages);
    if (err != PM_OK)
        return err;
    /* The fewest first pages that hold the metadata of the rest. */
    for (;; k++) {
        size_t need;

        if (k >= npages)
            return PM_EINVAL;
        need = zone_meta_size(pm_paddr_add_pages(base, k), npages - k);
        if (need <= k * PM_PAGE_SIZE)
            break;
    }
    err =
        smp_add_zone(s, pm_paddr_add_pages(base, k), npages - k, base_va, k * PM_PAGE_SIZE, false);
    if (err == PM_OK && meta_pages != NULL)
        *meta_pages = k;
    return err;
}

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
 * in the core's error order. With caches, a block of order 0..3 is never
 * freed here (every one a caller holds is USER, and the caches took those):
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
 * CPU's cache for orders 0..3, else the zone under its lock.
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
    z = zone_table_find_hint(&s->zones, s->cached ? c->zone : NULL, pfn);
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
 * Orders 1..3 (npages 2..8). Out of line but hot: a tail call from
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
                  pm_paddr_is_page_aligned(addr) &&
                  page_mark_cached(s, zone_pstate(z, pfn), order))) {
        cpu_put(s, c, order, addr, NULL);
        return PM_OK;
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
    if (PM_LIKELY(npages - 2 < ((size_t)1 << PCP_MAX_ORDER) - 1)) /* 2..8 */
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
    if (PM_LIKELY(npages - 2 < ((size_t)1 << PCP_MAX_ORDER) - 1)) /* 2..8 */
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
    out->max_cached_pages =
        s->cached ? (uint64_t)s->ncpus * (s->high + pcp_max_pages(s->batch)) : 0;
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
