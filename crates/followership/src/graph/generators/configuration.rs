//! Configuration models: random graphs with a given degree sequence.

use super::{GeneratorError, Stream, below, check_nodes, shuffle};
use crate::graph::{BuildReport, Graph, GraphBuilder};
use crate::random::unit_f64;

/// The erased configuration model: a random graph in which person `v` has (about) `degrees[v]`
/// neighbours. Each person gets `degrees[v]` edge stubs, the stubs are shuffled and paired up, and
/// the self-loops and repeated edges this creates are dropped, so realised degrees can fall a
/// little below the requested ones (noticeably only for hubs whose degree approaches
/// sqrt(sum of degrees)). Use [`configuration_model_with_report`] to learn how many edges were
/// dropped. The degree sum must be even. Cost O(nodes + sum of degrees).
pub fn configuration_model(degrees: &[u32], rng: &mut Stream) -> Result<Graph, GeneratorError> {
    configuration_model_with_report(degrees, rng).map(|(g, _)| g)
}

/// [`configuration_model`], also returning the builder's report of the self-loops and duplicate
/// edges that stub matching created and that were dropped: the graph has
/// `sum / 2 - self_loops - duplicates` undirected edges.
pub fn configuration_model_with_report(
    degrees: &[u32],
    rng: &mut Stream,
) -> Result<(Graph, BuildReport), GeneratorError> {
    const NAME: &str = "configuration model";
    let nodes = degrees.len();
    check_nodes(NAME, "degrees", nodes)?;
    let sum: u64 = degrees.iter().map(|&d| u64::from(d)).sum();
    if !sum.is_multiple_of(2) {
        return Err(GeneratorError::new(
            NAME,
            "degrees",
            format!("the degree sum {sum} must be even (every edge has two ends)"),
        ));
    }
    let mut stubs: Vec<u32> = Vec::with_capacity(sum as usize);
    for (v, &d) in degrees.iter().enumerate() {
        stubs.extend(std::iter::repeat_n(v as u32, d as usize));
    }
    shuffle(&mut stubs, rng);
    let mut b = GraphBuilder::new(nodes, false);
    b.reserve(stubs.len() / 2);
    for pair in stubs.chunks_exact(2) {
        b.add_edge(pair[0], pair[1]);
    }
    Ok(b.build())
}

/// Draws a degree sequence for `nodes` people from the discrete power law
/// `P(k) ∝ k^-exponent` truncated to `min_degree..=max_degree`, by inverting its cumulative
/// distribution (a table of `max_degree - min_degree + 1` entries, binary-searched). If the sum is
/// odd, one uniformly chosen person's degree is raised by one, or lowered by one if it is already
/// `max_degree` (which can leave it below `min_degree` only when the two are equal). Requires
/// `exponent > 0`, `1 <= min_degree <= max_degree < nodes`.
pub fn power_law_degrees(
    nodes: usize,
    exponent: f64,
    min_degree: u32,
    max_degree: u32,
    rng: &mut Stream,
) -> Result<Vec<u32>, GeneratorError> {
    const NAME: &str = "power-law degrees";
    check_nodes(NAME, "nodes", nodes)?;
    if !(exponent > 0.0 && exponent.is_finite()) {
        return Err(GeneratorError::new(
            NAME,
            "exponent",
            format!("exponent = {exponent} must be positive and finite"),
        ));
    }
    if min_degree == 0 {
        return Err(GeneratorError::new(
            NAME,
            "min_degree",
            "min_degree = 0 must be at least 1 (k^-exponent is infinite at 0)",
        ));
    }
    if max_degree < min_degree || max_degree as usize >= nodes {
        return Err(GeneratorError::new(
            NAME,
            "max_degree",
            format!(
                "max_degree = {max_degree} must be at least min_degree = {min_degree} and below nodes = {nodes}"
            ),
        ));
    }
    let mut cumulative = Vec::with_capacity((max_degree - min_degree) as usize + 1);
    let mut total = 0.0;
    for k in min_degree..=max_degree {
        total += f64::from(k).powf(-exponent);
        cumulative.push(total);
    }
    let mut degrees: Vec<u32> = (0..nodes)
        .map(|_| {
            let x = unit_f64(rng) * total;
            // The first k whose cumulative weight exceeds x; the clamp guards against rounding.
            let i = cumulative
                .partition_point(|&c| c <= x)
                .min(cumulative.len() - 1);
            min_degree + i as u32
        })
        .collect();
    let sum: u64 = degrees.iter().map(|&d| u64::from(d)).sum();
    if !sum.is_multiple_of(2) {
        let v = below(rng, nodes as u64) as usize;
        if degrees[v] < max_degree {
            degrees[v] += 1;
        } else {
            degrees[v] -= 1;
        }
    }
    Ok(degrees)
}

