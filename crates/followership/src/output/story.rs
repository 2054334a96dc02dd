//! `story.md`: the story of one run in plain language, for people who teach leadership with the
//! tool. It is a timeline in Markdown, told from the run's record alone: the leader starting
//! alone, how long they danced alone, the first and second followers, the critical mass, every
//! leader event and what it did to trust, waves of leaving, the leader giving up, and the end.
//! Runs without leaders (the classic models) get a simpler story: who started, who joined first,
//! when half of the final crowd was reached, and the end.
//!
//! People are named by their id in the network's own ids ([`Graph::label`]) and by how many
//! people see them (their out-degree: the people their dancing reaches). Nothing is told that the
//! record does not contain; the parts of the story that need the changes or the time series are
//! left out when the record lacks them.

use std::fmt::Write as _;
use std::io::Write;

use super::{Exporter, Report};
use crate::fmt::{grouped as count, people, people_follow, percent_in_text as percent, ticks};
use crate::graph::Graph;
use crate::scenario::Scenario;
use crate::simulation::{RunRecord, TickRecord};

/// A tick is a wave of leaving when more than this share of the followers (at the end of the
/// previous tick) left during it...
pub const WAVE_SHARE: f64 = 0.05;

/// ...and at least this share of the crowd left...
pub const WAVE_CROWD_SHARE: f64 = 0.01;

/// ...and at least this many people (a lone dancer or two sitting down again is no wave).
pub const WAVE_MIN: u32 = 3;

/// How many people a list names before it says "and N more".
const LIST_AT_MOST: usize = 5;

/// `story.md`: the story of the replicate recorded by
/// [`EnsembleOptions::changes_for`](crate::experiment::EnsembleOptions::changes_for), normally
/// replicate 0.
pub struct Story;

impl Exporter for Story {
    fn file_name(&self) -> &'static str {
        "story.md"
    }

    fn write(&self, report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        let text = match report.ensemble.recorded_run() {
            Some((replicate, record, graph)) => story(report.scenario, graph, record, replicate),
            None => format!(
                "# The story of a run: {}\n\nNo replicate was recorded, so there is no story to \
                 tell.\n",
                report.scenario.name
            ),
        };
        out.write_all(text.as_bytes())
    }
}

/// One moment of the timeline.
struct Moment {
    /// The tick it happened, or the first tick of a span.
    tick: u32,
    /// The last tick of a span of several ticks.
    until: Option<u32>,
    /// Order among moments of the same tick: the order things happen inside a tick.
    order: u8,
    text: String,
}

// Inside a tick, leader events come first, then people leave and join, then the leader may
// give up.
const AT_START: u8 = 0;
const LEADER_EVENT: u8 = 1;
const LEAVING: u8 = 2;
const JOINING: u8 = 3;
const SECOND: u8 = 4;
const CROWD: u8 = 5;
const GIVING_UP: u8 = 6;
const THE_END: u8 = 7;

/// The story of replicate `replicate` of `scenario`, which ran on `graph` and recorded `record`,
/// as Markdown.
pub fn story(scenario: &Scenario, graph: &Graph, record: &RunRecord, replicate: u64) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# The story of a run: {}, replicate {replicate}\n",
        scenario.name
    );
    let outcome = record.outcome;
    // Everyone sees the whole crowd and the network has no ties (as in `bass`): the network is
    // not part of the story, and "seen by 0 people" would say the opposite of what happens.
    let crowd_only = graph.edge_count() == 0 && scenario.dynamics.visibility >= 1.0;
    if crowd_only {
        let _ = writeln!(
            md,
            "{} who all see the whole crowd (seed {}).\n",
            people(graph.node_count() as u64),
            scenario.seed,
        );
    } else {
        let _ = writeln!(
            md,
            "{} on {} (seed {}). \"Seen by\" counts the people who see a person in the network \
             (their out-degree): the people their dancing can move.\n",
            people(graph.node_count() as u64),
            network_kind(scenario),
            scenario.seed,
        );
    }
    let tale = Tale {
        scenario,
        graph,
        record,
        crowd_only,
    };
    let mut moments = Vec::new();
    if record.leaders.is_empty() {
        tale.crowd_start(&mut moments);
    } else {
        tale.leader_start(&mut moments);
    }
    tale.critical_mass(&mut moments);
    tale.leader_events(&mut moments);
    tale.waves(&mut moments);
    if !record.leaders.is_empty() {
        tale.giving_up(&mut moments);
    }
    let text = if let Some(c) = &outcome.cycle {
        format!(
            "The crowd is back where it stood at tick {}: with nothing left to chance, the same \
             joins and leaves would repeat every {} for ever ({}), so the run ends here, in an \
             endless cycle.",
            c.from_tick,
            if c.period == 1 {
                "tick".to_string()
            } else {
                ticks(c.period)
            },
            swing(c),
        )
    } else if outcome.ticks >= scenario.max_ticks {
        "The run ends, at the tick limit.".to_string()
    } else {
        "The run ends.".to_string()
    };
    moments.push(Moment {
        tick: outcome.ticks,
        until: None,
        order: THE_END,
        text,
    });
    moments.sort_by_key(|m| (m.tick, m.order));
    md.push_str("## Timeline\n\n");
    let mut i = 0;
    while i < moments.len() {
        let (tick, until) = (moments[i].tick, moments[i].until);
        let mut texts = Vec::new();
        while i < moments.len() && moments[i].tick == tick && moments[i].until == until {
            texts.push(moments[i].text.as_str());
            i += 1;
        }
        let when = match until {
            Some(last) => format!("Ticks {tick} to {last}"),
            None => format!("Tick {tick}"),
        };
        let _ = writeln!(md, "- **{when}.** {}", texts.join(" "));
    }
    md.push_str("\n## The end\n\n");
    md.push_str(&tale.ending());
    md.push('\n');
    md
}

