/*
 * buddy.c - the buddy core: init, alloc, free, reset, statistics.
 *
 * Design
 * ------
 * Memory is a set of naturally aligned blocks of 2^order pages, order 0..9.
 * Each order has a free list, doubly linked through out-of-band per-page
 * metadata (struct pm_buddy_page, 12 bytes a page), so taking any block off
 * its list is O(1). Only a block's first page, its head, carries a state
 * (FREE or ALLOCATED) and an order; every other page is TAIL. That one fact
 * makes every check O(1): a free is valid only if the page it names is an
 * ALLOCATED head of the order the caller states.
 *
 * Allocation takes the smallest non-empty order k >= the wanted order, and
 * splits: the lower half is kept and each upper half goes to the free list
 * of its order. Freeing merges with the buddy as long as the buddy is a FREE
 * head of the same order, then pushes the result. Both loops run at most
 * PM_MAX_ORDER times.
 *
 * Buddies are computed on absolute page frame numbers, not on offsets from
 * the base, so blocks stay aligned to their size in physical memory:
 *
 *     buddy_pfn = pfn ^ (1 << order)
 *     pfn 8, order 1:  8 ^ (1 << 1) = 10   -> pages 8-9 and 10-11 are buddies
 *     pfn 8, order 3:  8 ^ (1 << 3) = 0    -> pages 0-7 and 8-15
 *
 * A buddy that lies outside [base, base + npages) never merges, so any base
 * and size work: init carves the range greedily from low to high addresses,
 * each step the largest order that is aligned at the current pfn and fits.
 *
 * The hot stack sits in front of order 0 (Linux's per-CPU page lists do the
 * same job above its buddy): an order-0 free pushes the page, unmerged, on a
 * LIFO of at most hot_max pages, and an order-0 allocation pops it. On a
 * whole zone a lone order-0 pair would otherwise split an order-9 block nine
 * times and merge it back nine times, some 40 stores; through the stack it is
 * a pop and a push. A hot page is a head in state HOT, on no free list, so
 * buddy_release never merges with it, and a second free of it is refused
 * like any free of a page that is not ALLOCATED. Only an allocation of a
 * larger block that the lists cannot serve, a lower hot_max or
 * pm_buddy_flush_hot() merges hot pages, each exactly as a free would have.
 *
 * Locking: none here. The core is single-threaded; physmem::smp puts each
 * pm_buddy_t behind its zone's ticket lock (see percpu/src/zone.c).
 */
#include "buddy_page.h"
#include "fault.h"

/* ---- free lists --------------------------------------------------------- */

static inline void buddy_list_push(pm_buddy_t *b, unsigned o, uint32_t i)
{
    struct pm_buddy_page *p = &b->pages[i];

    p->prev = i;
    if (b->nfree[o] == 0) {
        p->next = i;
        b->avail |= 1u << o;
    } else {
        p->next = b->head[o];
        b->pages[b->head[o]].prev = i;
    }
    b->head[o] = i;
    b->nfree[o]++;
}

/* Takes block i out of a list that keeps at least one other block. */
static inline void buddy_list_unlink(struct pm_buddy_page *pages, uint32_t *head, uint32_t i)
{
    uint32_t n = pages[i].next;
    uint32_t pv = pages[i].prev;

    if (pv == i) { /* the head */
        *head = n;
        pages[n].prev = n;
    } else if (n == i) { /* the tail */
        pages[pv].next = pv;
    } else {
        pages[pv].next = n;
        pages[n].prev = pv;
    }
}

/* ---- the hot stack -------------------------------------------------------- */

/* Pops the top hot page and marks it an allocated page; requires nhot != 0.
 * The caller counts the allocation. */
static inline pm_paddr_t buddy_hot_take(pm_buddy_t *b)
{
    uint32_t i = b->hot_head;

    PM_ASSERT(b->nhot > 0);
    b->hot_head = b->pages[i].next; /* the bottom's next is itself: unused once nhot is 0 */
    b->nhot--;
    b->free_pages--;
    buddy_set_osr(&b->pages[i], BUDDY_OS(0, BUDDY_ALLOCATED), 1);
    return pm_paddr_from_pfn(b->base_pfn + i);
}

