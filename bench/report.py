#!/usr/bin/env python3
"""Turns the raw data of bench/run.sh into bench/results.md.

Usage: report.py RAW.tsv RESULTS.md

RAW.tsv holds "# key: value" lines (machine, settings, times) and one line per measurement:
COMPARISON, ROUND, SIDE (A = baseline, B = measured), VALUE, UNIT. For every comparison the ratio
B/A is taken within each round (A and B ran back to back), and the table shows the median, min and
max of those ratios, with the raw values below.
"""
import statistics
import sys
from collections import defaultdict

# id, figure, B, A, goal: (B/A must be <= this) or None
COMPARISONS = [
    ("overhead-3-fresh", "1. Overhead, 3 platforms", "CLI build + publish, defaults, CPU-bound step executed (fresh SEED, FRESH_MB)",
     "one-liner `buildx build --push` + `imagetools create`, same step executed", 1.05),
    ("overhead-3-ownjvm", "1. Overhead, 3 platforms",
     "the same CLI run in its own JVM (`MULTIARCH_SERVER=off`: no resident server), step executed",
     "one-liner `buildx build --push` + `imagetools create`, same step executed", None),
    ("overhead-3-build", "1. Overhead, 3 platforms", "CLI build + publish, defaults, every step cached (fixed costs only)",
     "one-liner `buildx build --push` + `imagetools create`", None),
    ("overhead-3-test", "1. Overhead, 3 platforms", "CLI build + test + publish, cached", "same one-liner (no test)", None),
    ("overhead-3-nobatch", "1. Overhead, 3 platforms", "CLI build + publish, `--no-batch` (one build per platform)",
     "one-liner", None),
    ("overhead-3-nocache", "1. Overhead, 3 platforms", "CLI build + publish, `--no-registry-cache`, cached",
     "one-liner", None),
    ("overhead-10-fresh", "1. Overhead, 10 platforms", "CLI build + publish, defaults, CPU-bound step executed (fresh SEED, FRESH_MB)",
     "one-liner `buildx build --push` + `imagetools create`, same step executed", 1.05),
    ("overhead-10-build", "1. Overhead, 10 platforms", "CLI build + publish, defaults, every step cached (fixed costs only)",
     "one-liner `buildx build --push` + `imagetools create`", None),
    ("overhead-10-test", "1. Overhead, 10 platforms", "CLI build + test + publish, cached", "same one-liner (no test)", None),
    ("overhead-10-nobatch", "1. Overhead, 10 platforms", "CLI build + publish, `--no-batch` (one build per platform)",
     "one-liner", None),
    ("overhead-10-nocache", "1. Overhead, 10 platforms", "CLI build + publish, `--no-registry-cache`, cached",
     "one-liner", None),
    ("long", "1b. Long build, 3 platforms", "CLI build + publish, defaults, LONG_MB step executed (fresh SEED)",
     "one-liner, same step executed", 1.02),
    ("anatomy-cache", "1c. The CLI's build without the CLI, 3 platforms",
     "the CLI's `buildx build` (its arguments, standalone buildx, fresh SEED) with its registry cache",
     "the same without the cache flags", None),
    ("anatomy-alone", "1c. The CLI's build without the CLI, 3 platforms",
     "the CLI's `buildx build` with its cache, no JVM, probe or publish around it",
     "one-liner `buildx build --push` + `imagetools create`, same step executed", None),
    ("anatomy-warm", "1c. The CLI's build without the CLI, 3 platforms",
     "the CLI run with its defaults in a JVM that stays up (bench/warm/WarmRuns.java, no JVM start, code compiled)",
     "one-liner `buildx build --push` + `imagetools create`, same step executed", None),
    ("parallel", "2. Parallelism, 4 emulated", "default `--concurrency` (4 here)", "`--concurrency 1`", 0.6),
    ("cold", "3. Cold agent rebuild, 4 emulated", "with the registry cache (one buildx build: the set's cache ref)",
     "`--no-registry-cache`", 0.2),
    ("publish-5", "4. Publish scale", "`publishSeconds`, 5 platforms", "`publishSeconds`, 1 platform", 1.2),
    ("publish-10", "4. Publish scale", "`publishSeconds`, 10 platforms", "`publishSeconds`, 1 platform", 1.2),
    ("cross", "5. Cross-compilation, 4 emulated", "examples/cross (CPU step in a native stage)",
     "same work fully emulated", None),
    ("footprint-wall", "6. Footprint", "CLI 10-platform `--dry-run`, wall", "`java -version`, wall", None),
    ("footprint-rss", "6. Footprint", "CLI 10-platform `--dry-run`, peak RSS", "`java -version`, peak RSS", None),
]

