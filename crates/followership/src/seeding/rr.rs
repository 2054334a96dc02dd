//! Reverse-reachable (RR) sets and IMM (Tang, Xiao and Shi, "Influence Maximization in
//! Near-Linear Time: A Martingale Approach", SIGMOD 2015).
//!
//! An RR set is the set of people who would have recruited a uniformly random person `v` in one
//! random world: under the independent cascade, a reverse breadth-first search from `v` that
//! crosses each in-edge `u -> w` with the edge's probability; under the linear threshold model, a
//! reverse random walk from `v` that steps to one in-neighbour chosen with probability
//! proportional to the edge weight (in-weights normalised to one) and stops at a person already
//! visited. The expected final size of a seed set `S` is `n` times the probability that `S`
//! meets a random RR set, so `n * covered / theta` estimates it from `theta` sets.
//!
//! The cascade's sets are drawn by subset sampling ([`Sampler`]; SUBSIM, Guo, Wang, Wei and
//! Chen, SIGMOD 2020): geometric jumps to the next live in-edge when a person's in-edges share
//! one probability (a uniform `p`, or `1 / in-degree` of the recruit), jumps with thinning down
//! in-lists sorted by probability when edge weights are the probabilities; so a weak cascade
//! costs per set about what the set reaches, not the in-degrees of its members.
//!
//! Two ways to choose from the sets: [`imm`] samples IMM's worst-case number of sets; [`opim`]
//! (OPIM-C) doubles two independent collections until instance-specific bounds certify the same
//! guarantee, usually from far fewer sets, within optional time and memory budgets.
//!
//! On cascades each thread walks 16 sets at once, interleaved so that their cache misses
//! overlap, without changing any set.
//!
//! Sets are drawn in batches, one a call of [`RrSets::extend_to`], split among chunks of people
//! that are drawn in parallel with rayon: the batch's sets are shared among the chunks as a
//! multinomial (every set's root uniform over everyone), and each chunk draws its sets' roots and
//! walks from streams named by the seed, a point reserved for RR sets, the batch and the chunk;
//! so the collection, and every choice made from it, depends on the seed and the sizes asked
//! for, not on the number of threads. Roots come in the order of the people, so a root's in-list
//! is read from memory in sequence, not at random.
//!
//! A set that is its root alone (nobody would have recruited them: nine sets in ten on a weak
//! cascade) is not stored but counted, by person; on cascades where in-edges share one
//! probability the chunk tells such a set from the root's in-degree with one random number and
//! walks only the others. The sets of two or more live in one flat array of members with
//! offsets (4 bytes a member, 8 a set), and the inverted index (person -> sets containing
//! them) used by greedy coverage is flat too, over the people it lists (4 bytes an entry, 8 a
//! listed person, 4 a person).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Mutex;

use rand::Rng;
use rand_distr::{Binomial, Distribution as _};
use rayon::prelude::*;

use super::Diffusion;
use crate::graph::Graph;
use crate::model::EdgeProbability;
use crate::prefetch::prefetch;
use crate::random::{Purpose, Stream, StreamFamily, unit_f64};

/// The stream point of the RR sets of IMM's estimation phase.
const POINT_ESTIMATION: u64 = 0x5EED_0001;
/// The stream point of the fresh RR sets of IMM's selection phase.
const POINT_SELECTION: u64 = 0x5EED_0002;
/// The stream point of OPIM-C's selection sets (R1).
const POINT_OPIM_SELECTION: u64 = 0x5EED_0003;
/// The stream point of OPIM-C's validation sets (R2).
const POINT_OPIM_VALIDATION: u64 = 0x5EED_0004;
/// Sets a chunk of people (one parallel task) roots on average, when the batch is large
/// enough: a chunk's walks run 16 at a time, and the last of them with lanes left idle, so a
/// chunk needs many.
const CHUNK_SETS: usize = 2048;
/// The fewest people in a chunk, so that a large batch on a small network is not cut into
/// tasks too small to be worth scheduling.
const CHUNK_PEOPLE: usize = 4096;

/// People per chunk of a batch of `sets` sets among `n` people: enough for [`CHUNK_SETS`] sets
/// a chunk on average, and at least [`CHUNK_PEOPLE`]. It depends on the batch, not on the
/// number of threads, so neither do the sets.
fn chunk_people(n: usize, sets: usize) -> usize {
    let chunks = (sets / CHUNK_SETS).clamp(1, n.div_ceil(CHUNK_PEOPLE).max(1));
    n.div_ceil(chunks).max(1)
}

/// A collection of RR sets: those of two people or more stored flat (set `i` is
/// `members[offsets[i]..offsets[i + 1]]`), those that are their root alone counted by person.
#[derive(Debug, Clone)]
pub struct RrSets {
    members: Vec<u32>,
    offsets: Vec<u64>,
    /// By person, how many sets are that person alone (empty until sets are drawn).
    alone: Vec<u32>,
    /// The sum of `alone`.
    alone_total: usize,
}

impl Default for RrSets {
    fn default() -> Self {
        RrSets::new()
    }
}

impl RrSets {
    /// No sets.
    pub fn new() -> Self {
        RrSets {
            members: Vec::new(),
            offsets: vec![0],
            alone: Vec::new(),
            alone_total: 0,
        }
    }

    /// Number of sets.
    pub fn len(&self) -> usize {
        self.stored() + self.alone_total
    }

    /// Whether there are no sets.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of sets of two people or more (those stored member by member).
    pub fn stored(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The members of stored set `i` (`i < self.stored()`), its root first.
    pub fn stored_set(&self, i: usize) -> &[u32] {
        &self.members[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// How many sets are person `v` alone.
    pub fn alone(&self, v: u32) -> u32 {
        self.alone.get(v as usize).copied().unwrap_or(0)
    }

    /// Calls `f` with every set's members: the stored sets in order, then each person's sets of
    /// themselves alone, person by person.
    pub fn for_each_set(&self, mut f: impl FnMut(&[u32])) {
        for i in 0..self.stored() {
            f(self.stored_set(i));
        }
        for (v, &sets) in self.alone.iter().enumerate() {
            for _ in 0..sets {
                f(&[v as u32]);
            }
        }
    }

    /// Total number of members over all sets.
    pub fn entries(&self) -> usize {
        self.members.len() + self.alone_total
    }

    /// Total number of members over the stored sets.
    pub fn stored_entries(&self) -> usize {
        self.members.len()
    }

    /// Bytes of heap memory held.
    pub fn heap_bytes(&self) -> usize {
        self.stored_bytes() + self.alone.capacity() * 4
    }

    /// Bytes of heap memory the stored sets hold (what doubling the sets doubles).
    fn stored_bytes(&self) -> usize {
        self.members.capacity() * 4 + self.offsets.capacity() * 8
    }

    /// Draws one batch of sets so that there are `target` (nothing on a network of nobody).
    ///
    /// The batch is named by the number of sets before it: the sets depend on the seed, the
    /// point and the sequence of targets, so extending to 300 and then to 1,000 sets gives
    /// other sets (from the same law) than extending to 1,000 at once.
    pub fn extend_to(&mut self, sampler: &Sampler<'_>, seed: u64, point: u64, target: usize) {
        let start = self.len();
        let n = sampler.graph.node_count();
        if target <= start || n == 0 {
            return;
        }
        if self.alone.len() != n {
            debug_assert!(self.alone.is_empty(), "sets of one network at a time");
            self.alone = vec![0; n];
        }
        let batch = StreamFamily::new(seed, point, Purpose::Placement).child(start as u64);
        let people = chunk_people(n, target - start);
        let per_chunk = share_among_chunks(&mut batch.stream(u64::MAX), target - start, n, people);
        let chunks: Vec<Drawn> = per_chunk
            .into_par_iter()
            .enumerate()
            .map_init(
                || sampler.lend_scratch(),
                |lent, (chunk, sets)| {
                    let people = chunk * people..((chunk + 1) * people).min(n);
                    sampler.draw_chunk(&batch, chunk, people, sets, lent.scratch())
                },
            )
            .collect();
        let extra: usize = chunks.iter().map(|drawn| drawn.members.len()).sum();
        let stored: usize = chunks.iter().map(|drawn| drawn.lengths.len()).sum();
        self.members.reserve(extra);
        self.offsets.reserve(stored);
        for drawn in chunks {
            self.members.extend_from_slice(&drawn.members);
            let mut end = *self.offsets.last().expect("offsets start with 0");
            for len in drawn.lengths {
                end += u64::from(len);
                self.offsets.push(end);
            }
            for (v, sets) in drawn.alone {
                self.alone[v as usize] += sets;
                self.alone_total += sets as usize;
            }
        }
    }
}

/// How many of `sets` sets, each rooted at one of `n` people uniformly, are rooted in each chunk
/// of `chunk_people` people: the multinomial, drawn as a binomial a chunk on what is left.
fn share_among_chunks(rng: &mut Stream, sets: usize, n: usize, chunk_people: usize) -> Vec<usize> {
    let (mut sets_left, mut people_left) = (sets as u64, n);
    (0..n.div_ceil(chunk_people))
        .map(|chunk| {
            let people = chunk_people.min(n - chunk * chunk_people);
            let here = if people == people_left {
                sets_left
            } else {
                Binomial::new(sets_left, people as f64 / people_left as f64)
                    .expect("a share of the people left is a probability")
                    .sample(rng)
            };
            sets_left -= here;
            people_left -= people;
            here as usize
        })
        .collect()
}

/// The roots of `sets` sets, each one of `people` drawn uniformly from `rng`, as
/// `(person, sets rooted there)` in the order of the people: counted by person when the sets
/// are many for the people, sorted when they are few (so that a chunk costs what it draws).
fn roots_in_order(
    rng: &mut Stream,
    people: std::ops::Range<usize>,
    sets: usize,
) -> Vec<(u32, u32)> {
    let at = |rng: &mut Stream| (people.start + below(rng, people.len())) as u32;
    if sets >= people.len() / 8 {
        let mut rooted = vec![0u32; people.len()];
        for _ in 0..sets {
            rooted[at(rng) as usize - people.start] += 1;
        }
        (people.start as u32..)
            .zip(rooted)
            .filter(|&(_, sets)| sets > 0)
            .collect()
    } else {
        let mut roots: Vec<u32> = (0..sets).map(|_| at(rng)).collect();
        roots.sort_unstable();
        let mut rooted: Vec<(u32, u32)> = Vec::new();
        for root in roots {
            match rooted.last_mut() {
                Some((last, sets)) if *last == root => *sets += 1,
                _ => rooted.push((root, 1)),
            }
        }
        rooted
    }
}

/// Reverse-reachable sets one thread draws at once, interleaved, on cascades (see
/// [`Sampler::cascade_interleaved`]): enough independent cache misses in flight to keep a
/// core's memory pipeline full (a core tracks one or two dozen), and one bit each in a `u16`
/// mark per person.
const LANES: usize = 16;

/// Per-thread scratch of the sampler: visit marks by epoch for one set at a time, and one bit
/// per lane for interleaved sets (each allocated on first use).
#[derive(Default)]
struct Scratch {
    mark: Vec<u32>,
    epoch: u32,
    lane_marks: Vec<u16>,
}

impl Scratch {
    /// Starts a set among `n` people: marks of earlier sets no longer count.
    fn next_epoch(&mut self, n: usize) {
        if self.mark.len() != n {
            self.mark = vec![0; n];
            self.epoch = 0;
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.mark.fill(0);
            self.epoch = 1;
        }
    }

    /// Marks `v`; whether it was unmarked.
    #[inline]
    fn visit(&mut self, v: u32) -> bool {
        let m = &mut self.mark[v as usize];
        if *m == self.epoch {
            false
        } else {
            *m = self.epoch;
            true
        }
    }
}

/// A [`Scratch`] lent by a [`Sampler`] to one parallel task, given back when dropped.
struct LentScratch<'s> {
    pool: &'s Mutex<Vec<Scratch>>,
    scratch: Option<Scratch>,
}

impl LentScratch<'_> {
    fn scratch(&mut self) -> &mut Scratch {
        self.scratch.get_or_insert_with(Scratch::default)
    }
}

impl Drop for LentScratch<'_> {
    fn drop(&mut self) {
        if let (Some(scratch), Ok(mut pool)) = (self.scratch.take(), self.pool.lock()) {
            pool.push(scratch);
        }
    }
}

