/*
 * pcp.h - per-CPU lists of blocks of every order above 0: orders
 * 1..PCP_MAX_ORDER (9, a 2 MiB block), as Linux caches orders up to its
 * pageblock (THP) order in its per-CPU page lists since 5.13.
 *
 * Each CPU holds one stack of blocks per order k in 1..9:
 *   orders 1..3  capacity max(2, batch >> k) blocks, about `batch` pages per
 *                order (the lists that came first: small blocks are frequent);
 *   orders 4..9  a fixed handful whatever the batch: 4 blocks of each of
 *                orders 4..7, 2 of orders 8 and 9 (a 2 MiB block). A block
 *                of these orders is big, and every one parked on a CPU is
 *                memory that a CPU asking for a 2 MiB block cannot get;
 *                but a short list turns the steps of a workload that holds
 *                a varying number of such blocks into zone-lock round
 *                trips. Chosen by measurement (README, Design): smp/mixed
 *                at 2 CPUs takes 15.6 zone locks per 1000 pairs with 1
 *                block a list, 2.9 with 4 2 2 2 2 2, 0.98 with these caps
 *                (11-15% more throughput at 2 threads than 4 2 2 2 2 2);
 *                pm-frag keeps 95.6% of the ideal free 2 MiB blocks after
 *                its aging and drain (96.3% with 4 2 2 2 2 2, 95.0% with 4
 *                blocks of order 8 too).
 * Alloc pops; an empty stack is refilled (pcp_refill_count: half its
 * capacity, at least one block, and a whole 64-page line of per-page state
 * where the capacity allows) from a zone under one zone-lock acquisition.
 * Free pushes; a full stack first drains its older half (at least one
 * block) to the zones, one acquisition per run of blocks from one zone.
 *
 * Remote frees of orders 4..9 go back to the zone. A block of these orders
 * carries the tag of the CPU whose list handed it out (zone.h, the owner
 * tag); freed on that CPU it is pushed on its list, freed on any other it
 * goes straight back to its zone under one lock acquisition, where it
 * merges and any CPU finds it. There is no depot for these orders, so a
 * list only ever serves its own CPU: a remote free would park the block,
 * unmerged, on a CPU that may never ask for that order, and that CPU would
 * hand it out again in place of a hole, where the zone's smallest-first
 * choice would have let its 2 MiB region empty. In pm-frag (8 CPUs, 7 of 8
 * frees remote) caching remote frees kept 93.5% of the ideal free 2 MiB
 * blocks after the drain; returning them keeps 95.6% (README, Design).
 * It costs few locks where caching saved some: in a one-way flow
 * (allocated on A, freed on B) B's full list drained at every free or
 * every second one before (zone locks a pair, orders 4..9, counted: 0.75 /
 * 1.5 / 2 / 2 / 2 / 2 then, 1.25 / 1.5 / 1.5 / 1.5 / 2 / 2 now).
 * Orders 1..3 cache remote frees as before: their longer lists drain in
 * batches.
 *
 * So one CPU's lists hold at most pcp_max_pages(batch) pages: with the
 * default batch 64, 3 x 64 + 4 x (16 + 32 + 64 + 128) + 2 x (256 + 512) =
 * 2688 (10.5 MiB; with the magazines and the depot share, 3200 pages).
 *
 * The stacks are covered by the same owner busy flag as the magazines
 * (struct cpu_cache), so a remote drain empties them exactly as it empties
 * the magazines. Pop and push sit inline in the fast path; refill and drain
 * are out of line in pcp.c.
 */
#ifndef PM_PCP_H
#define PM_PCP_H

#include <physmem/smp.h>

#define PCP_MAX_ORDER   PM_MAX_ORDER /* orders 1..PCP_MAX_ORDER are cached per CPU */
#define PCP_SMALL_ORDER 3            /* orders 1..3: about `batch` pages per list */
#define PCP_OWNED_ORDER 4            /* orders 4..9 carry an owner tag (zone.h) */

/* Invariant: 0 <= count <= capacity; blk[0..count) are blocks of the list's
 * order, CACHED (zone.h), the oldest at blk[0]. */
struct pcp_list {
    unsigned count;
    unsigned capacity;
    pm_paddr_t *blk; /* capacity entries */
};

/* Blocks a list of order k (1..PCP_MAX_ORDER) holds at most. */
static inline unsigned pcp_capacity(unsigned batch, unsigned order)
{
    /* orders 4..9 (entries 0..3 unused) */
    static const unsigned char high_blocks[PCP_MAX_ORDER + 1] = {0, 0, 0, 0, 4, 4, 4, 4, 2, 2};
    unsigned c = batch >> order;

    if (order <= PCP_SMALL_ORDER)
        return c < 2 ? 2 : c;
    return order <= PCP_MAX_ORDER ? high_blocks[order] : 0;
}

/* Pages all of one CPU's lists may hold at once. */
static inline unsigned pcp_max_pages(unsigned batch)
{
    unsigned n = 0;

    for (unsigned k = 1; k <= PCP_MAX_ORDER; k++)
        n += pcp_capacity(batch, k) << k;
    return n;
}

/* Entries of one CPU's lists, all orders, rounded up to whole cache lines:
 * in the pool of every CPU's lists (smp_layout's pcp part, itself cache-line
 * aligned) no two CPUs share a line, which a pop or a push would otherwise
 * bounce between them. */
static inline unsigned pcp_stride(unsigned batch)
{
    const unsigned per_line = 64 / sizeof(pm_paddr_t);
    unsigned n = 0;

    for (unsigned k = 1; k <= PCP_MAX_ORDER; k++)
        n += pcp_capacity(batch, k);
    return (n + per_line - 1) / per_line * per_line;
}

/* Blocks a refill adds to an empty list, and a full list drains: half the
 * capacity, at least one. */
static inline unsigned pcp_half(const struct pcp_list *l)
{
    return l->capacity > 1 ? l->capacity / 2 : 1;
}

/*
 * Blocks a refill of an empty list of `order` takes: half the capacity, at
 * least one, and where the capacity allows at least 64 pages, one cache line
 * of per-page state (zone->pstate, a byte a page). On a zone with no hole
 * that fits, the refill then splits a whole aligned 64-page run, and no
 * other CPU's block shares a line of state with it: the state byte written
 * by every alloc and free would otherwise bounce between the CPUs (on the
 * 2-vCPU test machine, shared lines cost smp/mixed about a fifth of its
 * throughput at 2 threads: 203 against 249 M pairs/s with the state padded
 * to a line a page). Holes left by frees are still taken first.
 */
static inline unsigned pcp_refill_count(const struct pcp_list *l, unsigned order)
{
    unsigned want = pcp_half(l);
    unsigned line = order < 6 ? 64u >> order : 1u;

    if (want < line)
        want = line;
    return want < l->capacity - l->count ? want : l->capacity - l->count;
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
 * Adds up to pcp_refill_count(l, order) blocks of `order` to l from the
 * zones, one zone-lock acquisition per zone tried, in table order. Returns
 * how many blocks it added.
 */
unsigned pcp_refill(struct zone_tables *t, struct pcp_list *l, unsigned order);

#endif /* PM_PCP_H */