# Absolute goals: (id, what, goal in seconds). B = the CLI, A = the one-liner, for reference.
FIXED = [
    ("fixed:overhead-3-fresh", "1. Fixed cost, 3 platforms (fresh)", 0.5),
    ("fixed:overhead-3-ownjvm", "1. Fixed cost, 3 platforms (fresh), in its own JVM (`MULTIARCH_SERVER=off`)", None),
    ("fixed:overhead-10-fresh", "1. Fixed cost, 10 platforms (fresh)", 0.5),
    ("fixed:long", "1b. Fixed cost, long build", 0.5),
]

PHASES = ["wall", "buildx-build", "cache-import", "cache-export", "outside", "after-build", "publish", "slowest-test",
          "probe", "probe-on-path"]


def read_raw(path):
    meta, values, units = {}, defaultdict(lambda: defaultdict(dict)), {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            if line.startswith("# "):
                key, _, value = line[2:].partition(": ")
                if key == "retried":
                    meta.setdefault("retries", []).append(value)
                elif key == "note":
                    meta.setdefault("notes", []).append(value)
                else:
                    meta[key] = value
                continue
            comparison, round_, side, value, unit = line.split("\t")
            values[comparison][int(round_)][side] = float(value)
            units[comparison] = unit
    return meta, values, units


def fmt(value, unit):
    return f"{value:.1f}" if unit == "MiB" else f"{value:.2f}"


def main(raw_path, out_path):
    meta, values, units = read_raw(raw_path)
    out = []
    w = out.append
    w("# Benchmark results")
    w("")
    w(f"Written by `bench/run.sh` (raw data: `bench/{raw_path.rsplit('/', 1)[-1]}`); how to run and what each "
      "figure means: [README.md](README.md).")
    w("")
    w("Every figure is B / A, measured in pairs run back to back in the same suite run (A, B, A, B, …); "
      "the ratio is taken within each pair, and the table gives the median, min and max over the pairs. "
      f"{meta.get('runs', '?')} pairs per comparison (the long build {meta.get('long_runs', '?')}, "
      f"each publish comparison {meta.get('publish_runs', '?')}).")
    for note in meta.get("notes", []):
        w("")
        w(f"Note: {note}.")
    w("")
    w("## Machine")
    w("")
    w("| | |")
    w("|---|---|")
    for key in ["cores", "cpu", "memory", "kernel", "docker", "buildx", "builder", "qemu", "java", "cli",
                "load-at-start", "load-at-end", "started"]:
        if key in meta:
            w(f"| {key} | {meta[key]} |")
    w(f"| CPU-bound step | {meta.get('work_mb', '?')} MiB hashed per platform (bench/image); "
      f"{meta.get('fresh_mb', '?')} MiB where it is executed in figure 1 (FRESH_MB); "
      f"{meta.get('long_mb', '?')} MiB in the long build (LONG_MB, {meta.get('long_runs', '?')} pairs) |")
    suite = float(meta.get("suite-seconds", "nan"))
    figs = ", ".join(f"{k[len('figure-seconds-'):]} {float(v) / 60:.1f} min"
                     for k, v in meta.items() if k.startswith("figure-seconds-"))
    w(f"| suite time | {suite / 60:.1f} min ({figs}) |")
    w("")
    w("## Results")
    w("")
    w("| figure | B | A (baseline) | B / A median | min | max | goal | | A median | B median |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    details = []
    for cid, figure, b_label, a_label, goal in COMPARISONS:
        rounds = values.get(cid)
        if not rounds:
            continue
        unit = units[cid]
        pairs = [(r, v["A"], v["B"]) for r, v in sorted(rounds.items()) if "A" in v and "B" in v]
        ratios = [b / a for _, a, b in pairs]
        med = statistics.median(ratios)
        if goal is None:
            goal_cell, verdict = "—", ""
        else:
            goal_cell, verdict = f"≤ {goal}", ("**met**" if med <= goal else "**missed**")
        w(f"| {figure} | {b_label} | {a_label} | **{med:.2f}** | {min(ratios):.2f} | {max(ratios):.2f} | "
          f"{goal_cell} | {verdict} | {fmt(statistics.median(a for _, a, _ in pairs), unit)} {unit} | "
          f"{fmt(statistics.median(b for _, _, b in pairs), unit)} {unit} |")
        details.append((cid, figure, b_label, a_label, unit, pairs))
    fixed_rows = []
    for fid, what, goal in FIXED:
        rounds = values.get(fid)
        if not rounds:
            continue
        b = [v["B"] for v in rounds.values() if "B" in v]
        a = [v["A"] for v in rounds.values() if "A" in v]
        if not b:
            continue
        fixed_rows.append((fid, what, goal, b, a))
    if fixed_rows:
        w("")
        w("**Fixed cost** (its own goal, in seconds, not a ratio): the wall time of the whole process minus the time of "
          "its `docker buildx build` (the CLI's from its timeline; the one-liner's timed by the harness), i.e. JVM start, "
          "toolchain probe, reports, publish and verification, and whatever of them is not hidden beside the build.")
        w("")
        w("| row | CLI median | min | max | goal | | one-liner median (its `imagetools create` and client start) |")
        w("|---|---|---|---|---|---|---|")
        for fid, what, goal, b, a in fixed_rows:
            med = statistics.median(b)
            verdict = "" if goal is None else ("**met**" if med <= goal else "**missed**")
            goal_cell = "—" if goal is None else f"≤ {goal} s"
            ref = f"{statistics.median(a):.2f} s" if a else "—"
            w(f"| {what} | **{med:.2f} s** | {min(b):.2f} | {max(b):.2f} | {goal_cell} | {verdict} | {ref} |")
    w("")
    w("## Raw values")
    w("")
    w("Per pair, in the order they ran (A first).")
    for cid, figure, b_label, a_label, unit, pairs in details:
        w("")
        w(f"**{cid}** ({figure}): A = {a_label}, B = {b_label}, {unit}")
        w("")
        w("| pair | A | B | B / A |")
        w("|---|---|---|---|")
        for r, a, b in pairs:
            w(f"| {r} | {fmt(a, unit)} | {fmt(b, unit)} | {b / a:.2f} |")

    w("")
    w("## Incidents")
    w("")
    retries = meta.get("retries", [])
    if retries:
        w("Attempts that failed and were run again; a timed measurement keeps only the time of its successful attempt "
          "(see `run` in run.sh for the known registry fault behind them):")
        w("")
        for line in retries:
            w(f"- `{line}`")
    else:
        w("None: no command failed.")

    phase_rows = []
    for cid in [c[0] for c in COMPARISONS if c[0].startswith("overhead-") or c[0] == "long"]:
        cells = []
        for phase in PHASES:
            rounds = values.get(f"phases:{cid}:{phase}")
            cells.append(statistics.median(v["B"] for v in rounds.values()) if rounds else None)
        if cells[0] is not None:
            phase_rows.append((cid, cells))
    if phase_rows:
        w("")
        w("## Where the CLI's time goes (median seconds per run)")
        w("")
        w("From each run's `--timeline` in report.json (bench/phases.py), durations between its phases only. "
          "`buildx-build`: the CLI's `docker buildx build`, with BuildKit's steps `cache-import` (importing the registry "
          "caches, first to last) and `cache-export` (exporting the set's cache) inside it; `outside`: the wall time "
          "outside the span from the build's start to the end of the publish, i.e. everything before the build starts "
          "(JVM start, arguments, plan, anything that waited for the toolchain probe) plus writing the reports and the "
          "JVM's exit; `after-build`: from the end of the build to the end of the publish (index read, image sizes, "
          "tests, publish with the read-back of every tag); `publish`: `publishSeconds`, part of it; `probe`: the "
          "toolchain probe's own length, beside the build when an earlier run's probe is remembered, and "
          "`probe-on-path`: what of it anything waited for. The last column is the fixed cost, the median "
          "of each run's wall minus its `buildx-build` (not the difference of the two medians). A dash: not recorded.")
        w("")
        w("| comparison | " + " | ".join(PHASES) + " | wall − buildx-build |")
        w("|---" * (len(PHASES) + 2) + "|")
        for cid, cells in phase_rows:
            fmt_cells = " | ".join("—" if c is None else f"{c:.2f}" for c in cells)
            # the median of each run's own difference (as the fixed-cost rows), not the difference of the medians
            walls = values.get(f"phases:{cid}:wall") or {}
            builds = values.get(f"phases:{cid}:buildx-build") or {}
            diffs = [walls[r]["B"] - builds[r]["B"] for r in walls if r in builds and "B" in walls[r] and "B" in builds[r]]
            fixed = f"{statistics.median(diffs):.2f}" if diffs else "—"
            w(f"| {cid} | {fmt_cells} | {fixed} |")
    w("")
    with open(out_path, "w") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
