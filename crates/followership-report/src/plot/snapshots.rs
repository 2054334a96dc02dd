//! The crowd at chosen ticks: small multiples of a network with positions (the hillside, a
//! grid), one panel a tick, each person a dot coloured by what they are doing.
//!
//! Every panel uses the same scale and the same people, so the eye can follow the movement
//! spreading from panel to panel. A large crowd is thinned to every k-th person (the same in
//! every panel, and never leaving out a leader) so the file stays small enough for a report;
//! the subtitle says so. Dots that would land on the same pixel with the same colour are drawn
//! once, which loses nothing visible.

use std::collections::HashSet;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    BLUE, GREEN, INK, LABEL_SIZE, Legend, MUTED, ORANGE, PlotError, Swatch, VERMILLION, WIDTH,
    anchored, count, draw_svg, header, no_data_svg,
};

/// The first follower's colour as CSS: vermillion, a ring around them wherever they are drawn
/// (the plots, the replay, the live view).
pub const FIRST_FOLLOWER_CSS: &str = "#D55E00";
/// The second follower's colour as CSS: bluish green.
pub const SECOND_FOLLOWER_CSS: &str = "#009E73";

/// What one person is doing at a tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PersonState {
    /// Not (or not yet) following.
    Sitting,
    /// Following the movement.
    Following,
    /// Leading the movement.
    Leader,
    /// A leader who gave up.
    LeaderQuit,
    /// Followed once and walked away.
    Left,
}

impl PersonState {
    /// Every state, in the order the legend lists them.
    pub const ALL: [PersonState; 5] = [
        PersonState::Sitting,
        PersonState::Following,
        PersonState::Leader,
        PersonState::LeaderQuit,
        PersonState::Left,
    ];

    /// The state as the legend names it.
    pub fn label(self) -> &'static str {
        match self {
            PersonState::Sitting => "sitting",
            PersonState::Following => "following",
            PersonState::Leader => "leader",
            PersonState::LeaderQuit => "leader who quit",
            PersonState::Left => "left",
        }
    }

    /// The state's colour as CSS (`#RRGGBB`), so other pictures of the same run (an animated
    /// replay) can use the same colours as the plots.
    pub fn css_colour(self) -> &'static str {
        match self {
            PersonState::Sitting => "#B4BAC2",
            PersonState::Following => "#0072B2",
            PersonState::Leader => "#E69F00",
            PersonState::LeaderQuit => "#4D4D4D",
            PersonState::Left => "#CC79A7",
        }
    }

    fn colour(self) -> RGBColor {
        match self {
            // The colours of the replay in people.js, so a report reads as one picture.
            PersonState::Sitting => RGBColor(180, 186, 194),
            PersonState::Following => BLUE,
            PersonState::Leader => ORANGE,
            PersonState::LeaderQuit => RGBColor(77, 77, 77),
            PersonState::Left => RGBColor(204, 121, 167),
        }
    }

    /// Draw order: the crowd first, then those who moved, the leader on top of everyone.
    fn layer(self) -> u8 {
        match self {
            PersonState::Sitting => 0,
            PersonState::Left => 1,
            PersonState::Following => 2,
            PersonState::LeaderQuit => 3,
            PersonState::Leader => 4,
        }
    }

    fn is_leader(self) -> bool {
        matches!(self, PersonState::Leader | PersonState::LeaderQuit)
    }
}

/// People with positions and their states at a few ticks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snapshots {
    /// Where each person is (x, y; larger y is drawn higher). People without finite
    /// coordinates are not drawn.
    pub positions: Vec<[f32; 2]>,
    /// The ticks to show, one panel each, in order: the tick (shown in the panel's caption)
    /// and the state of each person, in the order of `positions`. People past the end of a
    /// frame's states are not drawn in that panel.
    pub frames: Vec<(u32, Vec<PersonState>)>,
    /// What each panel shows ("the first follower joins"), in the order of `frames`: the
    /// panel's title above its tick. A missing or empty one leaves the tick alone.
    pub labels: Vec<String>,
    /// The first follower (an index into `positions`): ringed in vermillion whenever they
    /// dance, drawn over everyone but never hiding the leader.
    pub first_follower: Option<usize>,
    /// The second follower: ringed in green.
    pub second_follower: Option<usize>,
}

