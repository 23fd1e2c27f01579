/*
 * worker.c - the per-hart workload. Every hart is a CPU slot (its index)
 * and runs the same phases at the same time; the choices come from a
 * splitmix64 stream per hart (the run's seed, the hart as the stream), so
 * a seed replays the same requests, if not the same interleaving.
 *
 * Every block handed out is checked before use: aligned to its order,
 * inside an added zone (never a carved metadata page), and no page of it
 * stamped by a holder (stamp.c); then every page is stamped. Before every
 * free the stamps must be intact. A block is freed either by the hart that
 * got it or, one time in four in the mixed phase, by another hart it is
 * mailed to (mailbox.c), which checks the original owner's stamp.
 *
 * Sizes: memory is tight on purpose. The two boot regions hold about 3560
 * pages and the harts, WORKER_LIVE blocks each of mean size about 37
 * pages, want about as many, so PM_ENOMEM (with the drain of every cache
 * it implies) is common until the hot-added regions arrive.
 */
#include "worker.h"

#include <stdbool.h>

#include "../rng.h"
#include "config.h"
#include "guest.h"
#include "hart.h"
#include "mailbox.h"
#include "regions.h"
#include "stamp.h"
#include "verdict.h"

#define WORKER_LIVE        24   /* blocks one hart holds at most in the mixed phase */
#define WORKER_PAIRS       1500 /* order-0 pairs per hart, times the scale */
#define WORKER_MIXED       3000 /* mixed-phase steps per hart, times the scale */
#define WORKER_BULK        16   /* pages of one bulk allocation */
#define WORKER_BULK_EVERY  64   /* pairs between bulks */
#define WORKER_DRAINER     1    /* drains other slots every WORKER_DRAIN_EVERY steps */
#define WORKER_DRAIN_EVERY 8
#define WORKER_HOT_ADDER   2

struct held {
    uint64_t pa;
    uint64_t stamp;
    uint32_t npages;
    uint8_t order;
};

struct worker {
    struct stress_rng rng;
    uint64_t seq;
    unsigned nlive;
    struct held live[WORKER_LIVE];
    struct worker_counts n;
} __attribute__((aligned(64)));

static struct worker workers[GUEST_MAX_HARTS];

static unsigned order_of(uint32_t npages)
{
    unsigned o = 0;

    while ((1u << o) < npages)
        o++;
    return o;
}

/* Orders 0..9 skewed to small: 40% order 0, 35% 1..3, 15% 4..6, 10% 7..9;
 * a page count anywhere in the order's range (2^(o-1), 2^o]. */
static uint32_t pick_npages(struct worker *w)
{
    uint32_t r = stress_rng_below(&w->rng, 100), o, lo;

    if (r < 40)
        return 1;
    if (r < 75)
        o = 1 + stress_rng_below(&w->rng, 3);
    else if (r < 90)
        o = 4 + stress_rng_below(&w->rng, 3);
    else
        o = 7 + stress_rng_below(&w->rng, 3);
    lo = 1u << (o - 1);
    return lo + 1 + stress_rng_below(&w->rng, lo);
}

/* A block the allocator just handed to `self`: checked, then stamped. */
static void claim(struct worker *w, unsigned self, uint64_t pa, uint32_t npages, struct held *h)
{
    unsigned order = order_of(npages);
    int region;

    if ((pa & ((4096ull << order) - 1)) != 0)
        verdict_fail("block 0x%lx of order %u is not aligned to its order", (unsigned long)pa,
                     order);
    region = region_of_block(pa, 1ull << order);
    if (region < 0)
        verdict_fail("block 0x%lx of order %u lies outside every zone", (unsigned long)pa, order);
    if (guest_regions[region].hot)
        w->n.hot_blocks++;
    h->pa = pa;
    h->npages = npages;
    h->order = (uint8_t)order;
    h->stamp = stamp_make(self, ++w->seq);
    stamp_claim(pa, order, h->stamp, self);
    w->n.allocs++;
}

/* false on PM_ENOMEM; any other error ends the run. */
static bool take(struct worker *w, unsigned self, uint32_t npages, struct held *h)
{
    pm_paddr_t pa;
    pm_err_t err = pm_smp_alloc(guest_smp, self, npages, &pa);

    if (err == PM_ENOMEM) {
        w->n.enomem++;
        return false;
    }
    if (err != PM_OK)
        verdict_fail("pm_smp_alloc(cpu %u, %u pages): %s", self, npages, pm_errname(err));
    claim(w, self, pm_paddr_u64(pa), npages, h);
    return true;
}

