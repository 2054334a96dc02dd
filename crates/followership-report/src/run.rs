//! The pictures of a plain run (`followership run`): adoption over ticks with its band over
//! replicates, the distribution of final sizes, the network coloured by state at a few
//! moments, and `report.html` with the summary, the replay and the story of the recorded
//! replicate.

use std::path::Path;

use followership::analysis::ensemble::{SeriesCurves, TickSpan};
use followership::error::Error;
use followership::fmt::counted as plural;
use followership::graph::Graph;
use followership::output::Report;
use followership::output::story::story;
use followership::simulation::{RunOutcome, RunRecord};

use crate::html::{Page, Section};
use crate::plot::{
    self, AdoptionCurve, FirstFollower, LeaderQuit, PersonState, Snapshots, TrustCurve, TrustMark,
};
use crate::replay::{Replay, ReplayOptions};
use crate::{Figure, percent, percent_range};

/// At most this many ticks are drawn on the adoption plot: longer runs are thinned to keep
/// the SVG small, keeping the first and last tick.
const MAX_CURVE_POINTS: usize = 600;

/// Computes the run's figures and its report page.
pub fn pictures(report: &Report<'_>, replay: &ReplayOptions) -> Result<(Vec<Figure>, Page), Error> {
    let scenario = report.scenario;
    let kept = &report.ensemble.aggregates;
    let mut figures = Vec::new();

    if let Some(curve) = adoption_curve(
        &kept.series,
        scenario.momentum.as_ref().map(|m| m.critical_mass),
        scenario.leaders.is_some(),
    ) {
        figures.push(Figure {
            file_name: "adoption.svg".into(),
            title: "Adoption over ticks".into(),
            caption: format!(
                "Fraction of the crowd following at the end of each tick: the median over {} \
                 replicates and the band from the 10th to the 90th percentile. A run that ended \
                 early keeps its final state.",
                curve.runs
            ),
            svg: plot::adoption::render(&curve).map_err(plot_error)?,
        });
    }
    if let Some(trust) = &scenario.trust
        && let Some(curve) = trust_curve(
            &kept.series,
            trust.floor,
            trust_marks(
                &scenario.events,
                report.ensemble.recorded_run().map(|r| r.1),
            ),
        )
    {
        figures.push(Figure {
            file_name: "trust.svg".into(),
            title: "Trust in the leader over ticks".into(),
            caption: format!(
                "The followers' mean trust in the leader at the end of each tick: the median \
                 over {} and the band from the 10th to the 90th percentile (over the runs that \
                 had followers then); the grey line is the whole crowd's. Below the floor of {} \
                 nobody joins and followers leave. Every leader event is marked: the scenario's \
                 scripted ones, which happen in every run, and those of the recorded replicate.",
                plural(curve.runs as u64, "replicate", "replicates"),
                trust.floor
            ),
            svg: plot::trust::render(&curve).map_err(plot_error)?,
        });
    }
    let finals = kept.outcomes.final_fractions();
    if !finals.is_empty() {
        figures.push(Figure {
            file_name: "final-size.svg".into(),
            title: "Final size over replicates".into(),
            caption: format!(
                "How many replicates ended at each final fraction. Runs at or above the cascade \
                 cutoff ({}) count as movements; the distribution is often bimodal: a movement \
                 or nothing.",
                percent(scenario.cascade_cutoff)
            ),
            svg: plot::final_size::render(finals, scenario.cascade_cutoff).map_err(plot_error)?,
        });
    }
    let recorded = report.ensemble.recorded_run();
    let chosen = scenario.output.snapshot_ticks.as_deref();
    if let Some((replicate, record, graph)) = recorded
        && let Some(snapshots) = snapshots(record, graph, chosen)
    {
        figures.push(Figure {
            file_name: "network.svg".into(),
            title: "The network at chosen ticks".into(),
            caption: match chosen {
                Some(_) => format!(
                    "Replicate {replicate}: everyone's state at the ticks of \
                     output.snapshot_ticks (a run that ended earlier shows its end)."
                ),
                None => format!(
                    "Replicate {replicate}: everyone at the start, when the first follower \
                     joined, when the crowd passed the critical mass (or at its peak) and at \
                     the end (output.snapshot_ticks chooses other ticks)."
                ),
            },
            svg: plot::snapshots::render(&snapshots).map_err(plot_error)?,
        });
    }

    let s = report.summary;
    let mut sections = vec![Section::Table {
        title: "Summary".into(),
        header: vec![
            "outcome".into(),
            "value".into(),
            "95% interval, or range over runs".into(),
        ],
        rows: vec![
            vec![
                "final size (mean)".into(),
                percent(s.final_fraction_mean),
                percent_range(s.final_fraction_ci),
            ],
            vec![
                "final size (middle 95% of runs)".into(),
                percent_range(s.final_fraction_range95),
                String::new(),
            ],
            vec![
                "cascade probability".into(),
                percent(s.cascade_probability),
                percent_range(s.cascade_probability_ci),
            ],
            vec![
                "median ticks".into(),
                format!("{}", s.median_ticks),
                String::new(),
            ],
            span_row(
                "first follower joined (median tick)",
                s.first_follower.as_ref(),
                s.replicates,
            ),
            match &s.movement_after_first_follower {
                Some(m) => vec![
                    "a movement followed the first follower".into(),
                    percent(m.estimate),
                    format!(
                        "{} (in {} of {})",
                        percent_range(m.ci),
                        m.count,
                        plural(m.of, "run", "runs")
                    ),
                ],
                None => vec![
                    "a movement followed the first follower".into(),
                    "no first follower".into(),
                    String::new(),
                ],
            },
            span_row(
                "half of the final size (median tick, cascades)",
                s.final_50.as_ref(),
                s.replicates,
            ),
            span_row(
                "90% of the final size (median tick, cascades)",
                s.final_90.as_ref(),
                s.replicates,
            ),
            moment_row(
                "critical mass reached (median tick)",
                kept.outcomes.critical_mass().as_ref(),
                s.replicates,
            ),
            moment_row(
                "leader quit (median tick)",
                kept.outcomes.leader_quit().as_ref(),
                s.replicates,
            ),
        ],
        note: Some(
            "Intervals: a t-interval for the mean, a Wilson interval for the probability.".into(),
        ),
    }];
    if let (Some(c), Section::Table { rows, .. }) = (&s.cycles, &mut sections[0]) {
        // Only when a run cycled: reports of runs that do not cycle stay as they were.
        rows.push(vec![
            "ended in an endless join/leave cycle".into(),
            plural(c.runs as u64, "run", "runs"),
            c.in_words(s.replicates),
        ]);
    }
    if let Some(table) = block_table(report, "Final size by block".into()) {
        sections.push(table);
    }
    if !figures.is_empty() {
        sections.push(Section::Figures {
            title: "Plots".into(),
            figures: figures.clone(),
        });
    }
    if let Some((replicate, record, graph)) = recorded {
        let mut replay = Replay::new(
            record,
            graph,
            scenario.momentum.as_ref().map(|m| m.critical_mass),
            replay,
        );
        replay.trust_floor = scenario.trust.as_ref().map(|t| t.floor);
        let mut note = format!(
            "Replicate {replicate}, played from its joins and leaves: press play or drag the slider."
        );
        for sampled in &replay.notes {
            note.push(' ');
            note.push_str(sampled);
        }
        sections.push(Section::Replay {
            title: "Replay".into(),
            note,
            json: serde_json::to_string(&replay).map_err(|e| Error::io("replay", e.into()))?,
        });
        sections.push(Section::Markdown {
            title: "Story".into(),
            markdown: story(scenario, graph, record, replicate),
        });
    }
    sections.push(Section::Code {
        title: "Scenario".into(),
        text: scenario.to_toml(),
    });
    // No wall time on the page: the report, like every output but run.json, is the same bytes
    // for the same scenario and seed.
    let info = report.info;
    let page = Page {
        title: scenario.name.clone(),
        kind: "run".into(),
        lead: scenario.description.clone(),
        facts: vec![
            ("seed".into(), scenario.seed.to_string()),
            ("replicates".into(), s.replicates.to_string()),
            ("people".into(), info.nodes.to_string()),
            ("edges".into(), info.edges.to_string()),
        ],
        sections,
    };
    Ok((figures, page))
}