/* Pushes page i, whose order-0 free was validated; requires nhot < hot_max. */
static inline void buddy_hot_push(pm_buddy_t *b, struct pm_buddy_page *p, uint32_t i)
{
    PM_ASSERT(b->nhot < b->hot_max);
    p->next = b->nhot != 0 ? b->hot_head : i;
    buddy_set_osr(p, BUDDY_OS(0, BUDDY_HOT), 0); /* requested back to 0 */
    b->hot_head = i;
    b->nhot++;
    b->free_pages++;
}

/* Merges hot pages, top first, until at most keep are left. Defined with free. */
static void buddy_flush_hot_to(pm_buddy_t *b, uint32_t keep);

/* An allocation found no block: merges every hot page; true if there were
 * any, so that a retry may find a block now. */
static bool buddy_flush_to_retry(pm_buddy_t *b)
{
    if (b->nhot == 0 || pm_fault_active(PM_FAULT_NO_HOT_FLUSH))
        return false;
    buddy_flush_hot_to(b, 0);
    return true;
}

/* ---- helpers -------------------------------------------------------------- */

static inline unsigned buddy_floor_log2(uint64_t v)
{
    return 63 - pm_clz64(v);
}

/* Largest order aligned at pfn that fits in `left` pages. */
static inline unsigned buddy_carve_order(uint64_t pfn, uint64_t left)
{
    unsigned o = PM_MAX_ORDER;
    unsigned fit = buddy_floor_log2(left);

    if (pfn != 0 && pm_ctz64(pfn) < o)
        o = pm_ctz64(pfn);
    return fit < o ? fit : o;
}

static void buddy_carve(pm_buddy_t *b)
{
    uint64_t i = 0;

    while (i < b->npages) {
        unsigned o = buddy_carve_order(b->base_pfn + i, b->npages - i);
        struct pm_buddy_page *p = &b->pages[i];

        p->order = (uint8_t)o;
        p->state = BUDDY_FREE;
        buddy_list_push(b, o, (uint32_t)i);
        i += (uint64_t)1 << o;
    }
    b->free_pages = b->npages;
}

static void buddy_clear_meta(pm_buddy_t *b)
{
    for (uint64_t i = 0; i < b->npages; i++) {
        struct pm_buddy_page *p = &b->pages[i];
        p->next = 0;
        p->prev = 0;
        p->order = 0;
        p->state = BUDDY_TAIL;
        p->requested = 0;
    }
    for (unsigned o = 0; o < PM_NR_ORDERS; o++) {
        b->nfree[o] = 0;
        b->head[o] = 0;
    }
    b->avail = 0;
    b->hot_head = 0;
    b->nhot = 0;
}

static void buddy_clear_stats(pm_buddy_t *b)
{
    b->st_allocations = 0;
    b->st_failed = 0;
    b->st_frees = 0;
    b->st_splits = 0;
    b->st_coalesces = 0;
    b->st_peak_used = 0;
    b->st_requested = 0;
    for (unsigned o = 0; o < PM_NR_ORDERS; o++) {
        b->st_order_allocs[o] = 0;
        b->st_order_frees[o] = 0;
    }
}

/* ---- init ----------------------------------------------------------------- */

size_t pm_buddy_meta_size(pm_paddr_t base, size_t npages)
{
    (void)base;
    if ((uint64_t)npages > PM_BUDDY_MAX_PAGES || npages > SIZE_MAX / sizeof(struct pm_buddy_page))
        return SIZE_MAX;
    return npages * sizeof(struct pm_buddy_page);
}

