"""Experiments, their runs and step-by-step simulations: :class:`Experiment`,
:class:`RunResult`, :class:`Simulation`."""

from __future__ import annotations

import enum
import html
import json
import os
from collections.abc import Mapping
from typing import Any, Iterator, Optional, Sequence, Union

import numpy as np

from . import _native
from ._graph import Graph, _scenario_error
from ._progress import progress_callback
from ._fit import FitResult
from ._seeding import SeedResult
from ._sweep import SensitivityResult, SweepResult

_MISSING = object()

#: Outcome columns that hold a tick, or nothing when the moment never came.
_TICK_COLUMNS = (
    "first_follower_tick",
    "second_follower_tick",
    "critical_mass_tick",
    "leader_quit_tick",
    "final_50_tick",
    "final_90_tick",
)


class Status(enum.IntEnum):
    """Where a person stands between two ticks: the values of :attr:`Simulation.status`."""

    #: Not dancing.
    WATCHING = 0
    #: Dancing with the movement.
    FOLLOWING = 1
    #: A leader still dancing.
    LEADING = 2
    #: A leader who gave up.
    QUIT = 3


def _json_default(o: Any) -> Any:
    if hasattr(o, "item"):
        return o.item()
    if isinstance(o, os.PathLike):
        return os.fspath(o)
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
    raise TypeError(f"{type(o).__name__} is not a scenario value")


