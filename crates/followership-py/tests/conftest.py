"""Shared fixtures: the CLI binary the Python package is checked against, and small
scenarios."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def cli() -> Path:
    """The `followership` binary (FOLLOWERSHIP_BIN, or target/debug/followership)."""
    path = Path(os.environ.get("FOLLOWERSHIP_BIN", ROOT / "target" / "debug" / "followership"))
    if not path.exists():
        pytest.fail(f"no CLI binary at {path}: build it with `cargo build -p followership-cli` (scripts/test-python does)")
    return path


@pytest.fixture(scope="session")
def run_cli(cli):
    """Runs the CLI with arguments and returns its standard output."""

    def run(*args: str, cwd=None) -> str:
        done = subprocess.run([str(cli), *args], capture_output=True, text=True, cwd=cwd)
        assert done.returncode == 0, f"followership {' '.join(args)} failed:\n{done.stderr}"
        return done.stdout

    return run


#: A small scenario with leaders, trust and a scripted leader event: every mechanism the
#: outputs report, in a fraction of a second.
SMALL = """
name = "small"
seed = 11
replicates = 6
max_ticks = 200

[network]
kind = "random-geometric"
nodes = 300
mean_degree = 10.0

[people]
threshold = { distribution = "normal", mean = 2.0, sd = 0.5, low = 1.2, high = 10.0 }

[dynamics]
social_proof = "count"
spontaneous = 0.002

[leaders]
weight = 1.5
persistence = 60

[influence]
first_follower = 1.5
embrace = true

[leaving]
hysteresis = 0.5

[trust]
floor = 0.3

[[events]]
tick = 40
kind = "character-violation"

[initial]
placement = "none"
"""


@pytest.fixture()
def small_file(tmp_path) -> Path:
    """SMALL written to a file."""
    p = tmp_path / "small.toml"
    p.write_text(SMALL)
    return p