/// Writes the run's SVG plots and `report.html` into `dir`.
pub fn write(dir: &Path, report: &Report<'_>) -> Result<(), Error> {
    let (figures, page) = pictures(report, &ReplayOptions::default())?;
    crate::write_pictures(dir, &figures, &page)
}

pub(crate) fn plot_error(e: plot::PlotError) -> Error {
    Error::io("plot", std::io::Error::other(e.to_string()))
}

/// A summary row for a moment the engine's summary measured: its median tick, and its range
/// over the runs it came in.
fn span_row(name: &str, span: Option<&TickSpan>, replicates: usize) -> Vec<String> {
    match span {
        Some(t) => vec![
            name.into(),
            format!("{}", t.median),
            format!(
                "from {} to {}, in {} of {}",
                t.first,
                t.last,
                t.runs,
                plural(replicates as u64, "run", "runs")
            ),
        ],
        None => vec![name.into(), "never".into(), String::new()],
    }
}

/// A summary row for the median tick of a moment that not every run reaches.
fn moment_row(name: &str, span: Option<&TickSpan>, replicates: usize) -> Vec<String> {
    let (value, runs) = match span {
        Some(t) => (format!("{}", t.median), t.runs),
        None => ("never".to_string(), 0),
    };
    vec![
        name.into(),
        value,
        format!(
            "in {} of {}",
            runs,
            plural(replicates as u64, "run", "runs")
        ),
    ]
}