/// A configuration-model network with power-law degrees: [`power_law_degrees`] followed by
/// [`configuration_model`]. The usual scale-free test bed when hubs, not growth, are the point;
/// realised degrees can be slightly lower than drawn (see [`configuration_model`]).
pub fn configuration_power_law(
    nodes: usize,
    exponent: f64,
    min_degree: u32,
    max_degree: u32,
    rng: &mut Stream,
) -> Result<Graph, GeneratorError> {
    let degrees = power_law_degrees(nodes, exponent, min_degree, max_degree, rng)?;
    configuration_model(&degrees, rng)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{max_degree, rng, same_graph};
    use super::*;

    #[test]
    fn regular_sequence_keeps_every_stub_accounted_for() {
        let degrees = vec![3u32; 2000];
        let (g, report) = configuration_model_with_report(&degrees, &mut rng(1)).unwrap();
        let kept = g.edge_count() as u64 / 2;
        assert_eq!(kept + report.self_loops + report.duplicates, 3000);
        // Expected self-loops ~ (d - 1) / 2 = 1 and double edges ~ (d - 1)^2 / 4 = 1.
        assert!(report.self_loops + report.duplicates < 15, "{report:?}");
        assert!((0..2000).all(|v| g.out_degree(v) <= 3));
        assert!((0..2000).filter(|&v| g.out_degree(v) == 3).count() > 1950);
    }

    #[test]
    fn exact_sequence_without_collisions() {
        // A perfect matching cannot create self-loops or duplicates.
        let (g, report) = configuration_model_with_report(&[1; 10], &mut rng(2)).unwrap();
        assert_eq!(report, BuildReport::default());
        assert!((0..10).all(|v| g.out_degree(v) == 1));
        assert_eq!(
            configuration_model(&[], &mut rng(2)).unwrap().node_count(),
            0
        );
        assert_eq!(
            configuration_model(&[0, 0], &mut rng(2))
                .unwrap()
                .edge_count(),
            0
        );
    }

    #[test]
    fn power_law_degrees_follow_the_law() {
        let (n, gamma, lo, hi) = (50_000, 2.5, 2u32, 200u32);
        let d = power_law_degrees(n, gamma, lo, hi, &mut rng(3)).unwrap();
        assert_eq!(d.len(), n);
        assert!(d.iter().all(|&k| (lo..=hi).contains(&k)));
        assert_eq!(d.iter().map(|&k| u64::from(k)).sum::<u64>() % 2, 0);
        // Exact mean and variance of the truncated law; the sample mean must be within five
        // standard errors.
        let w: Vec<f64> = (lo..=hi).map(|k| f64::from(k).powf(-gamma)).collect();
        let z: f64 = w.iter().sum();
        let mean: f64 = (lo..=hi)
            .zip(&w)
            .map(|(k, p)| f64::from(k) * p)
            .sum::<f64>()
            / z;
        let sq: f64 = (lo..=hi)
            .zip(&w)
            .map(|(k, p)| f64::from(k).powi(2) * p)
            .sum::<f64>()
            / z;
        let se = ((sq - mean * mean) / n as f64).sqrt();
        let sample = d.iter().map(|&k| f64::from(k)).sum::<f64>() / n as f64;
        assert!(
            (sample - mean).abs() < 5.0 * se + 1.0 / n as f64,
            "{sample} vs {mean}"
        );
        // P(k = 2) = 2^-2.5 / z.
        let twos = d.iter().filter(|&&k| k == 2).count() as f64 / n as f64;
        let p2 = w[0] / z;
        assert!(
            (twos - p2).abs() < 5.0 * (p2 * (1.0 - p2) / n as f64).sqrt(),
            "{twos} vs {p2}"
        );
    }

    #[test]
    fn odd_sums_are_fixed_within_range_when_possible() {
        let d = power_law_degrees(5, 2.0, 1, 1, &mut rng(4)).unwrap();
        // All ones sum to 5, so one person drops to 0.
        assert_eq!(d.iter().sum::<u32>(), 4);
        for seed in 0..20 {
            let d = power_law_degrees(101, 2.0, 1, 3, &mut rng(seed)).unwrap();
            assert_eq!(d.iter().sum::<u32>() % 2, 0);
            assert!(d.iter().all(|&k| (1..=3).contains(&k)));
        }
    }

    #[test]
    fn power_law_network_has_hubs() {
        let g = configuration_power_law(20_000, 2.2, 2, 1000, &mut rng(5)).unwrap();
        assert!(max_degree(&g) > 200, "{}", max_degree(&g));
        assert!(max_degree(&g) <= 1000);
    }

    #[test]
    fn deterministic_given_the_stream() {
        let a = configuration_power_law(2000, 2.5, 1, 100, &mut rng(6)).unwrap();
        let b = configuration_power_law(2000, 2.5, 1, 100, &mut rng(6)).unwrap();
        let c = configuration_power_law(2000, 2.5, 1, 100, &mut rng(7)).unwrap();
        assert!(same_graph(&a, &b));
        assert!(!same_graph(&a, &c));
    }

    #[test]
    fn bad_parameters_are_errors() {
        let mut r = rng(0);
        let e = configuration_model(&[1, 2, 2], &mut r).unwrap_err();
        assert_eq!(
            e.to_string(),
            "configuration model: the degree sum 5 must be even (every edge has two ends)"
        );
        assert_eq!(
            power_law_degrees(10, 0.0, 1, 5, &mut r)
                .unwrap_err()
                .parameter,
            "exponent"
        );
        assert_eq!(
            power_law_degrees(10, f64::INFINITY, 1, 5, &mut r)
                .unwrap_err()
                .parameter,
            "exponent"
        );
        assert_eq!(
            power_law_degrees(10, 2.0, 0, 5, &mut r)
                .unwrap_err()
                .parameter,
            "min_degree"
        );
        assert_eq!(
            power_law_degrees(10, 2.0, 3, 2, &mut r)
                .unwrap_err()
                .parameter,
            "max_degree"
        );
        let e = configuration_power_law(10, 2.0, 1, 10, &mut r).unwrap_err();
        assert_eq!(
            e.to_string(),
            "power-law degrees: max_degree = 10 must be at least min_degree = 1 and below nodes = 10"
        );
    }
}
