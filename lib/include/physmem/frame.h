/*
 * physmem/frame.h - page frames (the seed's PageFrame): a block's address
 * and order, with the buddy arithmetic.
 *
 * Contract: nothing here returns an error. pm_frame_split and
 * pm_frame_merge answer false (and write nothing) when they cannot: a
 * single page, orders that differ, not buddies, already order 9, a NULL out
 * pointer. A frame's order is meant to be 0..9 (pm_buddy_free_frame refuses
 * a larger one with PM_ETOOLARGE); the arithmetic here does not check it.
 */
#ifndef PHYSMEM_FRAME_H
#define PHYSMEM_FRAME_H

#include <physmem/addr.h>
#include <physmem/order.h>

typedef struct pm_frame {
    pm_paddr_t addr;
    unsigned order;
} pm_frame_t;

static inline pm_frame_t pm_frame(pm_paddr_t addr, unsigned order)
{
    pm_frame_t f = {addr, order};
    return f;
}

static inline pm_frame_t pm_frame_single_page(pm_paddr_t addr)
{
    return pm_frame(addr, 0);
}

static inline size_t pm_frame_pages(pm_frame_t f)
{
    return pm_order_to_pages(f.order);
}

static inline size_t pm_frame_bytes(pm_frame_t f)
{
    return pm_order_to_bytes(f.order);
}

/* First address past the frame. */
static inline pm_paddr_t pm_frame_end(pm_frame_t f)
{
    return pm_paddr(f.addr.value + pm_frame_bytes(f));
}

/* addr <= a < end. */
static inline bool pm_frame_contains(pm_frame_t f, pm_paddr_t a)
{
    return pm_paddr_is_in_range(a, f.addr, pm_frame_end(f));
}

/* The buddy: addr ^ (PAGE_SIZE << order). pfn 8 at order 1: 8 ^ 2 = 10. */
static inline pm_paddr_t pm_frame_buddy_addr(pm_frame_t f)
{
    return pm_paddr(f.addr.value ^ pm_frame_bytes(f));
}

/* Splits into two halves; false for a single page or a NULL lo or hi. */
static inline bool pm_frame_split(pm_frame_t f, pm_frame_t *lo, pm_frame_t *hi)
{
    if (f.order == 0 || lo == NULL || hi == NULL)
        return false;
    *lo = pm_frame(f.addr, f.order - 1);
    *hi = pm_frame(pm_paddr(f.addr.value + pm_order_to_bytes(f.order - 1)), f.order - 1);
    return true;
}

/* Merges two buddies into their parent; false if the orders differ, they
 * are not buddies, they are already of the largest order, or out is NULL. */
static inline bool pm_frame_merge(pm_frame_t a, pm_frame_t b, pm_frame_t *out)
{
    if (out == NULL || a.order != b.order || a.order >= PM_MAX_ORDER)
        return false;
    if (!pm_paddr_eq(pm_frame_buddy_addr(a), b.addr))
        return false;
    *out = pm_frame(a.addr.value < b.addr.value ? a.addr : b.addr, a.order + 1);
    return true;
}

#endif /* PHYSMEM_FRAME_H */
