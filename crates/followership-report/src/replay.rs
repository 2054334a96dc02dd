//! The replay of one run: where the people shown sit, who joined and left at which tick, how
//! the whole crowd's adoption curve rose, and how trust moved. The live view sends it to the
//! page as JSON and `report.html` embeds it; both animate it with `people.js`
//! ([`crate::assets::PEOPLE_JS`]), whose header documents the JSON field by field.
//!
//! A network larger than [`ReplayOptions::max_people`] is shown as a sample: every `stride`-th
//! person by dense id (0, stride, 2 stride, ...), plus any leader the stride misses, since the
//! leader is the point of the picture. The same stride ([`stride`]) is what the engine is asked
//! to record trust for ([`followership::simulation::Recording::trust_stride`]), so trust
//! snapshots line up with the people shown. The adoption curve is always the whole crowd's.
//!
//! ```no_run
//! # use followership::experiment::Experiment;
//! # use followership::simulation::Recording;
//! # use followership_report::replay::{Replay, ReplayOptions, stride};
//! let experiment = Experiment::builtin("hillside")?;
//! let options = ReplayOptions::default();
//! let sample = stride(3000, options.max_people);
//! let run = experiment.replicate(0, Recording::everything().with_trust_stride(Some(sample)))?;
//! let critical_mass = experiment.scenario().momentum.as_ref().map(|m| m.critical_mass);
//! let replay = Replay::new(&run.record, &run.graph, critical_mass, &options);
//! let json = serde_json::to_string(&replay)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod layout;

use std::num::NonZeroU32;

use followership::graph::Graph;
use followership::simulation::RunRecord;
use serde::{Deserialize, Serialize};

/// The version of the JSON layout of [`Replay`]; `people.js` checks it.
pub const FORMAT: u32 = 1;

/// How many people a replay shows at most unless told otherwise: a canvas animates this many
/// smoothly, and the JSON stays a few hundred kilobytes.
pub const DEFAULT_MAX_PEOPLE: usize = 5_000;

/// How many ties among the people shown are drawn at most unless told otherwise (more only
/// grey the picture out).
pub const DEFAULT_MAX_EDGES: usize = 10_000;

/// How many distinct trust snapshots a replay keeps at most unless told otherwise: word of
/// mouth changes trust every tick, but trust drifts slowly and a hundred frames show it as well,
/// in a few hundred kilobytes for 5,000 people.
pub const DEFAULT_MAX_TRUST_FRAMES: usize = 100;

/// What goes into a replay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReplayOptions {
    /// Most people shown; a larger network is sampled (see [`stride`]).
    pub max_people: usize,
    /// Most ties drawn among the people shown; beyond it an even selection is kept.
    pub max_edges: usize,
    /// Most trust snapshots kept; beyond it an even selection (with the first and the last).
    pub max_trust_frames: usize,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        ReplayOptions {
            max_people: DEFAULT_MAX_PEOPLE,
            max_edges: DEFAULT_MAX_EDGES,
            max_trust_frames: DEFAULT_MAX_TRUST_FRAMES,
        }
    }
}

/// The stride of the sample shown of a network of `nodes` people when at most `max_people` are
/// shown: people 0, stride, 2 stride, ... Pass it to the engine as the trust stride so that the
/// trust it records is the trust of exactly the people shown.
pub fn stride(nodes: usize, max_people: usize) -> NonZeroU32 {
    // One home for the rule: the engine's, which `followership run` uses for its report too.
    followership::simulation::sample_stride(nodes, max_people)
}

/// Where one block of an organisation sits in a replay's picture (see
/// [`Replay::block_regions`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlockRegion {
    /// The block's number.
    pub block: u32,
    /// The mean position of its people, `[x, y]` in the unit square.
    pub centre: [f64; 2],
    /// The standard deviation of their positions, `[x, y]`.
    pub spread: [f64; 2],
}

