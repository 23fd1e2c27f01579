/*
 * bench/bench_peers.c - the peers physmem's SMP allocator is measured
 * against, on the same workloads (bench/pmb_workload.h):
 *
 *   mutex/...   the buddy core (pm_buddy) behind one plain pthread_mutex_t
 *   malloc/...  aligned_alloc(4096, 4096 << order) and free: glibc, or
 *               whichever malloc is LD_PRELOADed (the label says which: the
 *               environment variable PM_BENCH_MALLOC names it); pair9 is
 *               aligned_alloc(2 MiB, 2 MiB), a block aligned as a huge page
 */
#include "pmb_workload.h"

#include <physmem/physmem.h>

#include <pthread.h>
#include <stdio.h>

void pmb_register_peers(void);

/* ------------------------------------------------------------------------ */
/* mutex: the core behind a pthread mutex. */

typedef struct mutex_buddy {
    pthread_mutex_t lock;
    pm_buddy_t *b;
} mutex_buddy_t;

static bool mutex_alloc(void *ctx, unsigned cpu, unsigned order, uint64_t *out)
{
    mutex_buddy_t *m = ctx;
    pm_paddr_t a;
    (void)cpu;
    pthread_mutex_lock(&m->lock);
    pm_err_t e = pm_buddy_alloc(m->b, (size_t)1 << order, &a);
    pthread_mutex_unlock(&m->lock);
    if (e != PM_OK)
        return false;
    *out = pm_paddr_u64(a);
    return true;
}

static void mutex_free(void *ctx, unsigned cpu, uint64_t addr, unsigned order)
{
    mutex_buddy_t *m = ctx;
    (void)cpu;
    pthread_mutex_lock(&m->lock);
    pm_err_t e = pm_buddy_free(m->b, pm_paddr(addr), (size_t)1 << order);
    pthread_mutex_unlock(&m->lock);
    (void)e;
}

static void *mutex_setup(pmb_state_t *st)
{
    mutex_buddy_t *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    if (pm_buddy_create(pm_paddr(PMB_BASE), PMB_NPAGES, &m->b) != PM_OK) {
        free(m);
        return NULL;
    }
    pthread_mutex_init(&m->lock, NULL);
    pmb_fixture_t *fx = pmb_fixture_new(m, pmb_threads(st));
    if (!fx) {
        pm_buddy_destroy(m->b);
        free(m);
        return NULL;
    }
    pmb_set_label(st, "pthread_mutex");
    return fx;
}

static void mutex_teardown(pmb_state_t *st, void *fixture)
{
    pmb_fixture_t *fx = fixture;
    mutex_buddy_t *m = fx->ctx;
    (void)st;
    if (pm_buddy_free_pages(m->b) != pm_buddy_total_pages(m->b))
        fprintf(stderr, "pm-bench: mutex buddy not whole after the run\n");
    pthread_mutex_destroy(&m->lock);
    pm_buddy_destroy(m->b);
    free(m);
    pmb_fixture_delete(fx);
}

static void mutex_pair(pmb_state_t *st)
{
    pmb_wl_pair(st, mutex_alloc, mutex_free);
}

static void mutex_batch64(pmb_state_t *st)
{
    pmb_wl_batch(st, 64, mutex_alloc, mutex_free);
}

static void mutex_xfer(pmb_state_t *st)
{
    pmb_wl_xfer(st, mutex_alloc, mutex_free);
}

static void mutex_mixed(pmb_state_t *st)
{
    pmb_wl_mixed(st, mutex_alloc, mutex_free);
}

static void mutex_pair9(pmb_state_t *st)
{
    pmb_wl_pair9(st, mutex_alloc, mutex_free);
}

/* ------------------------------------------------------------------------ */
/* malloc: aligned_alloc(4096, 4096 << order). */

static bool malloc_alloc(void *ctx, unsigned cpu, unsigned order, uint64_t *out)
{
    (void)ctx;
    (void)cpu;
    void *p = aligned_alloc(PM_PAGE_SIZE, PM_PAGE_SIZE << order);
    if (!p)
        return false;
    *out = (uint64_t)(uintptr_t)p;
    return true;
}

/* aligned_alloc(4096 << order, 4096 << order): aligned to its size, as a
 * buddy block is (pair9: a 2 MiB block on a 2 MiB boundary). */
static bool malloc_alloc_aligned(void *ctx, unsigned cpu, unsigned order, uint64_t *out)
{
    (void)ctx;
    (void)cpu;
    void *p = aligned_alloc(PM_PAGE_SIZE << order, PM_PAGE_SIZE << order);
    if (!p)
        return false;
    *out = (uint64_t)(uintptr_t)p;
    return true;
}

static void malloc_free(void *ctx, unsigned cpu, uint64_t addr, unsigned order)
{
    (void)ctx;
    (void)cpu;
    (void)order;
    free((void *)(uintptr_t)addr);
}

static void *malloc_setup(pmb_state_t *st)
{
    const char *which = getenv("PM_BENCH_MALLOC");
    char label[64];
    snprintf(label, sizeof(label), "%s", which && *which ? which : "glibc");
    pmb_set_label(st, label);
    return pmb_fixture_new(NULL, pmb_threads(st));
}

static void malloc_teardown(pmb_state_t *st, void *fixture)
{
    (void)st;
    pmb_fixture_delete(fixture);
}

static void malloc_pair(pmb_state_t *st)
{
    pmb_wl_pair(st, malloc_alloc, malloc_free);
}

static void malloc_batch64(pmb_state_t *st)
{
    pmb_wl_batch(st, 64, malloc_alloc, malloc_free);
}

static void malloc_xfer(pmb_state_t *st)
{
    pmb_wl_xfer(st, malloc_alloc, malloc_free);
}

static void malloc_mixed(pmb_state_t *st)
{
    pmb_wl_mixed(st, malloc_alloc, malloc_free);
}

static void malloc_pair9(pmb_state_t *st)
{
    pmb_wl_pair9(st, malloc_alloc_aligned, malloc_free);
}

void pmb_register_peers(void)
{
    pmb_backend_families_t mutex = {
        .prefix = "mutex",
        .setup = mutex_setup,
        .teardown = mutex_teardown,
        .pair = mutex_pair,
        .batch64 = mutex_batch64,
        .xfer = mutex_xfer,
        .mixed = mutex_mixed,
        .pair9 = mutex_pair9,
    };
    pmb_register_backend(&mutex);
    pmb_backend_families_t mal = {
        .prefix = "malloc",
        .setup = malloc_setup,
        .teardown = malloc_teardown,
        .pair = malloc_pair,
        .batch64 = malloc_batch64,
        .xfer = malloc_xfer,
        .mixed = malloc_mixed,
        .pair9 = malloc_pair9,
    };
    pmb_register_backend(&mal);
}
