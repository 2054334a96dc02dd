//! `followership compare`: variants of a scenario run one after the other and put side by side
//! in one report (see `followership_report::compare`).

use std::path::{Path, PathBuf};

use followership::analysis::ensemble::EnsembleSummary;
use followership::error::Error;
use followership::experiment::{Ensemble, EnsembleOptions};
use followership::fmt::percent;
use followership::output::{Report, RunInfo};
use followership::scenario::{Scenario, builtin};
use followership_report::compare::{
    Variant, cascades, finals, mean_difference, probability_difference,
};
use followership_report::replay::ReplayOptions;

use super::{experiment, option, prepare_out, usage, use_threads};
use crate::cli::{CompareArgs, ScenarioArgs};

/// A variant of a built-in comparison: a built-in scenario and the overrides that make it.
type VariantOf = (&'static str, &'static [&'static str]);

/// The built-in comparisons for teaching: a name and its variants (a built-in scenario and the
/// overrides that make the variant).
const COMPARISONS: &[(&str, &[VariantOf])] = &[
    ("embrace", &[("hillside", &[]), ("no-embrace", &[])]),
    ("patience", &[("hillside", &[]), ("impatient-leader", &[])]),
    (
        "mistake",
        &[("admitted-mistake", &[]), ("denied-mistake", &[])],
    ),
    (
        "champion",
        &[("middle-out", &[]), ("middle-out", &["leaders.block=0"])],
    ),
];

/// One variant to run: how it is named, its scenario and its overrides.
struct Plan {
    label: String,
    args: ScenarioArgs,
}

/// A scenario argument: a file when one exists at that path, otherwise a built-in.
fn scenario_args(
    name: &str,
    overrides: Vec<String>,
    seed: Option<u64>,
) -> Result<ScenarioArgs, Error> {
    let path = Path::new(name);
    let (file, builtin) = if path.exists() {
        (Some(path.to_path_buf()), None)
    } else if builtin::text(name).is_some() {
        (None, Some(name.to_string()))
    } else {
        return Err(usage(
            name,
            format!(
                "{name} is neither a scenario file nor a built-in scenario (see `followership \
                 scenarios`) nor a built-in comparison ({})",
                COMPARISONS
                    .iter()
                    .map(|c| c.0)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    };
    Ok(ScenarioArgs {
        file,
        builtin,
        overrides,
        seed,
    })
}

/// The variants the arguments ask for, at least two.
fn plans(args: &CompareArgs) -> Result<Vec<Plan>, Error> {
    let common = args.overrides.clone();
    let with = |extra: &[&str]| {
        let mut o = common.clone();
        o.extend(extra.iter().map(|s| s.to_string()));
        o
    };
    let mut plans = Vec::new();
    if let [one] = args.scenarios.as_slice()
        && let Some((_, variants)) = COMPARISONS.iter().find(|c| c.0 == one)
    {
        for (name, extra) in variants.iter() {
            let label = if extra.is_empty() {
                name.to_string()
            } else {
                format!("{name}, {}", extra.join(", "))
            };
            plans.push(Plan {
                label,
                args: scenario_args(name, with(extra), args.seed)?,
            });
        }
    } else {
        for name in &args.scenarios {
            plans.push(Plan {
                label: name.clone(),
                args: scenario_args(name, with(&[]), args.seed)?,
            });
        }
    }
    // Each --vs is the first variant with one more value changed.
    if let Some(base) = plans.first().filter(|_| !args.vs.is_empty()) {
        let (label, file, builtin, overrides) = (
            base.label.clone(),
            base.args.file.clone(),
            base.args.builtin.clone(),
            base.args.overrides.clone(),
        );
        for vs in &args.vs {
            let mut o = overrides.clone();
            o.push(vs.clone());
            plans.push(Plan {
                label: format!("{label}, {vs}"),
                args: ScenarioArgs {
                    file: file.clone(),
                    builtin: builtin.clone(),
                    overrides: o,
                    seed: args.seed,
                },
            });
        }
    }
    if plans.len() < 2 {
        return Err(usage(
            "compare",
            "give at least two variants: two scenarios, one with --vs KEY=VALUE, or a built-in \
             comparison (embrace, patience, mistake, champion)",
        ));
    }
    Ok(plans)
}

/// Runs every variant, writes the comparison and prints each variant's outcomes.
pub fn execute(args: &CompareArgs) -> Result<(), Error> {
    use_threads(args.threads)?;
    let plans = plans(args)?;
    let extra = match args.replicates {
        Some(r) => vec![option("replicates", "--replicates", r)?],
        None => Vec::new(),
    };
    // Every variant is checked before anything runs: a typo in the last fails at once.
    let experiments = plans
        .iter()
        .map(|p| experiment(&p.args, &extra))
        .collect::<Result<Vec<_>, _>>()?;
    let out_dir = args.out.clone().unwrap_or_else(|| {
        let names: Vec<String> = plans
            .iter()
            .map(|p| {
                p.label
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '-' {
                            c
                        } else {
                            '-'
                        }
                    })
                    .collect()
            })
            .collect();
        PathBuf::from("runs").join(format!("compare-{}", names.join("-vs-")))
    });
    prepare_out(&out_dir)?;

    let options = EnsembleOptions {
        changes_for: Some(0),
        on_replicate_done: None,
        trust_sample: Some(ReplayOptions::default().max_people),
        ..EnsembleOptions::default()
    };
    let mut results: Vec<(Scenario, Ensemble, EnsembleSummary, RunInfo)> = Vec::new();
    for e in &experiments {
        let ensemble = e.ensemble(&options)?;
        if !args.quiet {
            for note in &ensemble.notes {
                eprintln!("note: {note}");
            }
        }
        let summary = ensemble.aggregates.outcomes.summary();
        let scenario = e.scenario().clone();
        let info = RunInfo {
            version: env!("CARGO_PKG_VERSION"),
            seed: scenario.seed,
            threads: rayon::current_num_threads(),
            wall_seconds: ensemble.wall_seconds,
            simulation_seconds: ensemble.simulation_seconds,
            nodes: ensemble.graph.node_count(),
            edges: ensemble.graph.edge_count(),
        };
        results.push((scenario, ensemble, summary, info));
    }
    let variants: Vec<Variant<'_>> = plans
        .iter()
        .zip(&results)
        .map(|(p, (scenario, ensemble, summary, info))| Variant {
            label: p.label.clone(),
            report: Report {
                scenario,
                ensemble,
                summary,
                info,
            },
        })
        .collect();
    followership_report::compare::write(&out_dir, &variants)?;

    if !args.quiet {
        let first = &variants[0];
        for v in &variants {
            let s = v.report.summary;
            outln!("{}:", v.label);
            outln!(
                "  final size           {} (95% CI {} to {})",
                percent(s.final_fraction_mean),
                percent(s.final_fraction_ci[0]),
                percent(s.final_fraction_ci[1])
            );
            outln!(
                "  cascade probability  {} (95% CI {} to {})",
                percent(s.cascade_probability),
                percent(s.cascade_probability_ci[0]),
                percent(s.cascade_probability_ci[1])
            );
            if let Some(ff) = &s.first_follower {
                outln!(
                    "  first follower       in {} of {} runs, median tick {}",
                    ff.runs,
                    s.replicates,
                    ff.median
                );
            }
            if !std::ptr::eq(v, first) {
                let md = mean_difference(finals(first), finals(v));
                let pd = probability_difference(cascades(first), cascades(v));
                outln!(
                    "  minus {}: final size {:+.1} points (95% CI {:+.1} to {:+.1}), cascade \
                     probability {:+.1} points (95% CI {:+.1} to {:+.1})",
                    first.label,
                    100.0 * md.estimate,
                    100.0 * md.ci[0],
                    100.0 * md.ci[1],
                    100.0 * pd.estimate,
                    100.0 * pd.ci[0],
                    100.0 * pd.ci[1]
                );
            }
        }
        outln!("results in {}", out_dir.display());
    }
    Ok(())
}
