/*
 * physmem/order.h - block orders (the seed's PageOrder and helpers).
 *
 * An order-k block is 2^k pages, naturally aligned. No division anywhere:
 * ceil(log2) is one count-leading-zeros.
 *
 * Contract: pm_order_from_pages and pm_order_from_bytes return PM_EINVAL
 * (NULL order), PM_EZERO (0 pages or bytes), PM_ETOOLARGE (above 512 pages),
 * in that order; pm_order_next and pm_order_prev return PM_EINVAL (NULL
 * out, or past either end). On error nothing is written. The other
 * functions cannot fail.
 */
#ifndef PHYSMEM_ORDER_H
#define PHYSMEM_ORDER_H

#include <physmem/bits.h>
#include <physmem/config.h>
#include <physmem/error.h>

/* ceil(log2(pages)); 0 and 1 give 0. Meaningful for pages <= 2^63. */
static inline unsigned pm_pages_to_order(size_t pages)
{
    if (pages <= 1)
        return 0;
    return 64 - pm_clz64((uint64_t)(pages - 1));
}

static inline size_t pm_order_to_pages(unsigned order)
{
    return (size_t)1 << order;
}

static inline size_t pm_order_to_bytes(unsigned order)
{
    return PM_PAGE_SIZE << order;
}

/* The order holding pages: PM_EINVAL for a NULL order, PM_EZERO for 0
 * pages, PM_ETOOLARGE above 512; *order untouched on error. */
static inline pm_err_t pm_order_from_pages(size_t pages, unsigned *order)
{
    if (order == NULL)
        return PM_EINVAL;
    if (pages == 0)
        return PM_EZERO;
    if (pages > PM_MAX_BLOCK_PAGES)
        return PM_ETOOLARGE;
    *order = pm_pages_to_order(pages);
    return PM_OK;
}

/* The order holding bytes, rounded up to pages (4097 bytes: order 1); the
 * errors of pm_order_from_pages. */
static inline pm_err_t pm_order_from_bytes(size_t bytes, unsigned *order)
{
    size_t pages = (bytes >> PM_PAGE_SHIFT) + ((bytes & (PM_PAGE_SIZE - 1)) != 0);
    return pm_order_from_pages(pages, order);
}

/* The next larger / smaller order: PM_EINVAL past either end or for a NULL
 * out pointer; *next / *prev untouched on error. */
static inline pm_err_t pm_order_next(unsigned order, unsigned *next)
{
    if (next == NULL || order >= PM_MAX_ORDER)
        return PM_EINVAL;
    *next = order + 1;
    return PM_OK;
}

static inline pm_err_t pm_order_prev(unsigned order, unsigned *prev)
{
    if (prev == NULL || order == 0 || order > PM_MAX_ORDER)
        return PM_EINVAL;
    *prev = order - 1;
    return PM_OK;
}

#endif /* PHYSMEM_ORDER_H */
