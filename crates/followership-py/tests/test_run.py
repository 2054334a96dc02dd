"""Runs from Python give the very numbers of the CLI for the same scenario and seed."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

import followership as fs

CASES = [
    # (built-in, overrides that keep it small)
    ("hillside", {"network.nodes": 500}),
    ("broken-promise", {"network.nodes": 500}),
    ("watts-cascade", {"network.nodes": 2000}),  # each replicate draws its own network
    ("granovetter-riot", {}),
    ("middle-out", {}),  # an organisation: per-block columns in the summary
]


def cli_run(run_cli, tmp_path, name, overrides, replicates, seed):
    out = tmp_path / name
    args = ["run", "--builtin", name, "--replicates", str(replicates), "--seed", str(seed)]
    for k, v in overrides.items():
        args += ["--set", f"{k}={v}"]
    run_cli(*args, "--out", str(out), "--quiet", "--no-plots")
    return out


def same_frame(py: pd.DataFrame, csv: pd.DataFrame) -> None:
    assert list(py.columns) == list(csv.columns)
    assert len(py) == len(csv)
    for c in py.columns:
        a = py[c].astype("float64").to_numpy(na_value=np.nan) if py[c].dtype != object else py[c].to_numpy()
        b = csv[c].astype("float64").to_numpy() if csv[c].dtype != object else csv[c].to_numpy()
        np.testing.assert_array_equal(a, b, err_msg=c)


@pytest.mark.parametrize("name,overrides", CASES)
def test_run_gives_the_numbers_of_the_cli(run_cli, tmp_path, name, overrides):
    replicates = 8 if name != "granovetter-riot" else 3
    out = cli_run(run_cli, tmp_path, name, overrides, replicates, seed=7)
    e = fs.Experiment.builtin(name).set(overrides)
    result = e.run(replicates=replicates, seed=7, threads=2)
    same_frame(result.summary, pd.read_csv(out / "summary.csv"))
    if (out / "timeseries.csv").exists():
        same_frame(result.timeseries, pd.read_csv(out / "timeseries.csv"))
    same_frame(result.followers, pd.read_csv(out / "followers.csv"))
    assert result.final_set == set(pd.read_csv(out / "followers.csv")["id"])
    # The summary's types: whole numbers stay whole, missing ticks are <NA>.
    assert result.summary["final_following"].dtype == np.int64
    assert str(result.summary["first_follower_tick"].dtype) == "Int64"
    assert result.summary["cascaded"].dtype == bool
    if name == "middle-out":
        blocks = [c for c in result.summary.columns if c.startswith("final_fraction_block_")]
        assert blocks == ["final_fraction_block_0", "final_fraction_block_1", "final_fraction_block_2"]
        assert result.summary[blocks].to_numpy().max() > 0, "the movement reaches some block"


def test_threads_never_change_the_results():
    e = fs.Experiment.builtin("hillside").set("network.nodes", 400)
    one = e.run(replicates=10, seed=3, threads=1)
    two = e.run(replicates=10, seed=3, threads=2)
    pd.testing.assert_frame_equal(one.summary, two.summary)
    pd.testing.assert_frame_equal(one.timeseries, two.timeseries)
    other = e.run(replicates=10, seed=4, threads=2)
    assert not one.summary.equals(other.summary), "another seed gives other runs"


def test_story_is_the_cli_story(run_cli):
    text = run_cli("story", "--builtin", "hillside", "--set", "network.nodes=400", "--replicate", "3")
    e = fs.Experiment.builtin("hillside").set("network.nodes", 400)
    assert e.story(3) == text
    assert e.run(replicates=4).story(3) == text


def test_result_shows_itself_in_a_notebook():
    r = fs.Experiment.builtin("hillside").set("network.nodes", 300).run(replicates=5)
    page = r._repr_html_()
    assert "<svg" in page and "cascade probability" in page and "hillside" in page
    assert r.stats["replicates"] == 5
    assert "5 runs" in repr(r)
    empty = fs.Experiment.builtin("hillside").set("network.nodes", 300).run(replicates=2, timeseries=False)
    assert empty.timeseries.empty and len(empty.summary) == 2


def test_scenarios_and_toml_round_trip():
    names = fs.scenarios()
    assert "hillside" in names and "watts-cascade" in names
    e = fs.Experiment.builtin("hillside").set(leaders__persistence=50, seed=3)
    again = fs.Experiment.from_toml(e.to_toml())
    assert again.to_toml() == e.to_toml()
    assert "persistence = 50" in e.to_toml()
    assert e.random_seed == 3
    a = e.set("network.nodes", 300).run(replicates=3)
    b = again.set("network.nodes", 300).run(replicates=3)
    pd.testing.assert_frame_equal(a.summary, b.summary)


def test_from_dict_and_from_file_are_the_same_scenario(small_file):
    import tomllib

    with open(small_file, "rb") as f:
        mapping = tomllib.load(f)
    a = fs.Experiment.from_dict(mapping)
    b = fs.Experiment.from_file(small_file)
    assert a.to_toml() == b.to_toml()
    pd.testing.assert_frame_equal(a.run().summary, b.run().summary)


def test_outcomes_of_chosen_replicates_are_those_of_the_full_run():
    e = fs.Experiment.builtin("hillside").set("network.nodes", 300)
    full = e.run(replicates=6, seed=5).summary
    some = e.with_seed(5)._native.outcomes([4, 1])
    assert list(some["replicate"]) == [4, 1]
    np.testing.assert_array_equal(some["final_fraction"], full["final_fraction"].to_numpy()[[4, 1]])


def test_progress_bar_reaches_the_total(capsys):
    e = fs.Experiment.builtin("hillside").set("network.nodes", 300)
    e.run(replicates=7, progress=True)
    err = capsys.readouterr().err
    assert "7/7" in err
