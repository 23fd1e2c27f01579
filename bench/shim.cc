/*
 * bench/shim.cc - pm-bench's Google Benchmark shim (the C API of
 * bench/pm_bench.h) and main().
 *
 * - pmb_register() turns a C family into a GB benchmark: UseRealTime(),
 *   Threads(T) for each configured thread count, an Arg per argument.
 * - A family's setup/teardown run on thread 0 only; a barrier owned by the
 *   family (GB runs one benchmark instance at a time and joins its threads
 *   before the next) keeps the other threads out until the fixture exists
 *   and keeps thread 0 from tearing it down while others still run.
 * - The names GB reports are rewritten without "/real_time", so that they
 *   are exactly "family/threads:T" (a reporter wrapper, on the display and
 *   the --benchmark_out reporters alike).
 * - Own flags, taken out of argv before GB sees it: --pmb_max_threads=N
 *   (also the environment variable PM_BENCH_MAX_THREADS), --pmb_max_run_s=S
 *   (also PM_BENCH_MAX_RUN_S).
 * - A run stops after --pmb_max_run_s seconds (default 0.5) of its timed
 *   loop, even if GB asked for more iterations: GB sizes a run from a
 *   shorter one, and where threads outnumber cores (or another process
 *   takes a core) the shorter run's schedule can be 100x luckier, so that
 *   one repetition would take minutes. The loop hands out iterations in
 *   chunks of about half a millisecond (at most 4096) and looks at the
 *   clock between chunks; every figure counts the iterations actually run
 *   (pmb_iterations, ns_per_pair, items_per_second). The shim also
 *   takes --benchmark_filter and --benchmark_list_tests itself, so that
 *   both work on the final names: it registers only the instances whose
 *   names pass the filter.
 */
#include "pm_bench.h"

#include <benchmark/benchmark.h>

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <vector>

namespace
{

/* A reusable barrier whose party count is given at each wait. */
class Barrier
{
  public:
    void wait(int parties)
    {
        std::unique_lock<std::mutex> lk(mu_);
        unsigned long gen = generation_;
        if (++arrived_ == parties) {
            arrived_ = 0;
            generation_++;
            cv_.notify_all();
            return;
        }
        cv_.wait(lk, [&] { return generation_ != gen; });
    }

  private:
    std::mutex mu_;
    std::condition_variable cv_;
    int arrived_ = 0;
    unsigned long generation_ = 0;
};

struct Family {
    pmb_family_t def;
    std::string name;
    Barrier barrier;
    void *fixture = nullptr;
    bool setup_failed = false;
};

/* What pmb_state_t.impl points to: one per thread per run. */
struct ThreadRec {
    benchmark::State *gb;
    Family *fam;
    bool started = false;
    bool finished = false;
    bool gb_running = false; /* GB's batch began and its timer runs */
    uint64_t iterations = 0; /* handed out so far (all run, once finished) */
    uint64_t remaining = 0;  /* of the iterations GB asked for */
    uint64_t chunk = 0;      /* the last chunk handed out */
    struct timespec t0 {
    };
    double last_ns = 0; /* elapsed when the last chunk was handed out */
    double elapsed_ns = 0;
};

std::deque<Family> g_families; /* stable addresses */
std::vector<int> g_threads;
double g_max_run_ns = 0.5e9; /* --pmb_max_run_s */

/* Chunks start at 64 iterations and stay near half a millisecond: doubled
 * after a faster one, halved after one over 2 ms, never above 4096 (one
 * clock read per 4096 iterations costs the floor's 1.7 ns pair ~0.01 ns). */
constexpr uint64_t kFirstChunk = 64;
constexpr uint64_t kMaxChunk = 4096;
constexpr double kChunkGrowNs = 0.5e6;
constexpr double kChunkShrinkNs = 2e6;

ThreadRec *rec(const pmb_state_t *st)
{
    return static_cast<ThreadRec *>(st->impl);
}

/* GB counted every iteration it asked for at the start: this call returns
 * false and stops GB's timer (after which GB waits for the other threads). */
void gb_stop(ThreadRec *r)
{
    if (!r->gb_running)
        return;
    r->gb_running = false;
    while (r->gb->KeepRunningBatch(1)) {
    }
}

void run_family(benchmark::State &state, Family *fam)
{
    ThreadRec r;
    r.gb = &state;
    r.fam = fam;
    pmb_state_t st;
    st.left = 0;
    st.impl = &r;
    const int nthreads = state.threads();
    const bool first = state.thread_index() == 0;

    if (first) {
        fam->fixture = nullptr;
        fam->setup_failed = false;
        if (fam->def.setup) {
            fam->fixture = fam->def.setup(&st);
            fam->setup_failed = fam->fixture == nullptr;
        }
    }
    fam->barrier.wait(nthreads);
    if (fam->setup_failed) {
        state.SkipWithError("setup failed");
        return;
    }
    fam->def.run(&st);
    if (!r.finished && !state.error_occurred()) {
        /* The body left the loop early: finish it so GB's barriers match. */
        while (pmb_keep_running(&st)) {
        }
    }
    gb_stop(&r);
    fam->barrier.wait(nthreads);
    if (first && fam->def.teardown)
        fam->def.teardown(&st, fam->fixture);
}

/* Forwards to an inner reporter, with "/real_time" dropped from the names. */
class RenameReporter : public benchmark::BenchmarkReporter
{
  public:
    explicit RenameReporter(benchmark::BenchmarkReporter *inner) : inner_(inner) {}

