//! The movement mechanisms inside a run: effective thresholds with trust and pressure, leaving,
//! leader events and word of mouth.
//!
//! A tick stays event-driven where it can. Joining points (and, for followers, the proof below
//! which they leave) are computed against the crowd-wide terms of the last full pass: the
//! crowd's visible weight, the pressure of momentum, and everyone's trust. While those stay put,
//! only people whose proof moved are looked at. A full pass over the crowd happens on the ticks
//! where a crowd-wide term changed: someone joined or left with visibility above zero, pressure
//! moved past the critical mass, or a leader event or word of mouth changed trust.
//!
//! A synchronous tick decides on the state at the end of the previous one, and so do the points
//! its decisions are read from: the staying points of the tick's joiners and the joining points
//! of its leavers are set once every join and leave of the tick (and a leader's quitting) is
//! applied, never while some of the tick's joiners have not yet joined; and those whose proof
//! crossed a point during the tick are checked against where their proof ends (see
//! `settle_tick`). The cost stays with the people who moved or were moved, not the crowd.

use rand_distr::{Distribution as _, StandardNormal};

use super::{Run, RunInput, Status};
use crate::model::movement::{LeaderEventKind, Trust};
use crate::model::{RuleKind, SocialProof, Update};
use crate::random::unit_f64;
use crate::simulation::outcome::TrustEvent;

/// Per-run state of the movement mechanisms.
#[derive(Clone)]
pub(super) struct MovementState {
    /// Trust in the leader, per person, when trust is modelled.
    trust: Option<Vec<f64>>,
    trust_sum: f64,
    trust_sum_followers: f64,
    /// Whether each person sees a leader (is one of the leader's contacts).
    near_leader: Vec<bool>,
    /// Proof below which a follower leaves (leaving on).
    stay_at: Vec<f64>,
    /// Followers whose proof fell below their staying point. At the end of a synchronous
    /// tick: exactly those whose proof ends below it, in id order.
    leaving: Vec<u32>,
    /// Synchronous updates: followers whose staying point is set when the tick is over (the
    /// tick's joiners, and a first follower whose leader quit); their point is minus infinity
    /// meanwhile, so nothing lists them before the tick's other joiners have joined.
    fresh_followers: Vec<u32>,
    /// Synchronous updates: the tick's leavers, whose joining point is set when the tick is
    /// over (it is infinite meanwhile, as for anyone dancing).
    fresh_watchers: Vec<u32>,
    /// Scripted events, sorted by tick, and the next one to happen.
    scripted: Vec<(u32, LeaderEventKind)>,
    next_scripted: usize,
    /// Crowd weight and pressure at the last full pass; `None` before the first.
    pass: Option<(f64, f64)>,
    /// The first follower sat down this tick before a second follower came.
    first_follower_left: bool,
    /// Joining and staying points were not refreshed by the last full pass (see
    /// `decide_synchronously`).
    bounds_stale: bool,
}

/// What one movement tick did.
pub(super) struct Step {
    pub joined: u32,
    pub left: u32,
    /// The leaders gave up at the end of the tick.
    pub quit: bool,
    pub changed: bool,
    pub trust_changed: bool,
    pub can_change_later: bool,
}

