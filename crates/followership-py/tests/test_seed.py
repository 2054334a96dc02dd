"""Whom to recruit first, from Python: the seeds and estimates of `followership seed`, in the
graph's labels."""

from __future__ import annotations

import copy
import json
import pickle

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import followership as fs


def cli_seed(run_cli, tmp_path, *args):
    out = run_cli("seed", "--builtin", "independent-cascade", "--set", "network.nodes=800", *args, "--json", "--no-plots", "--out", str(tmp_path / "cli"))
    return json.loads(out)["strategies"]


def test_seeds_and_estimates_are_those_of_the_cli(run_cli, tmp_path):
    e = fs.Experiment.builtin("independent-cascade").set("network.nodes", 800)
    r = e.seed(k=5, runs=60, threads=2)
    assert r.strategy == "opim", "the scenario's default strategy: OPIM-C on an independent cascade"
    (cli,) = cli_seed(run_cli, tmp_path, "--k", "5", "--runs", "60")
    assert r.seeds == cli["seeds"]
    assert r.estimate == pytest.approx(cli["expected_final_size"], abs=1e-9)
    assert list(r.ci) == pytest.approx(cli["ci"], abs=1e-9)
    assert r.table.loc[0, "rr_sets"] == cli["rr_sets"]
    assert r.ci[0] <= r.estimate <= r.ci[1]
    # Compared, every strategy on the same runs, as `--compare` does.
    c = e.seed(k=3, compare=True, runs=30, celf_runs=10, candidates=40)
    cli_all = cli_seed(run_cli, tmp_path, "--k", "3", "--compare", "--runs", "30", "--celf-runs", "10", "--candidates", "40")
    assert c.table["strategy"].tolist() == [s["strategy"] for s in cli_all]
    assert c.table["seeds"].tolist() == [s["seeds"] for s in cli_all]
    np.testing.assert_allclose(c.table["expected_final_size"], [s["expected_final_size"] for s in cli_all])


def test_seeds_speak_networkx_labels():
    G = nx.relabel_nodes(nx.barabasi_albert_graph(300, 3, seed=5), {i: f"p{i}" for i in range(300)})
    e = fs.Experiment.builtin("independent-cascade").with_network(G)
    r = e.seed(k=4, strategy="degree", runs=20)
    assert len(r.seeds) == 4 and all(s in G for s in r.seeds)
    # The four of highest degree.
    top = sorted(G.degree, key=lambda d: -d[1])[:4]
    assert {d for _, d in top} == {G.degree[s] for s in r.seeds}
    several = e.seed(k=2, strategy=["degree", "random"], runs=20)
    assert several.table["strategy"].tolist() == ["degree", "random"]
    assert several.seeds == several.table.loc[0, "seeds"]


def test_seed_is_the_scenario_seed_and_calling_it_recruits():
    e = fs.Experiment.builtin("independent-cascade").set({"network.nodes": 300, "seed": 41})
    assert e.seed == 41 and isinstance(e.seed, int) and e.seed + 1 == 42
    assert e.with_seed(e.seed + 1).seed == 42
    called = e.seed(k=3, strategy="degree", runs=10)
    assert called.table.equals(e.recruit(k=3, strategy="degree", runs=10).table.drop(columns="seconds").assign(seconds=called.table["seconds"]))


def test_the_seed_behaves_as_an_int_and_pickles_as_one():
    e = fs.Experiment.builtin("hillside").set("seed", 2009)
    s = e.seed
    assert repr(s) == str(s) == f"{s}" == "2009" and f"{s:x}" == "7d9" and "%d" % s == "2009"
    assert s == 2009 and hash(s) == hash(2009) and {2009: "a"}[s] == "a" and {s: "b"}[2009] == "b"
    assert s < 2010 and bool(s) and float(s) == 2009.0 and json.dumps({"seed": s}) == '{"seed": 2009}'
    for value in (s + 1, s - 1, s * 2, s // 2, -s, abs(s), s << 1, s % 7, int(s)):
        assert type(value) is int, "arithmetic gives plain ints"
    assert (s + 1, s * 2, s % 7) == (2010, 4018, 2009 % 7)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(s, protocol=protocol))
        assert type(back) is int and back == 2009
    assert type(copy.copy(s)) is int and type(copy.deepcopy({"s": s})["s"]) is int
    # An experiment shipped to a Dask worker keeps its seed.
    back = pickle.loads(pickle.dumps(e))
    assert back.seed == 2009 and back.to_toml() == e.to_toml()
    assert back.with_seed(back.seed + 1).seed == 2010
    # The next seed runs other replicates, the same seed the same ones.
    one = e.set("network.nodes", 200).run(replicates=3)
    assert one.summary.equals(e.set("network.nodes", 200).with_seed(e.seed).run(replicates=3).summary)
    nxt = e.set("network.nodes", 200).with_seed(e.seed + 1).run(replicates=3)
    assert nxt.experiment.seed == 2010 and not nxt.summary.equals(one.summary)
    # numpy and pandas take it as a number (pandas calls a callable key with the frame).
    assert np.array([s]).dtype == np.int64 and np.random.default_rng(s).integers(1 << 30) == np.random.default_rng(2009).integers(1 << 30)
    frame = pd.DataFrame({"x": [1.0, 2.0]}, index=[2009, 2010])
    assert frame.loc[s, "x"] == 1.0 and frame["x"].loc[s] == 1.0 and frame.loc[s + 1, "x"] == 2.0
    assert e.set("seed", e.seed).seed == 2009, "given back as a scenario value"


def test_bad_requests_are_scenario_errors():
    e = fs.Experiment.builtin("independent-cascade").set("network.nodes", 200)
    with pytest.raises(fs.ScenarioError, match="no strategy named `magic`"):
        e.seed(k=3, strategy="magic")
    with pytest.raises(fs.ScenarioError, match="k = 0"):
        e.seed(k=0)
    with pytest.raises(fs.ScenarioError, match="IMM applies to the independent cascade"):
        fs.Experiment.builtin("hillside").set("network.nodes", 200).seed(k=2, strategy="imm", runs=5)