    bool ReportContext(const Context &ctx) override
    {
        inner_->SetOutputStream(&GetOutputStream());
        inner_->SetErrorStream(&GetErrorStream());
        return inner_->ReportContext(ctx);
    }

    void ReportRuns(const std::vector<Run> &runs) override
    {
        std::vector<Run> copy(runs);
        for (Run &r : copy)
            if (r.run_name.time_type == "real_time")
                r.run_name.time_type.clear();
        inner_->ReportRuns(copy);
    }

    void Finalize() override
    {
        inner_->Finalize();
    }

  private:
    std::unique_ptr<benchmark::BenchmarkReporter> inner_;
};

void configure_threads(int max_threads)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (ncpu < 1)
        ncpu = 1;
    if (max_threads <= 0)
        max_threads = std::max(8, (int)ncpu);
    g_threads.clear();
    for (int t = 1; t <= max_threads; t *= 2)
        g_threads.push_back(t);
    if (ncpu <= max_threads)
        g_threads.push_back((int)ncpu);
    g_threads.push_back(max_threads);
    std::sort(g_threads.begin(), g_threads.end());
    g_threads.erase(std::unique(g_threads.begin(), g_threads.end()), g_threads.end());
}

/* --benchmark_filter, applied to the final names (GB's syntax: a regex,
 * searched; a leading '-' negates; empty or "all" selects everything). */
std::string g_filter;
std::vector<std::string> g_selected;

bool name_selected(const std::string &name)
{
    if (g_filter.empty() || g_filter == "all")
        return true;
    bool negate = g_filter[0] == '-';
    static std::regex re;
    static bool compiled = false;
    if (!compiled) {
        re = std::regex(negate ? g_filter.substr(1) : g_filter);
        compiled = true;
    }
    return std::regex_search(name, re) != negate;
}

bool starts_with(const char *s, const char *prefix)
{
    return std::strncmp(s, prefix, std::strlen(prefix)) == 0;
}

} // namespace