pm_err_t pm_buddy_init(pm_buddy_t *b, pm_paddr_t base, size_t npages, void *meta, size_t meta_size)
{
    if (b == NULL)
        return PM_EINVAL;
    if (buddy_ready(b))
        return PM_EBUSY;
    if (!pm_paddr_is_page_aligned(base))
        return PM_EALIGN;
    if ((uint64_t)npages > PM_BUDDY_MAX_PAGES)
        return PM_EINVAL;
    /* base + npages pages must not pass 2^64: pfns stay below 2^52. */
    if (pm_paddr_pfn(base) + (uint64_t)npages > ((uint64_t)1 << (64 - PM_PAGE_SHIFT)))
        return PM_ERANGE;
    /* the buffer is checked even for 0 pages, which use none of it */
    if (meta == NULL || ((uintptr_t)meta & 3u) != 0 || meta_size < pm_buddy_meta_size(base, npages))
        return PM_EINVAL;

    b->pages = (struct pm_buddy_page *)meta;
    b->base_pfn = pm_paddr_pfn(base);
    b->npages = npages;
    b->free_pages = 0;
    b->hot_max = PM_BUDDY_HOT_DEFAULT;
    buddy_clear_meta(b);
    buddy_clear_stats(b);
    buddy_carve(b);
    b->magic = PM_BUDDY_MAGIC;
    PM_ASSERT_EXPENSIVE(pm_buddy_check(b) == PM_OK);
    return PM_OK;
}

/* owned_meta stays: pm_buddy_destroy frees it, after a fini too. */
void pm_buddy_fini(pm_buddy_t *b)
{
    if (b == NULL)
        return;
    b->magic = 0;
    b->pages = NULL;
    b->npages = 0;
    b->base_pfn = 0;
    b->free_pages = 0;
    for (unsigned o = 0; o < PM_NR_ORDERS; o++) {
        b->nfree[o] = 0;
        b->head[o] = 0;
    }
    b->avail = 0;
    b->hot_head = 0;
    b->nhot = 0;
    b->hot_max = 0;
    buddy_clear_stats(b);
}

void pm_buddy_reset(pm_buddy_t *b)
{
    if (b == NULL || !buddy_ready(b))
        return;
    buddy_clear_meta(b);
    buddy_clear_stats(b);
    buddy_carve(b);
    PM_ASSERT_EXPENSIVE(pm_buddy_check(b) == PM_OK);
}

/* ---- alloc ---------------------------------------------------------------- */

/* ceil(log2(npages)) for 1 <= npages: floor(log2(2 * (npages - 1) + 1)), no branch. */
static inline unsigned buddy_order_of(size_t npages)
{
    return buddy_floor_log2(((uint64_t)(npages - 1) << 1) | 1u);
}

/*
 * Takes a block of `order`, splitting a larger one if needed. k is the
 * smallest non-empty order >= order (one count-trailing-zeros on avail), so
 * every list from order to k - 1 is empty, and each upper half becomes the
 * only block of its list: no list walk, no relinking. The block taken is
 * always its list's head. avail is kept in a register and stored once.
 */
static inline bool buddy_take(pm_buddy_t *b, unsigned order, uint32_t *out)
{
    struct pm_buddy_page *pages = b->pages;
    uint32_t avail = b->avail;
    unsigned k;
    uint32_t i;

    if (PM_UNLIKELY((avail >> order) == 0))
        return false;
    k = order + pm_ctz64(avail >> order);
    i = b->head[k];
    PM_ASSERT(b->nfree[k] > 0);
    if (--b->nfree[k] == 0) {
        avail ^= 1u << k; /* the list's only block */
    } else {
        uint32_t n = pages[i].next; /* the head leaves: its successor heads */

        b->head[k] = n;
        pages[n].prev = n;
    }
    if (k > order) {
        uint32_t half = (uint32_t)1 << k;
        uint16_t os = BUDDY_OS(k, BUDDY_FREE);

        PM_STAT_ADD(b->st_splits, k - order);
        avail |= (1u << k) - (1u << order); /* orders order..k-1 gain a block */
        do {
            uint32_t hi;

            k--;
            half >>= 1;
            os = (uint16_t)(os - BUDDY_OS(1, 0)); /* a free head of order k */
            hi = i + half;                        /* the upper half: i + 2^k */
            pages[hi].next = hi;
            pages[hi].prev = hi;
            buddy_set_os(&pages[hi], os);
            b->head[k] = hi;
            b->nfree[k] = 1;
        } while (k > order);
    }
    b->avail = avail;
    b->free_pages -= (uint64_t)1 << order; /* the caller marks pages[i] allocated */
    *out = i;
    return true;
}

