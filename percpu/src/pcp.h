/*
 * pcp.h - per-CPU lists of small blocks: orders 1..PCP_MAX_ORDER (as Linux
 * caches them in its per-CPU page lists since 5.13).
 *
 * Each CPU holds one stack of blocks per order k in 1..3, of capacity
 * max(2, batch >> k) blocks, so that every order caches about `batch` pages.
 * Alloc pops; an empty stack is refilled with half its capacity from a
 * zone under one zone-lock acquisition. Free pushes; a full stack drains its
 * older half to the zones, one acquisition per run of blocks from one zone.
 * There is no depot for these orders: a block freed on another CPU stays
 * there until that CPU's stack overflows or is drained.
 *
 * The stacks are covered by the same owner busy flag as the magazines
 * (struct cpu_cache), so a remote drain empties them exactly as it empties
 * the magazines. Pop and push sit inline in the fast path; refill and drain
 * are out of line in pcp.c.
 */
#ifndef PM_PCP_H
#define PM_PCP_H

#include <physmem/smp.h>

#define PCP_MAX_ORDER 3 /* orders 1..PCP_MAX_ORDER are cached per CPU */

/* Invariant: 0 <= count <= capacity; blk[0..count) are blocks of the list's
 * order, CACHED (zone.h), the oldest at blk[0]. */
struct pcp_list {
    unsigned count;
    unsigned capacity;
    pm_paddr_t *blk; /* capacity entries */
};

/* Blocks a list of order k holds at most. */
static inline unsigned pcp_capacity(unsigned batch, unsigned order)
{
    unsigned c = batch >> order;
    return c < 2 ? 2 : c;
}

/* Pages all of one CPU's lists may hold at once. */
static inline unsigned pcp_max_pages(unsigned batch)
{
    unsigned n = 0;

    for (unsigned k = 1; k <= PCP_MAX_ORDER; k++)
        n += pcp_capacity(batch, k) << k;
    return n;
}

static inline bool pcp_is_empty(const struct pcp_list *l)
{
    return l->count == 0;
}

static inline bool pcp_is_full(const struct pcp_list *l)
{
    return l->count == l->capacity;
}

static inline pm_paddr_t pcp_pop(struct pcp_list *l)
{
    return l->blk[--l->count];
}

static inline void pcp_push(struct pcp_list *l, pm_paddr_t a)
{
    l->blk[l->count++] = a;
}

struct zone_tables;

/*
 * Returns the oldest n blocks of l (of order `order`) to their zones, one
 * zone-lock acquisition per run of blocks from one zone. The caller owns l
 * (its CPU's busy flag, or a drain).
 */
void pcp_drain(struct zone_tables *t, struct pcp_list *l, unsigned order, unsigned n);

/*
 * Adds up to half the capacity (at least one) blocks of `order` to l from
 * the zones, one zone-lock acquisition per zone tried, in table order.
 * Returns how many blocks it added. Requires room for them.
 */
unsigned pcp_refill(struct zone_tables *t, struct pcp_list *l, unsigned order);

#endif /* PM_PCP_H */
