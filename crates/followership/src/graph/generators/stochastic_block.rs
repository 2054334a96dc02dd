//! Stochastic block models: departments that mix more inside than across.

use super::{GeneratorError, Stream, for_each_rectangle_cell, for_each_triangle_pair};
use crate::graph::{Graph, GraphBuilder};

const NAME: &str = "stochastic block model";

/// The stochastic block model with `blocks.len()` blocks (departments) of sizes `blocks[0]`,
/// `blocks[1]`, ...: two people are linked independently with probability `p_in` if they share a
/// block and `p_out` otherwise.
/// Shorthand for [`sbm_matrix`] with `p_in` on the diagonal and `p_out` elsewhere; see there for
/// the numbering of people and the cost.
pub fn stochastic_block_model(
    blocks: &[usize],
    p_in: f64,
    p_out: f64,
    rng: &mut Stream,
) -> Result<Graph, GeneratorError> {
    for (name, p) in [("p_in", p_in), ("p_out", p_out)] {
        if !(0.0..=1.0).contains(&p) {
            return Err(GeneratorError::new(
                NAME,
                name,
                format!("{name} = {p} must be a probability in [0, 1]"),
            ));
        }
    }
    let k = blocks.len();
    let probs: Vec<Vec<f64>> = (0..k)
        .map(|a| (0..k).map(|b| if a == b { p_in } else { p_out }).collect())
        .collect();
    sbm_matrix(blocks, &probs, rng)
}

