/*
 * bench/frag.c - pm-frag: huge-page availability after aging (the
 * fragmentation figure LLFree and the Linux THP work measure).
 *
 * One thread drives CPU slots 0..cpus-1 round-robin (operation i runs on
 * slot i % cpus), so the run is deterministic: the seed (--seed, printed)
 * fixes every choice. Over one zone (default 1 GiB, 262144 pages):
 *
 *   - each operation allocates if the pages held are under the target,
 *     else frees a live block picked uniformly at random (random
 *     lifetimes; the free runs on the current slot, usually not the one
 *     that allocated the block);
 *   - orders as smp/mixed draws them: 0: 70%, 1: 15%, 2: 7%, 3: 4%,
 *     4..9: 4% (uniform);
 *   - the target rises from 0 to the peak (--peak, percent of the zone,
 *     default 25) over the first 10% of the operations, stays there, and
 *     falls to 25% over the last 25%, so the run ends with about a quarter
 *     of the memory allocated. With the default the whole run ages at a
 *     quarter: on that sequence the eager core alone keeps ~97% of the
 *     ideal, the reference the issue gives (98.7%); a higher peak leaves
 *     even the core far below it (--peak 50: ~87%).
 *
 * Then: the free 2 MiB blocks a fresh CPU (slot `cpus`, which took no part)
 * can get (a) with every cache as it is: the zones' free order-9 blocks
 * (pm_smp_order_stats) plus what that CPU caches, which is nothing; (b)
 * after pm_smp_drain_all. Both against the ideal, floor(free pages / 512)
 * (free pages = the zone less the pages held, cached pages included),
 * which a perfect packing of the live blocks would leave. The same
 * sequence also runs on the eager buddy core alone (hot_max 0, no caches)
 * for reference.
 *
 * Output: one line per figure, and with --json FILE the figures as JSON
 * (bench/run.sh writes bench/results/frag.json for bench/report.py).
 */
#define _POSIX_C_SOURCE 199309L /* clock_gettime */
#include <physmem/physmem.h>
#include <physmem/smp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FRAG_BASE         ((uint64_t)1 << 32)
#define FRAG_DEFAULT_SEED 0x11F4A9E5D1C0FFEEULL

struct frag_opts {
    uint64_t seed;
    unsigned cpus;
    size_t pages;
    uint64_t ops;
    double peak; /* the share of the zone held in the middle of the run */
    const char *json;
};

/* The allocator under test: one of these two. */
struct frag_target {
    pm_smp_t *smp;
    pm_buddy_t *core;
};

struct frag_run {
    uint64_t *addr; /* live blocks */
    unsigned char *order;
    size_t nlive;
    uint64_t used; /* pages held */
    uint64_t allocs, frees, failures;
};

static uint64_t frag_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* smp/mixed's distribution (bench/pmb_workload.h, pmb_skewed_order). */
static unsigned frag_order(uint64_t r)
{
    unsigned b = (unsigned)(r & 255u);
    if (b < 180u)
        return 0;
    if (b < 218u)
        return 1;
    if (b < 236u)
        return 2;
    if (b < 246u)
        return 3;
    return 4u + (unsigned)((r >> 8) % 6u);
}

/* Pages to hold at operation i of n. */
/* Pages to hold at operation i of n: up to peak over the first 10%, then
 * peak, then down to a quarter of the zone over the last 25%. */
static uint64_t frag_target_pages(uint64_t i, uint64_t n, size_t pages, double peak)
{
    double top = (double)pages * peak, quarter = (double)pages * 0.25;
    double t = (double)i / (double)n;

    if (t < 0.10)
        return (uint64_t)(top * t / 0.10);
    if (t < 0.75)
        return (uint64_t)top;
    return (uint64_t)(top - (top - quarter) * (t - 0.75) / 0.25);
}

static bool frag_alloc(struct frag_target *t, unsigned cpu, unsigned order, uint64_t *out)
{
    pm_paddr_t a;
    pm_err_t err = t->smp != NULL ? pm_smp_alloc(t->smp, cpu, (size_t)1 << order, &a)
                                  : pm_buddy_alloc(t->core, (size_t)1 << order, &a);

    *out = pm_paddr_u64(a);
    return err == PM_OK;
}

static bool frag_free(struct frag_target *t, unsigned cpu, uint64_t addr, unsigned order)
{
    pm_err_t err = t->smp != NULL ? pm_smp_free(t->smp, cpu, pm_paddr(addr), (size_t)1 << order)
                                  : pm_buddy_free(t->core, pm_paddr(addr), (size_t)1 << order);
    return err == PM_OK;
}