impl MovementState {
    pub fn new(prep: &super::Prepared<'_>, input: &RunInput<'_>) -> Self {
        let n = prep.graph.node_count();
        let mut near_leader = vec![false; n];
        for &l in input.leaders {
            for &u in prep.graph.out_neighbors(l) {
                near_leader[u as usize] = true;
            }
        }
        let mut is_leader = vec![false; n];
        for &l in input.leaders {
            is_leader[l as usize] = true;
        }
        let trust = prep
            .movement
            .trust
            .as_ref()
            .map(|_| input.trust.map_or_else(|| vec![1.0; n], <[f64]>::to_vec));
        let trust_sum = trust.as_ref().map_or(0.0, |t| {
            t.iter()
                .zip(&is_leader)
                .filter(|(_, l)| !**l)
                .map(|(v, _)| v)
                .sum()
        });
        let mut scripted: Vec<(u32, LeaderEventKind)> = prep
            .movement
            .events
            .iter()
            .map(|e| (e.tick, e.kind))
            .collect();
        scripted.sort_by_key(|e| e.0);
        MovementState {
            trust,
            trust_sum,
            trust_sum_followers: 0.0,
            near_leader,
            stay_at: if prep.movement.leaving.is_some() {
                vec![f64::NEG_INFINITY; n]
            } else {
                Vec::new()
            },
            leaving: Vec::new(),
            fresh_followers: Vec::new(),
            fresh_watchers: Vec::new(),
            scripted,
            next_scripted: 0,
            pass: None,
            first_follower_left: false,
            bounds_stale: false,
        }
    }

    pub fn on_join(&mut self, v: u32) {
        if let Some(t) = &self.trust {
            self.trust_sum_followers += t[v as usize];
        }
    }

    fn on_leave(&mut self, v: u32) {
        if let Some(t) = &self.trust {
            self.trust_sum_followers -= t[v as usize];
        }
    }

    /// Whether `self` and `other` are the same state, floats bit for bit (what the cycle
    /// detector compares). What never changes in a run (who sees a leader, the script) is
    /// compared too: it costs little and keeps the comparison obviously complete.
    pub fn same_as(&self, other: &Self) -> bool {
        let bits = |a: &[f64], b: &[f64]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
        };
        let trust_same = match (&self.trust, &other.trust) {
            (Some(a), Some(b)) => bits(a, b),
            (None, None) => true,
            _ => false,
        };
        let pass_same = match (self.pass, other.pass) {
            (Some((w, p)), Some((v, q))) => {
                w.to_bits() == v.to_bits() && p.to_bits() == q.to_bits()
            }
            (None, None) => true,
            _ => false,
        };
        trust_same
            && pass_same
            && self.trust_sum.to_bits() == other.trust_sum.to_bits()
            && self.trust_sum_followers.to_bits() == other.trust_sum_followers.to_bits()
            && self.near_leader == other.near_leader
            && bits(&self.stay_at, &other.stay_at)
            && self.leaving == other.leaving
            && self.fresh_followers == other.fresh_followers
            && self.fresh_watchers == other.fresh_watchers
            && self.scripted == other.scripted
            && self.next_scripted == other.next_scripted
            && self.first_follower_left == other.first_follower_left
            && self.bounds_stale == other.bounds_stale
    }

    /// Whether the ticks ahead can be decided without a random draw or a scheduled change:
    /// no scripted leader event is still to come and no leader can draw one (events matter
    /// only when trust is modelled).
    pub fn nothing_scheduled(&self, leaders_dancing: u32, event_rate: f64) -> bool {
        self.trust.is_none()
            || (self.next_scripted == self.scripted.len()
                && (leaders_dancing == 0 || event_rate <= 0.0))
    }

    /// Everyone's trust in the leader, when trust is modelled.
    pub fn trust(&self) -> Option<&[f64]> {
        self.trust.as_deref()
    }

    /// Sums of trust over the crowd and over the followers, when trust is modelled.
    pub fn trust_sums(&self) -> Option<(f64, f64)> {
        self.trust
            .as_ref()
            .map(|_| (self.trust_sum, self.trust_sum_followers))
    }
}

impl Run<'_, '_> {
    fn state(&self) -> &MovementState {
        self.movement.as_ref().expect("movement mode")
    }

    fn state_mut(&mut self) -> &mut MovementState {
        self.movement.as_mut().expect("movement mode")
    }

    /// Whether `v` trusts the leader enough to follow at all.
    pub(super) fn trusts_enough(&self, v: u32) -> bool {
        match (&self.movement, &self.prep.movement.trust) {
            (Some(m), Some(t)) => m
                .trust
                .as_ref()
                .is_none_or(|tau| tau[v as usize] >= t.floor),
            _ => true,
        }
    }

