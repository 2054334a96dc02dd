"""Networks of people: :class:`Graph`, built from networkx, numpy edge arrays or scipy sparse
matrices, keeping the caller's node labels so that every output speaks them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Hashable, Iterable, Optional, Sequence

import numpy as np

from . import _native
from ._native import NetworkError, ScenarioError

_U32_MAX = np.iinfo(np.uint32).max


def _network_error(place: str, message: str) -> NetworkError:
    err = NetworkError(f"{place}: {message}")
    err.place = place
    err.message = message
    return err


def _scenario_error(place: str, message: str) -> ScenarioError:
    err = ScenarioError(f"{place}: {message}")
    err.place = place
    err.message = message
    return err


def _is_int_label(x: Any) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


class Graph:
    """A network of people: who sees whom (an edge ``u -> v`` means ``v`` sees ``u``: ``u``'s
    dancing can move ``v``), with optional edge weights, positions and blocks.

    People carry labels: the node labels of a networkx graph (any hashable), the integers of an
    edge array, or ``0..n-1``. Runs, stories of integer-labelled graphs, final sets and
    per-person values given as dicts all speak these labels. Internally each person also has a
    dense id ``0..n-1`` (the order of :attr:`labels`), which numpy arrays of per-person values
    follow.

    Build one with :meth:`from_networkx`, :meth:`from_edges` or :meth:`from_scipy`, or get the
    network of a scenario with :meth:`Experiment.network`.
    """

    __slots__ = ("_native", "_labels", "_index")

    def __init__(self, native: "_native.Graph", labels: Optional[Sequence[Hashable]] = None):
        """Wraps a compiled graph; ``labels`` (one per dense id) when they are not integers kept
        by the engine. Use the ``from_*`` constructors instead."""
        self._native = native
        self._labels = list(labels) if labels is not None else None
        self._index: Optional[dict] = None

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_edges(
        cls,
        edges: Any,
        weights: Any = None,
        *,
        directed: bool = False,
        nodes: Optional[int] = None,
        positions: Any = None,
        blocks: Any = None,
    ) -> "Graph":
        """A graph from an ``(m, 2)`` array of person ids, one edge ``source -> target`` a row
        (the target sees the source), without a Python loop.

        Non-negative integer ids below 2**32 are taken as they are: the network has
        ``nodes`` people (default: the largest id plus one), labelled ``0..nodes-1``. Other ids
        (negative or larger integers, strings) are relabelled in sorted order and kept as
        labels. ``weights`` (one finite positive number per edge) make the graph weighted;
        ``positions`` (``(n, 2)`` in the unit square) and ``blocks`` (one integer per person)
        are optional. Undirected edges may be given once in either direction; self-loops and
        repeated edges are dropped.
        """
        arr = np.asarray(edges)
        if arr.ndim != 2 or arr.shape[1] != 2:
            if arr.size == 0 and nodes:
                arr = np.zeros((0, 2), dtype=np.int64)
            else:
                raise _network_error(
                    "edges", f"shape {arr.shape}; give an (m, 2) array, one edge (source, target) a row"
                )
        w = None
        if weights is not None:
            w = np.ascontiguousarray(np.asarray(weights, dtype=np.float32).reshape(-1))
        pos = None if positions is None else np.ascontiguousarray(np.asarray(positions, dtype=np.float32))
        blk = None if blocks is None else np.ascontiguousarray(np.asarray(blocks, dtype=np.uint32))
        if arr.dtype.kind in "iu":
            # Read in parallel by the compiled module, straight from the array (any layout);
            # None when some id is negative or too large to be a dense id: those are labels.
            native = _native.Graph.from_id_array(arr, None if nodes is None else int(nodes), w, directed, pos, blk)
            if native is not None:
                return cls(native)
        elif arr.dtype.kind == "f":
            raise _network_error("edges", "ids must be integers (or labels such as strings), not floats")
        # Relabel: sorted unique ids become dense ids.
        uniq, inverse = np.unique(arr.reshape(-1), return_inverse=True)
        if nodes is not None and nodes != len(uniq):
            raise _network_error("nodes", f"{nodes} people given but the edges name {len(uniq)}")
        inverse = inverse.reshape(-1, 2).astype(np.uint32)
        s = np.ascontiguousarray(inverse[:, 0])
        t = np.ascontiguousarray(inverse[:, 1])
        if uniq.dtype.kind in "iu" and (uniq.size == 0 or int(uniq[0]) >= 0):
            native = _native.Graph.from_arrays(len(uniq), s, t, w, directed, uniq.astype(np.uint64), pos, blk)
            return cls(native)
        native = _native.Graph.from_arrays(len(uniq), s, t, w, directed, None, pos, blk)
        return cls(native, [x.item() if hasattr(x, "item") else x for x in uniq])

    @classmethod
    def from_networkx(
        cls,
        G: Any,
        *,
        weight: Optional[str] = "weight",
        positions: Optional[str] = None,
        block: Optional[str] = None,
    ) -> "Graph":
        """A graph from a networkx graph, keeping its node labels (any hashable).

        Directed graphs stay directed (an edge ``(u, v)``: ``v`` sees ``u``). Edges carrying
        the attribute ``weight`` make the graph weighted (edges without it weigh 1); pass
        ``weight=None`` to ignore weights. ``positions`` and ``block`` name node attributes to
        keep (positions in the unit square, blocks as integers). When every label is a
        non-negative integer, people are ordered by label and the engine keeps the labels (so
        scenarios that name people by id, and stories, speak them); otherwise people are in
        the graph's node order.
        """
        nodes = list(G.nodes)
        if not nodes:
            raise _network_error("network", "the networkx graph has no nodes")
        ints = all(_is_int_label(x) for x in nodes) and min(nodes) >= 0 and max(nodes) < 2**64
        if ints:
            nodes = sorted(int(x) for x in nodes)
        index = {x: i for i, x in enumerate(nodes)}
        m = G.number_of_edges()
        s = np.empty(m, dtype=np.uint32)
        t = np.empty(m, dtype=np.uint32)
        w = np.ones(m, dtype=np.float32) if weight is not None else None
        weighted = False
        if weight is not None:
            for i, (u, v, d) in enumerate(G.edges(data=weight)):
                s[i] = index[u]
                t[i] = index[v]
                if d is not None:
                    w[i] = d
                    weighted = True
        else:
            for i, (u, v) in enumerate(G.edges()):
                s[i] = index[u]
                t[i] = index[v]
        pos = None
        if positions is not None:
            attr = G.nodes(data=positions)
            pos = np.asarray([attr[x] for x in nodes], dtype=np.float32)
        blk = None
        if block is not None:
            attr = G.nodes(data=block)
            blk = np.asarray([attr[x] for x in nodes], dtype=np.uint32)
        native = _native.Graph.from_arrays(
            len(nodes),
            s,
            t,
            w if weighted else None,
            bool(G.is_directed()),
            np.asarray(nodes, dtype=np.uint64) if ints else None,
            pos,
            blk,
        )
        return cls(native, None if ints else nodes)

    @classmethod
    def from_scipy(
        cls,
        matrix: Any,
        *,
        directed: Optional[bool] = None,
        labels: Optional[Sequence[Hashable]] = None,
    ) -> "Graph":
        """A graph from a square scipy sparse adjacency matrix (CSR, CSC, COO or any other):
        a stored entry ``A[u, v]`` is an edge ``u -> v`` (``v`` sees ``u``) with that weight.

        ``directed`` defaults to whether the matrix is asymmetric; an undirected graph takes
        every stored entry as an edge both ways. Entries of 1 everywhere make an unweighted
        graph. ``labels`` (one per row) name the people; by default they are ``0..n-1``.
        """
        from scipy import sparse

        if not sparse.issparse(matrix):
            raise _network_error("matrix", "give a scipy sparse matrix (or use Graph.from_edges for an edge array)")
        n, k = matrix.shape
        if n != k:
            raise _network_error("matrix", f"shape {matrix.shape}; an adjacency matrix is square")
        coo = sparse.coo_matrix(matrix)
        coo.eliminate_zeros()
        if directed is None:
            directed = (abs(coo - coo.T) > 0).nnz > 0
        data = np.asarray(coo.data, dtype=np.float32)
        w = None if np.all(data == 1.0) else data
        s = np.ascontiguousarray(coo.row, dtype=np.uint32)
        t = np.ascontiguousarray(coo.col, dtype=np.uint32)
        native = _native.Graph.from_arrays(n, s, t, w, bool(directed), None, None, None)
        if labels is not None:
            labels = list(labels)
            if len(labels) != n:
                raise _network_error("labels", f"{len(labels)} labels for {n} people; give one per row")
            if len(set(labels)) != n:
                raise _network_error("labels", "labels must be distinct")
        return cls(native, labels)

    # ------------------------------------------------------------------ facts
    @property
    def node_count(self) -> int:
        """Number of people."""
        return self._native.node_count

    def __len__(self) -> int:
        """Number of people."""
        return self._native.node_count

    @property
    def edge_count(self) -> int:
        """Number of edges (an undirected edge counts once)."""
        return self._native.edge_count

    @property
    def directed(self) -> bool:
        """Whether edges have a direction."""
        return self._native.directed

    @property
    def weighted(self) -> bool:
        """Whether edges carry weights."""
        return self._native.weighted

    @property
    def labels(self) -> list:
        """Every person's label, by dense id."""
        if self._labels is not None:
            return list(self._labels)
        native = self._native.labels()
        if native is not None:
            return native.tolist()
        return list(range(self.node_count))

    def label(self, dense_id: int) -> Hashable:
        """The label of the person with dense id ``dense_id``."""
        if self._labels is not None:
            return self._labels[dense_id]
        native = self._native.labels()
        return int(native[dense_id]) if native is not None else int(dense_id)

    def labels_of(self, dense_ids: Iterable[int]) -> list:
        """The labels of the people with the dense ids given, in order."""
        ids = np.asarray(list(dense_ids) if not isinstance(dense_ids, np.ndarray) else dense_ids, dtype=np.int64)
        if self._labels is not None:
            return [self._labels[i] for i in ids]
        native = self._native.labels()
        if native is not None:
            return native[ids].tolist()
        return ids.tolist()

    def index(self, label: Hashable) -> int:
        """The dense id of the person labelled ``label`` (``KeyError`` if there is none)."""
        if self._index is None:
            self._index = {x: i for i, x in enumerate(self.labels)}
        return self._index[label]

    @property
    def positions(self) -> Optional[np.ndarray]:
        """Positions in the unit square (``(n, 2)``), when the network has them."""
        return self._native.positions()

    @property
    def blocks(self) -> Optional[np.ndarray]:
        """Each person's block, when the network has blocks."""
        return self._native.blocks()

    def edges(self) -> tuple:
        """The edges as ``(sources, targets, weights)`` numpy arrays of dense ids (``weights``
        is None for an unweighted graph); an undirected edge appears once."""
        return self._native.edges()

    def to_networkx(self) -> Any:
        """The graph as a networkx ``Graph`` (or ``DiGraph``) with the same labels, edges,
        weights (attribute ``weight``) and, when present, node attributes ``pos`` and
        ``block``."""
        import networkx as nx

        G = nx.DiGraph() if self.directed else nx.Graph()
        labels = self.labels
        pos = self.positions
        blocks = self.blocks
        if pos is None and blocks is None:
            G.add_nodes_from(labels)
        else:
            for i, x in enumerate(labels):
                attrs = {}
                if pos is not None:
                    attrs["pos"] = (float(pos[i, 0]), float(pos[i, 1]))
                if blocks is not None:
                    attrs["block"] = int(blocks[i])
                G.add_node(x, **attrs)
        s, t, w = self.edges()
        if self._labels is None and self._native.labels() is None:
            ls, lt = s.tolist(), t.tolist()
        else:
            ls, lt = self.labels_of(s), self.labels_of(t)
        if w is None:
            G.add_edges_from(zip(ls, lt))
        else:
            G.add_weighted_edges_from(zip(ls, lt, w.tolist()))
        return G

    def out_degrees(self) -> np.ndarray:
        """How many people see each person (out-degree), by dense id."""
        return self._native.out_degrees()

    # ------------------------------------------------------------------ per-person values
    def per_person(self, values: Any, what: str) -> np.ndarray:
        """``values`` as a float64 array by dense id: a sequence or numpy array of one value per
        person (in dense-id order), or a mapping (dict, pandas Series) from label to value
        covering everyone. Raises :class:`ScenarioError` naming ``what`` when a value is
        missing, a label is unknown, or the length is wrong."""
        n = self.node_count
        if hasattr(values, "to_dict") and hasattr(values, "index") and not isinstance(values, np.ndarray):
            values = values.to_dict()
        if isinstance(values, Mapping):
            out = np.empty(n, dtype=np.float64)
            labels = self.labels
            for i, x in enumerate(labels):
                try:
                    out[i] = values[x]
                except KeyError:
                    raise _scenario_error(f"{what}[{x!r}]", f"no value for person {x!r}; give one for every person") from None
                except (TypeError, ValueError):
                    raise _scenario_error(f"{what}[{x!r}]", f"{values[x]!r} is not a number") from None
            if len(values) != n:
                known = set(labels)
                extra = next((k for k in values if k not in known), None)
                raise _scenario_error(f"{what}[{extra!r}]", f"{extra!r} is not a person of the network")
            return out
        try:
            arr = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as e:
            raise _scenario_error(what, f"not numbers: {e}") from None
        if arr.ndim != 1:
            raise _scenario_error(what, f"shape {arr.shape}; give one value per person (a 1-d array) or a dict by label")
        if len(arr) != n:
            raise _scenario_error(
                what, f"{len(arr)} values given for a network of {n} people; give one per person, in dense-id order, or a dict by label"
            )
        return np.ascontiguousarray(arr)

    # ------------------------------------------------------------------ pickling
    def __reduce__(self):
        s, t, w = self.edges()
        return (
            _rebuild_graph,
            (self.node_count, s, t, w, self.directed, self._native.labels(), self.positions, self.blocks, self._labels),
        )

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        return f"<followership.Graph: {self.node_count} people, {self.edge_count} edges, {kind}>"


def _rebuild_graph(n, s, t, w, directed, native_labels, positions, blocks, labels):
    native = _native.Graph.from_arrays(n, s, t, w, directed, native_labels, positions, blocks)
    return Graph(native, labels)
