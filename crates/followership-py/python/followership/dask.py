"""Sweeps on a Dask cluster: :func:`sweep` sends blocks of runs as Dask tasks and joins their
rows in run-number order, so the result (and ``runs.csv``/``points.csv``) is byte for byte
the sweep run locally, whatever the number of workers.

A worker that dies mid-sweep is survived: Dask reschedules its tasks on the others (every task
is pure: a block of run numbers always gives the same rows). With ``out``, rows reach
``out/runs.csv`` as soon as every block before them is in, so an interrupted client resumes
from the directory with ``resume=True``.

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
from typing import Any, Mapping, Optional, Union

from ._progress import progress_callback
from ._sweep import SweepDir, SweepResult, fingerprint, plan

__all__ = ["sweep"]

#: Plans already built in this worker process, by payload (a few kept).
_PLANS: dict = {}


def _plan_of(payload: bytes):
    p = _PLANS.get(payload)
    if p is None:
        experiment, spec, replicates = pickle.loads(payload)
        from . import _native

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
    With ``out``, ``runs.csv`` and ``points.csv`` are written there as by a local sweep
    (``resume=True`` continues an interrupted sweep).
    """
    from distributed import as_completed, get_client

    if client is None:
        client = get_client()
    p = plan(experiment, design, replicates, sampling, samples)
    total = p.run_count
    payload = pickle.dumps((experiment, design_json(experiment, design, sampling, samples), p.replicates))
    if block is None:
        slots = max(1, sum(client.nthreads().values()))
        block = max(1, min(512, math.ceil(total / (8 * slots))))
    if block < 1:
        raise ValueError("block: give at least 1 run per block")
    d = SweepDir(out, p, fingerprint(experiment, p), resume) if out is not None else None
    start = d.done if d is not None else 0
    ranges = [(a, min(total, a + block)) for a in range(start, total, block)]
    futures = {}
    for a, b in ranges:
        f = client.submit(run_block, payload, a, b, threads_per_task, pure=True, retries=retries, key=f"followership-{fp_key(payload)}-{a}-{b}")
        futures[f] = a
    done_rows: dict = {}
    next_start = start
    parts = []
    callback, close = progress_callback(progress, total, experiment.name)
    try:
        for f in as_completed(list(futures)):
            a = futures[f]
            done_rows[a] = f.result()
            f.release()
            # Join (and write) every block whose predecessors are all in.
            while next_start in done_rows:
                rows = done_rows.pop(next_start)
                if d is not None:
                    d.append(rows)
                else:
                    parts.append(rows)
                next_start = min(total, next_start + block)
                if callback is not None:
                    callback(next_start, total)
    except BaseException:
        for f in futures:
            f.cancel()
        raise
    finally:
        close()
    if d is not None:
        return d.finish()
    from . import _native

    runs = p.header() + "".join(parts)
    return SweepResult(p, runs, _native.points_table(runs, len(p.keys)), None)


def design_json(experiment, design, sampling, samples) -> str:
    """The design as the JSON the workers build their plan from."""
    from ._sweep import design_spec

    return design_spec(experiment, design, sampling, samples)


def fp_key(payload: bytes) -> str:
    """A short name of a sweep's payload, for task keys."""
    import hashlib

    return hashlib.sha256(payload).hexdigest()[:16]
