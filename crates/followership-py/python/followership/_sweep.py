"""Sweeps and sensitivity analyses: the design given from Python, the plan of runs, the output
directory, :class:`SweepResult` and :class:`SensitivityResult`.

Run ``r`` of a sweep is replicate ``r % replicates`` of point ``r // replicates``; the compiled
module computes any range of run numbers as the rows of ``runs.csv``. A sweep with an output
directory is run into it by the engine (``output::sweep_dir``), block by block, resumable: the
very files ``followership sweep`` writes, so a sweep started from Python resumes from the
command line and the other way round. Local sweeps and Dask sweeps only differ in who computes
which ranges: the rows are joined in run-number order, so their files are the same bytes.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Optional

import numpy as np

from . import _native
from ._graph import _scenario_error
from ._progress import progress_callback

_SAMPLINGS = ("random", "latin-hypercube", "sobol")


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))


def _choice_text(x: Any) -> str:
    if isinstance(x, (bool, np.bool_)):
        return "true" if x else "false"
    if isinstance(x, str):
        return x
    return json.dumps(x)


def design_spec(experiment, design: Optional[Mapping], sampling: Optional[str], samples: Optional[int]) -> str:
    """The JSON of a ``[sweep]`` section for ``design`` (see :meth:`Experiment.sweep`), or the
    scenario's own section when ``design`` is None."""
    if design is None:
        own = experiment._native.sweep_section()
        if own is None:
            raise _scenario_error(
                "sweep", "no design given and the scenario has no [sweep] section; give a mapping of keys to values"
            )
        spec = json.loads(own)
        if sampling is not None:
            spec["design"] = sampling
        if samples is not None:
            spec["samples"] = samples
        return json.dumps(spec)
    if not isinstance(design, Mapping) or not design:
        raise _scenario_error("sweep", "give the design as a mapping of scenario keys to values, such as {'leaders.persistence': [50, 150]}")
    if sampling is not None and sampling not in _SAMPLINGS:
        raise _scenario_error("sampling", f"{sampling!r} is not a sampling design; use one of {', '.join(_SAMPLINGS)} (or None for the grid)")
    parameters = []
    for key, values in design.items():
        p: dict = {"key": key}
        if isinstance(values, Mapping):
            p.update(values)
        else:
            if isinstance(values, np.ndarray):
                values = values.tolist()
            if isinstance(values, range):
                values = list(values)
            if not isinstance(values, (list, tuple)):
                values = [values]
            if all(_is_number(v) for v in values):
                nums = [v.item() if hasattr(v, "item") else v for v in values]
                if sampling is not None:
                    if len(nums) != 2:
                        raise _scenario_error(
                            f"sweep.{key}", f"the {sampling} design draws between bounds: give (low, high), not {len(nums)} values"
                        )
                    p["low"], p["high"] = float(nums[0]), float(nums[1])
                    if all(isinstance(v, (int, np.integer)) for v in values):
                        p["integer"] = True
                else:
                    p["values"] = [float(v) for v in nums]
            else:
                p["choices"] = [_choice_text(v) for v in values]
        parameters.append(p)
    spec: dict = {"design": sampling or "grid", "parameters": parameters}
    if samples is not None:
        spec["samples"] = int(samples)
    return json.dumps(spec)


def plan(experiment, design, replicates, sampling=None, samples=None) -> "_native.SweepPlan":
    """The compiled plan of a sweep (every point checked)."""
    spec = design_spec(experiment, design, sampling, samples)
    reps = experiment.replicates if replicates is None else int(replicates)
    if reps < 1:
        raise _scenario_error("replicates", "give at least 1 replicate per point")
    return _native.SweepPlan(experiment._native, spec, reps)


def run_in_directory(plan_, out, *, resume: bool, block: int, threads=None, progress=None, remote=None):
    """Runs ``plan_`` into the directory ``out`` by the engine (``sweep.json``, ``runs.csv``,
    ``points.csv``, and for a sensitivity analysis ``sensitivity.csv``/``.json``: the files of
    ``followership sweep``/``sensitivity``, so either resumes what the other started) and
    returns the result read back from it. ``remote``, when given, runs the blocks (see
    ``_native.SweepPlan.run_into``)."""
    out = Path(out)
    info = plan_.run_into(os.fspath(out), resume, block, threads, progress, remote)
    runs = (out / "runs.csv").read_text()
    points = (out / "points.csv").read_text()
    if plan_.is_sensitivity:
        return SensitivityResult(plan_, runs, points, out, info)
    return SweepResult(plan_, runs, points, out)


