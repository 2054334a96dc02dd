#!/usr/bin/env python3
"""Whom to recruit first, side by side (issue 16): followership's seeding against a plain-Python
IMM, on the same Barabasi-Albert network, every seed set judged by one evaluator.

    cargo build --release -p followership-cli
    python3 bench/seeding.py                              # BA 100,000, k = 50, both cascades
    python3 bench/seeding.py --nodes 1000000 --no-python  # followership alone at 10^6
    python3 bench/seeding.py --smoke                      # tiny, a few seconds

Needs only Python 3 (no packages) and GNU time (/usr/bin/time) for peak memory. Inputs and
outputs go to bench/work/seeding/. No reference C++ tool (the original IMM, OPIM-C, SUBSIM) is
fetched or built here; compare them by hand on the edge list this script writes.

What is measured, per cascade (weighted cascade p = 1/in-degree of the recruit, a uniform p
such as 0.01, and `trivalency`: every edge's probability drawn from 0.1, 0.01 and 0.001 and
written as its weight, the usual benchmark of arbitrary per-edge probabilities):
- followership: the whole `followership seed` process (reading the edge list from its binary
  cache after a warm-up, choosing, one Monte-Carlo run of evaluation) with each strategy and
  thread count; wall time, peak RSS (GNU time) and the number of RR sets (JSON output).
- plain Python: IMM (Tang, Xiao and Shi 2015) in this file, the same estimation and selection
  phases (fresh sets for the selection, as followership does), sets sampled by a reverse
  breadth-first search flipping one coin per in-edge, greedy coverage with a lazy heap; run in
  its own process for its peak memory.
- spread: every seed set is evaluated by the same `followership run` with the seeds as initial
  followers over --eval-runs replicates (the same runs for every set: common random numbers).
"""

from __future__ import annotations

import argparse
import heapq
import json
import math
import os
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work" / "seeding"
BIN = ROOT / os.environ.get("CARGO_TARGET_DIR", "target") / "release" / "followership"
GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def write_ba(path: Path, n: int, m: int, seed: int) -> None:
    """A Barabasi-Albert graph (preferential attachment by a list of edge ends), undirected,
    written as a SNAP edge list; deterministic for (n, m, seed)."""
    if path.exists():
        return
    rng = random.Random(seed)
    ends: list[int] = []
    lines = [f"# Barabasi-Albert n={n} m={m} seed={seed}; undirected\n"]
    for v in range(m + 1):  # a small clique to start from
        for u in range(v):
            lines.append(f"{u}\t{v}\n")
            ends += (u, v)
    for v in range(m + 1, n):
        targets: set[int] = set()
        while len(targets) < m:
            targets.add(ends[rng.randrange(len(ends))])
        for u in targets:
            lines.append(f"{u}\t{v}\n")
            ends += (u, v)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(lines))
    tmp.rename(path)


TRIVALENCY = (0.1, 0.01, 0.001)


def write_trivalency(plain: Path, path: Path, seed: int) -> None:
    """`plain` with a third column: each edge's probability, drawn from TRIVALENCY."""
    if path.exists():
        return
    rng = random.Random(seed)
    lines = []
    for line in plain.read_text().splitlines():
        if line.startswith("#"):
            lines.append(line + "; weights: trivalency (0.1, 0.01, 0.001)\n")
        else:
            lines.append(f"{line}\t{rng.choice(TRIVALENCY)}\n")
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(lines))
    tmp.rename(path)


