//! The grid design: every combination of the parameters' listed values.

use super::ParameterSpec;

/// The Cartesian product of the parameters' [`ParameterSpec::grid_values`], in odometer order:
/// the first parameter varies slowest and the last fastest, as in nested loops with the first
/// parameter outermost. Values `[1, 2]` and `[10, 20, 30]` give `(1, 10), (1, 20), (1, 30),
/// (2, 10), (2, 20), (2, 30)`; point `i` has, for the last parameter, value `i % n_last`.
///
/// # Panics
/// If a parameter gives bounds instead of values.
pub fn points(parameters: &[ParameterSpec]) -> Vec<Vec<f64>> {
    let values: Vec<Vec<f64>> = parameters.iter().map(ParameterSpec::grid_values).collect();
    let total: usize = values.iter().map(Vec::len).product();
    let mut out = Vec::with_capacity(total);
    let mut digits = vec![0usize; values.len()];
    for _ in 0..total {
        out.push(digits.iter().zip(&values).map(|(&d, v)| v[d]).collect());
        // Advance the odometer: the last digit turns fastest.
        for (d, v) in digits.iter_mut().zip(&values).rev() {
            *d += 1;
            if *d < v.len() {
                break;
            }
            *d = 0;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{Design, SweepSpec};
    use super::*;

    #[test]
    fn the_first_parameter_varies_slowest() {
        let s = SweepSpec {
            design: Design::Grid,
            samples: None,
            parameters: vec![
                ParameterSpec::list("a", vec![1.0, 2.0]),
                ParameterSpec::range("b", 10.0, 30.0, 10.0),
            ],
        };
        s.validate().unwrap();
        assert_eq!(s.point_count(), 6);
        assert_eq!(
            s.points(0),
            [
                [1.0, 10.0],
                [1.0, 20.0],
                [1.0, 30.0],
                [2.0, 10.0],
                [2.0, 20.0],
                [2.0, 30.0]
            ]
        );
    }

    #[test]
    fn a_grid_of_a_float_range_and_a_log_range() {
        let s = SweepSpec {
            design: Design::Grid,
            samples: None,
            parameters: vec![
                ParameterSpec::log_range("network.nodes", 10.0, 1000.0, 3),
                ParameterSpec::range("people.threshold.value", 0.0, 1.0, 0.1),
                ParameterSpec::list("leaders.persistence", vec![5.0]),
            ],
        };
        s.validate().unwrap();
        assert_eq!(s.point_count(), 33);
        let pts = s.points(99);
        assert_eq!(pts.len(), 33);
        assert_eq!(pts[0], [10.0, 0.0, 5.0]);
        assert_eq!(pts[3], [10.0, 0.3, 5.0]);
        assert_eq!(pts[10], [10.0, 1.0, 5.0]);
        assert_eq!(pts[11], [100.0, 0.0, 5.0]);
        assert_eq!(pts[32], [1000.0, 1.0, 5.0]);
        // The grid does not depend on the seed.
        assert_eq!(pts, s.points(1));
    }
}
