//! The command-line interface: subcommands and their options.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Simulate how movements start: a lone leader, a first follower, a crowd that tips.
#[derive(Debug, Parser)]
#[command(name = "followership", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario (the default built-in one when no file is given) and write its results.
    Run(RunArgs),
    /// Tell the story of one run in plain language (Markdown on standard output): the leader
    /// alone, the first follower, the crowd, trust, and the end.
    Story(StoryArgs),
    /// Run a parameter sweep (the scenario's `[sweep]` section): many points, replicates each,
    /// streamed to `runs.csv`; resumable with `--resume`, shardable with `--shard I/N`.
    Sweep(SweepArgs),
    /// Variance-based sensitivity analysis (the scenario's `[sensitivity]` section): Sobol
    /// first-order and total indices of the outcomes, per parameter and per group, with
    /// bootstrap intervals. Runs as a sweep over a Saltelli design, so it resumes and shards.
    Sensitivity(SweepArgs),
    /// Fit the scenario's `[fit]` parameters to an observed adoption curve (ABC-SMC): posterior
    /// samples, credible intervals and, with `--forecast T`, the final size and time to tipping
    /// by time T; resumable with `--resume`.
    Fit(FitArgs),
    /// Combine the output directories of the shards of one sweep into what one process would
    /// have written.
    Merge(MergeArgs),
    /// Whom to recruit first: choose the k people whose early following makes the largest
    /// movement (IMM, CELF or a heuristic), print them with the expected final size, and write
    /// `seeds.csv`.
    Seed(SeedArgs),
    /// Compare variants of a scenario in one report: scenario files or built-ins (or one
    /// scenario with `--vs key=value` variants, or a built-in comparison: embrace, patience,
    /// mistake, champion), their outcomes side by side with the differences and their
    /// intervals, the adoption curves overlaid and the replays side by side in step.
    Compare(CompareArgs),
    /// Write the replay of one run as an animated GIF for slides: a title, a caption per key
    /// moment (first follower, second follower, critical mass, leader events, the leader
    /// quitting), slower around each, ending where nothing changes any more.
    Animate(AnimateArgs),
    /// Watch and play with a scenario in the browser: a local web app with the people on a
    /// canvas, sliders for the key parameters and a live adoption curve.
    View(crate::commands::view::ViewArgs),
    /// List the built-in scenarios.
    Scenarios,
    /// Print the JSON Schema of scenario files, for editors.
    Schema,
}

/// Which scenario to use: a file, a built-in, or the default.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    /// Scenario file (TOML).
    #[arg(conflicts_with = "builtin")]
    pub file: Option<PathBuf>,
    /// Name of a built-in scenario (see `followership scenarios`).
    #[arg(long, value_name = "NAME")]
    pub builtin: Option<String>,
    /// Override a scenario value, e.g. `--set dynamics.visibility=0.2` (repeatable).
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    pub overrides: Vec<String>,
    /// Seed of every random stream (overrides the scenario's).
    #[arg(long, allow_negative_numbers = true, value_parser = seed_number)]
    pub seed: Option<u64>,
}

/// Options of `followership run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Number of replicates (overrides the scenario's).
    #[arg(long, allow_negative_numbers = true, value_parser = whole::<u64>)]
    pub replicates: Option<u64>,
    /// Worker threads (default: one per core); results do not depend on it.
    #[arg(long, allow_negative_numbers = true, value_parser = whole::<usize>)]
    pub threads: Option<usize>,
    /// Output directory (default: runs/<scenario name>).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the summary as JSON on standard output, for scripts.
    #[arg(long, conflicts_with = "quiet")]
    pub json: bool,
    /// Write no SVG plots and no report.html (faster for scripts that only read the CSVs).
    #[arg(long)]
    pub no_plots: bool,
}

/// Options of `followership story`.
#[derive(Debug, Args)]
pub struct StoryArgs {
    /// The scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Which replicate to tell: the same run as that replicate of `followership run` with the
    /// same scenario and seed. Any index may be given, also beyond the scenario's number of
    /// replicates (it names the run's random streams).
    #[arg(long, value_name = "N", default_value_t = 0, allow_negative_numbers = true, value_parser = whole::<u64>)]
    pub replicate: u64,
}