/// At most this many dots in the whole picture (before merging dots on the same pixel), about
/// 50 bytes each: four panels of the 3,000-person hillside fit whole in some 600 kB.
const DOT_BUDGET: usize = 12_000;
/// Each panel draws at least this many people (if there are that many) and at most this many.
const PANEL_DOTS: (usize, usize) = (1_000, 5_000);
/// Small multiples stop being small past this many panels; later frames are left out.
const MAX_FRAMES: usize = 12;
const CAPTION_HEIGHT: i32 = 24;
/// Room for a second caption line when panels are titled by their moment.
const LABEL_HEIGHT: i32 = 18;
const TITLE: &str = "The crowd at chosen ticks";

/// Draws one panel a frame, with a shared legend of the states that occur.
pub fn render(snapshots: &Snapshots) -> Result<String, PlotError> {
    let placed: Vec<(usize, f64, f64)> = snapshots
        .positions
        .iter()
        .enumerate()
        .filter_map(|(i, &[x, y])| {
            (x.is_finite() && y.is_finite()).then_some((i, f64::from(x), f64::from(y)))
        })
        .collect();
    let shown_frames = &snapshots.frames[..snapshots.frames.len().min(MAX_FRAMES)];
    let frames = shown_frames.len();
    if placed.is_empty() || frames == 0 {
        return no_data_svg(TITLE, "no people with positions, or no ticks to show");
    }

    let per_panel = (DOT_BUDGET / frames).clamp(PANEL_DOTS.0, PANEL_DOTS.1);
    let every = placed.len().div_ceil(per_panel).max(1);
    let state = |frame: &[PersonState], person: usize| frame.get(person).copied();
    let shown: Vec<(usize, f64, f64)> = placed
        .iter()
        .enumerate()
        .filter(|(k, (i, _, _))| {
            k.is_multiple_of(every)
                || [snapshots.first_follower, snapshots.second_follower].contains(&Some(*i))
                || shown_frames
                    .iter()
                    .any(|(_, f)| state(f, *i).is_some_and(PersonState::is_leader))
        })
        .map(|(_, p)| *p)
        .collect();

    let (mut x_lo, mut x_hi, mut y_lo, mut y_hi) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(_, x, y) in &placed {
        (x_lo, x_hi, y_lo, y_hi) = (x_lo.min(x), x_hi.max(x), y_lo.min(y), y_hi.max(y));
    }
    // A single person or a line of people still needs a box to sit in.
    let (dx, dy) = ((x_hi - x_lo).max(1e-9), (y_hi - y_lo).max(1e-9));
    let (dx, dy) = (dx.max(dy * 0.05), dy.max(dx * 0.05));

    let cols = match frames {
        1 => 1,
        2 | 4 => 2,
        _ => 3,
    };
    let rows = frames.div_ceil(cols);
    let panel_w = WIDTH as i32 / cols as i32;
    let plot_w = panel_w - 20;
    let plot_h = ((f64::from(plot_w) * dy / dx) as i32).clamp(120, 360);
    let labelled = snapshots.labels.iter().any(|l| !l.is_empty());
    let caption_h = CAPTION_HEIGHT + if labelled { LABEL_HEIGHT } else { 0 };
    let panel_h = caption_h + plot_h + 14;
    let scale = (f64::from(plot_w - 12) / dx).min(f64::from(plot_h - 12) / dy);
    let (centre_x, centre_y) = ((x_lo + x_hi) / 2.0, (y_lo + y_hi) / 2.0);
    let to_pixel = |x: f64, y: f64| {
        (
            (f64::from(plot_w) / 2.0 + (x - centre_x) * scale).round() as i32,
            (f64::from(plot_h) / 2.0 - (y - centre_y) * scale).round() as i32,
        )
    };
    let area = f64::from(plot_w * plot_h);
    let radius = (0.4 * (area / shown.len() as f64).sqrt())
        .clamp(1.0, 4.0)
        .round() as i32;
    let leader_radius = (radius * 2 + 1).max(5);

    let people = count(placed.len());
    let mut subtitle = if every > 1 {
        format!(
            "every {} person of {people} drawn ({} dots), and every leader",
            ordinal(every),
            count(shown.len())
        )
    } else {
        format!("{people} people")
    };
    if snapshots.frames.len() > frames {
        subtitle.push_str(&format!(
            "; the first {frames} of {} ticks",
            count(snapshots.frames.len())
        ));
    }
    let present: HashSet<PersonState> = shown_frames
        .iter()
        .flat_map(|(_, f)| shown.iter().filter_map(move |&(i, _, _)| state(f, i)))
        .collect();
    let mut legend: Vec<Legend> = PersonState::ALL
        .iter()
        .filter(|s| present.contains(s))
        .map(|&s| {
            let swatch = match s {
                PersonState::Leader => Swatch::Dot(s.colour(), 6),
                PersonState::LeaderQuit => Swatch::Ring(s.colour(), 6),
                _ => Swatch::Dot(s.colour(), 4),
            };
            (swatch, s.label().to_string())
        })
        .collect();
    // The followers who made the leader a leader, each with a ring of their own (listed when
    // they dance in some panel).
    let dancing_in_some_frame = |who: Option<usize>| {
        who.is_some_and(|i| {
            shown_frames
                .iter()
                .any(|(_, f)| state(f, i) == Some(PersonState::Following))
        })
    };
    let roles = [
        (snapshots.first_follower, VERMILLION, "first follower"),
        (snapshots.second_follower, GREEN, "second follower"),
    ];
    for &(who, colour, label) in &roles {
        if dancing_in_some_frame(who) {
            legend.push((Swatch::Ring(colour, 6), label.to_string()));
        }
    }

    let height = 96 + rows as i32 * panel_h;
    draw_svg((WIDTH, height as u32), |root| {
        let body = header(root, TITLE, Some(&subtitle), &legend)?;
        for (k, (tick, frame)) in shown_frames.iter().enumerate() {
            let left = (k % cols) as i32 * panel_w + 10;
            let top = (k / cols) as i32 * panel_h;
            let in_frame = placed.iter().filter_map(|&(i, _, _)| state(frame, i));
            let (known, following) = in_frame.fold((0usize, 0usize), |(n, f), s| {
                (n + 1, f + usize::from(s == PersonState::Following))
            });
            let caption = if known == 0 {
                format!("tick {tick}")
            } else {
                let share = following as f64 / known as f64;
                format!("tick {tick}: {} following", super::percent(share, 1.0))
            };
            let mut line_top = top + 4;
            if let Some(label) = snapshots.labels.get(k).filter(|l| !l.is_empty()) {
                body.draw(&Text::new(
                    label.clone(),
                    (left + plot_w / 2, line_top),
                    anchored(LABEL_SIZE, INK, HPos::Center, VPos::Top),
                ))?;
                line_top += LABEL_HEIGHT;
            }
            let tick_colour = if labelled { MUTED } else { INK };
            body.draw(&Text::new(
                caption,
                (left + plot_w / 2, line_top),
                anchored(LABEL_SIZE, tick_colour, HPos::Center, VPos::Top),
            ))?;
            let plot_top = top + caption_h;
            body.draw(&Rectangle::new(
                [(left, plot_top), (left + plot_w, plot_top + plot_h)],
                super::GRID.stroke_width(1),
            ))?;

            let mut dots: Vec<(PersonState, (i32, i32))> = shown
                .iter()
                .filter_map(|&(i, x, y)| {
                    let (px, py) = to_pixel(x, y);
                    Some((state(frame, i)?, (left + px, plot_top + py)))
                })
                .collect();
            dots.sort_by_key(|(s, _)| s.layer());
            // The first and second followers, when they dance: a filled dot under the leader's
            // marker and a ring over it, so neither hides the other however close they sit.
            let rings: Vec<((i32, i32), RGBColor)> = roles
                .iter()
                .filter_map(|&(who, colour, _)| {
                    let i = who?;
                    (state(frame, i)? == PersonState::Following).then_some(())?;
                    let &(_, x, y) = shown.iter().find(|(j, _, _)| *j == i)?;
                    let (px, py) = to_pixel(x, y);
                    Some(((left + px, plot_top + py), colour))
                })
                .collect();
            let mut seen = HashSet::new();
            let mut rings_filled = false;
            for (s, at) in dots {
                if s.is_leader() && !rings_filled {
                    for &(at, colour) in &rings {
                        body.draw(&Circle::new(at, leader_radius - 1, colour.filled()))?;
                    }
                    rings_filled = true;
                }
                if !s.is_leader() && !seen.insert((s, at)) {
                    continue;
                }
                match s {
                    PersonState::Leader => {
                        body.draw(&Circle::new(at, leader_radius, s.colour().filled()))?;
                        body.draw(&Circle::new(at, leader_radius, INK.stroke_width(1)))?;
                    }
                    PersonState::LeaderQuit => {
                        body.draw(&Circle::new(at, leader_radius, WHITE.filled()))?;
                        body.draw(&Circle::new(at, leader_radius, s.colour().stroke_width(2)))?;
                    }
                    _ => body.draw(&Circle::new(at, radius, s.colour().filled()))?,
                }
            }
            for &(at, colour) in &rings {
                if !rings_filled {
                    body.draw(&Circle::new(at, leader_radius - 1, colour.filled()))?;
                }
                body.draw(&Circle::new(at, leader_radius + 3, colour.stroke_width(2)))?;
            }
        }
        Ok(())
    })
}

