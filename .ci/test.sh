#!/usr/bin/env bash
# physmem: every test tier that runs in CI (the README's test command).
#
#   release  gcc -O2: unit, examples, install, freestanding, format, stress (short), bench smoke
#   debug    clang -O0, PM_DEBUG=2 (whole-structure checks), -Wthread-safety: unit tests
#   asan     clang ASan+UBSan: unit, stress (short), fuzz corpus runs, fault-injection proofs
#   tsan     clang TSan: threaded unit tests, stress patterns at 2 and 8 CPUs, the TSan fault proofs
#   tsan-gcc the same with gcc's ThreadSanitizer (most users build with gcc)
#
# Installs its Debian packages first (as root). Long tiers are by flag, see README "Testing".
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/deps.sh
presets=${PM_TEST_PRESETS:-"release debug asan tsan tsan-gcc"}
start=$(date +%s)
for p in $presets; do
  t0=$(date +%s)
  echo "=== preset $p ==="
  cmake --workflow --preset "$p"
  echo "=== preset $p: $(( $(date +%s) - t0 )) s ==="
done
echo "=== all presets passed in $(( $(date +%s) - start )) s ==="
