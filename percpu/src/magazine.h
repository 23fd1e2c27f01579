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

#include <stdatomic.h>

#include <physmem/smp.h>

/*
 * Invariants: 0 <= rounds <= capacity (the allocator's batch), and for each
 * i < rounds, ps[i] == &zone->pstate[pfn(round[i]) - zone->base_pfn] of the
 * zone holding round[i] (pm_smp_check). Keeping each page's state byte
 * beside it lets an allocation mark the page USER without finding its
 * zone: a pop is two loads and a store.
 */
struct mag {
    struct mag *next; /* depot list link; NULL while a CPU holds it */
    unsigned rounds;  /* pages held, round[0..rounds) */
    unsigned capacity;
    _Atomic uint8_t **ps; /* ps[0..capacity): after round[], same allocation */
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

/* Takes the top page; *ps gets its state byte. */
static inline pm_paddr_t mag_pop(struct mag *m, _Atomic uint8_t **ps)
{
    unsigned n = m->rounds - 1;

    m->rounds = n;
    *ps = m->ps[n];
    return m->round[n];
}

/* Pushes page a, whose state byte is ps. */
static inline void mag_push(struct mag *m, pm_paddr_t a, _Atomic uint8_t *ps)
{
    unsigned n = m->rounds;

    m->round[n] = a;
    m->ps[n] = ps;
    m->rounds = n + 1;
}

struct zone_tables;

/*
 * Returns every page of m to its zone (one zone-lock acquisition per run of
 * pages from the same zone: one for a whole batch in the common case).
 * The caller owns m (holds its CPU's lock, or took it off a depot list).
 */
void mag_drain(struct zone_tables *t, struct mag *m);

/*
 * Fills m from the zones with up to capacity - rounds pages under one
 * zone-lock acquisition per zone tried, in table order.
 * Returns how many pages it added.
 */
unsigned mag_refill(struct zone_tables *t, struct mag *m, unsigned want);

#endif /* PM_MAGAZINE_H */