def run_measured(cmd: list[str]) -> tuple[float, float, str]:
    """Runs cmd; returns (wall seconds, peak RSS in MB by GNU time, stdout)."""
    rss_file = WORK / "rss.txt"
    full = [GNU_TIME, "-f", "%M", "-o", str(rss_file)] + cmd if GNU_TIME else cmd
    t0 = time.perf_counter()
    p = subprocess.run(full, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"command failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    rss = float("nan")
    if GNU_TIME:
        rss = int(rss_file.read_text().split()[-1]) / 1024.0
    return wall, rss, p.stdout


def scenario(path: Path, edges: Path, probability: str, ids: list[int] | None = None,
             replicates: int = 1) -> Path:
    initial = f'placement = "ids"\nids = {ids}\n' if ids is not None else 'placement = "none"\n'
    path.write_text(
        f'name = "{path.stem}"\nseed = 7\nreplicates = {replicates}\n\n'
        f'[network]\nkind = "file"\npath = "{edges.resolve()}"\ndirected = false\n\n'
        f'[dynamics]\nrule = "cascade"\nprobability = {probability}\n\n'
        f"[initial]\n{initial}\n[output]\ntimeseries = false\n"
    )
    return path


# --------------------------------------------------------------------------------------------
# Plain-Python IMM (run as `seeding.py imm EDGES P K EPSILON`)


def ln_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def python_imm(edges: Path, p: str, k: int, eps: float, seed: int = 1) -> dict:
    t0 = time.perf_counter()
    labels: dict[int, int] = {}
    inn: list[list[int]] = []
    # Per in-edge probabilities, aligned with inn, when the edges carry them.
    inp: list[list[float]] = []

    def node(x: int) -> int:
        v = labels.get(x)
        if v is None:
            v = labels[x] = len(inn)
            inn.append([])
            inp.append([])
        return v

    with open(edges) as f:
        for line in f:
            if line.startswith("#"):
                continue
            a, b, *weight = line.split()
            u, v = node(int(a)), node(int(b))
            inn[v].append(u)  # undirected: each edge both ways
            inn[u].append(v)
            if weight:
                inp[v].append(float(weight[0]))
                inp[u].append(float(weight[0]))
    n = len(inn)
    load = time.perf_counter() - t0
    rng = random.Random(seed)
    rand = rng.random
    uniform = None if p in ('"in-degree"', '"weight"') else float(p)
    by_weight = p == '"weight"'

    def rr_set() -> list[int]:
        root = rng.randrange(n)
        seen = {root}
        out = [root]
        i = 0
        while i < len(out):
            w = out[i]
            i += 1
            nb = inn[w]
            if by_weight:
                for u, q in zip(nb, inp[w]):
                    if u not in seen and rand() < q:
                        seen.add(u)
                        out.append(u)
                continue
            q = uniform if uniform is not None else 1.0 / len(nb)
            for u in nb:
                if u not in seen and rand() < q:
                    seen.add(u)
                    out.append(u)
        return out

    def greedy(sets: list[list[int]]) -> tuple[list[int], int]:
        index: list[list[int]] = [[] for _ in range(n)]
        for s, members in enumerate(sets):
            for v in members:
                index[v].append(s)
        count = [len(x) for x in index]
        heap = [(-c, v) for v, c in enumerate(count)]
        heapq.heapify(heap)
        done = [False] * len(sets)
        seeds, covered = [], 0
        while len(seeds) < k and heap:
            c, v = heapq.heappop(heap)
            if -c != count[v]:
                heapq.heappush(heap, (-count[v], v))
                continue
            seeds.append(v)
            for s in index[v]:
                if not done[s]:
                    done[s] = True
                    covered += 1
                    for u in sets[s]:
                        count[u] -= 1
        return seeds, covered

    # IMM's two phases, with the constants of followership's rr::imm.
    ell = 1.0 * (1 + math.log(2) / math.log(n))
    lcnk = ln_choose(n, k)
    eps_p = math.sqrt(2) * eps
    lam_p = (2 + 2 / 3 * eps_p) * (lcnk + ell * math.log(n) + math.log(math.log2(n))) * n / eps_p**2
    e1 = 1 - 1 / math.e
    alpha = math.sqrt(ell * math.log(n) + math.log(2))
    beta = math.sqrt(e1 * (lcnk + ell * math.log(n) + math.log(2)))
    lam_star = 2 * n * (e1 * alpha + beta) ** 2 / eps**2
    lb, sets, sampled = 1.0, [], 0
    for i in range(1, max(1, math.ceil(math.log2(n) - 1)) + 1):
        x = n / 2**i
        theta_i = math.ceil(lam_p / x)
        while len(sets) < theta_i:
            sets.append(rr_set())
        _, covered = greedy(sets)
        if n * covered / len(sets) >= (1 + eps_p) * x:
            lb = n * covered / len(sets) / (1 + eps_p)
            break
    sampled += len(sets)
    theta = math.ceil(lam_star / lb)
    sets = [rr_set() for _ in range(theta)]
    sampled += theta
    seeds, covered = greedy(sets)
    back = {v: x for x, v in labels.items()}
    return {"seeds": [back[v] for v in seeds], "rr_sets": sampled, "estimate": n * covered / theta,
            "load_seconds": load, "seconds": time.perf_counter() - t0}


# --------------------------------------------------------------------------------------------


def evaluate(edges: Path, p: str, tag: str, seeds: list[int], runs: int) -> str:
    """The mean final size over `runs` runs with `seeds` as initial followers, with the
    half-width of its 95% interval."""
    scen = scenario(WORK / f"eval-{tag}.toml", edges, p, ids=seeds, replicates=runs)
    out = subprocess.run([str(BIN), "run", str(scen), "--json", "--no-plots", "--out",
                          str(WORK / f"eval-{tag}")], capture_output=True, text=True, check=True)
    v = json.loads(out.stdout)
    n = int(v["run"]["nodes"])
    lo, hi = v["summary"]["final_fraction_ci"]
    return f'{float(v["summary"]["final_fraction_mean"]) * n:.1f} +- {(hi - lo) / 2 * n:.1f}'


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "imm":
        _, _, edges, p, k, eps = sys.argv
        print(json.dumps(python_imm(Path(edges), p, int(k), float(eps))))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--m", type=int, default=5)
    ap.add_argument("--k", type=int, default=50)
    ap.add_argument("--epsilon", type=float, default=0.1)
    ap.add_argument("--python-epsilon", type=float, default=None,
                    help="epsilon of the Python IMM (default: --epsilon)")
    ap.add_argument("--python-cascades", default=None,
                    help="the cascades the Python IMM runs on (default: all of --cascades)")
    ap.add_argument("--cascades", default='"in-degree",0.01',
                    help='comma-separated probabilities: "in-degree" (weighted cascade), a number, '
                         'or trivalency (per-edge probabilities 0.1, 0.01, 0.001 as weights)')
    ap.add_argument("--strategies", default="imm,opim",
                    help="comma-separated; opim@S gives opim a time budget of S seconds")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--eval-runs", type=int, default=200)
    ap.add_argument("--no-python", action="store_true")
    ap.add_argument("--smoke", action="store_true", help="tiny sizes")
    a = ap.parse_args()
    if a.smoke:
        a.nodes, a.k, a.eval_runs, a.epsilon = 2000, 5, 50, 0.3
    if not BIN.exists():
        sys.exit(f"{BIN} is missing: cargo build --release -p followership-cli")
    WORK.mkdir(parents=True, exist_ok=True)
    edges = WORK / f"ba-{a.nodes}-{a.m}.txt"
    t = time.perf_counter()
    write_ba(edges, a.nodes, a.m, seed=42)
    print(f"network: BA n={a.nodes:,} m={a.m} ({edges}, {time.perf_counter() - t:.1f} s); "
          f"k = {a.k}, epsilon = {a.epsilon}; spreads over {a.eval_runs} runs of "
          f"`followership run`", flush=True)
    print("| cascade | tool | threads | wall s | peak RSS MB | RR sets | own estimate | spread (evaluator, 95% CI) |")
    print("|---|---|---|---|---|---|---|---|")
    for p in a.cascades.split(","):
        name = "WC 1/in-degree" if "degree" in p else f"IC p = {p}"
        cascade_edges, asked = edges, p
        if p == "trivalency":
            name, p = "IC trivalency (0.1, 0.01, 0.001)", '"weight"'
            cascade_edges = WORK / f"ba-{a.nodes}-{a.m}-trivalency.txt"
            write_trivalency(edges, cascade_edges, seed=43)
        scen = scenario(WORK / "seed.toml", cascade_edges, p)
        # Warm-up: writes the edge list's binary cache, so no timed run parses text.
        subprocess.run([str(BIN), "seed", str(scen), "--k", "1", "--strategy", "degree", "--runs", "1",
                        "--json", "--no-plots", "--out", str(WORK / "warm")], check=True,
                       capture_output=True)
        for strategy in a.strategies.split(","):
            for threads in a.threads.split(","):
                name_, _, budget = strategy.partition("@")
                cmd = [str(BIN), "seed", str(scen), "--k", str(a.k), "--strategy", name_,
                       "--epsilon", str(a.epsilon), "--threads", threads, "--runs", "1",
                       "--json", "--no-plots", "--out", str(WORK / "out")]
                cmd += ["--time-budget", budget] if budget else []
                wall, rss, out = run_measured(cmd)
                r = json.loads(out)["strategies"][0]
                spread = evaluate(cascade_edges, p, "f", r["seeds"], a.eval_runs)
                extra = f" (guarantee {r['guarantee']:.3f})" if r.get("guarantee") else ""
                print(f"| {name} | followership {strategy}{extra} | {threads} | {wall:.2f} | {rss:.0f} | "
                      f"{r['rr_sets']:,} | {r['own_estimate']:.1f} | {spread} |", flush=True)
        if not a.no_python and (a.python_cascades is None or asked in a.python_cascades.split(",")):
            eps = a.python_epsilon or a.epsilon
            wall, rss, out = run_measured([sys.executable, __file__, "imm", str(cascade_edges), p, str(a.k),
                                           str(eps)])
            r = json.loads(out)
            spread = evaluate(cascade_edges, p, "py", r["seeds"], a.eval_runs)
            print(f"| {name} | plain-Python IMM (epsilon {eps}; {r['load_seconds']:.1f} s reading) | 1 | "
                  f"{wall:.2f} | {rss:.0f} | {r['rr_sets']:,} | {r['estimate']:.1f} | {spread} |",
                  flush=True)


if __name__ == "__main__":
    main()
