/*
 * runner.c - runs one pattern: creates the allocator, lets the pattern add
 * its regions, starts one thread per CPU slot, watches the clock (sets the
 * stop flag when the pattern's time is up; a watchdog reports threads that
 * never finish), prints progress once a second, joins, and hands the quiet
 * allocator to the end-of-pattern checks.
 */
#include "stress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Seconds a pattern may take to wind down after its time is up. */
#define STRESS_WATCHDOG_S 120.0

double stress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

bool stress_should_stop(struct stress_thread *t)
{
    if (atomic_load_explicit(&t->run->stop, memory_order_relaxed))
        return true;
    return t->ops_limit && atomic_load_explicit(&t->ops, memory_order_relaxed) >= t->ops_limit;
}

void stress_count_op(struct stress_thread *t)
{
    uint64_t n = atomic_load_explicit(&t->ops, memory_order_relaxed);
    atomic_store_explicit(&t->ops, n + 1, memory_order_relaxed);
}

bool stress_barrier(struct stress_run *r)
{
    int rc = pthread_barrier_wait(&r->barrier);
    STRESS_CHECK(rc == 0 || rc == PTHREAD_BARRIER_SERIAL_THREAD, "pthread_barrier_wait: %d", rc);
    return rc == PTHREAD_BARRIER_SERIAL_THREAD;
}

static void *thread_main(void *arg)
{
    struct stress_thread *t = arg;
    if (t->id == 0 && t->run->opt->selftest != STRESS_SELFTEST_NONE)
        stress_selftest_inject(t);
    t->run->ops->thread(t);
    atomic_fetch_add_explicit(&t->run->done, 1, memory_order_release);
    return NULL;
}

uint64_t stress_ops_total(struct stress_run *r)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < r->nthreads; i++)
        sum += atomic_load_explicit(&r->threads[i].ops, memory_order_relaxed);
    return sum;
}

static void progress(struct stress_run *r, double elapsed, uint64_t *last_ops, double *last_t)
{
    pm_smp_stats_t st;
    uint64_t ops = stress_ops_total(r);
    pm_smp_stats(r->smp, &st);
    double dt = elapsed - *last_t;
    printf("pm-stress [%s] %5.1fs: ops %llu (%.0f/s), free %llu, cached %llu of %llu pages\n",
           r->ops->name, elapsed, (unsigned long long)ops,
           dt > 0 ? (double)(ops - *last_ops) / dt : 0.0, (unsigned long long)st.free_pages,
           (unsigned long long)st.cached_pages, (unsigned long long)st.total_pages);
    fflush(stdout);
    *last_ops = ops;
    *last_t = elapsed;
}

/* Waits for the threads, stopping them when time is up. */
static void supervise(struct stress_run *r)
{
    double next_report = 1.0, stopped_at = 0, last_t = 0;
    uint64_t last_ops = 0;
    struct timespec nap = {0, 20 * 1000 * 1000};
    while (atomic_load_explicit(&r->done, memory_order_acquire) < r->nthreads) {
        nanosleep(&nap, NULL);
        double elapsed = stress_now() - r->start;
        if (!atomic_load(&r->stop) && r->seconds > 0 && elapsed >= r->seconds) {
            atomic_store(&r->stop, true);
            stopped_at = elapsed;
        }
        if (stopped_at > 0 && elapsed - stopped_at > STRESS_WATCHDOG_S)
            stress_fail("%u of %u threads still running %.0f s after the stop: a deadlock or a "
                        "lost wake-up",
                        r->nthreads - atomic_load(&r->done), r->nthreads, STRESS_WATCHDOG_S);
        if (!r->opt->quiet && elapsed >= next_report) {
            progress(r, elapsed, &last_ops, &last_t);
            next_report += 1.0;
        }
    }
}

int stress_run_pattern(const struct stress_options *opt, int pattern, struct stress_arena *arena,
                       struct stress_shadow *shadow, double seconds, uint64_t ops,
                       uint64_t *ops_done)
{
    static const struct stress_pattern_ops *const table[STRESS_NR_PATTERNS] = {
        &stress_pattern_pair, &stress_pattern_mixed, &stress_pattern_xfer, &stress_pattern_storm,
        &stress_pattern_hotadd};
    struct stress_run *r = calloc(1, sizeof(*r));
    STRESS_CHECK(r != NULL, "out of memory");
    r->opt = opt;
    r->ops = table[pattern];
    r->arena = arena;
    r->shadow = shadow;
    r->nthreads = opt->cpus;
    r->seconds = seconds;
    atomic_init(&r->stop, false);
    atomic_init(&r->done, 0u);
    atomic_init(&r->nregions, 0u);
    atomic_init(&r->announced_end, 0u);
    stress_fail_set_pattern(r->ops->name);

    pm_smp_config_t cfg = {opt->cpus, opt->batch, opt->high,
                           (opt->nocache ? PM_SMP_NOCACHE : 0u) |
                               (opt->no_membarrier ? PM_SMP_NO_MEMBARRIER : 0u)};
    pm_err_t e = pm_smp_create(&cfg, &r->smp);
    STRESS_CHECK(e == PM_OK, "pm_smp_create(cpus %u, batch %u, high %u, flags %#x): %s", cfg.ncpus,
                 cfg.batch, cfg.high, cfg.flags, pm_errname(e));
    STRESS_CHECK(pthread_barrier_init(&r->barrier, NULL, r->nthreads) == 0, "barrier init");
    if (r->ops->setup(r) != 0)
        stress_fail("pattern setup failed");

    r->threads = calloc(r->nthreads, sizeof(*r->threads));
    STRESS_CHECK(r->threads != NULL, "out of memory");
    for (unsigned i = 0; i < r->nthreads; i++) {
        struct stress_thread *t = &r->threads[i];
        t->run = r;
        t->id = i;
        atomic_init(&t->ops, 0u);
        stress_rng_init(&t->rng, opt->seed, (uint64_t)pattern * 1000u + i + 1u);
        t->ops_limit = ops ? (ops + r->nthreads - 1) / r->nthreads : 0;
    }
    r->start = stress_now();
    for (unsigned i = 0; i < r->nthreads; i++) {
        int rc = pthread_create(&r->threads[i].tid, NULL, thread_main, &r->threads[i]);
        STRESS_CHECK(rc == 0, "pthread_create: %s", strerror(rc));
    }
    supervise(r);
    for (unsigned i = 0; i < r->nthreads; i++)
        pthread_join(r->threads[i].tid, NULL);
    double elapsed = stress_now() - r->start;
    uint64_t total = stress_ops_total(r);

    stress_verify_quiet(r);

    uint64_t allocs = 0, frees = 0, enomem = 0, xfrees = 0;
    for (unsigned i = 0; i < r->nthreads; i++) {
        allocs += r->threads[i].allocs;
        frees += r->threads[i].frees;
        enomem += r->threads[i].enomem;
        xfrees += r->threads[i].xfrees;
    }
    if (!opt->quiet)
        printf("pm-stress [%s] done: %llu ops in %.2f s (%.0f/s); %llu allocs, %llu frees (%llu "
               "by another cpu), %llu out of memory\n",
               r->ops->name, (unsigned long long)total, elapsed,
               elapsed > 0 ? (double)total / elapsed : 0.0, (unsigned long long)allocs,
               (unsigned long long)frees, (unsigned long long)xfrees, (unsigned long long)enomem);
    if (r->ops->teardown)
        r->ops->teardown(r);
    pthread_barrier_destroy(&r->barrier);
    pm_smp_destroy(r->smp);
    free(r->threads);
    free(r);
    *ops_done = total;
    return 0;
}