/// The general stochastic block model: people in blocks `a` and `b` are linked independently with
/// probability `probs[a][b]`, where `blocks[a]` is the size of block `a`. People are numbered
/// block by block (block 0 gets ids `0..blocks[0]`, and so on) and the graph records each
/// person's block ([`Graph::blocks`]). `probs` must be a symmetric `k x k` matrix of
/// probabilities, `k = blocks.len()`. Each block and each pair of blocks is sampled with
/// geometric skipping, so the cost is O(nodes + edges + k^2).
pub fn sbm_matrix(
    blocks: &[usize],
    probs: &[Vec<f64>],
    rng: &mut Stream,
) -> Result<Graph, GeneratorError> {
    let k = blocks.len();
    let nodes = blocks
        .iter()
        .try_fold(0usize, |acc, &s| acc.checked_add(s))
        .filter(|&n| n <= u32::MAX as usize)
        .ok_or_else(|| {
            let total: u128 = blocks.iter().map(|&s| s as u128).sum();
            GeneratorError::new(
                NAME,
                "blocks",
                format!(
                    "the block sizes add up to {total} people, above the maximum of {} (node ids are u32)",
                    u32::MAX
                ),
            )
        })?;
    if probs.len() != k || probs.iter().any(|row| row.len() != k) {
        return Err(GeneratorError::new(
            NAME,
            "probabilities",
            format!("probabilities must be a {k} x {k} matrix, one row and one column per block"),
        ));
    }
    for (a, row) in probs.iter().enumerate() {
        for (b, &p) in row.iter().enumerate() {
            if !(0.0..=1.0).contains(&p) {
                return Err(GeneratorError::new(
                    NAME,
                    "probabilities",
                    format!("probabilities[{a}][{b}] = {p} must be a probability in [0, 1]"),
                ));
            }
            if p != probs[b][a] {
                return Err(GeneratorError::new(
                    NAME,
                    "probabilities",
                    format!(
                        "probabilities must be symmetric, but probabilities[{a}][{b}] = {p} and probabilities[{b}][{a}] = {}",
                        probs[b][a]
                    ),
                ));
            }
        }
    }
    let starts: Vec<u64> = blocks
        .iter()
        .scan(0u64, |acc, &s| {
            let start = *acc;
            *acc += s as u64;
            Some(start)
        })
        .collect();
    let mut expected = 0.0;
    for a in 0..k {
        let sa = blocks[a] as f64;
        expected += probs[a][a] * sa * (sa - 1.0) / 2.0;
        for b in a + 1..k {
            expected += probs[a][b] * sa * blocks[b] as f64;
        }
    }
    let mut builder = GraphBuilder::new(nodes, false);
    builder.reserve((expected + 4.0 * expected.sqrt()) as usize);
    for a in 0..k {
        let (sa, oa) = (blocks[a] as u64, starts[a]);
        for_each_triangle_pair(sa, probs[a][a], rng, |v, w| {
            builder.add_edge((oa + v) as u32, (oa + w) as u32)
        });
        for b in a + 1..k {
            let (sb, ob) = (blocks[b] as u64, starts[b]);
            for_each_rectangle_cell(sa, sb, probs[a][b], rng, |v, w| {
                builder.add_edge((oa + v) as u32, (ob + w) as u32)
            });
        }
    }
    let membership: Vec<u32> = blocks
        .iter()
        .enumerate()
        .flat_map(|(a, &s)| std::iter::repeat_n(a as u32, s))
        .collect();
    Ok(builder.blocks(membership).build().0)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{rng, same_graph};
    use super::*;

    /// Edge counts per pair of blocks (a <= b) of an undirected block-model graph.
    fn block_edge_counts(g: &Graph, k: usize) -> Vec<Vec<usize>> {
        let blocks = g.blocks().unwrap();
        let mut counts = vec![vec![0usize; k]; k];
        for v in 0..g.node_count() as u32 {
            for &w in g.out_neighbors(v) {
                if v < w {
                    let (a, b) = (blocks[v as usize] as usize, blocks[w as usize] as usize);
                    counts[a.min(b)][a.max(b)] += 1;
                }
            }
        }
        counts
    }

    #[test]
    fn densities_match_within_and_between_blocks() {
        let sizes = [300usize, 400, 500];
        let (p_in, p_out) = (0.05, 0.005);
        let g = stochastic_block_model(&sizes, p_in, p_out, &mut rng(1)).unwrap();
        assert_eq!(g.node_count(), 1200);
        let blocks = g.blocks().unwrap();
        assert_eq!(&blocks[..300], &[0; 300][..]);
        assert_eq!(blocks[300], 1);
        assert_eq!(blocks[1199], 2);
        let counts = block_edge_counts(&g, 3);
        for a in 0..3 {
            for b in a..3 {
                let (pairs, p) = if a == b {
                    ((sizes[a] * (sizes[a] - 1) / 2) as f64, p_in)
                } else {
                    ((sizes[a] * sizes[b]) as f64, p_out)
                };
                // The count is binomial; allow five standard deviations.
                let sd = (pairs * p * (1.0 - p)).sqrt();
                let c = counts[a][b] as f64;
                assert!(
                    (c - pairs * p).abs() < 5.0 * sd,
                    "blocks ({a}, {b}): {c} vs {}",
                    pairs * p
                );
            }
        }
    }

    #[test]
    fn general_matrix_and_extremes() {
        // Disjoint cliques: exact counts.
        let g = stochastic_block_model(&[3, 0, 4], 1.0, 0.0, &mut rng(2)).unwrap();
        assert_eq!(g.edge_count(), 2 * (3 + 6));
        assert_eq!(g.out_neighbors(3), &[4, 5, 6]);
        // Complete bipartite.
        let probs = vec![vec![0.0, 1.0], vec![1.0, 0.0]];
        let g = sbm_matrix(&[3, 5], &probs, &mut rng(2)).unwrap();
        assert_eq!(g.edge_count(), 2 * 15);
        assert_eq!(g.out_neighbors(0), &[3, 4, 5, 6, 7]);
        let g = sbm_matrix(&[], &[], &mut rng(2)).unwrap();
        assert_eq!(g.node_count(), 0);
        // A general matrix: an empty block, a missing pair of blocks, a dense pair.
        let probs = vec![
            vec![0.1, 0.02, 0.0],
            vec![0.02, 0.0, 0.3],
            vec![0.0, 0.3, 0.2],
        ];
        let sizes = [400usize, 300, 200];
        let g = sbm_matrix(&sizes, &probs, &mut rng(3)).unwrap();
        let counts = block_edge_counts(&g, 3);
        assert_eq!(counts[1][1], 0);
        assert_eq!(counts[0][2], 0);
        let pairs = (300 * 200) as f64;
        let sd = (pairs * 0.3 * 0.7).sqrt();
        assert!((counts[1][2] as f64 - 0.3 * pairs).abs() < 5.0 * sd);
    }

    #[test]
    fn deterministic_given_the_stream() {
        let a = stochastic_block_model(&[200, 300], 0.05, 0.01, &mut rng(5)).unwrap();
        let b = stochastic_block_model(&[200, 300], 0.05, 0.01, &mut rng(5)).unwrap();
        let c = stochastic_block_model(&[200, 300], 0.05, 0.01, &mut rng(6)).unwrap();
        assert!(same_graph(&a, &b));
        assert!(!same_graph(&a, &c));
    }

    #[test]
    fn bad_parameters_are_errors() {
        let mut r = rng(0);
        let e = stochastic_block_model(&[5, 5], 1.2, 0.1, &mut r).unwrap_err();
        assert_eq!(
            e.to_string(),
            "stochastic block model: p_in = 1.2 must be a probability in [0, 1]"
        );
        assert_eq!(
            stochastic_block_model(&[5, 5], 0.1, -1.0, &mut r)
                .unwrap_err()
                .parameter,
            "p_out"
        );
        let e = sbm_matrix(&[5, 5], &[vec![0.1, 0.2], vec![0.3, 0.1]], &mut r).unwrap_err();
        assert_eq!(
            e.to_string(),
            "stochastic block model: probabilities must be symmetric, but probabilities[0][1] = 0.2 and probabilities[1][0] = 0.3"
        );
        let e = sbm_matrix(&[5, 5], &[vec![0.1, 0.2]], &mut r).unwrap_err();
        assert_eq!(
            e.to_string(),
            "stochastic block model: probabilities must be a 2 x 2 matrix, one row and one column per block"
        );
        assert_eq!(
            sbm_matrix(&[5], &[vec![f64::NAN]], &mut r)
                .unwrap_err()
                .parameter,
            "probabilities"
        );
        let e = stochastic_block_model(&[u32::MAX as usize, 1], 0.0, 0.0, &mut r).unwrap_err();
        assert_eq!(e.parameter, "blocks");
        assert_eq!(
            e.to_string(),
            "stochastic block model: the block sizes add up to 4294967296 people, above the maximum of 4294967295 (node ids are u32)"
        );
        assert_eq!(
            sbm_matrix(&[usize::MAX, 2], &[vec![0.0; 2], vec![0.0; 2]], &mut r)
                .unwrap_err()
                .parameter,
            "blocks"
        );
    }
}
