#!/usr/bin/env python3
"""bench/poll_report.py — the poller benchmark's results as a markdown
table (stdout) and a gnuplot PNG: cycle time against feed count, tidings
beside newsboat.

Usage: poll_report.py RESULTS_DIR [DOCS_DIR]
Reads RESULTS_DIR/results.tsv (the shared kit's measure.sh rows) and
stored.tsv (written by poll_bench.sh); writes DOCS_DIR/poller-vs-newsboat.png
when gnuplot is installed."""
import csv
import os
import shutil
import subprocess
import sys

res_dir = sys.argv[1] if len(sys.argv) > 1 else "/tmp/tidings-pollbench/results"
docs = sys.argv[2] if len(sys.argv) > 2 else None


def load(name, header=None):
    p = os.path.join(res_dir, name)
    if not os.path.exists(p):
        return []
    with open(p, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", fieldnames=header))


rows = load("results.tsv")
stored = {(r["tool"], r["n"], r["phase"]): r for r in
          load("stored.tsv", ["tool", "n", "phase", "feeds_ok", "stories"])}
for r in load("rows.tsv"):          # newsboat's, written by the kit
    stored[(r["tool"], r["n"], r["phase"])] = {"feeds_ok": r["feeds_stored"],
                                                "stories": r["items_stored"]}
# newsboat's third poll is its all-304 one (it stores validators only from
# its second); its second re-downloads everything.
PHASE = {("newsboat", "cold"): "cold", ("newsboat", "warm1"): "re-poll (all 200)",
         ("newsboat", "warm2"): "all-304"}

print("| tool | N | cycle | wall s | CPU s (user+sys) | peak RSS MiB | HTTP 200 / 304 | feeds ok / stories stored | other CPU s |")
print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
series = {}
for r in rows:
    tool, n, ph = r["tool"], r["n"], r["phase"]
    name = PHASE.get((tool, ph), ph)
    st = stored.get((tool, n, ph))
    rc = "" if r["rc"] == "0" else " (exit %s)" % r["rc"]
    print("| %s | %s | %s | %s%s | %s | %.1f | %s / %s | %s | %s |" % (
        tool, format(int(n), ","), name, r["wall_s"], rc, r["cpu_s"], int(r["maxrss_kb"]) / 1024.0,
        r["http200"], r["http304"], "%s / %s" % (st["feeds_ok"], st["stories"]) if st else "—",
        r["other_cpu_s"]))
    if name in ("cold", "changed", "all-304"):
        series.setdefault("%s %s" % (tool, name), []).append((int(n), float(r["wall_s"])))

cold = {(r["tool"], r["n"]): float(r["wall_s"]) for r in rows if r["phase"] == "cold"}
for (tool, n), wall in sorted(cold.items()):
    if tool == "newsboat" and ("tidings", n) in cold and cold[("tidings", n)] > 0:
        cpu = {(r["tool"], r["n"]): float(r["cpu_s"]) for r in rows if r["phase"] == "cold"}
        print("\nCold %s feeds: wall tidings %.2f s vs newsboat %.2f s (%.1f×); "
              "CPU tidings %.2f s vs newsboat %.2f s (%.1f×)."
              % (format(int(n), ","), cold[("tidings", n)], wall, wall / cold[("tidings", n)],
                 cpu[("tidings", n)], cpu[(tool, n)], cpu[(tool, n)] / max(cpu[("tidings", n)], 0.01)))

if docs and shutil.which("gnuplot") and series:
    dat = os.path.join(res_dir, "plot.dat")
    names = sorted(series)
    with open(dat, "w") as f:
        for name in names:
            f.write('"%s"\n' % name)
            for n, wall in sorted(series[name]):
                f.write("%d %.3f\n" % (n, wall))
            f.write("\n\n")
    style = {"tidings cold": "lc rgb '#1f77b4' pt 7", "tidings changed": "lc rgb '#2ca02c' pt 5",
             "tidings all-304": "lc rgb '#17becf' pt 9", "newsboat cold": "lc rgb '#d62728' pt 7",
             "newsboat all-304": "lc rgb '#ff7f0e' pt 9"}
    plots = ", ".join("'%s' index %d using 1:2 with linespoints lw 2 ps 1.5 %s title '%s'"
                      % (dat, i, style.get(nm, ""), nm) for i, nm in enumerate(names))
    script = """set terminal pngcairo size 1000,560 font 'Sans,11'
set output '%s'
set title 'One poll cycle of N local feeds (tidingsd --once vs newsboat -x reload), lower is better'
set xlabel 'feeds'
set ylabel 'wall time, seconds'
set logscale xy
set xrange [500:20000]
set grid
set key outside right top
plot %s
""" % (os.path.join(docs, "poller-vs-newsboat.png"), plots)
    if subprocess.run(["gnuplot"], input=script, text=True).returncode == 0:
        print("\nplot: %s" % os.path.join(docs, "poller-vs-newsboat.png"), file=sys.stderr)