/// The replay of one run, ready to serialise (see the module page and the header of
/// `people.js` for the JSON). People are named by their index among those shown: index `i <
/// sampled` is dense id `i * stride`, index `sampled + j` is `extra_ids[j]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Replay {
    /// The version of this layout ([`FORMAT`]).
    pub format: u32,
    /// People in the network.
    pub nodes: u64,
    /// The crowd: people in the network who are not leaders (the curve's denominator).
    pub crowd: u64,
    /// The sample's stride: index `i < sampled` is dense id `i * stride`.
    pub stride: u32,
    /// How many of the people shown come from the stride sample.
    pub sampled: u32,
    /// Dense ids of people shown beyond the sample: leaders the stride misses.
    pub extra_ids: Vec<u32>,
    /// How many people are shown: `sampled + extra_ids.len()`.
    pub shown: u32,
    /// Positions of the people shown, flat: `x0, y0, x1, y1, ...`, each in [0, 1].
    pub positions: Vec<f32>,
    /// Where the positions come from: `"network"` (the network's own, such as a hillside's) or
    /// `"force"` (a force-directed layout of the ties among the people shown).
    pub layout: String,
    /// Ties among the people shown, flat pairs of indices `a0, b0, a1, b1, ...` (from `a` to `b`
    /// when [`Replay::directed`]; each undirected tie once).
    pub edges: Vec<u32>,
    /// How many ties there are among the people shown before the [`ReplayOptions::max_edges`]
    /// cap.
    pub edges_among_shown: u64,
    /// Whether ties have a direction.
    pub directed: bool,
    /// The block (an organisation's level or department) of each person shown, when the network
    /// has blocks: the picture tints each block's region and names it, so a class sees the
    /// movement cross from one level to the next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocks: Option<Vec<u32>>,
    /// Indices of the leaders.
    pub leaders: Vec<u32>,
    /// Index of the first follower, when there was one and they are shown.
    pub first_follower: Option<u32>,
    /// Index of the second follower, when there was one and they are shown.
    pub second_follower: Option<u32>,
    /// Every join and leave of the people shown, in order.
    pub changes: Changes,
    /// Fraction of the whole crowd following at the end of each tick, `0..=last_tick`.
    pub curve: Vec<f32>,
    /// Mean trust of the whole crowd at the end of each tick, when trust is modelled.
    pub mean_trust: Option<Vec<f32>>,
    /// The critical mass (a fraction of the crowd), when known.
    pub critical_mass: Option<f64>,
    /// Trust of the sampled people over time, when recorded.
    pub trust: Option<TrustFrames>,
    /// Leader events (promises kept, failures, violations) for markers on the curve.
    pub events: Vec<ReplayEvent>,
    /// The key moments of the run in tick order (first and second follower, critical mass,
    /// each leader event, the leader quitting, the end of change): chapter buttons, the slower
    /// pace around them, and captions.
    #[serde(default)]
    pub chapters: Vec<Chapter>,
    /// The tick after which nothing changes any more worth watching: the following share stays
    /// within a percentage point of its final value and no chapter comes later. Playing stops
    /// here (the slider still reaches the last tick).
    #[serde(default)]
    pub settled_tick: u32,
    /// The trust floor (`trust.floor`), when trust is modelled: a line on the curve.
    #[serde(default)]
    pub trust_floor: Option<f64>,
    /// The last tick of the run.
    pub last_tick: u32,
    /// The sampling note, "showing 5,000 of 1,200,000 people (every 240th person)", when the
    /// network is shown as a sample.
    pub note: Option<String>,
    /// Other things to tell the viewer: ties left out, trust not shown (a caller may add its
    /// own, such as the engine's notes on the input).
    pub notes: Vec<String>,
}

/// Joins and leaves as three columns of equal length (compact in JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    /// The tick of each change (0 for leaders starting).
    pub tick: Vec<u32>,
    /// Index (among the people shown) of who changed.
    pub person: Vec<u32>,
    /// 1 for joined (or a leader starting), 0 for left (or a leader quitting).
    pub joined: Vec<u8>,
}

/// Trust of the sampled people at some ticks, quantised to 0..=255 (255 is full trust).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustFrames {
    /// The tick of each frame, ascending; a frame holds from its tick until the next frame's.
    pub tick: Vec<u32>,
    /// One row per frame, one value per sampled person (index `i < sampled`); in JSON each row
    /// is a base64 string of its bytes (a third of the size of a list of numbers).
    #[serde(with = "base64_rows")]
    pub values: Vec<Vec<u8>>,
}

