/*
 * bench/bench_core.c - the single-threaded buddy core (pm_buddy_*), as
 * pm_buddy_create makes it: the textbook eager buddy, every free merged at
 * once (the headline rows), and the opt-in hot stack on its own row:
 *
 *   core/pair/order:K  alloc then free one block of order K (K = 0..9) on a
 *                      64 Ki-page buddy that starts all free (order-9 blocks):
 *                      an order-0 pair splits 9 times and merges 9 times
 *   core/hot/order:0   the same order-0 pair with the hot stack opted in
 *                      (pm_buddy_set_hot_max 16): it splits once, then every
 *                      pair is a pop and a push
 *   core/batch/N       alloc N order-0 pages, free them (N = 64, 512)
 *   core/random        allocate a 1024-page buddy completely, one page at a
 *                      time, free the pages in a shuffled order, repeat
 *                      (16 permutations drawn before the clock starts);
 *                      ns_per_pair is per page
 */
#include "pmb_workload.h"

#include <physmem/physmem.h>

#include <stdio.h>

void pmb_register_core(void);

#define RANDOM_PAGES 1024u
#define RANDOM_PERMS 16u
#define HOT_MAX      16u /* core/hot: the opt-in hot stack's size */

typedef struct core_fixture {
    pm_buddy_t *b;
    uint16_t perm[RANDOM_PERMS][RANDOM_PAGES];
} core_fixture_t;

static void *core_setup_n(pmb_state_t *st, size_t npages, uint32_t hot_max)
{
    core_fixture_t *f = calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    if (pm_buddy_create(pm_paddr(PMB_BASE), npages, &f->b) != PM_OK) {
        free(f);
        return NULL;
    }
    if (pm_buddy_set_hot_max(f->b, hot_max) != PM_OK) {
        pm_buddy_destroy(f->b);
        free(f);
        return NULL;
    }
    uint64_t seed = 0x243F6A8885A308D3ULL;
    for (unsigned p = 0; p < RANDOM_PERMS; p++) {
        for (unsigned i = 0; i < RANDOM_PAGES; i++)
            f->perm[p][i] = (uint16_t)i;
        for (unsigned i = RANDOM_PAGES - 1; i > 0; i--) {
            unsigned j = (unsigned)(pmb_rand(&seed) % (i + 1u));
            uint16_t t = f->perm[p][i];
            f->perm[p][i] = f->perm[p][j];
            f->perm[p][j] = t;
        }
    }
    char label[64];
    snprintf(label, sizeof(label), "buddy %zu pages hot=%u", npages, (unsigned)hot_max);
    pmb_set_label(st, label);
    return f;
}

static void *core_setup(pmb_state_t *st)
{
    return core_setup_n(st, PMB_NPAGES, PM_BUDDY_HOT_DEFAULT);
}

static void *core_setup_hot(pmb_state_t *st)
{
    return core_setup_n(st, PMB_NPAGES, HOT_MAX);
}

static void *core_setup_random(pmb_state_t *st)
{
    return core_setup_n(st, RANDOM_PAGES, PM_BUDDY_HOT_DEFAULT);
}

static void core_teardown(pmb_state_t *st, void *fixture)
{
    core_fixture_t *f = fixture;
    (void)st;
    if (pm_buddy_free_pages(f->b) != pm_buddy_total_pages(f->b) || pm_buddy_check(f->b) != PM_OK)
        fprintf(stderr, "pm-bench: core buddy not whole after the run\n");
    pm_buddy_destroy(f->b);
    free(f);
}

static void core_pair(pmb_state_t *st)
{
    core_fixture_t *f = pmb_fixture(st);
    pm_buddy_t *b = f->b;
    size_t npages = (size_t)1 << pmb_arg(st);
    uint64_t failures = 0;
    while (pmb_keep_running(st)) {
        pm_paddr_t a;
        if (PMB_LIKELY(pm_buddy_alloc(b, npages, &a) == PM_OK)) {
            pmb_do_not_optimize_u64(a.value);
            pm_err_t e = pm_buddy_free(b, a, npages);
            (void)e;
        } else {
            failures++;
        }
    }
    pmb_report_pairs(st, (double)pmb_iterations(st));
    pmb_report_failures(st, failures);
}

