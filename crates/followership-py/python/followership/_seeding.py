"""Whom to recruit first: :meth:`Experiment.seed` and :class:`SeedResult`."""

from __future__ import annotations

from typing import Optional, Sequence, Union

from ._graph import Graph, _scenario_error
from ._progress import stage_callback

#: Every strategy, in the order ``followership seed --compare`` lists them.
STRATEGIES = ("imm", "opim", "celf", "degree-discount", "pagerank", "degree", "k-core", "clustered", "random")


def seed(
    experiment,
    k: int,
    strategy: Union[str, Sequence[str], None],
    *,
    compare: bool,
    runs: Optional[int],
    epsilon: float,
    ell: float,
    time_budget: Optional[float],
    memory_budget: Optional[float],
    celf_runs: int,
    candidates: Optional[int],
    threads: Optional[int],
    progress: bool,
) -> "SeedResult":
    """:meth:`Experiment.seed`."""
    if compare:
        if strategy is not None:
            raise _scenario_error("strategy", "give a strategy or compare=True, not both")
        strategies = list(STRATEGIES)
    elif strategy is None:
        strategies = []
    elif isinstance(strategy, str):
        strategies = [strategy]
    else:
        strategies = list(strategy)
    callback, close = stage_callback(progress, f"{experiment.name}: seeds")
    try:
        data = experiment._native.seed_set(
            int(k), strategies, runs, float(epsilon), float(ell), time_budget, memory_budget, int(celf_runs), candidates, threads, callback
        )
    finally:
        close()
    graph = experiment._graph if experiment._graph is not None else Graph(data["graph"])
    return SeedResult(graph, int(k), data)


class SeedResult:
    """What :meth:`Experiment.seed` returns: whom to recruit first, and how far each choice
    goes.

    Attributes:
        seeds: the people to recruit first, in the graph's labels (networkx labels when the
            network came from networkx), in the order chosen, by the first strategy.
        strategy: the first strategy's name (the scenario's default when none was given).
        estimate: the expected final size (number of people following) of that choice, over
            ``runs`` Monte-Carlo runs; ``ci``: its 95% interval ``(low, high)``.
        table: a DataFrame, one row per strategy (every strategy, evaluated on the same runs,
            with ``compare=True``): ``strategy``, ``seeds`` (a list of labels),
            ``expected_final_size``, ``ci_low``, ``ci_high``, ``runs``, ``own_estimate`` (the
            strategy's own estimate, when it makes one), ``rr_sets``, ``rr_selection_sets``,
            ``guarantee`` and ``stopped`` (OPIM-C), ``evaluations`` (CELF), ``seconds``: the
            numbers of ``followership seed --json``.
        k, runs; notes: what the engine said on the way (a strategy skipped, a setting
            ignored); graph: the network the seeds were chosen on; wall_seconds.
    """

    def __init__(self, graph: Graph, k: int, data: dict):
        """Builds the table from what the compiled module returns."""
        import pandas as pd

        self.graph = graph
        self.k = k
        self.runs = data["runs"]
        self.notes = list(data["notes"])
        self.wall_seconds = data["wall_seconds"]
        rows = []
        for r in data["results"]:
            rows.append(
                {
                    "strategy": r["strategy"],
                    "seeds": graph.labels_of(r["seeds"]),
                    "expected_final_size": r["mean"],
                    "ci_low": r["ci_low"],
                    "ci_high": r["ci_high"],
                    "runs": r["runs"],
                    "own_estimate": r["own_estimate"],
                    "rr_sets": r["rr_sets"],
                    "rr_selection_sets": r["rr_selection_sets"],
                    "guarantee": r["guarantee"],
                    "stopped": r["stopped"],
                    "evaluations": r["evaluations"],
                    "seconds": r["seconds"],
                }
            )
        self.table = pd.DataFrame(rows)
        first = rows[0] if rows else None
        self.strategy: Optional[str] = first["strategy"] if first else None
        self.seeds: list = first["seeds"] if first else []
        self.estimate: float = first["expected_final_size"] if first else float("nan")
        self.ci: tuple = (first["ci_low"], first["ci_high"]) if first else (float("nan"), float("nan"))

    def __repr__(self) -> str:
        if self.strategy is None:
            return "<followership.SeedResult: no strategy applied>"
        more = f" ({len(self.table)} strategies compared)" if len(self.table) > 1 else ""
        return (
            f"<followership.SeedResult {self.strategy}: recruit {self.seeds!r}; expected final size "
            f"{self.estimate:.1f} (95% CI {self.ci[0]:.1f} to {self.ci[1]:.1f}, {self.runs} runs){more}>"
        )

    def _repr_html_(self) -> str:
        return self.table._repr_html_()
