//! The random design: points drawn independently and uniformly between the bounds.

use super::{ParameterSpec, design_stream, to_values};
use crate::random::unit_f64;

/// `n` points with every coordinate uniform in [0, 1), mapped to the parameters' bounds with
/// [`ParameterSpec::value_at`].
///
/// The numbers come from the stream [`design_stream`]`(seed, b"random\0\0")`, drawn point by
/// point and, within a point, parameter by parameter.
///
/// # Panics
/// If a parameter gives listed values instead of bounds.
pub fn points(parameters: &[ParameterSpec], n: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = design_stream(seed, b"random\0\0");
    let units = (0..n)
        .map(|_| parameters.iter().map(|_| unit_f64(&mut rng)).collect())
        .collect();
    to_values(parameters, units)
}
