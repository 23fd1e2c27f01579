/*
 * regions.c - the region table and what it implies.
 *
 * The regions lie in [HW_REGIONS_BASE, HW_REGIONS_END), clear of the image,
 * boot memory and the config page (hw.h). Their edges are deliberately not
 * 2 MiB aligned, so a fully coalesced zone has smaller blocks at the edges;
 * region_expected computes exactly which, by the core's rule: from the low
 * end, at each pfn the largest order whose block is aligned there and fits.
 * Regions 2 and 3 touch (one ends where the other begins): no block may
 * straddle two zones.
 *
 * A region's zone bounds are written, then it is marked added (release).
 * physmem publishes a zone inside pm_smp_add_region_*, so another hart may
 * get a block of it before the adding hart has marked the region; so
 * region_of_block, given a block inside a region not yet marked, waits
 * (a bounded spin) for the mark, read with acquire, before it compares
 * the block with the zone's bounds.
 */
#include "regions.h"

#include <stdatomic.h>

#include <physmem/platform.h>

#include "bootmem.h"
#include "hw.h"
#include "verdict.h"

#define PAGE 4096ull

struct region guest_regions[GUEST_NREGIONS] = {
    {.base = 0x81000000ull + 3 * PAGE, .npages = 2048 - 8, .how = REGION_CARVE, .hot = false},
    {.base = 0x81a00000ull + 7 * PAGE, .npages = 1536 - 8, .how = REGION_MEM, .hot = false},
    {.base = 0x82200000ull + 17 * PAGE, .npages = 3584 - 17, .how = REGION_CARVE, .hot = true},
    {.base = 0x83000000ull, .npages = 4096 - 7, .how = REGION_MEM, .hot = true},
};

void region_add(pm_smp_t *s, unsigned i)
{
    struct region *r = &guest_regions[i];
    pm_paddr_t base = pm_paddr(r->base);
    size_t carved = 0, msz = 0;
    pm_err_t err;

    if (r->base < HW_REGIONS_BASE || r->base + r->npages * PAGE > HW_REGIONS_END)
        verdict_fail("region %u [0x%lx, +%lu pages) leaves the regions' window (hw.h)", i,
                     (unsigned long)r->base, (unsigned long)r->npages);
    if (r->how == REGION_CARVE) {
        err = pm_smp_add_region_carve(s, base, r->npages, (void *)(uintptr_t)r->base, &carved);
        if (err != PM_OK)
            verdict_fail("pm_smp_add_region_carve(region %u at 0x%lx, %lu pages): %s", i,
                         (unsigned long)r->base, (unsigned long)r->npages, pm_errname(err));
        if (carved == 0 || carved >= r->npages)
            verdict_fail("region %u: pm_smp_add_region_carve carved %lu of %lu pages", i,
                         (unsigned long)carved, (unsigned long)r->npages);
    } else {
        void *meta;

        err = pm_smp_region_meta_size(base, r->npages, &msz);
        if (err != PM_OK)
            verdict_fail("pm_smp_region_meta_size(region %u): %s", i, pm_errname(err));
        meta = bootmem_alloc(msz, PM_SMP_MEM_ALIGN);
        if (meta == NULL)
            verdict_fail("boot memory exhausted: region %u needs %lu bytes of metadata", i,
                         (unsigned long)msz);
        err = pm_smp_add_region_mem(s, base, r->npages, meta, msz);
        if (err != PM_OK)
            verdict_fail("pm_smp_add_region_mem(region %u at 0x%lx, %lu pages): %s", i,
                         (unsigned long)r->base, (unsigned long)r->npages, pm_errname(err));
    }
    r->zone_pfn = (r->base >> 12) + carved;
    r->zone_pages = r->npages - carved;
    atomic_store_explicit(&r->added, true, memory_order_release);
}

int region_of_block(uint64_t pa, uint64_t pages)
{
    uint64_t pfn = pa >> 12;

    for (int i = 0; i < GUEST_NREGIONS; i++) {
        const struct region *r = &guest_regions[i];

        if (pfn < r->base >> 12 || pfn >= (r->base >> 12) + r->npages)
            continue;
        /* physmem may hand out a page of a zone before region_add has
         * returned and marked it; wait for the mark (a bounded spin). */
        for (uint64_t end = hw_mtime_ms() + 5000;
             !atomic_load_explicit(&r->added, memory_order_acquire);) {
            if (hw_mtime_ms() > end)
                return -1;
            pm_cpu_relax();
        }
        if (pfn >= r->zone_pfn && pfn + pages <= r->zone_pfn + r->zone_pages)
            return i;
        return -1;
    }
    return -1;
}

void region_expected(uint64_t blocks[PM_NR_ORDERS], uint64_t *pages)
{
    for (unsigned o = 0; o < PM_NR_ORDERS; o++)
        blocks[o] = 0;
    *pages = 0;
    for (unsigned i = 0; i < GUEST_NREGIONS; i++) {
        const struct region *r = &guest_regions[i];
        uint64_t pfn = r->zone_pfn, end = r->zone_pfn + r->zone_pages;

        if (!atomic_load_explicit(&r->added, memory_order_acquire))
            continue;
        *pages += r->zone_pages;
        while (pfn < end) {
            unsigned o = PM_MAX_ORDER;

            while ((pfn & ((1ull << o) - 1)) != 0 || pfn + (1ull << o) > end)
                o--;
            blocks[o]++;
            pfn += 1ull << o;
        }
    }
}
