#!/usr/bin/env bash
# bench/run.sh - physmem's main job: install what is missing (Debian 12,
# as root), build the release preset, run a short stress check, run the
# whole pm-bench suite and the malloc families again under jemalloc,
# tcmalloc and mimalloc, run pm-frag (huge-page availability after aging),
# then print the comparison table, the lock comparison, the fragmentation
# figures and the issue-6 and issue-11 targets (bench/report.py). Results go
# to bench/results/: pm-bench.json, malloc-<allocator>.json, frag.json,
# *.txt console logs, latest.md, scaling.png.
#
# Environment:
#   PM_BENCH_MIN_TIME     --benchmark_min_time in seconds (default 0.1)
#   PM_BENCH_REPETITIONS  repetitions of each benchmark; the report takes
#                         the fastest (default 5)
#   PM_BENCH_MAX_THREADS  largest thread count (default max(8, nproc))
#   PM_BENCH_BUILD_DIR    build directory (default build/release, the preset's)
#   PM_BENCH_NO_INSTALL=1 never run apt-get
#   PM_BENCH_STRICT=1     exit 1 when a target is missed
#   PM_FRAG_SEED          pm-frag's seed (default: its fixed seed, printed)
# Extra arguments go to every pm-bench run (e.g. --benchmark_filter=...).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
RESULTS=$ROOT/bench/results
MIN_TIME=${PM_BENCH_MIN_TIME:-0.1}
REPS=${PM_BENCH_REPETITIONS:-5}
BUILD_DIR=${PM_BENCH_BUILD_DIR:-build/release}
START=$(date +%s)

say() { printf '\n== %s\n' "$*"; }

# --- 1. packages -------------------------------------------------------------
say "packages"
if [[ ${PM_BENCH_NO_INSTALL:-0} == 1 ]]; then
    echo "PM_BENCH_NO_INSTALL=1: not installing"
else
    bash "$ROOT/.ci/deps.sh" # installs only what is missing (needs root then)
fi

# --- 2. build ------------------------------------------------------------------
say "build ($BUILD_DIR)"
if [[ $BUILD_DIR == build/release ]]; then
    cmake --preset release
    cmake --build --preset release
else
    cmake --preset release -B "$BUILD_DIR"
    cmake --build "$BUILD_DIR" -j "$(nproc)"
fi
BENCH=$BUILD_DIR/bench/pm-bench
[[ -x $BENCH ]] || { echo "no $BENCH (PM_BUILD_BENCH off?)" >&2; exit 1; }

# --- 3. stress check -------------------------------------------------------------
say "stress check"
STRESS=$BUILD_DIR/stress/pm-stress
# The numbers below come from an allocator that just passed this run.
"$STRESS" --pattern all --cpus 2 --seconds 5 --quiet
echo "pm-stress: ok"

# --- 4. benchmarks ---------------------------------------------------------------
mkdir -p "$RESULTS"
rm -f "$RESULTS"/pm-bench.json "$RESULTS"/malloc-*.json "$RESULTS"/frag.json
RUNFLAGS=(--benchmark_min_time="$MIN_TIME" --benchmark_repetitions="$REPS"
          --benchmark_display_aggregates_only=true)
say "pm-bench: everything (min_time $MIN_TIME s, $REPS repetitions)"
"$BENCH" "${RUNFLAGS[@]}" \
    --benchmark_out="$RESULTS/pm-bench.json" --benchmark_out_format=json "$@" |
    tee "$RESULTS/pm-bench.txt"

# The malloc families again under each preloaded allocator.
find_lib() { # package, library file name
    dpkg -L "$1" 2>/dev/null | grep -m1 "/$2\$" || true
}
declare -A LIBS=(
    [jemalloc]="$(find_lib libjemalloc2 libjemalloc.so.2)"
    [tcmalloc]="$(find_lib libtcmalloc-minimal4 libtcmalloc_minimal.so.4)"
    [mimalloc]="$(find_lib libmimalloc2.0 libmimalloc.so.2)"
)
for name in jemalloc tcmalloc mimalloc; do
    lib=${LIBS[$name]}
    if [[ -z $lib || ! -e $lib ]]; then
        echo "no $name library: skipped"
        continue
    fi
    say "pm-bench: malloc families under $name ($lib)"
    PM_BENCH_MALLOC=$name LD_PRELOAD=$lib "$BENCH" "${RUNFLAGS[@]}" \
        --benchmark_out="$RESULTS/malloc-$name.json" --benchmark_out_format=json "$@" \
        --benchmark_filter='^malloc/' | tee "$RESULTS/malloc-$name.txt"
done

# Fragmentation: deterministic, one thread driving 8 CPU slots round-robin.
say "pm-frag: huge-page availability after aging (8 CPUs, 1 GiB zone)"
frag_seed=()
[[ -n ${PM_FRAG_SEED:-} ]] && frag_seed=(--seed "$PM_FRAG_SEED")
"$BUILD_DIR/bench/pm-frag" --cpus 8 --pages 262144 "${frag_seed[@]}" \
    --json "$RESULTS/frag.json" | tee "$RESULTS/frag.txt"

# --- 5. report -------------------------------------------------------------------
say "report"
strict=()
[[ ${PM_BENCH_STRICT:-0} == 1 ]] && strict=(--strict)
rc=0
python3 bench/report.py "$RESULTS" "${strict[@]}" || rc=$?
echo "results in $RESULTS (latest.md, scaling.png, *.json); $(($(date +%s) - START)) s"
exit $rc
