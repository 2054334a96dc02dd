"""Sweeps and sensitivity analyses on a Dask LocalCluster of two worker processes give the
bytes of the same work done locally, and survive a worker killed mid-sweep."""

from __future__ import annotations

import os
import threading
import time

import distributed  # installed by the test command: a missing Dask fails, never skips
import pandas as pd
import pytest

import followership as fs
import followership.dask


DESIGN = {"leaders.persistence": [20, 60, 120], "dynamics.spontaneous": [0.001, 0.003]}


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def experiment():
    return fs.Experiment.builtin("broken-promise").set("network.nodes", 400)


def test_dask_sweep_equals_local(client, experiment, tmp_path):
    local = experiment.sweep(DESIGN, replicates=6)
    remote = fs.dask.sweep(experiment, DESIGN, 6, client=client, block=5)
    assert remote.runs_csv == local.runs_csv
    assert remote.points_csv == local.points_csv
    written = fs.dask.sweep(experiment, DESIGN, 6, client=client, out=tmp_path / "d")
    assert (tmp_path / "d" / "runs.csv").read_text() == local.runs_csv
    assert (tmp_path / "d" / "points.csv").read_text() == local.points_csv
    assert written.points.equals(local.points)


def test_dask_sweep_on_a_networkx_graph(client):
    import networkx as nx

    G = nx.relabel_nodes(nx.connected_watts_strogatz_graph(300, 8, 0.1, seed=1), lambda i: f"p{i}")
    e = fs.Experiment.builtin("hillside").set({"leaders.placement": "random"}).with_network(G)
    design = {"leaders.persistence": [30, 90]}
    assert fs.dask.sweep(e, design, 4, client=client).runs_csv == e.sweep(design, replicates=4).runs_csv


def test_a_worker_killed_mid_sweep_is_survived(client, experiment, tmp_path):
    design = {"leaders.persistence": list(range(20, 220, 10))}
    local = experiment.sweep(design, replicates=20)
    out = tmp_path / "k"
    runs = out / "runs.csv"
    killed = {}

    def kill_one_worker():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if runs.exists() and runs.read_text().count("\n") > 1:
                break
            time.sleep(0.02)
        killed["rows"] = runs.read_text().count("\n") - 1
        worker = sorted(client.scheduler_info()["workers"])[0]
        killed["worker"] = worker
        try:
            client.run(os._exit, 1, workers=[worker])
        except Exception:
            pass  # the worker died before it could answer
        killed["done"] = True

    t = threading.Thread(target=kill_one_worker)
    t.start()
    remote = fs.dask.sweep(experiment, design, 20, client=client, out=out, block=4)
    t.join()
    assert killed.get("done"), "the worker was killed"
    assert killed["rows"] < 400, "the kill came before the sweep ended"
    assert remote.runs_csv == local.runs_csv
    assert runs.read_text() == local.runs_csv
    client.wait_for_workers(2, timeout=60)
    assert killed["worker"] not in client.scheduler_info()["workers"], "that worker process is gone (its nanny started another)"


PARAMETERS = {
    "leaders.persistence": {"low": 10, "high": 150, "integer": True, "group": "leader"},
    "dynamics.spontaneous": {"low": 0.0, "high": 0.004, "group": "conditions"},
}


def test_dask_sensitivity_equals_local(client, experiment, tmp_path):
    options = dict(replicates=2, base_samples=8, bootstrap=30)
    local = experiment.sensitivity(PARAMETERS, out=tmp_path / "local", **options)
    remote = fs.dask.sensitivity(experiment, PARAMETERS, client=client, block=3, **options)
    assert remote.directory is None
    assert remote.runs_csv == local.runs_csv
    assert remote.points_csv == local.points_csv
    pd.testing.assert_frame_equal(remote.indices, local.indices)
    pd.testing.assert_frame_equal(remote.moments, local.moments)
    # Groups and parameters, for both outcomes; the indices vary (persistence matters here).
    assert set(remote.indices["kind"]) == {"parameter", "group"}
    assert remote.indices["total"].notna().any()
    # With a directory: every file the local analysis (and `followership sensitivity`) writes.
    fs.dask.sensitivity(experiment, PARAMETERS, client=client, out=tmp_path / "d", **options)
    local_files = sorted(p.name for p in (tmp_path / "local").iterdir())
    assert "sensitivity.csv" in local_files
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == local_files
    for name in local_files:
        assert (tmp_path / "d" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name


def test_dask_sensitivity_resumes_a_local_analysis(client, experiment, tmp_path):
    options = dict(replicates=2, base_samples=8, bootstrap=0)
    whole = experiment.sensitivity(PARAMETERS, **options)
    out = tmp_path / "r"
    experiment.sensitivity(PARAMETERS, out=out, block=7, **options)
    # Cut after the first 15 runs, as an interrupted analysis leaves it.
    runs = out / "runs.csv"
    lines = runs.read_text().splitlines(keepends=True)
    runs.write_text("".join(lines[:16]))
    (out / "sensitivity.csv").unlink()
    again = fs.dask.sensitivity(experiment, PARAMETERS, client=client, out=out, resume=True, **options)
    assert runs.read_text() == whole.runs_csv
    pd.testing.assert_frame_equal(again.indices, whole.indices)
