"""What the Python package adds to followership's own time (issue 13), not a test.

    bench/run --python-layer [--n 10000] [--runs 1000] [--edges 10000000] [--reps 3]
    bench/run --python-layer --smoke        # tiny sizes, checks agreement (part of scripts/test)

`bench/run --python-layer` builds the CLI and the package (into target/python-venv, as
scripts/test-python does) in release, then runs this script with that environment's Python.

1. Workload 1 of the side-by-side harness (fractional threshold on a Barabási–Albert graph, m = 5,
   thresholds uniform on [0.05, 0.5] with 10% stubborn people, 1% of people start) run `--runs`
   times on one thread: by `followership run` (its `simulation_seconds`: the runs alone), and by
   `Experiment.run` from Python on the same scenario, timed around the call (network read from the
   same file, runs, DataFrames). The Python layer's share is the difference. Both are the median
   of `--reps` runs after a warm-up.
2. `Graph.from_edges` on an `(m, 2)` int64 array of `--edges` random edges among a tenth as many
   people: the time of the call (array already in memory).

Checks (the exit status is 1 when one fails): the runs from Python end as the CLI's do (the same
final count in every run, read from the CLI's summary.csv), and the graph from the array has the
edges numpy counts (distinct unordered pairs, self-loops left out).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import harness  # noqa: E402  (the side-by-side harness: its input writers)

import followership as fs  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--edges", type=int, default=10_000_000)
    ap.add_argument("--smoke", action="store_true", help="tiny sizes (n 1,000, 50 runs, 200,000 edges, 1 rep), checks only")
    args = ap.parse_args()
    if args.smoke:
        args.n, args.runs, args.edges, args.reps = 1000, 50, 200_000, 1
    work = ROOT / "bench" / "work" / "python"
    work.mkdir(parents=True, exist_ok=True)
    n = args.n
    edges = work / f"ba-{n}.txt"
    harness.write_ba(edges, n, 5, seed=n)
    thr = work / f"thresholds-{n}.txt"
    harness.write_thresholds(thr, n, 0.05, 0.5, 0.1, seed=n + 1)
    import random

    seeds = sorted(random.Random(n + 2).sample(range(n), max(1, n // 100)))
    scen = work / f"threshold-{n}.toml"
    harness.write_scenario(
        scen,
        f"threshold-{n}",
        edges,
        f'[people.threshold]\ndistribution = "file"\npath = "{thr.resolve()}"\n\n'
        '[dynamics]\nrule = "threshold"\nupdate = "synchronous"\nsocial_proof = "fraction"\n\n'
        f"[initial]\nplacement = \"ids\"\nids = {seeds}\n\n[output]\ntimeseries = false\n",
    )
    cli = ROOT / "target" / "release" / "followership"
    cmd = [str(cli), "run", str(scen), "--replicates", str(args.runs), "--threads", "1", "--json", "--no-plots", "--out", str(work / "out")]
    cli_sim, cli_wall = [], []
    for i in range(args.reps + 1):
        started = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        wall = time.perf_counter() - started
        if i:
            cli_sim.append(json.loads(out)["run"]["simulation_seconds"])
            cli_wall.append(wall)
    e = fs.Experiment.from_file(scen)
    py_wall, py_sim = [], []
    for i in range(args.reps + 1):
        started = time.perf_counter()
        r = e.run(replicates=args.runs, threads=1, timeseries=False)
        wall = time.perf_counter() - started
        if i:
            py_wall.append(wall)
            py_sim.append(r.simulation_seconds)
    checks = []
    import pandas as pd

    cli_final = pd.read_csv(work / "out" / "summary.csv")["final_following"]
    checks.append(("runs from Python end as the CLI's", r.summary["final_following"].tolist() == cli_final.tolist()))
    checks.append(("a deterministic cascade: every run alike", r.summary["final_following"].nunique() == 1))
    cs, pw, ps = statistics.median(cli_sim), statistics.median(py_wall), statistics.median(py_sim)
    print(f"(1) fractional threshold, BA n={n:,}, {args.runs} runs, 1 thread, median of {args.reps}:")
    print(f"  followership run: simulation_seconds {cs:.4f} s (whole process {statistics.median(cli_wall):.4f} s)")
    print(f"  Experiment.run from Python: {pw:.4f} s around the call ({ps:.4f} s of runs inside)")
    print(f"  Python layer adds {100 * (pw / cs - 1):+.1f}% to followership's simulation time "
          f"({100 * (pw / ps - 1):+.1f}% to the runs timed inside the same call)")

    rng = np.random.default_rng(1)
    m = args.edges
    arr = rng.integers(0, max(2, m // 10), size=(m, 2), dtype=np.int64)
    times = []
    for _ in range(args.reps):
        started = time.perf_counter()
        g = fs.Graph.from_edges(arr)
        times.append(time.perf_counter() - started)
        del g
    print(f"Graph.from_edges of a ({m:,}, 2) int64 array among {m // 10:,} people: "
          f"median {statistics.median(times):.3f} s (min {min(times):.3f} s) over {args.reps}")
    g = fs.Graph.from_edges(arr)
    pairs = np.sort(arr[arr[:, 0] != arr[:, 1]], axis=1)
    distinct = len(np.unique(pairs[:, 0] * max(2, m // 10) + pairs[:, 1]))
    checks.append((f"Graph.from_edges keeps the {distinct:,} distinct edges", g.edge_count == distinct))
    if args.smoke:
        print("  (smoke sizes: the checks count, the times mean nothing)")
    for what, ok in checks:
        print(f"  [{'ok' if ok else 'FAILED'}] {what}")
    if not all(ok for _, ok in checks):
        sys.exit(1)


if __name__ == "__main__":
    main()
