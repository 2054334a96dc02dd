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
//! With the movement mechanisms on (leaders, trust, momentum, leaving; the `movement` module),
//! influence can also be withdrawn, followers have a point below which they leave, and trust and
//! pressure become crowd-wide terms; the same rule holds: people are looked at when their proof
//! crosses a point, and everyone only on ticks where a crowd-wide term moved.
//!
//! [`Prepared`] holds what depends on the network and the dynamics only and is shared by all the
//! replicates of a scenario; [`simulate`] runs one classic replicate and [`simulate_run`] one with
//! leaders and the movement mechanisms.

mod cycle;
mod movement;
pub mod outcome;
mod proof;

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::num::NonZeroU32;

use rand::{Rng, SeedableRng, seq::SliceRandom};

use crate::graph::Graph;
use crate::model::{Dynamics, EdgeProbability, Movement, Rule, RuleKind, SocialProof, Update};
use crate::random::{Stream, splitmix64, unit_f64};

use crate::prefetch::prefetch;
pub use outcome::{Change, Cycle, RunOutcome, RunRecord, TickRecord, TrustEvent, TrustSnapshot};
use proof::ProofStore;

/// How many turns ahead the event loop prefetches (see [`prefetch`]).
const PREFETCH_AHEAD: usize = 8;
/// A synchronous tick may pull (see [`Run::pull_tick`]) when its joiners' edges are at least
/// 1 / `PULL_SHARE` of all edges...
const PULL_SHARE: usize = 8;
/// ... and it has at least this many joiners (a pull visits everyone once).
const PULL_MIN_JOINERS: usize = 1024;

/// Puts a tick's joiners in id order (see `tick_sync_events`): large frontiers then read the
/// network front to back, and every way of playing a tick (pushing or pulling) joins people
/// in the same order. (A bitmap of the network instead of a comparison sort measured slower on
/// the cascade benchmark.)
fn sort_ids(ids: &mut [u32]) {
    ids.sort_unstable();
}

/// What a run should record besides its outcome (`Recording::default()` records nothing else).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recording {
    /// One [`TickRecord`] per tick.
    pub timeseries: bool,
    /// Every [`Change`] (joins and leaves) and every [`TrustEvent`].
    pub changes: bool,
    /// Record a [`TrustSnapshot`] of every `stride`-th person (dense ids 0, stride, 2 stride,
    /// ...) at tick 0 and after every tick in which trust changed; nothing when trust is not
    /// modelled. A stride keeps replays of large networks small.
    pub trust_stride: Option<NonZeroU32>,
}

impl Recording {
    /// The time series, every change and every leader event: what a story needs.
    pub fn everything() -> Self {
        Recording {
            timeseries: true,
            changes: true,
            trust_stride: None,
        }
    }

    /// The same, also keeping the trust of every `stride`-th person whenever it changed: what
    /// a replay needs.
    pub fn with_trust_stride(self, stride: Option<NonZeroU32>) -> Self {
        Recording {
            trust_stride: stride,
            ..self
        }
    }
}

/// The stride that samples at most `max_people` of `nodes` people: every stride-th dense id
/// (0, stride, 2 stride, ...). Replays and their trust snapshots share it, so both show the same
/// people.
pub fn sample_stride(nodes: usize, max_people: usize) -> NonZeroU32 {
    let stride = nodes.div_ceil(max_people.max(1)).max(1);
    NonZeroU32::new(u32::try_from(stride).unwrap_or(u32::MAX)).expect("at least 1")
}

/// The parts of a run that depend only on the network and the dynamics.
pub struct Prepared<'g> {
    graph: &'g Graph,
    dynamics: Dynamics,
    movement: Movement,
    max_ticks: u32,
    cascade_cutoff: f64,
    /// Denominator of local social proof: in-degree or total in-weight (fraction), 1 (count).
    norm: Vec<f64>,
    /// Per-recruit acceptance of the cascade rule with `probability = "in-degree"`, as a 53-bit
    /// integer threshold (see [`accepts`]).
    accept: Vec<u64>,
    /// `ln(1 - p)` of the cascade rule with a uniform probability `p`: the scale of its
    /// geometric skips, computed once rather than at every recruiter.
    log_miss: f64,
    /// When synchronous ticks of the countdown cascade pull instead of push.
    pull: Pull,
}