/* The statistics of a free of page p's block, before p's fields change. */
static inline void buddy_count_free(pm_buddy_t *b, const struct pm_buddy_page *p, unsigned order)
{
    (void)b; /* all three unused when PM_STATS is off */
    (void)p;
    (void)order;
#if PM_STATS
    b->st_requested -= p->requested;
    b->st_frees++;
    b->st_order_frees[order]++;
#endif
}

static inline void buddy_count_alloc(pm_buddy_t *b, unsigned order, size_t requested)
{
    (void)b; /* all three unused when PM_STATS is off */
    (void)order;
    (void)requested;
#if PM_STATS
    uint64_t used = b->npages - b->free_pages;

    b->st_order_allocs[order]++;
    b->st_requested += requested;
    if (used > b->st_peak_used)
        b->st_peak_used = used;
#endif
}

/* pm_buddy_alloc's argument errors, in their documented order. */
static PM_NOINLINE PM_COLD pm_err_t buddy_alloc_refuse(pm_buddy_t *b, size_t npages,
                                                       const pm_paddr_t *out)
{
    unsigned order;
    pm_err_t err;

    if (b == NULL || out == NULL)
        return PM_EINVAL;
    if (!buddy_ready(b))
        return PM_EUNINIT;
    PM_STAT_INC(b->st_allocations);
    err = pm_order_from_pages(npages, &order);
    PM_ASSERT(err != PM_OK);
    PM_STAT_INC(b->st_failed);
    return err;
}

/* buddy_take failed: if hot pages could merge into a block of order, merge them and retry. */
static PM_NOINLINE PM_COLD bool buddy_take_flushed(pm_buddy_t *b, unsigned order, uint32_t *out)
{
    return buddy_flush_to_retry(b) && buddy_take(b, order, out);
}

/* pm_buddy_alloc of one page from the hot stack; requires nhot != 0. */
PM_INLINE pm_err_t buddy_alloc_hot(pm_buddy_t *b, pm_paddr_t *out)
{
    *out = buddy_hot_take(b);
    PM_STAT_INC(b->st_allocations);
    buddy_count_alloc(b, 0, 1);
    return PM_OK;
}

/* pm_buddy_alloc once the arguments are good; inlined once for order 0, once for any. */
PM_INLINE pm_err_t buddy_alloc_order(pm_buddy_t *b, unsigned order, size_t npages, pm_paddr_t *out)
{
    uint32_t i;

    PM_STAT_INC(b->st_allocations);
    if (PM_UNLIKELY(!buddy_take(b, order, &i)) && !buddy_take_flushed(b, order, &i)) {
        PM_STAT_INC(b->st_failed);
        return PM_ENOMEM;
    }
    buddy_set_osr(&b->pages[i], BUDDY_OS(order, BUDDY_ALLOCATED), (uint16_t)npages);
    buddy_count_alloc(b, order, npages);
    *out = pm_paddr_from_pfn(b->base_pfn + i);
    return PM_OK;
}

/* pm_buddy_alloc for everything but one page off the hot stack. */
static PM_NOINLINE pm_err_t buddy_alloc_slow(pm_buddy_t *b, size_t npages, pm_paddr_t *out)
{
    /* npages - 1 wraps for 0: one compare refuses 0 and more than 512 */
    if (PM_UNLIKELY(b == NULL || out == NULL || !buddy_ready(b) ||
                    npages - 1 >= PM_MAX_BLOCK_PAGES))
        return buddy_alloc_refuse(b, npages, out); /* every npages == 1 that gets here */
    return buddy_alloc_order(b, buddy_order_of(npages), npages, out);
}

