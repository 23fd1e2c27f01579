/*
 * pair.c - the "pair" pattern: every CPU allocates and frees at once, the
 * per-CPU cache's fast path. Orders are mostly 0 (1 in 16: order 1..3);
 * 1 in 64 rounds is a pm_smp_alloc_bulk of up to 64 pages, freed again.
 * Each single block is freed one round later, after the next allocation:
 * a page the allocator hands out again at once (it stayed cached) is then
 * still held, and the shadow map sees it handed out twice.
 */
#include "stress.h"

#include <sched.h>

static void pair_thread(struct stress_thread *t)
{
    struct stress_block b[64], prev;
    bool have_prev = false;
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
                if (have_prev)
                    stress_free(t, &prev);
                prev = b[0];
                have_prev = true;
            } else {
                if (have_prev)
                    stress_free(t, &prev);
                have_prev = false;
                sched_yield();
            }
        }
        stress_count_op(t);
    }
    if (have_prev)
        stress_free(t, &prev);
}

const struct stress_pattern_ops stress_pattern_pair = {"pair", stress_region_add_arena, pair_thread,
                                                       NULL};