/// A leader event, for a marker on the curve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayEvent {
    /// The tick it happened.
    pub tick: u32,
    /// What happened, in plain words ("kept a promise").
    pub label: String,
    /// A short label for the marker ("kept promise", "character violation").
    #[serde(default)]
    pub short: String,
}

/// A key moment of the run: a chapter of the replay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chapter {
    /// The tick it happens.
    pub tick: u32,
    /// What kind of moment: `first-follower`, `second-follower`, `critical-mass`, `event`,
    /// `leader-quit` or `settled`.
    pub kind: String,
    /// A button's label: "First follower", "Character violation".
    pub label: String,
    /// A sentence for a caption: "Tick 37: someone joins the leader, the first follower."
    pub caption: String,
}

/// The chapters of `record` and the tick it settles at (see [`Replay::chapters`] and
/// [`Replay::settled_tick`]), from its outcome, its leader events and `curve` (the share
/// following at each tick).
pub fn chapters(record: &RunRecord, curve: &[f32]) -> (Vec<Chapter>, u32) {
    let o = &record.outcome;
    let mut chapters = Vec::new();
    let mut add = |tick: Option<u32>, kind: &str, label: &str, caption: String| {
        if let Some(tick) = tick {
            chapters.push(Chapter {
                tick,
                kind: kind.into(),
                label: label.into(),
                caption: format!("Tick {tick}: {caption}"),
            });
        }
    };
    add(
        o.first_follower_tick,
        "first-follower",
        "First follower",
        "the first follower joins the lone leader.".into(),
    );
    add(
        o.second_follower_tick,
        "second-follower",
        "Second follower",
        "a second follower joins: now it is a group.".into(),
    );
    add(
        o.critical_mass_tick,
        "critical-mass",
        "Critical mass",
        "the crowd passes the critical mass.".into(),
    );
    for e in &record.trust_events {
        add(
            Some(e.tick),
            "event",
            &capitalise(e.kind.label()),
            format!("the leader {}.", e.kind.describe()),
        );
    }
    add(
        o.leader_quit_tick,
        "leader-quit",
        "Leader quits",
        "the leader gives up and stops dancing.".into(),
    );
    // Stable: two chapters on one tick keep the order above.
    chapters.sort_by_key(|c| c.tick);

    let last = curve.len().saturating_sub(1) as u32;
    let end = curve.last().copied().unwrap_or(0.0);
    let quiet_from = curve
        .iter()
        .rposition(|&v| (v - end).abs() > 0.01)
        .map_or(0, |i| i as u32 + 1);
    let latest = chapters.last().map_or(0, |c| c.tick);
    let settled = quiet_from.max(latest).min(last);
    if settled < last {
        chapters.push(Chapter {
            tick: settled,
            kind: "settled".into(),
            label: "Settled".into(),
            caption: format!(
                "Tick {settled}: from here on, little changes ({} following at the end).",
                followership::fmt::percent(f64::from(end))
            ),
        });
    }
    (chapters, settled)
}

