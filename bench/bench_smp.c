/*
 * bench/bench_smp.c - the SMP allocator's families: smp/... (per-CPU
 * magazines, the default configuration), locked/... (PM_SMP_NOCACHE:
 * every call takes the zone's ticket lock) and strict/... (PM_SMP_STRICT_FREE:
 * a compare-and-swap per free; pair and batch64 only). pair, batch64, xfer,
 * mixed, bulk and pair9 (an order-9 block), each thread on CPU slot = its
 * thread index, over one zone of PMB_NPAGES fake pages at PMB_BASE.
 *
 * Besides ns_per_pair and items_per_second each reports, once per run,
 * meta_bytes_per_page and max_cached_pages from pm_smp_stats, and the
 * configuration in the label ("batch=64 high=512", "... strict" or "nocache").
 */
#include "pmb_workload.h"

#include <physmem/smp.h>

#include <stdio.h>

void pmb_register_smp(void);

typedef struct smp_variant {
    unsigned flags;
} smp_variant_t;

static const smp_variant_t smp_cached = {0};
static const smp_variant_t smp_locked = {PM_SMP_NOCACHE};
static const smp_variant_t smp_strict = {PM_SMP_STRICT_FREE};

static bool smp_alloc(void *ctx, unsigned cpu, unsigned order, uint64_t *out)
{
    pm_paddr_t a;
    if (pm_smp_alloc(ctx, cpu, (size_t)1 << order, &a) != PM_OK)
        return false;
    *out = pm_paddr_u64(a);
    return true;
}

static void smp_free(void *ctx, unsigned cpu, uint64_t addr, unsigned order)
{
    pm_err_t e = pm_smp_free(ctx, cpu, pm_paddr(addr), (size_t)1 << order);
    (void)e;
}

static size_t smp_bulk(void *ctx, unsigned cpu, size_t count, uint64_t *out)
{
    /* pm_paddr_t is a struct of one uint64_t: same layout. */
    _Static_assert(sizeof(pm_paddr_t) == sizeof(uint64_t), "pm_paddr_t layout");
    return pm_smp_alloc_bulk(ctx, cpu, count, (pm_paddr_t *)(void *)out);
}

static void *smp_setup(pmb_state_t *st)
{
    const smp_variant_t *v = pmb_user(st);
    pm_smp_config_t cfg = {0};
    cfg.ncpus = (unsigned)pmb_threads(st);
    cfg.flags = v->flags;
    pm_smp_t *s = NULL;
    if (pm_smp_create(&cfg, &s) != PM_OK)
        return NULL;
    if (pm_smp_add_region(s, pm_paddr(PMB_BASE), PMB_NPAGES) != PM_OK) {
        pm_smp_destroy(s);
        return NULL;
    }
    pmb_fixture_t *fx = pmb_fixture_new(s, pmb_threads(st));
    if (!fx) {
        pm_smp_destroy(s);
        return NULL;
    }

    pm_smp_config_t got;
    pm_smp_get_config(s, &got);
    char label[64];
    if (got.flags & PM_SMP_NOCACHE)
        snprintf(label, sizeof(label), "nocache");
    else if (got.flags & PM_SMP_STRICT_FREE)
        snprintf(label, sizeof(label), "batch=%u high=%u strict", got.batch, got.high);
    else
        snprintf(label, sizeof(label), "batch=%u high=%u", got.batch, got.high);
    pmb_set_label(st, label);

    pm_smp_stats_t ss;
    pm_smp_stats(s, &ss);
    pmb_set_counter(st, "meta_bytes_per_page",
                    ss.total_pages ? (double)ss.meta_bytes / (double)ss.total_pages : 0.0,
                    PMB_COUNTER_SUM);
    pmb_set_counter(st, "max_cached_pages", (double)ss.max_cached_pages, PMB_COUNTER_SUM);
    return fx;
}

static void smp_teardown(pmb_state_t *st, void *fixture)
{
    pmb_fixture_t *fx = fixture;
    pm_smp_t *s = fx->ctx;
    pm_smp_stats_t ss;
    pm_smp_stats(s, &ss);
    pmb_set_counter(st, "lock_contention_pct",
                    ss.lock_acquisitions
                        ? 100.0 * (double)ss.lock_contentions / (double)ss.lock_acquisitions
                        : 0.0,
                    PMB_COUNTER_SUM);
    /* zone-lock acquisitions per 1000 allocations: how often a run left
     * the CPU's caches */
    pmb_set_counter(st, "locks_per_kalloc",
                    ss.allocations ? 1000.0 * (double)ss.lock_acquisitions / (double)ss.allocations
                                   : 0.0,
                    PMB_COUNTER_SUM);
    pm_smp_drain_all(s);
    pm_smp_stats(s, &ss);
    if (ss.free_pages != ss.total_pages || pm_smp_check(s) != PM_OK)
        fprintf(stderr, "pm-bench: smp allocator not whole after the run: %llu/%llu free\n",
                (unsigned long long)ss.free_pages, (unsigned long long)ss.total_pages);
    pm_smp_destroy(s);
    pmb_fixture_delete(fx);
}

static void smp_pair(pmb_state_t *st)
{
    pmb_wl_pair(st, smp_alloc, smp_free);
}

static void smp_batch64(pmb_state_t *st)
{
    pmb_wl_batch(st, 64, smp_alloc, smp_free);
}

static void smp_xfer(pmb_state_t *st)
{
    pmb_wl_xfer(st, smp_alloc, smp_free);
}

static void smp_mixed(pmb_state_t *st)
{
    pmb_wl_mixed(st, smp_alloc, smp_free);
}

static void smp_pair9(pmb_state_t *st)
{
    pmb_wl_pair9(st, smp_alloc, smp_free);
}

static void smp_bulk64(pmb_state_t *st)
{
    pmb_wl_bulk(st, 64, smp_bulk, smp_free);
}

void pmb_register_smp(void)
{
    pmb_backend_families_t b = {
        .prefix = "smp",
        .setup = smp_setup,
        .teardown = smp_teardown,
        .user = &smp_cached,
        .pair = smp_pair,
        .batch64 = smp_batch64,
        .xfer = smp_xfer,
        .mixed = smp_mixed,
        .bulk = smp_bulk64,
        .pair9 = smp_pair9,
    };
    pmb_register_backend(&b);
    b.prefix = "locked";
    b.user = &smp_locked;
    pmb_register_backend(&b);
    /* The cost of PM_SMP_STRICT_FREE (a compare-and-swap per free): pair and
     * batch64 only, to set beside smp/pair and smp/batch64. */
    b.prefix = "strict";
    b.user = &smp_strict;
    b.xfer = NULL;
    b.mixed = NULL;
    b.bulk = NULL;
    b.pair9 = NULL;
    pmb_register_backend(&b);
}