/// Options of `followership compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario files or built-in names, at least two (one with `--vs`); or one built-in
    /// comparison: `embrace` (hillside vs no-embrace), `patience` (hillside vs
    /// impatient-leader), `mistake` (admitted-mistake vs denied-mistake), `champion`
    /// (middle-out with the leader in the middle vs at the top).
    #[arg(value_name = "SCENARIO", required = true)]
    pub scenarios: Vec<String>,
    /// A variant of the first scenario with this value changed, e.g. `--vs
    /// influence.embrace=false` (repeatable; each is one more variant).
    #[arg(long = "vs", value_name = "KEY.PATH=VALUE")]
    pub vs: Vec<String>,
    /// Override a value in every variant, e.g. `--set network.nodes=500` (repeatable).
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    pub overrides: Vec<String>,
    /// Number of replicates of each variant (overrides the scenarios').
    #[arg(long)]
    pub replicates: Option<u64>,
    /// One seed for every variant (overrides the scenarios'): with the same seed, the variants'
    /// replicates share their random streams, so differences come from the change, not luck.
    #[arg(long, allow_negative_numbers = true, value_parser = seed_number)]
    pub seed: Option<u64>,
    /// Worker threads (default: one per core); results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output directory (default: runs/compare-<first>-vs-<second>...).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Options of `followership animate`.
#[derive(Debug, Args)]
pub struct AnimateArgs {
    /// The scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Which replicate to animate: the same run as that replicate of `followership run`.
    #[arg(long, value_name = "N", default_value_t = 0, allow_negative_numbers = true, value_parser = whole::<u64>)]
    pub replicate: u64,
    /// The GIF to write (default: runs/<scenario name>/replay.gif).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The title on every frame (default: the scenario's name).
    #[arg(long)]
    pub title: Option<String>,
    /// Width and height of the picture in pixels.
    #[arg(long, default_value_t = 720, value_parser = clap::value_parser!(u16).range(240..=2000))]
    pub size: u16,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Options of `followership sweep` and `followership sensitivity`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The scenario, with a `[sweep]` (or `[sensitivity]`) section.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Replicates per point (overrides the scenario's).
    #[arg(long, allow_negative_numbers = true, value_parser = whole::<u64>)]
    pub replicates: Option<u64>,
    /// Worker threads (default: one per core); results do not depend on it.
    #[arg(long, allow_negative_numbers = true, value_parser = whole::<usize>)]
    pub threads: Option<usize>,
    /// Output directory (default: sweeps/<scenario name> or sensitivity/<scenario name>).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Continue the interrupted sweep in the output directory, running only what is missing.
    #[arg(long)]
    pub resume: bool,
    /// Run only shard I of N (1 <= I <= N): every N-th run, starting at the I-th.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Spread the runs over the ranks of an MPI job (`mpirun -n N followership sweep FILE
    /// --mpi`): rank 0 writes the files, the others run blocks of runs. Needs a build with
    /// `--features mpi`.
    #[arg(long, conflicts_with = "shard")]
    pub mpi: bool,
    /// Runs per block: rows reach runs.csv (flushed to disk) after every block, so an
    /// interruption loses at most one block.
    #[arg(long, default_value_t = 512, value_name = "N", allow_negative_numbers = true, value_parser = whole::<usize>)]
    pub block: usize,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Write no SVG plots and no report.html (faster for scripts that only read the CSVs).
    #[arg(long)]
    pub no_plots: bool,
}

/// Options of `followership fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// The scenario, with a `[fit]` section.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// The observed data (CSV; replaces `fit.data.path`).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Forecast up to time T (in the data's time unit): the final size at T and the time to
    /// tipping, with 95% intervals.
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    pub forecast: Option<f64>,
    /// Worker threads (default: one per core); results do not depend on it.
    #[arg(long, allow_negative_numbers = true, value_parser = whole::<usize>)]
    pub threads: Option<usize>,
    /// Output directory (default: fits/<scenario name>).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Continue the interrupted fit in the output directory from its last complete generation.
    #[arg(long)]
    pub resume: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Write no SVG plots and no report.html (faster for scripts that only read the CSVs).
    #[arg(long)]
    pub no_plots: bool,
}