/// Draws RR sets of one diffusion model on one network.
///
/// By default the independent cascade is drawn by subset sampling (SUBSIM: Guo, Wang, Wei and
/// Chen, "Influence Maximization Revisited: Efficient Sampling with Bound Tightened", SIGMOD
/// 2020): instead of flipping a coin for every in-edge of every person reached, the sampler
/// jumps straight to the next live in-edge, so a set costs about what it reaches rather than the
/// in-degrees of its members. [`Sampler::plain`] flips every coin; both draw sets from the same
/// distribution (not the same sets for a seed).
pub struct Sampler<'g> {
    graph: &'g Graph,
    model: Diffusion,
    /// Whether the cascade is drawn by subset sampling.
    subset: bool,
    /// Plain sampler, independent cascade with `1 / in-degree`: per-person 53-bit acceptance
    /// thresholds.
    accept: Vec<u64>,
    /// Subset sampler, independent cascade with `1 / in-degree`: the [`jump_scale`] of
    /// `1 / d` by in-degree `d` (by degree rather than by person: the table is small and stays
    /// in cache, so a person's jumps cost no memory access beyond their in-list).
    jump_by_degree: Vec<f64>,
    /// Subset sampler, independent cascade with one probability per person: the chance
    /// `(1 - p)^d` that none of `d` in-edges is live, by `d` (see [`first_gap`]).
    none_live_by_degree: Vec<f64>,
    /// Subset sampler, edge weights as probabilities: every in-list sorted by probability,
    /// highest first.
    sorted: Option<SortedIn>,
    /// Linear threshold on a weighted network: each person's total in-weight.
    in_weight: Vec<f64>,
    /// Scratch given back by finished tasks, for the next batch's: marks by person cost page
    /// faults and zeroing to set up, as much as a small batch's sets on a large network.
    scratch: Mutex<Vec<Scratch>>,
}

/// In-neighbours sorted by edge probability, highest first, on the in-adjacency's offsets;
/// each with its probability beside it, so a candidate edge costs one cache line, not two.
struct SortedIn {
    edges: Vec<SortedEdge>,
}

/// One in-edge of [`SortedIn`].
#[derive(Clone, Copy)]
struct SortedEdge {
    probability: f32,
    source: u32,
}

/// Sets of one batch rooted in one chunk of people: those of two people or more, their members
/// one set after the other and their sizes, and the others as `(person, how many sets are that
/// person alone)` (a person may come more than once), so that a chunk costs what it draws, not
/// its number of people.
#[derive(Default)]
struct Drawn {
    members: Vec<u32>,
    lengths: Vec<u32>,
    alone: Vec<(u32, u32)>,
}

impl Drawn {
    /// Hands on one set, its root first.
    fn push(&mut self, set: &[u32]) {
        if let [root] = set {
            self.alone.push((*root, 1));
        } else {
            self.members.extend_from_slice(set);
            self.lengths.push(set.len() as u32);
        }
    }
}

/// A set to be walked: its root, and where the root's first live in-edge is in its in-list when
/// the chunk has drawn it already (see [`Sampler::draw_chunk`]).
#[derive(Debug, Clone, Copy)]
struct Walk {
    root: u32,
    first: Option<usize>,
}

/// One lane of [`Sampler::cascade_interleaved`]: the walk it is drawing (its index), that
/// walk's stream, and the members reached so far in breadth-first order, `head` being the next
/// whose in-edges are drawn.
#[derive(Default)]
struct Lane {
    walk: Option<usize>,
    rng: Option<Stream>,
    /// The root's first live in-edge, when drawn already.
    first: Option<usize>,
    members: Vec<u32>,
    head: usize,
    /// The positions of the in-list of `members[head]` in the in-adjacency.
    in_list: std::ops::Range<usize>,
}

/// `ln(1 - p)` for a uniform cascade probability `p` (`-inf` for 1, 0 when no edge can be
/// live); 0 for other edge probabilities, which the sampler looks up per person.
fn uniform_ln_miss(p: EdgeProbability) -> f64 {
    match p {
        EdgeProbability::Uniform(p) if p >= 1.0 => f64::NEG_INFINITY,
        EdgeProbability::Uniform(p) if p > 0.0 => (-p).ln_1p(),
        _ => 0.0,
    }
}

/// `p` as a 53-bit acceptance threshold: `accept(rng, t)` is exactly `unit_f64(rng) < p`.
fn acceptance(p: f64) -> u64 {
    (p.clamp(0.0, 1.0) * (1u64 << 53) as f64) as u64
}

#[inline]
fn accept(rng: &mut Stream, threshold: u64) -> bool {
    (rng.next_u64() >> 11) < threshold
}

/// A uniform integer in `0..n` (multiply-shift).
#[inline]
fn below(rng: &mut Stream, n: usize) -> usize {
    ((u128::from(rng.next_u64()) * n as u128) >> 64) as usize
}

/// The number of failures before the next success of independent trials that each succeed
/// with probability `p`, given the [`jump_scale`] of `p`: the geometric law, drawn by
/// inversion as `floor(ln U / ln(1 - p))` with `U` uniform on (0, 1].
#[inline]
fn gap(rng: &mut Stream, scale: f64) -> usize {
    gap_from(unit_open(rng), scale)
}

/// `1 / ln(1 - p)` from `ln_miss = ln(1 - p)`, the factor that turns `ln U` into a geometric
/// gap by a multiplication (a division in the innermost loop costs as much as the logarithm);
/// 0 when no edge can be live (`ln_miss = 0`), and the smallest negative number for `p = 1`
/// (every gap 0), so that 0 means nothing else.
fn jump_scale(ln_miss: f64) -> f64 {
    if ln_miss == 0.0 {
        0.0
    } else if ln_miss == f64::NEG_INFINITY {
        -f64::MIN_POSITIVE
    } else {
        1.0 / ln_miss
    }
}

