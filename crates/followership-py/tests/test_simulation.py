"""A simulation stepped tick by tick records what running the replicate does."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import followership as fs


@pytest.mark.parametrize("name", ["hillside", "broken-promise", "watts-cascade"])
def test_stepping_equals_running(name):
    e = fs.Experiment.builtin(name).set("network.nodes", 600).with_seed(9)
    result = e.run(replicates=3)
    for r in range(3):
        sim = e.simulation(replicate=r)
        assert sim.tick == 0 and sim.replicate == r
        ticks = []
        for t in sim:
            assert t["tick"] == sim.tick
            status = sim.status
            assert status.dtype == np.int8 and len(status) == sim.graph.node_count
            assert int((status == fs.Status.FOLLOWING).sum()) == t["following"] == sim.following
            ticks.append(t)
        assert sim.over and sim.step() is None
        ts = result.timeseries[result.timeseries["replicate"] == r].iloc[1:]
        assert [t["tick"] for t in ticks] == ts["tick"].tolist()
        assert [t["following"] for t in ticks] == ts["following"].tolist()
        assert [t["mean_trust"] for t in ticks] == ts["mean_trust"].tolist()
        outcome = sim.finish()
        row = result.summary.iloc[r]
        assert outcome["final_fraction"] == row["final_fraction"]
        assert outcome["ticks"] == row["ticks"]
        assert outcome["cascaded"] == row["cascaded"]
        first = row["first_follower_tick"]
        assert outcome["first_follower_tick"] == (None if first is pd.NA else first)


def test_state_between_ticks():
    e = fs.Experiment.builtin("broken-promise").set("network.nodes", 400)
    sim = e.simulation(0)
    assert sim.trust is not None and sim.trust.shape == (400,)
    assert ((sim.trust >= 0) & (sim.trust <= 1)).all()
    leaders = sim.leaders
    assert len(leaders) >= 1
    assert all(sim.status[sim.graph.index(x)] == fs.Status.LEADING for x in leaders)
    first = sim.step()
    assert first["tick"] == 1
    outcome = sim.run()
    assert outcome["ticks"] >= 1
    with pytest.raises(RuntimeError, match="finished"):
        sim.status
    no_trust = fs.Experiment.builtin("hillside").set("network.nodes", 200).simulation(0)
    assert no_trust.trust is None
    assert "tick 0" in repr(no_trust)


def test_a_simulation_on_a_networkx_graph_speaks_its_labels():
    import networkx as nx

    G = nx.relabel_nodes(nx.connected_watts_strogatz_graph(150, 8, 0.1, seed=4), lambda i: f"v{i}")
    e = fs.Experiment.builtin("hillside").set({"leaders.placement": "random"}).with_network(G)
    sim = e.simulation(1)
    for _ in sim:
        pass
    assert set(sim.followers) <= set(G.nodes)
    assert all(x in G for x in sim.leaders)
