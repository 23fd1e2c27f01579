/*
 * region.c - zones: adding arena ranges to the allocator (announced to the
 * address checks first, since pages may be handed out before
 * pm_smp_add_region returns), and the layout a fully coalesced allocator
 * must show: each region carved greedily into the largest naturally aligned
 * blocks (a region whose base and size are 2 MiB multiples: only order 9).
 */
#include "stress.h"

pm_err_t stress_region_add(struct stress_run *r, size_t first_page, size_t npages)
{
    unsigned n = atomic_load_explicit(&r->nregions, memory_order_relaxed);
    STRESS_CHECK(n < STRESS_MAX_REGIONS, "too many regions");
    r->regions[n].first_page = first_page;
    r->regions[n].npages = npages;
    uint64_t end = (uint64_t)(first_page + npages) * PM_PAGE_SIZE;
    if (end > atomic_load_explicit(&r->announced_end, memory_order_relaxed))
        atomic_store_explicit(&r->announced_end, end, memory_order_release);
    atomic_store_explicit(&r->nregions, n + 1, memory_order_release);
    pm_err_t e =
        pm_smp_add_region(r->smp, pm_paddr(stress_arena_addr(r->arena, first_page)), npages);
    STRESS_CHECK(e == PM_OK, "pm_smp_add_region(page %zu, %zu pages): %s", first_page, npages,
                 pm_errname(e));
    return e;
}

void stress_region_expected_orders(const struct stress_run *r, uint64_t out[PM_NR_ORDERS])
{
    for (unsigned o = 0; o < PM_NR_ORDERS; o++)
        out[o] = 0;
    unsigned n = atomic_load_explicit(&r->nregions, memory_order_acquire);
    for (unsigned i = 0; i < n; i++) {
        uint64_t pfn = stress_arena_addr(r->arena, r->regions[i].first_page) >> PM_PAGE_SHIFT;
        uint64_t end = pfn + r->regions[i].npages;
        while (pfn < end) {
            unsigned o = PM_MAX_ORDER;
            while (o > 0 && ((pfn & ((1ull << o) - 1)) != 0 || pfn + (1ull << o) > end))
                o--;
            out[o]++;
            pfn += 1ull << o;
        }
    }
}

int stress_region_add_arena(struct stress_run *r)
{
    size_t pages = r->arena->pages;
    size_t half = (pages / 2) & ~(PM_MAX_BLOCK_PAGES - 1);
    if (pages >= 2 * PM_MAX_BLOCK_PAGES && half > 0) {
        stress_region_add(r, 0, half);
        stress_region_add(r, half, pages - half);
    } else {
        stress_region_add(r, 0, pages);
    }
    return 0;
}