/// Options of `followership merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Output directory for the merged sweep.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The shard directories, in any order.
    #[arg(required = true, value_name = "SHARD_DIR")]
    pub shards: Vec<PathBuf>,
}

/// Options of `followership seed`.
#[derive(Debug, Args)]
pub struct SeedArgs {
    /// The scenario: its network, people and dynamics (its `[initial]` is replaced by the seeds).
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// How many people to recruit first.
    #[arg(long, allow_negative_numbers = true, value_parser = whole::<usize>)]
    pub k: usize,
    /// imm, opim, celf, degree-discount, pagerank, degree, k-core, clustered or random
    /// (default: opim where the model allows it, celf otherwise).
    #[arg(long, value_name = "NAME")]
    pub strategy: Option<String>,
    /// Evaluate every strategy on the same Monte-Carlo runs and print a table.
    #[arg(long, conflicts_with = "strategy")]
    pub compare: bool,
    /// IMM's epsilon: approximation ratio at least 1 - 1/e - epsilon.
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true)]
    pub epsilon: f64,
    /// IMM's l: the guarantee holds with probability at least 1 - 1/n^l.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub ell: f64,
    /// opim: stop sampling after this many seconds (reporting the guarantee certified by
    /// then); once the guarantee is certified, spend the rest on more sets. With a budget the
    /// choice depends on the machine's speed, not only on the seed.
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub time_budget: Option<f64>,
    /// opim: start no round of sampling whose sets would take more than this many megabytes.
    #[arg(long, value_name = "MB", allow_negative_numbers = true)]
    pub memory_budget: Option<f64>,
    /// Monte-Carlo runs per CELF evaluation.
    #[arg(long, default_value_t = 100, value_name = "N", allow_negative_numbers = true, value_parser = whole::<u64>)]
    pub celf_runs: u64,
    /// CELF considers only the N people of highest out-degree.
    #[arg(long, default_value_t = 500, value_name = "N", allow_negative_numbers = true, value_parser = whole::<usize>)]
    pub candidates: usize,
    /// Monte-Carlo runs of the final evaluation (default: the scenario's replicates).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = whole::<u64>)]
    pub runs: Option<u64>,
    /// Worker threads (default: one per core); results do not depend on it.
    #[arg(long, allow_negative_numbers = true, value_parser = whole::<usize>)]
    pub threads: Option<usize>,
    /// Output directory (default: seeds/<scenario name>).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print the chosen people and estimates as JSON on standard output, for scripts.
    #[arg(long)]
    pub json: bool,
    /// Write no SVG plots and no report.html (faster for scripts that only read the CSVs).
    #[arg(long)]
    pub no_plots: bool,
}

/// Reads a whole number for an option, saying in words what is wrong: clap's own message for
/// `--replicates -5` is a tip to write `-- -5`, which would make `-5` the scenario file.
fn whole<T: TryFrom<u64>>(text: &str) -> Result<T, String> {
    let t = text.trim();
    if t.strip_prefix('-')
        .is_some_and(|rest| rest.parse::<f64>().is_ok())
    {
        return Err(format!("{t} is negative; give a whole number from 0 up"));
    }
    match t.parse::<u64>() {
        Ok(v) => T::try_from(v).map_err(|_| format!("{t} is too large for this machine")),
        Err(e) if *e.kind() == std::num::IntErrorKind::PosOverflow => Err(format!(
            "{t} is too large; give a whole number up to {}",
            u64::MAX
        )),
        Err(_) => Err(format!("`{t}` is not a whole number; give one such as 100")),
    }
}

/// Reads a seed: a whole number from 0 to 2^63 - 1 (what scenario files can hold).
fn seed_number(text: &str) -> Result<u64, String> {
    const RANGE: &str = "give a whole number from 0 to 9223372036854775807 (2^63 - 1)";
    match whole::<u64>(text) {
        Ok(v) if v <= i64::MAX as u64 => Ok(v),
        Ok(v) => Err(format!("{v} is too large; {RANGE}")),
        Err(e) => Err(format!("{}; {RANGE}", e.split(';').next().unwrap_or(&e))),
    }
}
