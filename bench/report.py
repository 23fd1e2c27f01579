#!/usr/bin/env python3
"""bench/report.py - turns pm-bench's JSON results into the comparison table,
the lock comparison, the fragmentation figures (pm-frag's frag.json), the
issue-6 and issue-11 targets checks, bench/results/latest.md and the gnuplot
chart bench/results/scaling.png. Python 3 standard library only.

Usage: report.py [RESULTS_DIR] [--strict] [--no-plot]

With --benchmark_repetitions, each benchmark's fastest repetition stands for
it (best of N: on a shared machine, interference only ever adds time). For
rows with more threads than the machine has CPUs the fastest picks the
luckiest schedule, so the report also prints, for those rows, the median
and the spread (slowest over fastest) of the repetitions.
Reads RESULTS_DIR/pm-bench.json (the whole suite, glibc malloc) and, where
present, RESULTS_DIR/malloc-{jemalloc,tcmalloc,mimalloc}.json (the malloc
families under LD_PRELOAD). Rows are workload and thread count; columns the
allocators, in ns per pair (per thread: the time one thread spends on one
alloc+free). Throughput comparisons (peers, scaling) use items_per_second
(pairs per second, all threads together). --strict exits 1 if a target is
missed; by default the targets are only reported.
"""

import datetime
import json
import os
import shutil
import subprocess
import sys

COLUMNS = ["floor", "physmem", "locked", "mutex", "glibc", "jemalloc", "tcmalloc", "mimalloc"]
PEERS = ["mutex", "glibc", "jemalloc", "tcmalloc", "mimalloc"]
PREFIX = {"floor": "floor", "physmem": "smp", "locked": "locked", "mutex": "mutex",
          "glibc": "malloc", "jemalloc": "malloc", "tcmalloc": "malloc", "mimalloc": "malloc"}
SOURCE = {"jemalloc": "malloc-jemalloc.json", "tcmalloc": "malloc-tcmalloc.json",
          "mimalloc": "malloc-mimalloc.json"}
WORKLOADS = ["pair", "batch64", "xfer", "mixed", "pair9", "bulk"]
LOCKS = ["ticket", "ticket_pb", "mcs", "clh", "mutex"]
ONE_GIB_PAGES = 262144


def load(path):
    """name -> {ns, ips, label, error, counters} for one pm-bench JSON file."""
    out = {}
    if not os.path.exists(path):
        return out, None
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    # With --benchmark_repetitions the fastest repetition stands for the
    # benchmark (best of N); aggregates (mean, median, stddev) are ignored.
    reps = {}
    for b in data.get("benchmarks", []):
        if b.get("run_type", "iteration") == "aggregate":
            continue
        name = b.get("run_name", b["name"])
        prev = out.get(name)
        err = b.get("error_occurred", False) and b.get("error_message", "error")
        ns = b.get("ns_per_pair")
        if not err and ns is not None:
            reps.setdefault(name, []).append((ns, b.get("items_per_second")))
        if prev is not None and not prev["error"] and (
                err or ns is None or (prev["ns"] is not None and prev["ns"] <= ns)):
            continue
        out[name] = {
            "ns": ns,
            "ips": b.get("items_per_second"),
            "label": b.get("label", "") or (prev or {}).get("label", ""),
            "error": err,
            "counters": b,
        }
    for name, r in out.items():
        r["reps"] = sorted(reps.get(name, []))
    return out, data.get("context", {})


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    if n == 0:
        return None
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2.0


def rep_stats(r):
    """(fastest ns, median ns, spread = slowest / fastest, n) of a run's repetitions."""
    ns = [x[0] for x in (r or {}).get("reps", []) if x[0]]
    if not ns:
        return None
    return min(ns), median(ns), max(ns) / min(ns), len(ns)


class Results:
    def __init__(self, rdir):
        self.main, self.context = load(os.path.join(rdir, "pm-bench.json"))
        self.extra = {k: load(os.path.join(rdir, v))[0] for k, v in SOURCE.items()}

    def get(self, column, name_rest):
        """The run of allocator `column` for "<workload>/threads:T" etc."""
        src = self.extra.get(column, self.main) if column in SOURCE else self.main
        r = src.get(PREFIX[column] + "/" + name_rest)
        if r is None or r["error"] or r["ns"] is None:
            return None
        return r

    def byname(self, name):
        r = self.main.get(name)
        if r is None or r["error"] or r["ns"] is None:
            return None
        return r

    def ncpus(self):
        try:
            return int((self.context or {}).get("num_cpus", 0))
        except (TypeError, ValueError):
            return 0

    def threads(self):
        ts = set()
        for name in self.main:
            if "/threads:" in name:
                ts.add(int(name.rsplit(":", 1)[1]))
        return sorted(ts)


