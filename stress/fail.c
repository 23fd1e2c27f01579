/*
 * fail.c - failure reports: the first check that fails prints what failed,
 * the pattern, the seed and the command line that replays it, and ends the
 * process with status 1 at once (the other threads never see a half-broken
 * allocator). While it reports, a crash in another thread (a debug assert's
 * trap in the allocator that the harness has just caught misbehaving)
 * waits for the report instead of killing the process first: the fault
 * tests match the report. Signals a sanitizer handles are left to it.
 */
#include "stress.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int stress_argc;
static char **stress_argv;
static const uint64_t *stress_seed;
static _Atomic(const char *) stress_pattern_name = "setup";
static atomic_flag stress_failing = ATOMIC_FLAG_INIT;
static _Atomic bool stress_reporting;

/* A crash: wait while a report is under way, else die of the signal. */
static void on_crash(int sig)
{
    if (atomic_load(&stress_reporting)) {
        for (;;)
            pause();
    }
    signal(sig, SIG_DFL);
    raise(sig); /* delivered with the default action once this handler returns */
}

void stress_fail_init(int argc, char **argv, const uint64_t *seed)
{
    static const int crashes[] = {SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV};
    stress_argc = argc;
    stress_argv = argv;
    stress_seed = seed;
    for (size_t i = 0; i < sizeof(crashes) / sizeof(crashes[0]); i++) {
        struct sigaction sa, old;
        if (sigaction(crashes[i], NULL, &old) != 0 || old.sa_handler != SIG_DFL ||
            (old.sa_flags & SA_SIGINFO))
            continue; /* a sanitizer's */
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_crash;
        sigemptyset(&sa.sa_mask);
        sigaction(crashes[i], &sa, NULL);
    }
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
    atomic_store(&stress_reporting, true);
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
