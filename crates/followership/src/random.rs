//! Reproducible random streams.
//!
//! Every random number the engine draws comes from a stream named by (scenario seed, point,
//! replicate, purpose). The streams are independent xoshiro256++ generators seeded through
//! SplitMix64, so a run's result depends only on its name, never on thread count, scheduling,
//! sharding, or on how many numbers another part of the run drew.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator used everywhere in the engine.
pub type Stream = Xoshiro256PlusPlus;

/// What a stream is used for; each purpose gets its own stream so that, say, drawing thresholds
/// differently does not shift the random numbers of the dynamics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Generating the network.
    Network = 1,
    /// Drawing per-person attributes (thresholds, trust).
    People = 2,
    /// Choosing leaders and initial followers.
    Placement = 3,
    /// The dynamics of the run: spontaneous joining, cascades, update order.
    Dynamics = 4,
    /// Leader events and their perception.
    Events = 5,
    /// Choosing the leaders.
    Leaders = 6,
    /// Drawing initial trust.
    Trust = 7,
}

/// One step of SplitMix64: a bijective 64-bit mixer with good avalanche.
#[inline]
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The 64-bit key of the stream named by (seed, point, replicate, purpose).
pub fn stream_key(seed: u64, point: u64, replicate: u64, purpose: Purpose) -> u64 {
    let mut h = splitmix64(seed);
    h = splitmix64(h ^ point);
    h = splitmix64(h ^ replicate.rotate_left(17));
    splitmix64(h ^ (purpose as u64).rotate_left(41))
}

/// The random stream for one purpose of one run.
pub fn stream(seed: u64, point: u64, replicate: u64, purpose: Purpose) -> Stream {
    // `seed_from_u64` expands the key into the full xoshiro state with SplitMix64.
    Stream::seed_from_u64(stream_key(seed, point, replicate, purpose))
}

/// The streams of one (seed, point, purpose), one per replicate: [`StreamFamily::stream`]`(r)`
/// is [`stream`]`(seed, point, r, purpose)`, with the part of the key that does not depend on
/// `r` mixed once. For loops that open millions of streams (one per reverse-reachable set).
#[derive(Debug, Clone, Copy)]
pub struct StreamFamily {
    prefix: u64,
    purpose: Purpose,
}

impl StreamFamily {
    /// The family of streams named by (seed, point, any replicate, purpose).
    pub fn new(seed: u64, point: u64, purpose: Purpose) -> Self {
        StreamFamily {
            prefix: splitmix64(splitmix64(seed) ^ point),
            purpose,
        }
    }

    /// The family named by this one's name and `index` too, for streams named by two numbers
    /// (a batch of reverse-reachable sets, then a set within it): `child(i).stream(r)` is
    /// independent of `stream(r)` and of `child(j).stream(r)` for `j != i`.
    pub fn child(&self, index: u64) -> StreamFamily {
        StreamFamily {
            prefix: splitmix64(splitmix64(self.prefix ^ CHILD) ^ index),
            purpose: self.purpose,
        }
    }

    /// The stream of replicate `replicate`.
    #[inline]
    pub fn stream(&self, replicate: u64) -> Stream {
        let h = splitmix64(self.prefix ^ replicate.rotate_left(17));
        Stream::seed_from_u64(splitmix64(h ^ (self.purpose as u64).rotate_left(41)))
    }
}

/// Mixed into a family's name to name its children ([`StreamFamily::child`]).
const CHILD: u64 = 0xC41D_5EED_F00D_0001;

/// A uniform number in [0, 1) with 53 random bits.
#[inline]
pub fn unit_f64<R: rand::Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_by_every_part_of_their_name() {
        let base = stream(7, 0, 0, Purpose::Dynamics).next_u64();
        assert_ne!(base, stream(8, 0, 0, Purpose::Dynamics).next_u64());
        assert_ne!(base, stream(7, 1, 0, Purpose::Dynamics).next_u64());
        assert_ne!(base, stream(7, 0, 1, Purpose::Dynamics).next_u64());
        assert_ne!(base, stream(7, 0, 0, Purpose::People).next_u64());
        assert_eq!(base, stream(7, 0, 0, Purpose::Dynamics).next_u64());
    }

    #[test]
    fn a_family_opens_the_streams_of_its_name() {
        let family = StreamFamily::new(7, 3, Purpose::Placement);
        for r in [0, 1, 2, 1 << 40, u64::MAX] {
            assert_eq!(
                family.stream(r).next_u64(),
                stream(7, 3, r, Purpose::Placement).next_u64()
            );
        }
    }

    #[test]
    fn unit_is_in_range_and_centred() {
        let mut rng = stream(1, 2, 3, Purpose::Dynamics);
        let n = 100_000;
        let mean: f64 = (0..n).map(|_| unit_f64(&mut rng)).sum::<f64>() / n as f64;
        // Standard error of the mean is 0.29 / sqrt(n) ~ 0.0009; allow five of them.
        assert!((mean - 0.5).abs() < 0.0046, "mean {mean}");
    }
}
