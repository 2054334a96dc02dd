"""Fitting a scenario to observed data: :meth:`Experiment.fit` and :class:`FitResult`."""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Any, Optional, Union

from . import _native
from ._progress import stage_callback


def fit(
    experiment, data: Any, *, forecast: Optional[float], out, resume: bool, plots: bool, threads: Optional[int], progress: bool
) -> "FitResult":
    """:meth:`Experiment.fit`."""
    describe, close = stage_callback(progress, f"{experiment.name}: fit")

    def callback(generation: int, tolerance: float, accepted: int, particles: int, attempts: int) -> None:
        t = f"tolerance {tolerance:.4g}" if math.isfinite(tolerance) else "from the prior"
        describe(f"generation {generation} ({t}): {accepted}/{particles} particles, {attempts} proposals")

    try:
        with tempfile.TemporaryDirectory(prefix="followership-fit-") as tmp:
            path = None
            if data is not None and hasattr(data, "to_csv"):
                # A DataFrame: written as the CSV the scenario's [fit.data] names the columns of.
                path = os.path.join(tmp, "data.csv")
                data.to_csv(path, index=False)
            elif data is not None:
                path = os.fspath(data)
            result = _native.fit(
                experiment._native,
                path,
                None if out is None else os.fspath(out),
                resume,
                threads,
                callback if describe is not None else None,
                None if forecast is None else float(forecast),
            )
        if out is not None:
            # The rest of the directory `followership fit --out` writes, by the same code.
            result["outcome"].write(os.fspath(out), plots)
    finally:
        close()
    return FitResult(result, None if out is None else Path(out))


class FitResult:
    """What :meth:`Experiment.fit` returns: the posterior of the fitted parameters.

    Attributes:
        parameters: the fitted keys.
        posterior: a DataFrame, one row per particle of the last generation: one column per
            fitted key (values as the scenario takes them), ``weight`` (normalised importance
            weight) and ``distance`` (of its simulated curve to the data). Weighted samples of
            the posterior: use the weights (``numpy.average(..., weights=...)``).
        summary: a DataFrame, one row per key: ``parameter``, posterior ``mean``, ``median``,
            and the 95% credible interval ``low``, ``high``, as ``followership fit`` prints it.
        generations: a DataFrame, one row per generation: ``generation``, ``tolerance``,
            ``attempts`` (proposals simulated), ``ess`` (effective sample size) and
            ``accepted``.
        predictive: a DataFrame, the posterior predictive band of the share following, one
            row per group and time (the observed times and 61 times from the first observation
            to the horizon): ``group`` (empty for one series), ``time`` (data time),
            ``observed`` (the observed share, NaN between observations), ``low_95``,
            ``median``, ``high_95`` and the middle 50% ``low_50``, ``high_50``: the table of
            ``predictive.csv``.
        forecast: with ``forecast=T``, a DataFrame, three rows per group: ``group``,
            ``quantity`` (``final_size``: the share following at the horizon;
            ``tipped``: the share of draws that tipped by then, in ``mean`` alone;
            ``time_to_tipping``: the data time those draws tipped at), ``horizon``, ``mean``,
            ``median`` and the 95% interval ``low_95``, ``high_95``: the table of
            ``forecast.csv``. None without a forecast.
        horizon: the data time the predictive band reaches (the forecast's, or the last
            observation). draws: the posterior draws simulated for the band and forecast.
        stop: why the fit stopped, in words. directory: where the fit was written (or None).
    """

    def __init__(self, data: dict, directory: Optional[Path]):
        """Builds the tables from what the compiled module returns."""
        import pandas as pd

        self.parameters = list(data["parameters"])
        rows = [[*values, weight, distance] for values, weight, distance in data["particles"]]
        self.posterior = pd.DataFrame(rows, columns=[*self.parameters, "weight", "distance"])
        self.summary = pd.DataFrame(data["summary"], columns=["parameter", "mean", "median", "low", "high"])
        self.generations = pd.DataFrame(data["generations"], columns=["generation", "tolerance", "attempts", "ess", "accepted"])
        self.stop: str = data["stop"]
        self.horizon: float = data["horizon"]
        self.draws: int = data["draws"]
        self.predictive = pd.DataFrame(
            [(g, t, obs, *band, *middle) for g, t, obs, band, middle in data["predictive"]],
            columns=["group", "time", "observed", "low_95", "median", "high_95", "low_50", "high_50"],
        )
        self.forecast = None
        if data["forecast"] is not None:
            self.forecast = pd.DataFrame(
                [(g, q, self.horizon, *values) for g, q, values in data["forecast"]],
                columns=["group", "quantity", "horizon", "mean", "median", "low_95", "high_95"],
            )
        self.directory = directory
        self._outcome = data["outcome"]

    def report(self, path: Union[str, "os.PathLike[str]"], *, plots: bool = True) -> Path:
        """Writes the fit's files into the directory ``path`` as ``followership fit --out``
        does once the fit is done, and returns it: ``posterior.csv``, ``generations.csv``,
        ``summary.csv``, ``summary.json``, ``predictive.csv``, ``forecast.csv`` (with a
        forecast) and, with ``plots``, the figures (SVG) and ``report.html``. (The generations
        a fit resumes from are written by ``fit(out=...)`` alone.)"""
        if self._outcome is None:
            raise RuntimeError("this FitResult was unpickled: its fit is not kept; run the fit again to write its report")
        self._outcome.write(os.fspath(path), plots)
        return Path(path)

    def __getstate__(self) -> dict:
        # The tables travel; the compiled fit behind report() does not (it cannot be pickled).
        state = dict(self.__dict__)
        state["_outcome"] = None
        return state

    def __repr__(self) -> str:
        parts = ", ".join(f"{r.parameter} {r.median:.4g} [{r.low:.4g}, {r.high:.4g}]" for r in self.summary.itertuples())
        return f"<followership.FitResult: {len(self.generations)} generations, {len(self.posterior)} particles; {parts}>"

    def _repr_html_(self) -> str:
        return self.summary._repr_html_()
