/*
 * fail.c - failure reports: the first check that fails prints what failed,
 * the pattern, the seed and the command line that replays it, and ends the
 * process with status 1 at once (the other threads never see a half-broken
 * allocator).
 */
#include "stress.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int stress_argc;
static char **stress_argv;
static const uint64_t *stress_seed;
static _Atomic(const char *) stress_pattern_name = "setup";
static atomic_flag stress_failing = ATOMIC_FLAG_INIT;

void stress_fail_init(int argc, char **argv, const uint64_t *seed)
{
    stress_argc = argc;
    stress_argv = argv;
    stress_seed = seed;
}

void stress_fail_set_pattern(const char *name)
{
    atomic_store(&stress_pattern_name, name);
}

_Noreturn void stress_fail(const char *fmt, ...)
{
    if (atomic_flag_test_and_set(&stress_failing)) {
        for (;;) /* another thread is reporting and will end the process */
            pause();
    }
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "pm-stress: FAIL [%s]: ", atomic_load(&stress_pattern_name));
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\npm-stress: seed %#llx; replay with:",
            stress_seed ? (unsigned long long)*stress_seed : 0ull);
    for (int i = 0; i < stress_argc; i++) {
        if (strcmp(stress_argv[i], "--seed") == 0) {
            i++;
            continue;
        }
        if (strncmp(stress_argv[i], "--seed=", 7) == 0)
            continue;
        fprintf(stderr, " %s", stress_argv[i]);
    }
    fprintf(stderr, " --seed %#llx\n", stress_seed ? (unsigned long long)*stress_seed : 0ull);
    fflush(stderr);
    _exit(1);
}