/* One page when the hot stack is empty: the arguments are good. */
static PM_NOINLINE pm_err_t buddy_alloc_page(pm_buddy_t *b, pm_paddr_t *out)
{
    return buddy_alloc_order(b, 0, 1, out);
}

/* The fast path, one page off the hot stack, needs no saved register; the
 * rest is a tail call, to the split path when only the stack was empty. */
pm_err_t pm_buddy_alloc(pm_buddy_t *b, size_t npages, pm_paddr_t *out)
{
    if (PM_UNLIKELY(npages != 1 || b == NULL || out == NULL || !buddy_ready(b)))
        return buddy_alloc_slow(b, npages, out);
    if (PM_LIKELY(b->nhot != 0))
        return buddy_alloc_hot(b, out);
    return buddy_alloc_page(b, out);
}

/*
 * Bulk: blocks come in naturally aligned runs. Each step takes one free
 * block and hands out its 2^(k - order) sub-blocks, each marked as an
 * allocated block of its own, so each can be freed alone: the smallest free
 * block of order `order`..k, k the largest run that fits what is left, and
 * only when there is none a larger block split down to order k. Smallest
 * first, as a single allocation takes the smallest block that fits: the
 * holes that frees left in partly used regions are filled before a whole
 * region is broken, which is what keeps 2 MiB blocks free on an aged zone
 * (taking the largest run first, as this once did, left a fresh CPU 11%
 * fewer free order-9 blocks after bench/pm-frag's aging). One list
 * operation serves a whole run. Order 0 takes the hot pages first
 * (physmem::smp's zones keep none).
 */
size_t pm_buddy_alloc_bulk(pm_buddy_t *b, unsigned order, size_t count, pm_paddr_t *out)
{
    size_t n = 0;

    if (b == NULL || out == NULL || !buddy_ready(b) || order > PM_MAX_ORDER)
        return 0;
    if (order == 0) {
        while (n < count && b->nhot != 0)
            out[n++] = buddy_hot_take(b);
#if PM_STATS
        b->st_order_allocs[0] += n;
        b->st_requested += n;
#endif
    }
    while (n < count) {
        unsigned k = order + buddy_floor_log2(count - n);
        uint32_t fit;
        uint32_t i;
        uint32_t runs;

        if (k > PM_MAX_ORDER)
            k = PM_MAX_ORDER;
        /* free blocks of order..k need no split: take the smallest of them */
        fit = (b->avail >> order) & ((2u << (k - order)) - 1);
        if (fit != 0)
            k = order + pm_ctz64(fit);
        if (!buddy_take(b, k, &i)) {
            if (!buddy_flush_to_retry(b))
                break;
            continue; /* choose k again: merging made new blocks */
        }
        runs = (uint32_t)1 << (k - order);
        PM_STAT_ADD(b->st_splits, runs - 1);
        for (uint32_t r = 0; r < runs; r++) {
            struct pm_buddy_page *p = &b->pages[i + (r << order)];

            p->order = (uint8_t)order;
            p->state = BUDDY_ALLOCATED;
            p->requested = (uint16_t)(1u << order);
            out[n++] = pm_paddr_from_pfn(b->base_pfn + i + (r << order));
        }
#if PM_STATS
        b->st_order_allocs[order] += runs;
        b->st_requested += (uint64_t)runs << order;
#endif
    }
#if PM_STATS
    if (b->npages - b->free_pages > b->st_peak_used)
        b->st_peak_used = b->npages - b->free_pages;
#endif
    PM_STAT_ADD(b->st_allocations, count);
    PM_STAT_ADD(b->st_failed, count - n);
    return n;
}

pm_err_t pm_buddy_alloc_frame(pm_buddy_t *b, size_t npages, pm_frame_t *out)
{
    pm_paddr_t a;
    pm_err_t err;

    if (out == NULL)
        return PM_EINVAL;
    err = pm_buddy_alloc(b, npages, &a);
    if (err == PM_OK)
        *out = pm_frame(a, pm_pages_to_order(npages));
    return err;
}