/* The aging sequence on t; false on an unexpected error. */
static bool frag_age(const struct frag_opts *o, struct frag_target *t, struct frag_run *r)
{
    uint64_t seed = o->seed;

    for (uint64_t i = 0; i < o->ops; i++) {
        unsigned cpu = (unsigned)(i % o->cpus);
        uint64_t rnd = frag_rand(&seed);

        if (r->used < frag_target_pages(i, o->ops, o->pages, o->peak) || r->nlive == 0) {
            unsigned order = frag_order(rnd);
            uint64_t a;

            if (!frag_alloc(t, cpu, order, &a)) {
                r->failures++;
                continue;
            }
            r->addr[r->nlive] = a;
            r->order[r->nlive] = (unsigned char)order;
            r->nlive++;
            r->used += (uint64_t)1 << order;
            r->allocs++;
        } else {
            size_t j = (size_t)((rnd >> 16) % r->nlive);

            if (!frag_free(t, cpu, r->addr[j], r->order[j])) {
                fprintf(stderr, "pm-frag: free of a live block failed at operation %llu\n",
                        (unsigned long long)i);
                return false;
            }
            r->used -= (uint64_t)1 << r->order[j];
            r->nlive--;
            r->addr[j] = r->addr[r->nlive];
            r->order[j] = r->order[r->nlive];
            r->frees++;
        }
    }
    return true;
}

static bool frag_run_new(struct frag_run *r, size_t pages)
{
    memset(r, 0, sizeof(*r));
    r->addr = malloc(pages * sizeof(*r->addr));
    r->order = malloc(pages);
    return r->addr != NULL && r->order != NULL;
}

static void frag_run_free(struct frag_run *r)
{
    free(r->addr);
    free(r->order);
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 0);

    if (*s == '\0' || *end != '\0')
        return false;
    *out = v;
    return true;
}

static int usage(void)
{
    fprintf(stderr, "usage: pm-frag [--seed N] [--cpus N] [--pages N] [--ops N] [--peak PERCENT] "
                    "[--json FILE]\n");
    return 2;
}

static double pct(uint64_t a, uint64_t b)
{
    return b ? 100.0 * (double)a / (double)b : 100.0;
}

