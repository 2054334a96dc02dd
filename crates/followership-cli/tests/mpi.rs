//! `followership sweep --mpi` and `sensitivity --mpi` under `mpirun`, as an HPC user starts
//! them: the output directory is byte-identical to a local sweep's for 1, 2 and 3 ranks, a
//! scenario error is reported once with exit status 2, and a job stopped mid-sweep resumes,
//! with or without MPI, to the same files. Built only with `--features mpi`; needs `mpirun`
//! (Debian's openmpi-bin), which the test command installs.
#![cfg(feature = "mpi")]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{followership, ok, stderr};

const SCENARIO: &str = r#"
name = "window"
seed = 7
replicates = 6
[network]
kind = "erdos-renyi"
nodes = 600
mean_degree = 4.0
[people]
threshold = { distribution = "constant", value = 0.18 }
[initial]
placement = "random"
count = 1
[sweep]
design = "grid"
[[sweep.parameters]]
key = "network.mean_degree"
start = 1.0
stop = 6.0
step = 1.0
[[sweep.parameters]]
key = "initial.placement"
choices = ["random", "degree"]
"#;

/// `mpirun -n ranks followership ARGS`, allowed to run as root (as CI does).
fn mpirun(ranks: usize, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new("mpirun");
    command
        .args(["--oversubscribe", "-n", &ranks.to_string()])
        .arg(env!("CARGO_BIN_EXE_followership"))
        .args(args)
        .env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        // One thread per rank: the ranks share the machine.
        .env("RAYON_NUM_THREADS", "1");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("mpirun runs (install openmpi-bin)")
}

/// The scenario `text` written into `dir`, and its local sweep in blocks of `block` into
/// `dir/local`: what every MPI run is compared with.
fn local_sweep(dir: &Path, text: &str, block: &str) -> (String, std::path::PathBuf) {
    let file = dir.join("s.toml");
    std::fs::write(&file, text).unwrap();
    let file = file.to_str().unwrap().to_string();
    let local = dir.join("local");
    ok(&followership(&[
        "sweep",
        &file,
        "-q",
        "--block",
        block,
        "--out",
        local.to_str().unwrap(),
    ]));
    (file, local)
}

/// Every file of `dir`, by name, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn same_files(a: &Path, b: &Path) {
    let (fa, fb) = (files(a), files(b));
    let names = |f: &[(String, Vec<u8>)]| f.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&fa), names(&fb));
    for ((name, x), (_, y)) in fa.iter().zip(&fb) {
        assert!(
            x == y,
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn a_sweep_on_any_number_of_ranks_writes_the_files_of_a_local_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let (file, local) = local_sweep(dir.path(), SCENARIO, "4");
    let file = file.as_str();
    for ranks in [1, 2, 3] {
        let out = dir.path().join(format!("mpi{ranks}"));
        let o = mpirun(
            ranks,
            &[
                "sweep",
                file,
                "-q",
                "--block",
                "4",
                "--mpi",
                "--out",
                out.to_str().unwrap(),
            ],
            &[],
        );
        ok(&o);
        same_files(&local, &out);
    }
}

/// Blocks of the default size are large messages, sent without buffering: the protocol must
/// not wait on itself.
#[test]
fn large_blocks_cross_without_deadlock() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(
        &file,
        SCENARIO.replace("replicates = 6", "replicates = 150"),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let local = dir.path().join("local");
    let args = |out: &Path| -> Vec<String> {
        ["sweep", file, "-q", "--no-plots", "--block", "700", "--out"]
            .iter()
            .map(|s| s.to_string())
            .chain([out.to_str().unwrap().to_string()])
            .collect()
    };
    let local_args = args(&local);
    let local_args: Vec<&str> = local_args.iter().map(String::as_str).collect();
    ok(&followership(&local_args));
    let out = dir.path().join("mpi");
    let mut mpi_args = args(&out);
    mpi_args.push("--mpi".into());
    let mpi_args: Vec<&str> = mpi_args.iter().map(String::as_str).collect();
    ok(&mpirun(3, &mpi_args, &[]));
    same_files(&local, &out);
}

#[test]
fn a_sensitivity_analysis_on_three_ranks_is_the_local_one() {
    let dir = tempfile::tempdir().unwrap();
    let sets = [
        "--set",
        "sensitivity.base_samples=8",
        "--set",
        "sensitivity.bootstrap=20",
        "--set",
        "network.nodes=200",
        "--set",
        "max_ticks=100",
    ];
    let run = |out: &Path, mpi: bool| {
        let mut args = vec![
            "sensitivity",
            "--builtin",
            "hackman",
            "-q",
            "--replicates",
            "1",
        ];
        args.extend(sets);
        args.extend(["--block", "7", "--out", out.to_str().unwrap()]);
        if mpi {
            args.push("--mpi");
            mpirun(3, &args, &[])
        } else {
            followership(&args)
        }
    };
    let local = dir.path().join("local");
    ok(&run(&local, false));
    let mpi = dir.path().join("mpi");
    ok(&run(&mpi, true));
    same_files(&local, &mpi);
}

#[test]
fn a_scenario_error_is_reported_once_by_rank_zero() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, SCENARIO.replace("nodes = 600", "nodes = -3")).unwrap();
    let out = dir.path().join("out");
    let o = mpirun(
        3,
        &[
            "sweep",
            file.to_str().unwrap(),
            "-q",
            "--mpi",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let errors = stderr(&o).matches("network.nodes").count();
    assert_eq!(errors, 1, "reported once:\n{}", stderr(&o));
    assert!(!out.join("runs.csv").exists());
}

#[test]
fn a_job_stopped_mid_sweep_resumes_with_or_without_mpi() {
    let dir = tempfile::tempdir().unwrap();
    let (file, local) = local_sweep(dir.path(), SCENARIO, "4");
    let file = file.as_str();
    for (i, resume_with_mpi) in [false, true].into_iter().enumerate() {
        let out = dir.path().join(format!("stopped{i}"));
        let out_s = out.to_str().unwrap();
        // Rank 0 stops after its third block as a kill would; mpirun ends the job.
        let o = mpirun(
            2,
            &["sweep", file, "-q", "--block", "4", "--mpi", "--out", out_s],
            &[("FOLLOWERSHIP_STOP_AT", "block-3")],
        );
        assert!(!o.status.success(), "the job was stopped");
        let manifest = std::fs::read_to_string(out.join("sweep.json")).unwrap();
        assert!(manifest.contains("\"complete\": false"), "{manifest}");
        let resume = [
            "sweep", file, "-q", "--block", "4", "--resume", "--out", out_s,
        ];
        if resume_with_mpi {
            let mut args = resume.to_vec();
            args.push("--mpi");
            ok(&mpirun(3, &args, &[]));
        } else {
            ok(&followership(&resume));
        }
        same_files(&local, &out);
    }
}
