//! Pictures of followership results.
//!
//! The engine writes numbers; this crate turns them into things people look at: SVG plots
//! ([`plot`]) drawn with plotters' SVG back end (text stays text, so no fonts are needed to
//! draw them), the replay data of one run ([`replay`]) and `report.html` ([`html`]), one
//! self-contained file with the scenario, the summary, the plots, the story and an animated
//! replay. [`run`], [`sweep`], [`sensitivity`], [`seeding`] and [`fit`] decide what each kind of
//! output directory shows, and [`compare`] puts variants of a scenario side by side; [`animate`] draws the replay of one run as an animated GIF for slides.
#![warn(missing_docs)]

pub mod animate;
pub mod assets;
pub mod compare;
pub mod fit;
pub mod html;
pub mod plot;
pub mod replay;
pub mod run;
pub mod seeding;
pub mod sensitivity;
pub mod sweep;

use std::path::Path;

use followership::atomic::AtomicFile;
use followership::error::Error;

/// One plot: its SVG and how the report presents it.
#[derive(Debug, Clone)]
pub struct Figure {
    /// The file it is written to inside the output directory (`adoption.svg`, ...).
    pub file_name: String,
    /// A short title.
    pub title: String,
    /// A sentence or two on how to read it.
    pub caption: String,
    /// The SVG document.
    pub svg: String,
}

/// The name of the report inside every output directory.
pub const REPORT_FILE: &str = "report.html";

/// Writes each figure's SVG file and the page as `report.html` into `dir`, each atomically.
pub fn write_pictures(dir: &Path, figures: &[Figure], page: &html::Page) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    for figure in figures {
        write_file(&dir.join(&figure.file_name), &figure.svg)?;
    }
    write_file(&dir.join(REPORT_FILE), &page.render())
}

pub(crate) fn write_file(path: &Path, text: &str) -> Result<(), Error> {
    let mut file = AtomicFile::create(path)?;
    file.writer()
        .write_all(text.as_bytes())
        .map_err(|e| Error::io(path, e))?;
    file.commit()
}

use followership::fmt::percent;

/// An interval of fractions as percentages, `low to high`.
fn percent_range([low, high]: [f64; 2]) -> String {
    format!("{} to {}", percent(low), percent(high))
}
