//! Runs per second of the default `hillside` scenario (3,000 people, one leader, the movement
//! mechanisms on), single-threaded and on all cores.
//!
//! `cargo bench -p followership --bench hillside`. Figures are recorded in docs/benchmarks.md.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use followership::experiment::{EnsembleOptions, run_ensemble};
use followership::scenario::Scenario;

const RUNS: u64 = 40;

fn bench(c: &mut Criterion) {
    let overrides = [format!("replicates={RUNS}")
        .parse()
        .expect("valid override")];
    let loaded = Scenario::load_builtin("hillside", &overrides).expect("built-in loads");
    let mut group = c.benchmark_group("hillside");
    group.sample_size(10);
    group.throughput(Throughput::Elements(RUNS));
    for threads in [1, 2] {
        group.bench_function(format!("{RUNS}_runs_{threads}_threads"), |b| {
            b.iter(|| {
                let options = EnsembleOptions {
                    threads: Some(threads),
                    ..EnsembleOptions::default()
                };
                black_box(run_ensemble(&loaded, 0, &options).expect("runs"))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