/// The ticks a curve is drawn at: every tick to `last`, thinned to at most about
/// [`MAX_CURVE_POINTS`], always with the last.
fn curve_ticks(last: u32) -> Vec<u32> {
    let step = (last as usize + 1).div_ceil(MAX_CURVE_POINTS).max(1);
    let mut ticks: Vec<u32> = (0..=last).step_by(step).collect();
    if ticks.last() != Some(&last) {
        ticks.push(last);
    }
    ticks
}

/// The median and 10-90% band of the fraction following at each tick over the replicates
/// that recorded a time series; `None` when none did.
pub(crate) fn adoption_curve(
    series: &SeriesCurves,
    critical_mass: Option<f64>,
    has_leaders: bool,
) -> Option<AdoptionCurve> {
    let ticks = curve_ticks(series.following.last_tick()?);
    let (mut median, mut p10, mut p90) = (Vec::new(), Vec::new(), Vec::new());
    series.following.at_ticks(&ticks, |_, column| {
        median.push(column.quantile(0.5));
        p10.push(column.quantile(0.1));
        p90.push(column.quantile(0.9));
    });
    let runs = series.runs();
    let quits = &series.leader_quit;
    let leader_quit = (!quits.is_empty()).then(|| LeaderQuit {
        median_tick: quits.quantile(0.5),
        runs_quit: quits.len() as usize,
        runs,
    });
    let firsts = &series.first_follower;
    let first_follower = (!firsts.is_empty() && has_leaders).then(|| FirstFollower {
        median_tick: firsts.quantile(0.5),
        runs_with: firsts.len() as usize,
        runs,
    });
    Some(AdoptionCurve {
        first_follower,
        ticks,
        median,
        p10,
        p90,
        critical_mass,
        leader_quit,
        runs,
    })
}

