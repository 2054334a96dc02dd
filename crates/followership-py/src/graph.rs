//! The `Graph` class: a network of people held by the engine, built from numpy arrays of
//! dense ids (the Python layer maps labels of any hashable type to dense ids and back).

use std::sync::Arc;

use followership::graph::{Graph as EngineGraph, GraphBuilder};
use numpy::{PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use rayon::prelude::*;

use crate::errors::bad_network;

/// A network of people: who sees whom, with optional edge weights, integer labels, positions
/// and blocks. Build it with `Graph.from_arrays`; the Python class `followership.Graph` wraps it
/// with labels of any type.
#[pyclass(module = "followership._native", frozen)]
pub struct Graph {
    /// The engine's graph, shared with experiments and runs without copying.
    pub graph: Arc<EngineGraph>,
}

impl Graph {
    /// Wraps an engine graph.
    pub fn new(graph: EngineGraph) -> Self {
        Graph {
            graph: Arc::new(graph),
        }
    }
}

/// Edges as numpy arrays: sources, targets and (for a weighted graph) weights.
type Edges<'py> = (
    Bound<'py, PyArray1<u32>>,
    Bound<'py, PyArray1<u32>>,
    Option<Bound<'py, PyArray1<f32>>>,
);

/// Checks that every id in `ids` is below `n`, naming the first that is not.
fn check_ids(ids: &[u32], n: usize, what: &str) -> PyResult<()> {
    if let Some((i, v)) = ids.iter().enumerate().find(|(_, v)| **v as usize >= n) {
        return Err(bad_network(
            format!("{what}[{i}]"),
            format!("person {v} is not in a network of {n} people (ids are 0 to n - 1)"),
        ));
    }
    Ok(())
}

/// Checks the number of people of a network.
fn check_nodes(nodes: usize) -> PyResult<()> {
    if nodes == 0 {
        return Err(bad_network("nodes", "the network has no people"));
    }
    if nodes > u32::MAX as usize {
        return Err(bad_network("nodes", format!("at most {} people", u32::MAX)));
    }
    Ok(())
}

/// Edges per chunk when an id array is split into columns in parallel.
const ID_CHUNK: usize = 1 << 16;

/// The columns of an `(m, 2)` integer id array as u32 sources and targets, with the largest id
/// (None without edges); `None` when the array is not a 2-D array of a (native-endian) integer
/// dtype or holds an id that is negative or not below `u32::MAX`.
#[allow(clippy::type_complexity)]
fn id_columns(
    py: Python<'_>,
    edges: &Bound<'_, PyAny>,
) -> PyResult<Option<(Vec<u32>, Vec<u32>, Option<u32>)>> {
    macro_rules! try_dtype {
        ($($t:ty),*) => {$(
            if let Ok(a) = edges.extract::<PyReadonlyArray2<'_, $t>>() {
                let view = a.as_array();
                if view.shape()[1] != 2 {
                    return Ok(None);
                }
                return Ok(py.detach(|| split_columns(view, |x: $t| u32::try_from(x).ok())));
            }
        )*};
    }
    try_dtype!(i64, u64, i32, u32, i16, u16, i8, u8);
    Ok(None)
}

/// [`id_columns`] for an array view whose elements `id` turns into dense ids (None: not one).
#[allow(clippy::type_complexity)]
fn split_columns<T: Copy + Sync>(
    a: numpy::ndarray::ArrayView2<'_, T>,
    id: impl Fn(T) -> Option<u32> + Sync,
) -> Option<(Vec<u32>, Vec<u32>, Option<u32>)> {
    let m = a.shape()[0];
    let mut s = vec![0u32; m];
    let mut t = vec![0u32; m];
    // u32::MAX is not an id (ids are below the number of people, at most u32::MAX).
    let ok = |x: T| id(x).filter(|&v| v != u32::MAX);
    let top = s
        .par_chunks_mut(ID_CHUNK)
        .zip(t.par_chunks_mut(ID_CHUNK))
        .enumerate()
        .map(|(c, (sc, tc))| {
            let first = c * ID_CHUNK;
            let mut top: Option<u32> = None;
            for (i, (sv, tv)) in sc.iter_mut().zip(tc.iter_mut()).enumerate() {
                let row = first + i;
                let (x, y) = (ok(a[[row, 0]])?, ok(a[[row, 1]])?);
                *sv = x;
                *tv = y;
                top = top.max(Some(x.max(y)));
            }
            Some(top)
        })
        .try_reduce(|| None, |a, b| Some(a.max(b)))?;
    Some((s, t, top))
}

/// What a graph may carry besides its edges, checked: weights, labels, positions, blocks.
struct Extras {
    weights: Option<Vec<f32>>,
    labels: Option<Vec<u64>>,
    positions: Option<Vec<[f32; 2]>>,
    blocks: Option<Vec<u32>>,
}