int main(int argc, char **argv)
{
    struct frag_opts o = {FRAG_DEFAULT_SEED, 8, 262144, 4000000, 0.25, NULL};
    struct frag_run rs, rc;
    struct frag_target ts = {0}, tc = {0};
    pm_smp_config_t cfg = {0};
    pm_smp_stats_t st;
    pm_order_stats_t os[PM_NR_ORDERS], cs[PM_NR_ORDERS];
    struct timespec t0, t1;
    uint64_t v, free_total, ideal, asis, drained, cached, core_ideal, core_free9;
    bool ok = true;
    int rc_exit = 0;

    for (int i = 1; i < argc; i += 2) { /* every option takes a value */
        if (i + 1 < argc && strcmp(argv[i], "--seed") == 0 && parse_u64(argv[i + 1], &v)) {
            o.seed = v ? v : FRAG_DEFAULT_SEED;
        } else if (i + 1 < argc && strcmp(argv[i], "--cpus") == 0 && parse_u64(argv[i + 1], &v) &&
                   v >= 1 && v < PM_MAX_CPUS) {
            o.cpus = (unsigned)v;
        } else if (i + 1 < argc && strcmp(argv[i], "--pages") == 0 && parse_u64(argv[i + 1], &v) &&
                   v >= 1024 && v <= ((uint64_t)1 << 26)) {
            o.pages = (size_t)v;
        } else if (i + 1 < argc && strcmp(argv[i], "--ops") == 0 && parse_u64(argv[i + 1], &v) &&
                   v >= 1) {
            o.ops = v;
        } else if (i + 1 < argc && strcmp(argv[i], "--peak") == 0 && parse_u64(argv[i + 1], &v) &&
                   v >= 1 && v <= 95) {
            o.peak = (double)v / 100.0;
        } else if (i + 1 < argc && strcmp(argv[i], "--json") == 0) {
            o.json = argv[i + 1];
        } else {
            return usage();
        }
    }
    cfg.ncpus = o.cpus + 1; /* slots 0..cpus-1 age, slot cpus is the fresh CPU */
    if (pm_smp_create(&cfg, &ts.smp) != PM_OK ||
        pm_smp_add_region(ts.smp, pm_paddr(FRAG_BASE), o.pages) != PM_OK ||
        pm_buddy_create(pm_paddr(FRAG_BASE), o.pages, &tc.core) != PM_OK ||
        pm_buddy_set_hot_max(tc.core, 0) != PM_OK || !frag_run_new(&rs, o.pages) ||
        !frag_run_new(&rc, o.pages)) {
        fprintf(stderr, "pm-frag: setup failed\n");
        return 1;
    }
    printf("pm-frag: seed %#llx, %u CPUs round-robin from one thread (+1 fresh), %zu pages "
           "(%zu MiB), %llu operations, peak %.0f%%\n",
           (unsigned long long)o.seed, o.cpus, o.pages, o.pages >> 8, (unsigned long long)o.ops,
           o.peak * 100.0);

    clock_gettime(CLOCK_MONOTONIC, &t0);
    ok = frag_age(&o, &ts, &rs);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ok = ok && frag_age(&o, &tc, &rc);
    if (!ok)
        return 1;

    pm_smp_stats(ts.smp, &st);
    pm_smp_order_stats(ts.smp, os);
    free_total = o.pages - rs.used;
    ideal = free_total / PM_MAX_BLOCK_PAGES;
    cached = st.cached_pages;
    asis = os[PM_MAX_ORDER].free_blocks; /* + the fresh CPU's cache: empty */
    if (st.free_pages + cached != free_total) {
        fprintf(stderr, "pm-frag: accounting: %llu free + %llu cached != %llu\n",
                (unsigned long long)st.free_pages, (unsigned long long)cached,
                (unsigned long long)free_total);
        rc_exit = 1;
    }
    pm_smp_drain_all(ts.smp);
    pm_smp_order_stats(ts.smp, os);
    drained = os[PM_MAX_ORDER].free_blocks;
    if (pm_smp_check(ts.smp) != PM_OK) {
        fprintf(stderr, "pm-frag: pm_smp_check failed after the drain\n");
        rc_exit = 1;
    }
    pm_buddy_order_stats(tc.core, cs);
    core_free9 = cs[PM_MAX_ORDER].free_blocks;
    core_ideal = (o.pages - rc.used) / PM_MAX_BLOCK_PAGES;

    printf("aging: %llu allocations, %llu frees, %llu failed; %.2f s on the SMP allocator\n",
           (unsigned long long)rs.allocs, (unsigned long long)rs.frees,
           (unsigned long long)rs.failures,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    printf("zone locks: %.1f per 1000 allocations (%llu)\n",
           st.allocations ? 1000.0 * (double)st.lock_acquisitions / (double)st.allocations : 0.0,
           (unsigned long long)st.lock_acquisitions);
    printf("held at the end: %llu pages (%.1f%%) in %zu blocks; free %llu pages, %llu of them "
           "cached\n",
           (unsigned long long)rs.used, pct(rs.used, o.pages), rs.nlive,
           (unsigned long long)free_total, (unsigned long long)cached);
    printf("ideal free 2 MiB blocks: %llu\n", (unsigned long long)ideal);
    printf("caches as they are: %llu (%.1f%% of ideal)\n", (unsigned long long)asis,
           pct(asis, ideal));
    printf("after pm_smp_drain_all: %llu (%.1f%% of ideal)\n", (unsigned long long)drained,
           pct(drained, ideal));
    printf("eager core alone, same sequence: %llu of %llu (%.1f%%)\n",
           (unsigned long long)core_free9, (unsigned long long)core_ideal,
           pct(core_free9, core_ideal));
    printf("max_cached_pages %llu (%u slots), metadata %.2f bytes/page\n",
           (unsigned long long)st.max_cached_pages, cfg.ncpus,
           (double)st.meta_bytes / (double)st.total_pages);

    if (o.json != NULL) {
        FILE *f = fopen(o.json, "w");

        if (f == NULL) {
            perror(o.json);
            return 1;
        }
        fprintf(f,
                "{\"seed\": %llu, \"cpus\": %u, \"slots\": %u, \"pages\": %zu, \"ops\": %llu,\n"
                " \"peak_pct\": %.0f,\n"
                " \"allocs\": %llu, \"frees\": %llu, \"failures\": %llu,\n"
                " \"held_pages\": %llu, \"free_pages\": %llu, \"cached_pages\": %llu,\n"
                " \"ideal\": %llu, \"asis\": %llu, \"drained\": %llu,\n"
                " \"core_free9\": %llu, \"core_ideal\": %llu,\n"
                " \"zone_locks\": %llu,\n"
                " \"max_cached_pages\": %llu, \"meta_bytes_per_page\": %.4f, \"ok\": %s}\n",
                (unsigned long long)o.seed, o.cpus, cfg.ncpus, o.pages, (unsigned long long)o.ops,
                o.peak * 100.0, (unsigned long long)rs.allocs, (unsigned long long)rs.frees,
                (unsigned long long)rs.failures, (unsigned long long)rs.used,
                (unsigned long long)free_total, (unsigned long long)cached,
                (unsigned long long)ideal, (unsigned long long)asis, (unsigned long long)drained,
                (unsigned long long)core_free9, (unsigned long long)core_ideal,
                (unsigned long long)st.lock_acquisitions, (unsigned long long)st.max_cached_pages,
                (double)st.meta_bytes / (double)st.total_pages, rc_exit == 0 ? "true" : "false");
        fclose(f);
    }
    frag_run_free(&rs);
    frag_run_free(&rc);
    pm_buddy_destroy(tc.core);
    pm_smp_destroy(ts.smp);
    return rc_exit;
}