static void core_batch(pmb_state_t *st)
{
    core_fixture_t *f = pmb_fixture(st);
    pm_buddy_t *b = f->b;
    unsigned n = (unsigned)pmb_arg(st);
    pm_paddr_t pages[PMB_MAX_BATCH];
    uint64_t failures = 0;
    if (n > PMB_MAX_BATCH)
        n = PMB_MAX_BATCH;
    while (pmb_keep_running(st)) {
        unsigned got = 0;
        for (unsigned i = 0; i < n; i++) {
            if (PMB_LIKELY(pm_buddy_alloc(b, 1, &pages[got]) == PM_OK))
                got++;
            else
                failures++;
        }
        pmb_clobber_memory();
        for (unsigned i = 0; i < got; i++) {
            pm_err_t e = pm_buddy_free(b, pages[i], 1);
            (void)e;
        }
    }
    pmb_report_pairs(st, (double)pmb_iterations(st) * n);
    pmb_report_failures(st, failures);
}

static void core_random(pmb_state_t *st)
{
    core_fixture_t *f = pmb_fixture(st);
    pm_buddy_t *b = f->b;
    pm_paddr_t pages[RANDOM_PAGES];
    uint64_t failures = 0;
    unsigned round = 0;
    while (pmb_keep_running(st)) {
        for (unsigned i = 0; i < RANDOM_PAGES; i++) {
            if (PMB_UNLIKELY(pm_buddy_alloc(b, 1, &pages[i]) != PM_OK)) {
                pages[i].value = 0;
                failures++;
            }
        }
        pmb_clobber_memory();
        const uint16_t *perm = f->perm[round];
        round = (round + 1) & (RANDOM_PERMS - 1);
        for (unsigned i = 0; i < RANDOM_PAGES; i++) {
            pm_paddr_t a = pages[perm[i]];
            if (PMB_LIKELY(a.value != 0)) {
                pm_err_t e = pm_buddy_free(b, a, 1);
                (void)e;
            }
        }
    }
    pmb_report_pairs(st, (double)pmb_iterations(st) * RANDOM_PAGES);
    pmb_report_failures(st, failures);
}

void pmb_register_core(void)
{
    pmb_family_t f;
    memset(&f, 0, sizeof(f));
    f.name = "core/pair";
    f.run = core_pair;
    f.setup = core_setup;
    f.teardown = core_teardown;
    f.threads = PMB_THREADS_NONE;
    f.arg_name = "order";
    f.nargs = PM_NR_ORDERS;
    for (size_t k = 0; k < PM_NR_ORDERS; k++)
        f.args[k] = (int64_t)k;
    pmb_register(&f);

    memset(&f, 0, sizeof(f));
    f.name = "core/hot";
    f.run = core_pair;
    f.setup = core_setup_hot;
    f.teardown = core_teardown;
    f.threads = PMB_THREADS_NONE;
    f.arg_name = "order";
    f.nargs = 1;
    f.args[0] = 0;
    pmb_register(&f);

    memset(&f, 0, sizeof(f));
    f.name = "core/batch";
    f.run = core_batch;
    f.setup = core_setup;
    f.teardown = core_teardown;
    f.threads = PMB_THREADS_NONE;
    f.nargs = 2;
    f.args[0] = 64;
    f.args[1] = 512;
    pmb_register(&f);

    memset(&f, 0, sizeof(f));
    f.name = "core/random";
    f.run = core_random;
    f.setup = core_setup_random;
    f.teardown = core_teardown;
    f.threads = PMB_THREADS_NONE;
    pmb_register(&f);
}
