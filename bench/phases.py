#!/usr/bin/env python3
"""Where one CLI run's wall time went, from its report.json and its --timeline: lines of bench/run.sh's raw data.

Usage: phases.py COMPARISON ROUND WALL REPORT_DIR

Only durations between the timeline's own phases are used, never its offsets from the process start (which
the CLI took from the kernel's start time of the process; before it read /proc/uptime that was up to a second
early). So: buildx-build (the CLI's buildx build), after-build (from its end to the end of the last phase in
report.json, the publish: index read, image sizes, tests, publish with the read-back of every tag), outside
(WALL minus the span from the build's start to that end: everything before the build starts, i.e. JVM start,
arguments, plan, what waited for the probe, plus writing the reports and the JVM's exit). fixed = outside +
after-build = WALL - buildx-build.
Printed: "phases:COMPARISON:NAME ROUND B SECONDS s" for each phase, and "fixed:COMPARISON ROUND B SECONDS s",
the fixed cost: WALL minus the CLI's buildx build.
"""
import json
import sys


def main(comparison, round_, wall, report):
    wall = float(wall)
    r = json.load(open(report + "/report.json"))
    spans = r.get("timeline", [])
    out = []

    def span(pred):
        hits = [s for s in spans if pred(s["phase"])]
        return (min(s["start"] for s in hits), max(s["end"] for s in hits)) if hits else None

    phases = {"wall": wall, "report-total": r["totalSeconds"], "publish": r["publishSeconds"] or 0,
              "slowest-build": max(p["buildSeconds"] or 0 for p in r["platforms"]),
              "push": max(p.get("pushSeconds") or 0 for p in r["platforms"]),
              "slowest-test": max(p.get("testSeconds") or 0 for p in r["platforms"])}
    build = span(lambda p: p == "batch 1: buildx build") or span(lambda p: p.endswith(": buildx build"))
    if build and spans:
        last = max(s["end"] for s in spans)
        probe = span(lambda p: p.startswith("toolchain probe"))
        export = span(lambda p: p.startswith("batch 1: buildkit #") and "exporting cache to registry" in p)
        imports = span(lambda p: p.startswith("batch 1: buildkit #") and "importing cache manifest" in p)
        # the probe costs time only where something waits for it: the build (probed first), or the publish (a
        # probe beside the build that ends after it)
        on_path = 0
        if probe:
            on_path = probe[1] - probe[0] if probe[1] <= build[0] else max(0, probe[1] - build[1])
        phases.update({"outside": wall - (last - build[0]), "buildx-build": build[1] - build[0],
                       "after-build": last - build[1],
                       "probe": probe[1] - probe[0] if probe else 0, "probe-on-path": on_path,
                       "cache-import": imports[1] - imports[0] if imports else 0,
                       "cache-export": export[1] - export[0] if export else 0})
        out.append(f"fixed:{comparison}\t{round_}\tB\t{wall - (build[1] - build[0]):.3f}\ts")
    for name, seconds in phases.items():
        out.append(f"phases:{comparison}:{name}\t{round_}\tB\t{seconds:.3f}\ts")
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
