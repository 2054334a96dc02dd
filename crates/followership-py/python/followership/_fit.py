"""Fitting a scenario to observed data: :meth:`Experiment.fit` and :class:`FitResult`."""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Any, Optional

from . import _native
from ._progress import stage_callback


def fit(experiment, data: Any, *, out, resume: bool, threads: Optional[int], progress: bool) -> "FitResult":
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
            )
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
        stop: why the fit stopped, in words. directory: where the generations were written (or
            None).
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
        self.directory = directory

    def __repr__(self) -> str:
        parts = ", ".join(f"{r.parameter} {r.median:.4g} [{r.low:.4g}, {r.high:.4g}]" for r in self.summary.itertuples())
        return f"<followership.FitResult: {len(self.generations)} generations, {len(self.posterior)} particles; {parts}>"

    def _repr_html_(self) -> str:
        return self.summary._repr_html_()