def local_sweep(experiment, design, replicates, *, sampling, samples, threads, out, resume, block, progress) -> "SweepResult":
    """:meth:`Experiment.sweep`: every run on this machine."""
    p = plan(experiment, design, replicates, sampling, samples)
    total = p.run_count
    if block < 1:
        raise _scenario_error("block", "give at least 1 run per block")
    callback, close = progress_callback(progress, total, experiment.name)
    try:
        if out is None:
            rows = p.rows(0, total, threads, callback)
            runs = p.header() + rows
            return SweepResult(p, runs, _native.points_table(runs, len(p.keys)), None)
        return run_in_directory(p, out, resume=resume, block=block, threads=threads, progress=callback)
    finally:
        close()


def _without_none(x: Any) -> Any:
    """``x`` with every None-valued key of its mappings left out (a TOML table has no None)."""
    if isinstance(x, Mapping):
        return {k: _without_none(v) for k, v in x.items() if v is not None}
    if isinstance(x, (list, tuple)):
        return [_without_none(v) for v in x]
    return x


def sensitivity_spec(experiment, parameters, base_samples, bootstrap, outcomes, per_parameter) -> Optional[str]:
    """The JSON of the ``[sensitivity]`` section for :meth:`Experiment.sensitivity` (None: the
    scenario's own section, unchanged)."""
    changes = {"base_samples": base_samples, "bootstrap": bootstrap, "outcomes": outcomes, "per_parameter": per_parameter}
    if parameters is None and all(v is None for v in changes.values()):
        return None
    own = experiment._native.sensitivity_section()
    spec: dict = json.loads(own) if own is not None else {}
    if parameters is not None:
        if not isinstance(parameters, Mapping) or not parameters:
            raise _scenario_error(
                "sensitivity", "give the parameters as a mapping of scenario keys to (low, high) bounds, such as {'leaders.persistence': (10, 300)}"
            )
        listed = []
        for key, bounds in parameters.items():
            p: dict = {"key": key}
            if isinstance(bounds, Mapping):
                p.update(bounds)
            else:
                if isinstance(bounds, np.ndarray):
                    bounds = bounds.tolist()
                if not isinstance(bounds, (list, tuple)) or len(bounds) != 2 or not all(_is_number(b) for b in bounds):
                    raise _scenario_error(f"sensitivity.{key}", f"give (low, high) bounds, not {bounds!r}")
                low, high = (b.item() if hasattr(b, "item") else b for b in bounds)
                p["low"], p["high"] = float(low), float(high)
                if all(isinstance(b, (int, np.integer)) for b in bounds):
                    p["integer"] = True
            listed.append(p)
        spec["parameters"] = listed
    elif "parameters" not in spec:
        raise _scenario_error(
            "sensitivity", "no parameters given and the scenario has no [sensitivity] section; give a mapping of keys to (low, high) bounds"
        )
    for k, v in changes.items():
        if v is not None:
            spec[k] = list(v) if k == "outcomes" else v
    spec.setdefault("base_samples", 256)
    return json.dumps(_without_none(spec), default=lambda o: o.item() if hasattr(o, "item") else str(o))


def local_sensitivity(
    experiment, parameters, replicates, *, base_samples, bootstrap, outcomes, per_parameter, threads, out, resume, block, progress
) -> "SensitivityResult":
    """:meth:`Experiment.sensitivity`: every run on this machine."""
    if block < 1:
        raise _scenario_error("block", "give at least 1 run per block")
    _, reps, p = sensitivity_plan(experiment, parameters, replicates, base_samples, bootstrap, outcomes, per_parameter)
    callback, close = progress_callback(progress, p.run_count, experiment.name)
    try:
        return run_sensitivity(p, out, resume=resume, block=block, threads=threads, progress=callback)
    finally:
        close()


