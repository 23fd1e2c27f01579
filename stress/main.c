/*
 * main.c - pm-stress: the command line, the arena and shadow map shared by
 * the patterns, running one pattern or all in turn, and the summary. Exits
 * 0 only if every check held, 1 on a failed check (fail.c), 2 on bad usage.
 */
#include "stress.h"

#include <physmem/fault.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const stress_pattern_names[STRESS_NR_PATTERNS] = {"pair", "mixed", "xfer",
                                                                     "storm", "hotadd"};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: pm-stress [options]\n"
            "  --cpus N        threads, one per CPU slot (default 4, at most %d)\n"
            "  --seconds S     run time (default 5; with --pattern all, split among the "
            "patterns)\n"
            "  --ops N         stop after about N operations (split as --seconds; with\n"
            "                  --seconds too, whichever comes first)\n"
            "  --seed X        random seed (default: from the clock; always printed)\n"
            "  --pattern P     pair, mixed, xfer, storm, hotadd or all (default all)\n"
            "  --pages N       arena size in 4 KiB pages (default 16384: 64 MiB)\n"
            "  --batch B       per-CPU refill/drain batch, at most %d (default: the allocator's)\n"
            "  --high H        pages one CPU may cache, at most %d (default: the allocator's)\n"
            "  --nocache       no per-CPU caches (PM_SMP_NOCACHE)\n"
            "  --no-membarrier every owner call fences (PM_SMP_NO_MEMBARRIER)\n"
            "  --paranoid      stamp and check every word of every page\n"
            "  --quiet         no progress lines or counters\n"
            "  --fault F[,F]   inject allocator faults (builds with PM_FAULT_INJECTION only;\n"
            "                  the run must then FAIL): skip-refill-lock, no-coalesce,\n"
            "                  drop-on-drain, double-handout, no-enomem-drain,\n"
            "                  no-double-free-check\n",
            PM_MAX_CPUS, PM_SMP_MAX_BATCH, PM_SMP_MAX_HIGH);
}

static int bad(const char *opt, const char *val)
{
    fprintf(stderr, "pm-stress: bad value for --%s: '%s'\n", opt, val);
    usage(stderr);
    return 2;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end || s[0] == '-')
        return false;
    *out = v;
    return true;
}

/* "a,b,c": the union of the named faults; false on an empty or unknown name. */
static bool parse_faults(const char *list, unsigned *mask)
{
    char name[64];
    const char *p = list;
    for (;;) {
        size_t len = strcspn(p, ",");
        if (len == 0 || len >= sizeof(name))
            return false;
        memcpy(name, p, len);
        name[len] = '\0';
        unsigned m = pm_fault_from_name(name);
        if (m == 0)
            return false;
        *mask |= m;
        if (p[len] == '\0')
            return true;
        p += len + 1;
    }
}

/* The active faults as "a,b" ("" if none). */
static const char *fault_list(unsigned mask, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < PM_NR_FAULTS; i++) {
        if (mask & (1u << i))
            n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? "," : "",
                                  pm_fault_name(i));
    }
    return buf;
}

