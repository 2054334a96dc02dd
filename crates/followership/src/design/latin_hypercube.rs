//! The Latin hypercube design: in every parameter, each of `n` equal slices of the bounds holds
//! exactly one of the `n` points.

use rand::Rng;

use super::{ParameterSpec, design_stream, to_values};
use crate::random::unit_f64;

/// `n` points of a Latin hypercube, mapped to the parameters' bounds with
/// [`ParameterSpec::value_at`].
///
/// In unit coordinates, point `j` has in dimension `d` the value `(pi_d(j) + U) / n`, where
/// `pi_d` is a uniformly random permutation of `0..n` (Fisher-Yates) and `U` is uniform in
/// [0, 1): one point per stratum `[s / n, (s + 1) / n)`, uniformly placed within it. For a
/// log-scaled parameter the strata are equal slices of the logarithm.
///
/// The numbers come from the stream [`design_stream`]`(seed, b"latinhyp")`, dimension by
/// dimension: the permutation's draws, then the `n` offsets.
///
/// # Panics
/// If a parameter gives listed values instead of bounds.
pub fn points(parameters: &[ParameterSpec], n: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = design_stream(seed, b"latinhyp");
    let mut units = vec![vec![0.0; parameters.len()]; n];
    let mut perm: Vec<usize> = Vec::with_capacity(n);
    for d in 0..parameters.len() {
        perm.clear();
        perm.extend(0..n);
        for i in (1..n).rev() {
            let j = below(&mut rng, i + 1);
            perm.swap(i, j);
        }
        for (row, &stratum) in units.iter_mut().zip(&perm) {
            row[d] = (stratum as f64 + unit_f64(&mut rng)) / n as f64;
        }
    }
    to_values(parameters, units)
}

/// A uniform integer in `0..n` (multiply-shift; the bias, below n / 2^64, is negligible).
fn below<R: Rng + ?Sized>(rng: &mut R, n: usize) -> usize {
    ((u128::from(rng.next_u64()) * n as u128) >> 64) as usize
}

#[cfg(test)]
mod tests {
    use super::super::{Design, SweepSpec};
    use super::*;

    #[test]
    fn every_stratum_of_every_dimension_holds_one_point() {
        let n = 97;
        let s = SweepSpec {
            design: Design::LatinHypercube,
            samples: Some(n),
            parameters: vec![
                ParameterSpec::bounds("a", 0.0, 1.0),
                ParameterSpec::bounds("b", -5.0, 5.0),
                ParameterSpec::bounds("c", 2.0, 3.0),
                ParameterSpec::bounds("d", 0.0, 1.0),
            ],
        };
        s.validate().unwrap();
        for seed in [1, 2, 3] {
            let pts = s.points(seed);
            assert_eq!(pts.len(), n);
            for (d, p) in s.parameters.iter().enumerate() {
                let (low, high) = (p.low.unwrap(), p.high.unwrap());
                let mut seen = vec![0; n];
                for pt in &pts {
                    let stratum = ((pt[d] - low) / (high - low) * n as f64).floor() as usize;
                    seen[stratum] += 1;
                }
                assert!(
                    seen.iter().all(|&c| c == 1),
                    "seed {seed}, dim {d}: {seen:?}"
                );
            }
        }
        // The permutations differ between dimensions (the design is not a diagonal).
        let pts = s.points(1);
        assert!(
            pts.iter()
                .any(|p| (p[0] * n as f64).floor() != (p[3] * n as f64).floor())
        );
    }
}