impl Extras {
    /// Reads and checks the extras of a graph of `nodes` people and `edges` edges.
    fn read(
        nodes: usize,
        edges: usize,
        weights: Option<PyReadonlyArray1<'_, f32>>,
        labels: Option<PyReadonlyArray1<'_, u64>>,
        positions: Option<PyReadonlyArray2<'_, f32>>,
        blocks: Option<PyReadonlyArray1<'_, u32>>,
    ) -> PyResult<Extras> {
        let weights = match &weights {
            Some(w) => {
                let w = w.as_slice()?;
                if w.len() != edges {
                    return Err(bad_network(
                        "weights",
                        format!("{} weights for {edges} edges; give one per edge", w.len()),
                    ));
                }
                if let Some((i, x)) = w
                    .iter()
                    .enumerate()
                    .find(|(_, x)| !(x.is_finite() && **x > 0.0))
                {
                    return Err(bad_network(
                        format!("weights[{i}]"),
                        format!(
                            "{x} is not a valid weight; every weight must be finite and positive"
                        ),
                    ));
                }
                Some(w.to_vec())
            }
            None => None,
        };
        let labels = match &labels {
            Some(l) => {
                let l = l.as_slice()?;
                if l.len() != nodes {
                    return Err(bad_network(
                        "labels",
                        format!("{} labels for {nodes} people; give one per person", l.len()),
                    ));
                }
                if let Some(i) = l.windows(2).position(|w| w[0] >= w[1]) {
                    return Err(bad_network(
                        format!("labels[{}]", i + 1),
                        "integer labels must be distinct and ascending",
                    ));
                }
                Some(l.to_vec())
            }
            None => None,
        };
        let positions = match &positions {
            Some(p) => {
                let a = p.as_array();
                if a.shape() != [nodes, 2] {
                    return Err(bad_network(
                        "positions",
                        format!(
                            "shape {:?}; give an ({nodes}, 2) array, one (x, y) per person",
                            a.shape()
                        ),
                    ));
                }
                let v: Vec<[f32; 2]> = a.rows().into_iter().map(|r| [r[0], r[1]]).collect();
                if let Some((i, p)) = v
                    .iter()
                    .enumerate()
                    .find(|(_, p)| !p.iter().all(|c| (0.0..=1.0).contains(c)))
                {
                    return Err(bad_network(
                        format!("positions[{i}]"),
                        format!("{p:?} is outside the unit square; scale positions to [0, 1]"),
                    ));
                }
                Some(v)
            }
            None => None,
        };
        let blocks = match &blocks {
            Some(b) => {
                let b = b.as_slice()?;
                if b.len() != nodes {
                    return Err(bad_network(
                        "blocks",
                        format!("{} blocks for {nodes} people; give one per person", b.len()),
                    ));
                }
                Some(b.to_vec())
            }
            None => None,
        };
        Ok(Extras {
            weights,
            labels,
            positions,
            blocks,
        })
    }

    /// The graph of `nodes` people with the edges `s[i] -> t[i]` (ids checked) and these
    /// extras, built on the engine's builder without copying the edges again.
    fn build(self, nodes: usize, directed: bool, s: Vec<u32>, t: Vec<u32>) -> Graph {
        let mut builder = GraphBuilder::from_edges(nodes, directed, s, t, self.weights);
        if let Some(l) = self.labels {
            builder = builder.labels(l);
        }
        if let Some(p) = self.positions {
            builder = builder.positions(p);
        }
        if let Some(b) = self.blocks {
            builder = builder.blocks(b);
        }
        Graph::new(builder.build().0)
    }
}

#[pymethods]
impl Graph {
    /// A graph of `nodes` people from parallel arrays of dense ids (`sources[i] -> targets[i]`:
    /// the target sees the source), with optional `weights` (finite and positive), sorted
    /// integer `labels` (one per person, ascending: the ids outputs and scenarios use),
    /// `positions` (an `(n, 2)` array in the unit square) and `blocks`. Undirected edges may be
    /// given once in either direction; self-loops and repeated edges are dropped.
    #[staticmethod]
    #[pyo3(signature = (nodes, sources, targets, weights=None, directed=false, labels=None, positions=None, blocks=None))]
    #[allow(clippy::too_many_arguments)]
    fn from_arrays(
        py: Python<'_>,
        nodes: usize,
        sources: PyReadonlyArray1<'_, u32>,
        targets: PyReadonlyArray1<'_, u32>,
        weights: Option<PyReadonlyArray1<'_, f32>>,
        directed: bool,
        labels: Option<PyReadonlyArray1<'_, u64>>,
        positions: Option<PyReadonlyArray2<'_, f32>>,
        blocks: Option<PyReadonlyArray1<'_, u32>>,
    ) -> PyResult<Self> {
        check_nodes(nodes)?;
        let s = sources.as_slice()?;
        let t = targets.as_slice()?;
        if s.len() != t.len() {
            return Err(bad_network(
                "edges",
                format!("{} sources but {} targets", s.len(), t.len()),
            ));
        }
        let extras = Extras::read(nodes, s.len(), weights, labels, positions, blocks)?;
        let (s, t) = py.detach(|| {
            check_ids(s, nodes, "sources")?;
            check_ids(t, nodes, "targets")?;
            Ok::<_, PyErr>((s.to_vec(), t.to_vec()))
        })?;
        Ok(py.detach(|| extras.build(nodes, directed, s, t)))
    }

