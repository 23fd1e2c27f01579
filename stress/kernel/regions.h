/*
 * regions.h - the memory the guest gives physmem: four regions of RAM with
 * unaligned edges, two added at boot and two hot-added while every hart
 * allocates, half with metadata carved from the region
 * (pm_smp_add_region_carve), half with metadata from boot memory
 * (pm_smp_add_region_mem).
 */
#ifndef GUEST_REGIONS_H
#define GUEST_REGIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <physmem/smp.h>

#define GUEST_NREGIONS 4

enum region_how { REGION_CARVE, REGION_MEM };

struct region {
    uint64_t base; /* physical == virtual */
    size_t npages;
    enum region_how how;
    bool hot;          /* added while the harts allocate */
    uint64_t zone_pfn; /* the zone physmem made: after any carved pages */
    uint64_t zone_pages;
    _Atomic bool added;
};

extern struct region guest_regions[GUEST_NREGIONS];

/* Adds region i to s; any error ends the run (FAIL). */
void region_add(pm_smp_t *s, unsigned i);

/* The index of the added region whose zone holds all of [pa, pa + pages
 * pages), or -1. */
int region_of_block(uint64_t pa, uint64_t pages);

/* What a fully coalesced allocator holds: the free blocks per order of the
 * added zones' greedy carving, and their pages. */
void region_expected(uint64_t blocks[PM_NR_ORDERS], uint64_t *pages);

#endif /* GUEST_REGIONS_H */
