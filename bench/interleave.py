#!/usr/bin/env python3
"""bench/interleave.py - two or more pm-bench builds side by side, alternated.

Usage: interleave.py [--rounds N] [--filter REGEX] [--min-time S] BENCH_A BENCH_B [...]

Runs each build once per round, in turn (A B A B ...), on the same
benchmarks, so that whatever else the shared machine does falls on all of
them alike; then prints, per benchmark, each build's fastest and median
ns_per_pair and items/s over the rounds, and each build's best items/s over
the first build's. Python 3 standard library only.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile


def run_once(bench, flt, min_time):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    try:
        subprocess.run([bench, "--benchmark_filter=" + flt, "--benchmark_min_time=%s" % min_time,
                        "--benchmark_out=" + out, "--benchmark_out_format=json"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        with open(out, encoding="utf-8") as f:
            data = json.load(f)
    finally:
        os.unlink(out)
    res = {}
    for b in data.get("benchmarks", []):
        if b.get("run_type") == "aggregate" or b.get("error_occurred"):
            continue
        res[b.get("run_name", b["name"])] = (b.get("ns_per_pair"), b.get("items_per_second"))
    return res


def main(argv):
    rounds, flt, min_time, benches = 5, ".", "0.1", []
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == "--rounds":
            rounds = int(argv[i + 1])
            i += 2
        elif a == "--filter":
            flt = argv[i + 1]
            i += 2
        elif a == "--min-time":
            min_time = argv[i + 1]
            i += 2
        else:
            benches.append(a)
            i += 1
    if len(benches) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    got = {i: {} for i in range(len(benches))}  # build -> name -> [(ns, ips)]
    for r in range(rounds):
        for i, b in enumerate(benches):
            for name, v in run_once(b, flt, min_time).items():
                got[i].setdefault(name, []).append(v)
    names = sorted({n for i in got for n in got[i]})
    hdr = "%-28s" % "benchmark" + "".join(
        "| %-40s" % os.path.basename(b) for b in benches) + "| best ips / first's"
    print(hdr)
    for n in names:
        cells, best = [], []
        for i in range(len(benches)):
            v = got[i].get(n, [])
            ns = [x[0] for x in v if x[0]]
            ips = [x[1] for x in v if x[1]]
            if not ns:
                cells.append("| %-40s" % "-")
                best.append(None)
                continue
            cells.append("| ns %8.2f best %8.2f med, %8.2fM/s best " %
                         (min(ns), statistics.median(ns), max(ips) / 1e6))
            best.append(max(ips))
        ratio = " ".join("%.3f" % (x / best[0]) if x and best[0] else "-" for x in best[1:])
        print("%-28s" % n + "".join(cells) + "| " + ratio)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
