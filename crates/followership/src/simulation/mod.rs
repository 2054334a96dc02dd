//! One run, tick by tick.
//!
//! The engine is event-driven: when someone joins, their influence is pushed along their
//! out-edges into each watcher's accumulated social proof, and a watcher is looked at only when
//! that changes. Each watcher carries the accumulated proof at which they will join (found once
//! per run by an exact search on the decision formula, so comparing against it gives bit-for-bit
//! the same decisions as evaluating the formula), so the hot loop is one add and one compare per
//! edge. A monotone cascade therefore touches each edge once: O(N + E) per run.
//!
//! A pass over the whole crowd happens only where a crowd-wide term changes everyone's state:
//! visibility above zero (what the whole crowd shows), and the probabilistic `logit` and
//! `hazard` rules, whose every watcher draws each tick.
//!
//! [`Prepared`] holds what depends on the network and the dynamics only and is shared by all the
//! replicates of a scenario; [`simulate`] runs one replicate.

pub mod outcome;
mod proof;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::{Rng, seq::SliceRandom};

use crate::graph::Graph;
use crate::model::{Dynamics, EdgeProbability, Rule, SocialProof, Update};
use crate::random::{Stream, splitmix64, unit_f64};

pub use outcome::{Join, RunOutcome, RunRecord, TickRecord};
use proof::ProofStore;

/// Frontiers longer than this are sorted by id before they spread (see `tick_sync_events`).
const SORT_FRONTIER_ABOVE: usize = 256;

/// What a run should record besides its outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recording {
    /// One [`TickRecord`] per tick.
    pub timeseries: bool,
    /// Every [`Join`].
    pub joins: bool,
}

/// The parts of a run that depend only on the network and the dynamics.
pub struct Prepared<'g> {
    graph: &'g Graph,
    dynamics: Dynamics,
    max_ticks: u32,
    cascade_cutoff: f64,
    /// Denominator of local social proof: in-degree or total in-weight (fraction), 1 (count).
    norm: Vec<f64>,
    /// Per-recruit acceptance of the cascade rule with `probability = "in-degree"`, as a 53-bit
    /// integer threshold (see [`accepts`]).
    accept: Vec<u64>,
}

/// Success with probability `threshold / 2^53`: exactly the test `unit_f64 < p`.
#[inline]
fn accepts(rng: &mut Stream, threshold: u64) -> bool {
    (rng.next_u64() >> 11) < threshold
}

/// `p` as a 53-bit acceptance threshold.
fn acceptance(p: f64) -> u64 {
    (p.clamp(0.0, 1.0) * (1u64 << 53) as f64) as u64
}