class Experiment:
    """A scenario ready to run: the engine's one entry point, from Python.

    Make one with :meth:`builtin`, :meth:`from_file`, :meth:`from_toml` or :meth:`from_dict`;
    change it key by key with :meth:`set` (every change returns a new experiment and is checked
    as strictly as a scenario file); give it a network (:meth:`with_network`) and per-person
    values (:meth:`with_thresholds`, :meth:`with_initial_trust`); then :meth:`run` it,
    :meth:`sweep` it, tell the :meth:`story` of one replicate or step one with
    :meth:`simulation`.

    A replicate's random streams are named by (seed, replicate): results never depend on the
    number of threads, and replicate ``r`` alone is exactly replicate ``r`` of a full run, and of
    ``followership run`` with the same scenario and seed.
    """

    __slots__ = ("_native", "_graph", "_thresholds", "_initial_trust")

    def __init__(self, native: "_native.Experiment", graph: Optional[Graph] = None, thresholds=None, initial_trust=None):
        """Wraps a compiled experiment; use the ``builtin``/``from_*`` constructors instead."""
        self._native = native
        self._graph = graph
        self._thresholds = thresholds
        self._initial_trust = initial_trust

    def _with(self, native, **changes) -> "Experiment":
        state = {"graph": self._graph, "thresholds": self._thresholds, "initial_trust": self._initial_trust}
        state.update(changes)
        return Experiment(native, **state)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def builtin(cls, name: str) -> "Experiment":
        """The built-in scenario ``name`` (see :func:`followership.scenarios`)."""
        return cls(_native.Experiment.builtin(name))

    @classmethod
    def from_file(cls, path: Union[str, "os.PathLike[str]"]) -> "Experiment":
        """The scenario file (TOML) at ``path``; relative paths in it start from its
        directory."""
        return cls(_native.Experiment.from_file(os.fspath(path)))

    @classmethod
    def from_toml(cls, text: str) -> "Experiment":
        """A scenario from TOML text; relative paths in it start from the current
        directory."""
        return cls(_native.Experiment.from_toml(text))

    @classmethod
    def from_dict(cls, mapping: Mapping) -> "Experiment":
        """A scenario from a mapping shaped like a scenario file: tables are nested dicts,
        arrays of tables lists of dicts (``{"name": "mine", "network": {"kind": "lattice",
        ...}, ...}``)."""
        try:
            text = json.dumps(mapping, default=_json_default)
        except (TypeError, ValueError) as e:
            raise _scenario_error("scenario", f"not a mapping of scenario keys: {e}") from None
        return cls(_native.Experiment.from_json(text))

    # ------------------------------------------------------------------ changes
    def set(self, key: Union[str, Mapping, None] = None, value: Any = _MISSING, **keys: Any) -> "Experiment":
        """The experiment with scenario keys set, checked as strictly as a scenario file; an
        unknown key or an out-of-range value raises :class:`ScenarioError` naming the key.

        ``set("leaders.persistence", 50)``, ``set({"leaders.persistence": 50, "seed": 3})`` or,
        with ``__`` for the dots, ``set(leaders__persistence=50, seed=3)``. Values are bools,
        ints, floats, strings or lists of them (numpy scalars too).
        """
        changes: list = []
        if isinstance(key, Mapping):
            changes.extend(key.items())
        elif key is not None:
            if value is _MISSING:
                raise TypeError("set(key, value): give the value too")
            changes.append((key, value))
        changes.extend((k.replace("__", "."), v) for k, v in keys.items())
        native = self._native
        for k, v in changes:
            if isinstance(v, np.ndarray):
                v = v.tolist()
            native = native.set(k, v)
        return self._with(native)

    def with_seed(self, seed: int) -> "Experiment":
        """The experiment with another seed (0 to 2**63 - 1)."""
        return self.set("seed", int(seed))

    def with_replicates(self, replicates: int) -> "Experiment":
        """The experiment with another number of replicates (at least 1)."""
        return self.set("replicates", int(replicates))

    def with_network(self, graph: Any) -> "Experiment":
        """The experiment on ``graph`` (a :class:`Graph` or a networkx graph) instead of the
        scenario's network: every replicate runs on it, and outputs speak its labels. Raises
        :class:`NetworkError` when the scenario's leaders or initial followers do not fit it."""
        if not isinstance(graph, Graph):
            graph = Graph.from_networkx(graph)
        native = self._native.with_network(graph._native)
        exp = self._with(native, graph=graph)
        return exp

    def _people(self) -> Graph:
        """The graph whose labels per-person values are keyed by."""
        return self._graph if self._graph is not None else self.network(0)

    def with_thresholds(self, values: Any) -> "Experiment":
        """The experiment with everyone's threshold given (instead of the scenario's
        ``people.threshold``): a numpy array or sequence of one value per person in dense-id
        order, or a dict (or pandas Series) keyed by label. Every value finite and at least 0;
        checked for length and range (:class:`ScenarioError`)."""
        arr = self._people().per_person(values, "thresholds")
        return self._with(self._native.with_thresholds(arr), thresholds=arr)

    def with_initial_trust(self, values: Any) -> "Experiment":
        """The experiment with everyone's initial trust in the leader given (instead of the
        scenario's ``trust.initial``), as for :meth:`with_thresholds`; every value in [0, 1],
        and the scenario must model trust."""
        arr = self._people().per_person(values, "initial trust")
        return self._with(self._native.with_initial_trust(arr), initial_trust=arr)

    # ------------------------------------------------------------------ facts
    @property
    def name(self) -> str:
        """The scenario's name."""
        return self._native.name

    @property
    def random_seed(self) -> int:
        """The seed of every random stream (the scenario's ``seed``; :meth:`with_seed` changes
        it). :meth:`seed` is whom to recruit first."""
        return self._native.seed

    @property
    def replicates(self) -> int:
        """The number of replicates :meth:`run` runs by default."""
        return self._native.replicates

    def to_toml(self) -> str:
        """The resolved scenario as TOML, every default written out: enough to repeat the
        runs with ``followership run``."""
        return self._native.to_toml()

    def network(self, replicate: int = 0) -> Graph:
        """The network replicate ``replicate`` runs on (the same for every replicate unless the
        scenario regenerates it); the graph given with :meth:`with_network` if any."""
        if self._graph is not None:
            return self._graph
        return Graph(self._native.network(int(replicate)))

    # ------------------------------------------------------------------ running
    def run(
        self,
        replicates: Optional[int] = None,
        seed: Optional[int] = None,
        threads: Optional[int] = None,
        *,
        progress: bool = False,
        timeseries: bool = True,
    ) -> "RunResult":
        """Runs replicates ``0..replicates`` (default: the scenario's) with ``seed`` (default:
        the scenario's) on ``threads`` threads (default: one per core) and returns a
        :class:`RunResult`. The same numbers as ``followership run`` for the same scenario and
        seed, whatever the number of threads.

        The GIL is released while the runs go; Ctrl-C stops them within a second
        (``KeyboardInterrupt``). ``progress=True`` shows a progress bar (tqdm when installed).
        ``timeseries=False`` records no time series (less memory for long runs).
        """
        exp = self
        if not timeseries:
            # First, so that many replicates are not refused for the time series they would
            # have recorded.
            exp = exp.set("output.timeseries", False)
        if replicates is not None:
            exp = exp.with_replicates(replicates)
        if seed is not None:
            exp = exp.with_seed(seed)
        callback, close = progress_callback(progress, exp.replicates, exp.name)
        try:
            data = exp._native.run(threads, callback, timeseries)
        finally:
            close()
        return RunResult(exp, data)

    def story(self, replicate: int = 0) -> str:
        """The story of replicate ``replicate`` in plain language (Markdown): the leader alone,
        the first follower, the crowd, trust and the end; the same run as that replicate of
        :meth:`run` and of ``followership story``."""
        return self._native.story(int(replicate))

    def simulation(self, replicate: int = 0) -> "Simulation":
        """Replicate ``replicate`` at tick 0, to be played tick by tick (see
        :class:`Simulation`)."""
        graph = self.network(replicate)
        native = self._native.simulation(int(replicate))
        if self._graph is None:
            graph = Graph(native.network())
        return Simulation(native, graph)

    def sweep(
        self,
        design: Optional[Mapping] = None,
        replicates: Optional[int] = None,
        *,
        sampling: Optional[str] = None,
        samples: Optional[int] = None,
        threads: Optional[int] = None,
        out: Union[str, "os.PathLike[str]", None] = None,
        resume: bool = False,
        block: int = 512,
        progress: bool = False,
    ) -> "SweepResult":
        """Runs the experiment at every point of a design, ``replicates`` runs each (default:
        the scenario's), and returns a :class:`SweepResult` with the ``runs`` and ``points``
        tables (those of ``followership sweep``: ``runs.csv`` and ``points.csv``).

        ``design`` maps scenario keys to their values: a list of values (every combination is
        run: the grid design), or, with ``sampling="random"``, ``"latin-hypercube"`` or
        ``"sobol"`` and ``samples=N``, a ``(low, high)`` pair to draw from. A dict value is a
        parameter as in a scenario's ``[[sweep.parameters]]`` (``{"start": .., "stop": ..,
        "step": ..}``, ``{"low": .., "high": .., "scale": "log"}``, ``{"values": ..,
        "integer": True}``). Values that are not numbers (``["random", "degree"]``) are
        choices. Without ``design``, the scenario's own ``[sweep]`` section is run.

        With ``out``, the sweep is written there as ``followership sweep --out`` writes it
        (``sweep.json``, then ``runs.csv`` block by block, ``block`` runs each, and
        ``points.csv`` at the end); after Ctrl-C, ``resume=True`` continues where the sweep
        stopped, to the same bytes, and ``followership sweep --resume`` continues it too (and
        the other way round). The GIL is released while runs go.
        """
        from ._sweep import local_sweep

        return local_sweep(
            self,
            design,
            replicates,
            sampling=sampling,
            samples=samples,
            threads=threads,
            out=out,
            resume=resume,
            block=block,
            progress=progress,
        )

    def sensitivity(
        self,
        parameters: Optional[Mapping] = None,
        replicates: Optional[int] = None,
        *,
        base_samples: Optional[int] = None,
        bootstrap: Optional[int] = None,
        outcomes: Optional[Sequence[str]] = None,
        per_parameter: Optional[bool] = None,
        threads: Optional[int] = None,
        out: Union[str, "os.PathLike[str]", None] = None,
        resume: bool = False,
        block: int = 512,
        progress: bool = False,
    ) -> "SensitivityResult":
        """How much each parameter (and each group of them) accounts for the variation of the
        outcomes: first-order and total Sobol indices with 95% bootstrap intervals, from a
        sweep over a Saltelli design (``followership sensitivity``). Returns a
        :class:`SensitivityResult`: ``indices`` (a DataFrame: ``outcome``, ``kind``, ``name``,
        ``first``, ``first_low``, ``first_high``, ``total``, ``total_low``, ``total_high``),
        ``moments``, and the ``runs`` and ``points`` of the sweep.

        ``parameters`` maps scenario keys to ``(low, high)`` bounds (integer bounds sample
        whole numbers), or to a dict as in a scenario's ``[[sensitivity.parameters]]``
        (``{"low": .., "high": .., "scale": "log", "group": "leader"}``: parameters sharing a
        ``group`` get indices together too). Without ``parameters`` the scenario's own
        ``[sensitivity]`` section is run; ``base_samples`` (N: the design has N (m + 2) points
        for m factors; default 256 or the section's), ``bootstrap`` (resamples for the
        intervals, default 200; 0 for none), ``outcomes`` (default ``final_fraction`` and
        ``cascaded``) and ``per_parameter`` (False: groups only) change it. ``replicates`` runs
        per point (default: the scenario's); the indices are of each point's mean.

        With ``out``, the sweep is written there as ``followership sensitivity --out`` writes
        it (``sweep.json``, ``runs.csv``, ``points.csv``, ``sensitivity.csv`` and
        ``sensitivity.json``), block by block; after Ctrl-C, ``resume=True`` continues it, from
        Python or from the command line, to the same bytes. The GIL is released while runs go;
        ``progress=True`` shows a progress bar.
        """
        from ._sweep import local_sensitivity

        return local_sensitivity(
            self,
            parameters,
            replicates,
            base_samples=base_samples,
            bootstrap=bootstrap,
            outcomes=outcomes,
            per_parameter=per_parameter,
            threads=threads,
            out=out,
            resume=resume,
            block=block,
            progress=progress,
        )

    def seed(
        self,
        k: int = 10,
        strategy: Union[str, Sequence[str], None] = None,
        *,
        compare: bool = False,
        runs: Optional[int] = None,
        epsilon: float = 0.1,
        ell: float = 1.0,
        time_budget: Optional[float] = None,
        memory_budget: Optional[float] = None,
        celf_runs: int = 100,
        candidates: Optional[int] = 500,
        threads: Optional[int] = None,
        progress: bool = False,
    ) -> "SeedResult":
        """Whom to recruit first: the ``k`` people whose early support makes the movement go
        furthest (``followership seed``; also spelt :meth:`recruit`). Returns a
        :class:`SeedResult`: ``seeds`` in the graph's labels, the ``estimate`` of the final
        size with its 95% interval ``ci``, and ``table`` (one row per strategy). The scenario's
        own random seed is :attr:`random_seed`.

        ``strategy`` is ``"opim"`` (default where the scenario reduces to the independent
        cascade or linear threshold model), ``"imm"``, ``"celf"`` (default otherwise),
        ``"degree-discount"``, ``"pagerank"``, ``"degree"``, ``"k-core"``, ``"clustered"`` or
        ``"random"``, or a list of them; ``compare=True`` runs every strategy. Every choice is
        judged on the same ``runs`` Monte-Carlo runs (default: the scenario's replicates):
        replicate ``r`` of the scenario with the seeds as its initial followers.
        ``epsilon`` and ``ell`` set OPIM-C's and IMM's guarantee (ratio at least 1 - 1/e - epsilon with
        probability 1 - 1/n^ell); ``time_budget`` (seconds) and ``memory_budget`` (megabytes)
        bound OPIM-C; ``celf_runs`` is CELF's runs per evaluation and ``candidates`` the
        people of highest out-degree it considers (None: everyone). The same seeds and
        numbers as ``followership seed --json`` for the same scenario and seed.

        The work runs with the GIL released; Ctrl-C raises ``KeyboardInterrupt`` within a
        fraction of a second (the work itself stops at its next stage). ``progress=True`` shows
        the stage it is at.
        """
        from ._seeding import seed

        return seed(
            self,
            k,
            strategy,
            compare=compare,
            runs=runs,
            epsilon=epsilon,
            ell=ell,
            time_budget=time_budget,
            memory_budget=memory_budget,
            celf_runs=celf_runs,
            candidates=candidates,
            threads=threads,
            progress=progress,
        )

    # The same, by what it does: `experiment.recruit(k=10)`.
    recruit = seed

    def fit(
        self,
        data: Any = None,
        *,
        forecast: Optional[float] = None,
        out: Union[str, "os.PathLike[str]", None] = None,
        resume: bool = False,
        plots: bool = True,
        threads: Optional[int] = None,
        progress: bool = False,
    ) -> "FitResult":
        """Calibrates the scenario's ``[fit]`` section (the parameters and their priors) to an
        observed adoption curve by ABC-SMC, as ``followership fit`` does, and returns a
        :class:`FitResult`: the ``posterior`` samples (a DataFrame of weighted particles), the
        ``summary`` (mean, median and 95% credible interval of each parameter), the
        ``generations`` and the posterior ``predictive`` band over the data.

        ``data`` is the observed curve: a path to a CSV file, or a pandas DataFrame, with the
        columns ``[fit.data]`` names (default: the section's own ``path``). ``forecast=T``
        carries the predictive band on to data time ``T`` and gives the ``forecast`` there
        (final size, share tipped, time to tipping: ``followership fit --forecast T``). With
        ``out``, each finished generation is written there (``out/generations/``), and
        ``resume=True`` continues an interrupted fit from them; at the end ``out`` gets every
        file ``followership fit --out`` writes (and with ``plots``, its figures and
        ``report.html``; see :meth:`FitResult.report`). The GIL is released while the fit
        runs; Ctrl-C raises ``KeyboardInterrupt`` (the fit stops at its next batch of
        proposals; once the posterior is in, after its predictive runs); ``progress=True``
        shows the generation it is at.
        """
        from ._fit import fit

        return fit(self, data, forecast=forecast, out=out, resume=resume, plots=plots, threads=threads, progress=progress)

    # ------------------------------------------------------------------ pickling and display
    def __reduce__(self):
        return (
            _rebuild_experiment,
            (self._native.portable_toml(), self._graph, self._thresholds, self._initial_trust),
        )

    def __repr__(self) -> str:
        return f"<followership.Experiment {self.name!r}: seed {self.random_seed}, {self.replicates} replicates>"