/// "2nd", "3rd", "11th": for the sampling note.
fn ordinal(n: usize) -> String {
    followership::fmt::ordinal(n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::check::assert_plot;

    /// People on a grid, the leader in the middle, followers spreading out over the frames.
    fn hillside(side: usize, ticks: &[u32]) -> Snapshots {
        let positions: Vec<[f32; 2]> = (0..side * side)
            .map(|i| [(i % side) as f32, (i / side) as f32 * 0.5])
            .collect();
        let leader = side * side / 2 + side / 2;
        let frames = ticks
            .iter()
            .enumerate()
            .map(|(k, &tick)| {
                let states = (0..side * side)
                    .map(|i| {
                        let distance =
                            (i % side).abs_diff(leader % side) + (i / side).abs_diff(leader / side);
                        if i == leader {
                            PersonState::Leader
                        } else if distance <= k * 3 {
                            PersonState::Following
                        } else if i % 97 == 0 && k > 1 {
                            PersonState::Left
                        } else {
                            PersonState::Sitting
                        }
                    })
                    .collect();
                (tick, states)
            })
            .collect();
        Snapshots {
            positions,
            frames,
            ..Snapshots::default()
        }
    }

    #[test]
    fn one_panel_a_tick_with_a_legend() {
        let svg = render(&hillside(30, &[0, 100, 200, 400])).unwrap();
        let parsed = assert_plot(
            &svg,
            &[
                "The crowd at chosen ticks",
                "900 people",
                "tick 0: 0% following",
                "tick 100:",
                "tick 200:",
                "tick 400:",
                "sitting",
                "following",
                "leader",
                "left",
            ],
            &[("circle", 4 * 900)],
        );
        assert!(
            !parsed.has_text("leader who quit"),
            "only states that occur are listed"
        );
        // Each panel's leader is a filled dot with a ring, plus the legend dot.
        assert_eq!(parsed.count_with("circle", "fill", "#E69F00"), 4 + 1);
        assert!(parsed.count_with("circle", "fill", "#0072B2") > 100);
    }

    #[test]
    fn the_first_and_second_followers_are_ringed_over_the_leader_and_panels_are_titled() {
        let mut snaps = hillside(30, &[0, 100, 200]);
        let leader = snaps.frames[0]
            .1
            .iter()
            .position(|s| *s == PersonState::Leader)
            .unwrap();
        // The first follower sits right beside the leader; the second one further on.
        snaps.first_follower = Some(leader + 1);
        snaps.second_follower = Some(leader + 2);
        snaps.labels = vec![
            "the start".into(),
            "the first follower joins".into(),
            "the end".into(),
        ];
        let svg = render(&snaps).unwrap();
        let parsed = assert_plot(
            &svg,
            &[
                "first follower",
                "second follower",
                "the first follower joins",
                "tick 100:",
            ],
            &[],
        );
        // Ringed in two panels each (not yet dancing in the first), plus the legend ring.
        let rings = |colour: &str| svg.matches(&format!("stroke=\"{colour}\"")).count();
        assert_eq!(rings(FIRST_FOLLOWER_CSS), 2 + 1, "{svg:.0}");
        assert_eq!(rings(SECOND_FOLLOWER_CSS), 2 + 1);
        // The leader's marker comes after the first follower's dot and before their ring, in
        // every panel: neither hides the other.
        let leader_at = svg.rfind("fill=\"#E69F00\"").unwrap();
        let ring_at = svg
            .rfind(&format!("stroke=\"{FIRST_FOLLOWER_CSS}\""))
            .unwrap();
        let dot_at = svg
            .rfind(&format!("fill=\"{FIRST_FOLLOWER_CSS}\""))
            .unwrap();
        assert!(dot_at < leader_at && leader_at < ring_at);
        assert!(parsed.has_text("the end"));
    }

    #[test]
    fn a_large_crowd_is_thinned_but_keeps_its_leader() {
        let mut big = hillside(120, &[0, 50, 100, 150, 200, 250]);
        let leader = big.frames[0]
            .1
            .iter()
            .position(|s| *s == PersonState::Leader)
            .unwrap();
        big.frames[5].1[leader] = PersonState::LeaderQuit;
        let svg = render(&big).unwrap();
        let parsed = assert_plot(
            &svg,
            &[
                "every 8th person of 14,400 drawn",
                "leader who quit",
                "tick 250",
            ],
            &[],
        );
        assert_eq!(parsed.count_with("circle", "fill", "#E69F00"), 5 + 1);
        assert!(parsed.count("circle") <= DOT_BUDGET + 20);
        assert!(svg.len() < 1_500_000, "{} bytes", svg.len());
    }

    #[test]
    fn awkward_inputs_do_not_panic() {
        assert_plot(&render(&Snapshots::default()).unwrap(), &["no data"], &[]);
        let no_frames = Snapshots {
            positions: vec![[0.0, 0.0]],
            ..Snapshots::default()
        };
        assert_plot(&render(&no_frames).unwrap(), &["no data"], &[]);

        let one = Snapshots {
            positions: vec![[3.0, 3.0], [f32::NAN, 1.0]],
            frames: vec![(5, vec![PersonState::Leader, PersonState::Following])],
            ..Snapshots::default()
        };
        assert_plot(
            &render(&one).unwrap(),
            &["tick 5: 0% following"],
            &[("circle", 2)],
        );

        let line = Snapshots {
            positions: (0..50).map(|i| [i as f32, 0.0]).collect(),
            frames: vec![
                (1, vec![PersonState::Sitting; 10]),
                (2, vec![]),
                (3, vec![PersonState::Following; 80]),
            ],
            ..Snapshots::default()
        };
        assert_plot(
            &render(&line).unwrap(),
            &["tick 2", "tick 3: 100% following"],
            &[],
        );
    }

    #[test]
    fn at_most_twelve_panels() {
        let ticks: Vec<u32> = (0..40).collect();
        let svg = render(&hillside(10, &ticks)).unwrap();
        let parsed = assert_plot(&svg, &["the first 12 of 40 ticks", "tick 11"], &[]);
        assert!(!parsed.has_text("tick 12"));
    }

    #[test]
    fn ordinals() {
        assert_eq!(ordinal(2), "2nd");
        assert_eq!(ordinal(3), "3rd");
        assert_eq!(ordinal(11), "11th");
        assert_eq!(ordinal(21), "21st");
    }
}
