/*
 * test_smp_threads.c - a short multi-threaded smoke test of the SMP
 * allocator: four threads, each on its own CPU slot, allocate and free
 * blocks of mixed orders (single pages mostly, bulk too), hand blocks to one
 * another through a mutex-protected list to be freed on another CPU, while a
 * fifth thread drains their caches remotely (pm_smp_drain_cpu, drain_all)
 * and reads statistics. An ownership map catches any page handed out twice
 * at once. A second, or longer until they made enough progress; then:
 * all freed, drain_all, pm_smp_check() OK, free == total, and every page
 * allocatable exactly once. Run three
 * times: by default, with PM_SMP_NO_MEMBARRIER (the owner's full-fence
 * path against the drainer) and with PM_SMP_STRICT_FREE.
 */
#define _POSIX_C_SOURCE 200809L

#include "smp_test_threads.h"

#define NWORK   4u
#define NPG     8192u /* > what the threads can hold: 4 * 64 * 16 + 64 * 16 */
#define BATCH   16u
#define HIGH    64u
#define MAXHELD 64u
#define RUN_MS  1000u
#define SEED    0x5eed0001u
/* The run lasts at least run_ms, and until the threads made this much
 * progress (slow builds, valgrind, a loaded host need longer), at most: */
#define MIN_ALLOCS 1000u
#define MIN_CROSS  100u
#define MAX_MS     120000u

struct shared_list {
    pthread_mutex_t mu;
    struct ts_block v[64];
    size_t n;
};

struct ctx {
    pm_smp_t *s;
    struct ts_owner own;
    struct shared_list list;
    atomic_bool stop;
    atomic_ulong allocs, cross_frees; /* progress, all workers */
};

struct worker {
    struct ctx *x;
    unsigned cpu;
    pthread_t th;
    struct ts_block held[MAXHELD];
    size_t nheld;
    unsigned long allocs, frees, cross_frees, enomem, enomem0, bulk_pages;
};

static size_t pick_npages(struct ts_rng *r)
{
    static const size_t sizes[] = {2, 3, 4, 5, 8, 10, 16};
    unsigned k = ts_rng_below(r, 100);

    if (k < 70)
        return 1;
    return sizes[k % (sizeof(sizes) / sizeof(sizes[0]))];
}

static void worker_free(struct worker *w, size_t i)
{
    struct ts_block b = w->held[i];

    w->held[i] = w->held[--w->nheld];
    ts_owner_give(&w->x->own, b.addr, b.npages);
    if (pm_smp_free(w->x->s, w->cpu, b.addr, b.npages) != PM_OK)
        TS_FAIL(&w->x->own);
    w->frees++;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct ctx *x = w->x;
    struct ts_rng r;

    ts_rng_seed(&r, SEED + w->cpu, NULL);
    while (!atomic_load_explicit(&x->stop, memory_order_relaxed)) {
        unsigned op = ts_rng_below(&r, 100);

        if (op < 50 && w->nheld < MAXHELD) {
            size_t n = pick_npages(&r);
            pm_paddr_t a;
            pm_err_t err = pm_smp_alloc(x->s, w->cpu, n, &a);

            if (err == PM_OK) {
                ts_owner_take(&x->own, a, n);
                w->held[w->nheld++] = (struct ts_block){a, n};
                w->allocs++;
                atomic_fetch_add_explicit(&x->allocs, 1, memory_order_relaxed);
            } else if (err == PM_ENOMEM) {
                w->enomem++;
                w->enomem0 += n == 1;
            } else {
                TS_FAIL(&x->own);
            }
        } else if (op < 55 && w->nheld + 8 <= MAXHELD) {
            pm_paddr_t v[8];
            size_t got = pm_smp_alloc_bulk(x->s, w->cpu, 8, v);

            for (size_t i = 0; i < got; i++) {
                ts_owner_take(&x->own, v[i], 1);
                w->held[w->nheld++] = (struct ts_block){v[i], 1};
            }
            w->bulk_pages += got;
        } else if (op < 85 && w->nheld > 0) {
            worker_free(w, ts_rng_below(&r, (unsigned)w->nheld));
        } else if (op < 93 && w->nheld > 0) {
            /* hand a block to whoever comes next */
            size_t i = ts_rng_below(&r, (unsigned)w->nheld);

            pthread_mutex_lock(&x->list.mu);
            if (x->list.n < sizeof(x->list.v) / sizeof(x->list.v[0])) {
                x->list.v[x->list.n++] = w->held[i];
                w->held[i] = w->held[--w->nheld];
            }
            pthread_mutex_unlock(&x->list.mu);
        } else {
            /* free a block someone else allocated, on this CPU */
            struct ts_block b = {pm_paddr(0), 0};

            pthread_mutex_lock(&x->list.mu);
            if (x->list.n > 0)
                b = x->list.v[--x->list.n];
            pthread_mutex_unlock(&x->list.mu);
            if (b.npages > 0) {
                ts_owner_give(&x->own, b.addr, b.npages);
                if (pm_smp_free(x->s, w->cpu, b.addr, b.npages) != PM_OK)
                    TS_FAIL(&x->own);
                w->cross_frees++;
                atomic_fetch_add_explicit(&x->cross_frees, 1, memory_order_relaxed);
            }
        }
    }
    return NULL;
}

