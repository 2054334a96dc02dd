"""followership: simulate how movements start (a lone leader, a first follower, a crowd that
tips, and trust) on networks of people, from Python.

>>> import followership as fs
>>> e = fs.Experiment.builtin("hillside").set("network.nodes", 300)
>>> result = e.run(replicates=20, seed=7)
>>> result.summary[["final_fraction", "cascaded"]].mean()   # doctest: +SKIP

The engine is compiled (Rust); runs release the GIL, use every core (``threads=``), and stop
within a second on Ctrl-C. Networks come from networkx (:meth:`Graph.from_networkx`), numpy
edge arrays (:meth:`Graph.from_edges`) or scipy sparse matrices (:meth:`Graph.from_scipy`),
keeping their node labels; results are pandas DataFrames. Sweeps run locally
(:meth:`Experiment.sweep`) or on a Dask cluster (:func:`followership.dask.sweep`); a
sensitivity analysis (:meth:`Experiment.sensitivity`, on Dask
:func:`followership.dask.sensitivity`) gives Sobol indices, and :meth:`Experiment.seed`
chooses whom to recruit first; :meth:`Experiment.fit` calibrates a scenario to an observed
adoption curve and forecasts it.

Errors keep the engine's message and key path: :class:`ScenarioError` (a ``ValueError``) for
scenarios and values, :class:`NetworkError` (a ``ScenarioError``) for networks.
"""

from __future__ import annotations

from . import _native
from ._experiment import Experiment, RunResult, Simulation, Status
from ._graph import Graph
from ._native import NetworkError, ScenarioError
from ._fit import FitResult
from ._seeding import SeedResult
from ._sweep import SensitivityResult, SweepResult

__all__ = [
    "Experiment",
    "FitResult",
    "Graph",
    "NetworkError",
    "RunResult",
    "ScenarioError",
    "SeedResult",
    "SensitivityResult",
    "Simulation",
    "Status",
    "SweepResult",
    "scenarios",
    "__version__",
]

#: The version of the package (and of the engine it was built from).
__version__: str = _native.version()


def scenarios() -> dict:
    """The built-in scenarios, ``{name: first line of its description}``, in the order
    ``followership scenarios`` lists them."""
    return dict(_native.scenarios())
