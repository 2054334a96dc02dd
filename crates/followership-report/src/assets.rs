//! Files the pages of followership share, embedded in the binary so that every page is
//! self-contained and nothing is fetched from the internet.

/// `people.js`: the drawing code of replays (people on a canvas coloured by state and trust, the
/// adoption curve, and the player), used by `report.html` and by the live view. Its header
/// documents its API and the replay JSON it reads ([`crate::replay::Replay`]).
pub const PEOPLE_JS: &str = include_str!("../assets/people.js");