    /// A graph from an `(m, 2)` numpy array of integer ids (any integer dtype, any memory
    /// layout), one edge `source -> target` a row, read in parallel without a Python loop and
    /// without an intermediate copy. The network has `nodes` people (None: the largest id plus
    /// one). Returns None when some id is negative or not below 2**32 - 1: such ids are labels,
    /// which the Python layer relabels. `weights`, `positions` and `blocks` as for
    /// `from_arrays`.
    #[staticmethod]
    #[pyo3(signature = (edges, nodes=None, weights=None, directed=false, positions=None, blocks=None))]
    fn from_id_array(
        py: Python<'_>,
        edges: &Bound<'_, PyAny>,
        nodes: Option<usize>,
        weights: Option<PyReadonlyArray1<'_, f32>>,
        directed: bool,
        positions: Option<PyReadonlyArray2<'_, f32>>,
        blocks: Option<PyReadonlyArray1<'_, u32>>,
    ) -> PyResult<Option<Self>> {
        let Some((s, t, top)) = id_columns(py, edges)? else {
            return Ok(None);
        };
        let n = match nodes {
            Some(n) => n,
            None => top.map_or(0, |top| top as usize + 1),
        };
        if n == 0 {
            return Err(bad_network(
                "edges",
                "no edges and no nodes: the network has no people",
            ));
        }
        check_nodes(n)?;
        if let Some(top) = top
            && top as usize >= n
        {
            return Err(bad_network(
                "edges",
                format!("person {top} is not in a network of {n} people (ids are 0 to nodes - 1)"),
            ));
        }
        let extras = Extras::read(n, s.len(), weights, None, positions, blocks)?;
        Ok(Some(py.detach(|| extras.build(n, directed, s, t))))
    }

    /// Number of people.
    #[getter]
    fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of edges, each undirected edge counted once.
    #[getter]
    fn edge_count(&self) -> usize {
        let m = self.graph.edge_count();
        if self.graph.is_directed() { m } else { m / 2 }
    }

    /// Whether edges have a direction.
    #[getter]
    fn directed(&self) -> bool {
        self.graph.is_directed()
    }

    /// Whether edges carry weights.
    #[getter]
    fn weighted(&self) -> bool {
        self.graph.is_weighted()
    }

    /// The edges as `(sources, targets, weights)` arrays of dense ids (weights `None` when the
    /// graph is unweighted); an undirected edge is given once, from its smaller id.
    fn edges<'py>(&self, py: Python<'py>) -> Edges<'py> {
        let g = &self.graph;
        let (s, t, w) = py.detach(|| {
            let adj = g.out_adjacency();
            let offsets = adj.offsets();
            let targets = adj.targets();
            let weights = adj.all_weights();
            let mut s = Vec::new();
            let mut t = Vec::new();
            let mut w = weights.map(|_| Vec::new());
            for v in 0..g.node_count() {
                for e in offsets[v] as usize..offsets[v + 1] as usize {
                    let u = targets[e];
                    if g.is_directed() || v as u32 <= u {
                        s.push(v as u32);
                        t.push(u);
                        if let (Some(w), Some(all)) = (&mut w, weights) {
                            w.push(all[e]);
                        }
                    }
                }
            }
            (s, t, w)
        });
        (
            PyArray1::from_vec(py, s),
            PyArray1::from_vec(py, t),
            w.map(|w| PyArray1::from_vec(py, w)),
        )
    }

    /// The integer labels of the people (ascending), or `None` when they are the dense ids.
    fn labels<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyArray1<u64>>> {
        self.graph.labels().map(|l| PyArray1::from_slice(py, l))
    }

    /// Positions in the unit square as an `(n, 2)` array, when the network has them.
    fn positions<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyArray2<f32>>> {
        self.graph.positions().map(|p| {
            let flat: Vec<f32> = p.iter().flatten().copied().collect();
            PyArray1::from_vec(py, flat)
                .reshape([p.len(), 2])
                .expect("n * 2 values make an (n, 2) array")
        })
    }

    /// The block of every person, when the network has blocks.
    fn blocks<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyArray1<u32>>> {
        self.graph.blocks().map(|b| PyArray1::from_slice(py, b))
    }

    /// Out-degree (how many people see each person), by dense id.
    fn out_degrees<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<u64>> {
        let o = self.graph.out_adjacency().offsets();
        PyArray1::from_vec(py, o.windows(2).map(|w| w[1] - w[0]).collect())
    }

    fn __repr__(&self) -> String {
        format!(
            "<followership._native.Graph: {} people, {} edges, {}>",
            self.node_count(),
            self.edge_count(),
            if self.directed() {
                "directed"
            } else {
                "undirected"
            }
        )
    }
}