/// `text` with its first letter upper case.
fn capitalise(text: &str) -> String {
    let mut c = text.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

impl Replay {
    /// The replay of `record`, a run on `graph`, with the scenario's `critical_mass` (a line on
    /// the curve) when it has one. The record should carry changes and a time series (as
    /// [`followership::simulation::Recording::everything`] records them) and, for trust, the snapshots
    /// of a run recorded with [`stride`]`(graph.node_count(), options.max_people)`; whatever is
    /// missing is simply left out of the picture.
    pub fn new(
        record: &RunRecord,
        graph: &Graph,
        critical_mass: Option<f64>,
        options: &ReplayOptions,
    ) -> Replay {
        let nodes = graph.node_count();
        let stride = stride(nodes, options.max_people);
        let s = stride.get() as usize;
        let sampled = nodes.div_ceil(s);
        let mut extra_ids: Vec<u32> = record
            .leaders
            .iter()
            .copied()
            .filter(|&l| (l as usize) < nodes && !(l as usize).is_multiple_of(s))
            .collect();
        extra_ids.sort_unstable();
        extra_ids.dedup();
        let sample = Sample {
            stride: s,
            sampled,
            nodes,
            extra: &extra_ids,
        };
        let shown = sample.len();

        let (edges, edges_among_shown) = ties(graph, &sample, options.max_edges);
        let blocks: Option<Vec<u32>> = graph
            .blocks()
            .filter(|b| b.len() == nodes)
            .map(|b| (0..shown).map(|i| b[sample.id(i) as usize]).collect());
        let (positions, layout) = match graph.positions() {
            Some(p) if p.len() == nodes => (
                (0..shown).map(|i| p[sample.id(i) as usize]).collect(),
                "network",
            ),
            _ => (
                layout::force_directed(shown, &edges, blocks.as_deref()),
                "force",
            ),
        };
        let positions = positions
            .iter()
            .flat_map(|p| p.map(|c| round4(c.clamp(0.0, 1.0))))
            .collect();

        let index = |v: u32| sample.index(v);
        let leaders: Vec<u32> = record.leaders.iter().filter_map(|&l| index(l)).collect();
        let first_follower = record.first_follower.and_then(index);
        let second_follower = record.second_follower.and_then(index);
        let mut changes = Changes::default();
        for c in &record.changes {
            if let Some(i) = index(c.person) {
                changes.tick.push(c.tick);
                changes.person.push(i);
                changes.joined.push(u8::from(c.joined));
            }
        }

        let last_tick = last_tick(record);
        let crowd = nodes.saturating_sub(distinct(&record.leaders)) as u64;
        let curve = curve(record, crowd, last_tick);
        let mean_trust = mean_trust(record, last_tick);
        let (chapters, settled_tick) = chapters(record, &curve);

        let mut notes = Vec::new();
        let note = (sampled < nodes).then(|| {
            format!(
                "showing {} of {} people (every {} person{})",
                thousands(shown as u64),
                thousands(nodes as u64),
                ordinal(s),
                if extra_ids.is_empty() {
                    ""
                } else {
                    ", and the leaders"
                },
            )
        });
        if edges_among_shown > (edges.len() / 2) as u64 {
            notes.push(format!(
                "drawing {} of the {} ties between the people shown",
                thousands((edges.len() / 2) as u64),
                thousands(edges_among_shown),
            ));
        }
        let trust = trust_frames(record, sampled, options.max_trust_frames, &mut notes);

        Replay {
            format: FORMAT,
            nodes: nodes as u64,
            crowd,
            stride: stride.get(),
            sampled: sampled as u32,
            shown: shown as u32,
            extra_ids,
            positions,
            layout: layout.to_string(),
            edges,
            edges_among_shown,
            directed: graph.is_directed(),
            blocks,
            leaders,
            first_follower,
            second_follower,
            changes,
            curve,
            mean_trust,
            critical_mass: critical_mass.filter(|c| c.is_finite()),
            trust,
            events: record
                .trust_events
                .iter()
                .map(|e| ReplayEvent {
                    tick: e.tick,
                    label: e.kind.describe().to_string(),
                    short: e.kind.label().to_string(),
                })
                .collect(),
            chapters,
            settled_tick,
            trust_floor: None,
            last_tick,
            note,
            notes,
        }
    }

    /// Where each block of people shown sits: the centre and the standard deviation of its
    /// people's positions (in the unit square), by block number; empty without blocks. The
    /// animation outlines each block two standard deviations around its centre, as people.js
    /// does in the browser.
    pub fn block_regions(&self) -> Vec<BlockRegion> {
        let Some(blocks) = self
            .blocks
            .as_ref()
            .filter(|b| b.len() == self.shown as usize)
        else {
            return Vec::new();
        };
        let mut sums: std::collections::BTreeMap<u32, [f64; 5]> = Default::default();
        for (i, &b) in blocks.iter().enumerate() {
            let (x, y) = (
                f64::from(self.positions.get(2 * i).copied().unwrap_or(0.5)),
                f64::from(self.positions.get(2 * i + 1).copied().unwrap_or(0.5)),
            );
            let s = sums.entry(b).or_default();
            *s = [s[0] + 1.0, s[1] + x, s[2] + y, s[3] + x * x, s[4] + y * y];
        }
        sums.into_iter()
            .map(|(block, [n, x, y, xx, yy])| {
                let (cx, cy) = (x / n, y / n);
                BlockRegion {
                    block,
                    centre: [cx, cy],
                    spread: [
                        (xx / n - cx * cx).max(0.0).sqrt(),
                        (yy / n - cy * cy).max(0.0).sqrt(),
                    ],
                }
            })
            .collect()
    }

    /// The dense id of the person shown at `index`, if there is one.
    pub fn dense_id(&self, index: u32) -> Option<u32> {
        if index < self.sampled {
            index.checked_mul(self.stride)
        } else {
            self.extra_ids.get((index - self.sampled) as usize).copied()
        }
    }
}

/// The people shown: every `stride`-th dense id, then `extra`.
struct Sample<'a> {
    stride: usize,
    sampled: usize,
    nodes: usize,
    extra: &'a [u32],
}