/// The final share following of each block of a network with blocks (an organisation's
/// levels): the mean over the runs and the 10th to 90th percentile; `None` without blocks.
pub(crate) fn block_table(report: &Report<'_>, title: String) -> Option<Section> {
    let blocks = report.ensemble.graph.blocks()?;
    let shares = &report.ensemble.aggregates.blocks;
    let n = shares.len();
    if n == 0 {
        return None;
    }
    let mut sizes = vec![0u64; n];
    for &b in blocks {
        if let Some(s) = sizes.get_mut(b as usize) {
            *s += 1;
        }
    }
    let rows = (0..n)
        .map(|b| {
            let values = shares.shares(b).expect("a block below the count");
            vec![
                format!("block {b}"),
                followership::fmt::grouped(sizes[b]),
                percent(shares.mean(b)),
                percent_range([values.quantile(0.1), values.quantile(0.9)]),
            ]
        })
        .collect();
    Some(Section::Table {
        title,
        header: vec![
            "block".into(),
            "people".into(),
            "final share following (mean)".into(),
            "10% to 90% of runs".into(),
        ],
        rows,
        note: Some(
            "The share of each block's people (leaders not counted) following at the end: in an \
             organisation, how far the movement reached at each level."
                .into(),
        ),
    })
}

/// The leader events to mark on the trust plot: the scenario's scripted `[[events]]` (every run
/// has them) and the recorded replicate's, each (tick, kind) once, in tick order.
fn trust_marks(
    scripted: &[followership::model::movement::ScriptedEvent],
    recorded: Option<&RunRecord>,
) -> Vec<TrustMark> {
    let mut events: Vec<(u32, followership::model::movement::LeaderEventKind)> = scripted
        .iter()
        .map(|e| (e.tick, e.kind))
        .chain(
            recorded
                .into_iter()
                .flat_map(|r| r.trust_events.iter().map(|e| (e.tick, e.kind))),
        )
        .collect();
    events.sort_by_key(|e| (e.0, e.1.label()));
    events.dedup();
    events
        .into_iter()
        .map(|(tick, kind)| TrustMark {
            tick,
            label: kind.label().into(),
            kept: kind == followership::model::movement::LeaderEventKind::KeptPromise,
        })
        .collect()
}

/// The median and 10-90% band of the followers' mean trust at each tick over the replicates
/// that recorded a time series (at each tick, over those with followers then), and the median
/// of the whole crowd's mean trust; `None` when no replicate recorded one.
fn trust_curve(series: &SeriesCurves, floor: f64, events: Vec<TrustMark>) -> Option<TrustCurve> {
    let ticks = curve_ticks(series.trust_crowd.last_tick()?);
    let mut curve = TrustCurve {
        floor,
        events,
        runs: series.trust_crowd.runs() as usize,
        ..TrustCurve::default()
    };
    series.trust_followers.at_ticks(&ticks, |_, followers| {
        curve.median.push(followers.quantile(0.5));
        curve.p10.push(followers.quantile(0.1));
        curve.p90.push(followers.quantile(0.9));
    });
    series
        .trust_crowd
        .at_ticks(&ticks, |_, crowd| curve.crowd.push(crowd.quantile(0.5)));
    curve.ticks = ticks;
    Some(curve)
}

/// Everyone's state at the `chosen` ticks of a recorded run (by default the moments of its
/// story, each panel titled by what it shows: see [`default_moments`]), on a network with
/// positions. A chosen tick past the end of the run shows the end.
fn snapshots(record: &RunRecord, graph: &Graph, chosen: Option<&[u32]>) -> Option<Snapshots> {
    let positions = graph.positions()?;
    let outcome = record.outcome;
    let moments: Vec<(u32, String)> = match chosen {
        Some(ticks) => {
            let mut moments: Vec<u32> = ticks.iter().map(|&t| t.min(outcome.ticks)).collect();
            moments.sort_unstable();
            moments.dedup();
            moments.into_iter().map(|t| (t, String::new())).collect()
        }
        None => default_moments(record, &outcome),
    };
    let ticks: Vec<u32> = moments.iter().map(|m| m.0).collect();
    Some(Snapshots {
        positions: positions.to_vec(),
        frames: frames(record, graph.node_count(), &ticks),
        labels: moments.into_iter().map(|m| m.1).collect(),
        first_follower: record.first_follower.map(|v| v as usize),
        second_follower: record.second_follower.map(|v| v as usize),
    })
}

