"""Fitting from Python: the posterior of `followership fit` for the same scenario, data and
seed, as DataFrames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import followership as fs
from conftest import ROOT

BASS = ROOT / "examples" / "fit" / "bass.toml"
SMALL = ["--set", "fit.particles=40", "--set", "fit.generations=3"]


def small() -> fs.Experiment:
    return fs.Experiment.from_file(BASS).set({"fit.particles": 40, "fit.generations": 3})


def test_the_posterior_is_that_of_the_cli(run_cli, tmp_path):
    run_cli("fit", str(BASS), *SMALL, "--quiet", "--out", str(tmp_path / "cli"))
    r = small().fit(threads=2)
    cli = pd.read_csv(tmp_path / "cli" / "posterior.csv")
    keys = ["dynamics.spontaneous", "dynamics.imitation"]
    assert r.parameters == keys
    for c in [*keys, "weight", "distance"]:
        np.testing.assert_allclose(r.posterior[c], cli[c], rtol=1e-12, err_msg=c)
    summary = pd.read_csv(tmp_path / "cli" / "summary.csv")
    assert r.summary["parameter"].tolist() == summary["parameter"].tolist()
    np.testing.assert_allclose(r.summary[["mean", "median", "low", "high"]], summary[["mean", "median", "low_95", "high_95"]], rtol=1e-12)
    assert len(r.generations) == 3 and r.generations["accepted"].eq(40).all()
    assert r.posterior["weight"].sum() == pytest.approx(1.0)


def test_data_from_a_dataframe_and_a_resume(tmp_path):
    data = pd.read_csv(ROOT / "examples" / "fit" / "bass-launch.csv", comment="#")
    whole = small().fit(data)
    assert whole.posterior.equals(small().fit().posterior), "the same data from a DataFrame or the file"
    # Written generation by generation; cut after generation 1, the fit resumes to the same end.
    small().fit(out=tmp_path / "f")
    (tmp_path / "f" / "generations" / "generation-002.csv").unlink()
    again = small().fit(out=tmp_path / "f", resume=True)
    pd.testing.assert_frame_equal(again.posterior, whole.posterior)


def test_a_scenario_without_a_fit_section_is_a_scenario_error():
    with pytest.raises(fs.ScenarioError, match="no \\[fit\\] section"):
        fs.Experiment.builtin("hillside").fit()
