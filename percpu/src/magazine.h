/*
 * magazine.h - a magazine: a fixed-size stack of order-0 pages (Bonwick,
 * "Magazines and Vmem", USENIX 2001).
 *
 * Each CPU holds exactly two, `loaded` and `previous`; full and empty spares
 * wait in the depot. Pop and push are a few instructions and sit inline in
 * the fast path; everything that moves pages to or from a zone is out of
 * line in magazine.c.
 */
#ifndef PM_MAGAZINE_H
#define PM_MAGAZINE_H

#include <physmem/smp.h>

/* Invariant: 0 <= rounds <= capacity (the allocator's batch). */
struct mag {
    struct mag *next; /* depot list link; NULL while a CPU holds it */
    unsigned rounds;  /* pages held, round[0..rounds) */
    unsigned capacity;
    pm_paddr_t round[];
};

static inline bool mag_is_empty(const struct mag *m)
{
    return m->rounds == 0;
}

static inline bool mag_is_full(const struct mag *m)
{
    return m->rounds == m->capacity;
}

static inline pm_paddr_t mag_pop(struct mag *m)
{
    return m->round[--m->rounds];
}

static inline void mag_push(struct mag *m, pm_paddr_t a)
{
    m->round[m->rounds++] = a;
}

struct pm_smp;

/*
 * Returns every page of m to its zone (one zone-lock acquisition per run of
 * pages from the same zone: one for a whole batch in the common case).
 * The caller owns m (holds its CPU's lock, or took it off a depot list).
 */
void mag_drain(struct pm_smp *s, struct mag *m);

/*
 * Fills m from the zones with up to capacity - rounds pages under one
 * zone-lock acquisition per zone tried, in table order.
 * Returns how many pages it added.
 */
unsigned mag_refill(struct pm_smp *s, struct mag *m, unsigned want);

#endif /* PM_MAGAZINE_H */