extern "C" {

void pmb_register(const pmb_family_t *f)
{
    g_families.emplace_back();
    Family *fam = &g_families.back();
    fam->def = *f;
    fam->name = f->name;
    fam->def.name = fam->name.c_str();

    /* One GB benchmark per instance, registered only if its final name
     * passes the filter (GB would filter on its own names, "/real_time"
     * included). */
    size_t nargs = std::min(f->nargs, (size_t)PMB_MAX_ARGS);
    for (size_t a = 0; a < std::max(nargs, (size_t)1); a++) {
        std::string base = fam->name;
        if (nargs) {
            base += "/";
            if (f->arg_name)
                base += std::string(f->arg_name) + ":";
            base += std::to_string(f->args[a]);
        }
        std::vector<int> counts;
        if (f->threads == PMB_THREADS_NONE)
            counts.push_back(0);
        else
            for (int t : g_threads)
                if (f->threads == PMB_THREADS_ALL || t % 2 == 0)
                    counts.push_back(t);
        for (int t : counts) {
            std::string name = base;
            if (t > 0)
                name += "/threads:" + std::to_string(t);
            if (!name_selected(name))
                continue;
            g_selected.push_back(name);
            benchmark::internal::Benchmark *b = benchmark::RegisterBenchmark(
                fam->name.c_str(), [fam](benchmark::State &state) { run_family(state, fam); });
            b->UseRealTime();
            if (nargs) {
                if (f->arg_name)
                    b->ArgName(f->arg_name);
                b->Arg(f->args[a]);
            }
            if (t > 0)
                b->Threads(t);
        }
    }
}

size_t pmb_thread_counts(int *out, size_t max)
{
    size_t n = 0;
    for (int t : g_threads)
        if (n < max)
            out[n++] = t;
    return n;
}

/* Hands out the next chunk of iterations: st->left counts the rest of it
 * after the one this call lets run. */
static bool hand_out(pmb_state_t *st, ThreadRec *r, uint64_t chunk)
{
    if (chunk > r->remaining)
        chunk = r->remaining;
    r->chunk = chunk;
    r->remaining -= chunk;
    r->iterations += chunk;
    st->left = chunk - 1;
    return true;
}

static double since_ns(const struct timespec &t0, const struct timespec &t1)
{
    return (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
}

/* Ends the timed loop at `now` (ns since it started). GB's own timer stops
 * later, in run_family once the body has returned (gb_stop): stopping it
 * waits for every thread, and a body may still have to let another
 * thread finish (xfer: the producer's done flag). */
static void finish(ThreadRec *r, double now)
{
    r->elapsed_ns = now;
    r->finished = true;
}

bool pmb_keep_running_slow(pmb_state_t *st)
{
    ThreadRec *r = rec(st);
    if (r->finished)
        return false;
    if (!r->started) {
        r->started = true;
        benchmark::IterationCount n = r->gb->max_iterations;
        if (!r->gb->KeepRunningBatch(n)) {
            r->finished = true;
            return false;
        }
        r->gb_running = true;
        clock_gettime(CLOCK_MONOTONIC, &r->t0);
        r->remaining = (uint64_t)n;
        return hand_out(st, r, kFirstChunk);
    }
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double now = since_ns(r->t0, t1);
    if (r->remaining > 0 && now < g_max_run_ns) {
        uint64_t next = r->chunk;
        if (now - r->last_ns < kChunkGrowNs && next < kMaxChunk)
            next *= 2;
        else if (now - r->last_ns > kChunkShrinkNs && next > 1)
            next /= 2;
        r->last_ns = now;
        return hand_out(st, r, next);
    }
    finish(r, now);
    return false;
}

void pmb_stop(pmb_state_t *st)
{
    ThreadRec *r = rec(st);
    if (r->finished || !r->started)
        return;
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->iterations -= st->left + 1;
    st->left = 0;
    r->remaining = 0;
    finish(r, since_ns(r->t0, t1));
}

int pmb_thread_index(const pmb_state_t *st)
{
    return rec(st)->gb->thread_index();
}

int pmb_threads(const pmb_state_t *st)
{
    return rec(st)->gb->threads();
}

int64_t pmb_arg(const pmb_state_t *st)
{
    return rec(st)->fam->def.nargs ? rec(st)->gb->range(0) : 0;
}

void *pmb_fixture(const pmb_state_t *st)
{
    return rec(st)->fam->fixture;
}

const void *pmb_user(const pmb_state_t *st)
{
    return rec(st)->fam->def.user;
}

uint64_t pmb_iterations(const pmb_state_t *st)
{
    return rec(st)->iterations;
}

double pmb_elapsed_ns(const pmb_state_t *st)
{
    return rec(st)->elapsed_ns;
}

void pmb_set_counter(pmb_state_t *st, const char *name, double value, unsigned flags)
{
    int f = benchmark::Counter::kDefaults;
    if (flags & PMB_COUNTER_AVG)
        f |= benchmark::Counter::kAvgThreads;
    if (flags & PMB_COUNTER_RATE)
        f |= benchmark::Counter::kIsRate;
    rec(st)->gb->counters[name] = benchmark::Counter(value, (benchmark::Counter::Flags)f);
}

void pmb_set_items_processed(pmb_state_t *st, int64_t items)
{
    rec(st)->gb->SetItemsProcessed(items);
}

void pmb_set_label(pmb_state_t *st, const char *label)
{
    rec(st)->gb->SetLabel(label);
}

void pmb_skip_with_error(pmb_state_t *st, const char *msg)
{
    rec(st)->gb->SkipWithError(msg);
}

void pmb_report(pmb_state_t *st, double pairs_timed, int64_t items)
{
    ThreadRec *r = rec(st);
    r->gb->SetItemsProcessed(items);
    double ns = pairs_timed > 0 ? r->elapsed_ns / pairs_timed : 0.0;
    r->gb->counters["ns_per_pair"] = benchmark::Counter(ns, benchmark::Counter::kAvgThreads);
}

void pmb_report_pairs(pmb_state_t *st, double pairs)
{
    pmb_report(st, pairs, (int64_t)pairs);
}

void pmb_do_not_optimize(const void *p)
{
    benchmark::DoNotOptimize(p);
}

void pmb_clobber(void)
{
    benchmark::ClobberMemory();
}

} // extern "C"

int main(int argc, char **argv)
{
    int max_threads = 0;
    if (const char *env = std::getenv("PM_BENCH_MAX_THREADS"))
        max_threads = std::atoi(env);
    if (const char *env = std::getenv("PM_BENCH_MAX_RUN_S"))
        g_max_run_ns = std::atof(env) * 1e9;

    /* Our flags out, GB's in; note --benchmark_out for the file reporter. */
    std::vector<char *> args;
    std::string out_format = "json";
    bool have_out = false;
    bool list_only = false;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && starts_with(argv[i], "--pmb_max_threads=")) {
            max_threads = std::atoi(argv[i] + std::strlen("--pmb_max_threads="));
            continue;
        }
        if (i > 0 && starts_with(argv[i], "--pmb_max_run_s=")) {
            g_max_run_ns = std::atof(argv[i] + std::strlen("--pmb_max_run_s=")) * 1e9;
            continue;
        }
        if (i > 0 && starts_with(argv[i], "--pmb_help")) {
            std::printf("pm-bench: physmem benchmarks over Google Benchmark.\n"
                        "  --pmb_max_threads=N  thread counts 1,2,4..N plus nproc "
                        "(default max(8, nproc); env PM_BENCH_MAX_THREADS)\n"
                        "  --pmb_max_run_s=S    stop a run's timed loop after S seconds "
                        "(default 0.5; env PM_BENCH_MAX_RUN_S)\n"
                        "  Google Benchmark's flags: --help\n");
            return 0;
        }
        if (i > 0 && starts_with(argv[i], "--benchmark_filter=")) {
            g_filter = argv[i] + std::strlen("--benchmark_filter=");
            continue;
        }
        if (i > 0 && (std::strcmp(argv[i], "--benchmark_list_tests") == 0 ||
                      std::strcmp(argv[i], "--benchmark_list_tests=true") == 0)) {
            list_only = true;
            continue;
        }
        if (i > 0 && starts_with(argv[i], "--benchmark_out="))
            have_out = true;
        if (i > 0 && starts_with(argv[i], "--benchmark_out_format="))
            out_format = argv[i] + std::strlen("--benchmark_out_format=");
        args.push_back(argv[i]);
    }
    int nargs = (int)args.size();
    args.push_back(nullptr);

    configure_threads(max_threads);
    try {
        pmb_register_all();
    } catch (const std::regex_error &e) {
        std::fprintf(stderr, "pm-bench: bad --benchmark_filter '%s': %s\n", g_filter.c_str(),
                     e.what());
        return 1;
    }
    if (list_only) {
        for (const std::string &n : g_selected)
            std::printf("%s\n", n.c_str());
        return 0;
    }

    benchmark::Initialize(&nargs, args.data());
    if (benchmark::ReportUnrecognizedArguments(nargs, args.data()))
        return 1;

    RenameReporter display(benchmark::CreateDefaultDisplayReporter());
    std::unique_ptr<RenameReporter> file;
    if (have_out) {
        if (out_format == "console")
            file.reset(new RenameReporter(
                new benchmark::ConsoleReporter(benchmark::ConsoleReporter::OO_None)));
        else if (out_format == "json")
            file.reset(new RenameReporter(new benchmark::JSONReporter()));
        /* csv: GB's own reporter, names unchanged */
    }
    benchmark::RunSpecifiedBenchmarks(&display, file.get());
    benchmark::Shutdown();
    return 0;
}