/// When a synchronous tick of the countdown cascade pulls (see [`Run::pull_tick`]). Every
/// choice gives the same runs; only the speed differs, which is why tests may force one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pull {
    /// When the joiners are many and their edges outnumber those of the people still watching.
    Auto,
    /// Every synchronous tick of the countdown cascade.
    #[cfg(test)]
    Always,
    /// Never.
    #[cfg(test)]
    Never,
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
        Self::with_movement(
            graph,
            dynamics,
            &Movement::default(),
            max_ticks,
            cascade_cutoff,
        )
    }

    /// Like [`Prepared::new`], with the movement mechanisms of `movement` switched on.
    pub fn with_movement(
        graph: &'g Graph,
        dynamics: &Dynamics,
        movement: &Movement,
        max_ticks: u32,
        cascade_cutoff: f64,
    ) -> Self {
        let n = graph.node_count();
        let uses_local = dynamics.rule.kind() != RuleKind::Cascade && dynamics.visibility < 1.0;
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
        let accept = if dynamics.rule.edge_probability() == Some(EdgeProbability::InverseInDegree) {
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
            movement: movement.clone(),
            max_ticks,
            cascade_cutoff,
            norm,
            accept,
            log_miss: match dynamics.rule.edge_probability() {
                Some(EdgeProbability::Uniform(p)) => (1.0 - p).ln(),
                _ => 0.0,
            },
            pull: Pull::Auto,
        }
    }

    /// The same preparation with another pull policy (tests compare them).
    #[cfg(test)]
    pub(crate) fn with_pull(mut self, pull: Pull) -> Self {
        self.pull = pull;
        self
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
    let input = RunInput {
        thresholds,
        initial,
        leaders: &[],
        trust: None,
    };
    // Classic runs draw no leader events; a fixed stream stands in.
    let mut events = Stream::seed_from_u64(0);
    simulate_run(prepared, &input, rng, &mut events, recording)
}

/// What differs from one replicate to the next: per-person values and who starts.
#[derive(Debug, Clone, Copy)]
pub struct RunInput<'a> {
    /// Each person's threshold.
    pub thresholds: &'a [f64],
    /// The initial followers, dancing at tick 0.
    pub initial: &'a [u32],
    /// The leaders, dancing alone at tick 0.
    pub leaders: &'a [u32],
    /// Each person's initial trust in the leader, when trust is modelled.
    pub trust: Option<&'a [f64]>,
}

/// Runs one replicate with leaders and the movement mechanisms: dynamics draws come from `rng`,
/// leader events and their perception from `events` (so they do not shift each other).
pub fn simulate_run(
    prepared: &Prepared<'_>,
    input: &RunInput<'_>,
    rng: &mut Stream,
    events: &mut Stream,
    recording: Recording,
) -> RunRecord {
    let mut stepper = Simulation::start(
        prepared,
        input,
        Cow::Borrowed(input.thresholds),
        rng.clone(),
        events.clone(),
        recording,
    );
    while stepper.step().is_some() {}
    // The caller's streams continue from where the run left them, as if it had drawn from them.
    *rng = stepper.run.rng.clone();
    *events = stepper.run.events_rng.clone();
    stepper.finish()
}

/// Where a person stands between two ticks of a [`Simulation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonState {
    /// Not dancing (including someone who decided to join and joins at the next tick).
    Watching,
    /// Following: dancing with the movement.
    Following,
    /// A leader still dancing.
    Leading,
    /// A leader who gave up.
    Quit,
}

/// One run played tick by tick, as Agents.jl's `step!`: [`Simulation::step`] plays one tick and
/// returns what it recorded, and the state can be read between ticks. Stepping to the end gives
/// exactly the record [`simulate_run`] gives for the same input and streams.
pub struct Simulation<'a, 'g> {
    run: Run<'a, 'g>,
    over: bool,
}

impl<'a, 'g> Simulation<'a, 'g> {
    /// Starts a run: tick 0, with the leaders and the initial followers of `input` dancing.
    /// `thresholds` are the per-person thresholds (borrowed when shared by many runs, owned
    /// when drawn for this run; `input.thresholds` is not read); the rest of `input` is read
    /// now and not kept.
    pub(crate) fn start(
        prepared: &'a Prepared<'g>,
        input: &RunInput<'_>,
        thresholds: Cow<'a, [f64]>,
        rng: Stream,
        events: Stream,
        recording: Recording,
    ) -> Self {
        let mut run = Run::new(prepared, input, thresholds, rng, events, recording);
        run.start(input.leaders, input.initial);
        Simulation { run, over: false }
    }

    /// Plays the next tick and returns the state at its end; `None` once the run is over (the
    /// tick limit is reached, nothing can change any more, or the movement ended).
    pub fn step(&mut self) -> Option<TickRecord> {
        if self.over {
            return None;
        }
        match self.run.step() {
            Step::Played { over } => {
                self.over = over;
                Some(
                    self.run
                        .tick_record(self.run.last_joined, self.run.last_left),
                )
            }
            Step::Finished => {
                self.over = true;
                None
            }
        }
    }

    /// The current tick (0 before the first step).
    pub fn tick(&self) -> u32 {
        self.run.tick
    }

    /// Whether the run is over: [`Simulation::step`] will play no more ticks.
    pub fn is_over(&self) -> bool {
        self.over
    }

    /// How many of the crowd (everyone but the leaders) follow now.
    pub fn following(&self) -> u32 {
        self.run.following
    }

