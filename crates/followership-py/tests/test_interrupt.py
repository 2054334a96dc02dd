"""Ctrl-C stops long runs and sweeps promptly with KeyboardInterrupt, and a sweep's directory
resumes to the same bytes afterwards.

The runs asked for would take hours; the bounds on the time to stop are generous (several
seconds where the package promises one), so the tests do not depend on the machine's speed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import followership as fs

LONG_RUN = """
import sys, time, followership as fs
e = fs.Experiment.builtin("hillside").set("network.nodes", 3000)
print("started", flush=True)
try:
    e.run(replicates=10_000_000, threads=2, timeseries=False)
    print("finished")
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""

LONG_SWEEP = """
import sys, followership as fs
e = fs.Experiment.builtin("hillside").set("network.nodes", 2000)
print("started", flush=True)
try:
    e.sweep({"leaders.persistence": list(range(10, 2010, 10))}, replicates=1000, out=sys.argv[1], block=8, threads=2)
    print("finished")
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def interrupt(code: str, *args: str, wait_for=None) -> tuple:
    p = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "started"
    if wait_for is not None:
        deadline = time.monotonic() + 120
        while not wait_for() and time.monotonic() < deadline:
            time.sleep(0.05)
    else:
        time.sleep(1.0)
    sent = time.monotonic()
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    return out, err, time.monotonic() - sent, p.returncode


def test_ctrl_c_stops_a_long_run():
    out, err, took, rc = interrupt(LONG_RUN)
    assert "interrupted" in out, (out, err)
    assert rc == 0
    assert took < 10, f"took {took:.1f} s to stop"


def test_ctrl_c_leaves_a_sweep_that_resumes(tmp_path):
    out_dir = tmp_path / "s"
    runs = out_dir / "runs.csv"

    def some_rows() -> bool:
        return runs.exists() and runs.read_text().count("\n") > 3

    out, err, took, rc = interrupt(LONG_SWEEP, str(out_dir), wait_for=some_rows)
    assert "interrupted" in out, (out, err)
    assert took < 10, f"took {took:.1f} s to stop"
    rows = runs.read_text().count("\n") - 1
    assert 0 < rows < 200_000
    # Resume a smaller version of the same check: the rows written are those of the sweep.
    e = fs.Experiment.builtin("hillside").set("network.nodes", 2000)
    design = {"leaders.persistence": list(range(10, 2010, 10))}
    plan = fs._sweep.plan(e, design, 1000)
    expected = plan.header() + plan.rows(0, rows)
    assert runs.read_text() == expected


def test_runs_release_the_gil():
    """Pure-Python work in another thread goes on while replicates run: with the GIL held it
    could only go on between blocks of runs (each about 0.2 s), one switch interval (0.5 ms
    here) per block, needing hundreds of blocks."""
    import sys
    import threading

    e = fs.Experiment.builtin("hillside").set("network.nodes", 3000)
    started = threading.Event()
    stop = threading.Event()
    blocks = [0]
    outcome = {}

    def progress(done, total):
        blocks[0] += 1
        started.set()
        if stop.is_set():
            raise RuntimeError("stopped by the test")

    def run():
        try:
            e.set("output.timeseries", False).with_replicates(10_000_000)._native.run(1, progress, False)
        except RuntimeError as err:
            outcome["error"] = str(err)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    try:
        t = threading.Thread(target=run)
        t.start()
        assert started.wait(120)
        before = blocks[0]
        # About 0.2 s of pure Python on an idle core.
        x = 0
        for i in range(3_000_000):
            x += i
        during = blocks[0] - before
        stop.set()
        t.join(60)
    finally:
        sys.setswitchinterval(interval)
    assert not t.is_alive()
    assert outcome.get("error") == "stopped by the test", "an exception in the progress callback stops the run"
    assert during < 100, f"{during} blocks of runs went by while Python ran: the GIL was held"


LONG_SEED = """
import followership as fs
e = fs.Experiment.builtin("hillside").set("network.nodes", 3000)
print("started", flush=True)
try:
    e.seed(k=50, strategy="celf", celf_runs=100_000, candidates=None, runs=10, threads=2)
    print("finished")
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def test_ctrl_c_stops_choosing_seeds():
    out, err, took, rc = interrupt(LONG_SEED)
    assert "interrupted" in out, (out, err)
    assert rc == 0
    assert took < 10, f"took {took:.1f} s to stop"


LONG_FIT = """
import sys, followership as fs
e = fs.Experiment.from_file(sys.argv[1]).set({"fit.particles": 200_000, "fit.generations": 50})
print("started", flush=True)
try:
    e.fit(threads=2)
    print("finished")
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def test_ctrl_c_stops_a_fit():
    from conftest import ROOT

    out, err, took, rc = interrupt(LONG_FIT, str(ROOT / "examples" / "fit" / "bass.toml"))
    assert "interrupted" in out, (out, err)
    assert rc == 0
    assert took < 10, f"took {took:.1f} s to stop"