/// A uniform number in (0, 1] with 53 random bits (`+ 1` keeps it away from 0, whose
/// logarithm is -inf).
#[inline]
fn unit_open(rng: &mut Stream) -> f64 {
    ((rng.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// [`gap`] for the uniform draw `u`, given [`jump_scale`].
#[inline]
fn gap_from(u: f64, scale: f64) -> usize {
    let g = u.ln() * scale;
    // A gap past any in-list ends the walk; the float-to-int cast saturates anyway.
    if g < 1e15 { g as usize } else { usize::MAX }
}

/// The first [`gap`] in an in-list, given also `none_live = (1 - p)^d` for its `d` edges:
/// the same draw (`floor(ln U / ln(1 - p)) >= d` is the event `U <= (1 - p)^d`; in floating
/// point the two can disagree only for `U` within rounding of the boundary), but the common
/// case of no live edge at all, most people on a weak cascade, is told without a logarithm.
#[inline]
fn first_gap(rng: &mut Stream, scale: f64, none_live: f64) -> usize {
    let u = unit_open(rng);
    if u <= none_live {
        usize::MAX
    } else {
        gap_from(u, scale)
    }
}

impl<'g> Sampler<'g> {
    /// A sampler of `model` on `graph`, by subset sampling where it applies.
    pub fn new(graph: &'g Graph, model: Diffusion) -> Self {
        Sampler::build(graph, model, true)
    }

    /// A sampler that flips a coin for every in-edge it looks at: the textbook sampler, kept
    /// as the reference the subset sampler is tested against.
    pub fn plain(graph: &'g Graph, model: Diffusion) -> Self {
        Sampler::build(graph, model, false)
    }

    fn build(graph: &'g Graph, model: Diffusion, subset: bool) -> Self {
        let n = graph.node_count() as u32;
        let inverse = model == Diffusion::IndependentCascade(EdgeProbability::InverseInDegree);
        let accept = if inverse && !subset {
            (0..n)
                .map(|v| match graph.in_degree(v) {
                    0 => 0,
                    d => acceptance(1.0 / d as f64),
                })
                .collect()
        } else {
            Vec::new()
        };
        let equal = matches!(
            model,
            Diffusion::IndependentCascade(
                EdgeProbability::InverseInDegree | EdgeProbability::Uniform(_)
            )
        );
        let most = if equal && subset {
            (0..n).map(|v| graph.in_degree(v)).max().unwrap_or(0)
        } else {
            0
        };
        // `ln(1 - p)` of a person with `d` in-edges.
        let ln_miss = |d: usize| match model {
            Diffusion::IndependentCascade(EdgeProbability::InverseInDegree) if d > 0 => {
                (-1.0 / d as f64).ln_1p()
            }
            Diffusion::IndependentCascade(p) => uniform_ln_miss(p),
            Diffusion::LinearThreshold => 0.0,
        };
        let jump_by_degree: Vec<f64> = if inverse && subset {
            (0..=most).map(|d| jump_scale(ln_miss(d))).collect()
        } else {
            Vec::new()
        };
        let none_live_by_degree = if equal && subset {
            (0..=most)
                .map(|d| {
                    if d == 0 {
                        1.0
                    } else {
                        (d as f64 * ln_miss(d)).exp()
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        let sorted = match model {
            Diffusion::IndependentCascade(EdgeProbability::Weight) if subset => {
                Some(sort_in_lists(graph))
            }
            _ => None,
        };
        let in_weight = match (model, graph.in_adjacency().all_weights()) {
            (Diffusion::LinearThreshold, Some(_)) => (0..n)
                .map(|v| {
                    graph
                        .in_adjacency()
                        .weights(v)
                        .map_or(0.0, |w| w.iter().map(|&x| f64::from(x)).sum())
                })
                .collect(),
            _ => Vec::new(),
        };
        Sampler {
            graph,
            model,
            subset,
            accept,
            jump_by_degree,
            none_live_by_degree,
            sorted,
            in_weight,
            scratch: Mutex::new(Vec::new()),
        }
    }

    /// Scratch for one parallel task, given back to the sampler when the task is done.
    fn lend_scratch(&self) -> LentScratch<'_> {
        let scratch = self.scratch.lock().ok().and_then(|mut pool| pool.pop());
        LentScratch {
            pool: &self.scratch,
            scratch,
        }
    }

    /// Bytes of heap memory the sampler's tables hold.
    pub fn heap_bytes(&self) -> usize {
        self.accept.capacity() * 8
            + self.jump_by_degree.capacity() * 8
            + self.none_live_by_degree.capacity() * 8
            + self.in_weight.capacity() * 8
            + self
                .sorted
                .as_ref()
                .map_or(0, |s| s.edges.capacity() * size_of::<SortedEdge>())
    }

    /// The sets of `batch` rooted in chunk `chunk`, the `people`, `sets` of them.
    ///
    /// The chunk's stream draws every set's root among its people (uniformly) and, on cascades
    /// where a person's in-edges share one probability, whether the root has a live in-edge at
    /// all and where the first one is: a set without is its root alone, told from the root's
    /// in-degree with one random number and no walk. The other sets are walked, walk `w` from
    /// stream `w` of `batch.child(chunk)`.
    fn draw_chunk(
        &self,
        batch: &StreamFamily,
        chunk: usize,
        people: std::ops::Range<usize>,
        sets: usize,
        scratch: &mut Scratch,
    ) -> Drawn {
        let mut drawn = Drawn::default();
        let mut rng = batch.stream(chunk as u64);
        let rooted = roots_in_order(&mut rng, people, sets);
        let mut walks = Vec::new();
        match self.model {
            Diffusion::IndependentCascade(p) if self.subset && self.sorted.is_none() => {
                let uniform_jump = jump_scale(uniform_ln_miss(p));
                for &(root, sets) in &rooted {
                    let d = self.graph.in_degree(root);
                    let jump = self.jump(p, uniform_jump, d);
                    if jump == 0.0 {
                        drawn.alone.push((root, sets));
                        continue;
                    }
                    let none_live = self.none_live_by_degree[d];
                    let mut alone = 0;
                    for _ in 0..sets {
                        match first_gap(&mut rng, jump, none_live) {
                            first if first < d => walks.push(Walk {
                                root,
                                first: Some(first),
                            }),
                            _ => alone += 1,
                        }
                    }
                    if alone > 0 {
                        drawn.alone.push((root, alone));
                    }
                }
            }
            _ => {
                for &(root, sets) in &rooted {
                    let walk = Walk { root, first: None };
                    walks.extend(std::iter::repeat_n(walk, sets as usize));
                }
            }
        }
        let family = batch.child(chunk as u64);
        match self.model {
            Diffusion::IndependentCascade(p) if self.subset => {
                self.cascade_interleaved(p, &family, &walks, scratch, &mut drawn);
            }
            _ => {
                let mut set = Vec::new();
                for (w, &walk) in walks.iter().enumerate() {
                    set.clear();
                    self.sample(walk, &mut family.stream(w as u64), scratch, &mut set);
                    drawn.push(&set);
                }
            }
        }
        drawn
    }

    /// The [`jump_scale`] of the in-edges of a person with `in_degree` of them under the
    /// independent cascade `p` with one probability per person (`uniform_jump` being that of a
    /// uniform `p`); 0 when none can be live.
    #[inline]
    fn jump(&self, p: EdgeProbability, uniform_jump: f64, in_degree: usize) -> f64 {
        match p {
            EdgeProbability::InverseInDegree => self.jump_by_degree[in_degree],
            _ => uniform_jump,
        }
    }

    /// The sets of `walks`, walk `w` drawn from `family`'s stream `w`, handed on to `drawn` in
    /// order: the same sets, drawn the same way from the same streams, as
    /// [`Sampler::cascade_subset`] one after the other, but [`LANES`] of them at once.
    ///
    /// One set's walk is a chain of cache misses (where the person's in-list is, an in-neighbour
    /// in it, whether that neighbour was reached; with edge weights, the in-list's
    /// probabilities too), each waiting for the one before; a set
    /// reaches a dozen people on a weighted cascade, so a thread drawing sets one by one spends
    /// nearly all its time waiting on memory. Here every lane takes one step of its own walk
    /// per round, in phases, and each phase first asks for the memory of all lanes' next step
    /// ([`prefetch`]) and then uses it, so the misses of the lanes overlap. Each lane keeps its
    /// own stream and breadth-first order, so a set's members, and their order, are exactly
    /// those of the one-by-one walk; finished sets are put back in order.
    fn cascade_interleaved(
        &self,
        p: EdgeProbability,
        family: &StreamFamily,
        walks: &[Walk],
        scratch: &mut Scratch,
        drawn: &mut Drawn,
    ) {
        let uniform_jump = jump_scale(uniform_ln_miss(p));
        let offsets = self.graph.in_adjacency().offsets();
        let n = self.graph.node_count();
        if scratch.lane_marks.len() != n {
            scratch.lane_marks = vec![0; n];
        }
        let marks = &mut scratch.lane_marks;
        // Walks that finished before a walk with a lower index: `(start in pool, size)` by walk.
        // Sets are handed on in order as soon as they can be, so the pool holds only those
        // waiting, and is emptied whenever none are.
        let mut pool: Vec<u32> = Vec::new();
        let mut placed: Vec<Option<(usize, u32)>> = vec![None; walks.len()];
        let (mut handed_on, mut waiting) = (0usize, 0usize);
        let mut lanes: Vec<Lane> = (0..LANES).map(|_| Lane::default()).collect();
        // Live in-edges found this round: (lane, position of the edge), the position replaced
        // by the edge's source in phase 4.
        let mut found: Vec<(usize, usize)> = Vec::new();
        let mut next = 0;
        loop {
            for lane in lanes.iter_mut() {
                if lane.walk.is_none() && next < walks.len() {
                    let Walk { root, first } = walks[next];
                    // The root is marked when its in-edges are drawn, once this is in cache.
                    prefetch(marks, root as usize);
                    lane.members.clear();
                    lane.members.push(root);
                    lane.head = 0;
                    lane.first = first;
                    lane.rng = Some(family.stream(next as u64));
                    lane.walk = Some(next);
                    next += 1;
                }
            }
            if lanes.iter().all(|lane| lane.walk.is_none()) {
                break;
            }
            // Phase 1: where each lane's next person's in-list is.
            for lane in lanes.iter().filter(|lane| lane.walk.is_some()) {
                let w = lane.members[lane.head] as usize;
                prefetch(offsets, w);
                prefetch(offsets, w + 1);
            }
            // Phase 2: the in-list itself, when its probabilities are to be read.
            for lane in lanes.iter_mut().filter(|lane| lane.walk.is_some()) {
                let w = lane.members[lane.head] as usize;
                lane.in_list = offsets[w] as usize..offsets[w + 1] as usize;
                if let Some(sorted) = &self.sorted {
                    prefetch(&sorted.edges, lane.in_list.start);
                }
            }
            // Phase 3: the live in-edges of that person.
            found.clear();
            for (l, lane) in lanes.iter_mut().enumerate() {
                let Some(rng) = lane.rng.as_mut().filter(|_| lane.walk.is_some()) else {
                    continue;
                };
                let first = if lane.head == 0 {
                    marks[lane.members[0] as usize] |= 1 << l;
                    lane.first
                } else {
                    None
                };
                lane.head += 1;
                let in_list = lane.in_list.clone();
                self.live_in_edges(p, uniform_jump, in_list, first, rng, |edge| {
                    self.prefetch_source(edge);
                    found.push((l, edge));
                });
            }
            // Phase 4: who is at the other end of each live edge.
            for (_, edge) in found.iter_mut() {
                *edge = self.source(*edge) as usize;
                prefetch(marks, *edge);
            }
            // Phase 5: whether the lane has reached them already.
            for &(l, u) in &found {
                if marks[u] & (1 << l) == 0 {
                    marks[u] |= 1 << l;
                    lanes[l].members.push(u as u32);
                }
            }
            for (l, lane) in lanes.iter_mut().enumerate() {
                if let Some(walk) = lane.walk.filter(|_| lane.head == lane.members.len()) {
                    for &u in &lane.members {
                        marks[u as usize] &= !(1 << l);
                    }
                    if walk == handed_on {
                        drawn.push(&lane.members);
                        handed_on += 1;
                    } else {
                        placed[walk] = Some((pool.len(), lane.members.len() as u32));
                        pool.extend_from_slice(&lane.members);
                        waiting += 1;
                    }
                    lane.walk = None;
                }
            }
            while let Some(&Some((start, len))) = placed.get(handed_on) {
                drawn.push(&pool[start..start + len as usize]);
                handed_on += 1;
                waiting -= 1;
            }
            if waiting == 0 {
                pool.clear();
            }
        }
    }

    /// Appends the RR set of `walk`, drawn from `rng`, to `out`.
    fn sample(&self, walk: Walk, rng: &mut Stream, scratch: &mut Scratch, out: &mut Vec<u32>) {
        scratch.next_epoch(self.graph.node_count());
        let root = walk.root;
        scratch.visit(root);
        out.push(root);
        match self.model {
            Diffusion::IndependentCascade(p) if self.subset => {
                self.cascade_subset(p, walk.first, rng, scratch, out)
            }
            Diffusion::IndependentCascade(p) => self.cascade_plain(p, rng, scratch, out),
            Diffusion::LinearThreshold => self.threshold_walk(root, rng, scratch, out),
        }
    }

    /// Reverse cascade by subset sampling: per person reached, the live in-edges are found by
    /// geometric jumps (equal probabilities) or jumps with thinning down a sorted list; `first`
    /// is where the root's first live in-edge is, when drawn already.
    fn cascade_subset(
        &self,
        p: EdgeProbability,
        mut first: Option<usize>,
        rng: &mut Stream,
        scratch: &mut Scratch,
        out: &mut Vec<u32>,
    ) {
        let offsets = self.graph.in_adjacency().offsets();
        let uniform_jump = jump_scale(uniform_ln_miss(p));
        let mut head = out.len() - 1;
        while head < out.len() {
            let w = out[head] as usize;
            head += 1;
            let in_list = offsets[w] as usize..offsets[w + 1] as usize;
            self.live_in_edges(p, uniform_jump, in_list, first.take(), rng, |edge| {
                let u = self.source(edge);
                if scratch.visit(u) {
                    out.push(u);
                }
            });
        }
    }

    /// The in-neighbour at position `edge` of the in-lists the subset sampler walks (on the
    /// in-adjacency's offsets): sorted by probability when edge weights are the
    /// probabilities, as stored otherwise.
    #[inline]
    fn source(&self, edge: usize) -> u32 {
        match &self.sorted {
            Some(sorted) => sorted.edges[edge].source,
            None => self.graph.in_adjacency().targets()[edge],
        }
    }

    /// Asks for the memory [`Sampler::source`] of `edge` will read.
    #[inline]
    fn prefetch_source(&self, edge: usize) {
        match &self.sorted {
            Some(sorted) => prefetch(&sorted.edges, edge),
            None => prefetch(self.graph.in_adjacency().targets(), edge),
        }
    }

    /// Calls `live` with the position (see [`Sampler::source`]) of each live edge of the
    /// in-list `in_list`, in list order, drawing from `rng`; `first` is the first live edge's
    /// place in the list when drawn already (equal probabilities only).
    ///
    /// Equal probabilities: geometric jumps from one live edge to the next. Edge weights as
    /// probabilities: jumps with thinning down the list sorted by probability; candidates come
    /// at rate `bound` (the probability of the last candidate, at least that of every edge
    /// after it, as the list is sorted), and a candidate at `j` is live with probability
    /// `prob[j] / bound`; so every edge is live with its own probability, independently, and
    /// the work is about the number of candidates rather than the in-degree.
    #[inline]
    fn live_in_edges(
        &self,
        p: EdgeProbability,
        uniform_jump: f64,
        in_list: std::ops::Range<usize>,
        first: Option<usize>,
        rng: &mut Stream,
        mut live: impl FnMut(usize),
    ) {
        let (a, d) = (in_list.start, in_list.len());
        if let Some(sorted) = &self.sorted {
            debug_assert!(first.is_none(), "drawn down the sorted list only");
            let list = &sorted.edges[in_list];
            let mut j = 0usize;
            let mut bound = match list.first() {
                Some(edge) => f64::from(edge.probability),
                None => return,
            };
            // The jump scale of `bound`, worked out again only when the bound changes (a few
            // times a list when weights take few values): two logarithms a candidate cost as
            // much as the rest of the walk.
            let mut scale = jump_scale((-bound).ln_1p());
            while bound > 0.0 {
                if bound < 1.0 {
                    j = j.saturating_add(gap(rng, scale));
                }
                if j >= d {
                    break;
                }
                let q = f64::from(list[j].probability);
                if q >= bound || unit_f64(rng) * bound < q {
                    live(a + j);
                }
                if q != bound {
                    bound = q;
                    scale = jump_scale((-bound).ln_1p());
                }
                j += 1;
            }
            return;
        }
        let jump = self.jump(p, uniform_jump, d);
        if jump == 0.0 {
            // Probability 0 (or nobody to come from).
            return;
        }
        let mut j = first.unwrap_or_else(|| first_gap(rng, jump, self.none_live_by_degree[d]));
        while j < d {
            live(a + j);
            j = j.saturating_add(1).saturating_add(gap(rng, jump));
        }
    }

    /// Reverse cascade with one coin per in-edge to a person not yet reached.
    fn cascade_plain(
        &self,
        p: EdgeProbability,
        rng: &mut Stream,
        scratch: &mut Scratch,
        out: &mut Vec<u32>,
    ) {
        let inn = self.graph.in_adjacency();
        let uniform = match p {
            EdgeProbability::Uniform(p) => acceptance(p),
            _ => 0,
        };
        let mut head = out.len() - 1;
        while head < out.len() {
            let w = out[head];
            head += 1;
            let weights = inn.weights(w);
            for (j, &u) in inn.neighbors(w).iter().enumerate() {
                if scratch.mark[u as usize] == scratch.epoch {
                    continue;
                }
                let live = match p {
                    EdgeProbability::Uniform(_) => accept(rng, uniform),
                    EdgeProbability::InverseInDegree => accept(rng, self.accept[w as usize]),
                    EdgeProbability::Weight => {
                        let q = weights.map_or(1.0, |ws| f64::from(ws[j]));
                        unit_f64(rng) < q
                    }
                };
                if live {
                    scratch.visit(u);
                    out.push(u);
                }
            }
        }
    }

    /// Reverse random walk of the linear threshold model (already as cheap as what it reaches).
    fn threshold_walk(
        &self,
        root: u32,
        rng: &mut Stream,
        scratch: &mut Scratch,
        out: &mut Vec<u32>,
    ) {
        let inn = self.graph.in_adjacency();
        let mut w = root;
        loop {
            let nbrs = inn.neighbors(w);
            if nbrs.is_empty() {
                break;
            }
            let u = match inn.weights(w) {
                None => nbrs[below(rng, nbrs.len())],
                Some(ws) => {
                    let total = self.in_weight[w as usize];
                    if total <= 0.0 {
                        break;
                    }
                    let mut x = unit_f64(rng) * total;
                    let mut pick = nbrs[nbrs.len() - 1];
                    for (&u, &wt) in nbrs.iter().zip(ws) {
                        x -= f64::from(wt);
                        if x < 0.0 {
                            pick = u;
                            break;
                        }
                    }
                    pick
                }
            };
            if !scratch.visit(u) {
                break;
            }
            out.push(u);
            w = u;
        }
    }
}

/// Every in-list of `graph` sorted by edge probability (the weight clamped to [0, 1]; 1 when
/// unweighted), highest first; ties keep the adjacency's order so the table is deterministic.
fn sort_in_lists(graph: &Graph) -> SortedIn {
    let inn = graph.in_adjacency();
    let n = graph.node_count() as u32;
    let mut edges = Vec::with_capacity(inn.targets().len());
    let mut order: Vec<(f32, u32)> = Vec::new();
    for v in 0..n {
        order.clear();
        let nbrs = inn.neighbors(v);
        match inn.weights(v) {
            Some(ws) => order.extend(ws.iter().zip(nbrs).map(|(&w, &u)| (w.clamp(0.0, 1.0), u))),
            None => order.extend(nbrs.iter().map(|&u| (1.0, u))),
        }
        order.sort_by(|a, b| b.0.total_cmp(&a.0));
        edges.extend(order.iter().map(|&(probability, source)| SortedEdge {
            probability,
            source,
        }));
    }
    SortedIn { edges }
}

/// Greedy maximum coverage of `sets` by `k` of `n` people: returns the people in the order
/// chosen and how many sets they cover. Ties go to the lower id; once nothing more can be
/// covered, the remaining picks are the lowest unchosen ids.
///
/// The inverted index (person -> sets) is built flat: one array of set ids with per-person
/// offsets; picks come from a lazy max-heap of coverage counts.
pub fn max_coverage(sets: &RrSets, n: usize, k: usize) -> (Vec<u32>, usize) {
    let g = greedy(sets, n, k, false);
    (g.seeds, g.covered)
}

/// What greedy coverage found.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// The people chosen, in order.
    pub seeds: Vec<u32>,
    /// How many sets they cover.
    pub covered: usize,
    /// An upper bound on the number of sets any `k` people cover (when asked for): the least
    /// of `covered / (1 - 1/e)` and, after every pick `i`, the sets covered by the first `i`
    /// picks plus the `k` largest marginal coverages then (Tang, Tang, Xiao and Yuan 2018,
    /// Lemma 6.1: by submodularity the optimum covers no more).
    pub upper: f64,
}

/// Bytes the inverted index and counts of [`greedy`] take for `entries` members among `n`
/// people and `sets` sets (what a memory budget must leave room for).
pub fn greedy_bytes(entries: usize, n: usize, sets: usize) -> usize {
    // Per person at most: the count, the index's slot, the heap entry and the candidate list.
    entries * 4 + n * (4 + 4 + 8 + 4) + sets
}

/// Greedy maximum coverage with, if `bound`, the instance-specific upper bound of
/// [`Coverage::upper`]. The picks are those of [`max_coverage`] either way.
pub fn greedy(sets: &RrSets, n: usize, k: usize, bound: bool) -> Coverage {
    // The stored sets not yet covered that contain each person; a person's gain also counts
    // the sets that are them alone, which only they cover.
    let mut count = vec![0u32; n];
    for &v in &sets.members {
        count[v as usize] += 1;
    }
    let gain = |count: &[u32], v: u32| count[v as usize] + sets.alone(v);
    // Only people in some set can be picked for what they cover, so only they enter the heap
    // and the index: on a large network and few sets (OPIM-C's first rounds) the greedy then
    // costs what the sets hold, not the number of people.
    let candidates: Vec<u32> = (0..n as u32).filter(|&v| gain(&count, v) > 0).collect();
    // Only people who may be picked need their sets listed: the index covers those whose gain
    // is among the `INDEXED_PER_PICK * k` highest (ties included), and is rebuilt for every
    // candidate the first time a pick falls outside it, which keeps the picks those of a full
    // index. Building the index is a random write per member, the greedy's largest cost by far
    // when there are many small sets (a weak cascade), where the candidates hold a small share.
    let mut covered_set = vec![false; sets.stored()];
    let first = strongest(
        &candidates,
        |v| gain(&count, v),
        k.saturating_mul(INDEXED_PER_PICK),
    );
    let mut index = SetIndex::build(sets, &covered_set, &count, &first);
    drop(first);
    let mut seeds = Vec::with_capacity(k);
    let mut covered = 0usize;
    let mut upper = f64::INFINITY;
    // Lazy greedy: gains only fall, so a heap entry is an upper bound of its person's gain;
    // the top entry is the pick when its bound is still exact, otherwise it goes back with its
    // present gain. The order (gain, then lower id) is the plain scan's, so the picks are too,
    // at O(log n) a pick instead of O(n).
    let mut heap: BinaryHeap<(u32, Reverse<u32>)> = candidates
        .iter()
        .map(|&v| (gain(&count, v), Reverse(v)))
        .collect();
    let want = if bound { k } else { 1 };
    let mut fresh: Vec<(u32, Reverse<u32>)> = Vec::with_capacity(want);
    loop {
        // The `want` largest present gains, best first: popped until that many are exact
        // (a stale entry goes back with its present gain).
        fresh.clear();
        while fresh.len() < want {
            let Some((c, Reverse(v))) = heap.pop() else {
                break;
            };
            if c != gain(&count, v) {
                heap.push((gain(&count, v), Reverse(v)));
            } else {
                fresh.push((c, Reverse(v)));
            }
        }
        if bound {
            let top: u64 = fresh.iter().map(|&(c, _)| u64::from(c)).sum();
            upper = upper.min((covered as u64 + top) as f64);
        }
        if seeds.len() >= k.min(n) {
            break;
        }
        let v = match fresh.first() {
            Some(&(c, Reverse(v))) if c > 0 => v,
            _ => {
                // Nobody covers anything more: the lowest ids not chosen, as a scan picks them.
                let mut chosen = vec![false; n];
                for &s in &seeds {
                    chosen[s as usize] = true;
                }
                let rest = k.min(n) - seeds.len();
                seeds.extend((0..n as u32).filter(|&u| !chosen[u as usize]).take(rest));
                break;
            }
        };
        heap.extend(fresh.drain(1..));
        seeds.push(v);
        covered += sets.alone(v) as usize;
        if !index.lists(v) {
            // The old index goes first, so the two are never held at once.
            drop(std::mem::take(&mut index));
            let left: Vec<u32> = candidates
                .iter()
                .copied()
                .filter(|&u| gain(&count, u) > 0)
                .collect();
            index = SetIndex::build(sets, &covered_set, &count, &left);
        }
        for &s in index.sets_of(v) {
            if !covered_set[s as usize] {
                covered_set[s as usize] = true;
                covered += 1;
                for &u in sets.stored_set(s as usize) {
                    count[u as usize] -= 1;
                }
            }
        }
    }
    let e1 = 1.0 - (-1f64).exp();
    if bound {
        upper = upper.min(covered as f64 / e1);
    }
    Coverage {
        seeds,
        covered,
        upper,
    }
}

/// How many people per pick [`greedy`] lists the sets of at first.
const INDEXED_PER_PICK: usize = 8;

/// Those of `people` (in increasing order) whose `gain` is among the `listed` highest, ties
/// included, in the same order; all of them when they are no more than `listed`.
fn strongest(people: &[u32], gain: impl Fn(u32) -> u32, listed: usize) -> Vec<u32> {
    if listed >= people.len() {
        return people.to_vec();
    }
    let mut order: Vec<u32> = people.iter().map(|&v| gain(v)).collect();
    let (_, &mut cut, _) = order.select_nth_unstable_by(listed, |a, b| b.cmp(a));
    let least = cut.max(1);
    people
        .iter()
        .copied()
        .filter(|&v| gain(v) >= least)
        .collect()
}

/// The inverted index of [`greedy`]: for the people it lists, the stored sets containing them,
/// flat (one array of set ids with offsets by slot, a listed person's slot by person).
#[derive(Default)]
struct SetIndex {
    /// By person, 1 + their slot if listed, 0 if not.
    slot: Vec<u32>,
    /// Where each slot's sets start in `sets`, and where the last one's end.
    offsets: Vec<u64>,
    sets: Vec<u32>,
}

impl SetIndex {
    /// The index, over the stored sets not yet `covered`, of `people` (in increasing order),
    /// each in `count` of those sets.
    fn build(sets: &RrSets, covered: &[bool], count: &[u32], people: &[u32]) -> SetIndex {
        // Zeroed pages cost nothing until written, so only the listed people's are touched.
        let mut slot = vec![0u32; count.len()];
        let mut offsets = Vec::with_capacity(people.len() + 1);
        let mut acc = 0u64;
        offsets.push(0u64);
        for (i, &v) in people.iter().enumerate() {
            slot[v as usize] = i as u32 + 1;
            acc += u64::from(count[v as usize]);
            offsets.push(acc);
        }
        let mut fill: Vec<u64> = offsets[..people.len()].to_vec();
        let mut index = vec![0u32; acc as usize];
        for s in (0..sets.stored()).filter(|&s| !covered[s]) {
            for &v in sets.stored_set(s) {
                if let Some(i) = slot[v as usize].checked_sub(1) {
                    index[fill[i as usize] as usize] = s as u32;
                    fill[i as usize] += 1;
                }
            }
        }
        SetIndex {
            slot,
            offsets,
            sets: index,
        }
    }

    /// Whether the sets of `v` are listed.
    fn lists(&self, v: u32) -> bool {
        self.slot.get(v as usize).is_some_and(|&i| i > 0)
    }

    /// The sets containing `v`, if listed (empty otherwise).
    fn sets_of(&self, v: u32) -> &[u32] {
        match self.slot.get(v as usize).and_then(|&i| i.checked_sub(1)) {
            Some(i) => {
                let i = i as usize;
                &self.sets[self.offsets[i] as usize..self.offsets[i + 1] as usize]
            }
            None => &[],
        }
    }
}

/// What IMM chose and measured.
#[derive(Debug, Clone)]
pub struct ImmResult {
    /// The chosen people, in the order chosen.
    pub seeds: Vec<u32>,
    /// Estimated expected final size: `n * covered / theta` on the selection sets.
    pub estimate: f64,
    /// Number of RR sets of the selection phase (theta).
    pub rr_sets: usize,
    /// Number of RR sets sampled in all, the estimation phase's included.
    pub sampled: usize,
    /// Members over all selection sets.
    pub rr_entries: usize,
    /// Lower bound on the optimum found by the estimation phase.
    pub lower_bound: f64,
}

/// `ln C(n, k)`.
fn ln_choose(n: usize, k: usize) -> f64 {
    let k = k.min(n - k);
    (0..k)
        .map(|i| ((n - i) as f64).ln() - ((i + 1) as f64).ln())
        .sum()
}

/// IMM: `k` seeds whose expected spread is at least `(1 - 1/e - epsilon)` of the optimum with
/// probability at least `1 - 1/n^ell`.
///
/// The estimation phase follows Algorithm 2 of the paper (with `l` raised to
/// `l (1 + ln 2 / ln n)` as in its Section 3.2): for `i = 1, 2, ...`, `x = n / 2^i`, sample up to
/// `lambda' / x` sets and stop when greedy coverage shows `n F(S) >= (1 + eps') x`, giving
/// `LB = n F(S) / (1 + eps')`. The selection phase samples `theta = lambda* / LB` sets. Following
/// Chen (2018, "An issue in the martingale analysis of the influence maximization algorithm
/// IMM"), they are fresh sets, independent of the estimation phase, so the guarantee holds as
/// stated.
pub fn imm(
    graph: &Graph,
    model: Diffusion,
    k: usize,
    epsilon: f64,
    ell: f64,
    seed: u64,
) -> ImmResult {
    let n = graph.node_count();
    let k = k.min(n);
    let sampler = Sampler::new(graph, model);
    if n <= 1 || k == n {
        // Nothing to choose: everyone is a seed.
        let mut sets = RrSets::new();
        sets.extend_to(&sampler, seed, POINT_SELECTION, 1);
        return ImmResult {
            seeds: (0..n as u32).collect(),
            estimate: n as f64,
            rr_sets: sets.len(),
            sampled: sets.len(),
            rr_entries: sets.entries(),
            lower_bound: n as f64,
        };
    }
    let nf = n as f64;
    let ln_n = nf.ln();
    let ell = ell * (1.0 + 2f64.ln() / ln_n);
    let lcnk = ln_choose(n, k);
    let eps_p = 2f64.sqrt() * epsilon;
    let log2n = nf.log2();
    let lambda_p = (2.0 + 2.0 / 3.0 * eps_p) * (lcnk + ell * ln_n + log2n.ln().max(0.0)) * nf
        / (eps_p * eps_p);
    let e1 = 1.0 - 1.0 / std::f64::consts::E;
    let alpha = (ell * ln_n + 2f64.ln()).sqrt();
    let beta = (e1 * (lcnk + ell * ln_n + 2f64.ln())).sqrt();
    let lambda_star = 2.0 * nf * (e1 * alpha + beta).powi(2) / (epsilon * epsilon);

    let mut lb = 1.0f64;
    let mut sets = RrSets::new();
    let rounds = (log2n - 1.0).ceil().max(1.0) as u32;
    for i in 1..=rounds {
        let x = nf / 2f64.powi(i as i32);
        let theta_i = (lambda_p / x).ceil() as usize;
        sets.extend_to(&sampler, seed, POINT_ESTIMATION, theta_i);
        let (_, covered) = max_coverage(&sets, n, k);
        let spread = nf * covered as f64 / sets.len() as f64;
        if spread >= (1.0 + eps_p) * x {
            lb = spread / (1.0 + eps_p);
            break;
        }
    }
    let estimation_sets = sets.len();
    drop(sets);
    let theta = (lambda_star / lb).ceil() as usize;
    let mut sets = RrSets::new();
    sets.extend_to(&sampler, seed, POINT_SELECTION, theta.max(1));
    let (seeds, covered) = max_coverage(&sets, n, k);
    ImmResult {
        seeds,
        estimate: nf * covered as f64 / sets.len() as f64,
        rr_sets: sets.len(),
        sampled: estimation_sets + sets.len(),
        rr_entries: sets.entries(),
        lower_bound: lb,
    }
}

/// The RR-set estimate `n * covered / theta` of the expected final size of `seeds`, from
/// `theta` fresh sets.
pub fn estimate_spread(
    graph: &Graph,
    model: Diffusion,
    seeds: &[u32],
    theta: usize,
    seed: u64,
) -> f64 {
    let sampler = Sampler::new(graph, model);
    let mut sets = RrSets::new();
    sets.extend_to(&sampler, seed, POINT_SELECTION, theta);
    let covered = coverage_of(&sets, graph.node_count(), seeds);
    graph.node_count() as f64 * covered as f64 / theta as f64
}

/// Limits and accuracy of [`opim`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OpimSettings {
    /// The target: a `(1 - 1/e - epsilon)` approximation.
    pub epsilon: f64,
    /// The guarantee holds with probability at least `1 - delta`.
    pub delta: f64,
    /// Stop sampling once this much time has passed (the round under way finishes), and, once
    /// the target is certified, keep doubling the sets while the next round fits in it.
    pub time_budget: Option<std::time::Duration>,
    /// Do not start a round whose sets and greedy index would take more than this many bytes.
    pub memory_budget: Option<usize>,
    /// Once the target is certified, keep doubling the sets while the seeds they choose still
    /// get measurably better (see [`opim`]): a certificate reached from few sets is a weak
    /// promise about seeds chosen greedily on them, which overfit those few sets.
    pub refine: bool,
}

/// Refining never starts a round whose sets and greedy index would take more than this many
/// bytes, unless a memory budget says otherwise: when every set was stored, past it, on a
/// million people and a weak cascade, doubling bought seeds 0.4% better for 1.1 GB instead of
/// 650 MB (docs/benchmarks.md); now that sets of their root alone are only counted, the same
/// case settles at about 250 MB. Certifying the target is not bounded by it.
pub const REFINE_MEMORY: usize = 512 << 20;

/// Why [`opim`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpimStop {
    /// The bounds certified the target approximation.
    Certified,
    /// The target was certified, and then doubling the sets no longer improved the seeds
    /// measurably ([`OpimSettings::refine`]).
    Settled,
    /// The target was certified, and refining stopped at its memory bound ([`REFINE_MEMORY`],
    /// or the memory budget when one is given) while the seeds might still have improved.
    RefineMemory,
    /// The worst-case number of sets was reached (the target then holds by the worst-case
    /// analysis of the paper, whatever the instance bounds say).
    Limit,
    /// The time budget ran out before the target was certified.
    TimeBudget,
    /// The next round would not have fitted in the memory budget.
    MemoryBudget,
}

impl OpimStop {
    /// Why sampling stopped, in words (as the command line and the Python package say it).
    pub fn describe(self) -> &'static str {
        match self {
            OpimStop::Certified => "target certified",
            OpimStop::Settled => "target certified, and more sets no longer improved the seeds",
            OpimStop::RefineMemory => {
                "target certified; refining stopped at its memory bound (512 MB unless a \
                 memory budget is given)"
            }
            OpimStop::Limit => "worst-case number of sets reached",
            OpimStop::TimeBudget => "time budget reached",
            OpimStop::MemoryBudget => "memory budget reached",
        }
    }
}

/// Where [`opim`] is, after each round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OpimProgress {
    /// Sets sampled so far (both collections).
    pub sets: usize,
    /// The approximation ratio certified so far (lower bound of the chosen set's spread over
    /// the upper bound of the optimum).
    pub guarantee: f64,
}

/// What [`opim`] chose and measured.
#[derive(Debug, Clone)]
pub struct OpimResult {
    /// The chosen people, in the order chosen.
    pub seeds: Vec<u32>,
    /// Unbiased estimate of their expected final size: `n * covered / theta` on the validation
    /// sets, which did not choose them.
    pub estimate: f64,
    /// Lower bound of their expected final size (probability `1 - delta` over all the bounds).
    pub lower: f64,
    /// Upper bound of the optimum's expected final size.
    pub upper: f64,
    /// The certified approximation ratio `lower / upper`.
    pub guarantee: f64,
    /// Sets sampled in all (both collections).
    pub sampled: usize,
    /// Members over all sets.
    pub entries: usize,
    /// Why sampling stopped.
    pub stop: OpimStop,
}

/// OPIM-C (Tang, Tang, Xiao and Yuan, "Online Processing Algorithms for Influence
/// Maximization", SIGMOD 2018, Algorithm 2 with the bound of Section 6): `k` seeds whose
/// expected spread is at least `(1 - 1/e - epsilon)` of the optimum with probability at least
/// `1 - delta`, usually from far fewer sets than IMM's worst-case count.
///
/// Two independent collections of RR sets, `R1` and `R2`, start at `theta_0` sets each and
/// double every round. Greedy coverage on `R1` chooses `S` and bounds the optimum's coverage
/// from above ([`greedy`]); `S`'s coverage of `R2` bounds its spread from below. With
/// `a = ln(3 i_max / delta)` (the failure probability shared by the bounds of all rounds),
/// `lower = ((sqrt(L2 + 2a/9) - sqrt(a/2))^2 - a/18) n / |R2|` and
/// `upper = (sqrt(U1 + a/2) + sqrt(a/2))^2 n / |R1|`; sampling stops as soon as
/// `lower / upper >= 1 - 1/e - epsilon`, or at `theta_max` sets, the worst-case count.
///
/// With [`OpimSettings::refine`], sampling goes on past the target while the seeds improve:
/// each round's seeds and the previous round's are both measured on the validation sets, and
/// doubling stops once the new seeds cover no significantly more of them (a paired sign test:
/// of the sets exactly one of the two covers, the new seeds' excess is within two standard
/// deviations of a fair split). The certificate holds whenever sampling stops (each round's
/// bounds share the failure probability of all rounds); refining only buys better seeds.
///
/// Each round's sets are a batch of [`RrSets::extend_to`] with streams of their own, so the
/// result depends on the seed only, not on the number of threads, except under a time budget: how many rounds fit in it
/// depends on the machine's speed and load (a memory budget keeps the result deterministic).
/// The budgets make it stop early with whatever ratio is certified by then
/// ([`OpimResult::guarantee`]); `progress` hears every round.
pub fn opim(
    graph: &Graph,
    model: Diffusion,
    k: usize,
    settings: &OpimSettings,
    seed: u64,
    progress: &dyn Fn(OpimProgress),
) -> OpimResult {
    let started = std::time::Instant::now();
    let n = graph.node_count();
    let k = k.min(n);
    let nf = n as f64;
    let sampler = Sampler::new(graph, model);
    let e1 = 1.0 - (-1f64).exp();
    let target = e1 - settings.epsilon;
    let eps = settings.epsilon;
    let ln6 = (6.0 / settings.delta).ln();
    let lcnk = if k < n { ln_choose(n, k) } else { 0.0 };
    let theta_max =
        2.0 * nf * (e1 * ln6.sqrt() + (e1 * (lcnk + ln6)).sqrt()).powi(2) / (eps * eps * k as f64);
    let theta_0 = (theta_max * eps * eps * k as f64 / nf).max(1.0);
    let i_max = (theta_max / theta_0).log2().ceil().max(1.0);
    let a = (3.0 * i_max / settings.delta).ln();
    let mut r1 = RrSets::new();
    let mut r2 = RrSets::new();
    let mut theta = theta_0.ceil() as usize;
    let mut last_round = std::time::Duration::ZERO;
    // The previous round's seeds, to tell whether doubling still improves them.
    let mut previous: Option<Vec<u32>> = None;
    loop {
        let round = std::time::Instant::now();
        r1.extend_to(&sampler, seed, POINT_OPIM_SELECTION, theta);
        r2.extend_to(&sampler, seed, POINT_OPIM_VALIDATION, theta);
        let cover = greedy(&r1, n, k, true);
        let covered2 = coverage_of(&r2, n, &cover.seeds);
        let l2 = covered2 as f64;
        let lower = (((l2 + 2.0 * a / 9.0).sqrt() - (a / 2.0).sqrt()).powi(2) - a / 18.0).max(0.0)
            * nf
            / r2.len() as f64;
        let upper =
            ((cover.upper + a / 2.0).sqrt() + (a / 2.0).sqrt()).powi(2) * nf / r1.len() as f64;
        let upper = upper.min(nf);
        let guarantee = if upper > 0.0 {
            (lower / upper).min(1.0)
        } else {
            1.0
        };
        last_round = last_round.max(round.elapsed());
        progress(OpimProgress {
            sets: r1.len() + r2.len(),
            guarantee,
        });
        let elapsed = started.elapsed();
        // Doubling doubles the stored sets; the counts of sets that are their root alone stay.
        let next_bytes = r1.heap_bytes()
            + r2.heap_bytes()
            + r1.stored_bytes()
            + r2.stored_bytes()
            + greedy_bytes(2 * r1.stored_entries(), n, 2 * r1.stored())
            + sampler.heap_bytes();
        let certified = guarantee >= target;
        // Past the target, a time budget is spent on more sets (better seeds), while the next
        // round (about twice the last) fits in what is left.
        let more_time = settings
            .time_budget
            .is_some_and(|b| elapsed + 2 * last_round <= b);
        // Refining goes on until the seeds' spread is measured to within epsilon / 10 (two
        // standard errors of the validation estimate, relative) and the last doubling did not
        // improve them significantly, or by less than epsilon / 20 of their coverage. Either
        // of the first two alone stops too early: the sign test cannot see a gain of half a
        // per cent on a few thousand sets, and a precise estimate of seeds chosen on too few
        // sets is still the estimate of worse seeds. It also stops at its memory bound.
        let imprecise = l2 < (10.0 / eps).powi(2);
        let capped = next_bytes > settings.memory_budget.unwrap_or(REFINE_MEMORY);
        let improving = settings.refine
            && certified
            && !capped
            && (imprecise
                || previous.as_deref().is_none_or(|p| {
                    significantly_better(&r2, n, &cover.seeds, p, eps / 20.0 * l2)
                }));
        let stop = if theta as f64 >= theta_max {
            Some(if certified {
                OpimStop::Certified
            } else {
                OpimStop::Limit
            })
        } else if settings.time_budget.is_some_and(|b| elapsed >= b) {
            Some(if certified {
                OpimStop::Certified
            } else {
                OpimStop::TimeBudget
            })
        } else if settings.memory_budget.is_some_and(|b| next_bytes > b) {
            Some(if certified {
                OpimStop::Certified
            } else {
                OpimStop::MemoryBudget
            })
        } else if certified && !more_time && !improving {
            Some(if !settings.refine {
                OpimStop::Certified
            } else if capped {
                OpimStop::RefineMemory
            } else {
                OpimStop::Settled
            })
        } else {
            None
        };
        if let Some(stop) = stop {
            return OpimResult {
                seeds: cover.seeds,
                estimate: nf * l2 / r2.len() as f64,
                lower,
                upper,
                guarantee,
                sampled: r1.len() + r2.len(),
                entries: r1.entries() + r2.entries(),
                stop,
            };
        }
        if certified {
            previous = Some(cover.seeds);
        }
        theta = (2 * theta).min(theta_max.ceil() as usize);
    }
}

/// Whether `new` covers significantly and materially more of `sets` than `old`: of the sets
/// exactly one of the two covers, `new`'s share exceeds a half by more than two standard
/// deviations of a fair coin (a paired sign test, sharp because both are measured on the same
/// sets), and `new` covers at least `material` more sets. On millions of sets the sign test
/// alone finds gains too small to be worth doubling the memory for.
fn significantly_better(sets: &RrSets, n: usize, new: &[u32], old: &[u32], material: f64) -> bool {
    let mut mark = vec![0u8; n];
    for &s in new {
        mark[s as usize] |= 1;
    }
    for &s in old {
        mark[s as usize] |= 2;
    }
    let alone_only = |seeds: &[u32], only: u8| -> usize {
        seeds
            .iter()
            .filter(|&&s| mark[s as usize] == only)
            .map(|&s| sets.alone(s) as usize)
            .sum()
    };
    let alone = (alone_only(new, 1), alone_only(old, 2));
    let (only_new, only_old) = (0..sets.stored())
        .into_par_iter()
        .map(|i| {
            let seen = sets
                .stored_set(i)
                .iter()
                .fold(0u8, |m, &v| m | mark[v as usize]);
            match seen {
                1 => (1usize, 0usize),
                2 => (0, 1),
                _ => (0, 0),
            }
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let (only_new, only_old) = (only_new + alone.0, only_old + alone.1);
    let discordant = (only_new + only_old) as f64;
    let gain = only_new as f64 - only_old as f64;
    gain > 2.0 * discordant.sqrt() && gain >= material
}

/// How many of `sets` contain one of `seeds`.
fn coverage_of(sets: &RrSets, n: usize, seeds: &[u32]) -> usize {
    let mut is_seed = vec![false; n];
    let mut alone = 0;
    for &s in seeds {
        if !is_seed[s as usize] {
            is_seed[s as usize] = true;
            alone += sets.alone(s) as usize;
        }
    }
    alone
        + (0..sets.stored())
            .into_par_iter()
            .filter(|&i| sets.stored_set(i).iter().any(|&v| is_seed[v as usize]))
            .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::generators;
    use crate::random::{Purpose, stream};

    /// The sets of `walks` drawn one after the other by the one-set walk, walk `w` from
    /// `family`'s stream `w`.
    fn one_by_one(sampler: &Sampler<'_>, family: &StreamFamily, walks: &[Walk]) -> Vec<Vec<u32>> {
        let mut scratch = Scratch::default();
        (0..walks.len())
            .map(|w| {
                let mut out = Vec::new();
                let mut rng = family.stream(w as u64);
                sampler.sample(walks[w], &mut rng, &mut scratch, &mut out);
                out
            })
            .collect()
    }

    #[test]
    fn interleaved_sets_are_the_one_by_one_sets() {
        let mut rng = stream(5, 0, 0, Purpose::Network);
        let plain = generators::barabasi_albert(3_000, 4, &mut rng).expect("valid parameters");
        // The same network with trivalency weights (0.1, 0.01, 0.001 and some 0 and 1), each
        // direction its own, as probabilities.
        let mut builder = crate::graph::GraphBuilder::new(plain.node_count(), true);
        let mut h = 11u64;
        for v in 0..plain.node_count() as u32 {
            for &u in plain.out_adjacency().neighbors(v) {
                h = crate::random::splitmix64(h);
                let weight = [0.1, 0.01, 0.001, 0.0, 1.0][(h % 5) as usize];
                builder.add_weighted_edge(v, u, weight);
            }
        }
        let weighted = builder.build().0;
        for (g, p) in [
            (&plain, EdgeProbability::InverseInDegree),
            (&plain, EdgeProbability::Uniform(0.2)),
            (&plain, EdgeProbability::Uniform(1.0)),
            (&plain, EdgeProbability::Uniform(0.0)),
            (&weighted, EdgeProbability::Weight),
        ] {
            let sampler = Sampler::new(g, Diffusion::IndependentCascade(p));
            // Walks from random roots; where in-edges share one probability, some with the
            // root's first live in-edge given (as a chunk draws it), anywhere in its list.
            let mut roots = stream(6, 0, 0, Purpose::Placement);
            let walks: Vec<Walk> = (0..700)
                .map(|w| {
                    let root = below(&mut roots, g.node_count()) as u32;
                    let d = g.in_degree(root);
                    let given = p != EdgeProbability::Weight && w % 2 == 0 && d > 0;
                    Walk {
                        root,
                        first: given.then(|| below(&mut roots, d)),
                    }
                })
                .collect();
            let mut scratch = Scratch::default();
            let family = StreamFamily::new(3, 9, Purpose::Placement);
            let mut drawn = Drawn::default();
            sampler.cascade_interleaved(p, &family, &walks, &mut scratch, &mut drawn);
            // The one-by-one sets, handed on the same way: those of two or more in order, the
            // others counted by root.
            let mut expected = Drawn::default();
            for set in one_by_one(&sampler, &family, &walks) {
                expected.push(&set);
            }
            assert_eq!(drawn.members, expected.members, "{p:?}");
            assert_eq!(drawn.lengths, expected.lengths, "{p:?}");
            assert_eq!(drawn.alone, expected.alone, "{p:?}");
            // The lanes' marks are all cleared again, so the next chunk starts clean.
            assert!(scratch.lane_marks.iter().all(|&m| m == 0));
            // Sets of every size came up: singletons (but for p = 1, where every set is the
            // whole network, and given a live in-edge but for edges of probability 0) and
            // larger ones (but for p = 0).
            let alone: u32 = drawn.alone.iter().map(|&(_, sets)| sets).sum();
            assert_eq!(alone as usize + drawn.lengths.len(), walks.len(), "{p:?}");
            if p != EdgeProbability::Uniform(1.0) {
                assert!(alone > 0, "{p:?}");
            }
            if p != EdgeProbability::Uniform(0.0) {
                assert!(drawn.lengths.iter().any(|&len| len > 3), "{p:?}");
            }
        }
    }

    #[test]
    fn roots_are_uniform_over_everyone_and_every_set_is_drawn() {
        // With p = 0 every set is its root alone, so the counts by person are the roots. Among
        // 10,000 people, batches of 1, 1,000, 89,000 and 160,000 sets: the first two one chunk,
        // its roots sorted; the others three chunks, their roots counted. 25 a person expected:
        // chi-square against uniform, 9,999 degrees of freedom, mean 9,999 and standard
        // deviation 141; the bound is the mean plus 5 deviations. Each block of 4,096 people
        // gets its binomial share within 5 standard deviations.
        let n = 10_000;
        let g = generators::barabasi_albert(n, 2, &mut stream(8, 0, 0, Purpose::Network))
            .expect("valid parameters");
        let sampler = Sampler::new(
            &g,
            Diffusion::IndependentCascade(EdgeProbability::Uniform(0.0)),
        );
        assert_eq!(chunk_people(n, 1_000), n);
        assert_eq!(chunk_people(n, 160_000), 3_334);
        let mut sets = RrSets::new();
        for target in [1, 1_001, 90_001, 250_000] {
            sets.extend_to(&sampler, 4, 2, target);
            assert_eq!((sets.len(), sets.stored()), (target, 0));
        }
        let total = sets.len() as f64;
        let expected = total / n as f64;
        let chi2: f64 = (0..n as u32)
            .map(|v| (f64::from(sets.alone(v)) - expected).powi(2) / expected)
            .sum();
        assert!(chi2 < 9_999.0 + 5.0 * 141.4, "chi-square {chi2}");
        for block in 0..n.div_ceil(4096) {
            let people = block * 4096..((block + 1) * 4096).min(n);
            let share = people.len() as f64 / n as f64;
            let got: f64 = people.map(|v| f64::from(sets.alone(v as u32))).sum();
            let sd = (total * share * (1.0 - share)).sqrt();
            assert!(
                (got - total * share).abs() < 5.0 * sd,
                "block {block}: {got}"
            );
        }
    }

    #[test]
    fn sets_do_not_depend_on_the_number_of_threads() {
        // 10,000 people and batches of 6,000 and 14,000 sets (two chunks, then three), drawn by
        // one thread or by three in whatever order they finish: the same sets in the same order.
        let g = generators::barabasi_albert(10_000, 3, &mut stream(9, 0, 0, Purpose::Network))
            .expect("valid parameters");
        assert_eq!(chunk_people(10_000, 6_000), 5_000);
        assert_eq!(chunk_people(10_000, 14_000), 3_334);
        for p in [
            EdgeProbability::Uniform(0.1),
            EdgeProbability::InverseInDegree,
        ] {
            let sampler = Sampler::new(&g, Diffusion::IndependentCascade(p));
            let draw = |threads: usize| {
                let mut sets = RrSets::new();
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .expect("a thread pool")
                    .install(|| {
                        sets.extend_to(&sampler, 5, 1, 6_000);
                        sets.extend_to(&sampler, 5, 1, 20_000);
                    });
                let mut all = Vec::new();
                sets.for_each_set(|set| all.push(set.to_vec()));
                all
            };
            let one = draw(1);
            assert_eq!(one.len(), 20_000);
            assert!(one.iter().any(|set| set.len() > 1), "{p:?}");
            assert_eq!(one, draw(3), "{p:?}");
        }
    }

    /// `lists` as a collection of `n` people's sets, as drawing hands them on.
    fn sets_of(n: usize, lists: &[Vec<u32>]) -> RrSets {
        let mut drawn = Drawn::default();
        for list in lists {
            drawn.push(list);
        }
        let mut sets = RrSets::new();
        sets.members = drawn.members;
        for len in drawn.lengths {
            let end = sets.offsets.last().expect("offsets start with 0") + u64::from(len);
            sets.offsets.push(end);
        }
        sets.alone = vec![0; n];
        for (v, count) in drawn.alone {
            sets.alone[v as usize] += count;
            sets.alone_total += count as usize;
        }
        sets
    }

    #[test]
    fn once_nothing_more_is_covered_the_picks_are_the_lowest_ids_left() {
        // One set of people 7 and 3: person 3 covers it (tie, lower id), then nobody covers
        // anything, and the picks go on with the lowest ids not chosen, as a plain scan picks.
        let sets = sets_of(10, &[vec![7, 3]]);
        let chosen = greedy(&sets, 10, 4, true);
        assert_eq!(chosen.seeds, vec![3, 0, 1, 2]);
        assert_eq!(chosen.covered, 1);
        assert_eq!(chosen.upper, 1.0);
        // Fewer people than picks: everyone.
        assert_eq!(greedy(&sets, 10, 12, false).seeds.len(), 10);
    }

    #[test]
    fn a_pick_outside_the_first_index_is_found_all_the_same() {
        // Twenty people share the same ten sets, so once one of them is picked the others gain
        // nothing; person 50, in five sets of their own and far below them at first (outside
        // the index of the 16 highest counts that k = 2 starts with), is the second pick.
        let mut lists: Vec<Vec<u32>> = (0..10).map(|_| (0..20).collect()).collect();
        lists.extend((0..5).map(|_| vec![50]));
        lists.push(vec![60, 61]);
        let sets = sets_of(100, &lists);
        assert_eq!((sets.len(), sets.stored(), sets.alone(50)), (16, 11, 5));
        let chosen = greedy(&sets, 100, 3, true);
        assert_eq!(chosen.seeds, vec![0, 50, 60]);
        assert_eq!(chosen.covered, 16);
        // The bound after the first pick: 10 covered plus the three largest gains then (5, 1, 1).
        assert_eq!(chosen.upper, 16.0_f64.min(10.0 + 7.0));
    }
}
