/*
 * bench/pm_bench.h - the C face of pm-bench's Google Benchmark shim
 * (bench/shim.cc).
 *
 * A benchmark is a C function void run(pmb_state_t *st) registered under a
 * family name ("smp/pair") with pmb_register(). The shim turns it into a
 * Google Benchmark with UseRealTime() and, for threaded families, one
 * Threads(T) instance per thread count; the output names are exactly
 * "family/threads:T" (or "family/arg" / "family/argname:arg" for
 * single-threaded families with arguments): the shim drops GB's
 * "/real_time" from the names it reports.
 *
 * Shared fixture: with Threads(T) every one of the T threads runs the
 * function. The shim runs the family's setup() on thread 0 only, then holds
 * all T threads at a barrier, hands each the fixture (pmb_fixture()), runs
 * the body on all threads, holds them at a second barrier and runs
 * teardown() on thread 0. Setup returning NULL skips the benchmark with an
 * error on every thread.
 *
 * The loop:
 *
 *     per-thread preparation (untimed)
 *     while (pmb_keep_running(st)) { one iteration }
 *     pmb_report_pairs(st, pairs done by this thread);
 *
 * The timer starts on the first pmb_keep_running() (after GB's start
 * barrier) and stops on the last. The per-iteration test is an inlined
 * decrement: the shim hands the body iterations in growing chunks and looks
 * at the clock between them, so that a run stops after --pmb_max_run_s
 * (bench/shim.cc); pmb_iterations() is what was run.
 */
#ifndef PM_BENCH_H
#define PM_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define PMB_LIKELY(x)       __builtin_expect(!!(x), 1)
#define PMB_UNLIKELY(x)     __builtin_expect(!!(x), 0)
#define PMB_ALWAYS_INLINE   inline __attribute__((always_inline))
#define PMB_CACHELINE_ALIGN __attribute__((aligned(64)))
#else
#define PMB_LIKELY(x)     (x)
#define PMB_UNLIKELY(x)   (x)
#define PMB_ALWAYS_INLINE inline
#define PMB_CACHELINE_ALIGN
#endif

/* One thread's view of a running benchmark. Only `left` is public, for the
 * inlined loop test; everything else goes through the accessors. */
typedef struct pmb_state {
    uint64_t left; /* iterations left in the batch the shim handed out */
    void *impl;    /* the shim's per-thread record */
} pmb_state_t;

typedef void (*pmb_run_fn)(pmb_state_t *st);
typedef void *(*pmb_setup_fn)(pmb_state_t *st);
typedef void (*pmb_teardown_fn)(pmb_state_t *st, void *fixture);

/* pmb_family_t.threads */
#define PMB_THREADS_NONE 0u /* single-threaded: no "/threads:T" in the name */
#define PMB_THREADS_ALL  1u /* one instance per configured thread count */
#define PMB_THREADS_EVEN 2u /* the even ones only (producer/consumer pairs) */

#define PMB_MAX_ARGS 16

typedef struct pmb_family {
    const char *name;         /* "smp/pair"; copied */
    pmb_run_fn run;           /* every thread */
    pmb_setup_fn setup;       /* thread 0, before the others start; may be NULL */
    pmb_teardown_fn teardown; /* thread 0, after all have finished; may be NULL */
    const void *user;         /* pmb_user() */
    unsigned threads;         /* PMB_THREADS_* */
    const char *arg_name;     /* "order" gives "name/order:K"; NULL gives "name/K" */
    size_t nargs;             /* 0: no argument */
    int64_t args[PMB_MAX_ARGS];
} pmb_family_t;

/* Registers a family (before the shim runs anything; pmb_register_all()). */
void pmb_register(const pmb_family_t *f);

/* Defined by the benchmark sources (bench/families.c): registers every family. */
void pmb_register_all(void);

/* The configured thread counts (PM_BENCH_MAX_THREADS / --pmb_max_threads). */
size_t pmb_thread_counts(int *out, size_t max);

/* Loop. */
bool pmb_keep_running_slow(pmb_state_t *st);

static PMB_ALWAYS_INLINE bool pmb_keep_running(pmb_state_t *st)
{
    if (PMB_LIKELY(st->left != 0)) {
        st->left--;
        return true;
    }
    return pmb_keep_running_slow(st);
}

/* Ends the timed loop now, from inside an iteration that did no work: the
 * next pmb_keep_running() returns false, and pmb_iterations() no longer
 * counts this iteration or the rest of the chunk. */
void pmb_stop(pmb_state_t *st);

/* Accessors. */
int pmb_thread_index(const pmb_state_t *st);
int pmb_threads(const pmb_state_t *st);
int64_t pmb_arg(const pmb_state_t *st); /* 0 without an argument */
void *pmb_fixture(const pmb_state_t *st);
const void *pmb_user(const pmb_state_t *st);
uint64_t pmb_iterations(const pmb_state_t *st); /* this thread's, after the loop */
double pmb_elapsed_ns(const pmb_state_t *st);   /* this thread's timed loop */

/* Counters. */
#define PMB_COUNTER_SUM 0u /* summed over the threads (GB's default) */
#define PMB_COUNTER_AVG 1u /* averaged over the threads (kAvgThreads) */
#define PMB_COUNTER_RATE                                                                           \
    2u /* divided by the run's (real) time: per second, summed over the threads */
void pmb_set_counter(pmb_state_t *st, const char *name, double value, unsigned flags);
void pmb_set_items_processed(pmb_state_t *st, int64_t items);
void pmb_set_label(pmb_state_t *st, const char *label);
void pmb_skip_with_error(pmb_state_t *st, const char *msg);

/*
 * The common report: items_processed = pairs (GB sums them over the
 * threads and divides by the real time: items_per_second is the whole
 * run's throughput) and ns_per_pair = this thread's timed loop / pairs,
 * averaged over the threads.
 */
void pmb_report_pairs(pmb_state_t *st, double pairs);

/* The same with the two apart: ns_per_pair = timed loop / pairs_timed,
 * items_processed = items (a consumer thread in a transfer times its side
 * of every pair but counts none: its producer counts them). */
void pmb_report(pmb_state_t *st, double pairs_timed, int64_t items);

/*
 * Optimization barriers, the same inline assembly as Google Benchmark's
 * benchmark::DoNotOptimize and benchmark::ClobberMemory (GCC and clang):
 * the value must be computed and held in a register or memory; the
 * compiler must assume all memory is read and written.
 */
static PMB_ALWAYS_INLINE void pmb_do_not_optimize_u64(uint64_t v)
{
    __asm__ volatile("" : : "r,m"(v) : "memory");
}

static PMB_ALWAYS_INLINE void pmb_do_not_optimize_ptr(const void *p)
{
    __asm__ volatile("" : : "r,m"(p) : "memory");
}

static PMB_ALWAYS_INLINE void pmb_clobber_memory(void)
{
    __asm__ volatile("" : : : "memory");
}

/* Out-of-line versions that call benchmark::DoNotOptimize / ClobberMemory
 * themselves (a function call is an extra barrier). */
void pmb_do_not_optimize(const void *p);
void pmb_clobber(void);

#ifdef __cplusplus
}
#endif

#endif /* PM_BENCH_H */