    /// Where everyone stands now, by dense id.
    pub fn states(&self) -> impl ExactSizeIterator<Item = PersonState> + '_ {
        (0..self.run.status.len() as u32).map(|v| self.state(v))
    }

    /// Where person `v` stands now; panics if `v` is not a dense id of the network (as indexing
    /// does).
    pub fn state(&self, v: u32) -> PersonState {
        match self.run.status[v as usize] {
            Status::Watching | Status::Pending => PersonState::Watching,
            Status::Following => PersonState::Following,
            Status::Leading => PersonState::Leading,
            Status::Quit => PersonState::Quit,
        }
    }

    /// Everyone's trust in the leader now, by dense id; `None` when trust is not modelled.
    pub fn trust(&self) -> Option<&[f64]> {
        self.run.movement.as_ref().and_then(|m| m.trust())
    }

    /// The first follower so far, if one has come.
    pub fn first_follower(&self) -> Option<u32> {
        self.run.record.first_follower
    }

    /// What the run recorded so far.
    pub fn record(&self) -> &RunRecord {
        &self.run.record
    }

    /// Ends the run where it stands and returns its record, with its outcome as of now.
    pub fn finish(self) -> RunRecord {
        self.run.finish()
    }
}

/// What one call of [`Run::step`] did.
enum Step {
    /// A tick was played and recorded; `over` when it was the run's last.
    Played { over: bool },
    /// Nothing was played: the run was already at its end.
    Finished,
}

/// Where a person stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Status {
    Watching,
    /// Decided to join; joins when the tick is applied.
    Pending,
    Following,
    /// A leader still dancing.
    Leading,
    /// A leader who gave up.
    Quit,
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

    fn insert(&mut self, v: u32) {
        self.position[v as usize] = self.list.len() as u32;
        self.list.push(v);
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
    /// Borrowed when the caller keeps them for many runs, owned when a stepper drew them.
    thresholds: Cow<'a, [f64]>,
    /// Every draw of the dynamics; owned, so a [`Simulation`] can hold a run between ticks.
    rng: Stream,
    /// Leader events and their perception, apart so they do not shift the dynamics' draws.
    events_rng: Stream,
    recording: Recording,
    status: Vec<Status>,
    /// Accumulated social proof; `None` when the rule never looks at contacts.
    proof: Option<ProofStore>,
    /// Maintained only when some rule or term needs to visit or draw from the watchers.
    watchers: Option<Watchers>,
    /// People who qualified and join at the next tick (synchronous) or whose turn comes next
    /// tick (asynchronous).
    carried: Vec<u32>,
    /// How many of the crowd (everyone but the leaders) follow.
    following: u32,
    /// Everyone but the leaders.
    crowd_size: u32,
    /// Sum of the influence weights of everyone dancing, leaders included.
    crowd_weight: f64,
    tick: u32,
    peak: u32,
    /// `(tick, following)` each time the following reached a new height: the first tick any
    /// share of the final crowd danced is read off it at the end (at most one entry per tick
    /// and per person, so it never outgrows the run's own state).
    heights: Vec<(u32, u32)>,
    /// Whether the crowd-wide term enters every decision (classic runs).
    crowd_wide: bool,
    leaders_dancing: u32,
    /// Consecutive ticks the leaders have danced without a single follower.
    lonely_ticks: u32,
    first_follower_tick: Option<u32>,
    second_follower_tick: Option<u32>,
    critical_mass_tick: Option<u32>,
    leader_quit_tick: Option<u32>,
    /// State of the movement mechanisms; `None` for classic runs.
    movement: Option<movement::MovementState>,
    /// Joins and leaves of the last tick played (what a stepper reports).
    last_joined: u32,
    last_left: u32,
    record: RunRecord,
    /// The detector of endless join/leave cycles; `None` for runs that cannot cycle for ever
    /// without a random draw (see [`Run::may_cycle`]).
    cycle_watch: Option<cycle::Watch<Box<RunState>>>,
    /// The cycle the run ended in, if it did.
    cycle: Option<cycle::Found>,
}

/// A copy of everything in a [`Run`] that the ticks ahead depend on: when the state at the end
/// of a later tick equals it (floats bit for bit), every tick after repeats those in between.
/// Outcome bookkeeping (peak, the ticks of moments, the record) is left out: it does not
/// change what happens.
struct RunState {
    status: Vec<Status>,
    proof: Option<ProofStore>,
    watchers: Option<Vec<u32>>,
    carried: Vec<u32>,
    following: u32,
    crowd_weight: u64,
    leaders_dancing: u32,
    lonely_ticks: u32,
    first_follower: Option<u32>,
    second_follower: Option<u32>,
    movement: Option<movement::MovementState>,
    rng: Stream,
    events_rng: Stream,
}