/// The moments of a run's story, each with what it shows: the start, the first follower, the
/// critical mass (or the peak), the ticks just before and just after the leader event that
/// moved trust the most, and the end. Moments on the same tick are shown once, under the
/// first of their names.
fn default_moments(record: &RunRecord, outcome: &RunOutcome) -> Vec<(u32, String)> {
    let mut moments = vec![(0, "the start".to_string())];
    if let Some(t) = outcome.first_follower_tick {
        moments.push((t, "the first follower joins".into()));
    }
    match outcome.critical_mass_tick {
        Some(t) => moments.push((t, "the critical mass".into())),
        None => {
            if let Some(peak) = record
                .timeseries
                .iter()
                .max_by_key(|t| (t.following, std::cmp::Reverse(t.tick)))
            {
                moments.push((peak.tick, "the peak".into()));
            }
        }
    }
    if let Some(e) = largest_event(record) {
        let what = e.kind.label();
        moments.push((e.tick.saturating_sub(1), format!("just before the {what}")));
        moments.push((
            (e.tick + 1).min(outcome.ticks),
            format!("just after the {what}"),
        ));
    }
    moments.push((outcome.ticks, "the end".into()));
    // Stable: of two moments on one tick, the one listed first keeps its name.
    moments.sort_by_key(|m| m.0);
    moments.dedup_by_key(|m| m.0);
    moments
}

/// The leader event that moved the crowd's mean trust the most (the first of equals).
pub(crate) fn largest_event(record: &RunRecord) -> Option<&followership::simulation::TrustEvent> {
    record.trust_events.iter().reduce(|best, e| {
        let size = |e: &followership::simulation::TrustEvent| {
            (e.mean_trust_after - e.mean_trust_before).abs()
        };
        if size(e) > size(best) { e } else { best }
    })
}

/// The state of everyone at each of `moments` (ascending), replayed from the changes.
fn frames(record: &RunRecord, n: usize, moments: &[u32]) -> Vec<(u32, Vec<PersonState>)> {
    let mut state = vec![PersonState::Sitting; n];
    let is_leader = {
        let mut is = vec![false; n];
        for &l in &record.leaders {
            is[l as usize] = true;
        }
        is
    };
    let mut frames = Vec::with_capacity(moments.len());
    let mut changes = record.changes.iter().peekable();
    for &moment in moments {
        while let Some(c) = changes.next_if(|c| c.tick <= moment) {
            let v = c.person as usize;
            state[v] = match (is_leader[v], c.joined) {
                (true, true) => PersonState::Leader,
                (true, false) => PersonState::LeaderQuit,
                (false, true) => PersonState::Following,
                (false, false) => PersonState::Left,
            };
        }
        frames.push((moment, state.clone()));
    }
    frames
}

#[cfg(test)]
mod tests {
    use super::*;
    use followership::simulation::{Change, TickRecord};

    fn record(following: &[u32], quit: Option<u32>) -> RunRecord {
        RunRecord {
            outcome: RunOutcome {
                final_following: *following.last().unwrap(),
                final_fraction: f64::from(*following.last().unwrap()) / 10.0,
                peak_fraction: 0.0,
                ticks: following.len() as u32 - 1,
                cascaded: false,
                first_follower_tick: None,
                second_follower_tick: None,
                critical_mass_tick: None,
                leader_quit_tick: quit,
                final_mean_trust: 1.0,
                final_50_tick: None,
                final_90_tick: None,
                cycle: None,
            },
            timeseries: following
                .iter()
                .enumerate()
                .map(|(t, &f)| TickRecord {
                    tick: t as u32,
                    following: f,
                    joined: 0,
                    left: 0,
                    leaders_dancing: 1,
                    mean_trust: 1.0,
                    mean_trust_followers: None,
                })
                .collect(),
            ..RunRecord::default()
        }
    }

