/*
 * bench/bench_floor.c - floor/pair and floor/batch64: the physical limit of
 * any per-CPU page cache. Each thread pops a page from its own array and
 * pushes it back, with a count of cached pages, both in a cache-line
 * aligned per-thread record in memory (as a per-CPU magazine keeps them).
 * The array's address escapes and every page goes through
 * pmb_do_not_optimize_u64, so nothing is optimized away; there is no lock,
 * no atomic and no function call.
 *
 * callfloor/pair and callfloor/batch64: the same pop and push behind an
 * out-of-line call each, reached as an allocator's API reaches its CPU's
 * cache (a pointer array indexed by the CPU slot). Not a target: the least
 * any allocator with a function-call API can do, beside the floor, to show
 * what the call boundary alone costs (the count lives in memory across the
 * call, so each pop and push waits for the last one's store).
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

/* Not static, never inlined and (gcc) not specialized: a real call. */
#if defined(__GNUC__) && !defined(__clang__)
#define CALLFLOOR_NOINLINE __attribute__((noinline, noipa))
#else
#define CALLFLOOR_NOINLINE __attribute__((noinline))
#endif

bool pmb_callfloor_alloc(void *ctx, unsigned cpu, unsigned order, uint64_t *out);
void pmb_callfloor_free(void *ctx, unsigned cpu, uint64_t addr, unsigned order);

CALLFLOOR_NOINLINE bool pmb_callfloor_alloc(void *ctx, unsigned cpu, unsigned order, uint64_t *out)
{
    (void)order;
    *out = floor_pop(((floor_cache_t **)ctx)[cpu]);
    return true;
}

CALLFLOOR_NOINLINE void pmb_callfloor_free(void *ctx, unsigned cpu, uint64_t addr, unsigned order)
{
    (void)order;
    floor_push(((floor_cache_t **)ctx)[cpu], addr);
}

static void callfloor_pair(pmb_state_t *st)
{
    pmb_wl_pair(st, pmb_callfloor_alloc, pmb_callfloor_free);
}

static void callfloor_batch64(pmb_state_t *st)
{
    pmb_wl_batch(st, 64, pmb_callfloor_alloc, pmb_callfloor_free);
}

static void *callfloor_setup(pmb_state_t *st)
{
    int n = pmb_threads(st);
    floor_cache_t **cpu = calloc((size_t)n, sizeof(*cpu));
    pmb_fixture_t *fx;

    for (int i = 0; cpu != NULL && i < n; i++) {
        cpu[i] = aligned_alloc(64, sizeof(floor_cache_t));
        if (cpu[i] == NULL)
            break;
        floor_init(cpu[i], i);
    }
    fx = cpu != NULL && cpu[n - 1] != NULL ? pmb_fixture_new(cpu, n) : NULL;
    if (fx == NULL) {
        for (int i = 0; cpu != NULL && i < n; i++)
            free(cpu[i]);
        free(cpu);
        return NULL;
    }
    pmb_set_label(st, "array, out-of-line");
    return fx;
}

static void callfloor_teardown(pmb_state_t *st, void *fixture)
{
    pmb_fixture_t *fx = fixture;
    floor_cache_t **cpu = fx->ctx;

    for (int i = 0; i < pmb_threads(st); i++)
        free(cpu[i]);
    free(cpu);
    pmb_fixture_delete(fx);
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
    b.prefix = "callfloor";
    b.setup = callfloor_setup;
    b.teardown = callfloor_teardown;
    b.pair = callfloor_pair;
    b.batch64 = callfloor_batch64;
    pmb_register_backend(&b);
}