def fmt_ns(v):
    if v is None:
        return "-"
    if v >= 100000:
        return "%.0fk" % (v / 1000)
    if v >= 1000:
        return "%.1fk" % (v / 1000)
    if v >= 100:
        return "%.0f" % v
    return "%.1f" % v


def fmt_x(v):
    return "-" if v is None else "%.2fx" % v


def md_table(header, rows):
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).rjust(w) for c, w in zip(cells, widths)) + " |"
    sep = "|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|"
    return "\n".join([line(header), sep] + [line(r) for r in rows])


def main_table(res):
    """The main table: fastest repetition of each cell. Rows with more threads
    than CPUs carry a '*' after T: their medians and spreads follow in
    oversub_table."""
    ncpu = res.ncpus()
    header = ["workload", "T"] + COLUMNS + ["phys/floor", "vs best peer", "vs locked", "scaling"]
    rows = []
    for w in WORKLOADS:
        base_ips = None
        for t in res.threads():
            rest = "%s/threads:%d" % (w, t)
            cells = {c: res.get(c, rest) for c in COLUMNS}
            if all(v is None for v in cells.values()):
                continue
            phys = cells["physmem"]
            ratio_floor = (phys["ns"] / cells["floor"]["ns"]
                           if phys and cells["floor"] and cells["floor"]["ns"] else None)
            peers = [(c, cells[c]) for c in PEERS if cells[c] and cells[c]["ips"]]
            best = max(peers, key=lambda p: p[1]["ips"]) if peers else None
            vs_peer = ("%.2fx %s" % (phys["ips"] / best[1]["ips"], best[0])
                       if phys and phys["ips"] and best else "-")
            vs_locked = (phys["ips"] / cells["locked"]["ips"]
                         if phys and cells["locked"] and cells["locked"]["ips"] else None)
            if phys and base_ips is None:
                base_ips = (t, phys["ips"])
            scaling = ("%.2fx/T%d" % (phys["ips"] / base_ips[1], base_ips[0])
                       if phys and base_ips and base_ips[1] else "-")
            tl = "%d*" % t if ncpu and t > ncpu else t
            rows.append([w, tl] + [fmt_ns(cells[c]["ns"]) if cells[c] else "-" for c in COLUMNS]
                        + [fmt_x(ratio_floor), vs_peer, fmt_x(vs_locked), scaling])
    return header, rows


def oversub_table(res):
    """Rows with more threads than CPUs: fastest / median of the repetitions,
    and the spread (slowest / fastest), for every allocator, so that the
    luckiest schedule is not the only figure."""
    ncpu = res.ncpus()
    header = ["workload", "T"] + COLUMNS
    rows = []
    for w in WORKLOADS:
        for t in res.threads():
            if not ncpu or t <= ncpu:
                continue
            cells = []
            for c in COLUMNS:
                stt = rep_stats(res.get(c, "%s/threads:%d" % (w, t)))
                cells.append("-" if not stt else "%s / %s / %.1fx" %
                             (fmt_ns(stt[0]), fmt_ns(stt[1]), stt[2]))
            if any(c != "-" for c in cells):
                rows.append([w, t] + cells)
    return header, rows