/* Checks the stamps of h (whoever allocated it) and frees it from `self`. */
static void give_back(struct worker *w, unsigned self, const struct held *h)
{
    pm_err_t err;

    stamp_release(h->pa, h->order, h->stamp, self);
    err = pm_smp_free(guest_smp, self, pm_paddr(h->pa), h->npages);
    if (err != PM_OK)
        verdict_fail("pm_smp_free(cpu %u, 0x%lx, %u pages) of a block it held: %s", self,
                     (unsigned long)h->pa, h->npages, pm_errname(err));
    w->n.frees++;
}

static void poll_mail(struct worker *w, unsigned self)
{
    struct mail m;

    for (unsigned from = 0; from < hart_count(); from++) {
        while (from != self && mailbox_recv(from, self, &m)) {
            struct held h = {m.pa, m.stamp, m.npages, m.order};

            give_back(w, self, &h);
            w->n.received++;
        }
    }
}

void worker_pairs(void)
{
    unsigned self = hart_id();
    struct worker *w = &workers[self];
    uint64_t pairs = (uint64_t)WORKER_PAIRS * guest_config.scale;
    struct held h;

    stress_rng_init(&w->rng, guest_config.seed, self);
    for (uint64_t i = 0; i < pairs; i++) {
        if (!take(w, self, 1, &h))
            verdict_fail("pm_smp_alloc(cpu %u, 1 page): PM_ENOMEM with nearly all memory free",
                         self);
        give_back(w, self, &h);
        if (i % WORKER_BULK_EVERY == 0) {
            pm_paddr_t out[WORKER_BULK];
            struct held b[WORKER_BULK];
            size_t got = pm_smp_alloc_bulk(guest_smp, self, WORKER_BULK, out);

            if (got != WORKER_BULK)
                verdict_fail("pm_smp_alloc_bulk(cpu %u, %u pages) gave %lu with nearly all "
                             "memory free",
                             self, WORKER_BULK, (unsigned long)got);
            for (size_t k = 0; k < got; k++)
                claim(w, self, pm_paddr_u64(out[k]), 1, &b[k]);
            for (size_t k = 0; k < got; k++)
                give_back(w, self, &b[k]);
        }
    }
}

static void step_free(struct worker *w, unsigned self, unsigned n)
{
    unsigned i = stress_rng_below(&w->rng, w->nlive);
    struct held h = w->live[i];

    w->live[i] = w->live[--w->nlive];
    if (n > 1 && stress_rng_one_in(&w->rng, 4)) {
        unsigned to = (self + 1 + stress_rng_below(&w->rng, n - 1)) % n;
        struct mail m = {h.pa, h.stamp, h.npages, h.order};

        if (mailbox_send(self, to, &m)) {
            w->n.sent++;
            return;
        }
    }
    give_back(w, self, &h);
}

void worker_mixed(void)
{
    unsigned self = hart_id(), n = hart_count();
    struct worker *w = &workers[self];
    uint64_t steps = (uint64_t)WORKER_MIXED * guest_config.scale;
    unsigned hot_adder = n > WORKER_HOT_ADDER ? WORKER_HOT_ADDER : n - 1;

    for (uint64_t i = 0; i < steps; i++) {
        poll_mail(w, self);
        if (self == WORKER_DRAINER && n > 1 && i % WORKER_DRAIN_EVERY == 0) {
            unsigned victim = (self + 1 + stress_rng_below(&w->rng, n - 1)) % n;

            pm_smp_drain_cpu(guest_smp, victim);
            w->n.drains++;
        }
        if (self == hot_adder && (i == steps / 3 || i == 2 * steps / 3))
            region_add(guest_smp, i == steps / 3 ? 2 : 3);
        if (w->nlive < WORKER_LIVE && (w->nlive == 0 || stress_rng_below(&w->rng, 100) < 55)) {
            if (take(w, self, pick_npages(w), &w->live[w->nlive]))
                w->nlive++;
        } else {
            step_free(w, self, n);
        }
    }
}

void worker_release(void)
{
    unsigned self = hart_id();
    struct worker *w = &workers[self];

    poll_mail(w, self);
    while (w->nlive > 0)
        give_back(w, self, &w->live[--w->nlive]);
}

const struct worker_counts *worker_counts(unsigned hart)
{
    return &workers[hart].n;
}
