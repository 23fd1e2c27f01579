/*
 * stress.h - what the files of pm-stress share: the options, the run (one
 * pattern on one allocator), the threads that stand for CPUs, blocks, and the
 * checked alloc/free primitives every pattern goes through.
 */
#ifndef STRESS_H
#define STRESS_H

#include <physmem/smp.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "rng.h"

enum stress_pattern_id {
    STRESS_PAIR,
    STRESS_MIXED,
    STRESS_XFER,
    STRESS_STORM,
    STRESS_HOTADD,
    STRESS_NR_PATTERNS,
    STRESS_ALL = -1
};

/* Hidden --self-test=KIND: break a rule on purpose; the run must then fail. */
enum stress_selftest {
    STRESS_SELFTEST_NONE,
    STRESS_SELFTEST_DOUBLE_OWNER, /* a page claimed by two owners at once */
    STRESS_SELFTEST_SCRIBBLE,     /* a write into a page after freeing it */
    STRESS_SELFTEST_STAMP,        /* a held block's stamp overwritten */
    STRESS_SELFTEST_DOUBLE_FREE,  /* a freed order-0 page freed again: must be refused */
};

struct stress_options {
    unsigned cpus;
    double seconds; /* 0: no time limit (only with ops) */
    uint64_t ops;   /* 0: no op limit; else total ops of one pattern */
    uint64_t seed;
    int pattern; /* enum stress_pattern_id */
    size_t pages;
    unsigned batch, high;
    bool nocache, no_membarrier, quiet, paranoid;
    int selftest;    /* enum stress_selftest */
    unsigned faults; /* --fault: a mask of enum pm_fault, injected for the whole run */
};

/* An allocated block as the harness tracks it. */
struct stress_block {
    uint64_t addr;  /* physical == virtual (identity map over the arena) */
    uint32_t seq;   /* the allocating thread's sequence number */
    uint16_t owner; /* the allocating CPU slot */
    uint8_t order;
};

/* arena.c: the mmap'd memory that is managed, 2 MiB aligned. */
struct stress_arena {
    unsigned char *base;
    size_t pages;
    void *map;
    size_t map_len;
};

int stress_arena_create(struct stress_arena *a, size_t pages);
void stress_arena_destroy(struct stress_arena *a);
uint64_t stress_arena_addr(const struct stress_arena *a, size_t page);
unsigned char *stress_arena_ptr(uint64_t addr);
uint64_t stress_stamp(unsigned owner, uint32_t seq);
uint64_t stress_poison(uint64_t addr);
void stress_page_stamp(uint64_t addr, uint64_t stamp, bool every_word);
/* 0 if every checked word equals want; else the first bad word's offset + 1. */
size_t stress_page_check(uint64_t addr, uint64_t want, bool every_word, uint64_t *found);

/* shadow.c: the owner of every page of the arena. */
#define STRESS_SHADOW_OWNER   0xffffu     /* 0: free, else owner slot + 1 */
#define STRESS_SHADOW_TOUCHED 0x80000000u /* handed out at least once: poisoned */

struct stress_shadow {
    _Atomic uint32_t *map;
    size_t pages;
};

int stress_shadow_create(struct stress_shadow *sh, size_t pages);
void stress_shadow_destroy(struct stress_shadow *sh);
/* Claims page for owner; false (and *prev) if someone already holds it. */
bool stress_shadow_claim(struct stress_shadow *sh, size_t page, unsigned owner, uint32_t *prev);
/* Releases page held by owner; false (and *prev) if owner did not hold it. */
bool stress_shadow_release(struct stress_shadow *sh, size_t page, unsigned owner, uint32_t *prev);
uint32_t stress_shadow_get(struct stress_shadow *sh, size_t page);

/* A zone as added: for the address checks and the coalescing check. */
struct stress_region {
    size_t first_page; /* arena page index */
    size_t npages;
};

#define STRESS_MAX_REGIONS 64