def lock_table(res):
    """lock/<kind>/threads:T: ns per acquisition (a zone alloc+free pair
    inside), fastest repetition; for T > CPUs also the median and the spread."""
    ncpu = res.ncpus()
    header = ["T"] + LOCKS + ["best FIFO", "vs ticket"]
    rows = []
    for t in res.threads():
        rs = {k: res.byname("lock/%s/threads:%d" % (k, t)) for k in LOCKS}
        if all(v is None for v in rs.values()):
            continue
        cells = []
        for k in LOCKS:
            r = rs[k]
            if r is None:
                cells.append("-")
                continue
            stt = rep_stats(r)
            if ncpu and t > ncpu and stt:
                cells.append("%s (med %s, %.1fx)" % (fmt_ns(r["ns"]), fmt_ns(stt[1]), stt[2]))
            else:
                cells.append(fmt_ns(r["ns"]))
        fifo = [(k, rs[k]) for k in LOCKS if k != "mutex" and rs[k] and rs[k]["ns"]]
        best = min(fifo, key=lambda p: p[1]["ns"]) if fifo else None
        vs = ("%.2fx" % (rs["ticket"]["ns"] / best[1]["ns"])
              if best and rs["ticket"] and rs["ticket"]["ns"] else "-")
        rows.append([t] + cells + [best[0] if best else "-", vs])
    return header, rows


def load_frag(rdir):
    path = os.path.join(rdir, "frag.json")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def frag_table(fr):
    """pm-frag's figures: free 2 MiB blocks a fresh CPU can get, against the
    ideal floor(free pages / 512)."""
    if not fr:
        return None, None
    ideal = fr["ideal"]
    pc = lambda a, b: "%.1f%%" % (100.0 * a / b) if b else "-"
    header = ["after aging", "free 2 MiB blocks", "of ideal"]
    rows = [
        ["ideal: floor(free pages / 512)", ideal, "100.0%"],
        ["caches as they are (zones + the fresh CPU's cache)", fr["asis"], pc(fr["asis"], ideal)],
        ["after pm_smp_drain_all", fr["drained"], pc(fr["drained"], ideal)],
        ["eager core alone, same sequence (reference)", fr["core_free9"],
         pc(fr["core_free9"], fr["core_ideal"])],
    ]
    return header, rows


def core_table(res):
    floor = res.byname("floor/pair/threads:1")
    header = ["core", "ns/pair", "Mpairs/s", "vs floor/pair"]
    rows = []
    names = sorted(n for n in res.main if n.startswith("core/"))
    order = lambda n: (n.split("/")[1], int(n.rsplit(":", 1)[1]) if ":" in n else
                       int(n.rsplit("/", 1)[1]) if n.rsplit("/", 1)[1].isdigit() else 0)
    for n in sorted(names, key=order):
        r = res.byname(n)
        if not r:
            rows.append([n, "error", "-", "-"])
            continue
        rows.append([n, fmt_ns(r["ns"]), "%.1f" % (r["ips"] / 1e6) if r["ips"] else "-",
                     fmt_x(r["ns"] / floor["ns"]) if floor else "-"])
    return header, rows


def beats_peers(res, workload, t):
    """(passed or None, line) for 'smp/WORKLOAD/threads:T faster than every peer'."""
    rest = "%s/threads:%d" % (workload, t)
    phys = res.get("physmem", rest)
    peers = [(c, res.get(c, rest)) for c in PEERS]
    peers = [(c, r) for c, r in peers if r and r["ips"]]
    if not phys or not peers:
        return (None, "smp/%s faster than every peer: not measured" % rest)
    best = max(peers, key=lambda p: p[1]["ips"])
    return (phys["ips"] > best[1]["ips"],
            "smp/%s faster than every peer (%d): %.2fM/s vs best %s %.2fM/s = %.2fx" %
            (rest, len(peers), phys["ips"] / 1e6, best[0], best[1]["ips"] / 1e6,
             phys["ips"] / best[1]["ips"]))


def at_least(res, name, ref, factor):
    """(passed or None, line) for 'NAME >= FACTOR x REF' in items/s."""
    a, b = (res.byname(name) or {}).get("ips"), (res.byname(ref) or {}).get("ips")
    if a is None or b is None:
        return (None, "%s >= %gx %s (items/s): not measured" % (name, factor, ref))
    return (a >= factor * b, "%s >= %gx %s (items/s): %.2fM vs %.2fM = %.2fx" %
            (name, factor, ref, a / 1e6, b / 1e6, a / b))