impl<'a, 'g> Run<'a, 'g> {
    fn new(
        prep: &'a Prepared<'g>,
        input: &RunInput<'_>,
        thresholds: Cow<'a, [f64]>,
        rng: Stream,
        events_rng: Stream,
        recording: Recording,
    ) -> Self {
        let n = prep.graph.node_count();
        let movement_mode =
            !prep.movement.is_classic() && prep.dynamics.rule.kind() != RuleKind::Cascade;
        assert_eq!(thresholds.len(), n, "one threshold per person");
        let d = &prep.dynamics;
        let pushes_proof = !prep.norm.is_empty();
        let crowd_wide = d.visibility > 0.0 && d.rule.kind() != RuleKind::Cascade && !movement_mode;
        let needs_watchers = crowd_wide
            || d.spontaneous > 0.0
            || matches!(d.rule.kind(), RuleKind::Logit | RuleKind::Hazard);
        let event_driven = d.rule.kind() == RuleKind::Threshold && !crowd_wide && !movement_mode;
        // Whole-number proof suffices when edges are unweighted and every dancer counts once.
        let countdown = event_driven && !prep.graph.is_weighted() && prep.movement.is_classic();
        let proof = pushes_proof.then(|| {
            ProofStore::new(
                n,
                countdown,
                event_driven.then_some((&*thresholds, prep.norm.as_slice())),
            )
        });
        let movement = movement_mode.then(|| movement::MovementState::new(prep, input));
        let may_cycle = Self::may_cycle(prep, movement_mode);
        Run {
            prep,
            thresholds,
            rng,
            events_rng,
            recording,
            status: vec![Status::Watching; n],
            proof,
            watchers: needs_watchers.then(|| Watchers::new(n)),
            carried: Vec::new(),
            following: 0,
            crowd_size: (n - input.leaders.len()) as u32,
            crowd_weight: 0.0,
            tick: 0,
            peak: 0,
            heights: Vec::new(),
            crowd_wide,
            leaders_dancing: 0,
            lonely_ticks: 0,
            first_follower_tick: None,
            second_follower_tick: None,
            critical_mass_tick: None,
            leader_quit_tick: None,
            movement,
            last_joined: 0,
            last_left: 0,
            record: RunRecord::default(),
            cycle_watch: may_cycle.then(cycle::Watch::new),
            cycle: None,
        }
    }

    /// Whether runs of `prep` can join and leave for ever without a random draw: synchronous
    /// threshold decisions with leaving, and nobody joining on a whim. (Without leaving a crowd
    /// only grows and every run ends; with a draw on every tick no state repeats exactly.)
    fn may_cycle(prep: &Prepared<'_>, movement_mode: bool) -> bool {
        let d = &prep.dynamics;
        movement_mode
            && prep.movement.leaving.is_some()
            && d.rule.kind() == RuleKind::Threshold
            && d.update == Update::Synchronous
            && d.spontaneous <= 0.0
    }

    /// A copy of the state the ticks ahead depend on.
    fn state_copy(&self) -> RunState {
        RunState {
            status: self.status.clone(),
            proof: self.proof.clone(),
            watchers: self.watchers.as_ref().map(|w| w.list.clone()),
            carried: self.carried.clone(),
            following: self.following,
            crowd_weight: self.crowd_weight.to_bits(),
            leaders_dancing: self.leaders_dancing,
            lonely_ticks: self.lonely_ticks,
            first_follower: self.record.first_follower,
            second_follower: self.record.second_follower,
            movement: self.movement.clone(),
            rng: self.rng.clone(),
            events_rng: self.events_rng.clone(),
        }
    }

    /// Whether the state now is `old`, floats bit for bit.
    fn same_state(&self, old: &RunState) -> bool {
        let proof_same = match (&self.proof, &old.proof) {
            (Some(a), Some(b)) => a.same_as(b),
            (None, None) => true,
            _ => false,
        };
        let movement_same = match (&self.movement, &old.movement) {
            (Some(a), Some(b)) => a.same_as(b),
            (None, None) => true,
            _ => false,
        };
        self.following == old.following
            && self.crowd_weight.to_bits() == old.crowd_weight
            && self.leaders_dancing == old.leaders_dancing
            && self.lonely_ticks == old.lonely_ticks
            && self.record.first_follower == old.first_follower
            && self.record.second_follower == old.second_follower
            && self.carried == old.carried
            && self.watchers.as_ref().map(|w| &w.list) == old.watchers.as_ref()
            && self.rng == old.rng
            && self.events_rng == old.events_rng
            && self.status == old.status
            && proof_same
            && movement_same
    }

    /// At the end of a movement tick: whether the run has come back to a state it was in a few
    /// ticks ago with nothing random or scheduled ahead, and so would repeat for ever. The
    /// cycle found is kept for the outcome.
    fn ended_in_cycle(&mut self) -> bool {
        let Some(mut watch) = self.cycle_watch.take() else {
            return false;
        };
        let event_rate = self
            .prep
            .movement
            .leaders
            .as_ref()
            .map_or(0.0, |l| l.event_rate);
        let deterministic = self
            .movement
            .as_ref()
            .is_some_and(|m| m.nothing_scheduled(self.leaders_dancing, event_rate));
        let found = if deterministic {
            watch.end_of_tick(
                self.tick,
                self.following,
                || Box::new(self.state_copy()),
                |old| self.same_state(old),
            )
        } else {
            watch.forget();
            None
        };
        self.cycle_watch = Some(watch);
        self.cycle = found;
        found.is_some()
    }