/* ---- free ----------------------------------------------------------------- */

/*
 * Validates a free of (addr, npages), every check in the documented order.
 * The cold path: pm_buddy_free calls it only when its own quick checks
 * (the same conditions, merged) found something wrong.
 */
static PM_NOINLINE PM_COLD pm_err_t buddy_free_refuse(const pm_buddy_t *b, pm_paddr_t addr,
                                                      size_t npages)
{
    uint64_t pfn = pm_paddr_pfn(addr);
    uint64_t off;
    unsigned order;
    const struct pm_buddy_page *p;

    if (b == NULL)
        return PM_EINVAL;
    if (!buddy_ready(b))
        return PM_EUNINIT;
    if (npages == 0)
        return PM_EZERO;
    if (!pm_paddr_is_page_aligned(addr))
        return PM_EALIGN;
    off = pfn - b->base_pfn; /* wraps for pfn < base: caught below */
    if (pfn < b->base_pfn || off >= b->npages)
        return PM_ERANGE;
    if (npages > PM_MAX_BLOCK_PAGES)
        return PM_ETOOLARGE;
    order = pm_pages_to_order(npages);
    if ((pfn & ((1u << order) - 1)) != 0)
        return PM_EALIGN;
    p = &b->pages[off];
    if (p->state != BUDDY_ALLOCATED)
        return PM_ENOTALLOC;
    if (p->order != order)
        return PM_ESIZE;
    PM_ASSERT(0); /* the quick checks passed this free: they must not refuse it */
    return PM_ECORRUPT;
}

/*
 * Returns an allocated block to the free lists, merging with free buddies.
 * A buddy below the base wraps to a huge offset, so one compare against
 * npages covers both ends of the range. The loop reads base_pfn and npages
 * from b each time (a memory operand, no register) and keeps avail in a
 * register, stored once.
 */
static inline void buddy_release(pm_buddy_t *b, struct pm_buddy_page *pages, uint64_t pfn,
                                 unsigned order)
{
    uint32_t avail = b->avail;
    uint16_t want = BUDDY_OS(order, BUDDY_FREE); /* a free head of order o */
    unsigned o = order;
    uint32_t i;

    while (o < PM_MAX_ORDER && !pm_fault_active(PM_FAULT_NO_COALESCE)) {
        uint64_t bpfn = pfn ^ ((uint64_t)1 << o);
        uint64_t boff = bpfn - b->base_pfn;
        struct pm_buddy_page *bp;

        if (boff >= b->npages)
            break;
        bp = &pages[boff];
        if (buddy_os(bp) != want)
            break;
        PM_ASSERT(b->nfree[o] > 0);
        if (--b->nfree[o] == 0) /* the only block of its order: nothing to relink */
            avail ^= 1u << o;
        else
            buddy_list_unlink(pages, &b->head[o], (uint32_t)boff);
        bp->state = BUDDY_TAIL;
        pfn &= bpfn; /* the lower of the two heads the merged block */
        o++;
        want = (uint16_t)(want + BUDDY_OS(1, 0));
    }
    PM_STAT_ADD(b->st_coalesces, o - order);
    i = (uint32_t)(pfn - b->base_pfn);
    buddy_set_os(&pages[i], want);
    if (b->nfree[o] == 0) {
        buddy_set_alone(&pages[i], i);
        avail |= 1u << o;
    } else {
        uint32_t h = b->head[o];

        pages[i].next = h;
        pages[i].prev = i;
        pages[h].prev = i;
    }
    b->head[o] = i;
    b->nfree[o]++;
    b->avail = avail;
}

/*
 * pm_buddy_free once b, npages and the range are good; inlined once for
 * order 0 (no alignment to check: a page that reaches it is a free with a
 * full hot stack, so it merges), once for any order.
 */
