//! Loading a large network: a 20-million-edge SNAP-style edge list among 2 million people, parsed
//! from text and mapped from the binary cache.
//!
//! The file (about 300 MB) is generated once into a temporary directory, so the first run takes a
//! few extra seconds before measuring.

use std::fs::File;
use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use followership::graph::load::{LoadOptions, load_graph};
use rayon::prelude::*;

const NODES: u64 = 2_000_000;
const EDGES: u64 = 20_000_000;

/// A splitmix64 step: a fast, good-enough random stream for test data.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Appends `v` in decimal.
fn push_number(out: &mut Vec<u8>, mut v: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Writes `EDGES` random edges among `NODES` people, tab-separated, generated in parallel parts.
fn generate(path: &Path) {
    const PARTS: u64 = 64;
    let mut out = BufWriter::new(File::create(path).unwrap());
    writeln!(
        out,
        "# Directed graph: random benchmark network\n# Nodes: {NODES} Edges: {EDGES}"
    )
    .unwrap();
    writeln!(out, "# FromNodeId\tToNodeId").unwrap();
    let parts: Vec<Vec<u8>> = (0..PARTS)
        .into_par_iter()
        .map(|p| {
            let mut state = p.wrapping_mul(0x2545_f491_4f6c_dd1d);
            let mut buf = Vec::with_capacity((EDGES / PARTS * 16) as usize);
            for _ in 0..EDGES / PARTS {
                push_number(&mut buf, splitmix(&mut state) % NODES);
                buf.push(b'\t');
                push_number(&mut buf, splitmix(&mut state) % NODES);
                buf.push(b'\n');
            }
            buf
        })
        .collect();
    for part in parts {
        out.write_all(&part).unwrap();
    }
    out.flush().unwrap();
}

fn bench_load(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("random-20m.txt");
    generate(&path);
    let megabytes = std::fs::metadata(&path).unwrap().len() as f64 / 1e6;
    eprintln!("generated {} ({megabytes:.0} MB)", path.display());

    let mut group = c.benchmark_group("load_20m_edges");
    // Seconds per load: ten single loads, not criterion's default ramp of 1 + 2 + ... + 10.
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.measurement_time(Duration::from_secs(20));
    for directed in [false, true] {
        let kind = if directed { "directed" } else { "undirected" };
        let text = LoadOptions {
            directed,
            ..LoadOptions::default()
        };
        group.bench_function(format!("text_{kind}"), |b| {
            b.iter(|| black_box(load_graph(&path, &text).unwrap()))
        });

        let cached = LoadOptions {
            cache: true,
            ..text.clone()
        };
        let start = std::time::Instant::now();
        let first = load_graph(&path, &cached).unwrap();
        assert!(
            first.report.cache_warning.is_none(),
            "{:?}",
            first.report.cache_warning
        );
        eprintln!(
            "text load + writing the cache ({kind}): {:.2?}",
            start.elapsed()
        );
        drop(first);
        group.bench_function(format!("cached_{kind}"), |b| {
            b.iter(|| {
                let loaded = load_graph(&path, &cached).unwrap();
                assert!(loaded.report.from_cache);
                black_box(loaded)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_load);
criterion_main!(benches);
