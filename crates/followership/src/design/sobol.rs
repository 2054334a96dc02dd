//! The Sobol design: the first points of an Owen-scrambled Sobol sequence (`sobol_burley`),
//! which fill the bounds more evenly than independent random points, so averages over them
//! converge faster.
//!
//! The scramble is seeded from the scenario seed, so different seeds give different, equally
//! even point sets. Prefixes whose length is a power of two are the most even: with `2^m` points
//! every dimension has exactly one point in each of `2^m` equal slices, and pairs of dimensions
//! are evenly covered too. Coordinates have 23 bits of precision (the crate returns `f32`).

use super::{ParameterSpec, design_key, to_values};

/// The most points the sequence gives (2^16).
pub const MAX_POINTS: usize = 1 << 16;

/// The most dimensions (parameters) the sequence has.
pub const MAX_DIMENSIONS: usize = sobol_burley::NUM_DIMENSIONS as usize;

/// The 32-bit scramble seed of the Sobol sequence named `tag` for a scenario seed: the top half
/// of [`design_key`]`(seed, tag)`.
pub fn scramble_seed(seed: u64, tag: &[u8; 8]) -> u32 {
    (design_key(seed, tag) >> 32) as u32
}

/// The first `n` points of the `dims`-dimensional Owen-scrambled Sobol sequence with the given
/// scramble, in [0, 1)^dims; one row per point, in sequence order.
///
/// # Panics
/// If `n > MAX_POINTS` or `dims > MAX_DIMENSIONS`.
pub fn unit_points(n: usize, dims: usize, scramble: u32) -> Vec<Vec<f64>> {
    assert!(
        n <= MAX_POINTS,
        "a Sobol sequence has at most {MAX_POINTS} points"
    );
    assert!(
        dims <= MAX_DIMENSIONS,
        "a Sobol sequence has at most {MAX_DIMENSIONS} dimensions"
    );
    (0..n as u32)
        .map(|i| {
            (0..dims as u32)
                .map(|d| f64::from(sobol_burley::sample(i, d, scramble)))
                .collect()
        })
        .collect()
}

/// `n` points of the scrambled Sobol sequence, dimension `d` for parameter `d`, mapped to the
/// parameters' bounds with [`ParameterSpec::value_at`]. The scramble is
/// [`scramble_seed`]`(seed, b"sobol\0\0\0")`.
///
/// # Panics
/// If `n > MAX_POINTS`, there are more than `MAX_DIMENSIONS` parameters, or a parameter gives
/// listed values instead of bounds.
pub fn points(parameters: &[ParameterSpec], n: usize, seed: u64) -> Vec<Vec<f64>> {
    let units = unit_points(n, parameters.len(), scramble_seed(seed, b"sobol\0\0\0"));
    to_values(parameters, units)
}

#[cfg(test)]
mod tests {
    use super::super::{Design, SweepSpec};
    use super::*;

    fn unit_sweep(design: Design, n: usize, dims: usize) -> SweepSpec {
        SweepSpec {
            design,
            samples: Some(n),
            parameters: (0..dims)
                .map(|d| ParameterSpec::bounds(format!("x{d}"), 0.0, 1.0))
                .collect(),
        }
    }

    /// The L2-star discrepancy of points in the unit cube (Warnock's formula): the root mean
    /// square, over boxes anchored at the origin, of the difference between the share of points
    /// in the box and its volume.
    fn l2_star_discrepancy(points: &[Vec<f64>]) -> f64 {
        let n = points.len() as f64;
        let d = points[0].len() as i32;
        let single: f64 = points
            .iter()
            .map(|p| p.iter().map(|x| (1.0 - x * x) / 2.0).product::<f64>())
            .sum();
        let mut pairs = 0.0;
        for p in points {
            for q in points {
                pairs += p
                    .iter()
                    .zip(q)
                    .map(|(a, b)| 1.0 - a.max(*b))
                    .product::<f64>();
            }
        }
        (3f64.powi(-d) - 2.0 * single / n + pairs / (n * n)).sqrt()
    }

    #[test]
    fn sobol_points_are_more_even_than_random_ones() {
        // 256 points in 3 dimensions, seeds 1 to 8. Measured: Sobol 3.5e-3 to 3.7e-3, random
        // 1.5e-2 to 2.9e-2 (Latin hypercube 8.9e-3 to 1.3e-2). Independent random points have
        // expected squared discrepancy (2^-d - 3^-d) / n, so about 1.8e-2 here.
        let (n, dims) = (256, 3);
        let mut worst_sobol = 0f64;
        let mut best_random = f64::INFINITY;
        for seed in 1..=8 {
            let s = l2_star_discrepancy(&unit_sweep(Design::Sobol, n, dims).points(seed));
            let r = l2_star_discrepancy(&unit_sweep(Design::Random, n, dims).points(seed));
            worst_sobol = worst_sobol.max(s);
            best_random = best_random.min(r);
        }
        assert!(
            worst_sobol * 3.0 < best_random,
            "Sobol {worst_sobol:.2e} vs random {best_random:.2e}"
        );
    }

    #[test]
    fn the_mean_of_a_smooth_function_converges_faster() {
        // f(x) = exp(x0 + x1 + x2 + x3) on [0, 1]^4 has mean (e - 1)^4 = 8.717. Root mean
        // square error of the 1024-point average over seeds 1 to 16, measured: Sobol 1.2e-3,
        // random 1.7e-1 (Latin hypercube 5.9e-2).
        let exact = (std::f64::consts::E - 1.0).powi(4);
        let rms = |design| {
            let sq: f64 = (1..=16)
                .map(|seed| {
                    let pts = unit_sweep(design, 1024, 4).points(seed);
                    let mean = pts.iter().map(|p| p.iter().sum::<f64>().exp()).sum::<f64>()
                        / pts.len() as f64;
                    (mean - exact).powi(2)
                })
                .sum();
            (sq / 16.0).sqrt()
        };
        let (sobol, random) = (rms(Design::Sobol), rms(Design::Random));
        assert!(
            sobol * 10.0 < random,
            "Sobol {sobol:.2e} vs random {random:.2e}"
        );
    }

    #[test]
    fn a_power_of_two_prefix_is_stratified_in_every_dimension() {
        let pts = unit_sweep(Design::Sobol, 64, 5).points(3);
        for d in 0..5 {
            let mut seen = [0; 64];
            for p in &pts {
                seen[(p[d] * 64.0) as usize] += 1;
            }
            assert!(seen.iter().all(|&c| c == 1), "dimension {d}: {seen:?}");
        }
    }
}