    /// How far momentum lowers everyone's threshold now.
    fn pressure_now(&self) -> f64 {
        self.prep
            .movement
            .momentum
            .as_ref()
            .map_or(0.0, |m| m.pressure_at(self.fraction()))
    }

    /// `theta + distrust_penalty * (1 - trust) - pressure`: the threshold a person acts on.
    pub(super) fn effective_threshold(&self, v: u32) -> f64 {
        let theta = self.thresholds[v as usize];
        let Some(m) = &self.movement else {
            return theta;
        };
        let mut t = theta;
        if let (Some(tau), Some(trust)) = (&m.trust, &self.prep.movement.trust) {
            t += trust.distrust_penalty * (1.0 - tau[v as usize]);
        }
        t - self.pressure_now()
    }

    /// Whether follower `v` walks away: proof below their effective threshold minus the
    /// hysteresis (unless the leader's embrace holds them), or trust below the floor.
    fn leaves(&self, v: u32) -> bool {
        let Some(leaving) = &self.prep.movement.leaving else {
            return false;
        };
        !self.trusts_enough(v)
            || (!self.held_by_embrace(v)
                && self.stimulus(v) < self.effective_threshold(v) - leaving.hysteresis)
    }

    /// Whether `v` is the embraced first follower and a leader they see still dances: the
    /// leader's company counts toward their own staying (`influence.embrace_holds`, claim C3),
    /// so lack of social proof does not sit them down. Trust below the floor still does: they
    /// follow only as long as they want to (C7).
    pub(super) fn held_by_embrace(&self, v: u32) -> bool {
        let influence = &self.prep.movement.influence;
        influence.embrace
            && influence.embrace_holds
            && self.record.first_follower == Some(v)
            && self
                .prep
                .graph
                .in_neighbors(v)
                .iter()
                .any(|&u| self.status[u as usize] == Status::Leading)
    }

    /// A leader quit: the first follower they held now stays on social proof alone, like
    /// everyone else, and reconsiders next tick if that is not enough.
    pub(super) fn release_first_follower(&mut self) {
        let Some(v) = self.record.first_follower else {
            return;
        };
        if self.status[v as usize] != Status::Following || self.held_by_embrace(v) {
            return;
        }
        if self.synchronous() {
            // Listed twice at worst (for want of trust too): the end of the tick dedups.
            self.needs_stay_bound(v);
        } else if !self.state().leaving.contains(&v) {
            // Already on the way out (for want of trust): listed once only.
            self.set_stay_bound(v);
        }
    }

    /// Whether ticks are synchronous: points are then set at the end of the tick (see
    /// [`Run::settle_tick`]); asynchronous sweeps decide on the live state and set them at once.
    fn synchronous(&self) -> bool {
        self.prep.dynamics.update == Update::Synchronous
    }

    /// Follower `v` (who just joined, or whose leader's embrace just ended) needs a staying
    /// point: at the end of a synchronous tick, when everyone who joins in it has joined (a
    /// point set now would miss the proof of later joiners of the same tick and make the
    /// result depend on the order of ids); at once in an asynchronous sweep.
    pub(super) fn needs_stay_bound(&mut self, v: u32) {
        if self.prep.movement.leaving.is_none() {
            return;
        }
        if self.synchronous() {
            let m = self.state_mut();
            m.stay_at[v as usize] = f64::NEG_INFINITY;
            m.fresh_followers.push(v);
        } else {
            self.set_stay_bound(v);
        }
    }

