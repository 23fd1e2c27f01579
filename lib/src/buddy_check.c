/*
 * buddy_check.c - pm_buddy_check(): the core's invariants, verified in full.
 *
 * O(npages): meant for tests, stress runs and PM_DEBUG=2 asserts, never for a
 * hot path. Every loop is bounded by the counts it checks, so a corrupted
 * list (a cycle, a wild index) is reported, never followed forever.
 *
 *   1. each list o holds nfree[o] FREE heads of order o, linked both ways,
 *      naturally aligned, inside the range, whose buddy is not also free;
 *   2. the hot stack holds nhot <= hot_max HOT heads of order 0, linked
 *      through next, ending at a page whose next is itself;
 *   3. free_pages == sum over o of (nfree[o] << o) + nhot, and bit o of
 *      avail is set exactly when nfree[o] != 0;
 *   4. heads and tails tile [0, npages): each head is followed by exactly
 *      2^order - 1 TAIL pages, and the FREE and HOT heads met are exactly
 *      those on the lists and the stack (so no page is both free and
 *      allocated).
 */
#include "buddy_page.h"

static bool check_list(const pm_buddy_t *b, unsigned o, uint64_t *sum)
{
    uint64_t n = b->nfree[o];
    uint32_t i = b->head[o];

    if (n == 0)
        return true;
    if (n > b->npages || i >= b->npages || b->pages[i].prev != i)
        return false;
    for (uint64_t c = 0; c < n; c++) {
        const struct pm_buddy_page *p = &b->pages[i];
        uint64_t pfn = b->base_pfn + i;
        uint64_t bpfn = pfn ^ ((uint64_t)1 << o);

        if (p->state != BUDDY_FREE || p->order != o)
            return false;
        if ((pfn & (((uint64_t)1 << o) - 1)) != 0 || i + ((uint64_t)1 << o) > b->npages)
            return false;
        if (o < PM_MAX_ORDER && bpfn >= b->base_pfn && bpfn - b->base_pfn < b->npages) {
            const struct pm_buddy_page *bp = &b->pages[bpfn - b->base_pfn];
            if (bp->state == BUDDY_FREE && bp->order == o)
                return false; /* two free buddies left unmerged */
        }
        if (c + 1 == n) {
            if (p->next != i)
                return false;
        } else {
            if (p->next == i || p->next >= b->npages || b->pages[p->next].prev != i)
                return false;
            i = p->next;
        }
    }
    *sum += n << o;
    return true;
}

static bool check_hot(const pm_buddy_t *b)
{
    uint32_t i = b->hot_head;

    if (b->nhot > b->hot_max || b->nhot > b->npages)
        return false;
    for (uint64_t c = 0; c < b->nhot; c++) {
        const struct pm_buddy_page *p;

        if (i >= b->npages)
            return false;
        p = &b->pages[i];
        if (p->state != BUDDY_HOT || p->order != 0)
            return false;
        if ((p->next == i) != (c + 1 == b->nhot))
            return false; /* the stack ends early, or does not end */
        i = p->next;
    }
    return true;
}

static bool check_tiling(const pm_buddy_t *b, uint64_t free_heads_expected)
{
    uint64_t free_heads = 0;
    uint64_t requested = 0;
    uint64_t i = 0;

    while (i < b->npages) {
        const struct pm_buddy_page *p = &b->pages[i];
        uint64_t size;

        if (p->state == BUDDY_TAIL || p->state > BUDDY_HOT || p->order > PM_MAX_ORDER ||
            (p->state == BUDDY_HOT && p->order != 0))
            return false;
        size = (uint64_t)1 << p->order;
        if (((b->base_pfn + i) & (size - 1)) != 0 || i + size > b->npages)
            return false;
        for (uint64_t j = 1; j < size; j++) {
            if (b->pages[i + j].state != BUDDY_TAIL)
                return false;
        }
        if (p->state == BUDDY_FREE || p->state == BUDDY_HOT) {
            free_heads++;
        } else {
            if (p->requested == 0 || p->requested > size)
                return false;
            requested += p->requested;
        }
        i += size;
    }
#if PM_STATS
    if (requested != b->st_requested)
        return false;
#endif
    (void)requested;
    return free_heads == free_heads_expected;
}

pm_err_t pm_buddy_check(const pm_buddy_t *b)
{
    uint64_t sum = 0;
    uint64_t heads = 0;

    if (b == NULL)
        return PM_EINVAL;
    if (!buddy_ready(b))
        return PM_EUNINIT;
    if (b->npages > PM_BUDDY_MAX_PAGES || (b->npages > 0 && b->pages == NULL))
        return PM_ECORRUPT;
    for (unsigned o = 0; o < PM_NR_ORDERS; o++) {
        if (!check_list(b, o, &sum))
            return PM_ECORRUPT;
        heads += b->nfree[o];
        if (((b->avail >> o) & 1u) != (b->nfree[o] != 0))
            return PM_ECORRUPT;
    }
    if (!check_hot(b))
        return PM_ECORRUPT;
    heads += b->nhot;
    sum += b->nhot;
    if (sum != b->free_pages || b->free_pages > b->npages)
        return PM_ECORRUPT;
    if (!check_tiling(b, heads))
        return PM_ECORRUPT;
    return PM_OK;
}
