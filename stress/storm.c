/*
 * storm.c - the "storm" pattern, in rounds: CPUs allocate order-0 pages
 * (singly or in bulk) until pm_smp_alloc says PM_ENOMEM. Once all have seen
 * it (a barrier), the pages they hold together must be every page there
 * is: none may be stranded in a per-CPU cache or the depot, and the
 * allocator must report nothing free and nothing cached (and pass
 * pm_smp_check while the CPUs wait at the barrier). Then the pages are
 * freed by CPUs other than the one that allocated them (so the caches
 * overflow into the depot and the zones), and the next round starts while
 * time is left.
 *
 * Even rounds fill together: every CPU allocates at once. Odd rounds (with
 * two CPUs or more) are solo: one CPU (a different one each time) fills
 * alone while the others wait with the pages the last round left in their
 * caches, so its PM_ENOMEM must come only after it drained those caches;
 * in a together round a CPU that gets PM_ENOMEM too early is not seen,
 * since the others then take their cached pages themselves. Every CPU
 * frees a slice of the solo CPU's pages.
 */
#include "stress.h"

#include <stdio.h>
#include <stdlib.h>

struct storm_list {
    struct stress_block *v;
    size_t n, cap;
};

struct storm_state {
    struct storm_list *lists; /* one per CPU */
    uint64_t total;           /* pages in the zones */
    unsigned round;
    _Atomic bool again;
};

static int storm_setup(struct stress_run *r)
{
    struct storm_state *s = calloc(1, sizeof(*s));
    if (!s)
        return -1;
    s->lists = calloc(r->nthreads, sizeof(*s->lists));
    if (!s->lists) {
        free(s);
        return -1;
    }
    atomic_init(&s->again, true);
    r->priv = s;
    stress_region_add_arena(r);
    s->total = r->arena->pages;
    return 0;
}

static void storm_teardown(struct stress_run *r)
{
    struct storm_state *s = r->priv;
    if (!r->opt->quiet)
        printf("pm-stress [storm] %u rounds, each ending with all %llu pages held\n", s->round,
               (unsigned long long)s->total);
    for (unsigned i = 0; i < r->nthreads; i++)
        free(s->lists[i].v);
    free(s->lists);
    free(s);
    r->priv = NULL;
}

static struct stress_block *list_room(struct storm_list *l, size_t more)
{
    if (l->n + more > l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 1024;
        while (cap < l->n + more)
            cap *= 2;
        l->v = realloc(l->v, cap * sizeof(*l->v));
        STRESS_CHECK(l->v != NULL, "out of memory");
        l->cap = cap;
    }
    return &l->v[l->n];
}

static void storm_fill(struct stress_thread *t, struct storm_list *l)
{
    for (;;) {
        if (stress_rng_one_in(&t->rng, 4)) {
            size_t want = 1 + stress_rng_below(&t->rng, 32);
            l->n += stress_alloc_bulk(t, want, list_room(l, want));
        } else {
            if (stress_alloc(t, 0, list_room(l, 1)) != PM_OK)
                return; /* PM_ENOMEM: stress_alloc fails on anything else */
            l->n++;
        }
        stress_count_op(t);
    }
}

/* A together round (every CPU fills), or the solo CPU of this round. */
#define STORM_TOGETHER UINT32_MAX

static unsigned storm_filler(const struct stress_run *r, const struct storm_state *s)
{
    if (r->nthreads < 2 || s->round % 2 == 0)
        return STORM_TOGETHER;
    return (s->round / 2) % r->nthreads;
}

/* Serial thread, every filler saw PM_ENOMEM: all pages must be held. */
static void storm_check_full(struct stress_run *r, struct storm_state *s, unsigned filler)
{
    uint64_t held = 0;
    pm_smp_stats_t st;
    for (unsigned i = 0; i < r->nthreads; i++)
        held += s->lists[i].n;
    pm_smp_stats(r->smp, &st);
    pm_err_t e = pm_smp_check(r->smp); /* quiet: everybody waits at the barrier */
    STRESS_CHECK(e == PM_OK, "round %u: pm_smp_check with every page allocated: %s", s->round,
                 pm_errname(e));
    if (filler != STORM_TOGETHER)
        STRESS_CHECK(held == s->total && st.free_pages == 0 && st.cached_pages == 0,
                     "round %u: cpu %u, allocating alone, got PM_ENOMEM while %llu pages were "
                     "still cached (and %llu free); it holds %llu of %llu pages",
                     s->round, filler, (unsigned long long)st.cached_pages,
                     (unsigned long long)st.free_pages, (unsigned long long)held,
                     (unsigned long long)s->total);
    STRESS_CHECK(held == s->total && st.free_pages == 0 && st.cached_pages == 0,
                 "round %u: every CPU got PM_ENOMEM, but they hold %llu of %llu pages; the "
                 "allocator says %llu free, %llu cached",
                 s->round, (unsigned long long)held, (unsigned long long)s->total,
                 (unsigned long long)st.free_pages, (unsigned long long)st.cached_pages);
}

static void storm_thread(struct stress_thread *t)
{
    struct stress_run *r = t->run;
    struct storm_state *s = r->priv;
    for (;;) {
        unsigned filler = storm_filler(r, s);
        if (filler == STORM_TOGETHER || filler == t->id)
            storm_fill(t, &s->lists[t->id]);
        if (stress_barrier(r))
            storm_check_full(r, s, filler);
        stress_barrier(r);
        if (filler == STORM_TOGETHER) {
            /* Free another CPU's pages: a different neighbour each round. */
            struct storm_list *l = &s->lists[(t->id + 1 + s->round) % r->nthreads];
            while (l->n > 0)
                stress_free(t, &l->v[--l->n]);
        } else {
            /* Every CPU frees its slice of the solo CPU's pages. */
            struct storm_list *l = &s->lists[filler];
            size_t lo = l->n * t->id / r->nthreads, hi = l->n * (t->id + 1) / r->nthreads;
            for (size_t i = hi; i > lo; i--)
                stress_free(t, &l->v[i - 1]);
        }
        if (stress_barrier(r)) {
            if (filler != STORM_TOGETHER)
                s->lists[filler].n = 0;
            s->round++;
            bool stop = atomic_load(&r->stop) ||
                        (t->ops_limit && stress_ops_total(r) >= t->ops_limit * r->nthreads);
            atomic_store(&s->again, !stop);
        }
        stress_barrier(r);
        if (!atomic_load(&s->again))
            break;
    }
}

const struct stress_pattern_ops stress_pattern_storm = {"storm", storm_setup, storm_thread,
                                                        storm_teardown};