    /// The curves of `runs` on a network of 10 people.
    fn curves(runs: &[RunRecord]) -> SeriesCurves {
        let mut c = SeriesCurves::new(10, false);
        runs.iter().for_each(|r| c.push(r));
        c
    }

    #[test]
    fn the_band_carries_finished_runs_forward_and_orders_its_quantiles() {
        let runs = vec![
            record(&[0, 2, 4, 10], Some(3)),
            record(&[0, 0], Some(1)),
            record(&[0, 1, 1, 1, 5], None),
        ];
        let curve = adoption_curve(&curves(&runs), Some(0.1), true).unwrap();
        assert_eq!(curve.ticks, vec![0, 1, 2, 3, 4]);
        assert_eq!(curve.runs, 3);
        // Tick 4: the first run stays at 10 of 10, the second at 0, the third reaches 5.
        assert!((curve.median[4] - 0.5).abs() < 1e-12);
        for i in 0..curve.ticks.len() {
            assert!(curve.p10[i] <= curve.median[i] && curve.median[i] <= curve.p90[i]);
        }
        let quit = curve.leader_quit.unwrap();
        assert_eq!((quit.runs_quit, quit.runs), (2, 3));
        assert!((quit.median_tick - 2.0).abs() < 1e-12);
        assert!(adoption_curve(&curves(&[RunRecord::default()]), None, true).is_none());
    }

    #[test]
    fn long_runs_are_thinned_but_keep_their_last_tick() {
        let long: Vec<u32> = (0..5000).map(|t| t / 1000).collect();
        let curve = adoption_curve(&curves(&[record(&long, None)]), None, true).unwrap();
        assert!(curve.ticks.len() <= MAX_CURVE_POINTS + 1);
        assert_eq!(*curve.ticks.last().unwrap(), 4999);
    }

    #[test]
    fn snapshots_follow_the_changes_of_leaders_and_followers() {
        let mut b = followership::graph::GraphBuilder::new(4, false);
        b.add_edge(0, 1);
        let (graph, _) = b
            .positions(vec![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
            .build();
        let mut rec = record(&[0, 1, 2, 1], Some(3));
        rec.leaders = vec![0];
        let o = &mut rec.outcome;
        o.first_follower_tick = Some(1);
        rec.changes = vec![
            Change {
                tick: 0,
                person: 0,
                joined: true,
            },
            Change {
                tick: 1,
                person: 1,
                joined: true,
            },
            Change {
                tick: 2,
                person: 2,
                joined: true,
            },
            Change {
                tick: 3,
                person: 1,
                joined: false,
            },
            Change {
                tick: 3,
                person: 0,
                joined: false,
            },
        ];
        let s = snapshots(&rec, &graph, None).unwrap();
        let ticks: Vec<u32> = s.frames.iter().map(|f| f.0).collect();
        assert_eq!(ticks, vec![0, 1, 2, 3], "start, first follower, peak, end");
        use PersonState::*;
        assert_eq!(s.frames[0].1, vec![Leader, Sitting, Sitting, Sitting]);
        assert_eq!(s.frames[3].1, vec![LeaderQuit, Left, Following, Sitting]);
        // Chosen ticks, unordered and past the end: sorted, and the end stands for later ones.
        let chosen = snapshots(&rec, &graph, Some(&[9, 2, 1])).unwrap();
        let ticks: Vec<u32> = chosen.frames.iter().map(|f| f.0).collect();
        assert_eq!(ticks, vec![1, 2, 3]);
        assert_eq!(
            chosen.frames[1].1,
            vec![Leader, Following, Following, Sitting]
        );
    }
}
