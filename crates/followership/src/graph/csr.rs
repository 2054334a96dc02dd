//! The compressed sparse row (CSR) graph every simulation runs on.
//!
//! An edge `j -> i` means "i can see j": when `j` dances, `i` feels it. Out-adjacency lists whom a
//! person influences (the engine pushes along it when someone joins); in-adjacency lists whom a
//! person watches (used for normalising social proof and for reverse reachability). An undirected
//! graph stores every edge in both directions and shares one adjacency for both roles.
//!
//! Memory: node ids are `u32`, offsets `u64`; an unweighted directed graph costs 8 bytes per edge
//! (4 out, 4 in) plus 16 bytes per node of offsets.

use super::storage::Buffer;

/// One direction of adjacency: for each node, a contiguous slice of neighbour ids.
#[derive(Debug, Clone)]
pub struct Adjacency {
    pub(crate) offsets: Buffer<u64>,
    pub(crate) targets: Buffer<u32>,
    pub(crate) weights: Option<Buffer<f32>>,
}

impl Adjacency {
    /// Neighbours of `v`, sorted by id.
    #[inline(always)]
    pub fn neighbors(&self, v: u32) -> &[u32] {
        let (a, b) = self.range(v);
        &self.targets[a..b]
    }

    /// Edge weights of `v`'s neighbours, aligned with [`Adjacency::neighbors`]; `None` when the
    /// graph is unweighted (every weight is 1).
    #[inline]
    pub fn weights(&self, v: u32) -> Option<&[f32]> {
        let (a, b) = self.range(v);
        self.weights.as_ref().map(|w| &w[a..b])
    }

    /// Number of neighbours of `v`.
    #[inline]
    pub fn degree(&self, v: u32) -> usize {
        let (a, b) = self.range(v);
        b - a
    }

    #[inline(always)]
    fn range(&self, v: u32) -> (usize, usize) {
        let v = v as usize;
        (self.offsets[v] as usize, self.offsets[v + 1] as usize)
    }

    /// The offsets array: `offsets[v]..offsets[v + 1]` indexes `v`'s neighbours.
    pub fn offsets(&self) -> &[u64] {
        &self.offsets
    }

    /// All neighbour ids, node after node.
    pub fn targets(&self) -> &[u32] {
        &self.targets
    }

    /// All edge weights, aligned with [`Adjacency::targets`], if the graph is weighted.
    pub fn all_weights(&self) -> Option<&[f32]> {
        self.weights.as_deref()
    }

    fn heap_bytes(&self) -> usize {
        self.offsets.heap_bytes()
            + self.targets.heap_bytes()
            + self.weights.as_ref().map_or(0, Buffer::heap_bytes)
    }
}

/// A network of people: who sees whom, with optional edge weights, positions, original ids and
/// block (department) membership.
#[derive(Debug, Clone)]
pub struct Graph {
    pub(crate) node_count: usize,
    pub(crate) directed: bool,
    pub(crate) out_adj: Adjacency,
    /// In-adjacency of a directed graph; `None` for undirected graphs, where it equals `out_adj`.
    pub(crate) in_adj: Option<Adjacency>,
    pub(crate) positions: Option<Vec<[f32; 2]>>,
    pub(crate) labels: Option<Buffer<u64>>,
    pub(crate) blocks: Option<Vec<u32>>,
}

impl Graph {
    /// Number of people.
    #[inline]
    pub fn node_count(&self) -> usize {
        self.node_count
    }

    /// Number of directed edges (an undirected edge counts twice, once each way).
    #[inline]
    pub fn edge_count(&self) -> usize {
        self.out_adj.targets.len()
    }

    /// Whether edges have a direction; undirected graphs store each edge both ways.
    pub fn is_directed(&self) -> bool {
        self.directed
    }

    /// Whether edges carry weights (otherwise every weight is 1).
    pub fn is_weighted(&self) -> bool {
        self.out_adj.weights.is_some()
    }

    /// Whom `v` influences: the people who see `v`.
    #[inline]
    pub fn out_neighbors(&self, v: u32) -> &[u32] {
        self.out_adj.neighbors(v)
    }

    /// Whom `v` watches: the people `v` sees.
    #[inline]
    pub fn in_neighbors(&self, v: u32) -> &[u32] {
        self.in_adjacency().neighbors(v)
    }

    /// Number of people `v` influences.
    #[inline]
    pub fn out_degree(&self, v: u32) -> usize {
        self.out_adj.degree(v)
    }

    /// Number of people `v` watches.
    #[inline]
    pub fn in_degree(&self, v: u32) -> usize {
        self.in_adjacency().degree(v)
    }

    /// The out-adjacency (influence flows along it).
    pub fn out_adjacency(&self) -> &Adjacency {
        &self.out_adj
    }

    /// The in-adjacency (whom each person watches); the out-adjacency for undirected graphs.
    pub fn in_adjacency(&self) -> &Adjacency {
        self.in_adj.as_ref().unwrap_or(&self.out_adj)
    }

    /// Positions in the unit square, for generators that place people in space.
    pub fn positions(&self) -> Option<&[[f32; 2]]> {
        self.positions.as_deref()
    }

    /// Block (department) of each person, for block-model networks.
    pub fn blocks(&self) -> Option<&[u32]> {
        self.blocks.as_deref()
    }

    /// The original ids of a loaded network, in ascending order, indexed by dense id.
    pub fn labels(&self) -> Option<&[u64]> {
        self.labels.as_deref()
    }

    /// The id that outputs use for person `v`: the file's own id for a loaded network, `v`
    /// otherwise.
    #[inline]
    pub fn label(&self, v: u32) -> u64 {
        match &self.labels {
            Some(l) => l[v as usize],
            None => u64::from(v),
        }
    }

    /// The dense id of the person whose external id is `label`, if present.
    pub fn node_of_label(&self, label: u64) -> Option<u32> {
        match &self.labels {
            // Labels are kept sorted, so a binary search suffices and no hash map is built.
            // Files often number people 0..n (or 1..n): then the label sits at (or next to)
            // its own index and is found without searching.
            Some(l) => {
                let guess = usize::try_from(label).unwrap_or(usize::MAX);
                for at in [guess, guess.wrapping_sub(1)] {
                    if l.get(at) == Some(&label) {
                        return Some(at as u32);
                    }
                }
                l.binary_search(&label).ok().map(|i| i as u32)
            }
            None => (label < self.node_count as u64).then_some(label as u32),
        }
    }

    /// Bytes of heap memory held by the graph (mapped cache pages are not counted).
    pub fn heap_bytes(&self) -> usize {
        self.out_adj.heap_bytes()
            + self.in_adj.as_ref().map_or(0, Adjacency::heap_bytes)
            + self.positions.as_ref().map_or(0, |p| p.capacity() * 8)
            + self.labels.as_ref().map_or(0, Buffer::heap_bytes)
            + self.blocks.as_ref().map_or(0, |b| b.capacity() * 4)
    }
}