struct stress_run;

/* One thread standing for one CPU (slot == id). */
struct stress_thread {
    struct stress_run *run;
    unsigned id;
    struct stress_rng rng;
    uint32_t seq;
    _Atomic uint64_t ops; /* progress; written by this thread only */
    uint64_t allocs, frees, enomem, xfrees;
    uint64_t ops_limit; /* 0: none */
    pthread_t tid;
    void *priv; /* the pattern's per-thread state */
};

struct stress_pattern_ops {
    const char *name;
    int (*setup)(struct stress_run *r); /* adds the regions; 0 or -1 */
    void (*thread)(struct stress_thread *t);
    void (*teardown)(struct stress_run *r);
};

struct stress_run {
    const struct stress_options *opt;
    const struct stress_pattern_ops *ops;
    pm_smp_t *smp;
    struct stress_arena *arena;
    struct stress_shadow *shadow;
    struct stress_thread *threads;
    unsigned nthreads;
    double start, seconds; /* monotonic start; this pattern's time (0: none) */
    _Atomic bool stop;     /* time is up: finish and free everything */
    _Atomic unsigned done; /* threads that returned */
    pthread_barrier_t barrier;
    /* Added regions; hotadd appends while the others run. */
    struct stress_region regions[STRESS_MAX_REGIONS];
    _Atomic unsigned nregions;
    _Atomic uint64_t announced_end; /* bytes of the arena a region may cover */
    void *priv;                     /* the pattern's shared state */
};

extern const struct stress_pattern_ops stress_pattern_pair;
extern const struct stress_pattern_ops stress_pattern_mixed;
extern const struct stress_pattern_ops stress_pattern_xfer;
extern const struct stress_pattern_ops stress_pattern_storm;
extern const struct stress_pattern_ops stress_pattern_hotadd;

/* block.c: checked allocation and free. */
pm_err_t stress_alloc(struct stress_thread *t, unsigned order, struct stress_block *out);
size_t stress_alloc_bulk(struct stress_thread *t, size_t count, struct stress_block *out);
void stress_take(struct stress_thread *t, uint64_t addr, unsigned order, struct stress_block *out);
void stress_check_block(struct stress_thread *t, const struct stress_block *b, const char *when);
void stress_release(struct stress_thread *t, const struct stress_block *b);
void stress_free(struct stress_thread *t, const struct stress_block *b);

/* region.c: adding zones and the fully-coalesced layout they must return to. */
pm_err_t stress_region_add(struct stress_run *r, size_t first_page, size_t npages);
int stress_region_add_arena(struct stress_run *r); /* the whole arena, as two zones */
void stress_region_expected_orders(const struct stress_run *r, uint64_t out[PM_NR_ORDERS]);

/* runner.c */
bool stress_should_stop(struct stress_thread *t);
void stress_count_op(struct stress_thread *t);
bool stress_barrier(struct stress_run *r); /* true in exactly one thread */
uint64_t stress_ops_total(struct stress_run *r);
double stress_now(void);
int stress_run_pattern(const struct stress_options *opt, int pattern, struct stress_arena *arena,
                       struct stress_shadow *shadow, double seconds, uint64_t ops,
                       uint64_t *ops_done);

/* verify.c: the end-of-pattern checks. */
void stress_verify_quiet(struct stress_run *r);

/* selftest.c: the hidden --self-test faults, run by CPU 0 before its pattern
 * (double-free: the one that must pass, unless the allocator accepts it). */
void stress_selftest_inject(struct stress_thread *t);

/* fail.c */
void stress_fail_init(int argc, char **argv, const uint64_t *seed);
void stress_fail_set_pattern(const char *name);
_Noreturn void stress_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define STRESS_CHECK(cond, ...)                                                                    \
    do {                                                                                           \
        if (!(cond))                                                                               \
            stress_fail(__VA_ARGS__);                                                              \
    } while (0)

#endif /* STRESS_H */