def _rebuild_experiment(toml: str, graph, thresholds, initial_trust) -> Experiment:
    exp = Experiment.from_toml(toml)
    if graph is not None:
        exp = exp.with_network(graph)
    if thresholds is not None:
        exp = exp.with_thresholds(thresholds)
    if initial_trust is not None:
        exp = exp.with_initial_trust(initial_trust)
    return exp


class RunResult:
    """What :meth:`Experiment.run` returns.

    Attributes:
        experiment: the experiment that was run (with the replicates and seed used).
        graph: the network (replicate 0's when each replicate draws its own).
        summary: a DataFrame, one row per replicate, with the columns of ``summary.csv``
            (ticks that never came are ``<NA>``); on a network with blocks (an
            organisation's levels), ``final_fraction_block_0``, ... too: the final share
            following of each block's crowd.
        timeseries: a long DataFrame, one row per replicate and tick, with the columns of
            ``timeseries.csv`` (empty when run with ``timeseries=False``).
        followers: a DataFrame of who dances at the end of replicate 0, with the columns of
            ``followers.csv`` (``replicate, id, joined_tick, leader``; ``id`` in the graph's
            labels).
        final_set: the labels of everyone dancing at the end of replicate 0 (leaders
            included), as a frozenset.
        stats: headline numbers (mean final size and its interval, cascade probability and its
            interval, median ticks), as ``followership run`` prints them.
        wall_seconds: wall time of the run; simulation_seconds: of the simulations alone.
    """

    def __init__(self, experiment: Experiment, data: dict):
        """Builds the tables from the columns the compiled module returns."""
        import pandas as pd

        self.experiment = experiment
        self.graph = experiment._graph if experiment._graph is not None else Graph(data["graph"])
        summary = dict(data["summary"])
        for c in _TICK_COLUMNS:
            ticks = summary[c]
            summary[c] = pd.arrays.IntegerArray(np.where(ticks < 0, 0, ticks).astype(np.int64), ticks < 0)
        self.summary = pd.DataFrame(summary)
        for c in ("replicate", "final_following", "ticks"):
            self.summary[c] = self.summary[c].astype("int64")
        ts = pd.DataFrame(data["timeseries"])
        for c in ("replicate", "tick", "following", "joined", "left", "leaders_dancing"):
            ts[c] = ts[c].astype("int64")
        self.timeseries = ts
        f = data["followers"]
        ids = self.graph.labels_of(f["id"])
        self.followers = pd.DataFrame(
            {
                "replicate": np.zeros(len(ids), dtype=np.int64),
                "id": pd.Series(ids, dtype=object if self.graph._labels is not None else "int64"),
                "joined_tick": f["joined_tick"].astype(np.int64),
                "leader": f["leader"],
            }
        )
        self.final_set = frozenset(ids)
        self.stats = json.loads(data["stats"])
        self.wall_seconds = float(data["wall_seconds"])
        self.simulation_seconds = float(data["simulation_seconds"])

    def story(self, replicate: int = 0) -> str:
        """The story of replicate ``replicate`` (Markdown)."""
        return self.experiment.story(replicate)

    def adoption_svg(self, width: int = 480, height: int = 200) -> str:
        """The adoption curves (fraction of the crowd following, tick by tick, one line per
        replicate, at most 200 of them) as an SVG document."""
        ts = self.timeseries
        n = max(1, self.graph.node_count)
        if ts.empty:
            return ""
        max_tick = max(1, int(ts["tick"].max()))
        pad = 30
        lines = []
        for r, g in list(ts.groupby("replicate"))[:200]:
            xs = pad + (width - pad - 5) * g["tick"].to_numpy() / max_tick
            ys = height - pad - (height - pad - 5) * g["following"].to_numpy() / n
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
            lines.append(f'<polyline points="{pts}" fill="none" stroke="#3465a4" stroke-opacity="0.35"/>')
        axes = (
            f'<line x1="{pad}" y1="{height - pad}" x2="{width - 5}" y2="{height - pad}" stroke="#555"/>'
            f'<line x1="{pad}" y1="5" x2="{pad}" y2="{height - pad}" stroke="#555"/>'
            f'<text x="{pad}" y="{height - 10}" font-size="11">0</text>'
            f'<text x="{width - 5}" y="{height - 10}" font-size="11" text-anchor="end">tick {max_tick}</text>'
            f'<text x="{pad - 4}" y="14" font-size="11" text-anchor="end">100%</text>'
            f'<text x="{pad - 4}" y="{height - pad}" font-size="11" text-anchor="end">0</text>'
        )
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'role="img" aria-label="fraction following by tick">{axes}{"".join(lines)}</svg>'
        )

    def _repr_html_(self) -> str:
        s = self.stats
        pct = lambda x: f"{100 * x:.1f}%"  # noqa: E731
        rows = [
            ("runs", f"{s['replicates']} on {self.graph.node_count} people"),
            (
                "final size",
                f"{pct(s['final_fraction_mean'])} (95% CI {pct(s['final_fraction_ci'][0])} to {pct(s['final_fraction_ci'][1])})",
            ),
            (
                "cascade probability",
                f"{pct(s['cascade_probability'])} (95% CI {pct(s['cascade_probability_ci'][0])} to {pct(s['cascade_probability_ci'][1])})",
            ),
            ("median ticks", f"{s['median_ticks']:g}"),
        ]
        table = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
        return (
            f"<div><strong>{html.escape(self.experiment.name)}</strong>"
            f"<table>{table}</table>{self.adoption_svg()}</div>"
        )

    def __repr__(self) -> str:
        s = self.stats
        return (
            f"<followership.RunResult {self.experiment.name!r}: {s['replicates']} runs, "
            f"mean final size {100 * s['final_fraction_mean']:.1f}%, "
            f"cascade probability {100 * s['cascade_probability']:.1f}%>"
        )


