#!/usr/bin/env python3
"""bench/interleave.py - two pm-bench builds side by side, in one run.

Usage: interleave.py [--filter REGEX] [--rounds N] [--min-time S] OLD NEW

Runs OLD, NEW, OLD, NEW, ... (N rounds each) on the same benchmarks, so
that whatever else the machine is doing falls on both alike, and prints
for each benchmark the median and the fastest ns per pair of each build
and NEW / OLD of the medians. This is how a "does not regress" claim is
measured (README, Benchmarks). Python 3 standard library only.
"""

import argparse
import json
import statistics
import subprocess
import sys


def run(binary, flt, min_time):
    out = subprocess.run([binary, "--benchmark_filter=" + flt, "--benchmark_format=json",
                          "--benchmark_min_time=%s" % min_time],
                         check=True, capture_output=True, text=True).stdout
    res = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("run_type", "iteration") == "iteration" and "ns_per_pair" in b:
            res[b["name"]] = b["ns_per_pair"]
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--filter", default="^smp/(pair|batch64|xfer)/")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--min-time", default="0.1")
    ap.add_argument("old")
    ap.add_argument("new")
    a = ap.parse_args()
    seen = {"old": {}, "new": {}}
    for r in range(a.rounds):
        for which in ("old", "new"):
            for name, ns in run(getattr(a, which), a.filter, a.min_time).items():
                seen[which].setdefault(name, []).append(ns)
        print("round %d/%d done" % (r + 1, a.rounds), file=sys.stderr)
    print("| benchmark | old median ns | new median ns | old best | new best | new/old (median) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in seen["old"]:
        o, n = seen["old"][name], seen["new"].get(name, [])
        if not n:
            continue
        mo, mn = statistics.median(o), statistics.median(n)
        print("| %s | %.2f | %.2f | %.2f | %.2f | %.3f |" % (name, mo, mn, min(o), min(n), mn / mo))


if __name__ == "__main__":
    main()
