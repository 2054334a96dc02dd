#!/usr/bin/env python3
"""Coverage of the 95% credible intervals of `followership fit` (a benchmark, not a test).

Draws N true (p, q) pairs of the Bass model, simulates one launch curve from each with
`followership run` (a crowd of --nodes people, observed every tick up to --weeks), fits it back
with the shipped example's [fit] section, and reports the share of true values inside their
95% intervals (about 0.95 when the intervals are calibrated).

    cargo build --release -p followership-cli
    python3 bench/fit_coverage.py --sets 50            # writes to bench/work/fit-coverage/
"""

import argparse
import csv
import math
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "followership"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", type=int, default=50)
    ap.add_argument("--nodes", type=int, default=2000)
    ap.add_argument("--weeks", type=int, default=12)
    ap.add_argument("--particles", type=int, default=200)
    ap.add_argument("--generations", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args()
    work = ROOT / "bench" / "work" / "fit-coverage"
    work.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    inside = {"p": 0, "q": 0}
    started = time.time()
    for i in range(args.sets):
        # The priors of examples/fit/bass.toml: p log-uniform on [0.001, 0.1], q uniform on
        # [0, 1]; the true values are drawn from them (where coverage is defined).
        p = math.exp(rng.uniform(math.log(0.001), math.log(0.1)))
        q = rng.uniform(0.0, 1.0)
        d = work / f"set-{i:03}"
        sim = [str(BIN), "run", "--builtin", "bass", "--set", f"network.nodes={args.nodes}",
               "--set", f"dynamics.spontaneous={p}", "--set", f"dynamics.imitation={q}",
               "--set", f"max_ticks={args.weeks}", "--replicates", "1", "--seed", str(1000 + i),
               "--no-plots", "--quiet", "--out", str(d / "truth")]
        subprocess.run(sim, check=True)
        following = {}
        with open(d / "truth" / "timeseries.csv") as f:
            for row in csv.DictReader(f):
                following[int(row["tick"])] = int(row["following"])
        last = max(following)
        with open(d / "observed.csv", "w") as f:
            f.write("week,signups\n")
            for w in range(args.weeks + 1):
                f.write(f"{w},{following[min(w, last)]}\n")
        fit = [str(BIN), "fit", str(ROOT / "examples" / "fit" / "bass.toml"),
               "--data", str(d / "observed.csv"), "--set", f"network.nodes={args.nodes}",
               "--set", f"fit.particles={args.particles}", "--set", f"fit.generations={args.generations}",
               "--seed", str(i + 1), "--quiet", "--out", str(d / "fit")]
        if args.threads:
            fit += ["--threads", str(args.threads)]
        subprocess.run(fit, check=True)
        with open(d / "fit" / "summary.csv") as f:
            rows = {r["parameter"]: r for r in csv.DictReader(f)}
        for name, key, true in [("p", "dynamics.spontaneous", p), ("q", "dynamics.imitation", q)]:
            r = rows[key]
            hit = float(r["low_95"]) <= true <= float(r["high_95"])
            inside[name] += hit
        print(f"set {i}: p {p:.4f} in [{float(rows['dynamics.spontaneous']['low_95']):.4f}, "
              f"{float(rows['dynamics.spontaneous']['high_95']):.4f}], q {q:.3f} in "
              f"[{float(rows['dynamics.imitation']['low_95']):.3f}, {float(rows['dynamics.imitation']['high_95']):.3f}]",
              file=sys.stderr)
    n = args.sets
    print(f"| parameter | inside its 95% interval ({n} data sets) |")
    print("|---|---|")
    print(f"| p (spontaneous) | {inside['p']}/{n} = {inside['p'] / n:.0%} |")
    print(f"| q (imitation) | {inside['q']}/{n} = {inside['q'] / n:.0%} |")
    print(f"\n{time.time() - started:.0f} s in all")


if __name__ == "__main__":
    main()
