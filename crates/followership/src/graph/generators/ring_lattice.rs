//! The ring lattice: people on a circle, each linked to their nearest neighbours.

use super::{GeneratorError, check_nodes};
use crate::graph::{Graph, GraphBuilder};

/// Checks ring-lattice parameters (shared with Watts–Strogatz, which starts from the lattice).
pub(super) fn check_ring(
    generator: &'static str,
    nodes: usize,
    k: usize,
) -> Result<(), GeneratorError> {
    check_nodes(generator, "nodes", nodes)?;
    if !k.is_multiple_of(2) || k >= nodes {
        return Err(GeneratorError::new(
            generator,
            "k",
            format!("k = {k} must be even and below nodes = {nodes}"),
        ));
    }
    Ok(())
}

/// The lattice edges in the order Watts–Strogatz rewires them: offset `j` = 1..=k/2 outermost,
/// then node `u`, giving the edge `u -- (u + j) mod nodes`.
pub(super) fn lattice_edges(nodes: usize, k: usize) -> impl Iterator<Item = (u32, u32)> {
    let n = nodes as u64;
    (1..=k as u64 / 2).flat_map(move |j| (0..n).map(move |u| (u as u32, ((u + j) % n) as u32)))
}

/// The ring lattice on `nodes` people: each is linked to the `k / 2` nearest people on each side,
/// so every degree is `k` and there are `nodes * k / 2` undirected edges. The highly clustered,
/// long-path extreme of small-world models, where complex contagions spread best. `k` must be even
/// and below `nodes` (`k = 0` gives an empty graph). Deterministic, so it takes no random stream.
pub fn ring_lattice(nodes: usize, k: usize) -> Result<Graph, GeneratorError> {
    check_ring("ring lattice", nodes, k)?;
    let mut b = GraphBuilder::new(nodes, false);
    b.reserve(nodes * k / 2);
    for (u, v) in lattice_edges(nodes, k) {
        b.add_edge(u, v);
    }
    Ok(b.build().0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_node_has_degree_k() {
        let g = ring_lattice(10, 4).unwrap();
        assert_eq!(g.edge_count(), 10 * 4);
        assert_eq!(g.out_neighbors(0), &[1, 2, 8, 9]);
        assert_eq!(g.out_neighbors(5), &[3, 4, 6, 7]);
        assert!((0..10).all(|v| g.out_degree(v) == 4));
        // The largest allowed k is the complete graph.
        assert_eq!(ring_lattice(9, 8).unwrap().edge_count(), 9 * 8);
        assert_eq!(ring_lattice(10, 8).unwrap().edge_count(), 10 * 8);
        assert_eq!(ring_lattice(3, 0).unwrap().edge_count(), 0);
    }

    #[test]
    fn odd_or_too_large_k_is_an_error() {
        let e = ring_lattice(10, 3).unwrap_err();
        assert_eq!(
            e.to_string(),
            "ring lattice: k = 3 must be even and below nodes = 10"
        );
        assert_eq!(ring_lattice(10, 10).unwrap_err().parameter, "k");
        assert_eq!(ring_lattice(0, 0).unwrap_err().parameter, "k");
        assert_eq!(
            ring_lattice(u32::MAX as usize + 1, 2)
                .unwrap_err()
                .parameter,
            "nodes"
        );
    }
}