PM_INLINE pm_err_t buddy_free_order(pm_buddy_t *b, pm_paddr_t addr, size_t npages, uint64_t off,
                                    unsigned order)
{
    uint64_t pfn = pm_paddr_pfn(addr);
    struct pm_buddy_page *pages = b->pages;
    struct pm_buddy_page *p = &pages[off];

    if (PM_UNLIKELY((pfn & (((uint64_t)1 << order) - 1)) != 0 ||
                    buddy_os(p) != BUDDY_OS(order, BUDDY_ALLOCATED)))
        return buddy_free_refuse(b, addr, npages);
    buddy_count_free(b, p, order);
    b->free_pages += (uint64_t)1 << order;
    buddy_set_osr(p, BUDDY_OS(order, BUDDY_TAIL), 0); /* requested back to 0 */
    buddy_release(b, pages, pfn, order);
    PM_ASSERT_EXPENSIVE(pm_buddy_check(b) == PM_OK);
    return PM_OK;
}

/* pm_buddy_free for everything but one page onto the hot stack. */
static PM_NOINLINE pm_err_t buddy_free_slow(pm_buddy_t *b, pm_paddr_t addr, size_t npages)
{
    uint64_t off;

    if (PM_UNLIKELY(b == NULL || !buddy_ready(b)))
        return buddy_free_refuse(b, addr, npages);
    /* npages - 1 wraps for 0; off wraps for pfn < base (pfns stay below 2^52) */
    off = pm_paddr_pfn(addr) - b->base_pfn;
    if (PM_UNLIKELY(npages - 1 >= PM_MAX_BLOCK_PAGES || !pm_paddr_is_page_aligned(addr) ||
                    off >= b->npages))
        return buddy_free_refuse(b, addr, npages);
    /* one page gets here only when the fast path found it not allocated */
    return buddy_free_order(b, addr, npages, off, buddy_order_of(npages));
}

/* One valid page when the hot stack is full: merge it. */
static PM_NOINLINE pm_err_t buddy_free_page(pm_buddy_t *b, pm_paddr_t addr, uint64_t off)
{
    return buddy_free_order(b, addr, 1, off, 0);
}

/* The fast path pushes one valid page on a hot stack with room; anything
 * else is a tail call: to the merge when only the stack was full, to the
 * full checks otherwise (errors included). */
pm_err_t pm_buddy_free(pm_buddy_t *b, pm_paddr_t addr, size_t npages)
{
    uint64_t off;
    struct pm_buddy_page *p;

    if (PM_UNLIKELY(npages != 1 || b == NULL || !buddy_ready(b)))
        return buddy_free_slow(b, addr, npages);
    off = pm_paddr_pfn(addr) - b->base_pfn; /* wraps for pfn < base */
    if (PM_UNLIKELY(!pm_paddr_is_page_aligned(addr) || off >= b->npages))
        return buddy_free_slow(b, addr, npages);
    if (PM_UNLIKELY(b->nhot >= b->hot_max))
        return buddy_free_page(b, addr, off); /* it checks the page's state */
    p = &b->pages[off];
    if (PM_UNLIKELY(buddy_os(p) != BUDDY_OS(0, BUDDY_ALLOCATED)))
        return buddy_free_slow(b, addr, npages);
    buddy_count_free(b, p, 0);
    buddy_hot_push(b, p, (uint32_t)off);
    PM_ASSERT_EXPENSIVE(pm_buddy_check(b) == PM_OK);
    return PM_OK;
}

static void buddy_flush_hot_to(pm_buddy_t *b, uint32_t keep)
{
    struct pm_buddy_page *pages = b->pages;

    while (b->nhot > keep) {
        uint32_t i = b->hot_head;

        b->hot_head = pages[i].next;
        b->nhot--;
        buddy_set_os(&pages[i], BUDDY_OS(0, BUDDY_TAIL));
        buddy_release(b, pages, b->base_pfn + i, 0); /* free_pages counted it already */
    }
}

pm_err_t pm_buddy_set_hot_max(pm_buddy_t *b, uint32_t max)
{
    if (b == NULL)
        return PM_EINVAL;
    if (!buddy_ready(b))
        return PM_EUNINIT;
    b->hot_max = max;
    buddy_flush_hot_to(b, max);
    PM_ASSERT_EXPENSIVE(pm_buddy_check(b) == PM_OK);
    return PM_OK;
}