def sensitivity_plan(experiment, parameters, replicates, base_samples, bootstrap, outcomes, per_parameter):
    """The ``[sensitivity]`` section's JSON (None: the scenario's own), the replicates per point
    and the compiled plan of a sensitivity analysis (every point checked)."""
    spec = sensitivity_spec(experiment, parameters, base_samples, bootstrap, outcomes, per_parameter)
    reps = experiment.replicates if replicates is None else int(replicates)
    if reps < 1:
        raise _scenario_error("replicates", "give at least 1 replicate per point")
    return spec, reps, _native.SweepPlan.sensitivity(experiment._native, spec, reps)


def run_sensitivity(plan_, out, *, resume: bool, block: int, threads=None, progress=None, remote=None) -> "SensitivityResult":
    """Runs the sensitivity analysis ``plan_`` into ``out`` (see :func:`run_in_directory`), or,
    without ``out``, into a temporary directory: the engine computes the indices as the sweep's
    last sink, which writes them into the sweep's directory, read back and removed here."""
    if out is not None:
        return run_in_directory(plan_, out, resume=resume, block=block, threads=threads, progress=progress, remote=remote)
    with tempfile.TemporaryDirectory(prefix="followership-sensitivity-") as tmp:
        result = run_in_directory(plan_, tmp, resume=False, block=block, threads=threads, progress=progress, remote=remote)
        result.directory = None
        return result


class SweepResult:
    """What a sweep returns.

    Attributes:
        runs: a DataFrame, one row per run: ``point, replicate``, the swept keys, and the
            outcomes of ``summary.csv`` (the table of ``runs.csv``).
        points: a DataFrame, one row per point: the swept keys, ``runs``, mean, standard
            deviation and 95% interval of every outcome, and the cascade probability with its
            interval (the table of ``points.csv``).
        runs_csv, points_csv: the same tables as CSV text, byte for byte what
            ``followership sweep`` writes.
        keys: the swept keys; directory: where the files were written (or None).
    """

    def __init__(self, plan_, runs_csv: str, points_csv: str, directory: Optional[Path]):
        """Parses the tables."""
        import pandas as pd

        self.keys = list(plan_.keys)
        self.replicates = plan_.replicates
        self.runs_csv = runs_csv
        self.points_csv = points_csv
        self.directory = directory
        self.runs = pd.read_csv(io.StringIO(runs_csv))
        self.points = pd.read_csv(io.StringIO(points_csv))

    def __repr__(self) -> str:
        return f"<followership.SweepResult: {len(self.points)} points x {self.replicates} replicates over {', '.join(self.keys)}>"

    def _repr_html_(self) -> str:
        return self.points._repr_html_()


class SensitivityResult(SweepResult):
    """What :meth:`Experiment.sensitivity` returns: the runs and points of the sweep over the
    Saltelli design (as :class:`SweepResult`), and the Sobol indices.

    Attributes:
        indices: a DataFrame, one row per outcome and factor: ``outcome``, ``kind``
            (``parameter``, or ``group`` for the indices of a group of parameters together),
            ``name`` (the key or the group), ``first`` (first-order index) with its 95%
            bootstrap interval ``first_low``, ``first_high``, and ``total`` (total-order index)
            with ``total_low``, ``total_high`` (NaN where there is no value: an outcome that
            does not vary, or no bootstrap); the table of ``sensitivity.csv``.
        moments: a DataFrame, one row per outcome: its ``mean`` and ``variance`` over the
            design's points.
        outcomes: the outcomes analysed.
    """

    def __init__(self, plan_, runs_csv: str, points_csv: str, directory: Optional[Path], info: dict):
        """Parses the tables and the indices the compiled module returns."""
        import pandas as pd

        super().__init__(plan_, runs_csv, points_csv, directory)
        self.outcomes = list(plan_.outcomes)
        rows = [(o, k, n, *first, *total) for (o, k, n, first, total) in info["indices"]]
        self.indices = pd.DataFrame(
            rows, columns=["outcome", "kind", "name", "first", "first_low", "first_high", "total", "total_low", "total_high"]
        )
        self.moments = pd.DataFrame(info["moments"], columns=["outcome", "mean", "variance"])

    def __repr__(self) -> str:
        return (
            f"<followership.SensitivityResult: {len(self.points)} points x {self.replicates} replicates, "
            f"indices of {', '.join(self.outcomes)} for {', '.join(self.keys)}>"
        )

    def _repr_html_(self) -> str:
        return self.indices._repr_html_()
