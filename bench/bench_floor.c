/*
 * bench/bench_floor.c - floor/pair and floor/batch64: the physical limit of
 * any per-CPU page cache. Each thread pops a page from its own array and
 * pushes it back, with a count of cached pages, both in a cache-line
 * aligned per-thread record in memory (as a per-CPU magazine keeps them).
 * The array's address escapes and every page goes through
 * pmb_do_not_optimize_u64, so nothing is optimized away; there is no lock,
 * no atomic and no function call.
 */
#include "pmb_workload.h"

void pmb_register_floor(void);

#define FLOOR_CAP  512u
#define FLOOR_PAGE 4096u

typedef struct floor_cache {
    PMB_CACHELINE_ALIGN unsigned count;
    uint64_t next; /* a fresh page when the array is empty */
    uint64_t page[FLOOR_CAP];
} floor_cache_t;

static PMB_ALWAYS_INLINE uint64_t floor_pop(floor_cache_t *c)
{
    if (PMB_LIKELY(c->count != 0))
        return c->page[--c->count];
    uint64_t p = c->next;
    c->next += FLOOR_PAGE;
    return p;
}

static PMB_ALWAYS_INLINE void floor_push(floor_cache_t *c, uint64_t p)
{
    if (PMB_LIKELY(c->count < FLOOR_CAP))
        c->page[c->count++] = p;
}

static void floor_init(floor_cache_t *c, int thread)
{
    c->count = 0;
    c->next = PMB_BASE + ((uint64_t)thread << 32);
    for (unsigned i = 0; i < FLOOR_CAP / 2; i++) {
        c->page[i] = c->next;
        c->next += FLOOR_PAGE;
        c->count++;
    }
    pmb_do_not_optimize_ptr(c);
}

static void floor_pair(pmb_state_t *st)
{
    floor_cache_t *c = aligned_alloc(64, sizeof(*c));
    if (!c) {
        pmb_skip_with_error(st, "out of memory");
        return;
    }
    floor_init(c, pmb_thread_index(st));
    while (pmb_keep_running(st)) {
        uint64_t p = floor_pop(c);
        pmb_do_not_optimize_u64(p);
        floor_push(c, p);
    }
    pmb_report_pairs(st, (double)pmb_iterations(st));
    free(c);
}

static void floor_batch64(pmb_state_t *st)
{
    floor_cache_t *c = aligned_alloc(64, sizeof(*c));
    uint64_t pages[64];
    if (!c) {
        pmb_skip_with_error(st, "out of memory");
        return;
    }
    floor_init(c, pmb_thread_index(st));
    while (pmb_keep_running(st)) {
        for (unsigned i = 0; i < 64; i++) {
            pages[i] = floor_pop(c);
            pmb_do_not_optimize_u64(pages[i]);
        }
        pmb_clobber_memory();
        for (unsigned i = 0; i < 64; i++)
            floor_push(c, pages[i]);
    }
    pmb_report_pairs(st, (double)pmb_iterations(st) * 64);
    free(c);
}

static void *floor_setup(pmb_state_t *st)
{
    pmb_set_label(st, "array");
    return pmb_fixture_new(NULL, pmb_threads(st));
}

static void floor_teardown(pmb_state_t *st, void *fixture)
{
    (void)st;
    pmb_fixture_delete(fixture);
}

void pmb_register_floor(void)
{
    pmb_backend_families_t b = {
        .prefix = "floor",
        .setup = floor_setup,
        .teardown = floor_teardown,
        .pair = floor_pair,
        .batch64 = floor_batch64,
    };
    pmb_register_backend(&b);
}
