/*
 * model.c - the fuzzers' reference model (see model.h).
 *
 * Independent of the allocator's code on purpose: no free lists, no buddy
 * arithmetic, no helpers from lib/ beyond the types; orders are computed
 * here with a loop. Plain scans of a byte a page.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define FZ_PAGE_SHIFT 12

/* Smallest order with 2^order >= pages (pages >= 1). */
static unsigned model_order_of(size_t pages)
{
    unsigned o = 0;

    while (((size_t)1 << o) < pages)
        o++;
    return o;
}

void fz_model_init(fz_model_t *m)
{
    memset(m, 0, sizeof(*m));
}

void fz_model_fini(fz_model_t *m)
{
    for (unsigned i = 0; i < m->nregions; i++)
        free(m->r[i].st);
    fz_model_init(m);
}

bool fz_model_overlaps(const fz_model_t *m, uint64_t base_pfn, uint64_t npages)
{
    for (unsigned i = 0; i < m->nregions; i++) {
        const struct fz_region *r = &m->r[i];

        if (base_pfn < r->base_pfn + r->npages && r->base_pfn < base_pfn + npages)
            return true;
    }
    return false;
}

bool fz_model_add_region(fz_model_t *m, uint64_t base_pfn, uint64_t npages)
{
    struct fz_region *r;

    if (npages == 0 || m->nregions == FZ_MAX_REGIONS || fz_model_overlaps(m, base_pfn, npages))
        return false;
    r = &m->r[m->nregions];
    r->st = calloc(npages, 1);
    if (r->st == NULL)
        abort();
    r->base_pfn = base_pfn;
    r->npages = npages;
    m->nregions++;
    m->total += npages;
    m->free += npages;
    return true;
}

void fz_model_reset(fz_model_t *m)
{
    for (unsigned i = 0; i < m->nregions; i++)
        memset(m->r[i].st, FZ_PAGE_FREE, m->r[i].npages);
    m->free = m->total;
}

const struct fz_region *fz_model_region_of(const fz_model_t *m, uint64_t pfn)
{
    for (unsigned i = 0; i < m->nregions; i++) {
        const struct fz_region *r = &m->r[i];

        if (pfn >= r->base_pfn && pfn < r->base_pfn + r->npages)
            return r;
    }
    return NULL;
}

static bool region_run_free(const struct fz_region *r, uint64_t pfn, uint64_t len)
{
    if (pfn < r->base_pfn || pfn + len > r->base_pfn + r->npages)
        return false;
    for (uint64_t k = 0; k < len; k++) {
        if (r->st[pfn - r->base_pfn + k] != FZ_PAGE_FREE)
            return false;
    }
    return true;
}

bool fz_model_has_run(const fz_model_t *m, unsigned order)
{
    uint64_t len = (uint64_t)1 << order;

    for (unsigned i = 0; i < m->nregions; i++) {
        const struct fz_region *r = &m->r[i];
        /* the first multiple of len at or above the base */
        uint64_t pfn = (r->base_pfn + len - 1) / len * len;

        for (; pfn + len <= r->base_pfn + r->npages; pfn += len) {
            if (region_run_free(r, pfn, len))
                return true;
        }
    }
    return false;
}

bool fz_model_can_place(const fz_model_t *m, uint64_t pfn, unsigned order)
{
    uint64_t len = (uint64_t)1 << order;
    const struct fz_region *r = fz_model_region_of(m, pfn);

    return r != NULL && pfn % len == 0 && region_run_free(r, pfn, len);
}

void fz_model_mark_alloc(fz_model_t *m, uint64_t pfn, unsigned order)
{
    const struct fz_region *r = fz_model_region_of(m, pfn);
    uint64_t len = (uint64_t)1 << order;
    uint8_t *st;

    if (r == NULL)
        abort();
    st = &r->st[pfn - r->base_pfn];
    st[0] = (uint8_t)(FZ_PAGE_HEAD + order);
    for (uint64_t k = 1; k < len; k++)
        st[k] = FZ_PAGE_TAIL;
    m->free -= len;
}

void fz_model_mark_free(fz_model_t *m, uint64_t pfn)
{
    const struct fz_region *r = fz_model_region_of(m, pfn);
    uint8_t *st;
    uint64_t len;

    if (r == NULL)
        abort();
    st = &r->st[pfn - r->base_pfn];
    if (st[0] == FZ_PAGE_FREE || st[0] == FZ_PAGE_TAIL)
        abort();
    len = (uint64_t)1 << (st[0] - FZ_PAGE_HEAD);
    memset(st, FZ_PAGE_FREE, len);
    m->free += len;
}

pm_err_t fz_model_free_error(const fz_model_t *m, pm_paddr_t addr, size_t npages)
{
    uint64_t a = pm_paddr_u64(addr);
    uint64_t pfn = a >> FZ_PAGE_SHIFT;
    const struct fz_region *r;
    unsigned order;
    uint8_t st;

    if (npages == 0)
        return PM_EZERO;
    if (a % 4096 != 0)
        return PM_EALIGN;
    r = fz_model_region_of(m, pfn);
    if (r == NULL)
        return PM_ERANGE;
    if (npages > 512)
        return PM_ETOOLARGE;
    order = model_order_of(npages);
    if (pfn % ((uint64_t)1 << order) != 0)
        return PM_EALIGN;
    st = r->st[pfn - r->base_pfn];
    if (st == FZ_PAGE_FREE || st == FZ_PAGE_TAIL)
        return PM_ENOTALLOC;
    if (st - FZ_PAGE_HEAD != (int)order)
        return PM_ESIZE;
    return PM_OK;
}

pm_err_t fz_model_block_order(const fz_model_t *m, pm_paddr_t addr, unsigned *order)
{
    uint64_t a = pm_paddr_u64(addr);
    const struct fz_region *r;
    uint8_t st;

    if (a % 4096 != 0)
        return PM_EALIGN;
    r = fz_model_region_of(m, a >> FZ_PAGE_SHIFT);
    if (r == NULL)
        return PM_ERANGE;
    st = r->st[(a >> FZ_PAGE_SHIFT) - r->base_pfn];
    if (st == FZ_PAGE_FREE || st == FZ_PAGE_TAIL)
        return PM_ENOTALLOC;
    *order = (unsigned)(st - FZ_PAGE_HEAD);
    return PM_OK;
}

bool fz_model_self_check(const fz_model_t *m)
{
    uint64_t total = 0, nfree = 0;

    for (unsigned i = 0; i < m->nregions; i++) {
        const struct fz_region *r = &m->r[i];
        uint64_t k = 0;

        total += r->npages;
        while (k < r->npages) {
            uint8_t st = r->st[k];
            uint64_t len;

            if (st == FZ_PAGE_FREE) {
                nfree++;
                k++;
                continue;
            }
            if (st == FZ_PAGE_TAIL || st - FZ_PAGE_HEAD > 9)
                return false; /* a tail without its head, or a bad order */
            len = (uint64_t)1 << (st - FZ_PAGE_HEAD);
            if ((r->base_pfn + k) % len != 0 || k + len > r->npages)
                return false;
            for (uint64_t j = 1; j < len; j++) {
                if (r->st[k + j] != FZ_PAGE_TAIL)
                    return false;
            }
            k += len;
        }
    }
    return total == m->total && nfree == m->free;
}