impl Sample<'_> {
    fn len(&self) -> usize {
        self.sampled + self.extra.len()
    }

    fn id(&self, index: usize) -> u32 {
        if index < self.sampled {
            (index * self.stride) as u32
        } else {
            self.extra[index - self.sampled]
        }
    }

    fn index(&self, v: u32) -> Option<u32> {
        let u = v as usize;
        if u >= self.nodes {
            None
        } else if u.is_multiple_of(self.stride) {
            Some((u / self.stride) as u32)
        } else {
            self.extra
                .binary_search(&v)
                .ok()
                .map(|j| (self.sampled + j) as u32)
        }
    }
}

/// Ties among the people shown, at most `max` of them evenly spread over all there are, and how
/// many there are in all.
fn ties(graph: &Graph, sample: &Sample<'_>, max: usize) -> (Vec<u32>, u64) {
    let directed = graph.is_directed();
    // Undirected ties are stored both ways; keep each once.
    let each = |f: &mut dyn FnMut(u32, u32)| {
        for a in 0..sample.len() {
            let v = sample.id(a);
            for &w in graph.out_neighbors(v) {
                if let Some(b) = sample.index(w)
                    && (directed || (a as u32) < b)
                {
                    f(a as u32, b);
                }
            }
        }
    };
    let mut total = 0u64;
    each(&mut |_, _| total += 1);
    let mut edges = Vec::with_capacity(2 * (total.min(max as u64) as usize));
    if max > 0 && total > 0 {
        // Keep tie number floor(j * total / max) for j = 0, 1, ...: an even selection.
        let keep = max as u64;
        let mut seen = 0u64;
        let mut next = 0u64;
        each(&mut |a, b| {
            if seen == next * total / keep.min(total) && next < keep {
                edges.push(a);
                edges.push(b);
                next += 1;
            }
            seen += 1;
        });
    }
    (edges, total)
}

/// The last tick of the run: the outcome's, or the latest tick recorded.
fn last_tick(record: &RunRecord) -> u32 {
    let recorded = record
        .timeseries
        .iter()
        .map(|r| r.tick)
        .chain(record.changes.iter().map(|c| c.tick))
        .max()
        .unwrap_or(0);
    record.outcome.ticks.max(recorded)
}

/// Fraction of the crowd following at the end of each tick, from the time series, or counted
/// from the changes when the run recorded no time series.
fn curve(record: &RunRecord, crowd: u64, last_tick: u32) -> Vec<f32> {
    let len = last_tick as usize + 1;
    let frac = |following: u64| {
        if crowd == 0 {
            0.0
        } else {
            round4((following as f64 / crowd as f64).min(1.0) as f32)
        }
    };
    let mut following: Vec<Option<u64>> = vec![None; len];
    if record.timeseries.is_empty() {
        let leaders = &record.leaders;
        let mut count = 0i64;
        for c in &record.changes {
            if leaders.contains(&c.person) {
                continue;
            }
            count += if c.joined { 1 } else { -1 };
            if let Some(slot) = following.get_mut(c.tick as usize) {
                *slot = Some(count.max(0) as u64);
            }
        }
        following[0].get_or_insert(0);
    } else {
        for r in &record.timeseries {
            if let Some(slot) = following.get_mut(r.tick as usize) {
                *slot = Some(u64::from(r.following));
            }
        }
    }
    carry_forward(&following, 0).into_iter().map(frac).collect()
}

