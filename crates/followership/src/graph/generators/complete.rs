//! The complete graph: everyone sees everyone.

use super::{GeneratorError, check_nodes};
use crate::graph::{Graph, GraphBuilder};

/// The complete graph on `nodes` people: every pair is linked, so there are
/// `nodes * (nodes - 1) / 2` undirected edges. The baseline of well-mixed models (Granovetter's
/// thresholds, Bass diffusion). Deterministic, so it takes no random stream; it is the one
/// generator whose cost is quadratic, since its edges are.
pub fn complete(nodes: usize) -> Result<Graph, GeneratorError> {
    check_nodes("complete graph", "nodes", nodes)?;
    let mut b = GraphBuilder::new(nodes, false);
    b.reserve(nodes * nodes.saturating_sub(1) / 2);
    for v in 1..nodes as u32 {
        for w in 0..v {
            b.add_edge(v, w);
        }
    }
    Ok(b.build().0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pair_is_linked_once() {
        for n in [0usize, 1, 2, 5, 40] {
            let g = complete(n).unwrap();
            assert_eq!(g.node_count(), n);
            assert_eq!(g.edge_count(), n * n.saturating_sub(1));
            assert!(!g.is_directed());
        }
        let g = complete(5).unwrap();
        assert_eq!(g.out_neighbors(2), &[0, 1, 3, 4]);
    }

    #[test]
    fn too_many_nodes_is_an_error() {
        let e = complete(u32::MAX as usize + 1).unwrap_err();
        assert_eq!(e.parameter, "nodes");
        assert!(
            e.to_string()
                .starts_with("complete graph: nodes = 4294967296 exceeds"),
            "{e}"
        );
    }
}