/// What a story is told from.
struct Tale<'a> {
    scenario: &'a Scenario,
    graph: &'a Graph,
    record: &'a RunRecord,
    /// Everyone sees the whole crowd through a network without ties: nobody is "seen by"
    /// anyone in particular.
    crowd_only: bool,
}

impl Tale<'_> {
    /// "person 12 (seen by 7 people)".
    fn person(&self, v: u32) -> String {
        if self.crowd_only {
            return format!("person {}", self.graph.label(v));
        }
        format!(
            "person {} (seen by {})",
            self.graph.label(v),
            people(self.graph.out_degree(v) as u64)
        )
    }

    /// A list of people: the first few named, the rest counted.
    fn list(&self, vs: &[u32]) -> String {
        let mut named: Vec<String> = vs
            .iter()
            .take(LIST_AT_MOST)
            .map(|&v| self.person(v))
            .collect();
        if vs.len() > LIST_AT_MOST {
            named.push(format!("{} more", count((vs.len() - LIST_AT_MOST) as u64)));
        }
        join_and(&named)
    }

    fn is_leader(&self, v: u32) -> bool {
        self.record.leaders.contains(&v)
    }

    /// "the leader" or "the leaders".
    fn the_leader(&self) -> &'static str {
        if self.record.leaders.len() == 1 {
            "the leader"
        } else {
            "the leaders"
        }
    }

    /// "the leader" or "one of the leaders": whom a follower sees.
    fn a_leader(&self) -> &'static str {
        if self.record.leaders.len() == 1 {
            "the leader"
        } else {
            "one of the leaders"
        }
    }

    /// Whether `v` sees one of the leaders.
    fn sees_leader(&self, v: u32) -> bool {
        self.graph
            .in_neighbors(v)
            .iter()
            .any(|&u| self.is_leader(u))
    }

    /// Everyone but the leaders.
    fn crowd(&self) -> u64 {
        (self.graph.node_count() - self.record.leaders.len()) as u64
    }

    /// The row of the time series for `tick`, if recorded.
    fn row(&self, tick: u32) -> Option<&TickRecord> {
        let ts = &self.record.timeseries;
        ts.binary_search_by_key(&tick, |t| t.tick)
            .ok()
            .map(|i| &ts[i])
    }

    /// Those dancing at tick 0 besides the leaders, from the changes.
    fn initial_followers(&self) -> Vec<u32> {
        self.record
            .changes
            .iter()
            .take_while(|c| c.tick == 0)
            .filter(|c| c.joined && !self.is_leader(c.person))
            .map(|c| c.person)
            .collect()
    }

    /// How many of the crowd dance at tick 0: from the changes, or else the time series.
    fn initial_count(&self) -> Option<u64> {
        if !self.record.changes.is_empty() {
            Some(self.initial_followers().len() as u64)
        } else {
            self.row(0).map(|t| u64::from(t.following))
        }
    }

    /// Tick 0 and the first followers of a run with leaders.
    fn leader_start(&self, moments: &mut Vec<Moment>) {
        let leaders = &self.record.leaders;
        let mut text = if leaders.len() == 1 {
            format!(
                "The leader, {}, starts dancing alone.",
                self.person(leaders[0])
            )
        } else {
            format!(
                "{} leaders start dancing alone: {}.",
                count(leaders.len() as u64),
                self.list(leaders)
            )
        };
        let initial = self.initial_followers();
        if !initial.is_empty() {
            let _ = write!(
                text,
                " {} dance{} with them from the start: {}.",
                capitalise(&people(initial.len() as u64)),
                if initial.len() == 1 { "s" } else { "" },
                self.list(&initial)
            );
        } else if let Some(n) = self.initial_count().filter(|&n| n > 0) {
            let _ = write!(
                text,
                " {} dance{} with them from the start.",
                capitalise(&people(n)),
                if n == 1 { "s" } else { "" }
            );
        }
        moments.push(Moment {
            tick: 0,
            until: None,
            order: AT_START,
            text,
        });

        let outcome = self.record.outcome;
        let (Some(first), Some(tick)) = (self.record.first_follower, outcome.first_follower_tick)
        else {
            return;
        };
        let mut text = format!(
            "After {} alone, {} {} a first follower: {}, who sees {}.",
            ticks(tick),
            self.the_leader(),
            if self.record.leaders.len() == 1 {
                "gets"
            } else {
                "get"
            },
            self.person(first),
            self.a_leader(),
        );
        let influence = &self.scenario.influence;
        if influence.embrace {
            let leader_weight = self
                .scenario
                .leaders
                .as_ref()
                .map_or(1.0, |l| l.effective_weight());
            let _ = write!(
                text,
                " {} {} them: to the people who see them they now count as {} dancers (a \
                 follower counts as {}).",
                capitalise(self.the_leader()),
                if self.record.leaders.len() == 1 {
                    "embraces"
                } else {
                    "embrace"
                },
                number(influence.first_follower.max(leader_weight)),
                number(influence.follower),
            );
        }
        let (joined, left) = self.others_before(first, tick);
        if joined > 0 {
            let who = if joined == 1 {
                "1 other person".to_string()
            } else {
                format!("{} other people", count(joined))
            };
            let _ = match (left, joined) {
                (l, j) if l == j => write!(
                    text,
                    " Before that, {who} in the crowd got up and sat down again."
                ),
                (0, _) => write!(
                    text,
                    " Before that, {who} in the crowd got up; none sat down again."
                ),
                (l, _) => write!(
                    text,
                    " Before that, {who} in the crowd got up; {} of them sat down again.",
                    count(l)
                ),
            };
        }
        moments.push(Moment {
            tick,
            until: None,
            order: JOINING,
            text,
        });
        if let Some(t) = self.left_after(first, tick) {
            moments.push(Moment {
                tick: t,
                until: None,
                order: LEAVING,
                text: format!(
                    "The first follower, person {}, sits down again.",
                    self.graph.label(first)
                ),
            });
        }
        let (Some(second), Some(tick)) =
            (self.record.second_follower, outcome.second_follower_tick)
        else {
            return;
        };
        let sees_first = self.graph.in_neighbors(second).contains(&first);
        let sees = match (sees_first, self.sees_leader(second)) {
            (true, true) => format!("both the first follower and {}", self.a_leader()),
            (true, false) => "the first follower".to_string(),
            _ => self.a_leader().to_string(),
        };
        moments.push(Moment {
            tick,
            until: None,
            order: SECOND,
            text: format!(
                "{}, who sees {sees}, joins: the second follower.",
                capitalise(&self.person(second))
            ),
        });
    }

    /// How many other people of the crowd joined between tick 1 and the tick before `tick`, and
    /// how many of them had sat down again when the first follower joined (from the changes;
    /// within a tick, people leave before others join).
    fn others_before(&self, first: u32, tick: u32) -> (u64, u64) {
        let mut dancing = std::collections::BTreeMap::new();
        for c in &self.record.changes {
            if c.tick > tick || (c.tick == tick && c.joined) {
                break;
            }
            if c.tick == 0 || c.person == first || self.is_leader(c.person) {
                continue;
            }
            if c.joined || dancing.contains_key(&c.person) {
                dancing.insert(c.person, c.joined);
            }
        }
        let joined = dancing.len() as u64;
        let left = dancing.values().filter(|&&d| !d).count() as u64;
        (joined, left)
    }

    /// The tick person `v`, who joined at `tick`, next left, if they did (from the changes).
    fn left_after(&self, v: u32, tick: u32) -> Option<u32> {
        self.record
            .changes
            .iter()
            .find(|c| c.person == v && !c.joined && c.tick > tick)
            .map(|c| c.tick)
    }

    /// Tick 0, the first joiners and the halfway mark of a run without leaders.
    fn crowd_start(&self, moments: &mut Vec<Moment>) {
        let initial = self.initial_followers();
        let text = if !initial.is_empty() {
            format!(
                "{} start{} dancing: {}.",
                if initial.len() == 1 {
                    "1 person".to_string()
                } else {
                    people(initial.len() as u64)
                },
                if initial.len() == 1 { "s" } else { "" },
                self.list(&initial)
            )
        } else {
            match self.initial_count() {
                Some(0) => "Nobody dances yet.".to_string(),
                Some(n) => format!("{} start dancing.", people(n)),
                None => String::new(),
            }
        };
        if !text.is_empty() {
            moments.push(Moment {
                tick: 0,
                until: None,
                order: AT_START,
                text,
            });
        }
        let outcome = self.record.outcome;
        let first = self.record.first_follower.zip(outcome.first_follower_tick);
        let second = self
            .record
            .second_follower
            .zip(outcome.second_follower_tick);
        if let Some((v, tick)) = first {
            let joined = self.row(tick).map_or(0, |r| r.joined);
            let same_tick = second.filter(|&(_, t)| t == tick).map(|(w, _)| w);
            let text = match (joined, same_tick) {
                (n, Some(w)) if n > 2 => format!(
                    "The first people join after the start: {} of them, among them {} and {}.",
                    count(n.into()),
                    self.person(v),
                    self.person(w)
                ),
                (_, Some(w)) => format!(
                    "The first two join after the start: {} and {}.",
                    self.person(v),
                    self.person(w)
                ),
                (n, None) if n > 1 => format!(
                    "The first people join after the start: {} of them, among them {}.",
                    count(n.into()),
                    self.person(v)
                ),
                (_, None) => format!("The first to join after the start is {}.", self.person(v)),
            };
            moments.push(Moment {
                tick,
                until: None,
                order: JOINING,
                text,
            });
            if let Some((w, t)) = second.filter(|&(_, t)| t != tick) {
                moments.push(Moment {
                    tick: t,
                    until: None,
                    order: SECOND,
                    text: format!("The second to join is {}.", self.person(w)),
                });
            }
        }
        let final_following = u64::from(outcome.final_following);
        let start = self.row(0).map_or(0, |t| u64::from(t.following));
        if final_following > start
            && let Some(row) = self
                .record
                .timeseries
                .iter()
                .find(|t| 2 * u64::from(t.following) >= final_following)
            && row.tick > 0
        {
            moments.push(Moment {
                tick: row.tick,
                until: None,
                order: CROWD,
                text: format!(
                    "{}: half of the final {}.",
                    capitalise(&people_follow(u64::from(row.following))),
                    count(final_following)
                ),
            });
        }
    }

    /// The tick the critical mass was reached.
    fn critical_mass(&self, moments: &mut Vec<Moment>) {
        let outcome = self.record.outcome;
        let (Some(momentum), Some(tick)) = (&self.scenario.momentum, outcome.critical_mass_tick)
        else {
            return;
        };
        let mut text = match self.row(tick) {
            Some(row) => format!(
                "{}, {} of the crowd: the critical mass of {} is reached.",
                capitalise(&people_follow(u64::from(row.following))),
                percent(f64::from(row.following) / self.crowd().max(1) as f64),
                percent(momentum.critical_mass),
            ),
            None => format!(
                "The critical mass of {} of the crowd is reached.",
                percent(momentum.critical_mass)
            ),
        };
        if momentum.pressure > 0.0 {
            let _ = write!(
                text,
                " From here on, pressure to join lowers everyone's threshold, more as more \
                 follow (by {} when everyone does).",
                number(momentum.pressure)
            );
        }
        moments.push(Moment {
            tick,
            until: None,
            order: CROWD,
            text,
        });
    }

    /// Every leader event and what it did to mean trust.
    fn leader_events(&self, moments: &mut Vec<Moment>) {
        for e in &self.record.trust_events {
            let (before, after) = trust_pair(e.mean_trust_before, e.mean_trust_after);
            let moved = if e.mean_trust_after > e.mean_trust_before {
                format!("rose from {before} to {after}")
            } else if e.mean_trust_after < e.mean_trust_before {
                format!("fell from {before} to {after}")
            } else {
                format!("stayed at {before}")
            };
            moments.push(Moment {
                tick: e.tick,
                until: None,
                order: LEADER_EVENT,
                text: format!(
                    "{} {}. {} saw it; mean trust in the leader {moved}.",
                    capitalise(self.the_leader()),
                    e.kind.describe(),
                    capitalise(&people(u64::from(e.observers))),
                ),
            });
        }
    }

    /// Ticks where many followers left, consecutive ticks told as one wave.
    fn waves(&self, moments: &mut Vec<Moment>) {
        let ts = &self.record.timeseries;
        let crowd = self.crowd() as f64;
        let is_wave = |i: usize| {
            let left = ts[i].left;
            left >= WAVE_MIN
                && f64::from(left) >= WAVE_CROWD_SHARE * crowd
                && f64::from(left) > WAVE_SHARE * f64::from(ts[i - 1].following)
        };
        let mut i = 1;
        while i < ts.len() {
            if !is_wave(i) {
                i += 1;
                continue;
            }
            let start = i;
            while i + 1 < ts.len() && ts[i + 1].tick == ts[i].tick + 1 && is_wave(i + 1) {
                i += 1;
            }
            let left: u64 = ts[start..=i].iter().map(|t| u64::from(t.left)).sum();
            let (from, to) = (ts[start - 1].following, ts[i].following);
            let trend = match to.cmp(&from) {
                std::cmp::Ordering::Less => {
                    format!("fell from {} to {}", count(from.into()), count(to.into()))
                }
                std::cmp::Ordering::Greater => {
                    format!("rose from {} to {}", count(from.into()), count(to.into()))
                }
                std::cmp::Ordering::Equal => format!("stayed at {}", count(from.into())),
            };
            let text = if start == i {
                format!(
                    "A wave of leaving: {} of the {} followers left; the number following {trend}.",
                    count(left),
                    count(from.into()),
                )
            } else {
                format!(
                    "A wave of leaving: {} followers left over {} ticks; the number following \
                     {trend}.",
                    count(left),
                    i - start + 1,
                )
            };
            moments.push(Moment {
                tick: ts[start].tick,
                until: (start != i).then_some(ts[i].tick),
                order: LEAVING,
                text,
            });
            i += 1;
        }
    }

    /// The leaders giving up.
    fn giving_up(&self, moments: &mut Vec<Moment>) {
        let outcome = self.record.outcome;
        let Some(tick) = outcome.leader_quit_tick else {
            return;
        };
        let persistence = self.scenario.leaders.as_ref().and_then(|l| l.persistence);
        let text = match persistence {
            Some(p) => format!(
                "{} {} up and {} dancing: for {} in a row, none of the people who see them \
                 had been dancing.",
                capitalise(self.the_leader()),
                if self.record.leaders.len() == 1 {
                    "gives"
                } else {
                    "give"
                },
                if self.record.leaders.len() == 1 {
                    "stops"
                } else {
                    "stop"
                },
                ticks(p),
            ),
            None => format!("{} stopped dancing.", capitalise(self.the_leader())),
        };
        moments.push(Moment {
            tick,
            until: None,
            order: GIVING_UP,
            text,
        });
    }

    /// The closing paragraph: how many dance, the leaders, trust, cascade, ticks.
    fn ending(&self) -> String {
        let o = self.record.outcome;
        let leaders = self.record.leaders.len();
        let crowd = self.crowd();
        let mut s = format!(
            "{} of the {} {} {} at the end: {}.",
            capitalise(&count(u64::from(o.final_following))),
            count(crowd),
            match leaders {
                0 => "people".to_string(),
                1 => "people in the crowd (everyone but the leader)".to_string(),
                _ => "people in the crowd (everyone but the leaders)".to_string(),
            },
            if o.final_following == 1 {
                "dances"
            } else {
                "dance"
            },
            percent(o.final_fraction),
        );
        if percent(o.peak_fraction) != percent(o.final_fraction) {
            let _ = write!(s, " At the peak, {} followed.", percent(o.peak_fraction));
        }
        if leaders > 0 {
            let dancing = self
                .record
                .timeseries
                .last()
                .map(|t| t.leaders_dancing as usize)
                .unwrap_or(if o.leader_quit_tick.is_some() {
                    0
                } else {
                    leaders
                });
            s.push(' ');
            s.push_str(&match (leaders, dancing) {
                (1, 1) => "The leader is still dancing.".to_string(),
                (1, _) => "The leader is no longer dancing.".to_string(),
                (n, d) if d == n => "The leaders are all still dancing.".to_string(),
                (_, 0) => "No leader is still dancing.".to_string(),
                (n, d) => format!("{d} of the {n} leaders are still dancing."),
            });
            if self.record.first_follower.is_none() {
                let _ = write!(
                    s,
                    " {} never got a first follower.",
                    capitalise(self.the_leader())
                );
            }
        }
        if self.scenario.trust.is_some() {
            let _ = write!(s, " Mean trust in the leader is {:.2}", o.final_mean_trust);
            match self.row(0) {
                Some(t) => {
                    let _ = write!(s, " (it was {:.2} at the start).", t.mean_trust);
                }
                None => s.push('.'),
            }
            s.push_str(&self.lowest_trust());
        }
        let cutoff = percent(self.scenario.cascade_cutoff);
        if o.cascaded {
            let _ = write!(
                s,
                " It cascaded: the final share reached the cutoff of {cutoff}."
            );
        } else {
            let _ = write!(
                s,
                " It did not cascade: the final share stayed below the cutoff of {cutoff}."
            );
        }
        let _ = write!(s, " The run lasted {}.", ticks(o.ticks));
        if let Some(c) = &o.cycle {
            let _ = write!(
                s,
                " It ended in an endless join/leave cycle of period {} from tick {}: the size \
                 given is the one at its last tick ({}).",
                ticks(c.period),
                c.from_tick,
                swing(c),
            );
        }
        s
    }
}

