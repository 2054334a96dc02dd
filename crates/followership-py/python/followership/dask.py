"""Sweeps on a Dask cluster: :func:`sweep` sends blocks of runs as Dask tasks and joins their
rows in run-number order, so the result (and ``runs.csv``/``points.csv``) is byte for byte
the sweep run locally, whatever the number of workers. :func:`sensitivity` does the same with
the sweep of a sensitivity analysis, and the engine then computes the indices from the rows
here, as a local analysis does: the same ``sensitivity.csv``.

A worker that dies mid-sweep is survived: Dask reschedules its tasks on the others (every task
is pure: a block of run numbers always gives the same rows). With ``out``, the engine writes the
directory (``sweep.json``, ``runs.csv``, ``points.csv``: the files of ``followership sweep``),
and rows reach ``out/runs.csv`` as soon as every block before them is in, so an interrupted
client resumes from the directory with ``resume=True`` (or ``followership sweep --resume``).

On a cluster, start the workers in the same environment (``pip install followership`` with the
same version on every node) and connect a client; for example with dask-jobqueue on Slurm::

    from dask_jobqueue import SLURMCluster
    from distributed import Client
    cluster = SLURMCluster(cores=8, processes=8, memory="16GB", walltime="02:00:00")
    cluster.scale(jobs=10)                      # 80 single-threaded workers
    client = Client(cluster)
    result = followership.dask.sweep(experiment, {"leaders.persistence": range(10, 310, 10)},
                                     replicates=1000, client=client, out="sweeps/persistence")
"""

from __future__ import annotations

import math
import os
import pickle
from typing import Any, Mapping, Optional, Sequence, Union

from ._progress import progress_callback
from ._sweep import SensitivityResult, SweepResult, plan, run_in_directory, run_sensitivity, sensitivity_plan

__all__ = ["sensitivity", "sweep"]

#: Plans already built in this worker process, by payload (a few kept).
_PLANS: dict = {}


def _plan_of(payload: bytes):
    """The plan a task's payload names: ``("sweep", experiment, design JSON, replicates)`` or
    ``("sensitivity", experiment, section JSON or None, replicates)``."""
    p = _PLANS.get(payload)
    if p is None:
        kind, experiment, spec, replicates = pickle.loads(payload)
        from . import _native

        if kind == "sensitivity":
            p = _native.SweepPlan.sensitivity(experiment._native, spec, replicates)
        else:
            p = _native.SweepPlan(experiment._native, spec, replicates)
        if len(_PLANS) >= 4:
            _PLANS.pop(next(iter(_PLANS)))
        _PLANS[payload] = p
    return p


def run_block(payload: bytes, start: int, stop: int, threads: Optional[int] = 1) -> str:
    """The ``runs.csv`` rows of runs ``start..stop`` of the sweep in ``payload`` (a Dask task;
    importable on every worker)."""
    return _plan_of(payload).rows(start, stop, threads)


def sweep(
    experiment: Any,
    design: Optional[Mapping] = None,
    replicates: Optional[int] = None,
    *,
    client: Any = None,
    sampling: Optional[str] = None,
    samples: Optional[int] = None,
    block: Optional[int] = None,
    threads_per_task: Optional[int] = 1,
    out: Union[str, "os.PathLike[str]", None] = None,
    resume: bool = False,
    progress: bool = False,
    retries: int = 2,
) -> SweepResult:
    """Runs :meth:`Experiment.sweep` with its blocks of runs as tasks on a Dask cluster.

    ``design``, ``replicates``, ``sampling`` and ``samples`` are those of
    :meth:`Experiment.sweep`. ``client`` is a ``distributed.Client`` (default: the current
    one). Each task runs ``block`` consecutive runs (default: about eight tasks per worker
    thread, at most 512 runs) on ``threads_per_task`` threads. Tasks that fail because their
    worker died are retried elsewhere (``retries`` times besides Dask's own rescheduling).
    With ``out``, the directory is written as by a local sweep (the engine's ``sweep.json``,
    ``runs.csv``, ``points.csv``); ``resume=True`` continues an interrupted sweep, whether it
    was started on Dask, locally or by ``followership sweep``.
    """
    from distributed import get_client

    if client is None:
        client = get_client()
    p = plan(experiment, design, replicates, sampling, samples)
    total = p.run_count
    payload = pickle.dumps(("sweep", experiment, design_json(experiment, design, sampling, samples), p.replicates))
    block = _block_size(client, total, block)
    callback, close = progress_callback(progress, total, experiment.name)

    def remote(ranges):
        return _in_order(client, payload, ranges, threads_per_task, retries)

    try:
        if out is not None:
            # The engine deals out the blocks still to do (after those already in the
            # directory) and writes what `remote` gives back, in order.
            return run_in_directory(p, out, resume=resume, block=block, progress=callback, remote=remote)
        parts = []
        ranges = [(a, min(total, a + block)) for a in range(0, total, block)]
        for (_, b), rows in zip(ranges, remote(ranges)):
            parts.append(rows)
            if callback is not None:
                callback(b, total)
    finally:
        close()
    from . import _native

    runs = p.header() + "".join(parts)
    return SweepResult(p, runs, _native.points_table(runs, len(p.keys)), None)


