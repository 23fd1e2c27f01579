/*
 * test_smp_hotadd.c - memory hot-add: pm_smp_add_region while other threads
 * allocate and free. Three threads on their own CPU slots allocate (mostly
 * single pages, some blocks up to 8 pages) and free for about half a second
 * from a region far too small for them, while the main thread adds eight
 * more regions (and tries an overlapping one, refused). The threads must
 * get pages from the new regions, never a page twice; at the end every page
 * of all nine regions is accounted for and pm_smp_check() passes.
 */
#define _POSIX_C_SOURCE 200809L

#include "smp_test_threads.h"

#define NWORK   3u
#define NREG    9u /* the first, and eight added */
#define FIRST   64u
#define REGPG   256u
#define GAP     ((uint64_t)0x1000000u) /* 16 MiB between region bases */
#define MAXHELD 160u
#define ADD_MS  50u
#define SEED    0x5eed0200u

struct ctx {
    pm_smp_t *s;
    struct ts_owner own;
    atomic_bool stop;
    atomic_ulong allocs, from_new; /* progress, all workers */
};

/* After the last region, the run goes on until the threads have done this
 * (slow builds and a loaded host need longer), at most MAX_MS. */
#define MIN_ALLOCS 101u
#define MAX_MS     120000u

struct worker {
    struct ctx *x;
    unsigned cpu;
    pthread_t th;
    struct ts_block held[MAXHELD];
    size_t nheld;
    unsigned long allocs, enomem, from_new;
};

static void worker_free(struct worker *w, size_t i)
{
    struct ts_block b = w->held[i];

    w->held[i] = w->held[--w->nheld];
    ts_owner_give(&w->x->own, b.addr, b.npages);
    if (pm_smp_free(w->x->s, w->cpu, b.addr, b.npages) != PM_OK)
        TS_FAIL(&w->x->own);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct ctx *x = w->x;
    struct ts_rng r;

    ts_rng_seed(&r, SEED + w->cpu, NULL);
    while (!atomic_load_explicit(&x->stop, memory_order_relaxed)) {
        /* grow towards MAXHELD blocks: more than the first region has */
        if (w->nheld < MAXHELD && ts_rng_below(&r, 100) < 65) {
            size_t n = ts_rng_below(&r, 100) < 80 ? 1 : (size_t)1 + ts_rng_below(&r, 8);
            pm_paddr_t a;
            pm_err_t err = pm_smp_alloc(x->s, w->cpu, n, &a);

            if (err == PM_OK) {
                ts_owner_take(&x->own, a, n);
                w->held[w->nheld++] = (struct ts_block){a, n};
                w->allocs++;
                atomic_fetch_add_explicit(&w->x->allocs, 1, memory_order_relaxed);
                if (ts_owner_region(&x->own, a) > 0)
                    w->from_new++;
                atomic_fetch_add_explicit(&w->x->from_new, 1, memory_order_relaxed);
            } else if (err == PM_ENOMEM) {
                w->enomem++;
                if (w->nheld > 0) /* make room, and let the others in */
                    worker_free(w, ts_rng_below(&r, (unsigned)w->nheld));
                sched_yield();
            } else {
                TS_FAIL(&x->own);
            }
        } else if (w->nheld > 0) {
            worker_free(w, ts_rng_below(&r, (unsigned)w->nheld));
        }
    }
    return NULL;
}

static void test_hotadd_while_allocating(void **state)
{
    struct ctx *x = calloc(1, sizeof(*x));
    struct worker *w = calloc(NWORK, sizeof(*w));
    const uint64_t total = FIRST + (NREG - 1) * (uint64_t)REGPG;
    unsigned long from_new = 0, allocs = 0;
    pm_smp_stats_t st;

    (void)state;
    assert_non_null(x);
    assert_non_null(w);
    printf("# hotadd: rng seeds %#x + cpu; a region every %u ms\n", SEED, ADD_MS);
    x->s = ts_create1(NWORK, 8, 32, 0, FIRST);
    ts_owner_init(&x->own, TS_BASE, GAP, NREG, REGPG);
    atomic_init(&x->stop, false);
    atomic_init(&x->allocs, 0);
    atomic_init(&x->from_new, 0);
    for (unsigned i = 0; i < NWORK; i++) {
        w[i].x = x;
        w[i].cpu = i;
        assert_int_equal(pthread_create(&w[i].th, NULL, worker_main, &w[i]), 0);
    }
    for (unsigned r = 1; r < NREG; r++) {
        ts_sleep_ms(ADD_MS);
        /* an overlap is refused and changes nothing, also now */
        assert_err(pm_smp_add_region(x->s, pm_paddr(TS_BASE + (r - 1) * GAP), 1), PM_EINVAL);
        assert_ok(pm_smp_add_region(x->s, pm_paddr(TS_BASE + r * GAP), REGPG));
    }
    ts_sleep_ms(2 * ADD_MS);
    for (unsigned ms = 2 * ADD_MS; ms < MAX_MS; ms += 10) {
        if (atomic_load(&x->allocs) >= MIN_ALLOCS && atomic_load(&x->from_new) > 0)
            break;
        ts_sleep_ms(10);
    }
    atomic_store(&x->stop, true);
    for (unsigned i = 0; i < NWORK; i++)
        assert_int_equal(pthread_join(w[i].th, NULL), 0);

    ts_owner_assert_clean(&x->own);
    assert_ok(pm_smp_check(x->s));
    st = ts_stats(x->s);
    assert_int_equal(st.zones, NREG);
    assert_int_equal(st.total_pages, total);
    for (unsigned i = 0; i < NWORK; i++) {
        printf("# cpu %u: %lu allocs, %lu from added regions, %lu ENOMEM, %zu held at the end\n", i,
               w[i].allocs, w[i].from_new, w[i].enomem, w[i].nheld);
        from_new += w[i].from_new;
        allocs += w[i].allocs;
    }
    /* the threads held more than the first region: the new ones were used */
    assert_true(from_new > 0);
    assert_true(allocs >= MIN_ALLOCS);
    {
        struct ts_block *held = calloc(NWORK * MAXHELD, sizeof(*held));
        size_t n = 0;

        assert_non_null(held);
        for (unsigned i = 0; i < NWORK; i++) {
            memcpy(&held[n], w[i].held, w[i].nheld * sizeof(*held));
            n += w[i].nheld;
        }
        ts_assert_intact(x->s, held, n);
        free(held);
    }
    for (unsigned i = 0; i < NWORK; i++) {
        while (w[i].nheld > 0)
            worker_free(&w[i], w[i].nheld - 1);
    }
    ts_owner_assert_clean(&x->own);
    pm_smp_drain_all(x->s);
    st = ts_stats(x->s);
    assert_int_equal(st.free_pages, total);
    assert_int_equal(st.cached_pages, 0);
    assert_ok(pm_smp_check(x->s));
    ts_assert_intact(x->s, NULL, 0);
    ts_owner_fini(&x->own);
    ts_destroy(x->s);
    free(w);
    free(x);
}

int main(void)
{
    ts_fault_from_env();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hotadd_while_allocating),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
