//! Reverse-reachable sets for seeding on a million people: the subset sampler (interleaved
//! walks, geometric jumps) next to the textbook sampler that flips a coin for every in-edge it
//! looks at, on the same network and cascades, and the greedy coverage that picks from them.
//!
//! `cargo bench -p followership --bench rr_sets`. Throughput is in set members, so the
//! figure reads as members per second whatever the cascade's set sizes. Figures are recorded
//! in docs/benchmarks.md.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use followership::graph::{Graph, GraphBuilder, generators};
use followership::model::EdgeProbability;
use followership::random::{Purpose, splitmix64, stream};
use followership::seeding::Diffusion;
use followership::seeding::rr::{RrSets, Sampler, greedy};

const NODES: usize = 1_000_000;
/// Barabási–Albert with 5 links per newcomer: about 10M directed edges.
const LINKS: usize = 5;
/// Sets drawn per iteration.
const SETS: usize = 20_000;

/// The network, and the same network with trivalency weights (0.1, 0.01 or 0.001 per edge).
fn networks() -> (Graph, Graph) {
    let plain = generators::barabasi_albert(NODES, LINKS, &mut stream(1, 0, 0, Purpose::Network))
        .expect("valid parameters");
    let mut builder = GraphBuilder::new(NODES, true);
    let mut h = 11u64;
    for v in 0..NODES as u32 {
        for &u in plain.out_adjacency().neighbors(v) {
            h = splitmix64(h);
            builder.add_weighted_edge(v, u, [0.1, 0.01, 0.001][(h % 3) as usize]);
        }
    }
    (plain, builder.build().0)
}

fn bench(c: &mut Criterion) {
    let (plain, trivalency) = networks();
    let cascades = [
        ("weighted_cascade", &plain, EdgeProbability::InverseInDegree),
        ("p_0.01", &plain, EdgeProbability::Uniform(0.01)),
        ("trivalency", &trivalency, EdgeProbability::Weight),
    ];
    let mut group = c.benchmark_group("rr_sets_1m_nodes");
    group.sample_size(10);
    for (name, graph, p) in cascades {
        let model = Diffusion::IndependentCascade(p);
        let subset = Sampler::new(graph, model);
        let mut sets = RrSets::new();
        sets.extend_to(&subset, 1, 1, SETS);
        group.throughput(Throughput::Elements(sets.entries() as u64));
        for (sampler_name, sampler) in [
            ("subset", &subset),
            ("plain", &Sampler::plain(graph, model)),
        ] {
            group.bench_function(format!("{name}_{sampler_name}"), |b| {
                b.iter(|| {
                    let mut sets = RrSets::new();
                    sets.extend_to(sampler, 1, 1, SETS);
                    black_box(sets.entries())
                })
            });
        }
        // Greedy coverage of k = 50 on 10x as many sets as above.
        sets.extend_to(&subset, 1, 1, 10 * SETS);
        group.throughput(Throughput::Elements(sets.entries() as u64));
        group.bench_function(format!("{name}_greedy_k50"), |b| {
            b.iter(|| black_box(greedy(&sets, NODES, 50, true).covered))
        });
    }
    group.finish();

    // The same weighted-cascade walk on 10,000 people, whose network and marks fit in cache:
    // what the loop costs when it never waits on memory.
    let small = generators::barabasi_albert(10_000, LINKS, &mut stream(1, 0, 0, Purpose::Network))
        .expect("valid parameters");
    let subset = Sampler::new(
        &small,
        Diffusion::IndependentCascade(EdgeProbability::InverseInDegree),
    );
    let mut sets = RrSets::new();
    sets.extend_to(&subset, 1, 1, SETS);
    let mut group = c.benchmark_group("rr_sets_10k_nodes");
    group.sample_size(10);
    group.throughput(Throughput::Elements(sets.entries() as u64));
    group.bench_function("weighted_cascade_subset", |b| {
        b.iter(|| {
            let mut sets = RrSets::new();
            sets.extend_to(&subset, 1, 1, SETS);
            black_box(sets.entries())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