/// How far the crowd swings in a cycle: "50% following at every tick", "40% to 60% following".
fn swing(c: &crate::simulation::Cycle) -> String {
    if percent(c.low_fraction) == percent(c.high_fraction) {
        format!("{} following at every tick", percent(c.low_fraction))
    } else {
        format!(
            "{} to {} following",
            percent(c.low_fraction),
            percent(c.high_fraction)
        )
    }
}

impl Tale<'_> {
    /// How far trust fell relative to the floor: the crowd's lowest mean trust, when, and
    /// how far above or below the floor, under which nobody joins and followers leave. Empty
    /// without a time series.
    fn lowest_trust(&self) -> String {
        let Some(trust) = &self.scenario.trust else {
            return String::new();
        };
        let Some(lowest) = self
            .record
            .timeseries
            .iter()
            .min_by(|a, b| a.mean_trust.total_cmp(&b.mean_trust))
            .map(|t| (t.tick, t.mean_trust))
        else {
            return String::new();
        };
        let (tick, value) = lowest;
        let floor = trust.floor;
        let gap = value - floor;
        let relation = if gap.abs() < 0.005 {
            format!("at the floor of {floor:.2}")
        } else if gap < 0.0 {
            format!(
                "{:.2} below the floor of {floor:.2}, under which nobody joins and followers leave",
                -gap
            )
        } else {
            format!("{gap:.2} above the floor of {floor:.2}, under which followers would have left")
        };
        format!(" At its lowest, at tick {tick}, it was {value:.2}: {relation}.")
    }
}

