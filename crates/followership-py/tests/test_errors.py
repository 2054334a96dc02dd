"""Errors are Python exceptions that keep the engine's message and key path."""

from __future__ import annotations

import subprocess
import sys

import pytest

import followership as fs


def test_an_unknown_builtin_suggests_the_nearest():
    with pytest.raises(fs.ScenarioError, match="hillside") as info:
        fs.Experiment.builtin("hilside")
    assert isinstance(info.value, ValueError)
    # The engine names the library's argument (issue 12), not the CLI's `--builtin`.
    assert info.value.place == "built-in scenario `hilside`"


def test_set_keeps_the_key_path():
    e = fs.Experiment.builtin("hillside")
    with pytest.raises(fs.ScenarioError, match="persistence") as info:
        e.set("leaders.persistance", 80)
    assert "unknown key `persistance`" in info.value.message
    # A value set from code is blamed on its key path, not on a line of the built-in.
    assert info.value.place == "leaders.persistance"
    with pytest.raises(fs.ScenarioError, match="cascade_cutoff") as info:
        e.set("cascade_cutoff", 2.0)
    assert info.value.message.startswith("cascade_cutoff")
    with pytest.raises(fs.ScenarioError):
        e.set("seed", 2**64)
    with pytest.raises(TypeError, match="leaders.persistence"):
        e.set("leaders.persistence", object())
    with pytest.raises(TypeError):
        e.set("leaders.persistence")
    # The experiment itself is unchanged by a failed set.
    assert e.to_toml() == fs.Experiment.builtin("hillside").to_toml()


def test_bad_toml_points_at_the_line():
    with pytest.raises(fs.ScenarioError) as info:
        fs.Experiment.from_toml('name = "x"\nseed = \n')
    assert "2" in info.value.place


def test_from_dict_refuses_what_is_not_a_scenario():
    with pytest.raises(fs.ScenarioError):
        fs.Experiment.from_dict({"name": "x", "network": {"kind": "no-such-kind"}})
    with pytest.raises(fs.ScenarioError):
        fs.Experiment.from_dict({"name": None})


def test_network_problems_are_network_errors():
    with pytest.raises(fs.NetworkError, match="nope"):
        fs.Experiment.builtin("hillside").set("network.kind", "nope")
    with pytest.raises(fs.NetworkError) as info:
        fs.Experiment.builtin("hillside").set("network.nodes", 0).network()
    assert "network" in str(info.value)
    with pytest.raises(fs.ScenarioError, match="cannot read"):
        fs.Experiment.from_file("/no/such/scenario.toml")


def test_leaders_that_do_not_fit_a_given_network():
    # A scenario naming leader 50 does not fit a network of 10 people.
    e = fs.Experiment.builtin("hillside").set({"leaders.placement": "random", "leaders.count": 20})
    with pytest.raises(fs.NetworkError):
        e.with_network(fs.Graph.from_edges([[i, i + 1] for i in range(9)]))


def test_bad_threads_and_replicates():
    e = fs.Experiment.builtin("hillside").set("network.nodes", 100)
    with pytest.raises(fs.ScenarioError, match="thread"):
        e.run(replicates=2, threads=0)
    with pytest.raises(fs.ScenarioError, match="replicates"):
        e.run(replicates=0)


def test_no_error_crashes_the_interpreter():
    # Each bad call in a fresh interpreter: it must end with an exception, not a crash.
    code = """
import numpy as np, followership as fs
bad = [
    lambda: fs.Graph.from_edges(np.array([[0, 2**40]], dtype=np.uint64)).node_count,
    lambda: fs.Experiment.builtin("hillside").with_thresholds(np.array([1.0])).run(replicates=1),
    lambda: fs.Experiment.builtin("hillside").simulation(-1),
    lambda: fs.Experiment.builtin("hillside").set("network.nodes", 100).story(2**70),
    lambda: fs._native.SweepPlan(fs.Experiment.builtin("hillside")._native, "{}", 1),
]
for f in bad:
    try:
        f()
    except Exception as e:
        print(type(e).__name__)
print("alive")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("alive")
