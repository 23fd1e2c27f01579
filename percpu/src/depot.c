/*
 * depot.c - the magazine depot (see depot.h).
 *
 * Two singly linked stacks under one ticket lock. Every operation is O(1)
 * and holds the lock for a handful of stores; draining a magazine's pages
 * happens outside it, by the caller.
 */
#include "depot.h"

void depot_init(struct depot *d, unsigned max_full) PM_NO_TSA
{
    ticket_lock_init(&d->lock);
    d->full = NULL;
    d->empty = NULL;
    d->nfull = 0;
    d->nempty = 0;
    d->max_full = max_full;
}

static inline void depot_push_locked(struct mag **list, unsigned *n, struct mag *m)
{
    m->next = *list;
    *list = m;
    (*n)++;
}

static inline struct mag *depot_pop_locked(struct mag **list, unsigned *n)
{
    struct mag *m = *list;

    if (m != NULL) {
        *list = m->next;
        m->next = NULL;
        (*n)--;
    }
    return m;
}

void depot_put_empty(struct depot *d, struct mag *m)
{
    PM_ASSERT(mag_is_empty(m));
    ticket_lock_acquire(&d->lock);
    depot_push_locked(&d->empty, &d->nempty, m);
    ticket_lock_release(&d->lock);
}

struct mag *depot_trade_empty(struct depot *d, struct mag *m)
{
    struct mag *full;

    PM_ASSERT(mag_is_empty(m));
    ticket_lock_acquire(&d->lock);
    full = depot_pop_locked(&d->full, &d->nfull);
    if (full != NULL)
        depot_push_locked(&d->empty, &d->nempty, m);
    ticket_lock_release(&d->lock);
    return full;
}

struct mag *depot_trade_full(struct depot *d, struct mag *m)
{
    struct mag *empty = NULL;

    PM_ASSERT(mag_is_full(m));
    ticket_lock_acquire(&d->lock);
    if (d->nfull < d->max_full) {
        empty = depot_pop_locked(&d->empty, &d->nempty);
        if (empty != NULL)
            depot_push_locked(&d->full, &d->nfull, m);
    }
    ticket_lock_release(&d->lock);
    return empty;
}

struct mag *depot_take_all_full(struct depot *d)
{
    struct mag *list;

    ticket_lock_acquire(&d->lock);
    list = d->full;
    d->full = NULL;
    d->nfull = 0;
    ticket_lock_release(&d->lock);
    return list;
}

uint64_t depot_cached_pages(struct depot *d)
{
    uint64_t pages = 0;

    ticket_lock_acquire(&d->lock);
    for (struct mag *m = d->full; m != NULL; m = m->next)
        pages += m->rounds;
    ticket_lock_release(&d->lock);
    return pages;
}

pm_err_t depot_check(struct depot *d, unsigned held_by_cpus, unsigned total_mags)
{
    pm_err_t err = PM_OK;
    unsigned nfull = 0, nempty = 0;

    ticket_lock_acquire(&d->lock);
    for (struct mag *m = d->full; m != NULL && nfull <= total_mags; m = m->next, nfull++) {
        if (!mag_is_full(m))
            err = PM_ECORRUPT;
    }
    for (struct mag *m = d->empty; m != NULL && nempty <= total_mags; m = m->next, nempty++) {
        if (!mag_is_empty(m))
            err = PM_ECORRUPT;
    }
    if (nfull != d->nfull || nempty != d->nempty || d->nfull > d->max_full ||
        held_by_cpus + nfull + nempty != total_mags)
        err = PM_ECORRUPT;
    ticket_lock_release(&d->lock);
    return err;
}