/// The network kind of a scenario, as a phrase: "a random-geometric network", "an
/// erdos-renyi network".
fn network_kind(scenario: &Scenario) -> String {
    let kind = serde_json::to_value(&scenario.network)
        .ok()
        .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_string));
    match kind.as_deref() {
        Some("file") => "a network read from a file".to_string(),
        Some(k) if k.starts_with(['a', 'e', 'i', 'o', 'u']) => format!("an {k} network"),
        Some(k) => format!("a {k} network"),
        None => "a network".to_string(),
    }
}

/// Mean trust before and after, to two decimals, or three when two would hide the change.
fn trust_pair(before: f64, after: f64) -> (String, String) {
    let (b, a) = (format!("{before:.2}"), format!("{after:.2}"));
    if b == a && before != after {
        (format!("{before:.3}"), format!("{after:.3}"))
    } else {
        (b, a)
    }
}

/// A parameter value without trailing zeros: 1.6, 1, 0.25.
fn number(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// "a", "a and b", "a, b and c".
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The text with its first letter in upper case.
fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::Experiment;
    use crate::graph::GraphBuilder;
    use crate::model::movement::LeaderEventKind;
    use crate::simulation::Recording;
    use crate::simulation::{Change, RunOutcome, TrustEvent};

    const TINY: &str = r#"
name = "tiny"
seed = 7
max_ticks = 100
[network]
kind = "complete"
nodes = 10
[leaders]
placement = "random"
persistence = 10
[influence]
first_follower = 2.0
embrace = true
[momentum]
critical_mass = 0.3
pressure = 0.5
[leaving]
hysteresis = 0.5
[trust]
floor = 0.5
[initial]
placement = "none"
"#;

    /// Ten people with ids 100 to 109: the leader 100 is seen by 101, 102 and 103; 101 by 102,
    /// 104 and 105; everyone else by their next neighbour.
    fn tiny_graph() -> Graph {
        let mut b = GraphBuilder::new(10, true);
        for (s, t) in [
            (0, 1),
            (0, 2),
            (0, 3),
            (1, 2),
            (1, 4),
            (1, 5),
            (2, 3),
            (3, 4),
            (4, 5),
            (5, 6),
            (6, 7),
            (7, 8),
            (8, 9),
        ] {
            b.add_edge(s, t);
        }
        b.labels((100..110).collect()).build().0
    }

    fn tick(tick: u32, following: u32, joined: u32, left: u32, trust: f64) -> TickRecord {
        TickRecord {
            tick,
            following,
            joined,
            left,
            leaders_dancing: u32::from(tick < 30),
            mean_trust: trust,
            mean_trust_followers: (following > 0).then_some(trust),
        }
    }

    /// The leader 100 dances alone for 5 ticks (109 gets up at tick 2 and sits down at tick 3);
    /// 101 follows at tick 5, 102 at tick 6, four more at tick 7 (6 of 9: the critical mass); a
    /// character violation at tick 8 drives 4 of the 6 followers away at tick 9, 1 more leaves
    /// at tick 10 and the last at tick 19; the leader gives up at tick 30.
    fn tiny_record() -> RunRecord {
        let following = |t: u32| match t {
            0..=4 => 0,
            5 => 1,
            6 => 2,
            7 | 8 => 6,
            9 => 2,
            10..=18 => 1,
            _ => 0,
        };
        let mut timeseries = vec![tick(0, 0, 0, 0, 1.0)];
        for t in 1..=30u32 {
            let (f, prev) = (following(t), following(t - 1));
            let (joined, left) = if f >= prev {
                (f - prev, 0)
            } else {
                (0, prev - f)
            };
            let trust = if t < 8 { 1.0 } else { 0.4 };
            timeseries.push(tick(t, f, joined, left, trust));
        }
        let c = |tick, person, joined| Change {
            tick,
            person,
            joined,
        };
        RunRecord {
            outcome: RunOutcome {
                final_following: 0,
                final_fraction: 0.0,
                peak_fraction: 6.0 / 9.0,
                ticks: 30,
                cascaded: false,
                first_follower_tick: Some(5),
                second_follower_tick: Some(6),
                critical_mass_tick: Some(7),
                leader_quit_tick: Some(30),
                final_mean_trust: 0.4,
                final_50_tick: None,
                final_90_tick: None,
                cycle: None,
            },
            timeseries,
            changes: vec![
                c(0, 0, true),
                c(2, 9, true),
                c(3, 9, false),
                c(5, 1, true),
                c(6, 2, true),
                c(7, 3, true),
                c(7, 4, true),
                c(7, 5, true),
                c(7, 6, true),
                c(9, 1, false),
                c(9, 3, false),
                c(9, 4, false),
                c(9, 5, false),
                c(10, 2, false),
                c(19, 6, false),
                c(30, 0, false),
            ],
            trust_events: vec![TrustEvent {
                tick: 8,
                kind: LeaderEventKind::CharacterViolation,
                observers: 7,
                mean_trust_before: 0.9,
                mean_trust_after: 0.4,
            }],
            leaders: vec![0],
            first_follower: Some(1),
            second_follower: Some(2),
            ..RunRecord::default()
        }
    }

    fn tiny_scenario() -> Scenario {
        Scenario::from_toml(TINY, "tiny.toml", &[]).unwrap()
    }

    /// The position of `part` in `text`, which must contain it.
    fn at(text: &str, part: &str) -> usize {
        text.find(part)
            .unwrap_or_else(|| panic!("the story lacks {part:?}:\n{text}"))
    }

    /// The line of `text` that contains `part`.
    fn line_with<'t>(text: &'t str, part: &str) -> &'t str {
        text.lines()
            .find(|l| l.contains(part))
            .unwrap_or_else(|| panic!("the story lacks {part:?}:\n{text}"))
    }

    #[test]
    fn tells_the_leader_the_followers_trust_leaving_and_giving_up_in_order() {
        let text = story(&tiny_scenario(), &tiny_graph(), &tiny_record(), 4);
        let order = [
            "# The story of a run: tiny, replicate 4",
            "- **Tick 0.** The leader, person 100 (seen by 3 people), starts dancing alone.",
            "- **Tick 5.** After 5 ticks alone, the leader gets a first follower: person 101 \
             (seen by 3 people), who sees the leader.",
            "The leader embraces them: to the people who see them they now count as 2 dancers",
            "Before that, 1 other person in the crowd got up and sat down again.",
            "- **Tick 6.** Person 102 (seen by 1 person), who sees both the first follower and \
             the leader, joins: the second follower.",
            "- **Tick 7.** 6 people follow, 66.7% of the crowd: the critical mass of 30% is \
             reached.",
            "- **Tick 8.** The leader broke a promise on purpose (a character violation). 7 \
             people saw it; mean trust in the leader fell from 0.90 to 0.40.",
            "- **Tick 9.** The first follower, person 101, sits down again. A wave of leaving: 4 \
             of the 6 followers left; the number following fell from 6 to 2.",
            "- **Tick 30.** The leader gives up and stops dancing: for 10 ticks in a row, none \
             of the people who see them had been dancing. The run ends.",
            "## The end",
            "0 of the 9 people in the crowd (everyone but the leader) dance at the end: 0%.",
            "At the peak, 66.7% followed.",
            "The leader is no longer dancing.",
            "Mean trust in the leader is 0.40 (it was 1.00 at the start). At its lowest, at \
             tick 8, it was 0.40: 0.10 below the floor of 0.50, under which nobody joins and \
             followers leave.",
            "It did not cascade: the final share stayed below the cutoff of 50%.",
            "The run lasted 30 ticks.",
        ];
        let mut last = 0;
        for part in order {
            let i = at(&text, part);
            assert!(i >= last, "{part:?} is out of order:\n{text}");
            last = i;
        }
        // A single follower sitting down (ticks 10 and 19) is no wave.
        assert!(!text.contains("Tick 10"), "{text}");
        assert!(!text.contains("Tick 19"), "{text}");
    }

    #[test]
    fn a_leader_without_followers_is_told_so() {
        let mut record = tiny_record();
        record.first_follower = None;
        record.second_follower = None;
        record.trust_events.clear();
        record.changes.retain(|c| c.person == 0);
        let outcome = &mut record.outcome;
        outcome.first_follower_tick = None;
        outcome.second_follower_tick = None;
        outcome.critical_mass_tick = None;
        outcome.peak_fraction = 0.0;
        for t in &mut record.timeseries {
            *t = tick(t.tick, 0, 0, 0, 1.0);
        }
        let text = story(&tiny_scenario(), &tiny_graph(), &record, 0);
        assert!(!text.contains("first follower:"), "{text}");
        at(&text, "The leader never got a first follower.");
        at(&text, "- **Tick 30.** The leader gives up");
    }

    #[test]
    fn a_real_run_names_its_first_follower_in_the_networks_ids() {
        // Everyone joins once the leader and one more dance nearby; a few join on a whim.
        let text = format!(
            "{TINY}[people]\nthreshold = {{ distribution = \"constant\", value = 1.5 }}\n\
             [dynamics]\nsocial_proof = \"count\"\nspontaneous = 0.05\n"
        )
        .replace("nodes = 10", "nodes = 40")
        .replace("kind = \"complete\"", "kind = \"ring-lattice\"\nk = 4");
        let scenario = Scenario::from_toml(&text, "ring.toml", &[]).unwrap();
        let experiment = Experiment::from_toml(&text).unwrap();
        let mut told = 0;
        for r in 0..20 {
            let run = experiment.replicate(r, Recording::everything()).unwrap();
            let record = &run.record;
            let text = story(&scenario, &run.graph, record, r);
            let outcome = record.outcome;
            at(&text, &format!("The run lasted {}", ticks(outcome.ticks)));
            if let (Some(v), Some(t)) = (record.first_follower, outcome.first_follower_tick) {
                let line = line_with(
                    &text,
                    &format!(
                        "After {} alone, the leader gets a first follower: person {} (seen by 4 \
                         people)",
                        ticks(t),
                        run.graph.label(v)
                    ),
                );
                assert!(line.starts_with(&format!("- **Tick {t}.**")), "{line}");
                told += 1;
            }
            if let Some(t) = outcome.leader_quit_tick {
                let line = line_with(&text, "The leader gives up");
                assert!(line.starts_with(&format!("- **Tick {t}.**")), "{line}");
            }
        }
        assert!(told > 0, "no run had a first follower");
    }

    #[test]
    fn a_run_without_leaders_tells_the_simpler_story() {
        let text = r#"
name = "riot"
[network]
kind = "complete"
nodes = 5
[people]
threshold = { distribution = "sequence", start = 0.0, step = 1.0 }
[dynamics]
visibility = 1.0
social_proof = "count"
[initial]
placement = "none"
"#;
        let scenario = Scenario::from_toml(text, "riot.toml", &[]).unwrap();
        let experiment = Experiment::from_toml(text).unwrap();
        let run = experiment.replicate(0, Recording::everything()).unwrap();
        let text = story(&scenario, &run.graph, &run.record, 0);
        for part in [
            "5 people on a complete network (seed 1).",
            "- **Tick 0.** Nobody dances yet.",
            "- **Tick 1.** The first to join after the start is person 0 (seen by 4 people).",
            "- **Tick 2.** The second to join is person 1 (seen by 4 people).",
            "- **Tick 3.** 3 people follow: half of the final 5.",
            "- **Tick 5.** The run ends.",
            "5 of the 5 people dance at the end: 100%. It cascaded",
        ] {
            at(&text, part);
        }
        assert!(!text.contains("leader"), "{text}");
    }

    #[test]
    fn a_crowd_that_sees_itself_through_no_ties_is_not_seen_by_anyone() {
        let experiment = Experiment::builtin("bass").unwrap();
        let run = experiment.replicate(0, Recording::everything()).unwrap();
        let text = story(experiment.scenario(), &run.graph, &run.record, 0);
        at(
            &text,
            "2,000 people who all see the whole crowd (seed 1969).",
        );
        assert!(!text.contains("seen by"), "{text}");
    }

    #[test]
    fn numbers_read_plainly() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(percent(0.1), "10%");
        assert_eq!(percent(0.998), "99.8%");
        assert_eq!(percent(1.0 / 2999.0), "0.03%");
        assert_eq!(number(1.6), "1.6");
        assert_eq!(number(2.0), "2");
        assert_eq!(people(1), "1 person");
        assert_eq!(
            join_and(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
        assert_eq!(trust_pair(0.8121, 0.8149), ("0.812".into(), "0.815".into()));
    }
}