pm_err_t pm_buddy_flush_hot(pm_buddy_t *b)
{
    if (b == NULL)
        return PM_EINVAL;
    if (!buddy_ready(b))
        return PM_EUNINIT;
    buddy_flush_hot_to(b, 0);
    PM_ASSERT_EXPENSIVE(pm_buddy_check(b) == PM_OK);
    return PM_OK;
}

/* An order past the largest is PM_ETOOLARGE where pm_buddy_free puts it,
 * after PM_EINVAL, PM_EUNINIT, PM_EALIGN (page) and PM_ERANGE. */
pm_err_t pm_buddy_free_frame(pm_buddy_t *b, pm_frame_t f)
{
    return pm_buddy_free(
        b, f.addr, f.order > PM_MAX_ORDER ? PM_MAX_BLOCK_PAGES + 1 : pm_order_to_pages(f.order));
}

/* ---- queries -------------------------------------------------------------- */

uint64_t pm_buddy_total_pages(const pm_buddy_t *b)
{
    return b != NULL && buddy_ready(b) ? b->npages : 0;
}

uint64_t pm_buddy_free_pages(const pm_buddy_t *b)
{
    return b != NULL && buddy_ready(b) ? b->free_pages : 0;
}

uint64_t pm_buddy_hot_pages(const pm_buddy_t *b)
{
    return b != NULL && buddy_ready(b) ? b->nhot : 0;
}

bool pm_buddy_is_initialized(const pm_buddy_t *b)
{
    return b != NULL && buddy_ready(b);
}

bool pm_buddy_contains(const pm_buddy_t *b, pm_paddr_t a)
{
    uint64_t pfn = pm_paddr_pfn(a);

    if (b == NULL || !buddy_ready(b))
        return false;
    return pfn >= b->base_pfn && pfn - b->base_pfn < b->npages;
}

pm_err_t pm_buddy_block_order(const pm_buddy_t *b, pm_paddr_t a, unsigned *order)
{
    uint64_t pfn = pm_paddr_pfn(a);
    const struct pm_buddy_page *p;

    if (b == NULL || order == NULL)
        return PM_EINVAL;
    if (!buddy_ready(b))
        return PM_EUNINIT;
    if (!pm_paddr_is_page_aligned(a))
        return PM_EALIGN;
    if (!pm_buddy_contains(b, a))
        return PM_ERANGE;
    p = &b->pages[pfn - b->base_pfn];
    if (p->state != BUDDY_ALLOCATED)
        return PM_ENOTALLOC;
    *order = p->order;
    return PM_OK;
}

void pm_buddy_stats(const pm_buddy_t *b, pm_stats_t *out)
{
    bool ok = b != NULL && buddy_ready(b);

    if (out == NULL)
        return;
    out->total_pages = ok ? b->npages : 0;
    out->free_pages = ok ? b->free_pages : 0;
    out->allocations = ok ? b->st_allocations : 0;
    out->failed_allocations = ok ? b->st_failed : 0;
    out->frees = ok ? b->st_frees : 0;
    out->splits = ok ? b->st_splits : 0;
    out->coalesces = ok ? b->st_coalesces : 0;
    out->peak_used_pages = ok ? b->st_peak_used : 0;
    out->requested_pages = ok ? b->st_requested : 0;
}

void pm_buddy_order_stats(const pm_buddy_t *b, pm_order_stats_t out[PM_NR_ORDERS])
{
    bool ok = b != NULL && buddy_ready(b);

    if (out == NULL)
        return;
    for (unsigned o = 0; o < PM_NR_ORDERS; o++) {
        out[o].free_blocks = ok ? b->nfree[o] + (o == 0 ? b->nhot : 0) : 0;
        out[o].allocations = ok ? b->st_order_allocs[o] : 0;
        out[o].frees = ok ? b->st_order_frees[o] : 0;
    }
}
