"""Sweeps from Python write the bytes `followership sweep` writes, and resume after an
interruption to the same bytes."""

from __future__ import annotations

import pytest

import followership as fs

SWEEP = """
[sweep]
[[sweep.parameters]]
key = "leaders.persistence"
values = [20, 80]
[[sweep.parameters]]
key = "dynamics.spontaneous"
values = [0.001, 0.004]
"""

DESIGN = {"leaders.persistence": [20, 80], "dynamics.spontaneous": [0.001, 0.004]}


@pytest.fixture()
def sweep_file(small_file):
    small_file.write_text(small_file.read_text() + SWEEP)
    return small_file


def test_sweep_is_byte_identical_to_the_cli(run_cli, sweep_file, tmp_path):
    out = tmp_path / "cli"
    run_cli("sweep", str(sweep_file), "--replicates", "5", "--out", str(out), "--quiet", "--no-plots")
    e = fs.Experiment.from_file(sweep_file)
    own = e.sweep(replicates=5, threads=2)
    assert own.runs_csv == (out / "runs.csv").read_text()
    assert own.points_csv == (out / "points.csv").read_text()
    # The same design given as a dict, on one thread, in blocks of 3 runs written to a directory.
    d = e.sweep(DESIGN, replicates=5, threads=1, out=tmp_path / "py", block=3)
    assert (tmp_path / "py" / "runs.csv").read_text() == own.runs_csv
    assert (tmp_path / "py" / "points.csv").read_text() == own.points_csv
    assert list(d.runs.columns[:4]) == ["point", "replicate", "leaders.persistence", "dynamics.spontaneous"]
    assert len(d.runs) == 20 and len(d.points) == 4
    assert d.points["runs"].eq(5).all()


def test_a_sweep_resumes_to_the_same_bytes(small_file, tmp_path):
    e = fs.Experiment.from_file(small_file)
    whole = e.sweep(DESIGN, replicates=4)
    out = tmp_path / "s"
    e.sweep(DESIGN, replicates=4, out=out, block=5)
    runs = out / "runs.csv"
    text = runs.read_text()
    # An interruption leaves a prefix of the rows and maybe a torn line.
    cut = text.index("\n", len(text) // 2) + 7
    runs.write_text(text[:cut])
    (out / "points.csv").unlink()
    with pytest.raises(fs.ScenarioError, match="resume=True"):
        e.sweep(DESIGN, replicates=4, out=out)
    with pytest.raises(fs.ScenarioError, match="different sweep"):
        e.sweep(DESIGN, replicates=5, out=out, resume=True)
    again = e.sweep(DESIGN, replicates=4, out=out, resume=True)
    assert runs.read_text() == whole.runs_csv
    assert again.points_csv == whole.points_csv
    # Resuming a finished sweep changes nothing.
    e.sweep(DESIGN, replicates=4, out=out, resume=True)
    assert runs.read_text() == whole.runs_csv


def test_sampling_designs_and_choices():
    e = fs.Experiment.builtin("hillside").set("network.nodes", 200)
    lhs = e.sweep({"leaders.persistence": (10, 200), "dynamics.spontaneous": (0.0, 0.01)}, replicates=2, sampling="latin-hypercube", samples=6)
    assert len(lhs.points) == 6
    assert lhs.runs["leaders.persistence"].between(10, 200).all()
    assert (lhs.runs["leaders.persistence"] % 1 == 0).all(), "integer bounds sample whole numbers"
    choices = e.sweep({"leaders.placement": ["random", "degree"]}, replicates=2)
    assert choices.runs["leaders.placement"].tolist() == ["random", "random", "degree", "degree"]


def test_bad_designs_are_scenario_errors():
    e = fs.Experiment.builtin("hillside")
    with pytest.raises(fs.ScenarioError, match="persistance"):
        e.sweep({"leaders.persistance": [1, 2]}, replicates=1)
    with pytest.raises(fs.ScenarioError, match="sweep point"):
        e.sweep({"cascade_cutoff": [0.5, 3.0]}, replicates=1)
    with pytest.raises(fs.ScenarioError, match="no \\[sweep\\] section"):
        e.sweep(replicates=1)
    with pytest.raises(fs.ScenarioError, match="sampling"):
        e.sweep({"seed": [1, 2]}, sampling="magic", samples=3)
    with pytest.raises(fs.ScenarioError, match="low, high"):
        e.sweep({"seed": [1, 2, 3]}, sampling="random", samples=3)


def test_python_and_the_cli_resume_each_others_sweeps(cli, run_cli, sweep_file, tmp_path):
    """A sweep's directory is the engine's: the CLI resumes what Python started and the other
    way round, to the bytes of a sweep that never stopped."""
    import os
    import subprocess

    e = fs.Experiment.from_file(sweep_file)
    whole = e.sweep(replicates=5)
    # The CLI stopped (as by a kill) after its second block of 3 runs; Python finishes it.
    cli_dir = tmp_path / "from-cli"
    args = [str(cli), "sweep", str(sweep_file), "--replicates", "5", "--block", "3", "--out", str(cli_dir), "--quiet", "--no-plots"]
    stopped = subprocess.run(args, env={**os.environ, "FOLLOWERSHIP_STOP_AT": "block-2"}, capture_output=True)
    assert stopped.returncode == 137, stopped.stderr
    assert (cli_dir / "runs.csv").read_text().count("\n") == 1 + 6
    done = e.sweep(replicates=5, out=cli_dir, resume=True, block=4)
    assert (cli_dir / "runs.csv").read_text() == whole.runs_csv
    assert done.points_csv == whole.points_csv
    # Python's directory, cut short as an interruption leaves it; the CLI finishes it.
    py_dir = tmp_path / "from-python"
    e.sweep(replicates=5, out=py_dir, block=4)
    assert (py_dir / "sweep.json").exists() and not (py_dir / "python-sweep.json").exists()
    runs = py_dir / "runs.csv"
    text = runs.read_text()
    runs.write_text(text[: text.index("\n", len(text) // 2) + 5])
    (py_dir / "points.csv").unlink()
    run_cli("sweep", str(sweep_file), "--replicates", "5", "--out", str(py_dir), "--resume", "--quiet", "--no-plots")
    assert runs.read_text() == whole.runs_csv
    assert (py_dir / "points.csv").read_text() == whole.points_csv


def test_a_sweep_on_a_given_network_is_another_sweep(tmp_path):
    """The directory's fingerprint covers a network given from Python: resuming on another one
    is refused instead of mixing runs of two networks."""
    import networkx as nx

    e = fs.Experiment.builtin("hillside").set("network.nodes", 200)
    a = e.with_network(nx.watts_strogatz_graph(200, 6, 0.1, seed=1))
    b = e.with_network(nx.watts_strogatz_graph(200, 6, 0.1, seed=2))
    design = {"leaders.persistence": [20, 60]}
    a.sweep(design, replicates=2, out=tmp_path / "s")
    with pytest.raises(fs.ScenarioError, match="different sweep"):
        b.sweep(design, replicates=2, out=tmp_path / "s", resume=True)
    again = a.sweep(design, replicates=2, out=tmp_path / "s", resume=True)
    assert again.runs_csv == a.sweep(design, replicates=2).runs_csv
