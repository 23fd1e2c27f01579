/*
 * hotadd.c - the "hotadd" pattern: memory hot-add. The arena is reserved
 * whole but the allocator starts with its first chunk only; CPU 0 adds the
 * other chunks with pm_smp_add_region (chunk boundaries at arbitrary pages)
 * during the first half of the run while every CPU allocates and frees
 * blocks of order 0..5 and meets PM_ENOMEM while memory is short. Every
 * returned block must lie in an added region (block.c). Bad additions must
 * be refused: an overlap with a zone, a misaligned base, zero pages.
 */
#include "stress.h"

#include <sched.h>
#include <stdlib.h>

#define HOTADD_CHUNKS 8
#define HOTADD_HELD   128

struct hotadd_state {
    unsigned nchunks, next; /* next: CPU 0's only */
};

static size_t chunk_first(const struct stress_run *r, const struct hotadd_state *h, unsigned k)
{
    return r->arena->pages * k / h->nchunks;
}

static void expect_refused(struct stress_run *r, uint64_t addr, size_t npages, pm_err_t want,
                           const char *what)
{
    pm_err_t e = pm_smp_add_region(r->smp, pm_paddr(addr), npages);
    STRESS_CHECK(e == want, "pm_smp_add_region with %s: %s, want %s", what, pm_errname(e),
                 pm_errname(want));
}

static void add_chunk(struct stress_run *r, struct hotadd_state *h)
{
    unsigned k = h->next++;
    size_t first = chunk_first(r, h, k), end = chunk_first(r, h, k + 1);
    stress_region_add(r, first, end - first);
    /* The middle of the new zone to past its end: overlaps it. */
    size_t mid = first + (end - first) / 2;
    expect_refused(r, stress_arena_addr(r->arena, mid), end - mid + 1, PM_EINVAL,
                   "a range overlapping a zone");
}

static int hotadd_setup(struct stress_run *r)
{
    struct hotadd_state *h = calloc(1, sizeof(*h));
    if (!h)
        return -1;
    h->nchunks = r->arena->pages < HOTADD_CHUNKS ? (unsigned)r->arena->pages : HOTADD_CHUNKS;
    r->priv = h;
    add_chunk(r, h);
    if (h->nchunks > 1) {
        uint64_t next = stress_arena_addr(r->arena, chunk_first(r, h, 1));
        expect_refused(r, next + 8, 1, PM_EALIGN, "a base not page aligned");
        expect_refused(r, next, 0, PM_EINVAL, "zero pages");
    }
    return 0;
}

static void hotadd_teardown(struct stress_run *r)
{
    free(r->priv);
    r->priv = NULL;
}

/* CPU 0: chunk k is due k / (2 * nchunks) into the run (by time or by ops). */
static void maybe_add(struct stress_thread *t, struct hotadd_state *h, bool finishing)
{
    struct stress_run *r = t->run;
    while (h->next < h->nchunks) {
        double frac = (double)h->next / (2.0 * h->nchunks);
        bool due = finishing;
        if (r->seconds > 0 && stress_now() - r->start >= frac * r->seconds)
            due = true;
        if (t->ops_limit && (double)atomic_load_explicit(&t->ops, memory_order_relaxed) >=
                                frac * (double)t->ops_limit)
            due = true;
        if (!due)
            return;
        add_chunk(r, h);
    }
}

static void hotadd_thread(struct stress_thread *t)
{
    struct stress_run *r = t->run;
    struct hotadd_state *h = r->priv;
    struct stress_block held[HOTADD_HELD];
    unsigned nheld = 0;
    while (!stress_should_stop(t)) {
        if (t->id == 0)
            maybe_add(t, h, false);
        if (nheld < HOTADD_HELD && stress_rng_below(&t->rng, 2) == 0) {
            if (stress_alloc(t, stress_rng_below(&t->rng, 6), &held[nheld]) == PM_OK)
                nheld++;
            else if (nheld == 0)
                sched_yield();
        } else if (nheld > 0) {
            unsigned i = stress_rng_below(&t->rng, nheld);
            struct stress_block b = held[i];
            held[i] = held[--nheld];
            stress_free(t, &b);
        }
        stress_count_op(t);
    }
    if (t->id == 0)
        maybe_add(t, h, true);
    while (nheld > 0)
        stress_free(t, &held[--nheld]);
}

const struct stress_pattern_ops stress_pattern_hotadd = {"hotadd", hotadd_setup, hotadd_thread,
                                                         hotadd_teardown};