impl<'g> Prepared<'g> {
    /// Prepares runs of `dynamics` on `graph` for at most `max_ticks` ticks; a run counts as a
    /// cascade when its final fraction reaches `cascade_cutoff`.
    pub fn new(graph: &'g Graph, dynamics: &Dynamics, max_ticks: u32, cascade_cutoff: f64) -> Self {
        let n = graph.node_count();
        let uses_local = dynamics.rule != Rule::Cascade && dynamics.visibility < 1.0;
        let norm = if uses_local {
            match dynamics.social_proof {
                SocialProof::Count => vec![1.0; n],
                SocialProof::Fraction => {
                    let inn = graph.in_adjacency();
                    (0..n as u32)
                        .map(|v| match inn.weights(v) {
                            Some(w) => w.iter().map(|&x| f64::from(x)).sum(),
                            None => inn.degree(v) as f64,
                        })
                        .collect()
                }
            }
        } else {
            Vec::new()
        };
        let accept = if dynamics.probability == Some(EdgeProbability::InverseInDegree) {
            (0..n as u32)
                .map(|v| {
                    let d = graph.in_degree(v);
                    if d == 0 {
                        0
                    } else {
                        acceptance(1.0 / d as f64)
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        Prepared {
            graph,
            dynamics: dynamics.clone(),
            max_ticks,
            cascade_cutoff,
            norm,
            accept,
        }
    }

    /// The network runs happen on.
    pub fn graph(&self) -> &'g Graph {
        self.graph
    }
}

/// Runs one replicate: `thresholds` per person, `initial` followers dancing at tick 0, all random
/// choices from `rng`.
pub fn simulate(
    prepared: &Prepared<'_>,
    thresholds: &[f64],
    initial: &[u32],
    rng: &mut Stream,
    recording: Recording,
) -> RunRecord {
    let mut run = Run::new(prepared, thresholds, rng, recording);
    run.start(initial);
    run.run();
    run.finish()
}

/// Where a person stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Status {
    Watching,
    /// Decided to join; joins when the tick is applied.
    Pending,
    Following,
}

/// The people still watching, as a dense list for O(1) removal and O(watchers) passes.
struct Watchers {
    list: Vec<u32>,
    position: Vec<u32>,
}

impl Watchers {
    fn new(n: usize) -> Self {
        Watchers {
            list: (0..n as u32).collect(),
            position: (0..n as u32).collect(),
        }
    }

    fn remove(&mut self, v: u32) {
        let p = self.position[v as usize] as usize;
        let last = *self
            .list
            .last()
            .expect("removing from an empty watcher list");
        self.list.swap_remove(p);
        if last != v {
            self.position[last as usize] = p as u32;
        }
    }
}

struct Run<'a, 'g> {
    prep: &'a Prepared<'g>,
    thresholds: &'a [f64],
    rng: &'a mut Stream,
    recording: Recording,
    status: Vec<Status>,
    /// Accumulated social proof; `None` when the rule never looks at contacts.
    proof: Option<ProofStore>,
    /// Maintained only when some rule or term needs to visit or draw from the watchers.
    watchers: Option<Watchers>,
    /// People who qualified and join at the next tick (synchronous) or whose turn comes next
    /// tick (asynchronous).
    carried: Vec<u32>,
    following: u32,
    /// Sum of the influence weights of everyone dancing.
    crowd_weight: f64,
    tick: u32,
    peak: u32,
    /// Whether the crowd-wide term enters every decision.
    crowd_wide: bool,
    record: RunRecord,
}

impl<'a, 'g> Run<'a, 'g> {
    fn new(
        prep: &'a Prepared<'g>,
        thresholds: &'a [f64],
        rng: &'a mut Stream,
        recording: Recording,
    ) -> Self {
        let n = prep.graph.node_count();
        assert_eq!(thresholds.len(), n, "one threshold per person");
        let d = &prep.dynamics;
        let pushes_proof = !prep.norm.is_empty();
        let crowd_wide = d.visibility > 0.0 && d.rule != Rule::Cascade;
        let needs_watchers =
            crowd_wide || d.spontaneous > 0.0 || matches!(d.rule, Rule::Logit | Rule::Hazard);
        let event_driven = d.rule == Rule::Threshold && !crowd_wide;
        // Whole-number proof suffices when edges are unweighted and every dancer counts once.
        let countdown = event_driven && !prep.graph.is_weighted();
        let proof = pushes_proof.then(|| {
            ProofStore::new(
                n,
                countdown,
                event_driven.then_some((thresholds, prep.norm.as_slice())),
            )
        });
        Run {
            prep,
            thresholds,
            rng,
            recording,
            status: vec![Status::Watching; n],
            proof,
            watchers: needs_watchers.then(|| Watchers::new(n)),
            carried: Vec::new(),
            following: 0,
            crowd_weight: 0.0,
            tick: 0,
            peak: 0,
            crowd_wide,
            record: RunRecord::default(),
        }
    }

    /// Tick 0: the initial followers dance, and anyone whose threshold needs no proof at all is
    /// ready to join at tick 1.
    fn start(&mut self, initial: &[u32]) {
        for &v in initial {
            self.status[v as usize] = Status::Pending;
            if let Some(p) = &mut self.proof {
                p.settle(v);
            }
        }
        for &v in initial {
            self.join(v);
        }
        if self.prep.dynamics.rule == Rule::Threshold && !self.crowd_wide {
            for v in 0..self.status.len() {
                if self.status[v] == Status::Watching
                    && self.proof.as_ref().is_some_and(|p| p.is_met(v as u32))
                {
                    self.mark_pending(v as u32);
                }
            }
        }
        self.peak = self.following;
        self.record_tick(initial.len() as u32);
    }

    fn run(&mut self) {
        let d = &self.prep.dynamics;
        let (rule, update, spontaneous) = (d.rule, d.update, d.spontaneous);
        while self.tick < self.prep.max_ticks {
            if self.watchers.as_ref().is_some_and(|w| w.list.is_empty())
                || self.following as usize == self.status.len()
            {
                break;
            }
            self.tick += 1;
            let before = self.following;
            let mut can_change_later = spontaneous > 0.0;
            match (rule, update) {
                (Rule::Threshold, Update::Synchronous) if !self.crowd_wide => {
                    self.tick_sync_events()
                }
                (Rule::Threshold, Update::Asynchronous) if !self.crowd_wide => {
                    self.tick_async_events()
                }
                (Rule::Cascade, _) => self.tick_sync_events(),
                (Rule::Threshold, Update::Synchronous) => {
                    let chosen = self.crowd_pass(|run, v| run.meets_threshold(v));
                    self.apply(chosen, true);
                }
                (Rule::Threshold, Update::Asynchronous) => {
                    self.sweep_async(|run, v| run.meets_threshold(v))
                }
                (Rule::Logit | Rule::Hazard, Update::Synchronous) => {
                    let mut max_p = 0.0f64;
                    let chosen = self.crowd_pass(|run, v| {
                        let p = run.join_probability(v);
                        max_p = max_p.max(p);
                        unit_f64(run.rng) < p
                    });
                    can_change_later |= max_p > 0.0;
                    self.apply(chosen, rule != Rule::Hazard);
                }
                (Rule::Logit | Rule::Hazard, Update::Asynchronous) => {
                    can_change_later = true;
                    self.sweep_async(|run, v| unit_f64(run.rng) < run.join_probability(v));
                }
            }
            let joined = self.following - before;
            if joined == 0 && self.carried.is_empty() && !can_change_later {
                // Nothing changed and nothing will: the state is final as of the previous tick.
                self.tick -= 1;
                break;
            }
            self.peak = self.peak.max(self.following);
            self.record_tick(joined);
        }
    }

    /// Synchronous, event-driven: those who qualified on last tick's state join now, with the
    /// spontaneous joiners.
    fn tick_sync_events(&mut self) {
        let mut chosen = std::mem::take(&mut self.carried);
        self.draw_spontaneous(&mut chosen);
        // The order of joins within a synchronous tick changes no decision; in id order, the
        // adjacency lists are read front to back instead of at random places.
        if chosen.len() > SORT_FRONTIER_ABOVE {
            chosen.sort_unstable();
        }
        for &v in &chosen {
            self.join(v);
        }
    }

    /// Asynchronous, event-driven: each person's turn in this tick is a random priority; a
    /// person who qualifies after their turn has passed waits for the next tick.
    fn tick_async_events(&mut self) {
        let key = self.rng.next_u64();
        let priority = |v: u32| splitmix64(key ^ u64::from(v));
        let mut chosen = std::mem::take(&mut self.carried);
        self.draw_spontaneous(&mut chosen);
        let mut heap: BinaryHeap<Reverse<(u64, u32)>> =
            chosen.iter().map(|&v| Reverse((priority(v), v))).collect();
        let mut later = Vec::new();
        while let Some(Reverse((turn, v))) = heap.pop() {
            self.join(v);
            for u in self.carried.drain(..) {
                let p = priority(u);
                if p > turn {
                    heap.push(Reverse((p, u)));
                } else {
                    later.push(u);
                }
            }
        }
        self.carried = later;
    }

    /// Visits every watcher once, deciding on the state at the end of the previous tick.
    fn crowd_pass(&mut self, mut decides: impl FnMut(&mut Self, u32) -> bool) -> Vec<u32> {
        let list = std::mem::take(
            &mut self
                .watchers
                .as_mut()
                .expect("crowd pass needs watchers")
                .list,
        );
        let mut chosen = Vec::new();
        for &v in &list {
            if decides(self, v) {
                chosen.push(v);
            }
        }
        self.watchers
            .as_mut()
            .expect("crowd pass needs watchers")
            .list = list;
        chosen
    }

    /// Visits every watcher once in a fresh random order; each decides on the current state.
    fn sweep_async(&mut self, mut decides: impl FnMut(&mut Self, u32) -> bool) {
        let mut order = self
            .watchers
            .as_ref()
            .expect("sweep needs watchers")
            .list
            .clone();
        order.shuffle(self.rng);
        let spontaneous = self.prep.dynamics.spontaneous;
        let extra_courage = spontaneous > 0.0 && self.prep.dynamics.rule != Rule::Hazard;
        for v in order {
            if decides(self, v) || (extra_courage && unit_f64(self.rng) < spontaneous) {
                self.status[v as usize] = Status::Pending;
                self.join(v);
            }
        }
    }

    /// Joins the chosen people, after adding the spontaneous joiners when the rule has them on
    /// top of its own decisions.
    fn apply(&mut self, mut chosen: Vec<u32>, with_spontaneous: bool) {
        for &v in &chosen {
            self.status[v as usize] = Status::Pending;
        }
        if with_spontaneous {
            self.draw_spontaneous(&mut chosen);
        }
        for v in chosen {
            self.join(v);
        }
    }

    /// Each watcher not already chosen joins on their own with the spontaneous probability;
    /// geometric skips make this cost the number of joiners, not the number of watchers.
    fn draw_spontaneous(&mut self, chosen: &mut Vec<u32>) {
        let s = self.prep.dynamics.spontaneous;
        if s <= 0.0 {
            return;
        }
        let Some(watchers) = &self.watchers else {
            return;
        };
        let len = watchers.list.len();
        let log_q = (1.0 - s).ln();
        let mut i = 0usize;
        loop {
            if s < 1.0 {
                let u = 1.0 - unit_f64(self.rng); // in (0, 1]
                let skip = (u.ln() / log_q).floor();
                if skip >= (len - i) as f64 {
                    break;
                }
                i += skip as usize;
            }
            if i >= len {
                break;
            }
            let v = watchers.list[i];
            if self.status[v as usize] == Status::Watching {
                self.status[v as usize] = Status::Pending;
                if let Some(p) = &mut self.proof {
                    p.settle(v);
                }
                chosen.push(v);
            }
            i += 1;
        }
    }

    fn mark_pending(&mut self, v: u32) {
        self.status[v as usize] = Status::Pending;
        if let Some(p) = &mut self.proof {
            p.settle(v);
        }
        self.carried.push(v);
    }

    /// `v` starts dancing: its influence reaches everyone who sees it.
    fn join(&mut self, v: u32) {
        debug_assert_eq!(self.status[v as usize], Status::Pending);
        self.status[v as usize] = Status::Following;
        self.following += 1;
        let weight = 1.0;
        self.crowd_weight += weight;
        if let Some(p) = &mut self.proof {
            p.settle(v);
        }
        if let Some(w) = &mut self.watchers {
            w.remove(v);
        }
        if self.recording.joins {
            self.record.joins.push(Join {
                tick: self.tick,
                person: v,
            });
        }
        if self.prep.dynamics.rule == Rule::Cascade {
            self.recruit(v);
        } else if self.proof.is_some() {
            self.push_proof(v, weight);
        }
    }

    /// Adds `v`'s influence to the proof of everyone who sees them; those who reach their
    /// joining point become pending and are carried to the next decision.
    #[inline]
    fn push_proof(&mut self, v: u32, weight: f64) {
        let first_new = self.carried.len();
        if let Some(p) = &mut self.proof {
            p.push(self.prep.graph, v, weight, &mut self.carried);
        }
        for &u in &self.carried[first_new..] {
            self.status[u as usize] = Status::Pending;
        }
    }

    /// Independent cascade: one chance to recruit each watcher who sees `v`.
    fn recruit(&mut self, v: u32) {
        let out = self.prep.graph.out_adjacency();
        let targets = out.neighbors(v);
        match self
            .prep
            .dynamics
            .probability
            .expect("validated: cascade has a probability")
        {
            EdgeProbability::Uniform(p) => {
                if p <= 0.0 {
                    return;
                }
                // Geometric skips: the cost is the number of successes, not the degree.
                let log_q = (1.0 - p).ln();
                let mut i = 0usize;
                while i < targets.len() {
                    if p < 1.0 {
                        let u = 1.0 - unit_f64(self.rng);
                        let skip = (u.ln() / log_q).floor();
                        if skip >= (targets.len() - i) as f64 {
                            break;
                        }
                        i += skip as usize;
                    }
                    self.try_recruit(targets[i]);
                    i += 1;
                }
            }
            EdgeProbability::InverseInDegree => {
                for &u in targets {
                    if self.status[u as usize] == Status::Watching
                        && accepts(self.rng, self.prep.accept[u as usize])
                    {
                        self.try_recruit(u);
                    }
                }
            }
            EdgeProbability::Weight => {
                let ws = out.weights(v);
                for (k, &u) in targets.iter().enumerate() {
                    let p = ws.map_or(1.0, |w| f64::from(w[k]));
                    if self.status[u as usize] == Status::Watching
                        && accepts(self.rng, acceptance(p))
                    {
                        self.try_recruit(u);
                    }
                }
            }
        }
    }

    #[inline]
    fn try_recruit(&mut self, u: u32) {
        if self.status[u as usize] == Status::Watching {
            self.status[u as usize] = Status::Pending;
            self.carried.push(u);
        }
    }

    /// Social proof seen by `v`: local share (or count) mixed with the whole crowd by visibility.
    #[inline]
    fn stimulus(&self, v: u32) -> f64 {
        let d = &self.prep.dynamics;
        let local = if self.proof.is_some() {
            let norm = self.prep.norm[v as usize];
            if norm > 0.0 {
                self.proof.as_ref().map_or(0.0, |p| p.proof(v)) / norm
            } else {
                0.0
            }
        } else {
            0.0
        };
        let crowd = match d.social_proof {
            SocialProof::Fraction => self.crowd_weight / self.status.len() as f64,
            SocialProof::Count => self.crowd_weight,
        };
        (1.0 - d.visibility) * local + d.visibility * crowd
    }

    fn meets_threshold(&self, v: u32) -> bool {
        self.stimulus(v) >= self.thresholds[v as usize]
    }

    fn join_probability(&self, v: u32) -> f64 {
        let d = &self.prep.dynamics;
        match d.rule {
            Rule::Logit => {
                let t = d.temperature.expect("validated: logit has a temperature");
                1.0 / (1.0 + (-(self.stimulus(v) - self.thresholds[v as usize]) / t).exp())
            }
            Rule::Hazard => {
                let b = d
                    .imitation
                    .expect("validated: hazard has an imitation coefficient");
                (d.spontaneous + b * self.stimulus(v)).min(1.0)
            }
            Rule::Threshold | Rule::Cascade => unreachable!("deterministic rules do not draw"),
        }
    }

    fn record_tick(&mut self, joined: u32) {
        if self.recording.timeseries {
            self.record.timeseries.push(TickRecord {
                tick: self.tick,
                following: self.following,
                joined,
                left: 0,
            });
        }
    }

    fn finish(mut self) -> RunRecord {
        let n = self.status.len().max(1) as f64;
        let final_fraction = f64::from(self.following) / n;
        self.record.outcome = Some(RunOutcome {
            final_following: self.following,
            final_fraction,
            peak_fraction: f64::from(self.peak) / n,
            ticks: self.tick,
            cascaded: final_fraction >= self.prep.cascade_cutoff,
        });
        self.record
    }
}

#[cfg(test)]
mod tests;