    /// Person `v` started or stopped dancing (or leading): the cycle detector's hash follows.
    #[inline]
    fn toggle_dancing(&mut self, v: u32) {
        if let Some(w) = &mut self.cycle_watch {
            w.toggle(v);
        }
    }

    /// Tick 0: the leaders and the initial followers dance, and anyone whose threshold needs no
    /// proof at all is ready to join at tick 1.
    fn start(&mut self, leaders: &[u32], initial: &[u32]) {
        for &v in leaders {
            self.start_leader(v);
        }
        for &v in initial {
            self.status[v as usize] = Status::Pending;
            if let Some(p) = &mut self.proof {
                p.settle(v);
            }
        }
        for &v in initial {
            self.join(v);
        }
        if self.prep.dynamics.rule.kind() == RuleKind::Threshold
            && !self.crowd_wide
            && self.movement.is_none()
        {
            for v in 0..self.status.len() {
                if self.status[v] == Status::Watching
                    && self.proof.as_ref().is_some_and(|p| p.is_met(v as u32))
                {
                    self.mark_pending(v as u32);
                }
            }
        }
        self.note_height();
        self.note_critical_mass();
        self.record_tick(initial.len() as u32, 0);
        self.record_trust();
    }

    /// A leader starts dancing alone.
    fn start_leader(&mut self, v: u32) {
        self.leaders_dancing += 1;
        self.record.leaders.push(v);
        let weight = self.start_dancing(v, Status::Leading);
        self.spread(v, weight);
    }

    /// `v` starts dancing (as a leader or a follower): their weight joins the crowd's, proof no
    /// longer moves them, and they stop watching. Returns their influence weight.
    fn start_dancing(&mut self, v: u32, status: Status) -> f64 {
        self.status[v as usize] = status;
        self.toggle_dancing(v);
        let weight = self.weight_of(v);
        self.crowd_weight += weight;
        if let Some(p) = &mut self.proof {
            p.settle(v);
        }
        if let Some(w) = &mut self.watchers {
            w.remove(v);
        }
        self.record_change(v, true);
        weight
    }

    /// The influence weight of a dancer (or of someone about to dance).
    fn weight_of(&self, v: u32) -> f64 {
        let m = &self.prep.movement;
        let leader = m.leaders.as_ref().map_or(1.0, |l| l.effective_weight());
        match self.status[v as usize] {
            Status::Leading | Status::Quit => leader,
            _ if m.influence.embrace && self.record.first_follower == Some(v) => {
                m.influence.first_follower.max(leader)
            }
            _ => m.influence.follower,
        }
    }

    /// The influence of a new dancer reaches those who see them.
    fn spread(&mut self, v: u32, weight: f64) {
        if self.prep.dynamics.rule.kind() == RuleKind::Cascade {
            self.recruit(v);
        } else if self.proof.is_some() {
            self.push_proof(v, weight);
        }
    }

    /// Marks the first and second followers. With leaders, the first follower is the first to
    /// join who sees a leader, and the second the next who sees the leader or the first
    /// follower: a watcher across the hillside who dances on a whim follows nobody. Without
    /// leaders they are simply the first two to join after tick 0.
    fn note_follower(&mut self, v: u32) {
        if self.record.first_follower == Some(v) {
            return;
        }
        let first = self.record.first_follower;
        let follows = self.record.leaders.is_empty()
            || self
                .prep
                .graph
                .in_neighbors(v)
                .iter()
                .any(|&u| self.status[u as usize] == Status::Leading || Some(u) == first);
        if !follows {
            return;
        }
        if first.is_none() {
            self.record.first_follower = Some(v);
            self.first_follower_tick = Some(self.tick);
        } else {
            self.record.second_follower = Some(v);
            self.second_follower_tick = Some(self.tick);
        }
    }

    /// Whether anyone who sees a dancing leader is following: the leader has company.
    fn leader_has_followers(&self) -> bool {
        self.record.leaders.iter().any(|&l| {
            self.status[l as usize] == Status::Leading
                && self
                    .prep
                    .graph
                    .out_neighbors(l)
                    .iter()
                    .any(|&u| self.status[u as usize] == Status::Following)
        })
    }

    /// Leaders who have danced alone for `persistence` ticks give up; returns whether they did.
    fn check_persistence(&mut self) -> bool {
        let Some(persistence) = self
            .prep
            .movement
            .leaders
            .as_ref()
            .and_then(|l| l.persistence)
        else {
            return false;
        };
        if self.leaders_dancing == 0 {
            return false;
        }
        if self.leader_has_followers() {
            self.lonely_ticks = 0;
            return false;
        }
        self.lonely_ticks += 1;
        if self.lonely_ticks < persistence {
            return false;
        }
        let leaders = self.record.leaders.clone();
        for v in leaders {
            if self.status[v as usize] == Status::Leading {
                self.quit(v);
            }
        }
        true
    }

