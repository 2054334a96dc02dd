//! Runs per second of the default `hillside` scenario (3,000 people, one leader, the movement
//! mechanisms on), single-threaded and on all cores.
//!
//! `cargo bench -p followership --bench hillside`. Figures are recorded in docs/benchmarks.md.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use followership::experiment::{EnsembleOptions, Experiment};

const RUNS: u64 = 40;

fn bench(c: &mut Criterion) {
    let experiment = Experiment::builtin("hillside")
        .and_then(|e| e.with_replicates(RUNS))
        .expect("built-in loads");
    let mut group = c.benchmark_group("hillside");
    group.sample_size(10);
    group.throughput(Throughput::Elements(RUNS));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        group.bench_function(format!("{RUNS}_runs_{threads}_threads"), |b| {
            b.iter(|| {
                pool.install(|| {
                    black_box(
                        experiment
                            .ensemble(&EnsembleOptions::default())
                            .expect("runs"),
                    )
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
