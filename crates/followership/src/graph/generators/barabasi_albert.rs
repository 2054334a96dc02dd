//! The Barabási–Albert preferential-attachment network.

use super::{GeneratorError, Stream, below, check_nodes};
use crate::graph::{Graph, GraphBuilder};

/// The Barabási–Albert scale-free network (Barabási & Albert 1999) on `nodes` people: each new
/// person links to `m` distinct earlier people chosen with probability proportional to their
/// degree, which gives a heavy-tailed degree distribution with a few hubs (tail exponent 3).
///
/// As in networkx, the seed is a star on `m + 1` people (person 0 linked to persons 1..=m), so
/// there are exactly `m * (nodes - m)` undirected edges. Targets are drawn uniformly from the list
/// of edge endpoints, in which every person appears once per edge (Batagelj & Brandes 2005), and
/// repeats are rejected; the cost is O(nodes * m). Requires `1 <= m < nodes`.
pub fn barabasi_albert(nodes: usize, m: usize, rng: &mut Stream) -> Result<Graph, GeneratorError> {
    const NAME: &str = "Barabási–Albert";
    check_nodes(NAME, "nodes", nodes)?;
    if m == 0 || m >= nodes {
        return Err(GeneratorError::new(
            NAME,
            "m",
            format!("m = {m} must be at least 1 and below nodes = {nodes}"),
        ));
    }
    let edges = m * (nodes - m);
    let mut b = GraphBuilder::new(nodes, false);
    b.reserve(edges);
    // Every person once per edge end: drawing uniformly from it is drawing by degree.
    let mut endpoints: Vec<u32> = Vec::with_capacity(2 * edges);
    for leaf in 1..=m as u32 {
        b.add_edge(0, leaf);
        endpoints.extend([0, leaf]);
    }
    // `chosen_by[t] == s` marks `t` as already a target of new person `s`.
    let mut chosen_by = vec![u32::MAX; nodes];
    let mut targets: Vec<u32> = Vec::with_capacity(m);
    for source in m as u32 + 1..nodes as u32 {
        targets.clear();
        while targets.len() < m {
            let t = endpoints[below(rng, endpoints.len() as u64) as usize];
            if chosen_by[t as usize] != source {
                chosen_by[t as usize] = source;
                targets.push(t);
            }
        }
        for &t in &targets {
            b.add_edge(source, t);
            endpoints.extend([t, source]);
        }
    }
    Ok(b.build().0)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{max_degree, mean_degree, rng, same_graph};
    use super::*;

    #[test]
    fn edge_count_is_exact_and_degrees_are_heavy_tailed() {
        let (n, m) = (20_000, 3);
        let g = barabasi_albert(n, m, &mut rng(1)).unwrap();
        // Distinct targets and a fresh source mean nothing is ever dropped.
        assert_eq!(g.edge_count(), 2 * m * (n - m));
        assert!((0..n as u32).all(|v| g.out_degree(v) >= m));
        // The largest hub grows like m * sqrt(n) ~ 400, against a mean degree of ~6.
        let (mean, max) = (mean_degree(&g), max_degree(&g));
        assert!(max as f64 > 20.0 * mean, "max {max}, mean {mean}");
    }

    #[test]
    fn seed_star_and_smallest_cases() {
        let g = barabasi_albert(4, 3, &mut rng(2)).unwrap();
        assert_eq!(g.out_neighbors(0), &[1, 2, 3]);
        assert_eq!(g.edge_count(), 6);
        let g = barabasi_albert(5, 3, &mut rng(2)).unwrap();
        // Person 4 must link to 3 of the 4 seed people.
        assert_eq!(g.out_degree(4), 3);
        assert_eq!(g.edge_count(), 2 * 3 * 2);
        let g = barabasi_albert(50, 1, &mut rng(2)).unwrap();
        // m = 1 grows a tree.
        assert_eq!(g.edge_count(), 2 * 49);
    }

    #[test]
    fn deterministic_given_the_stream() {
        let a = barabasi_albert(1000, 2, &mut rng(5)).unwrap();
        let b = barabasi_albert(1000, 2, &mut rng(5)).unwrap();
        let c = barabasi_albert(1000, 2, &mut rng(6)).unwrap();
        assert!(same_graph(&a, &b));
        assert!(!same_graph(&a, &c));
    }

    #[test]
    fn bad_parameters_are_errors() {
        let mut r = rng(0);
        let e = barabasi_albert(10, 0, &mut r).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Barabási–Albert: m = 0 must be at least 1 and below nodes = 10"
        );
        assert_eq!(barabasi_albert(10, 10, &mut r).unwrap_err().parameter, "m");
        assert_eq!(barabasi_albert(0, 1, &mut r).unwrap_err().parameter, "m");
    }
}