def targets(res):
    """[(ok or None, text)] - None: not measured."""
    out = []
    ns = lambda n: (res.byname(n) or {}).get("ns")

    def within(name, ref, factor, what=None):
        a, b = ns(name), ns(ref)
        if a is None or b is None:
            out.append((None, "%s within %gx %s: not measured" % (what or name, factor, ref)))
            return
        out.append((a <= factor * b, "%s within %gx %s: %.2f ns vs %.2f ns = %.2fx" %
                    (what or name, factor, ref, a, b, a / b)))


    within("smp/pair/threads:1", "floor/pair/threads:1", 2)
    within("smp/batch64/threads:1", "floor/batch64/threads:1", 2)
    for w in ("pair", "batch64"):
        for t in res.threads():
            out.append(beats_peers(res, w, t))
    out.append(at_least(res, "smp/pair/threads:2", "smp/pair/threads:1", 1.8))
    out.append(at_least(res, "smp/pair/threads:2", "locked/pair/threads:2", 10))
    out.append(at_least(res, "smp/pair/threads:8", "smp/pair/threads:2", 0.7))
    out.append(at_least(res, "smp/batch64/threads:8", "smp/batch64/threads:2", 0.7))
    r = res.main.get("locked/pair/threads:8")
    out.append((bool(r and not r["error"] and r["ns"] is not None),
                "locked/pair/threads:8 finishes: %s" %
                ("%.0f ns/pair per thread, %.3fM pairs/s" % (r["ns"], r["ips"] / 1e6)
                 if r and not r["error"] and r["ns"] is not None else
                 (r["error"] if r else "not run"))))
    out.append(beats_peers(res, "xfer", 2))
    # core/pair/order:0 within 8x was retired with issue 12: the headline core
    # is the eager buddy again, and the hot stack it met the target with has
    # its own row (core/hot/order:0), an opt-in.
    within("core/random", "floor/pair/threads:1", 12, "core/random (per page pair)")
    return out


def targets11(res, fr):
    """Issue 11: every order scales."""
    out = []
    ns = lambda n: (res.byname(n) or {}).get("ns")


    for w in ("pair9", "mixed"):
        out.append(at_least(res, "smp/%s/threads:2" % w, "smp/%s/threads:1" % w, 1.8))
        for t in (4, 8):
            if t in res.threads():
                out.append(at_least(res, "smp/%s/threads:%d" % (w, t), "smp/%s/threads:2" % w,
                                    0.7))
    a, b = ns("smp/pair9/threads:1"), ns("smp/pair/threads:1")
    if a is None or b is None:
        out.append((None, "smp/pair9/threads:1 within 3x smp/pair/threads:1: not measured"))
    else:
        out.append((a <= 3 * b, "smp/pair9/threads:1 within 3x smp/pair/threads:1: "
                    "%.2f ns vs %.2f ns = %.2fx" % (a, b, a / b)))
    for t in res.threads():
        out.append(beats_peers(res, "mixed", t))
    if not fr:
        out.append((None, "fragmentation: not measured (no frag.json)"))
    else:
        for key, what, pct in (("drained", "after pm_smp_drain_all", 95),
                               ("asis", "with the caches as they are", 90)):
            v, ideal = fr[key], fr["ideal"]
            out.append((ideal > 0 and v >= pct / 100.0 * ideal,
                        "free 2 MiB blocks %s >= %d%% of ideal at %d CPUs: %d of %d = %.1f%%" %
                        (what, pct, fr["cpus"], v, ideal, 100.0 * v / ideal if ideal else 0)))
    return out


def call_boundary(res):
    """The out-of-line floor beside the floor and physmem: what a function-call
    API alone costs (not a target)."""
    lines = []
    for w in ("pair", "batch64"):
        fl, cf, ph = (res.byname("%s/%s/threads:1" % (p, w)) for p in ("floor", "callfloor", "smp"))
        if not (fl and cf and ph and fl["ns"] and cf["ns"]):
            continue
        lines.append("%s: floor %.2f ns, callfloor (the same pop and push behind a call) %.2f ns "
                     "= %.2fx floor; physmem %.2f ns = %.2fx callfloor" %
                     (w, fl["ns"], cf["ns"], cf["ns"] / fl["ns"], ph["ns"], ph["ns"] / cf["ns"]))
    return lines


