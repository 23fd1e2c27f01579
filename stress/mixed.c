/*
 * mixed.c - the "mixed" pattern: random orders 0..9 skewed to small ones,
 * held for random times in a per-thread list whose target length wanders
 * (memory pressure rises and falls, PM_ENOMEM is allowed). One free in four
 * is done by another CPU: the block goes through that CPU's inbox (a
 * mutex-protected ring) and is freed there, with the freeing thread's own
 * slot. Now and then a thread drains a random CPU's cache (also one whose
 * owner is allocating) or all caches.
 */
#include "stress.h"

#include <sched.h>
#include <stdlib.h>

#define MIXED_HELD  64
#define MIXED_INBOX 256

struct mixed_inbox {
    pthread_mutex_t lock;
    unsigned head, count;
    struct stress_block ring[MIXED_INBOX];
};

struct mixed_state {
    struct mixed_inbox *inbox; /* one per CPU */
};

static int mixed_setup(struct stress_run *r)
{
    struct mixed_state *m = calloc(1, sizeof(*m));
    if (!m)
        return -1;
    m->inbox = calloc(r->nthreads, sizeof(*m->inbox));
    if (!m->inbox) {
        free(m);
        return -1;
    }
    for (unsigned i = 0; i < r->nthreads; i++)
        pthread_mutex_init(&m->inbox[i].lock, NULL);
    r->priv = m;
    return stress_region_add_arena(r);
}

static void mixed_teardown(struct stress_run *r)
{
    struct mixed_state *m = r->priv;
    for (unsigned i = 0; i < r->nthreads; i++)
        pthread_mutex_destroy(&m->inbox[i].lock);
    free(m->inbox);
    free(m);
    r->priv = NULL;
}

/* 0 half the time, then 1, 2, 3 ...; 1 in 20: 4..9. */
static unsigned mixed_order(struct stress_rng *rng)
{
    uint32_t d = stress_rng_below(rng, 100);
    if (d < 50)
        return 0;
    if (d < 70)
        return 1;
    if (d < 85)
        return 2;
    if (d < 95)
        return 3;
    return 4 + stress_rng_below(rng, 6);
}

static bool inbox_push(struct mixed_inbox *in, const struct stress_block *b)
{
    bool ok = false;
    pthread_mutex_lock(&in->lock);
    if (in->count < MIXED_INBOX) {
        in->ring[(in->head + in->count) % MIXED_INBOX] = *b;
        in->count++;
        ok = true;
    }
    pthread_mutex_unlock(&in->lock);
    return ok;
}

/* Frees, on t's own slot, every block other CPUs left in t's inbox. */
static void inbox_drain(struct stress_thread *t, struct mixed_inbox *in)
{
    struct stress_block got[MIXED_INBOX];
    unsigned n = 0;
    pthread_mutex_lock(&in->lock);
    while (in->count > 0) {
        got[n++] = in->ring[in->head];
        in->head = (in->head + 1) % MIXED_INBOX;
        in->count--;
    }
    pthread_mutex_unlock(&in->lock);
    for (unsigned i = 0; i < n; i++)
        stress_free(t, &got[i]);
}

static void mixed_thread(struct stress_thread *t)
{
    struct stress_run *r = t->run;
    struct mixed_state *m = r->priv;
    struct stress_block held[MIXED_HELD];
    unsigned nheld = 0, target = MIXED_HELD / 2;
    uint64_t step = 0;

    while (!stress_should_stop(t)) {
        step++;
        if ((step & 15) == 0)
            inbox_drain(t, &m->inbox[t->id]);
        if ((step & 1023) == 0)
            target = stress_rng_below(&t->rng, MIXED_HELD + 1);
        if (nheld < target || nheld == 0) {
            if (stress_alloc(t, mixed_order(&t->rng), &held[nheld]) == PM_OK)
                nheld++;
            else if (nheld == 0)
                sched_yield();
            else
                target = nheld - 1; /* out of memory: give some back */
        } else {
            unsigned i = stress_rng_below(&t->rng, nheld);
            struct stress_block b = held[i];
            held[i] = held[--nheld];
            stress_check_block(t, &b, "held");
            unsigned to = stress_rng_below(&t->rng, r->nthreads);
            if (to != t->id && stress_rng_one_in(&t->rng, 4) && inbox_push(&m->inbox[to], &b)) {
                /* freed by CPU `to` */
            } else {
                stress_free(t, &b);
            }
        }
        if (stress_rng_one_in(&t->rng, 4096))
            pm_smp_drain_cpu(r->smp, stress_rng_below(&t->rng, r->nthreads));
        if (stress_rng_one_in(&t->rng, 65536))
            pm_smp_drain_all(r->smp);
        stress_count_op(t);
    }
    while (nheld > 0)
        stress_free(t, &held[--nheld]);
    stress_barrier(r); /* nobody sends any more */
    inbox_drain(t, &m->inbox[t->id]);
}

const struct stress_pattern_ops stress_pattern_mixed = {"mixed", mixed_setup, mixed_thread,
                                                        mixed_teardown};
