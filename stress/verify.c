/*
 * verify.c - the end-of-pattern checks, on a quiet allocator after every
 * thread freed what it held: drain every cache, pm_smp_check, every page
 * free and none cached, memory fully coalesced (the free blocks per order
 * are exactly the regions' greedy carving), the shadow map empty, and the
 * FREE poison of every page ever handed out intact. Then the counters.
 */
#include "stress.h"

#include <stdio.h>

static void print_counters(const struct stress_run *r, const pm_smp_stats_t *st)
{
    printf("pm-stress [%s] counters: zones %llu, allocations %llu (%llu failed), frees %llu, "
           "refills %llu, drains %llu, lock acquisitions %llu (%llu contended), splits %llu, "
           "coalesces %llu, metadata %llu bytes\n",
           r->ops->name, (unsigned long long)st->zones, (unsigned long long)st->allocations,
           (unsigned long long)st->failed_allocations, (unsigned long long)st->frees,
           (unsigned long long)st->refills, (unsigned long long)st->drains,
           (unsigned long long)st->lock_acquisitions, (unsigned long long)st->lock_contentions,
           (unsigned long long)st->splits, (unsigned long long)st->coalesces,
           (unsigned long long)st->meta_bytes);
}

static void check_coalesced(struct stress_run *r)
{
    pm_order_stats_t os[PM_NR_ORDERS];
    uint64_t want[PM_NR_ORDERS];
    pm_smp_order_stats(r->smp, os);
    stress_region_expected_orders(r, want);
    for (unsigned o = 0; o < PM_NR_ORDERS; o++) {
        if (os[o].free_blocks != want[o]) {
            char got[256], exp[256];
            size_t g = 0, x = 0;
            for (unsigned k = 0; k < PM_NR_ORDERS; k++) {
                g += (size_t)snprintf(got + g, sizeof(got) - g, " %llu",
                                      (unsigned long long)os[k].free_blocks);
                x += (size_t)snprintf(exp + x, sizeof(exp) - x, " %llu",
                                      (unsigned long long)want[k]);
            }
            stress_fail("not fully coalesced: free blocks per order 0..9 are%s, want%s", got, exp);
        }
    }
}

static void check_pages(struct stress_run *r)
{
    bool every = r->opt->paranoid;
    unsigned n = atomic_load(&r->nregions);
    for (unsigned i = 0; i < n; i++) {
        const struct stress_region *g = &r->regions[i];
        for (size_t p = g->first_page; p < g->first_page + g->npages; p++) {
            uint32_t v = stress_shadow_get(r->shadow, p);
            uint64_t pa = stress_arena_addr(r->arena, p);
            STRESS_CHECK((v & STRESS_SHADOW_OWNER) == 0,
                         "page %#llx still held by cpu %u after every block was freed",
                         (unsigned long long)pa, (v & STRESS_SHADOW_OWNER) - 1u);
            if (!(v & STRESS_SHADOW_TOUCHED))
                continue;
            uint64_t found = 0;
            size_t off = stress_page_check(pa, stress_poison(pa), every, &found);
            STRESS_CHECK(off == 0, "free page %#llx was written while free: word +%zu is %#llx",
                         (unsigned long long)pa, off - 1, (unsigned long long)found);
        }
    }
}

void stress_verify_quiet(struct stress_run *r)
{
    pm_smp_stats_t st;
    uint64_t total = 0;
    unsigned n = atomic_load(&r->nregions);
    for (unsigned i = 0; i < n; i++)
        total += r->regions[i].npages;

    pm_smp_drain_all(r->smp);
    pm_err_t e = pm_smp_check(r->smp);
    STRESS_CHECK(e == PM_OK, "pm_smp_check after the pattern: %s", pm_errname(e));
    pm_smp_stats(r->smp, &st);
    STRESS_CHECK(st.total_pages == total, "total_pages %llu, but %llu pages were added",
                 (unsigned long long)st.total_pages, (unsigned long long)total);
    STRESS_CHECK(st.cached_pages == 0, "%llu pages still cached after pm_smp_drain_all",
                 (unsigned long long)st.cached_pages);
    STRESS_CHECK(st.free_pages == total,
                 "%llu of %llu pages free after everything was freed and drained: %lld lost",
                 (unsigned long long)st.free_pages, (unsigned long long)total,
                 (long long)(total - st.free_pages));
    STRESS_CHECK(st.zones == n, "%llu zones, but %u regions were added",
                 (unsigned long long)st.zones, n);
    check_coalesced(r);
    check_pages(r);
    if (!r->opt->quiet)
        print_counters(r, &st);
}