def metadata(res, fr):
    lines = []
    for n in ("smp/pair/threads:1", "smp/pair/threads:%d" % max(res.threads() or [1])):
        r = res.main.get(n)
        if r and "meta_bytes_per_page" in r["counters"]:
            c = r["counters"]
            mc = c.get("max_cached_pages", 0)
            lines.append("%s: metadata %.2f bytes/page, max_cached_pages %d = %.1f MiB, %.2f%% "
                         "of a 1 GiB zone (%s)" %
                         (n, c["meta_bytes_per_page"], mc, mc / 256.0,
                          100.0 * mc / ONE_GIB_PAGES, r["label"]))
    if fr:
        lines.append("pm-frag (%d slots): max_cached_pages %d = %.2f%% of its %d-page zone, "
                     "metadata %.2f bytes/page; seed %d (%#x), %d operations, %d pages held at "
                     "the end, %d cached" %
                     (fr["slots"], fr["max_cached_pages"],
                      100.0 * fr["max_cached_pages"] / fr["pages"], fr["pages"],
                      fr["meta_bytes_per_page"], fr["seed"], fr["seed"], fr["ops"],
                      fr["held_pages"], fr["cached_pages"]))
        if "zone_locks" in fr and fr.get("allocs"):
            lines.append("pm-frag zone locks while aging: %d, %.1f per 1000 allocations" %
                         (fr["zone_locks"], 1000.0 * fr["zone_locks"] / fr["allocs"]))
    return lines


def plot(res, rdir):
    """scaling.png: items/s vs threads, one line per allocator, one panel per workload."""
    if not shutil.which("gnuplot"):
        return "gnuplot not found: no scaling.png"
    ts = res.threads()
    panels = []
    datafile = os.path.join(rdir, "scaling.dat")
    sets = [(w, COLUMNS, lambda c, t, w=w: res.get(c, "%s/threads:%d" % (w, t)))
            for w in WORKLOADS]
    sets.append(("lock (zone alloc+free inside)", LOCKS,
                 lambda c, t: res.byname("lock/%s/threads:%d" % (c, t))))
    with open(datafile, "w", encoding="utf-8") as f:
        idx = 0
        for w, cols, get in sets:
            f.write("# %s\n# threads %s\n" % (w, " ".join(cols)))
            any_row = False
            for t in ts:
                vals = []
                for c in cols:
                    r = get(c, t)
                    vals.append("%.6g" % (r["ips"] / 1e6) if r and r["ips"] else "NaN")
                if any(v != "NaN" for v in vals):
                    any_row = True
                f.write("%d %s\n" % (t, " ".join(vals)))
            f.write("\n\n")
            if any_row:
                panels.append((idx, w, cols))
            idx += 1
    script = os.path.join(rdir, "scaling.gp")
    png = os.path.join(rdir, "scaling.png")
    cols = 3 if len(panels) > 4 else 2
    nrows = (len(panels) + cols - 1) // cols
    with open(script, "w", encoding="utf-8") as g:
        g.write('set terminal pngcairo size %d,%d noenhanced\n' % (520 * cols, 400 * nrows)
                if _has_cairo() else 'set terminal png size %d,%d\n' % (520 * cols, 400 * nrows))
        g.write('set output "%s"\n' % png)
        g.write('set multiplot layout %d,%d title "pm-bench: throughput vs threads"\n'
                % (nrows, cols))
        g.write('set logscale y\nset logscale x 2\nset key outside right top\n'
                'set grid\nset xlabel "threads"\nset ylabel "M pairs/s"\n')
        g.write('set xtics (%s)\n' % ", ".join(str(t) for t in ts))
        g.write('set xrange [%g:%g]\n' % (min(ts) / 1.25, max(ts) * 1.25))
        for idx, w, cols in panels:
            g.write('set title "%s"\n' % w)
            plots = ['"%s" index %d using 1:%d with linespoints title "%s"' %
                     (datafile, idx, i + 2, c) for i, c in enumerate(cols)]
            g.write("plot " + ", \\\n     ".join(plots) + "\n")
        g.write("unset multiplot\n")
    p = subprocess.run(["gnuplot", script], capture_output=True, text=True)
    if p.returncode != 0:
        return "gnuplot failed: " + p.stderr.strip()[-500:]
    return "wrote " + png


def _has_cairo():
    try:
        p = subprocess.run(["gnuplot", "-e", "set terminal"], capture_output=True, text=True)
        return "pngcairo" in (p.stdout + p.stderr)
    except OSError:
        return False


