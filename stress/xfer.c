/*
 * xfer.c - the "xfer" pattern: producer CPUs (the lower half of the slots)
 * allocate order-0 pages, singly or in bulk, stamp them and pass them
 * through single-producer single-consumer rings (one per producer/consumer
 * pair) to consumer CPUs, which check and free them on their own slots:
 * every page is freed on a CPU other than the one that allocated it. With
 * one CPU, the thread plays both parts.
 */
#include "stress.h"

#include <sched.h>
#include <stdalign.h>
#include <stdlib.h>

#define XFER_RING 128 /* a power of two */

struct xfer_ring {
    alignas(64) _Atomic size_t head; /* consumer's */
    alignas(64) _Atomic size_t tail; /* producer's */
    struct stress_block slot[XFER_RING];
};

struct xfer_state {
    unsigned producers, consumers;
    struct xfer_ring *rings; /* [producer * consumers + consumer] */
    _Atomic unsigned producers_done;
};

static int xfer_setup(struct stress_run *r)
{
    struct xfer_state *x = calloc(1, sizeof(*x));
    if (!x)
        return -1;
    x->producers = r->nthreads >= 2 ? r->nthreads / 2 : 1;
    x->consumers = r->nthreads >= 2 ? r->nthreads - x->producers : 1;
    x->rings = aligned_alloc(64, sizeof(*x->rings) * x->producers * x->consumers);
    if (!x->rings) {
        free(x);
        return -1;
    }
    for (unsigned i = 0; i < x->producers * x->consumers; i++) {
        atomic_init(&x->rings[i].head, 0u);
        atomic_init(&x->rings[i].tail, 0u);
    }
    atomic_init(&x->producers_done, 0u);
    r->priv = x;
    return stress_region_add_arena(r);
}

static void xfer_teardown(struct stress_run *r)
{
    struct xfer_state *x = r->priv;
    free(x->rings);
    free(x);
    r->priv = NULL;
}

static bool ring_push(struct xfer_ring *q, const struct stress_block *b)
{
    size_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
    if (tail - atomic_load_explicit(&q->head, memory_order_acquire) == XFER_RING)
        return false;
    q->slot[tail % XFER_RING] = *b;
    atomic_store_explicit(&q->tail, tail + 1, memory_order_release);
    return true;
}

static bool ring_pop(struct xfer_ring *q, struct stress_block *b)
{
    size_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
    if (head == atomic_load_explicit(&q->tail, memory_order_acquire))
        return false;
    *b = q->slot[head % XFER_RING];
    atomic_store_explicit(&q->head, head + 1, memory_order_release);
    return true;
}

/* One pass over consumer c's rings; true if it freed anything. */
static bool consume(struct stress_thread *t, struct xfer_state *x, unsigned c)
{
    bool any = false;
    struct stress_block b;
    for (unsigned p = 0; p < x->producers; p++) {
        struct xfer_ring *q = &x->rings[p * x->consumers + c];
        while (ring_pop(q, &b)) {
            stress_check_block(t, &b, "received");
            stress_free(t, &b);
            stress_count_op(t);
            any = true;
        }
    }
    return any;
}

static void produce(struct stress_thread *t, struct xfer_state *x, bool also_consumer)
{
    struct stress_block b[16];
    unsigned next = 0, me = t->id;
    while (!stress_should_stop(t)) {
        size_t n;
        if (stress_rng_one_in(&t->rng, 8))
            n = stress_alloc_bulk(t, 1 + stress_rng_below(&t->rng, 16), b);
        else
            n = stress_alloc(t, 0, &b[0]) == PM_OK;
        if (n == 0) {
            if (also_consumer)
                consume(t, x, 0);
            sched_yield();
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            stress_count_op(t);
            for (;;) {
                unsigned c = next++ % x->consumers;
                if (ring_push(&x->rings[me * x->consumers + c], &b[i]))
                    break;
                if (also_consumer)
                    consume(t, x, 0);
                else if (c == x->consumers - 1)
                    sched_yield(); /* every ring full: let the consumers run */
            }
        }
    }
    atomic_fetch_add_explicit(&x->producers_done, 1, memory_order_release);
}

static void xfer_thread(struct stress_thread *t)
{
    struct xfer_state *x = t->run->priv;
    if (t->id < x->producers)
        produce(t, x, t->run->nthreads == 1);
    if (t->id >= x->producers || t->run->nthreads == 1) {
        unsigned c = t->run->nthreads == 1 ? 0 : t->id - x->producers;
        for (;;) {
            if (consume(t, x, c))
                continue;
            if (atomic_load_explicit(&x->producers_done, memory_order_acquire) == x->producers) {
                consume(t, x, c); /* what the last pushes left */
                break;
            }
            sched_yield();
        }
    }
}

const struct stress_pattern_ops stress_pattern_xfer = {"xfer", xfer_setup, xfer_thread,
                                                       xfer_teardown};
