/*
 * pair.c - the "pair" pattern: every CPU allocates and frees at once, the
 * per-CPU cache's fast path. Orders are mostly 0 (1 in 16: order 1..3);
 * 1 in 64 rounds is a pm_smp_alloc_bulk of up to 64 pages, freed again.
 */
#include "stress.h"

#include <sched.h>

static void pair_thread(struct stress_thread *t)
{
    struct stress_block b[64];
    while (!stress_should_stop(t)) {
        uint32_t dice = stress_rng_below(&t->rng, 64);
        if (dice == 0) {
            size_t n = stress_alloc_bulk(t, 1 + stress_rng_below(&t->rng, 64), b);
            while (n > 0)
                stress_free(t, &b[--n]);
        } else {
            unsigned order = dice < 4 ? dice : 0;
            if (stress_alloc(t, order, &b[0]) == PM_OK) {
                stress_check_block(t, &b[0], "held");
                stress_free(t, &b[0]);
            } else {
                sched_yield();
            }
        }
        stress_count_op(t);
    }
}

const struct stress_pattern_ops stress_pattern_pair = {"pair", stress_region_add_arena, pair_thread,
                                                       NULL};
