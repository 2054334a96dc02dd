"""Whom to recruit first, from Python: the seeds and estimates of `followership seed`, in the
graph's labels."""

from __future__ import annotations

import json
import pickle

import networkx as nx
import numpy as np
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


def test_seed_recruits_and_random_seed_is_the_scenarios():
    e = fs.Experiment.builtin("independent-cascade").set({"network.nodes": 300, "seed": 41})
    assert e.random_seed == 41 and type(e.random_seed) is int
    assert e.with_seed(e.random_seed + 1).random_seed == 42
    called = e.seed(k=3, strategy="degree", runs=10)
    again = e.recruit(k=3, strategy="degree", runs=10)
    assert called.seeds == again.seeds and called.estimate == again.estimate


def test_an_experiment_pickles_with_its_seed():
    e = fs.Experiment.builtin("hillside").set("seed", 2009)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(e, protocol=protocol))
        assert back.random_seed == 2009 and back.to_toml() == e.to_toml()
    # The next seed runs other replicates, the same seed the same ones.
    one = e.set("network.nodes", 200).run(replicates=3)
    assert one.summary.equals(e.set("network.nodes", 200).with_seed(e.random_seed).run(replicates=3).summary)
    nxt = e.set("network.nodes", 200).with_seed(e.random_seed + 1).run(replicates=3)
    assert nxt.experiment.random_seed == 2010 and not nxt.summary.equals(one.summary)
    assert e.set("seed", e.random_seed).random_seed == 2009, "given back as a scenario value"


def test_bad_requests_are_scenario_errors():
    e = fs.Experiment.builtin("independent-cascade").set("network.nodes", 200)
    with pytest.raises(fs.ScenarioError, match="no strategy named `magic`"):
        e.seed(k=3, strategy="magic")
    with pytest.raises(fs.ScenarioError, match="k = 0"):
        e.seed(k=0)
    with pytest.raises(fs.ScenarioError, match="IMM applies to the independent cascade"):
        fs.Experiment.builtin("hillside").set("network.nodes", 200).seed(k=2, strategy="imm", runs=5)
