"""Networks from networkx, numpy and scipy keep their labels; per-person values are checked."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import sparse

import followership as fs

# Leaders placed at random, nobody placed by id: fits any network.
ANY_NETWORK = {"leaders.placement": "random", "network.nodes": 100}


def edge_set(G):
    if G.is_directed():
        return {(u, v) for u, v in G.edges()}
    return {frozenset((u, v)) for u, v in G.edges()}


@pytest.mark.parametrize(
    "G",
    [
        nx.karate_club_graph(),
        nx.relabel_nodes(nx.karate_club_graph(), {i: f"person-{i}" for i in range(34)}),
        nx.relabel_nodes(nx.cycle_graph(12), {i: (i, "x") for i in range(12)}),
        nx.gnp_random_graph(60, 0.1, seed=1, directed=True),
        nx.relabel_nodes(nx.path_graph(5), {0: 900, 1: 7, 2: 10**12, 3: 3, 4: 55}),
    ],
    ids=["karate", "strings", "tuples", "directed", "sparse-ints"],
)
def test_networkx_labels_round_trip(G):
    g = fs.Graph.from_networkx(G)
    assert g.node_count == G.number_of_nodes()
    assert g.edge_count == G.number_of_edges()
    assert g.directed == G.is_directed()
    assert set(g.labels) == set(G.nodes)
    back = g.to_networkx()
    assert set(back.nodes) == set(G.nodes)
    assert edge_set(back) == edge_set(G)


def test_weights_and_attributes_survive():
    G = nx.Graph()
    G.add_edge("a", "b", weight=2.5)
    G.add_edge("b", "c")
    g = fs.Graph.from_networkx(G)
    assert g.weighted
    back = g.to_networkx()
    assert back["a"]["b"]["weight"] == 2.5 and back["b"]["c"]["weight"] == 1.0
    assert not fs.Graph.from_networkx(G, weight=None).weighted
    H = nx.path_graph(3)
    for i in H:
        H.nodes[i]["pos"] = (i / 2, 0.5)
        H.nodes[i]["block"] = i % 2
    h = fs.Graph.from_networkx(H, positions="pos", block="block")
    np.testing.assert_allclose(h.positions, [[0, 0.5], [0.5, 0.5], [1, 0.5]])
    assert h.blocks.tolist() == [0, 1, 0]
    assert h.to_networkx().nodes[2]["block"] == 0


def test_runs_on_a_networkx_graph_speak_its_labels():
    G = nx.relabel_nodes(nx.connected_watts_strogatz_graph(200, 8, 0.1, seed=2), lambda i: f"p{i}")
    e = fs.Experiment.builtin("hillside").set(ANY_NETWORK).with_network(G)
    r = e.run(replicates=5, seed=1)
    assert r.graph.node_count == 200
    assert set(r.followers["id"]) <= set(G.nodes)
    assert r.final_set == set(r.followers["id"])
    assert all(isinstance(x, str) for x in r.final_set)
    # The same graph given as a Graph, or its edges as an array, runs the same.
    g = fs.Graph.from_networkx(G)
    same = fs.Experiment.builtin("hillside").set(ANY_NETWORK).with_network(g).run(replicates=5, seed=1)
    pd.testing.assert_frame_equal(r.summary, same.summary)
    assert e.network() is e._graph


def test_from_edges_takes_arrays_without_relabelling_dense_ids():
    rng = np.random.default_rng(0)
    edges = rng.integers(0, 1000, size=(5000, 2))
    g = fs.Graph.from_edges(edges)
    assert g.node_count == 1000
    assert g.labels[:3] == [0, 1, 2]
    G = nx.Graph()
    G.add_nodes_from(range(1000))
    G.add_edges_from(edges.tolist())
    G.remove_edges_from(nx.selfloop_edges(G))
    assert g.edge_count == G.number_of_edges()
    h = fs.Graph.from_networkx(G)
    s1, t1, _ = g.edges()
    s2, t2, _ = h.edges()
    np.testing.assert_array_equal(s1, s2)
    np.testing.assert_array_equal(t1, t2)
    # Weights, one per edge.
    w = fs.Graph.from_edges([[0, 1], [1, 2]], weights=[0.5, 2.0])
    assert w.weighted and w.edges()[2].tolist() == [0.5, 2.0]
    # Nodes beyond the largest id are people without edges.
    assert fs.Graph.from_edges([[0, 1]], nodes=10).node_count == 10


def test_from_edges_reads_any_integer_dtype_and_layout_alike():
    rng = np.random.default_rng(3)
    base = rng.integers(0, 400, size=(3000, 2))
    w = rng.uniform(0.5, 2.0, size=3000)
    want = fs.Graph.from_edges(base, weights=w, directed=True)
    variants = [
        base.astype(np.int32),
        base.astype(np.uint16),
        base.astype(np.uint64),
        np.asfortranarray(base),  # columns contiguous, rows strided
        base.T.copy().T,  # a transposed view
        np.repeat(base, 2, axis=0)[::2],  # every other row of a larger array
    ]
    for v in variants:
        got = fs.Graph.from_edges(v, weights=w, directed=True)
        for a, b in zip(got.edges(), want.edges()):
            np.testing.assert_array_equal(a, b)
        assert got.labels == want.labels
    # The largest id must fit the network; 2**32 - 1 and beyond are labels, relabelled.
    with pytest.raises(fs.NetworkError, match="person 399 is not in a network of 10 people"):
        fs.Graph.from_edges(base, nodes=10)
    big = fs.Graph.from_edges(np.array([[0, 2**32 - 1]], dtype=np.uint64))
    assert big.labels == [0, 2**32 - 1]


def test_from_edges_relabels_other_ids():
    g = fs.Graph.from_edges(np.array([[-5, 10**15], [10**15, 3]]))
    assert g.labels == [-5, 3, 10**15]
    s = fs.Graph.from_edges(np.array([["b", "a"], ["a", "c"]]))
    assert s.labels == ["a", "b", "c"]
    assert {frozenset(e) for e in s.to_networkx().edges()} == {frozenset("ab"), frozenset("ac")}


def test_from_scipy_reads_a_sparse_matrix():
    G = nx.gnp_random_graph(80, 0.08, seed=3)
    A = nx.to_scipy_sparse_array(G, format="csr")
    g = fs.Graph.from_scipy(A)
    assert not g.directed and not g.weighted
    assert g.edge_count == G.number_of_edges()
    D = sparse.csr_matrix(np.array([[0, 2.0, 0], [0, 0, 1.0], [0, 0, 0]]))
    d = fs.Graph.from_scipy(D, labels=["x", "y", "z"])
    assert d.directed and d.weighted
    assert set(d.to_networkx().edges(data="weight")) == {("x", "y", 2.0), ("y", "z", 1.0)}


def test_bad_edges_are_network_errors():
    with pytest.raises(fs.NetworkError, match=r"\(m, 2\)"):
        fs.Graph.from_edges(np.zeros((3, 3), dtype=int))
    with pytest.raises(fs.NetworkError, match="person 5 is not in a network of 3"):
        fs.Graph.from_edges([[0, 5]], nodes=3)
    with pytest.raises(fs.NetworkError, match="weights"):
        fs.Graph.from_edges([[0, 1]], weights=[1.0, 2.0])
    with pytest.raises(fs.NetworkError, match="weights\\[0\\]"):
        fs.Graph.from_edges([[0, 1]], weights=[-1.0])
    with pytest.raises(fs.NetworkError, match="floats"):
        fs.Graph.from_edges(np.array([[0.5, 1.0]]))
    with pytest.raises(fs.NetworkError, match="unit square"):
        fs.Graph.from_edges([[0, 1]], positions=[[0, 0], [2, 0]])
    assert issubclass(fs.NetworkError, fs.ScenarioError)
    assert issubclass(fs.ScenarioError, ValueError)


def test_per_person_values_by_label_or_array_are_checked_and_used():
    G = nx.relabel_nodes(nx.connected_watts_strogatz_graph(120, 6, 0.1, seed=5), lambda i: f"p{i}")
    e = fs.Experiment.builtin("hillside").set(ANY_NETWORK).with_network(G)
    g = e.network()
    n = g.node_count
    # Nobody can reach a threshold of 1e9, and nobody dances on a whim: nobody follows.
    stubborn = e.set("dynamics.spontaneous", 0.0).with_thresholds({x: 1e9 for x in G.nodes})
    assert stubborn.run(replicates=3).summary["final_following"].eq(0).all()
    # A dict and the array in dense-id order are the same thresholds.
    rng = np.random.default_rng(1)
    values = rng.uniform(0.5, 3.0, n)
    by_label = {g.label(i): values[i] for i in range(n)}
    a = e.with_thresholds(values).run(replicates=4, seed=2).summary
    b = e.with_thresholds(by_label).run(replicates=4, seed=2).summary
    c = e.with_thresholds(pd.Series(by_label)).run(replicates=4, seed=2).summary
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)
    with pytest.raises(fs.ScenarioError, match="119 values given for a network of 120") as info:
        e.with_thresholds(values[:-1])
    assert info.value.place == "thresholds"
    with pytest.raises(fs.ScenarioError, match=r"thresholds\[3\]") as info:
        e.with_thresholds(np.where(np.arange(n) == 3, np.nan, 1.0))
    assert "finite" in info.value.message
    missing = dict(by_label)
    missing.pop("p7")
    with pytest.raises(fs.ScenarioError, match="p7"):
        e.with_thresholds(missing)
    with pytest.raises(fs.ScenarioError, match="not a person"):
        e.with_thresholds({**by_label, "stranger": 1.0})
    with pytest.raises(fs.ScenarioError, match="1-d"):
        e.with_thresholds(np.ones((n, 2)))
    trusting = e.set("trust.floor", 0.2).with_initial_trust(np.ones(n))
    assert len(trusting.run(replicates=2).summary) == 2
    with pytest.raises(fs.ScenarioError, match=r"initial trust\[0\]"):
        e.set("trust.floor", 0.2).with_initial_trust(np.full(n, 2.0))


def test_scenario_network_carries_positions():
    g = fs.Experiment.builtin("hillside").set("network.nodes", 200).network()
    assert g.node_count == 200
    assert g.positions.shape == (200, 2)
    assert g.labels == list(range(200))


def test_graphs_and_experiments_pickle():
    import pickle

    G = nx.relabel_nodes(nx.cycle_graph(30), lambda i: f"n{i}")
    e = fs.Experiment.builtin("hillside").set(ANY_NETWORK).with_network(G).with_thresholds(np.full(30, 1.5))
    again = pickle.loads(pickle.dumps(e))
    assert again.network().labels == e.network().labels
    pd.testing.assert_frame_equal(again.run(replicates=3).summary, e.run(replicates=3).summary)