/// Mean trust per tick, when trust is modelled (some tick's mean differs from full trust).
fn mean_trust(record: &RunRecord, last_tick: u32) -> Option<Vec<f32>> {
    let modelled =
        !record.trust_snapshots.is_empty() || record.timeseries.iter().any(|r| r.mean_trust != 1.0);
    if !modelled || record.timeseries.is_empty() {
        return None;
    }
    let mut trust: Vec<Option<f32>> = vec![None; last_tick as usize + 1];
    for r in &record.timeseries {
        if let Some(slot) = trust.get_mut(r.tick as usize) {
            *slot = Some(round4(r.mean_trust.clamp(0.0, 1.0) as f32));
        }
    }
    let first = trust.iter().flatten().next().copied().unwrap_or(1.0);
    Some(carry_forward(&trust, first))
}

/// Fills gaps with the last value seen (`start` before any).
fn carry_forward<T: Copy>(values: &[Option<T>], start: T) -> Vec<T> {
    let mut last = start;
    values
        .iter()
        .map(|v| {
            if let Some(v) = v {
                last = *v;
            }
            last
        })
        .collect()
}

/// The trust snapshots quantised, without repeats, thinned to at most `max`; `None` when none
/// were recorded or they do not match the sample (a note says so).
fn trust_frames(
    record: &RunRecord,
    sampled: usize,
    max: usize,
    notes: &mut Vec<String>,
) -> Option<TrustFrames> {
    if record.trust_snapshots.is_empty() || max == 0 {
        return None;
    }
    if record
        .trust_snapshots
        .iter()
        .any(|s| s.trust.len() != sampled)
    {
        notes.push(
            "trust of each person is not shown: the run recorded it for a different sample"
                .to_string(),
        );
        return None;
    }
    let mut frames = TrustFrames::default();
    for s in &record.trust_snapshots {
        let row: Vec<u8> = s
            .trust
            .iter()
            .map(|&t| {
                if t.is_finite() {
                    (t.clamp(0.0, 1.0) * 255.0).round() as u8
                } else {
                    0
                }
            })
            .collect();
        if frames.values.last() == Some(&row) {
            continue;
        }
        if frames.tick.last().is_some_and(|&t| t >= s.tick) {
            // A second snapshot of the same tick replaces the first.
            frames.tick.pop();
            frames.values.pop();
        }
        frames.tick.push(s.tick);
        frames.values.push(row);
    }
    let n = frames.tick.len();
    if n > max {
        let pick: Vec<usize> = if max == 1 {
            vec![n - 1]
        } else {
            (0..max).map(|j| j * (n - 1) / (max - 1)).collect()
        };
        frames = TrustFrames {
            tick: pick.iter().map(|&j| frames.tick[j]).collect(),
            values: pick.iter().map(|&j| frames.values[j].clone()).collect(),
        };
    }
    Some(frames)
}

/// Rows of bytes as base64 strings (RFC 4648, with padding), which `atob` reads in a browser.
mod base64_rows {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn serialize<S: Serializer>(rows: &[Vec<u8>], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(rows.iter().map(|r| encode(r)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<u8>>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|t| decode(t).ok_or_else(|| D::Error::custom("a trust frame is not base64")))
            .collect()
    }

    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
                if i <= chunk.len() {
                    out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    pub fn decode(text: &str) -> Option<Vec<u8>> {
        let text = text.trim_end_matches('=').as_bytes();
        let mut out = Vec::with_capacity(text.len() * 3 / 4);
        for chunk in text.chunks(4) {
            if chunk.len() == 1 {
                return None;
            }
            let mut n = 0u32;
            for (i, &c) in chunk.iter().enumerate() {
                let v = ALPHABET.iter().position(|&a| a == c)? as u32;
                n |= v << (18 - 6 * i);
            }
            out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8][..chunk.len() - 1]);
        }
        Some(out)
    }
}

/// How many different people `ids` names.
fn distinct(ids: &[u32]) -> usize {
    let mut v = ids.to_vec();
    v.sort_unstable();
    v.dedup();
    v.len()
}

/// `x` rounded to four decimals, which keeps the JSON short (a 1/10,000 of the canvas is far
/// below a pixel).
fn round4(x: f32) -> f32 {
    (x * 10_000.0).round() / 10_000.0
}

use followership::fmt::grouped as thousands;

/// 2 as "2nd", 240 as "240th"; 1 as "" (every person).
fn ordinal(n: usize) -> String {
    if n == 1 {
        String::new()
    } else {
        followership::fmt::ordinal(n as u64)
    }
}

#[cfg(test)]
mod tests;