class Simulation:
    """One replicate played tick by tick.

    ``step()`` plays one tick and returns its record (a dict with the columns of
    ``timeseries.csv`` but the replicate), or None once the run is over; ``status`` and
    ``trust`` read everyone's state between ticks, as numpy arrays by dense id. Iterating a
    simulation steps it to its end. Stepped to its end, it records exactly what running the
    replicate does.
    """

    __slots__ = ("_native", "graph")

    def __init__(self, native: "_native.Simulation", graph: Graph):
        """Wraps a compiled simulation; use :meth:`Experiment.simulation` instead."""
        self._native = native
        #: The network it runs on.
        self.graph = graph

    def step(self) -> Optional[dict]:
        """Plays the next tick and returns its record, or None once the run is over."""
        return self._native.step()

    def __iter__(self) -> Iterator[dict]:
        """Steps to the end, yielding every tick's record."""
        while True:
            t = self._native.step()
            if t is None:
                return
            yield t

    @property
    def tick(self) -> int:
        """The current tick (0 before the first step)."""
        return self._native.tick

    @property
    def over(self) -> bool:
        """Whether the run is over."""
        return self._native.over

    @property
    def following(self) -> int:
        """How many of the crowd follow now."""
        return self._native.following

    @property
    def replicate(self) -> int:
        """The replicate (the name of its random streams)."""
        return self._native.replicate

    @property
    def status(self) -> np.ndarray:
        """Everyone's :class:`Status` now (int8, by dense id)."""
        return self._native.status()

    @property
    def trust(self) -> Optional[np.ndarray]:
        """Everyone's trust in the leader now (float64, by dense id); None when the scenario
        does not model trust."""
        return self._native.trust()

    @property
    def followers(self) -> list:
        """The labels of the crowd following now."""
        return self.graph.labels_of(np.flatnonzero(self.status == Status.FOLLOWING))

    @property
    def leaders(self) -> list:
        """The leaders' labels."""
        return self.graph.labels_of(self._native.leaders())

    def finish(self) -> dict:
        """Ends the run where it stands and returns its outcome (the columns of
        ``summary.csv`` but the replicate; a tick that never came is None)."""
        return self._native.finish()

    def run(self) -> dict:
        """Steps to the end and returns the outcome."""
        for _ in self:
            pass
        return self.finish()

    def __repr__(self) -> str:
        try:
            return f"<followership.Simulation replicate {self.replicate}: tick {self.tick}, {self.following} following>"
        except RuntimeError:
            return f"<followership.Simulation replicate {self.replicate}: finished>"