static int parse(int argc, char **argv, struct stress_options *o)
{
    enum {
        O_CPUS = 256,
        O_SECONDS,
        O_OPS,
        O_SEED,
        O_PATTERN,
        O_PAGES,
        O_BATCH,
        O_HIGH,
        O_NOCACHE,
        O_NO_MEMBARRIER,
        O_QUIET,
        O_PARANOID,
        O_SELFTEST,
        O_FAULT,
        O_HELP
    };
    static const struct option longopts[] = {
        {"cpus", required_argument, NULL, O_CPUS},
        {"seconds", required_argument, NULL, O_SECONDS},
        {"ops", required_argument, NULL, O_OPS},
        {"seed", required_argument, NULL, O_SEED},
        {"pattern", required_argument, NULL, O_PATTERN},
        {"pages", required_argument, NULL, O_PAGES},
        {"batch", required_argument, NULL, O_BATCH},
        {"high", required_argument, NULL, O_HIGH},
        {"nocache", no_argument, NULL, O_NOCACHE},
        {"no-membarrier", no_argument, NULL, O_NO_MEMBARRIER},
        {"quiet", no_argument, NULL, O_QUIET},
        {"paranoid", no_argument, NULL, O_PARANOID},
        {"self-test", required_argument, NULL, O_SELFTEST}, /* hidden */
        {"fault", required_argument, NULL, O_FAULT},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0}};
    bool have_seconds = false, have_seed = false;
    uint64_t v;
    int c;

    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_CPUS:
            if (!parse_u64(optarg, &v) || v < 1 || v > PM_MAX_CPUS)
                return bad("cpus", optarg);
            o->cpus = (unsigned)v;
            break;
        case O_SECONDS: {
            char *end;
            o->seconds = strtod(optarg, &end);
            if (end == optarg || *end || !(o->seconds >= 0))
                return bad("seconds", optarg);
            have_seconds = true;
            break;
        }
        case O_OPS:
            if (!parse_u64(optarg, &o->ops))
                return bad("ops", optarg);
            break;
        case O_SEED:
            if (!parse_u64(optarg, &o->seed))
                return bad("seed", optarg);
            have_seed = true;
            break;
        case O_PATTERN:
            o->pattern = -2;
            if (strcmp(optarg, "all") == 0)
                o->pattern = STRESS_ALL;
            for (int i = 0; i < STRESS_NR_PATTERNS; i++)
                if (strcmp(optarg, stress_pattern_names[i]) == 0)
                    o->pattern = i;
            if (o->pattern == -2)
                return bad("pattern", optarg);
            break;
        case O_PAGES:
            if (!parse_u64(optarg, &v) || v < 1 || v > ((uint64_t)1 << 28))
                return bad("pages", optarg);
            o->pages = (size_t)v;
            break;
        case O_BATCH:
            if (!parse_u64(optarg, &v) || v > PM_SMP_MAX_BATCH)
                return bad("batch", optarg);
            o->batch = (unsigned)v;
            break;
        case O_HIGH:
            if (!parse_u64(optarg, &v) || v > PM_SMP_MAX_HIGH)
                return bad("high", optarg);
            o->high = (unsigned)v;
            break;
        case O_NOCACHE:
            o->nocache = true;
            break;
        case O_NO_MEMBARRIER:
            o->no_membarrier = true;
            break;
        case O_QUIET:
            o->quiet = true;
            break;
        case O_PARANOID:
            o->paranoid = true;
            break;
        case O_SELFTEST:
            if (strcmp(optarg, "double-owner") == 0)
                o->selftest = STRESS_SELFTEST_DOUBLE_OWNER;
            else if (strcmp(optarg, "scribble") == 0)
                o->selftest = STRESS_SELFTEST_SCRIBBLE;
            else if (strcmp(optarg, "stamp") == 0)
                o->selftest = STRESS_SELFTEST_STAMP;
            else if (strcmp(optarg, "double-free") == 0)
                o->selftest = STRESS_SELFTEST_DOUBLE_FREE;
            else
                return bad("self-test", optarg);
            break;
        case O_FAULT:
            if (!parse_faults(optarg, &o->faults))
                return bad("fault", optarg);
            break;
        case O_HELP:
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "pm-stress: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (!have_seconds && o->ops == 0)
        o->seconds = 5;
    if (o->seconds == 0 && o->ops == 0)
        return bad("seconds", "0 (without --ops)");
    if (!have_seed) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
        x ^= (uint64_t)getpid() << 32;
        o->seed = stress_splitmix64(&x);
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct stress_options o = {.cpus = 4, .pattern = STRESS_ALL, .pages = 16384};
    struct stress_arena arena;
    struct stress_shadow shadow;

    stress_fail_init(argc, argv, &o.seed);
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc;
    /* Before any thread touches the allocator; 0 clears leftovers. */
    if (pm_fault_set(o.faults) != PM_OK) {
        fprintf(stderr, "pm-stress: --fault: fault injection not compiled in (configure with "
                        "-DPM_FAULT_INJECTION=ON)\n");
        return 2;
    }
    char faults[160];
    fault_list(pm_fault_get(), faults, sizeof(faults));
    int first = o.pattern == STRESS_ALL ? 0 : o.pattern;
    int last = o.pattern == STRESS_ALL ? STRESS_NR_PATTERNS - 1 : o.pattern;
    unsigned npatterns = (unsigned)(last - first + 1);
    double seconds = o.seconds / npatterns;
    uint64_t ops = o.ops ? (o.ops + npatterns - 1) / npatterns : 0;

    printf("pm-stress: seed %#llx, pattern %s, %u cpus, %zu pages (%zu MiB), %.1f s, ops %llu, "
           "batch %u, high %u%s%s%s%s%s\n",
           (unsigned long long)o.seed,
           o.pattern == STRESS_ALL ? "all" : stress_pattern_names[o.pattern], o.cpus, o.pages,
           o.pages * PM_PAGE_SIZE >> 20, o.seconds, (unsigned long long)o.ops, o.batch, o.high,
           o.nocache ? ", nocache" : "", o.no_membarrier ? ", no membarrier" : "",
           o.paranoid ? ", paranoid" : "", faults[0] ? ", faults: " : "", faults);
    fflush(stdout);
    if (stress_arena_create(&arena, o.pages) != 0 || stress_shadow_create(&shadow, o.pages) != 0)
        stress_fail("cannot map a %zu-page arena", o.pages);

    uint64_t total = 0;
    double t0 = stress_now();
    for (int p = first; p <= last; p++) {
        uint64_t done = 0;
        stress_run_pattern(&o, p, &arena, &shadow, seconds, ops, &done);
        total += done;
    }
    double elapsed = stress_now() - t0;
    stress_shadow_destroy(&shadow);
    stress_arena_destroy(&arena);
    printf("pm-stress: PASS: pattern %s, %u cpus, %llu ops in %.2f s (%.0f/s), seed %#llx\n",
           o.pattern == STRESS_ALL ? "all" : stress_pattern_names[o.pattern], o.cpus,
           (unsigned long long)total, elapsed, elapsed > 0 ? (double)total / elapsed : 0.0,
           (unsigned long long)o.seed);
    if (faults[0])
        printf("pm-stress: injected fault(s) %s NOT detected\n", faults);
    return 0;
}
