/*
 * smp_create.c - building an allocator and its zones in memory: the size
 * query and init over a caller buffer (a kernel), create and destroy over
 * pm_plat_alloc (user space), and the three ways to add a region.
 *
 * pm_smp_init lays the allocator out in one buffer (smp_config.h); a zone
 * is one buffer too (zone.h), given by the caller, carved from the
 * region's own first pages, or from pm_plat_alloc. Every check is made
 * before anything is written, so a refused call leaves the allocator and
 * the caller's buffers exactly as they were. A zone is built and published
 * under pm_plat_table_lock, after the table said it has room for it.
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
        *bytes = l.total_bytes;
    return err;
}

static void smp_init_cpu(struct pm_smp *s, unsigned i)
{
    struct cpu_cache *c = &s->cpus[i];

    pm_zero(c, sizeof(*c));
    atomic_init(&c->busy, 0u);
    atomic_init(&c->slow, s->mode);
    c->zone = &smp_no_zone;
    c->tag = zone_owner_tag(i);
    ticket_lock_init(&c->drain_lock);
    if (!s->cached)
        return;
    c->loaded = (struct mag *)(void *)((char *)s->mag_pool + (size_t)(2 * i) * s->mag_stride);
    c->previous = (struct mag *)(void *)((char *)s->mag_pool + (size_t)(2 * i + 1) * s->mag_stride);
    for (unsigned k = 1, at = 0; k <= PCP_MAX_ORDER; k++) {
        struct pcp_list *l = &c->pcp[k - 1];

        l->capacity = pcp_capacity(s->batch, k);
        l->blk = &s->pcp_pool[(size_t)i * pcp_stride(s->batch) + at];
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

    if (cfg == NULL || out == NULL || !pm_mem_ok(mem))
        return PM_EINVAL;
    err = smp_config_resolve(cfg, &c);
    if (err == PM_OK)
        err = smp_layout(&c, &l);
    if (err != PM_OK)
        return err;
    if (size < l.total_bytes)
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
static pm_err_t smp_region_check(const struct pm_smp *s, pm_paddr_t base, size_t npages)
{
    if (s == NULL || npages == 0 || (uint64_t)npages > PM_BUDDY_MAX_PAGES)
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

    if (bytes == NULL)
        return PM_EINVAL;
    need = zone_meta_size(base, npages); /* 0 for npages 0 or above 2^32 */
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

    err = smp_region_check(s, base, npages);
    return err != PM_OK ? err : smp_add_zone(s, base, npages, meta, size, false);
}

pm_err_t pm_smp_add_region(pm_smp_t *s, pm_paddr_t base, size_t npages)
{
    size_t size;
    void *meta;
    pm_err_t err;

    err = smp_region_check(s, base, npages);
    if (err != PM_OK)
        return err;
    size = zone_meta_size(base, npages);
    if (size == 0)
        return PM_EINVAL;
    /* Refused before the metadata is allocated (up to 52 GiB for 2^32
     * pages); smp_add_zone asks again, since another add may come between. */
    pm_plat_table_lock();
    err = zone_table_room(&s->zones, pm_paddr_pfn(base), npages);
    pm_plat_table_unlock();
    if (err != PM_OK)
        return err;
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

    if (!pm_mem_ok(base_va))
        return PM_EINVAL;
    err = smp_region_check(s, base, npages);
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