    /// A leader stops dancing: their influence is withdrawn.
    fn quit(&mut self, v: u32) {
        let weight = self.weight_of(v);
        self.status[v as usize] = Status::Quit;
        self.toggle_dancing(v);
        self.leaders_dancing -= 1;
        self.crowd_weight -= weight;
        self.withdraw(v, weight);
        if self.movement.is_some() && self.prep.movement.leaving.is_some() {
            self.release_first_follower();
        }
        self.record_change(v, false);
        if self.leaders_dancing == 0 {
            self.leader_quit_tick = Some(self.tick);
        }
    }

    fn record_change(&mut self, person: u32, joined: bool) {
        if self.recording.changes {
            self.record.changes.push(Change {
                tick: self.tick,
                person,
                joined,
            });
        }
    }

    /// Notes a new peak of the following, and the tick it was reached.
    fn note_height(&mut self) {
        if self.following > self.peak || self.heights.is_empty() {
            self.peak = self.peak.max(self.following);
            self.heights.push((self.tick, self.following));
        }
    }

    /// The first tick at which at least `tenths` tenths of the final number of followers danced;
    /// `None` when nobody follows at the end.
    fn tick_reaching_final(&self, tenths: u64) -> Option<u32> {
        let last = u64::from(self.following);
        if last == 0 {
            return None;
        }
        // The smallest whole number of people at or above that share of the final crowd.
        let needed = (last * tenths).div_ceil(10);
        self.heights
            .iter()
            .find(|&&(_, f)| u64::from(f) >= needed)
            .map(|&(t, _)| t)
    }

    /// Notes the tick the crowd first reaches the critical mass.
    fn note_critical_mass(&mut self) {
        if self.critical_mass_tick.is_none()
            && let Some(m) = &self.prep.movement.momentum
            && self.fraction() >= m.critical_mass
        {
            self.critical_mass_tick = Some(self.tick);
        }
    }

    /// Fraction of the crowd following.
    fn fraction(&self) -> f64 {
        f64::from(self.following) / f64::from(self.crowd_size.max(1))
    }

    /// Plays one tick, unless the run is at its end.
    fn step(&mut self) -> Step {
        let d = &self.prep.dynamics;
        let (rule, update, spontaneous) = (d.rule.kind(), d.update, d.spontaneous);
        {
            if self.tick >= self.prep.max_ticks {
                return Step::Finished;
            }
            if self.movement.is_none()
                && (self.watchers.as_ref().is_some_and(|w| w.list.is_empty())
                    || self.following == self.crowd_size)
                && !self.quitting_pending()
            {
                return Step::Finished;
            }
            self.tick += 1;
            let before = self.following;
            let mut can_change_later = spontaneous > 0.0;
            if self.movement.is_some() {
                let step = self.tick_movement();
                let quit = step.quit;
                self.note_height();
                self.note_critical_mass();
                if !step.changed && !quit && !step.can_change_later && !self.quitting_pending() {
                    self.tick -= 1;
                    return Step::Finished;
                }
                self.record_tick(step.joined, step.left);
                if step.trust_changed {
                    self.record_trust();
                }
                if self.ended_in_cycle() {
                    return Step::Played { over: true };
                }
                return self.played();
            }
            match (rule, update) {
                (RuleKind::Threshold, Update::Synchronous) if !self.crowd_wide => {
                    self.tick_sync_events()
                }
                (RuleKind::Threshold, Update::Asynchronous) if !self.crowd_wide => {
                    self.tick_async_events()
                }
                (RuleKind::Cascade, _) => self.tick_sync_events(),
                (RuleKind::Threshold, Update::Synchronous) => {
                    let chosen = self.crowd_pass(|run, v| run.meets_threshold(v));
                    self.apply(chosen, true);
                }
                (RuleKind::Threshold, Update::Asynchronous) => {
                    self.sweep_async(|run, v| run.meets_threshold(v))
                }
                (RuleKind::Logit | RuleKind::Hazard, Update::Synchronous) => {
                    let mut max_p = 0.0f64;
                    let chosen = self.crowd_pass(|run, v| {
                        let p = run.join_probability(v);
                        max_p = max_p.max(p);
                        unit_f64(&mut run.rng) < p
                    });
                    can_change_later |= max_p > 0.0;
                    self.apply(chosen, rule != RuleKind::Hazard);
                }
                (RuleKind::Logit | RuleKind::Hazard, Update::Asynchronous) => {
                    can_change_later = true;
                    self.sweep_async(|run, v| unit_f64(&mut run.rng) < run.join_probability(v));
                }
            }
            let joined = self.following - before;
            let quit = self.check_persistence();
            if joined == 0
                && !quit
                && self.carried.is_empty()
                && !can_change_later
                && !self.quitting_pending()
            {
                // Nothing changed and nothing will: the state is final as of the previous tick.
                self.tick -= 1;
                return Step::Finished;
            }
            self.note_height();
            self.note_critical_mass();
            self.record_tick(joined, 0);
            self.played()
        }
    }

    /// A tick was played: whether it ended the run.
    fn played(&self) -> Step {
        Step::Played {
            over: self.movement_is_over() || self.tick >= self.prep.max_ticks,
        }
    }

