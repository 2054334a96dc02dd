#!/usr/bin/env python3
"""Side-by-side benchmark of followership against NDlib, cynetdiff and networkx (issue 6).

Run through `bench/run` (which creates the virtual environment and builds followership).
Every tool gets the same inputs, written to bench/work/: an edge list in SNAP format, a per-node
threshold file (`id value`), the initial follower ids. Each peer runs in its own process
(`harness.py worker ...`) so that its peak resident memory can be read with os.wait4; the time of
a peer is measured inside that process around the simulation only (building its graph from the
file is not counted), while the time of followership is the wall time of the whole
`followership run` process (loading the graph from its cache, setting up and writing outputs
included), so the ratios are lower bounds of the engine's advantage.

Semantics (docs/model.md, and bench/README.md for the alignment with each peer):
- an edge `u v` means v sees u; the Barabasi-Albert graphs are undirected (each edge both ways);
- fractional threshold: a person joins when (dancing in-neighbours) / (in-neighbours) >= theta,
  synchronous updates, monotone (NDlib ThresholdModel uses the same `>=` on the same float ratio);
- linear threshold: in-weights 1 / in-degree, thresholds uniform on [0, 1] drawn in every run
  (cynetdiff draws them uniformly on (0, 1) and accumulates float32 weights);
- independent cascade: every new follower gets one chance per out-neighbour, probability p or
  1 / in-degree of the recruit.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
# Where `cargo build --release` put the binary (CARGO_TARGET_DIR moves it; relative to ROOT).
BIN = ROOT / os.environ.get("CARGO_TARGET_DIR", "target") / "release" / "followership"


# --------------------------------------------------------------------------------------------
# Inputs


def write_ba(path: Path, n: int, m: int, seed: int) -> None:
    """A Barabasi-Albert graph, written as an undirected SNAP edge list."""
    import networkx as nx

    if path.exists():
        return
    g = nx.barabasi_albert_graph(n, m, seed=seed)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w") as f:
        f.write(f"# Barabasi-Albert n={n} m={m} seed={seed}; undirected\n# FromNodeId\tToNodeId\n")
        f.write("".join(f"{u}\t{v}\n" for u, v in g.edges()))
    tmp.rename(path)


def write_random_edges(path: Path, nodes: int, edges: int, seed: int) -> None:
    """`edges` random edges among `nodes` nodes, no self-loops, for the loading workload."""
    import numpy as np

    if path.exists():
        return
    rng = np.random.default_rng(seed)
    u = rng.integers(0, nodes, size=edges, dtype=np.int64)
    v = rng.integers(0, nodes - 1, size=edges, dtype=np.int64)
    v = v + (v >= u)  # no self-loops
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w") as f:
        f.write(f"# random edges: {nodes} nodes, {edges} lines, seed {seed}\n")
        np.savetxt(f, np.stack([u, v], axis=1), fmt="%d", delimiter="\t")
    tmp.rename(path)


def read_edges(path: Path):
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            a, b = line.split()
            yield int(a), int(b)


def write_thresholds(path: Path, n: int, low: float, high: float, stubborn: float,
                     seed: int) -> None:
    """Uniform on [low, high], except a share `stubborn` of people at 1.5 (never join)."""
    import random

    rng = random.Random(seed)
    with open(path, "w") as f:
        f.write("# id threshold (fraction of in-neighbours)\n")
        for i in range(n):
            value = 1.5 if rng.random() < stubborn else rng.uniform(low, high)
            f.write(f"{i} {value!r}\n")


def read_thresholds(path: Path) -> dict[int, float]:
    out = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            a, b = line.split()
            out[int(a)] = float(b)
    return out


def top_degree_ids(edge_path: Path, k: int) -> list[int]:
    deg: dict[int, int] = {}
    for u, v in read_edges(edge_path):
        deg[u] = deg.get(u, 0) + 1
        deg[v] = deg.get(v, 0) + 1
    return sorted(deg, key=lambda x: (-deg[x], x))[:k]


# --------------------------------------------------------------------------------------------
# Running processes with their peak memory


# Linux carries a process's peak RSS across fork and exec, so a child of this (large) harness
# would report at least the harness's own peak. GNU time, a small process of its own, starts the
# command afresh and reports the command's peak alone; without it the figure is an upper bound.
GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def run_measured(cmd: list[str], stdout_path: Path) -> tuple[float, float, int]:
    """Runs cmd; returns (wall seconds, peak RSS in MB, exit status)."""
    rss_file = stdout_path.with_suffix(".rss")
    full = [GNU_TIME, "-f", "%M", "-o", str(rss_file)] + cmd if GNU_TIME else cmd
    with open(stdout_path, "w") as out:
        t0 = time.perf_counter()
        p = subprocess.Popen(full, stdout=out, stderr=subprocess.PIPE)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
    err = p.stderr.read().decode() if p.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"command failed ({code}): {' '.join(cmd)}\n{err}")
    rss = ru.ru_maxrss / 1024.0
    if GNU_TIME:
        rss = int(rss_file.read_text().split()[-1]) / 1024.0
        rss_file.unlink()
    return wall, rss, code


def peer(task: dict) -> dict:
    """Runs a peer workload in its own Python process; returns its JSON report plus peak RSS."""
    fd, tpath = tempfile.mkstemp(prefix="task-", suffix=".json", dir=WORK)
    os.close(fd)
    Path(tpath).write_text(json.dumps(task))
    out = Path(tpath).with_suffix(".out")
    _, rss, _ = run_measured([sys.executable, str(Path(__file__).resolve()), "worker", tpath], out)
    report = json.loads(out.read_text())
    report["rss_mb"] = rss
    os.unlink(tpath)
    os.unlink(out)
    return report


def write_scenario(path: Path, name: str, edges: Path, body: str, cache: bool = True) -> None:
    path.write_text(
        f'name = "{name}"\nseed = 1\nreplicates = 1\nmax_ticks = 100000\n\n'
        f'[network]\nkind = "file"\npath = "{edges.resolve()}"\ndirected = false\n'
        f"cache = {'true' if cache else 'false'}\n\n{body}"
    )


def followership(scenario: Path, reps: int, replicates: int, threads: int | None) -> dict:
    """Runs followership `reps` times after one warm-up run (which writes the graph cache)."""
    out_dir = WORK / "out" / scenario.stem
    cmd = [str(BIN), "run", str(scenario), "--replicates", str(replicates), "--json", "--no-plots",
           "--out", str(out_dir)]
    if threads is not None:
        cmd += ["--threads", str(threads)]
    stdout = WORK / f"{scenario.stem}.json"
    run_measured(cmd, stdout)  # warm-up: page cache and the memory-mapped graph cache
    walls, sims, rss = [], [], 0.0
    for _ in range(reps):
        wall, r, _ = run_measured(cmd, stdout)
        walls.append(wall)
        sims.append(json.loads(stdout.read_text())["run"]["simulation_seconds"])
        rss = max(rss, r)
    js = json.loads(stdout.read_text())
    with open(out_dir / "summary.csv") as f:
        finals = [int(row["final_following"]) for row in csv.DictReader(f)]
    final_set = []
    with open(out_dir / "followers.csv") as f:
        final_set = sorted(int(row["id"]) for row in csv.DictReader(f))
    traj = []
    ts = out_dir / "timeseries.csv"
    if ts.exists():
        with open(ts) as f:
            traj = [int(r["following"]) for r in csv.DictReader(f) if r["replicate"] == "0"]
    return {"times": walls, "simulation": sims, "rss_mb": rss, "finals": finals,
            "final_set": final_set, "trajectory": traj,
            "internal_wall": js["run"]["wall_seconds"], "edges": js["run"]["edges"],
            "nodes": js["run"]["nodes"]}


# --------------------------------------------------------------------------------------------
# Peer workloads (run inside `harness.py worker TASK.json`)


def load_nx(path: str, directed: bool):
    import networkx as nx

    g = nx.Graph()
    g.add_edges_from(read_edges(Path(path)))
    return g.to_directed() if directed else g


def w_ndlib_threshold(t: dict) -> dict:
    import ndlib.models.ModelConfig as mc
    import ndlib.models.epidemics as ep

    g = load_nx(t["edges"], directed=False)
    th = read_thresholds(Path(t["thresholds"]))
    times = []
    for _ in range(t["reps"]):
        t0 = time.perf_counter()
        model = ep.ThresholdModel(g)
        config = mc.Configuration()
        for node in g.nodes():
            config.add_node_configuration("threshold", node, th[node])
        config.add_model_initial_configuration("Infected", t["seeds"])
        model.set_initial_status(config)
        traj, last = [], -1
        while True:
            it = model.iteration(node_status=False)
            count = it["node_count"][1]
            if count == last:
                break
            traj.append(count)
            last = count
        times.append(time.perf_counter() - t0)
    final = sorted(u for u, s in model.status.items() if s == 1)
    return {"times": times, "final_count": len(final), "final_set": final, "trajectory": traj}


def w_python_threshold(t: dict) -> dict:
    """The same synchronous cascade in plain Python over a networkx graph (frontier based)."""
    g = load_nx(t["edges"], directed=False)
    th = read_thresholds(Path(t["thresholds"]))
    times = []
    for _ in range(t["reps"]):
        t0 = time.perf_counter()
        active = set(t["seeds"])
        frontier = list(active)
        hits: dict[int, int] = {}
        traj = [len(active)]
        while frontier:
            touched = set()
            for u in frontier:
                for v in g.adj[u]:  # undirected: v sees u
                    if v not in active:
                        hits[v] = hits.get(v, 0) + 1
                        touched.add(v)
            frontier = [v for v in touched if float(hits[v]) / len(g.adj[v]) >= th[v]]
            active.update(frontier)
            if frontier:
                traj.append(len(active))
        times.append(time.perf_counter() - t0)
    return {"times": times, "final_count": len(active), "final_set": sorted(active),
            "trajectory": traj}


def w_cynetdiff(t: dict) -> dict:
    import networkx as nx
    from cynetdiff.utils import (networkx_to_ic_model, networkx_to_lt_model,
                                 set_activation_weighted_cascade)

    g = load_nx(t["edges"], directed=True)
    if t["model"] == "lt":
        model, mapping = networkx_to_lt_model(g, rng=t["seed"])
    elif t["p"] == "in-degree":
        set_activation_weighted_cascade(g)
        model, mapping = networkx_to_ic_model(g, rng=t["seed"])
    else:
        model, mapping = networkx_to_ic_model(g, activation_prob=float(t["p"]), rng=t["seed"])
    model.set_seeds([mapping[s] for s in t["seeds"]])
    del nx
    times, finals = [], []
    for _ in range(t["reps"]):
        finals = []
        t0 = time.perf_counter()
        for _ in range(t["runs"]):
            model.reset_model()
            model.advance_until_completion()
            finals.append(model.get_num_activated_nodes())
        times.append(time.perf_counter() - t0)
    return {"times": times, "finals": finals}


def w_nx_load(t: dict) -> dict:
    import networkx as nx

    times = []
    for _ in range(t["reps"]):
        t0 = time.perf_counter()
        g = nx.read_edgelist(t["edges"], nodetype=int, comments="#")
        times.append(time.perf_counter() - t0)
        nodes, edges = g.number_of_nodes(), g.number_of_edges()
        del g
    return {"times": times, "nodes": nodes, "edges": edges}


WORKERS = {"ndlib_threshold": w_ndlib_threshold, "python_threshold": w_python_threshold,
           "cynetdiff": w_cynetdiff, "nx_load": w_nx_load}


# --------------------------------------------------------------------------------------------
# The workloads


class Table:
    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.checks: list[tuple[str, bool, str]] = []

    def add(self, workload: str, tool: str, times: list[float], rss: float, base: float | None,
            note: str = "") -> float:
        med = statistics.median(times)
        ratio = "1" if base is None else f"{med / base:,.1f}x"
        self.rows.append([workload, tool, f"{med:.4f}", str(len(times)), f"{rss:,.0f}", ratio,
                          note])
        return med

    def check(self, what: str, ok: bool, detail: str) -> None:
        self.checks.append((what, ok, detail))
        print(f"  check {'OK  ' if ok else 'FAIL'} {what}: {detail}", flush=True)

    def render(self) -> str:
        head = ["workload", "tool", "median s", "reps", "peak RSS MB", "peer / followership",
                "note"]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r) + " |" for r in self.rows]
        return "\n".join(lines)


def mean_agrees(a: list[int], b: list[int], sigmas: float = 4.0) -> tuple[bool, str]:
    ma, mb = statistics.fmean(a), statistics.fmean(b)
    va = statistics.pvariance(a) if len(a) > 1 else 0.0
    vb = statistics.pvariance(b) if len(b) > 1 else 0.0
    se = (va / len(a) + vb / len(b)) ** 0.5
    diff = abs(ma - mb)
    ok = diff <= sigmas * se if se > 0 else diff == 0
    return ok, (f"mean {ma:.2f} vs {mb:.2f} (diff {diff:.2f}, {sigmas:g} standard errors = "
                f"{sigmas * se:.2f})")


def workload_threshold(tab: Table, n: int, reps: int, peer_reps: int, with_python: bool) -> None:
    name = f"(1) fractional threshold, BA n={n:,}"
    print(f"== {name}", flush=True)
    edges = WORK / f"ba-{n}.txt"
    write_ba(edges, n, 5, seed=n)
    thr = WORK / f"thresholds-{n}.txt"
    # Thresholds uniform on [0.05, 0.5] give a global cascade from 1% of the people (every
    # edge is touched); 10% of stubborn people (threshold 1.5) make the final set a real test.
    write_thresholds(thr, n, 0.05, 0.5, 0.1, seed=n + 1)
    import random

    seeds = sorted(random.Random(n + 2).sample(range(n), max(1, n // 100)))
    (WORK / f"seeds-{n}.txt").write_text("".join(f"{s}\n" for s in seeds))
    scen = WORK / f"threshold-{n}.toml"
    write_scenario(scen, f"threshold-{n}", edges,
                   f'[people.threshold]\ndistribution = "file"\npath = "{thr.resolve()}"\n\n'
                   '[dynamics]\nrule = "threshold"\nupdate = "synchronous"\n'
                   'social_proof = "fraction"\n\n'
                   f'[initial]\nplacement = "ids"\nids = {seeds}\n')
    f = followership(scen, reps, 1, 1)
    base = tab.add(name, "followership (1 thread)", f["times"], f["rss_mb"], None,
                   f"in-process {f['internal_wall']:.4f} s")
    nd = peer({"kind": "ndlib_threshold", "edges": str(edges), "thresholds": str(thr),
               "seeds": seeds, "reps": peer_reps})
    # NDlib is timed around its simulation only; followership's own timing of its runs
    # (network and thresholds already read) is the like-for-like figure.
    sim = statistics.median(f["simulation"])
    tab.add(name, "NDlib ThresholdModel", nd["times"], nd["rss_mb"], base,
            f"{statistics.median(nd['times']) / sim:,.0f}x vs followership's simulation "
            f"({sim:.4f} s)")
    tab.check(f"{name}: final count followership = NDlib", f["finals"][0] == nd["final_count"],
              f"{f['finals'][0]} vs {nd['final_count']} of {n}")
    tab.check(f"{name}: final set followership = NDlib", f["final_set"] == sorted(nd["final_set"]),
              f"{len(f['final_set'])} vs {len(nd['final_set'])} people")
    traj_f = [x for i, x in enumerate(f["trajectory"]) if i == 0 or x != f["trajectory"][i - 1]]
    tab.check(f"{name}: count after every tick followership = NDlib", traj_f == nd["trajectory"],
              f"{len(traj_f)} vs {len(nd['trajectory'])} ticks")
    if with_python:
        py = peer({"kind": "python_threshold", "edges": str(edges), "thresholds": str(thr),
                   "seeds": seeds, "reps": peer_reps})
        tab.add(name, "plain Python on networkx", py["times"], py["rss_mb"], base)
        tab.check(f"{name}: final set plain Python = NDlib", py["final_set"] == nd["final_set"],
                  f"{py['final_count']} vs {nd['final_count']}")
        tab.check(f"{name}: per-tick counts plain Python = followership",
                  py["trajectory"] == traj_f, f"{len(py['trajectory'])} ticks")


def workload_mc(tab: Table, n: int, runs: int, reps: int, model: str, p: str | None) -> None:
    label = "linear threshold" if model == "lt" else f"independent cascade p={p}"
    name = f"({'2' if model == 'lt' else '3'}) {label}, BA n={n:,}, {runs:,} runs"
    print(f"== {name}", flush=True)
    edges = WORK / f"ba-{n}.txt"
    write_ba(edges, n, 5, seed=n)
    seeds = top_degree_ids(edges, 10)
    if model == "lt":
        body = ('[people.threshold]\ndistribution = "uniform"\nlow = 0.0\nhigh = 1.0\n\n'
                '[dynamics]\nrule = "threshold"\nupdate = "synchronous"\n'
                'social_proof = "fraction"\n\n')
    else:
        prob = '"in-degree"' if p == "in-degree" else p
        body = f'[dynamics]\nrule = "cascade"\nprobability = {prob}\n\n'
    body += f'[initial]\nplacement = "ids"\nids = {seeds}\n\n[output]\ntimeseries = false\n'
    tag = "lt" if model == "lt" else f"ic-{'indeg' if p == 'in-degree' else p}"
    scen = WORK / f"{tag}-{n}.toml"
    write_scenario(scen, f"{tag}-{n}", edges, body)
    f1 = followership(scen, reps, runs, 1)
    base = tab.add(name, "followership (1 thread)", f1["times"], f1["rss_mb"], None,
                   f"in-process {f1['internal_wall']:.4f} s")
    fa = followership(scen, reps, runs, None)
    tab.add(name, f"followership ({os.cpu_count()} threads)", fa["times"], fa["rss_mb"], None,
            f"in-process {fa['internal_wall']:.4f} s")
    cy = peer({"kind": "cynetdiff", "model": model, "p": p, "edges": str(edges), "seeds": seeds,
               "runs": runs, "reps": reps, "seed": 12345})
    peer_s = statistics.median(cy["times"])
    sim1, sima = statistics.median(f1["simulation"]), statistics.median(fa["simulation"])
    tab.add(name, "cynetdiff", cy["times"], cy["rss_mb"], base,
            f"vs all threads {peer_s / statistics.median(fa['times']):.1f}x; vs simulation "
            f"{peer_s / sim1:.1f}x (1 thread), {peer_s / sima:.1f}x (all)")
    ok, detail = mean_agrees(f1["finals"], cy["finals"])
    tab.check(f"{name}: mean final size", ok, detail)


def scaling(sizes: list[int], reps: int) -> str:
    """followership alone: a fractional-threshold cascade on generated Barabasi-Albert graphs
    (5 links per newcomer, so 10 directed edges per person) of growing size. The network is
    generated in the process (no file); the simulation time is the engine's own timing of the
    run, the rest of the wall time is mostly generating the network."""
    rows = ["| directed edges | people | wall s | network s | simulation s | ns per edge "
            "(simulation) | peak RSS MB | bytes per edge (RSS) |", "|" + "---|" * 8]
    for n in sizes:
        print(f"== scaling: BA n={n:,}", flush=True)
        scen = WORK / f"scaling-{n}.toml"
        scen.write_text(
            f'name = "scaling-{n}"\nseed = 1\nreplicates = 1\nmax_ticks = 100000\n\n'
            f'[network]\nkind = "barabasi-albert"\nnodes = {n}\nm = 5\n\n'
            '[people.threshold]\ndistribution = "uniform"\nlow = 0.05\nhigh = 0.5\n\n'
            '[dynamics]\nrule = "threshold"\nupdate = "synchronous"\n'
            'social_proof = "fraction"\n\n'
            f'[initial]\nplacement = "random"\ncount = {max(1, n // 100)}\n\n'
            '[output]\ntimeseries = false\n')
        out_dir = WORK / "out" / scen.stem
        cmd = [str(BIN), "run", str(scen), "--json", "--no-plots", "--threads", "1",
               "--out", str(out_dir)]
        stdout = WORK / f"{scen.stem}.json"
        walls, sims, nets, rss, edges = [], [], [], 0.0, 0
        for _ in range(reps):
            wall, r, _ = run_measured(cmd, stdout)
            js = json.loads(stdout.read_text())["run"]
            walls.append(wall)
            sims.append(js["simulation_seconds"])
            nets.append(js["wall_seconds"] - js["simulation_seconds"])
            rss = max(rss, r)
            edges = js["edges"]
        sim = statistics.median(sims)
        rows.append(f"| {edges:,} | {n:,} | {statistics.median(walls):.3f} | "
                    f"{statistics.median(nets):.3f} | {sim:.4f} | {1e9 * sim / edges:.1f} | "
                    f"{rss:,.0f} | {rss * 2**20 / edges:.1f} |")
    return "\n".join(rows)


def workload_load(tab: Table, edges_n: int, reps: int, peer_reps: int) -> None:
    nodes = max(1000, edges_n // 10)
    name = f"(4) load {edges_n:,}-line edge list"
    print(f"== {name}", flush=True)
    edges = WORK / f"random-{edges_n}.txt"
    write_random_edges(edges, nodes, edges_n, seed=7)
    scen = WORK / f"load-{edges_n}.toml"
    write_scenario(scen, f"load-{edges_n}", edges,
                   '[people.threshold]\ndistribution = "constant"\nvalue = 1.0\n\n'
                   '[initial]\nplacement = "none"\n\n[output]\ntimeseries = false\n',
                   cache=False)
    f = followership(scen, reps, 1, None)
    base = tab.add(name, f"followership ({os.cpu_count()} threads, text, no cache)", f["times"],
                   f["rss_mb"], None, f"{f['edges']:,} directed edges kept")
    nx_ = peer({"kind": "nx_load", "edges": str(edges), "reps": peer_reps})
    tab.add(name, "networkx read_edgelist", nx_["times"], nx_["rss_mb"], base,
            f"{nx_['edges']:,} undirected edges")
    tab.check(f"{name}: same graph size", f["edges"] == 2 * nx_["edges"]
              and f["nodes"] == nx_["nodes"],
              f"followership {f['nodes']:,} nodes / {f['edges']:,} directed edges, networkx "
              f"{nx_['nodes']:,} nodes / {nx_['edges']:,} undirected edges")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smoke", action="store_true", help="tiny sizes, asserting agreement")
    ap.add_argument("--workloads", default="1,2,3,4", help="comma-separated subset of 1,2,3,4")
    ap.add_argument("--reps", type=int, default=None, help="repetitions per measurement")
    ap.add_argument("--big", action="store_true", help="also workload 1 at 10^6 nodes")
    ap.add_argument("--load-edges", type=int, default=10_000_000, help="lines for workload 4")
    ap.add_argument("--scaling", action="store_true",
                    help="followership alone at 1M, 10M and 50M edges (nothing else is run)")
    args = ap.parse_args()
    WORK.mkdir(exist_ok=True)
    wl = {int(x) for x in args.workloads.split(",") if x}
    tab = Table()
    t0 = time.perf_counter()
    if args.scaling:
        sizes = [1000, 10_000] if args.smoke else [100_000, 1_000_000, 5_000_000]
        print()
        print(scaling(sizes, args.reps or (1 if args.smoke else 3)))
        return
    if args.smoke:
        reps = args.reps or 2
        if 1 in wl:
            workload_threshold(tab, 1000, reps, reps, with_python=True)
        if 2 in wl:
            workload_mc(tab, 1000, 20, reps, "lt", None)
        if 3 in wl:
            workload_mc(tab, 1000, 20, reps, "ic", "0.01")
            workload_mc(tab, 1000, 20, reps, "ic", "in-degree")
        if 4 in wl:
            workload_load(tab, 10_000, reps, reps)
    else:
        reps = args.reps or 5
        if 1 in wl:
            workload_threshold(tab, 10_000, reps, 3, with_python=True)
            workload_threshold(tab, 100_000, reps, min(reps, 3), with_python=True)
            if args.big:
                workload_threshold(tab, 1_000_000, reps, 1, with_python=True)
        if 2 in wl:
            workload_mc(tab, 100_000, 1000, min(reps, 3), "lt", None)
        if 3 in wl:
            workload_mc(tab, 100_000, 1000, min(reps, 3), "ic", "0.01")
            workload_mc(tab, 100_000, 1000, min(reps, 3), "ic", "in-degree")
        if 4 in wl:
            workload_load(tab, args.load_edges, min(reps, 3), 1)
    print()
    print(tab.render())
    print(f"\n{sum(ok for _, ok, _ in tab.checks)}/{len(tab.checks)} agreement checks passed; "
          f"{time.perf_counter() - t0:.1f} s")
    if not all(ok for _, ok, _ in tab.checks):
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "worker":
        task = json.loads(Path(sys.argv[2]).read_text())
        print(json.dumps(WORKERS[task.pop("kind")](task)))
    else:
        main()
