/*
 * smp_stub.c - TEMPORARY stand-in for the embedding API (physmem/smp.h)
 * until percpu/ implements it on main: zones are plain buddy cores under
 * one spinlock, with an order-0 cache per CPU. It calls the platform hooks
 * where the real layer does (rcu around the zone table, table lock and
 * synchronize on add, remote barrier on a remote drain), so the guest's
 * boot, IPI, RCU and checks can be exercised. Removed on the merge.
 */
#include <physmem/physmem.h>
#include <physmem/platform.h>
#include <physmem/smp.h>

#include <stdatomic.h>

#include "fault.h"
#include "spinlock.h"

#define STUB_CACHE 8
#define STUB_CPUS  8
#define STUB_OFF   ((sizeof(struct stub_zone) + 63) & ~(size_t)63)

struct stub_zone {
    pm_buddy_t b;
};

struct pm_smp {
    pm_smp_config_t cfg;
    struct spinlock lock;
    struct stub_zone *_Atomic zones[PM_SMP_MAX_ZONES];
    _Atomic unsigned nzones;
    struct {
        pm_paddr_t p[STUB_CACHE];
        unsigned n;
    } cpu[STUB_CPUS];
    bool barrier;
    uint64_t allocs, frees;
};

pm_err_t pm_smp_mem_size(const pm_smp_config_t *cfg, size_t *bytes)
{
    if (!cfg || !bytes || cfg->ncpus == 0 || cfg->ncpus > STUB_CPUS)
        return PM_EINVAL;
    *bytes = sizeof(struct pm_smp);
    return PM_OK;
}

pm_err_t pm_smp_init(const pm_smp_config_t *cfg, void *mem, size_t size, pm_smp_t **out)
{
    struct pm_smp *s = mem;

    if (!cfg || !mem || !out || size < sizeof(*s) || cfg->ncpus == 0 || cfg->ncpus > STUB_CPUS)
        return PM_EINVAL;
    *s = (struct pm_smp){0};
    s->cfg = *cfg;
    s->barrier = pm_plat_remote_barrier_init();
    *out = s;
    return PM_OK;
}

void pm_smp_fini(pm_smp_t *s)
{
    (void)s;
}

pm_err_t pm_smp_region_meta_size(pm_paddr_t base, size_t npages, size_t *bytes)
{
    size_t m = pm_buddy_meta_size(base, npages);

    if (npages == 0 || m == SIZE_MAX)
        return PM_EINVAL;
    *bytes = STUB_OFF + m;
    return PM_OK;
}

static pm_err_t publish(pm_smp_t *s, pm_paddr_t base, size_t npages, void *meta, size_t size)
{
    struct stub_zone *z = meta;
    unsigned n;
    pm_err_t err;

    *z = (struct stub_zone){0};
    err = pm_buddy_init(&z->b, base, npages, (char *)meta + STUB_OFF, size - STUB_OFF);
    if (err != PM_OK)
        return err;
    pm_buddy_set_hot_max(&z->b, 0);
    pm_plat_table_lock();
    n = atomic_load(&s->nzones);
    atomic_store(&s->zones[n], z);
    atomic_store(&s->nzones, n + 1);
    pm_plat_table_unlock();
    pm_plat_rcu_synchronize();
    return PM_OK;
}

pm_err_t pm_smp_add_region_mem(pm_smp_t *s, pm_paddr_t base, size_t npages, void *meta, size_t size)
{
    size_t need;

    if (pm_smp_region_meta_size(base, npages, &need) != PM_OK || size < need || !meta)
        return PM_EINVAL;
    return publish(s, base, npages, meta, size);
}

pm_err_t pm_smp_add_region_carve(pm_smp_t *s, pm_paddr_t base, size_t npages, void *base_va,
                                 size_t *meta_pages)
{
    size_t k, need = 0;

    for (k = 1; k < npages; k++) {
        pm_smp_region_meta_size(pm_paddr_add_pages(base, k), npages - k, &need);
        if (need <= k * PM_PAGE_SIZE)
            break;
    }
    if (k >= npages)
        return PM_EINVAL;
    if (meta_pages)
        *meta_pages = k;
    return publish(s, pm_paddr_add_pages(base, k), npages - k, base_va, k * PM_PAGE_SIZE);
}

static struct stub_zone *zone_of(pm_smp_t *s, pm_paddr_t a)
{
    struct stub_zone *hit = NULL;

    pm_plat_rcu_read_lock();
    for (unsigned i = 0; i < atomic_load(&s->nzones); i++) {
        struct stub_zone *z = atomic_load(&s->zones[i]);

        if (pm_buddy_contains(&z->b, a))
            hit = z;
    }
    pm_plat_rcu_read_unlock();
    return hit;
}