static void *drainer_main(void *arg)
{
    struct ctx *x = arg;
    struct ts_rng r;
    unsigned long k = 0;

    ts_rng_seed(&r, SEED + 100, NULL);
    while (!atomic_load_explicit(&x->stop, memory_order_relaxed)) {
        pm_smp_stats_t st;

        if (++k % 8 == 0)
            pm_smp_drain_all(x->s);
        else
            pm_smp_drain_cpu(x->s, ts_rng_below(&r, NWORK));
        pm_smp_stats(x->s, &st);
        if (st.total_pages != NPG || st.cached_pages > st.max_cached_pages)
            TS_FAIL(&x->own);
        ts_sleep_ms(1);
    }
    return NULL;
}

static void threads_smoke(unsigned flags, unsigned run_ms)
{
    struct ctx *x = calloc(1, sizeof(*x));
    struct worker *w = calloc(NWORK, sizeof(*w));
    pthread_t drainer;
    pm_smp_stats_t st;
    unsigned long allocs = 0, cross = 0, enomem0 = 0;

    assert_non_null(x);
    assert_non_null(w);
    printf("# threads: flags %#x, rng seeds %#x + cpu, drainer %#x; %u ms\n", flags, SEED,
           SEED + 100, run_ms);
    x->s = ts_create1(NWORK, BATCH, HIGH, flags, NPG);
    ts_owner_init(&x->own, TS_BASE, (uint64_t)NPG * TS_PG, 1, NPG);
    pthread_mutex_init(&x->list.mu, NULL);
    atomic_init(&x->stop, false);
    atomic_init(&x->allocs, 0);
    atomic_init(&x->cross_frees, 0);
    for (unsigned i = 0; i < NWORK; i++) {
        w[i].x = x;
        w[i].cpu = i;
        assert_int_equal(pthread_create(&w[i].th, NULL, worker_main, &w[i]), 0);
    }
    assert_int_equal(pthread_create(&drainer, NULL, drainer_main, x), 0);
    ts_sleep_ms(run_ms);
    /* no test of throughput: a slow run goes on until it has done enough */
    for (unsigned ms = run_ms; ms < MAX_MS; ms += 10) {
        if (atomic_load(&x->allocs) >= MIN_ALLOCS && atomic_load(&x->cross_frees) >= MIN_CROSS)
            break;
        ts_sleep_ms(10);
    }
    atomic_store(&x->stop, true);
    for (unsigned i = 0; i < NWORK; i++)
        assert_int_equal(pthread_join(w[i].th, NULL), 0);
    assert_int_equal(pthread_join(drainer, NULL), 0);

    ts_owner_assert_clean(&x->own);
    assert_ok(pm_smp_check(x->s));
    for (unsigned i = 0; i < NWORK; i++) {
        printf("# cpu %u: %lu allocs, %lu frees, %lu cross-CPU frees, %lu bulk pages, %lu "
               "ENOMEM\n",
               i, w[i].allocs, w[i].frees, w[i].cross_frees, w[i].bulk_pages, w[i].enomem);
        allocs += w[i].allocs;
        cross += w[i].cross_frees;
        enomem0 += w[i].enomem0;
        while (w[i].nheld > 0)
            worker_free(&w[i], w[i].nheld - 1);
    }
    while (x->list.n > 0) {
        struct ts_block b = x->list.v[--x->list.n];
        ts_owner_give(&x->own, b.addr, b.npages);
        assert_ok(pm_smp_free(x->s, 3, b.addr, b.npages));
    }
    ts_owner_assert_clean(&x->own);
    assert_true(allocs >= MIN_ALLOCS);
    assert_true(cross >= MIN_CROSS);
    assert_int_equal(enomem0, 0); /* at most half the pages are held: a page is always there */
    pm_smp_drain_all(x->s);
    st = ts_stats(x->s);
    assert_int_equal(st.cached_pages, 0);
    assert_int_equal(st.free_pages, NPG);
    assert_int_equal(st.total_pages, NPG);
    assert_ok(pm_smp_check(x->s));
    ts_assert_intact(x->s, NULL, 0);
    pthread_mutex_destroy(&x->list.mu);
    ts_owner_fini(&x->own);
    ts_destroy(x->s);
    free(w);
    free(x);
}

static void test_threads_smoke(void **state)
{
    (void)state;
    threads_smoke(0, RUN_MS);
}

static void test_threads_smoke_no_membarrier(void **state)
{
    (void)state;
    threads_smoke(PM_SMP_NO_MEMBARRIER, RUN_MS / 2);
}

static void test_threads_smoke_strict(void **state)
{
    (void)state;
    threads_smoke(PM_SMP_STRICT_FREE, RUN_MS / 2);
}

int main(void)
{
    ts_fault_from_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_smoke),
        cmocka_unit_test(test_threads_smoke_no_membarrier),
        cmocka_unit_test(test_threads_smoke_strict),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
