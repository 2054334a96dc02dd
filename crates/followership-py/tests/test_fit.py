"""Fitting from Python: the posterior, predictive band and forecast of `followership fit` for
the same scenario, data and seed, as DataFrames, and the same directory."""

from __future__ import annotations

import pickle
from pathlib import Path

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


def files(d: Path) -> dict:
    """Every file under ``d``, by relative path, with its bytes."""
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_the_predictive_band_the_forecast_and_the_directory_are_those_of_the_cli(run_cli, tmp_path):
    run_cli("fit", str(BASS), *SMALL, "--forecast", "30", "--quiet", "--out", str(tmp_path / "cli"))
    r = small().fit(forecast=30, out=tmp_path / "py", threads=2)
    cli = tmp_path / "cli"
    predictive = pd.read_csv(cli / "predictive.csv")
    # 61 times from week 0 to 30, every half week: the observed weeks are among them.
    assert len(r.predictive) == len(predictive) == 61
    assert r.predictive["time"].max() == r.horizon == 30.0
    # One series: no group name.
    assert r.predictive["group"].eq("").all()
    for c in ["time", "observed", "low_95", "median", "high_95", "low_50", "high_50"]:
        np.testing.assert_allclose(r.predictive[c].to_numpy(), predictive[c].to_numpy(), rtol=1e-12, err_msg=c)
    assert r.predictive["observed"].notna().sum() == 10, "weeks 0 to 10 but the missing week 7"
    assert (r.predictive["low_95"] <= r.predictive["median"]).all() and (r.predictive["median"] <= r.predictive["high_95"]).all()
    forecast = pd.read_csv(cli / "forecast.csv")
    assert r.forecast["quantity"].tolist() == forecast["quantity"].tolist() == ["final_size", "tipped", "time_to_tipping"]
    for c in ["horizon", "mean", "median", "low_95", "high_95"]:
        np.testing.assert_allclose(r.forecast[c].to_numpy(), forecast[c].to_numpy(), rtol=1e-12, err_msg=c)
    final = r.forecast.set_index("quantity").loc["final_size"]
    assert 0 < final["low_95"] <= final["median"] <= final["high_95"] <= 1
    assert r.draws == 40, "one draw per particle"
    # The same files, byte for byte: the CSVs, summary.json, the figures and report.html.
    got, want = files(tmp_path / "py"), files(cli)
    assert "report.html" in want and any(name.endswith(".svg") for name in want)
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name] == want[name], name
    # Written again elsewhere: the same files but the generations a fit resumes from.
    again = files(r.report(tmp_path / "again"))
    assert again == {k: v for k, v in want.items() if not k.startswith("generations/")}


def test_without_a_forecast_the_band_ends_at_the_data_and_plots_can_be_left_out(run_cli, tmp_path):
    run_cli("fit", str(BASS), *SMALL, "--no-plots", "--quiet", "--out", str(tmp_path / "cli"))
    r = small().fit(out=tmp_path / "py", plots=False)
    assert r.forecast is None
    assert r.horizon == r.predictive["time"].max() == 10.0, "the last observation"
    assert files(tmp_path / "py") == files(tmp_path / "cli")
    assert not (tmp_path / "py" / "forecast.csv").exists()
    # A result travels (to a Dask worker, a file) with its tables; its report needs the fit.
    back = pickle.loads(pickle.dumps(r))
    pd.testing.assert_frame_equal(back.predictive, r.predictive)
    with pytest.raises(RuntimeError, match="unpickled"):
        back.report(tmp_path / "x")


def test_a_forecast_before_time_zero_is_a_scenario_error():
    with pytest.raises(fs.ScenarioError, match="forecast.*not a time"):
        small().fit(forecast=-1)


def test_each_group_has_its_band_and_forecast(run_cli, tmp_path):
    text = BASS.read_text().replace('path = "bass-launch.csv"\n', 'path = "levels.csv"\ngroup = "level"\n')
    text += "\n[fit.groups.top]\nnetwork.nodes = 500\n\n[fit.groups.front-line]\ndynamics.visibility = 1.0\n"
    scenario = tmp_path / "levels.toml"
    scenario.write_text(text)
    data = pd.DataFrame(
        [(w, level, n) for w, top, front in [(0, 0, 0), (2, 30, 120), (4, 110, 380), (6, 250, 900)] for level, n in [("top", top), ("front-line", front)]],
        columns=["week", "level", "signups"],
    )
    data.to_csv(tmp_path / "levels.csv", index=False)
    run_cli("fit", str(scenario), "--set", "fit.particles=30", "--set", "fit.generations=2", "--forecast", "12", "--quiet", "--out", str(tmp_path / "cli"))
    # The data from a DataFrame, the same as the CLI's file.
    r = fs.Experiment.from_file(scenario).set({"fit.particles": 30, "fit.generations": 2}).fit(data, forecast=12)
    assert r.predictive["group"].unique().tolist() == ["top", "front-line"]
    assert r.forecast["group"].tolist() == ["top"] * 3 + ["front-line"] * 3
    predictive = pd.read_csv(tmp_path / "cli" / "predictive.csv")
    assert r.predictive["group"].tolist() == predictive["group"].tolist()
    np.testing.assert_allclose(r.predictive[["time", "low_95", "median", "high_95"]], predictive[["time", "low_95", "median", "high_95"]], rtol=1e-12)
    forecast = pd.read_csv(tmp_path / "cli" / "forecast.csv")
    np.testing.assert_allclose(r.forecast[["horizon", "mean"]], forecast[["horizon", "mean"]], rtol=1e-12)
    # Written from the result: one predictive picture per group, as the CLI draws them.
    written = r.report(tmp_path / "py")
    for name in ["predictive.csv", "forecast.csv", "predictive-top.svg", "predictive-front-line.svg", "report.html"]:
        assert (written / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