def sensitivity(
    experiment: Any,
    parameters: Optional[Mapping] = None,
    replicates: Optional[int] = None,
    *,
    client: Any = None,
    base_samples: Optional[int] = None,
    bootstrap: Optional[int] = None,
    outcomes: Optional[Sequence[str]] = None,
    per_parameter: Optional[bool] = None,
    block: Optional[int] = None,
    threads_per_task: Optional[int] = 1,
    out: Union[str, "os.PathLike[str]", None] = None,
    resume: bool = False,
    progress: bool = False,
    retries: int = 2,
) -> SensitivityResult:
    """Runs :meth:`Experiment.sensitivity` with the blocks of runs of its sweep as tasks on a
    Dask cluster; the engine then computes the indices here from the rows, in run order, so
    the result (and with ``out``, every file: ``sweep.json``, ``runs.csv``, ``points.csv``,
    ``sensitivity.csv``, ``sensitivity.json``) is byte for byte the local analysis's,
    whatever the number of workers.

    ``parameters``, ``replicates``, ``base_samples``, ``bootstrap``, ``outcomes`` and
    ``per_parameter`` are those of :meth:`Experiment.sensitivity`; ``client``, ``block``,
    ``threads_per_task``, ``retries``, ``out``, ``resume`` and ``progress`` those of
    :func:`sweep` (an interrupted analysis resumes from ``out``, locally, on Dask or with
    ``followership sensitivity --resume``).
    """
    from distributed import get_client

    if client is None:
        client = get_client()
    spec, reps, p = sensitivity_plan(experiment, parameters, replicates, base_samples, bootstrap, outcomes, per_parameter)
    payload = pickle.dumps(("sensitivity", experiment, spec, reps))
    block = _block_size(client, p.run_count, block)
    callback, close = progress_callback(progress, p.run_count, experiment.name)

    def remote(ranges):
        return _in_order(client, payload, ranges, threads_per_task, retries)

    try:
        return run_sensitivity(p, out, resume=resume, block=block, progress=callback, remote=remote)
    finally:
        close()


def _block_size(client, total: int, block: Optional[int]) -> int:
    """Runs per task: ``block``, or about eight tasks per worker thread, at most 512 runs."""
    if block is None:
        slots = max(1, sum(client.nthreads().values()))
        return max(1, min(512, math.ceil(total / (8 * slots))))
    if block < 1:
        raise ValueError("block: give at least 1 run per block")
    return block


def _in_order(client, payload: bytes, ranges, threads_per_task, retries):
    """Submits a task for every ``(start, stop)`` range of runs and yields their rows in the
    order of the ranges, each as soon as it and every one before it are in; cancels what is
    left when the consumer stops early (Ctrl-C, an error)."""
    futures = [
        client.submit(
            run_block,
            payload,
            a,
            b,
            threads_per_task,
            pure=True,
            retries=retries,
            key=f"followership-{fp_key(payload)}-{a}-{b}",
        )
        for a, b in ranges
    ]
    try:
        for f in futures:
            rows = f.result()
            f.release()
            yield rows
    finally:
        for f in futures:
            f.cancel()


def design_json(experiment, design, sampling, samples) -> str:
    """The design as the JSON the workers build their plan from."""
    from ._sweep import design_spec

    return design_spec(experiment, design, sampling, samples)


def fp_key(payload: bytes) -> str:
    """A short name of a sweep's payload, for task keys."""
    import hashlib

    return hashlib.sha256(payload).hexdigest()[:16]