def add_table(out, caption, head, rows):
    """A caption, then a markdown table, each followed by a blank line."""
    out.extend([caption, "", md_table(head, rows), ""])


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    strict = "--strict" in argv
    rdir = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
    res = Results(rdir)
    if not res.main:
        print("report.py: no %s" % os.path.join(rdir, "pm-bench.json"), file=sys.stderr)
        return 2

    fr = load_frag(rdir)
    h, rows = main_table(res)
    oh, orows = oversub_table(res)
    lh, lrows = lock_table(res)
    fh, frows = frag_table(fr)
    ch, crows = core_table(res)
    tg = targets(res)
    tg11 = targets11(res, fr)
    meta = metadata(res, fr)
    call = call_boundary(res)
    labels = sorted({"%s: %s" % (n.split("/")[0], r["label"]) for n, r in res.main.items()
                     if r["label"]})
    labels += ["%s: %s" % (k, next(iter(v.values()))["label"]) for k, v in res.extra.items() if v]

    ctx = res.context or {}
    out = []
    out.append("# pm-bench results")
    out.append("")
    out.append("%s, %s CPUs at %s MHz, %s; generated %s." %
               (ctx.get("host_name", "?"), ctx.get("num_cpus", "?"), ctx.get("mhz_per_cpu", "?"),
                ctx.get("date", "?"),
                datetime.datetime.now().replace(microsecond=0).isoformat()))
    out.append("")
    out.append("ns per pair (one alloc + one free), per thread; T = threads (each on its own "
               "CPU slot). phys/floor: physmem's ns over floor's. vs best peer / vs locked: "
               "physmem's throughput (pairs/s, all threads) over the best peer's "
               "(mutex, glibc, jemalloc, tcmalloc, mimalloc) / over its own locked mode. "
               "scaling: throughput over the first thread count's.")
    out.append("")
    out.append(md_table(h, rows))
    out.append("")
    if orows:
        add_table(out, "T* : more threads than CPUs. For those rows, every allocator's fastest / "
                  "median / spread (slowest over fastest) of the repetitions, ns per pair:",
                  oh, orows)
    if lrows:
        add_table(out, "The zone lock compared (lock/<kind>): ns per acquisition, each around one "
                  "zone alloc+free pair (buddy, hot_max 0); FIFO locks wait alike: pause, then "
                  "sched_yield (bench/bench_locks.c); mutex is pthread_mutex_t, not FIFO. "
                  "vs ticket: the shipped ticket lock's ns over the best FIFO lock's. "
                  "T*: fastest (median, spread) of the repetitions.", lh, lrows)
    if frows:
        add_table(out, "Fragmentation (pm-frag: %d CPUs driven round-robin from one thread, "
                  "seed %#x, %d operations, %d pages, %d pages held at the end):" %
                  (fr["cpus"], fr["seed"], fr["ops"], fr["pages"], fr["held_pages"]), fh, frows)
    out.append(md_table(ch, crows))
    out.append("")
    out.append("Configurations: " + "; ".join(labels))
    out.append("")
    out.append("## Targets (issue 6)")
    out.append("")
    for ok, text in tg:
        out.append("- %s %s" % ({True: "PASS", False: "MISS", None: "N/A "}[ok], text))
    out.append("")
    out.append("## Targets (issue 11)")
    out.append("")
    for ok, text in tg11:
        out.append("- %s %s" % ({True: "PASS", False: "MISS", None: "N/A "}[ok], text))
    out.append("")
    if call:
        out.append("## The call boundary (threads:1, not a target)")
        out.append("")
        out.extend("- " + c for c in call)
        out.append("")
    out.append("## Metadata")
    out.append("")
    out.extend("- " + m for m in meta)
    out.append("")
    msg = plot(res, rdir)
    out.append("Chart: scaling.png (items/s vs threads, log scale). " + msg)
    text = "\n".join(out) + "\n"
    with open(os.path.join(rdir, "latest.md"), "w", encoding="utf-8") as f:
        f.write(text)
    print(text)
    alltg = tg + tg11
    missed = sum(1 for ok, _ in alltg if ok is False)
    print("targets: %d PASS, %d MISS, %d not measured" %
          (sum(1 for ok, _ in alltg if ok), missed, sum(1 for ok, _ in alltg if ok is None)))
    return 1 if strict and missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
