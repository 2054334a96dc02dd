"""Sweeps: the design given from Python, the plan of runs, the output directory (written block
by block, resumable), and :class:`SweepResult`.

Run ``r`` of a sweep is replicate ``r % replicates`` of point ``r // replicates``; the compiled
module computes any range of run numbers as the rows of ``runs.csv``. Local sweeps and Dask
sweeps only differ in who computes which ranges: both join the rows in run-number order, so
their files are the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Optional, Union

import numpy as np

from . import _native
from ._graph import _scenario_error
from ._progress import progress_callback

_SAMPLINGS = ("random", "latin-hypercube", "sobol")
#: The manifest the Python package writes beside runs.csv (the CLI's sweep.json is its own).
MANIFEST = "python-sweep.json"


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


def fingerprint(experiment, plan_: "_native.SweepPlan") -> str:
    """What identifies a sweep in its directory: the resolved scenario, the points, the
    replicates, the network and the per-person values given from Python."""
    h = hashlib.sha256()
    h.update(experiment._native.portable_toml().encode())
    h.update(json.dumps([plan_.keys, plan_.points, plan_.replicates]).encode())
    if experiment._graph is not None:
        for a in experiment._graph.edges():
            if a is not None:
                h.update(np.ascontiguousarray(a).tobytes())
        h.update(json.dumps([repr(x) for x in experiment._graph.labels]).encode())
    for a in (experiment._thresholds, experiment._initial_trust):
        h.update(b"-" if a is None else np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:32]


class SweepDir:
    """The output directory of a sweep: ``runs.csv`` appended in run-number order and flushed
    to disk block by block, a manifest, and ``points.csv`` once every run is in. Opening it
    with ``resume`` cuts a torn last line and checks the rows already there."""

    def __init__(self, out: Union[str, "os.PathLike[str]"], plan_, fp: str, resume: bool):
        """Opens (or, with ``resume``, reopens) the directory ``out`` for ``plan_``."""
        self.dir = Path(out)
        self.plan = plan_
        self.runs_path = self.dir / "runs.csv"
        self.manifest_path = self.dir / MANIFEST
        header = plan_.header()
        self.dir.mkdir(parents=True, exist_ok=True)
        if resume and self.manifest_path.exists():
            found = json.loads(self.manifest_path.read_text())
            if found.get("fingerprint") != fp:
                raise _scenario_error(
                    str(self.dir),
                    "this directory holds a different sweep (another scenario, design, replicates or network); "
                    "resume with the same arguments, or start afresh in another directory",
                )
            self.done = self._check_rows(header)
        else:
            if self.runs_path.exists() or self.manifest_path.exists():
                raise _scenario_error(
                    str(self.dir), "this directory already holds a sweep; pass resume=True to continue it, or choose another directory"
                )
            self._write_manifest(fp, complete=False)
            with open(self.runs_path, "w", newline="") as f:
                f.write(header)
            self.done = 0
        self.fp = fp

    def _write_manifest(self, fp: str, complete: bool) -> None:
        tmp = self.manifest_path.with_suffix(".tmp")
        tmp.write_text(
            json.dumps(
                {
                    "fingerprint": fp,
                    "keys": self.plan.keys,
                    "points": len(self.plan.points),
                    "replicates": self.plan.replicates,
                    "complete": complete,
                    "version": _native.version(),
                },
                indent=2,
            )
            + "\n"
        )
        os.replace(tmp, self.manifest_path)

    def _check_rows(self, header: str) -> int:
        data = self.runs_path.read_bytes() if self.runs_path.exists() else b""
        keep = data.rfind(b"\n") + 1
        if keep < len(header) or not data.startswith(header.encode()):
            with open(self.runs_path, "w", newline="") as f:
                f.write(header)
            return 0
        body = data[len(header) : keep]
        if keep != len(data):
            with open(self.runs_path, "r+b") as f:
                f.truncate(keep)
        reps = self.plan.replicates
        rows = body.split(b"\n")[:-1] if body else []
        for i, row in enumerate(rows):
            parts = row.split(b",", 2)
            if len(parts) < 2 or parts[0] != str(i // reps).encode() or parts[1] != str(i % reps).encode():
                raise _scenario_error(
                    f"{self.runs_path}:{i + 2}", "this row is not the run the sweep expects here; the file was edited or mixed with another sweep"
                )
        if len(rows) > self.plan.run_count:
            raise _scenario_error(str(self.runs_path), "more rows than the sweep has runs")
        return len(rows)

    def append(self, rows: str) -> None:
        """Appends the rows of the next runs and flushes them to disk."""
        with open(self.runs_path, "a", newline="") as f:
            f.write(rows)
            f.flush()
            os.fsync(f.fileno())
        self.done += rows.count("\n")

    def finish(self) -> "SweepResult":
        """Writes ``points.csv`` and marks the sweep complete; returns the result."""
        runs = self.runs_path.read_text()
        points = _native.points_table(runs, len(self.plan.keys))
        tmp = self.dir / "points.csv.tmp"
        tmp.write_text(points)
        os.replace(tmp, self.dir / "points.csv")
        self._write_manifest(self.fp, complete=True)
        return SweepResult(self.plan, runs, points, self.dir)


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
        d = SweepDir(out, p, fingerprint(experiment, p), resume)
        while d.done < total:
            stop = min(total, d.done + block)
            step = None if callback is None else (lambda done, _t, at=d.done: callback(at + done, total))
            d.append(p.rows(d.done, stop, threads, step))
        return d.finish()
    finally:
        close()


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
