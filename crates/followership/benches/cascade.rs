//! A monotone fractional-threshold cascade on a million people and ten million edges, next to
//! the memory-bandwidth floor: one plain pass over every edge of the same graph.
//!
//! `cargo bench -p followership --bench cascade`. Figures are recorded in docs/benchmarks.md.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use followership::graph::{Graph, generators};
use followership::model::Dynamics;
use followership::model::initial::highest_degree;
use followership::random::{Purpose, stream};
use followership::simulation::{Prepared, Recording, simulate};

const NODES: usize = 1_000_000;
/// Barabási–Albert with 5 links per newcomer: about 5M undirected edges, 10M directed ones.
const LINKS: usize = 5;

fn graph() -> Graph {
    generators::barabasi_albert(NODES, LINKS, &mut stream(1, 0, 0, Purpose::Network))
        .expect("valid parameters")
}

fn bench(c: &mut Criterion) {
    let g = graph();
    let edges = g.edge_count() as u64;
    let mut group = c.benchmark_group("cascade_1m_nodes");
    group.sample_size(10);
    group.throughput(Throughput::Elements(edges));

    // Reading every edge once, in order: the pure streaming floor.
    group.bench_function("edge_pass_sequential", |b| {
        b.iter(|| {
            let sum: u64 = g
                .out_adjacency()
                .targets()
                .iter()
                .map(|&t| u64::from(t))
                .sum();
            black_box(sum)
        })
    });
    // Touching every edge's target once, as a push-based cascade must: the floor for any
    // algorithm that visits each edge with a random access to the person at its end.
    let mut counter = vec![0u32; NODES];
    group.bench_function("edge_pass_scatter", |b| {
        b.iter(|| {
            let out = g.out_adjacency();
            for v in 0..NODES as u32 {
                for &t in out.neighbors(v) {
                    counter[t as usize] += 1;
                }
            }
            black_box(&counter);
        })
    });

    // The cascade's own inner loop (a countdown per person, a person ready when it reaches
    // zero) over every edge once, people in id order and then in a random order: how much of
    // a cascade's cost is the order in which people's turns come, not the edges themselves.
    let mut countdown = vec![0u32; NODES];
    group.bench_function("edge_pass_countdown", |b| {
        b.iter(|| {
            let out = g.out_adjacency();
            for v in 0..NODES as u32 {
                countdown[v as usize] = (out.degree(v) as u32 / 10).max(1);
            }
            let mut ready = Vec::new();
            for v in 0..NODES as u32 {
                for &t in out.neighbors(v) {
                    let left = &mut countdown[t as usize];
                    *left = left.wrapping_sub(1);
                    if *left == 0 {
                        *left = u32::MAX;
                        ready.push(t);
                    }
                }
            }
            black_box(&ready);
        })
    });
    let mut order: Vec<u32> = (0..NODES as u32).collect();
    {
        use rand::seq::SliceRandom;
        order.shuffle(&mut stream(9, 0, 0, Purpose::Dynamics));
    }
    group.bench_function("edge_pass_countdown_random_order", |b| {
        b.iter(|| {
            let out = g.out_adjacency();
            for v in 0..NODES as u32 {
                countdown[v as usize] = (out.degree(v) as u32 / 10).max(1);
            }
            let mut ready = Vec::new();
            for &v in &order {
                for &t in out.neighbors(v) {
                    let left = &mut countdown[t as usize];
                    *left = left.wrapping_sub(1);
                    if *left == 0 {
                        *left = u32::MAX;
                        ready.push(t);
                    }
                }
            }
            black_box(&ready);
        })
    });

    let dynamics = Dynamics::default();
    let prepared = Prepared::new(&g, &dynamics, u32::MAX, 0.5);
    let thresholds = vec![0.1; NODES];
    let seeds = highest_degree(&g, 100);
    let probe = simulate(
        &prepared,
        &thresholds,
        &seeds,
        &mut stream(1, 0, 0, Purpose::Dynamics),
        Recording::default(),
    );
    let reached = probe.outcome.final_fraction;
    assert!(
        reached > 0.99,
        "the benchmark cascade should reach nearly everyone, reached {reached}"
    );
    group.bench_function("threshold_cascade_full", |b| {
        b.iter(|| {
            let mut rng = stream(1, 0, 0, Purpose::Dynamics);
            black_box(simulate(
                &prepared,
                &thresholds,
                &seeds,
                &mut rng,
                Recording::default(),
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