    /// The smallest accumulated proof at which `v`'s stimulus reaches `target`, with the
    /// crowd-wide terms as they are now; exact for the formula of [`Run::stimulus`].
    fn proof_needed(&self, v: u32, target: f64) -> f64 {
        let d = &self.prep.dynamics;
        let norm = self.prep.norm.get(v as usize).copied().unwrap_or(0.0);
        let crowd = self.crowd_term();
        let stimulus = |x: f64| {
            let local = if norm > 0.0 { x / norm } else { 0.0 };
            (1.0 - d.visibility) * local + d.visibility * crowd
        };
        if d.visibility >= 1.0 || norm <= 0.0 {
            return if stimulus(0.0) >= target {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
        }
        let mut x = (target - d.visibility * crowd) / (1.0 - d.visibility) * norm;
        if !x.is_finite() {
            return if x > 0.0 {
                f64::INFINITY
            } else {
                f64::NEG_INFINITY
            };
        }
        // Rounding puts the exact point within a few steps of the algebraic one.
        for _ in 0..64 {
            if stimulus(x) >= target {
                break;
            }
            x = x.next_up();
        }
        for _ in 0..64 {
            if stimulus(x.next_down()) >= target {
                x = x.next_down();
            } else {
                break;
            }
        }
        x
    }

    /// The crowd-wide part of social proof: the visible weight of all dancers.
    pub(super) fn crowd_term(&self) -> f64 {
        match self.prep.dynamics.social_proof {
            SocialProof::Fraction => self.crowd_weight / self.status.len() as f64,
            SocialProof::Count => self.crowd_weight,
        }
    }

    /// Sets the proof at which watcher `v` joins, for the event-driven path.
    fn set_join_bound(&mut self, v: u32) {
        if self.prep.dynamics.rule.kind() != RuleKind::Threshold {
            return;
        }
        let bound = if self.trusts_enough(v) {
            self.proof_needed(v, self.effective_threshold(v))
        } else {
            f64::INFINITY
        };
        let Some(p) = &mut self.proof else { return };
        if p.proof(v) >= bound {
            // Already enough (someone who just left, say): they reconsider next tick.
            p.settle(v);
            self.status[v as usize] = Status::Pending;
            self.carried.push(v);
        } else {
            p.set_join_at(v, bound);
        }
    }

    /// Sets the proof below which follower `v` leaves.
    pub(super) fn set_stay_bound(&mut self, v: u32) {
        let Some(leaving) = &self.prep.movement.leaving else {
            return;
        };
        let bound = if !self.trusts_enough(v) {
            f64::INFINITY
        } else if self.held_by_embrace(v) {
            // Held: no amount of proof lost sits them down (`release_first_follower` sets the
            // point again when the leader quits).
            f64::NEG_INFINITY
        } else {
            self.proof_needed(v, self.effective_threshold(v) - leaving.hysteresis)
        };
        let proof = self.proof.as_ref().map_or(0.0, |p| p.proof(v));
        let m = self.state_mut();
        // Kept even when already below it: the end of a synchronous tick reads it again to
        // see whether proof that came back later in the tick keeps them.
        m.stay_at[v as usize] = bound;
        if proof < bound {
            // Joined without the proof to stay (on a whim, or on a crowd that has since
            // thinned): they reconsider next tick.
            m.leaving.push(v);
        }
    }

    /// Withdraws `v`'s influence from those who see them; followers whose proof drops below
    /// their staying point will reconsider (listed when it crosses the point; whether it ends
    /// the tick below is checked in [`Run::settle_tick`]).
    pub(super) fn withdraw(&mut self, v: u32, weight: f64) {
        let Some(proof) = &mut self.proof else { return };
        let out = self.prep.graph.out_adjacency();
        let targets = out.neighbors(v);
        let weights = out.weights(v);
        let Some(m) = &mut self.movement else {
            for (k, &u) in targets.iter().enumerate() {
                proof.add(u, -weight * weights.map_or(1.0, |w| f64::from(w[k])));
            }
            return;
        };
        let leaving_on = !m.stay_at.is_empty();
        for (k, &u) in targets.iter().enumerate() {
            let before = proof.proof(u);
            let now = proof.add(u, -weight * weights.map_or(1.0, |w| f64::from(w[k])));
            if leaving_on && self.status[u as usize] == Status::Following {
                // Listed once per crossing: someone already below (listed, or on the way out)
                // is not listed again.
                let stay = m.stay_at[u as usize];
                if now < stay && before >= stay {
                    m.leaving.push(u);
                }
            }
        }
    }

    /// Follower `v` walks away.
    fn leave(&mut self, v: u32) {
        let weight = self.weight_of(v);
        if self.record.first_follower == Some(v) && self.record.second_follower.is_none() {
            // Decided at the end of the tick (see `decide_synchronously`): unless someone who
            // saw them joins in this same tick, they did not turn the leader into a leader.
            self.state_mut().first_follower_left = true;
        }
        self.status[v as usize] = Status::Watching;
        self.toggle_dancing(v);
        self.following -= 1;
        self.crowd_weight -= weight;
        self.state_mut().on_leave(v);
        if let Some(w) = &mut self.watchers {
            w.insert(v);
        }
        self.record_change(v, false);
        self.withdraw(v, weight);
        if self.synchronous() {
            // Their joining point stays infinite (as while dancing) until the tick is over.
            self.state_mut().fresh_watchers.push(v);
        } else {
            self.set_join_bound(v);
        }
    }

    /// One tick of the movement model, with the leaders' giving up at its end.
    pub(super) fn tick_movement(&mut self) -> Step {
        let mut trust_changed = self.leader_events();
        trust_changed |= self.word_of_mouth();
        let (joined, left) = match self.prep.dynamics.update {
            Update::Synchronous => self.decide_synchronously(trust_changed),
            Update::Asynchronous => self.sweep_movement(),
        };
        let quit = self.check_persistence();
        if self.synchronous() {
            self.settle_tick(quit);
        }
        let m = self.state();
        let d = &self.prep.dynamics;
        let leader_can_act = self.leaders_dancing > 0
            && self
                .prep
                .movement
                .leaders
                .as_ref()
                .is_some_and(|l| l.event_rate > 0.0);
        let watchers_left = self.following < self.crowd_size;
        let can_change_later = (watchers_left
            && (d.spontaneous > 0.0
                || matches!(d.rule.kind(), RuleKind::Logit | RuleKind::Hazard)))
            || m.next_scripted < m.scripted.len()
            || (leader_can_act && m.trust.is_some())
            || (trust_changed
                && self
                    .prep
                    .movement
                    .trust
                    .as_ref()
                    .is_some_and(|t| t.word_of_mouth > 0.0))
            || !self.carried.is_empty()
            || !m.leaving.is_empty();
        Step {
            joined,
            left,
            quit,
            changed: joined > 0 || left > 0 || trust_changed,
            trust_changed,
            can_change_later,
        }
    }

    /// Everyone decides on the state at the end of the last tick; a full pass only when a
    /// crowd-wide term changed.
    fn decide_synchronously(&mut self, trust_changed: bool) -> (u32, u32) {
        let d = &self.prep.dynamics;
        let pressure = self.pressure_now();
        let full = match self.state().pass {
            None => true,
            // Points left stale by the last full pass (see `settle_tick`) are not read.
            Some(_) if self.state().bounds_stale => true,
            Some((weight, p)) => {
                trust_changed
                    || matches!(d.rule.kind(), RuleKind::Logit | RuleKind::Hazard)
                    || p != pressure
                    || (d.visibility > 0.0 && weight != self.crowd_weight)
            }
        };
        let (mut joining, leaving) = if full {
            self.full_pass()
        } else {
            let joining = std::mem::take(&mut self.carried);
            let leaving = std::mem::take(&mut self.state_mut().leaving);
            (joining, leaving)
        };
        self.draw_spontaneous(&mut joining);
        let left = leaving.len() as u32;
        for v in leaving {
            self.leave(v);
        }
        super::sort_ids(&mut joining);
        let joined = joining.len() as u32;
        for v in joining {
            self.join(v);
        }
        self.settle_first_follower();
        (joined, left)
    }

    /// The end of a synchronous tick, once every join and leave and the leaders' giving up
    /// (`quit`) are applied: the points the next tick decides on are made to describe the
    /// state now, so that each decision of the next tick is the formula's on this state, and
    /// no decision depends on the order in which the tick's people were taken.
    ///
    /// After a full pass every point is stale: they are all computed now, and only if the next
    /// tick will not be a full pass anyway (past the critical mass, each whim that moves the
    /// crowd's share moves the pressure, and every tick is a full pass). Otherwise only people
    /// the tick moved are looked at: the tick's joiners get their staying points and its
    /// leavers their joining points; those listed to leave (their proof crossed below their
    /// point during the tick) stay listed only if it ends below, since joiners later in the tick
    /// may have brought it back; and when a leader quit after the tick's joins, those about to
    /// join are checked again against what the leader's leaving took away.
    fn settle_tick(&mut self, quit: bool) {
        let m = self.state_mut();
        let followers = std::mem::take(&mut m.fresh_followers);
        let watchers = std::mem::take(&mut m.fresh_watchers);
        if m.bounds_stale {
            if !self.next_tick_needs_full_pass() {
                self.refresh_bounds();
            }
            return;
        }
        if quit {
            for v in std::mem::take(&mut self.carried) {
                self.status[v as usize] = Status::Watching;
                self.set_join_bound(v);
            }
        }
        for v in watchers {
            self.set_join_bound(v);
        }
        for v in followers {
            if self.status[v as usize] == Status::Following {
                self.set_stay_bound(v);
            }
        }
        let mut leaving = std::mem::take(&mut self.state_mut().leaving);
        // In id order, each once: the next tick's leavers, whatever order they were found in.
        super::sort_ids(&mut leaving);
        leaving.dedup();
        let (status, proof) = (&self.status, &self.proof);
        let stay_at = &self.state().stay_at;
        leaving.retain(|&v| {
            status[v as usize] == Status::Following
                && proof.as_ref().map_or(0.0, |p| p.proof(v)) < stay_at[v as usize]
        });
        self.state_mut().leaving = leaving;
    }

    /// Whether a crowd-wide term has moved since the last full pass (leader events aside, which
    /// force a pass when they happen).
    fn next_tick_needs_full_pass(&self) -> bool {
        let d = &self.prep.dynamics;
        match self.state().pass {
            None => true,
            Some((weight, p)) => {
                matches!(d.rule.kind(), RuleKind::Logit | RuleKind::Hazard)
                    || p != self.pressure_now()
                    || (d.visibility > 0.0 && weight != self.crowd_weight)
            }
        }
    }

    /// Recomputes every joining and staying point, and who is about to join or leave, against
    /// the crowd-wide terms as they are now.
    fn refresh_bounds(&mut self) {
        for v in std::mem::take(&mut self.carried) {
            self.status[v as usize] = Status::Watching;
        }
        let m = self.state_mut();
        m.leaving.clear();
        m.bounds_stale = false;
        for v in 0..self.status.len() as u32 {
            match self.status[v as usize] {
                Status::Watching => self.set_join_bound(v),
                Status::Following => self.set_stay_bound(v),
                _ => {}
            }
        }
    }

    /// A first follower who sat down, with nobody who saw them joining in the same tick, loses
    /// the title: the next to join by the leader takes their place. (A brave first follower
    /// who sits down in the very tick their neighbours stand up keeps it: they moved them.)
    fn settle_first_follower(&mut self) {
        let m = self.state_mut();
        if std::mem::take(&mut m.first_follower_left) && self.record.second_follower.is_none() {
            let v = self.record.first_follower.expect("set when the flag is");
            if self.status[v as usize] != Status::Following {
                self.record.first_follower = None;
                self.first_follower_tick = None;
            }
        }
    }

    /// Looks at everyone: who joins, who leaves. Joining and staying points are left stale until
    /// the tick is over (see `decide_synchronously`).
    fn full_pass(&mut self) -> (Vec<u32>, Vec<u32>) {
        for v in std::mem::take(&mut self.carried) {
            self.status[v as usize] = Status::Watching;
        }
        self.state_mut().leaving.clear();
        let pressure = self.pressure_now();
        let weight = self.crowd_weight;
        self.state_mut().pass = Some((weight, pressure));
        let probabilistic = matches!(
            self.prep.dynamics.rule.kind(),
            RuleKind::Logit | RuleKind::Hazard
        );
        self.state_mut().bounds_stale = true;
        let (mut joining, mut leaving) = (Vec::new(), Vec::new());
        for v in 0..self.status.len() as u32 {
            match self.status[v as usize] {
                Status::Watching => {
                    let joins = if probabilistic {
                        let p = self.join_probability(v);
                        unit_f64(&mut self.rng) < p
                    } else {
                        self.meets_threshold(v)
                    };
                    if joins {
                        self.status[v as usize] = Status::Pending;
                        if let Some(p) = &mut self.proof {
                            p.settle(v);
                        }
                        joining.push(v);
                    }
                }
                Status::Following if self.leaves(v) => {
                    // Marked as on their way out, so a neighbour leaving before them this
                    // tick does not put them on the leaving list a second time.
                    self.state_mut().stay_at[v as usize] = f64::NEG_INFINITY;
                    leaving.push(v);
                }
                _ => {}
            }
        }
        (joining, leaving)
    }

    /// Asynchronous: everyone, in a fresh random order, decides on the state as it is.
    fn sweep_movement(&mut self) -> (u32, u32) {
        use rand::seq::SliceRandom;
        let mut order: Vec<u32> = (0..self.status.len() as u32)
            .filter(|&v| {
                matches!(
                    self.status[v as usize],
                    Status::Watching | Status::Following
                )
            })
            .collect();
        order.shuffle(&mut self.rng);
        self.carried.clear();
        self.state_mut().leaving.clear();
        let d = &self.prep.dynamics;
        let (rule, spontaneous) = (d.rule.kind(), d.spontaneous);
        let (mut joined, mut left) = (0, 0);
        for v in order {
            match self.status[v as usize] {
                Status::Watching | Status::Pending => {
                    let decides = match rule {
                        RuleKind::Logit | RuleKind::Hazard => {
                            unit_f64(&mut self.rng) < self.join_probability(v)
                        }
                        _ => self.meets_threshold(v),
                    };
                    let courage = spontaneous > 0.0
                        && rule != RuleKind::Hazard
                        && self.trusts_enough(v)
                        && unit_f64(&mut self.rng) < spontaneous;
                    if decides || courage {
                        self.status[v as usize] = Status::Pending;
                        self.join(v);
                        joined += 1;
                    }
                }
                Status::Following if self.leaves(v) => {
                    self.leave(v);
                    left += 1;
                }
                _ => {}
            }
        }
        self.settle_first_follower();
        // Decisions were made on the live state; the next sweep looks at everyone again.
        self.carried.clear();
        for v in 0..self.status.len() {
            if self.status[v] == Status::Pending {
                self.status[v] = Status::Watching;
            }
        }
        (joined, left)
    }

    /// Scripted and drawn leader events of this tick; returns whether trust changed.
    fn leader_events(&mut self) -> bool {
        let Some(trust) = self.prep.movement.trust.clone() else {
            return false;
        };
        let mut kinds = Vec::new();
        {
            let tick = self.tick;
            let m = self.state_mut();
            while m.next_scripted < m.scripted.len() && m.scripted[m.next_scripted].0 <= tick {
                kinds.push(m.scripted[m.next_scripted].1);
                m.next_scripted += 1;
            }
        }
        if self.leaders_dancing == 0 {
            // A leader who has quit makes no more promises.
            return false;
        }
        if let Some(l) = &self.prep.movement.leaders
            && l.event_rate > 0.0
            && unit_f64(&mut self.events_rng) < l.event_rate
        {
            let u = unit_f64(&mut self.events_rng);
            let kept = l.character * l.competency;
            let failed = l.character * (1.0 - l.competency);
            kinds.push(if u < kept {
                LeaderEventKind::KeptPromise
            } else if u < kept + failed {
                if unit_f64(&mut self.events_rng) < l.candor {
                    LeaderEventKind::FailureAdmitted
                } else {
                    LeaderEventKind::FailureDenied
                }
            } else {
                LeaderEventKind::CharacterViolation
            });
        }
        for &kind in &kinds {
            self.perceive(&trust, kind);
        }
        !kinds.is_empty()
    }

    /// Everyone who observes the event updates their trust by what they perceive.
    fn perceive(&mut self, trust: &Trust, kind: LeaderEventKind) {
        let before = self.mean_trust().0;
        let mut observers = 0u32;
        let n = self.status.len();
        let mut tau = self.state_mut().trust.take().expect("trust is modelled");
        let (mut sum, mut sum_followers) = (0.0, 0.0);
        for (v, t) in tau.iter_mut().enumerate().take(n) {
            let status = self.status[v];
            if matches!(status, Status::Leading | Status::Quit) {
                continue;
            }
            let following = status == Status::Following;
            let p = if following {
                trust.observe_followers
            } else if self.state().near_leader[v] {
                trust.observe_contacts
            } else {
                trust.observe_crowd
            };
            if unit_f64(&mut self.events_rng) < p {
                observers += 1;
                let e = if trust.perception_noise > 0.0 {
                    let z: f64 = StandardNormal.sample(&mut self.events_rng);
                    trust.perception_noise * z
                } else {
                    0.0
                };
                *t = trust.update(*t, kind, e);
            }
            sum += *t;
            if following {
                sum_followers += *t;
            }
        }
        let m = self.state_mut();
        m.trust = Some(tau);
        m.trust_sum = sum;
        m.trust_sum_followers = sum_followers;
        let after = self.mean_trust().0;
        if self.recording.changes {
            self.record.trust_events.push(TrustEvent {
                tick: self.tick,
                kind,
                observers,
                mean_trust_before: before,
                mean_trust_after: after,
            });
        }
    }

    /// Word of mouth: trust moves toward the mean trust of those one watches; returns whether
    /// any trust moved noticeably.
    fn word_of_mouth(&mut self) -> bool {
        let Some(mu) = self
            .prep
            .movement
            .trust
            .as_ref()
            .map(|t| t.word_of_mouth)
            .filter(|&mu| mu > 0.0)
        else {
            return false;
        };
        let old = self.state_mut().trust.take().expect("trust is modelled");
        let inn = self.prep.graph.in_adjacency();
        let (mut sum, mut sum_followers, mut moved) = (0.0, 0.0, false);
        let mut new = old.clone();
        for v in 0..old.len() {
            let status = self.status[v];
            if matches!(status, Status::Leading | Status::Quit) {
                continue;
            }
            let seen = inn.neighbors(v as u32);
            if !seen.is_empty() {
                let mean = seen.iter().map(|&u| old[u as usize]).sum::<f64>() / seen.len() as f64;
                new[v] = (1.0 - mu) * old[v] + mu * mean;
                moved |= (new[v] - old[v]).abs() > 1e-9;
            }
            sum += new[v];
            if status == Status::Following {
                sum_followers += new[v];
            }
        }
        let m = self.state_mut();
        m.trust = Some(new);
        m.trust_sum = sum;
        m.trust_sum_followers = sum_followers;
        moved
    }
}