    /// Whether leaders are dancing alone and will give up if nothing happens.
    fn quitting_pending(&self) -> bool {
        self.leaders_dancing > 0
            && self
                .prep
                .movement
                .leaders
                .as_ref()
                .is_some_and(|l| l.persistence.is_some())
            && !self.leader_has_followers()
    }

    /// A movement whose leaders all quit and none of whose followers dance is over (someone
    /// dancing on a whim elsewhere is not the movement).
    fn movement_is_over(&self) -> bool {
        !self.record.leaders.is_empty()
            && self.leaders_dancing == 0
            && (self.following == 0
                || !self.record.leaders.iter().any(|&l| {
                    self.prep
                        .graph
                        .out_neighbors(l)
                        .iter()
                        .any(|&u| self.status[u as usize] == Status::Following)
                }))
    }

    /// Synchronous, event-driven: those who qualified on last tick's state join now, with the
    /// spontaneous joiners.
    fn tick_sync_events(&mut self) {
        let mut chosen = std::mem::take(&mut self.carried);
        self.draw_spontaneous(&mut chosen);
        // The order of joins within a synchronous tick changes no decision; in id order, the
        // adjacency lists are read front to back instead of at random places.
        sort_ids(&mut chosen);
        if self.pull_tick(&chosen) {
            return;
        }
        let out = self.prep.graph.out_adjacency();
        let (offsets, targets) = (out.offsets(), out.targets());
        for i in 0..chosen.len() {
            // Two stages ahead: first where the adjacency list is, then the list itself.
            if let Some(&far) = chosen.get(i + 2 * PREFETCH_AHEAD) {
                prefetch(offsets, far as usize);
            }
            if let Some(&near) = chosen.get(i + PREFETCH_AHEAD) {
                prefetch(targets, offsets[near as usize] as usize);
            }
            self.join(chosen[i]);
        }
    }

    /// Plays a synchronous tick of the countdown cascade by pulling instead of pushing when the
    /// joiners' edges are a large share of all edges (direction-optimising, as in breadth-first
    /// search): the same joins, the same people ready next tick, fewer scattered writes.
    /// Returns whether it did.
    fn pull_tick(&mut self, chosen: &[u32]) -> bool {
        let graph = self.prep.graph;
        let eligible = self.movement.is_none()
            && self.prep.dynamics.rule.kind() == RuleKind::Threshold
            && matches!(self.proof, Some(ProofStore::Countdown(_)));
        if !eligible || !self.pull_pays(chosen) {
            return false;
        }
        let mut ready = Vec::new();
        let status = &self.status;
        self.proof.as_mut().and_then(|p| {
            p.pull(
                graph,
                |u| status[u as usize] == Status::Watching,
                |w| status[w as usize] == Status::Pending,
                &mut ready,
            )
        });
        for &v in chosen {
            self.join_without_spreading(v);
        }
        for &u in &ready {
            self.status[u as usize] = Status::Pending;
        }
        self.carried.extend(ready);
        true
    }