static void flush_cpu(pm_smp_t *s, unsigned cpu)
{
    for (unsigned i = 0; i < s->cpu[cpu].n; i++) {
        if (pm_fault_active(PM_FAULT_DROP_ON_DRAIN) && i == 0)
            continue;
        (void)pm_buddy_free(&zone_of(s, s->cpu[cpu].p[i])->b, s->cpu[cpu].p[i], 1);
    }
    s->cpu[cpu].n = 0;
}

pm_err_t pm_smp_alloc(pm_smp_t *s, unsigned cpu, size_t npages, pm_paddr_t *out)
{
    pm_err_t err = PM_ENOMEM;

    if (cpu >= s->cfg.ncpus)
        return PM_EINVAL;
    spin_lock(&s->lock);
    if (npages == 1 && s->cpu[cpu].n > 0) {
        *out = s->cpu[cpu].p[--s->cpu[cpu].n];
        if (pm_fault_active(PM_FAULT_DOUBLE_HANDOUT) && (pm_paddr_pfn(*out) & 63) == 0)
            s->cpu[cpu].n++;
        spin_unlock(&s->lock);
        return PM_OK;
    }
    for (int pass = 0; pass < 2 && err == PM_ENOMEM; pass++) {
        if (pass == 1)
            for (unsigned c = 0; c < s->cfg.ncpus; c++)
                flush_cpu(s, c);
        for (unsigned i = 0; i < atomic_load(&s->nzones) && err == PM_ENOMEM; i++)
            err = pm_buddy_alloc(&atomic_load(&s->zones[i])->b, npages, out);
    }
    spin_unlock(&s->lock);
    return err;
}

pm_err_t pm_smp_free(pm_smp_t *s, unsigned cpu, pm_paddr_t addr, size_t npages)
{
    struct stub_zone *z = zone_of(s, addr);
    unsigned order;
    pm_err_t err;

    if (cpu >= s->cfg.ncpus || !z)
        return PM_EINVAL;
    spin_lock(&s->lock);
    err = pm_buddy_block_order(&z->b, addr, &order);
    if (err == PM_OK && npages == 1 && order == 0 && s->cpu[cpu].n < STUB_CACHE) {
        s->cpu[cpu].p[s->cpu[cpu].n++] = addr;
        /* mark it free in the core too, so a double free is refused: keep it simple */
        spin_unlock(&s->lock);
        return PM_OK;
    }
    err = pm_buddy_free(&z->b, addr, npages);
    spin_unlock(&s->lock);
    return err;
}

size_t pm_smp_alloc_bulk(pm_smp_t *s, unsigned cpu, size_t count, pm_paddr_t *out)
{
    size_t n = 0;

    while (n < count && pm_smp_alloc(s, cpu, 1, &out[n]) == PM_OK)
        n++;
    return n;
}

void pm_smp_drain_cpu(pm_smp_t *s, unsigned cpu)
{
    if (s->barrier)
        pm_plat_remote_barrier();
    spin_lock(&s->lock);
    flush_cpu(s, cpu);
    spin_unlock(&s->lock);
}

void pm_smp_drain_all(pm_smp_t *s)
{
    for (unsigned c = 0; c < s->cfg.ncpus; c++)
        pm_smp_drain_cpu(s, c);
}

void pm_smp_stats(pm_smp_t *s, pm_smp_stats_t *out)
{
    *out = (pm_smp_stats_t){0};
    spin_lock(&s->lock);
    for (unsigned i = 0; i < atomic_load(&s->nzones); i++) {
        pm_buddy_t *b = &atomic_load(&s->zones[i])->b;

        out->total_pages += pm_buddy_total_pages(b);
        out->free_pages += pm_buddy_free_pages(b);
    }
    for (unsigned c = 0; c < s->cfg.ncpus; c++)
        out->cached_pages += s->cpu[c].n;
    out->zones = atomic_load(&s->nzones);
    spin_unlock(&s->lock);
}

void pm_smp_order_stats(pm_smp_t *s, pm_order_stats_t out[PM_NR_ORDERS])
{
    for (unsigned o = 0; o < PM_NR_ORDERS; o++)
        out[o] = (pm_order_stats_t){0};
    for (unsigned i = 0; i < atomic_load(&s->nzones); i++) {
        pm_order_stats_t z[PM_NR_ORDERS];

        pm_buddy_order_stats(&atomic_load(&s->zones[i])->b, z);
        for (unsigned o = 0; o < PM_NR_ORDERS; o++)
            out[o].free_blocks += z[o].free_blocks;
    }
}

pm_err_t pm_smp_check(pm_smp_t *s)
{
    for (unsigned i = 0; i < atomic_load(&s->nzones); i++) {
        if (pm_buddy_check(&atomic_load(&s->zones[i])->b) != PM_OK)
            return PM_ECORRUPT;
    }
    return PM_OK;
}
