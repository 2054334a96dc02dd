"""Sensitivity analyses from Python: the indices of `followership sensitivity`, as a
DataFrame, with the runs of the sweep behind them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import followership as fs

SECTION = """
[sensitivity]
base_samples = 8
bootstrap = 20
outcomes = ["final_fraction", "cascaded"]

[[sensitivity.parameters]]
key = "leaders.persistence"
low = 10
high = 100
integer = true
group = "leader"

[[sensitivity.parameters]]
key = "dynamics.spontaneous"
low = 0.0
high = 0.004
group = "conditions"
"""

COLUMNS = ["outcome", "kind", "name", "first", "first_low", "first_high", "total", "total_low", "total_high"]


@pytest.fixture()
def sensitivity_file(small_file):
    small_file.write_text(small_file.read_text() + SECTION)
    return small_file


def test_indices_are_those_of_the_cli(run_cli, sensitivity_file, tmp_path):
    cli_dir = tmp_path / "cli"
    run_cli("sensitivity", str(sensitivity_file), "--replicates", "2", "--out", str(cli_dir), "--quiet", "--no-plots")
    e = fs.Experiment.from_file(sensitivity_file)
    r = e.sensitivity(replicates=2, threads=2, out=tmp_path / "py", block=7)
    for f in ("runs.csv", "points.csv", "sensitivity.csv", "sensitivity.json"):
        assert (tmp_path / "py" / f).read_text() == (cli_dir / f).read_text(), f
    csv = pd.read_csv(cli_dir / "sensitivity.csv")
    assert list(r.indices.columns) == COLUMNS
    pd.testing.assert_frame_equal(r.indices, csv, check_dtype=False)
    # Per parameter and per group, for both outcomes.
    assert set(r.indices["kind"]) == {"parameter", "group"}
    assert set(r.indices.loc[r.indices["kind"] == "group", "name"]) == {"leader", "conditions"}
    assert list(r.moments["outcome"]) == ["final_fraction", "cascaded"]
    assert len(r.points) == 8 * (2 + 2 + 2), "N (m + 2) points: 2 parameters and 2 groups"
    assert len(r.runs) == 2 * len(r.points)
    assert r.runs_csv == (cli_dir / "runs.csv").read_text()


def test_parameters_given_from_python_make_the_same_analysis(small_file, sensitivity_file):
    from_file = fs.Experiment.from_file(sensitivity_file).sensitivity(replicates=2)
    e = fs.Experiment.from_file(small_file)
    given = e.sensitivity(
        {
            "leaders.persistence": {"low": 10, "high": 100, "integer": True, "group": "leader"},
            "dynamics.spontaneous": {"low": 0.0, "high": 0.004, "group": "conditions"},
        },
        replicates=2,
        base_samples=8,
        bootstrap=20,
    )
    pd.testing.assert_frame_equal(given.indices, from_file.indices)
    assert given.directory is None
    # (low, high) pairs; integer bounds sample whole numbers; groups only when asked.
    pairs = e.sensitivity({"leaders.persistence": (10, 100), "dynamics.spontaneous": (0.0, 0.004)}, replicates=1, base_samples=4, bootstrap=0)
    assert (pairs.runs["leaders.persistence"] % 1 == 0).all()
    assert set(pairs.indices["kind"]) == {"parameter"}
    assert pairs.indices[["first_low", "total_high"]].isna().all().all(), "no bootstrap, no intervals"
    assert np.isfinite(pairs.indices["total"]).any()


def test_bad_analyses_are_scenario_errors(small_file):
    e = fs.Experiment.from_file(small_file)
    with pytest.raises(fs.ScenarioError, match="no \\[sensitivity\\] section"):
        e.sensitivity()
    with pytest.raises(fs.ScenarioError, match="persistance"):
        e.sensitivity({"leaders.persistance": (1, 5)}, base_samples=4)
    with pytest.raises(fs.ScenarioError, match="low, high"):
        e.sensitivity({"leaders.persistence": (1, 5, 9)})
    with pytest.raises(fs.ScenarioError, match="outcome"):
        e.sensitivity({"leaders.persistence": (1, 5)}, base_samples=4, outcomes=["happiness"])