    /// Whether pulling this tick beats pushing: many joiners whose edges outnumber those of
    /// everyone still watching (a pull reads those; a push writes along these).
    fn pull_pays(&self, chosen: &[u32]) -> bool {
        match self.prep.pull {
            Pull::Auto => {}
            #[cfg(test)]
            Pull::Always => return true,
            #[cfg(test)]
            Pull::Never => return false,
        }
        let graph = self.prep.graph;
        if chosen.len() < PULL_MIN_JOINERS {
            return false;
        }
        let out = graph.out_adjacency();
        let frontier_edges: usize = chosen.iter().map(|&v| out.degree(v)).sum();
        if frontier_edges * PULL_SHARE < graph.edge_count() {
            return false;
        }
        let inn = graph.in_adjacency();
        let watching_edges: usize = (0..graph.node_count() as u32)
            .filter(|&u| self.status[u as usize] == Status::Watching)
            .map(|u| inn.degree(u))
            .sum();
        watching_edges < frontier_edges
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
        order.shuffle(&mut self.rng);
        let spontaneous = self.prep.dynamics.spontaneous;
        let extra_courage = spontaneous > 0.0 && self.prep.dynamics.rule.kind() != RuleKind::Hazard;
        for v in order {
            if decides(self, v) || (extra_courage && unit_f64(&mut self.rng) < spontaneous) {
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
                let u = 1.0 - unit_f64(&mut self.rng); // in (0, 1]
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
            if self.status[v as usize] == Status::Watching && self.trusts_enough(v) {
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
        let weight = self.join_without_spreading(v);
        self.spread(v, weight);
        if self.movement.is_some() {
            self.needs_stay_bound(v);
        }
    }

    /// Everything of [`Run::join`] but passing the joiner's influence on; returns their weight.
    fn join_without_spreading(&mut self, v: u32) -> f64 {
        debug_assert_eq!(self.status[v as usize], Status::Pending);
        if self.tick > 0 && self.record.second_follower.is_none() {
            self.note_follower(v);
        }
        self.following += 1;
        let weight = self.start_dancing(v, Status::Following);
        if let Some(m) = &mut self.movement {
            m.on_join(v);
        }
        weight
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
        let Rule::Cascade { probability } = self.prep.dynamics.rule else {
            unreachable!("only the cascade rule recruits")
        };
        match probability {
            EdgeProbability::Uniform(p) => {
                if p <= 0.0 {
                    return;
                }
                // Geometric skips: the cost is the number of successes, not the degree.
                let log_q = self.prep.log_miss;
                let mut i = 0usize;
                while i < targets.len() {
                    if p < 1.0 {
                        let u = 1.0 - unit_f64(&mut self.rng);
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
                // The generator's state lives in registers for the loop (through `self` it
                // would be stored and reloaded at every coin flip).
                let mut rng = self.rng.clone();
                let accept = &self.prep.accept;
                for &u in targets {
                    let status = &mut self.status[u as usize];
                    if *status == Status::Watching && accepts(&mut rng, accept[u as usize]) {
                        *status = Status::Pending;
                        self.carried.push(u);
                    }
                }
                self.rng = rng;
            }
            EdgeProbability::Weight => {
                let ws = out.weights(v);
                for (k, &u) in targets.iter().enumerate() {
                    let p = ws.map_or(1.0, |w| f64::from(w[k]));
                    if self.status[u as usize] == Status::Watching
                        && accepts(&mut self.rng, acceptance(p))
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
        self.trusts_enough(v) && self.stimulus(v) >= self.effective_threshold(v)
    }

    fn join_probability(&self, v: u32) -> f64 {
        let d = &self.prep.dynamics;
        match d.rule {
            Rule::Logit { temperature: t } => {
                if !self.trusts_enough(v) {
                    return 0.0;
                }
                1.0 / (1.0 + (-(self.stimulus(v) - self.effective_threshold(v)) / t).exp())
            }
            Rule::Hazard { imitation: b } => {
                if !self.trusts_enough(v) {
                    return 0.0;
                }
                (d.spontaneous + b * self.stimulus(v)).min(1.0)
            }
            Rule::Threshold | Rule::Cascade { .. } => {
                unreachable!("deterministic rules do not draw")
            }
        }
    }

    fn record_tick(&mut self, joined: u32, left: u32) {
        self.last_joined = joined;
        self.last_left = left;
        if self.recording.timeseries {
            let row = self.tick_record(joined, left);
            self.record.timeseries.push(row);
        }
    }

    /// The state at the end of the current tick.
    fn tick_record(&self, joined: u32, left: u32) -> TickRecord {
        let (mean_trust, mean_trust_followers) = self.mean_trust();
        TickRecord {
            tick: self.tick,
            following: self.following,
            joined,
            left,
            leaders_dancing: self.leaders_dancing,
            mean_trust,
            mean_trust_followers,
        }
    }

    fn record_trust(&mut self) {
        let Some(stride) = self.recording.trust_stride else {
            return;
        };
        if let Some(trust) = self.movement.as_ref().and_then(|m| m.trust()) {
            let trust = trust
                .iter()
                .step_by(stride.get() as usize)
                .map(|&t| t as f32)
                .collect();
            self.record.trust_snapshots.push(TrustSnapshot {
                tick: self.tick,
                trust,
            });
        }
    }

    /// Mean trust of the crowd and of the followers (1 when trust is not modelled).
    fn mean_trust(&self) -> (f64, Option<f64>) {
        match self.movement.as_ref().and_then(|m| m.trust_sums()) {
            Some((all, followers)) => (
                all / f64::from(self.crowd_size.max(1)),
                (self.following > 0).then(|| followers / f64::from(self.following)),
            ),
            None => (1.0, (self.following > 0).then_some(1.0)),
        }
    }

    fn finish(mut self) -> RunRecord {
        let crowd = f64::from(self.crowd_size.max(1));
        let final_fraction = f64::from(self.following) / crowd;
        self.record.outcome = RunOutcome {
            final_following: self.following,
            final_fraction,
            peak_fraction: f64::from(self.peak) / crowd,
            ticks: self.tick,
            cascaded: final_fraction >= self.prep.cascade_cutoff,
            first_follower_tick: self.first_follower_tick,
            second_follower_tick: self.second_follower_tick,
            critical_mass_tick: self.critical_mass_tick,
            leader_quit_tick: self.leader_quit_tick,
            final_mean_trust: self.mean_trust().0,
            final_50_tick: self.tick_reaching_final(5),
            final_90_tick: self.tick_reaching_final(9),
            cycle: self.cycle.map(|c| Cycle {
                period: c.period,
                from_tick: c.from_tick,
                low_fraction: f64::from(c.low) / crowd,
                high_fraction: f64::from(c.high) / crowd,
            }),
        };
        if let Some(blocks) = self.prep.graph.blocks() {
            let mut counts = vec![0u32; blocks.iter().max().map_or(0, |&b| b as usize + 1)];
            for (status, &b) in self.status.iter().zip(blocks) {
                if *status == Status::Following {
                    counts[b as usize] += 1;
                }
            }
            self.record.final_by_block = counts;
        }
        self.record
    }
}

#[cfg(test)]
mod tests;
