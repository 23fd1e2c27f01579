/*
 * physmem/addr.h - physical addresses (the seed's PhysAddr).
 *
 * pm_paddr_t wraps a uint64_t so that a physical address cannot be mixed up
 * with a page count or a pointer by accident. Everything here is inline and
 * branch-light; none of it dereferences memory.
 *
 * Contract: nothing here fails or returns an error; every function is
 * defined for every input (align_up wraps to 0 past the top, sub_pages
 * saturates at 0, pages_to is 0 backwards, as documented at each).
 */
#ifndef PHYSMEM_ADDR_H
#define PHYSMEM_ADDR_H

#include <physmem/config.h>

typedef struct pm_paddr {
    uint64_t value;
} pm_paddr_t;

static inline pm_paddr_t pm_paddr(uint64_t v)
{
    pm_paddr_t a = {v};
    return a;
}

static inline uint64_t pm_paddr_u64(pm_paddr_t a)
{
    return a.value;
}

static inline pm_paddr_t pm_paddr_from_pfn(uint64_t pfn)
{
    return pm_paddr(pfn << PM_PAGE_SHIFT);
}

static inline uint64_t pm_paddr_pfn(pm_paddr_t a)
{
    return a.value >> PM_PAGE_SHIFT;
}

static inline uint64_t pm_paddr_page_offset(pm_paddr_t a)
{
    return a.value & (PM_PAGE_SIZE - 1);
}

static inline bool pm_paddr_is_page_aligned(pm_paddr_t a)
{
    return pm_paddr_page_offset(a) == 0;
}

static inline pm_paddr_t pm_paddr_align_down(pm_paddr_t a)
{
    return pm_paddr(a.value & ~(uint64_t)(PM_PAGE_SIZE - 1));
}

/* Rounds up to the next page boundary (wraps to 0 past the top, as the seed). */
static inline pm_paddr_t pm_paddr_align_up(pm_paddr_t a)
{
    return pm_paddr((a.value + (PM_PAGE_SIZE - 1)) & ~(uint64_t)(PM_PAGE_SIZE - 1));
}

static inline pm_paddr_t pm_paddr_add_pages(pm_paddr_t a, uint64_t pages)
{
    return pm_paddr(a.value + (pages << PM_PAGE_SHIFT));
}

/* Subtracts pages, saturating at address 0. */
static inline pm_paddr_t pm_paddr_sub_pages(pm_paddr_t a, uint64_t pages)
{
    uint64_t d = pages << PM_PAGE_SHIFT;
    return pm_paddr(a.value > d ? a.value - d : 0);
}

/* Whole pages from a up to b; 0 when b < a. */
static inline uint64_t pm_paddr_pages_to(pm_paddr_t a, pm_paddr_t b)
{
    return b.value > a.value ? (b.value - a.value) >> PM_PAGE_SHIFT : 0;
}

/* start <= a < end. */
static inline bool pm_paddr_is_in_range(pm_paddr_t a, pm_paddr_t start, pm_paddr_t end)
{
    return a.value >= start.value && a.value < end.value;
}

/* Aligned to PM_PAGE_SIZE << order on the absolute address. */
static inline bool pm_paddr_is_order_aligned(pm_paddr_t a, unsigned order)
{
    return (a.value & ((PM_PAGE_SIZE << order) - 1)) == 0;
}

/* -1, 0 or 1, for sorting. */
static inline int pm_paddr_cmp(pm_paddr_t a, pm_paddr_t b)
{
    return (a.value > b.value) - (a.value < b.value);
}

static inline bool pm_paddr_eq(pm_paddr_t a, pm_paddr_t b)
{
    return a.value == b.value;
}

#endif /* PHYSMEM_ADDR_H */
