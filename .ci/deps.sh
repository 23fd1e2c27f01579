#!/usr/bin/env bash
# Installs the Debian 12 packages physmem needs to build, test and benchmark
# (gcc-riscv64-unknown-elf and qemu-system-misc: the riscv64 freestanding
# checks and the bare-metal SMP guest, stress/kernel).
# Idempotent: apt-get runs only when something is missing. Needs root.
set -euo pipefail
pkgs=(cmake make gcc g++ clang llvm pkg-config git ca-certificates
      libck-dev liburcu-dev libbenchmark-dev libcmocka-dev
      libclang-rt-14-dev clang-format cppcheck valgrind python3 gnuplot-nox
      libjemalloc2 libtcmalloc-minimal4 libmimalloc2.0
      gcc-riscv64-unknown-elf qemu-system-misc)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
