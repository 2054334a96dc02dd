//! Loading real networks from text files: SNAP-style edge lists and CSV, plain or gzipped.
//!
//! [`load_graph`] reads whitespace-separated edge lists (`source target [weight]`, with `#` and
//! `%` comment lines, as the SNAP collection publishes them) and CSV files whose header names the
//! source, target and optional weight columns. An edge `u v` means `u -> v`: `v` sees `u`, and
//! influence flows from `u` to `v`. Node ids may be any non-negative integers below 2^64; they are
//! remapped to dense `u32` ids in ascending order of the original id, and the originals are kept as
//! the graph's labels (see [`Graph::labels`]). The whole file is read at once (memory-mapped, or
//! decompressed into memory when gzipped), cut into chunks at line boundaries and parsed in
//! parallel without allocating per line; line numbers are worked out only when a line is bad.
//! With [`LoadOptions::cache`], a binary copy of the result is kept next to the file (see
//! [`crate::graph::cache`]) and memory-mapped on the next load instead of parsing again.

use std::fs::File;
use std::io::{self, Read};
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::UNIX_EPOCH;

use memmap2::{Mmap, MmapOptions};
use rayon::prelude::*;

use super::builder::{GraphBuilder, compact, counting_sort, sources_of, split_lists};
use super::cache::{self, CacheProbe, CacheStats, SourceStamp};
use super::csr::{Adjacency, Graph};

/// Longest excerpt of a bad line quoted in an error message, in characters.
const MAX_QUOTE: usize = 60;

/// The text format of a network file.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// CSV when the file name ends in `.csv` (or `.csv.gz`), an edge list otherwise.
    #[default]
    Auto,
    /// Whitespace-separated `source target [weight]` lines with `#` and `%` comments (SNAP style).
    EdgeList,
    /// Comma-separated values under a header naming the source, target and optional weight columns.
    Csv,
}

impl Format {
    /// The concrete format for `path`: `Auto` decided by the file name.
    fn resolve(self, path: &Path) -> Format {
        match self {
            Format::Auto => {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().to_ascii_lowercase())
                    .unwrap_or_default();
                let name = name.strip_suffix(".gz").unwrap_or(&name);
                if name.ends_with(".csv") {
                    Format::Csv
                } else {
                    Format::EdgeList
                }
            }
            other => other,
        }
    }
}

/// How to read a network file; `LoadOptions::default()` reads an undirected network, detects the
/// format and weights, drops self-loops and duplicate edges, and keeps no cache.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct LoadOptions {
    /// Whether `u v` is a one-way edge `u -> v`; otherwise each edge is stored both ways.
    pub directed: bool,
    /// The text format; [`Format::Auto`] decides by the file name.
    pub format: Format,
    /// Whether edges carry weights: `None` makes the graph weighted when any line has a weight
    /// (lines without one get weight 1), `Some(false)` ignores a third column, `Some(true)`
    /// makes the graph weighted even if no line has a weight.
    pub weighted: Option<bool>,
    /// Keep edges from a node to itself instead of dropping them (they are counted either way).
    pub keep_self_loops: bool,
    /// Keep repeated edges instead of dropping them (they are counted either way).
    pub keep_duplicates: bool,
    /// Flip every edge: `u v` becomes `v -> u`.
    pub reverse: bool,
    /// Keep a memory-mapped binary copy next to the file (`<file>.fgraph`) and use it while the
    /// file and these options are unchanged.
    pub cache: bool,
}

impl LoadOptions {
    /// The bits of these options that change the graph, as stored in a cache header.
    fn cache_key(&self, format: Format) -> u32 {
        let weighted = match self.weighted {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        };
        let format = match format {
            Format::Auto | Format::EdgeList => 0,
            Format::Csv => 1,
        };
        u32::from(self.directed)
            | weighted << 1
            | u32::from(self.keep_self_loops) << 3
            | u32::from(self.keep_duplicates) << 4
            | u32::from(self.reverse) << 5
            | format << 6
    }
}

/// What loading read, dropped and made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Lines in the file, comments, blank lines and the CSV header included.
    pub lines: u64,
    /// Edge lines read, before self-loops and duplicates were dropped.
    pub edges_read: u64,
    /// Self-loops dropped (0 when [`LoadOptions::keep_self_loops`] is set).
    pub self_loops_dropped: u64,
    /// Repeated edges dropped (0 when [`LoadOptions::keep_duplicates`] is set); in an undirected
    /// graph `u v` repeats `v u`.
    pub duplicates_dropped: u64,
    /// Distinct node ids, the number of people in the graph.
    pub nodes: usize,
    /// Whether the graph was mapped from the binary cache instead of parsed.
    pub from_cache: bool,
    /// Why the cache could not be used or written, when caching was asked for and failed (for
    /// example, a directory that is not writable); the load itself succeeded.
    pub cache_warning: Option<String>,
}

/// A loaded network and the report of what loading did.
#[derive(Debug)]
pub struct Loaded {
    /// The network, with the file's node ids as labels.
    pub graph: Graph,
    /// What was read, dropped and made.
    pub report: LoadReport,
}

/// What is wrong with a line of a network file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineProblem {
    /// An edge-list line that is not two node ids and an optional weight.
    EdgeListSyntax,
    /// A CSV line without a node id in the source or target column, or without the weight.
    CsvSyntax,
    /// A node id with a minus sign.
    NegativeId,
    /// A node id larger than the largest 64-bit unsigned integer.
    IdTooLarge,
    /// A weight that is not a finite number, zero or more.
    BadWeight,
    /// An edge-list line with more than three columns.
    TooManyColumns,
    /// A CSV line with more fields than its header names.
    TooManyFields,
    /// A CSV header that names no source and target columns.
    CsvHeader,
    /// A CSV header without a weight column although a weighted graph was asked for.
    CsvNoWeightColumn,
}

impl std::fmt::Display for LineProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LineProblem::EdgeListSyntax => "expected two node ids and an optional weight",
            LineProblem::CsvSyntax => {
                "expected a node id in the source and target columns (and a weight, if the header \
                 names a weight column)"
            }
            LineProblem::NegativeId => "expected node ids to be non-negative integers",
            LineProblem::IdTooLarge => {
                "expected node ids no larger than 18446744073709551615 (the largest 64-bit id)"
            }
            LineProblem::BadWeight => {
                "expected the weight to be a finite number, zero or more (a weight is how much \
                 the source counts in the target's social proof); fix or remove the line"
            }
            LineProblem::TooManyColumns => {
                "too many columns: expected two node ids and an optional weight"
            }
            LineProblem::TooManyFields => "too many fields: expected as many as the header names",
            LineProblem::CsvHeader => {
                "expected a CSV header naming the source and target columns (source,target or \
                 from,to or src,dst or u,v) and optionally a weight column"
            }
            LineProblem::CsvNoWeightColumn => {
                "expected a weight column in the CSV header, since a weighted graph was asked for"
            }
        })
    }
}

/// Why a network file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be opened or read.
    #[error("cannot read {}: {source}; check that the path is right and the file is readable", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// The file looks gzipped but does not decompress.
    #[error("cannot decompress {}: {source}; is it really a gzip file?", path.display())]
    Gzip {
        /// The file.
        path: PathBuf,
        /// What the decompressor said.
        source: io::Error,
    },
    /// A line of the file is not what the format expects.
    #[error("{}:{line}: {problem}, found {text:?}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The 1-based line number.
        line: u64,
        /// What was expected.
        problem: LineProblem,
        /// The offending line, shortened if long.
        text: String,
    },
    /// The file has more distinct node ids than 32-bit node ids can number.
    #[error(
        "{}: {count} distinct node ids, but at most {} are supported (node ids are 32-bit)",
        path.display(),
        u32::MAX
    )]
    TooManyNodes {
        /// The file.
        path: PathBuf,
        /// Distinct ids found.
        count: u64,
    },
}

/// Loads the network in `path` (see the [module documentation](self) for the formats).
///
/// With [`LoadOptions::cache`], a valid `<path>.fgraph` made from the same file (same length,
/// modification time and content hash, and an intact body) with the same options is mapped
/// instead of parsing; otherwise the file is
/// parsed and the cache written next to it, if that directory is writable.
pub fn load_graph(path: &Path, opts: &LoadOptions) -> Result<Loaded, LoadError> {
    load_graph_with(path, opts, None)
}

/// [`load_graph`] with a chosen parse chunk size in bytes (tests use tiny chunks).
pub(crate) fn load_graph_with(
    path: &Path,
    opts: &LoadOptions,
    chunk_size: Option<usize>,
) -> Result<Loaded, LoadError> {
    let io_err = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(io_err)?;
    let meta = file.metadata().map_err(io_err)?;
    if meta.is_dir() {
        return Err(io_err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a directory",
        )));
    }
    let format = opts.format.resolve(path);
    let hash = if opts.cache && meta.is_file() {
        source_file_hash(path, &file, &meta)?
    } else {
        0
    };
    let stamp = source_stamp(&meta, opts.cache_key(format), hash);
    let cache_file = cache::cache_path(path);
    let mut cache_warning = None;
    if opts.cache && meta.is_file() {
        match cache::probe(&cache_file, &stamp) {
            Ok(CacheProbe::Hit(graph, stats)) => {
                let report = LoadReport {
                    lines: stats.lines,
                    edges_read: stats.edges_read,
                    self_loops_dropped: stats.self_loops,
                    duplicates_dropped: stats.duplicates,
                    nodes: graph.node_count(),
                    from_cache: true,
                    cache_warning: None,
                };
                return Ok(Loaded {
                    graph: *graph,
                    report,
                });
            }
            Ok(CacheProbe::Missing | CacheProbe::Stale) => {}
            Err(e) => cache_warning = Some(format!("ignored an unusable cache: {e}")),
        }
    }

    let text = read_text(path, file, &meta)?;
    let (graph, stats) = parse_and_build(path, &text, format, opts, chunk_size)?;
    drop(text);

    if opts.cache {
        if !meta.is_file() {
            cache_warning = Some("no cache kept: the input is not a regular file".to_string());
        } else if let Err(e) = cache::write_with(&graph, &cache_file, &stamp, &stats) {
            cache_warning = Some(format!("no cache written: {e}"));
        }
    }
    let report = LoadReport {
        lines: stats.lines,
        edges_read: stats.edges_read,
        self_loops_dropped: stats.self_loops,
        duplicates_dropped: stats.duplicates,
        nodes: graph.node_count(),
        from_cache: false,
        cache_warning,
    };
    Ok(Loaded { graph, report })
}

/// The hash of the source file's bytes (as stored, before any decompression), which a cache must
/// carry to be used: length and modification time alone miss an edit that keeps both.
fn source_file_hash(path: &Path, file: &File, meta: &std::fs::Metadata) -> Result<u64, LoadError> {
    if meta.len() == 0 {
        return Ok(cache::source_hash(&[]));
    }
    // SAFETY: as in `read_text`: a read-only map that lives only while hashing.
    let map = unsafe { Mmap::map(file) }.map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(cache::source_hash(&map))
}

/// What identifies the source file and options a cache was made from.
fn source_stamp(meta: &std::fs::Metadata, options: u32, hash: u64) -> SourceStamp {
    let (secs, nanos) = match meta.modified().map(|t| t.duration_since(UNIX_EPOCH)) {
        Ok(Ok(d)) => (d.as_secs() as i64, d.subsec_nanos()),
        Ok(Err(before)) => {
            let d = before.duration();
            (-(d.as_secs() as i64), d.subsec_nanos())
        }
        Err(_) => (0, 0),
    };
    SourceStamp {
        len: meta.len(),
        mtime_secs: secs,
        mtime_nanos: nanos,
        options,
        hash,
    }
}

/// The bytes of a network file: mapped, or in memory when decompressed or not a regular file.
enum Text {
    Mapped(Mmap),
    Owned(Vec<u8>),
}

impl Deref for Text {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Text::Mapped(m) => m,
            Text::Owned(v) => v,
        }
    }
}

/// Reads the whole file, decompressing it when it is gzipped (by magic bytes or `.gz` name).
fn read_text(path: &Path, mut file: File, meta: &std::fs::Metadata) -> Result<Text, LoadError> {
    let io_err = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let raw = if meta.is_file() && meta.len() > 0 {
        // SAFETY: the map is read-only and lives only while parsing. Another process truncating
        // the file meanwhile could fault the read; writing to it could change what we parse,
        // which is no worse than reading a file while it is being written.
        let map = unsafe { MmapOptions::new().populate().map(&file) }.map_err(io_err)?;
        Text::Mapped(map)
    } else {
        let mut v = Vec::new();
        file.read_to_end(&mut v).map_err(io_err)?;
        Text::Owned(v)
    };
    let gz_name = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    if raw.starts_with(&[0x1f, 0x8b]) || (gz_name && !raw.is_empty()) {
        let mut out = Vec::with_capacity(raw.len().saturating_mul(4).min(1 << 30));
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .map_err(|source| LoadError::Gzip {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(Text::Owned(out))
    } else {
        Ok(raw)
    }
}

/// Where the columns of a CSV file are.
#[derive(Debug, Clone, Copy)]
struct CsvLayout {
    source: usize,
    target: usize,
    weight: Option<usize>,
    fields: usize,
}

/// How the lines of the body are laid out.
#[derive(Debug, Clone, Copy)]
enum Syntax {
    EdgeList,
    Csv(CsvLayout),
}

/// The edges parsed from one chunk of the file.
#[derive(Default)]
struct Chunk {
    /// Source and target ids, interleaved.
    ids: Vec<u64>,
    /// Weights, created at the first weighted line (earlier edges get weight 1).
    weights: Option<Vec<f32>>,
    /// Lines that start in the chunk.
    lines: u64,
    /// Largest id seen.
    max_id: u64,
    /// Byte offset (in the whole text) of the first bad line's start, and what is wrong with it.
    error: Option<(usize, LineProblem)>,
}

impl Chunk {
    #[inline]
    fn push(&mut self, s: u64, t: u64, w: Option<f32>) {
        match (w, &mut self.weights) {
            (Some(w), Some(ws)) => ws.push(w),
            (Some(w), None) => {
                let mut ws = vec![1.0; self.ids.len() / 2];
                ws.push(w);
                self.weights = Some(ws);
            }
            (None, Some(ws)) => ws.push(1.0),
            (None, None) => {}
        }
        self.ids.push(s);
        self.ids.push(t);
        self.max_id = self.max_id.max(s).max(t);
    }
}

/// Numbers the build reports, also stored in the cache header.
type Stats = CacheStats;

/// Parses the text and builds the graph.
fn parse_and_build(
    path: &Path,
    text: &[u8],
    format: Format,
    opts: &LoadOptions,
    chunk_size: Option<usize>,
) -> Result<(Graph, Stats), LoadError> {
    let parse_err = |offset: usize, problem: LineProblem| line_error(path, text, offset, problem);
    // A UTF-8 byte order mark is not part of the first line.
    let start = if text.starts_with(&[0xef, 0xbb, 0xbf]) {
        3
    } else {
        0
    };
    let skip_weight = opts.weighted == Some(false);
    let mut header_lines = 0;
    let (syntax, body) = match format {
        Format::Csv => match csv_header(text, start) {
            // Nothing but blank and comment lines: count them like an edge list does.
            None => (Syntax::EdgeList, start),
            Some((header_start, body, lines)) => {
                header_lines = lines;
                let layout = csv_layout(&text[header_start..body])
                    .ok_or_else(|| parse_err(header_start, LineProblem::CsvHeader))?;
                if opts.weighted == Some(true) && layout.weight.is_none() {
                    return Err(parse_err(header_start, LineProblem::CsvNoWeightColumn));
                }
                (Syntax::Csv(layout), body)
            }
        },
        Format::Auto | Format::EdgeList => (Syntax::EdgeList, start),
    };

    let chunk_size = chunk_size.unwrap_or_else(|| {
        let threads = rayon::current_num_threads().max(1);
        (text.len() / (threads * 8)).clamp(1 << 16, 1 << 23)
    });
    let ranges = split_chunks(text, body, chunk_size.max(1));
    let first_error = AtomicUsize::new(usize::MAX);
    let chunks: Vec<Chunk> = ranges
        .par_iter()
        .map(|&(a, b)| parse_chunk(&text[a..b], a, syntax, skip_weight, &first_error))
        .collect();
    if let Some(&(offset, problem)) = chunks.iter().find_map(|c| c.error.as_ref()) {
        return Err(parse_err(offset, problem));
    }

    let lines = header_lines + chunks.iter().map(|c| c.lines).sum::<u64>();
    let weighted = opts.weighted.unwrap_or_else(|| {
        matches!(syntax, Syntax::Csv(l) if l.weight.is_some())
            || chunks.iter().any(|c| c.weights.is_some())
    });
    build(path, chunks, weighted, opts, lines)
}

/// Finds the CSV header: the first line that is not blank or a comment. Returns its start, the
/// start of the body after it, and the lines up to and including it; `None` if there is none.
fn csv_header(text: &[u8], mut i: usize) -> Option<(usize, usize, u64)> {
    let mut lines = 0;
    while i < text.len() {
        lines += 1;
        let j = skip_blanks(text, i);
        let end = line_end(text, j);
        let next = (end + 1).min(text.len());
        match text.get(j) {
            None | Some(b'\n' | b'#' | b'%') => i = next,
            Some(_) => return Some((i, next, lines)),
        }
    }
    None
}

/// Reads the column names of a CSV header line.
fn csv_layout(line: &[u8]) -> Option<CsvLayout> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let names: Vec<String> = line
        .split(|&b| b == b',')
        .map(|f| String::from_utf8_lossy(trim_field(f)).to_ascii_lowercase())
        .collect();
    let find = |name: &str| names.iter().position(|n| n == name);
    let (source, target) = [
        ("source", "target"),
        ("from", "to"),
        ("src", "dst"),
        ("u", "v"),
    ]
    .iter()
    .find_map(|&(s, t)| Some((find(s)?, find(t)?)))?;
    Some(CsvLayout {
        source,
        target,
        weight: find("weight"),
        fields: names.len(),
    })
}

/// Cuts `text[start..]` into ranges of about `size` bytes that end just after a newline.
fn split_chunks(text: &[u8], start: usize, size: usize) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut a = start;
    while a < text.len() {
        let want = a.saturating_add(size);
        let b = if want >= text.len() {
            text.len()
        } else {
            (line_end(text, want) + 1).min(text.len())
        };
        ranges.push((a, b));
        a = b;
    }
    ranges
}

/// Index of the newline ending the line that contains `i`, or the text length.
#[inline]
fn line_end(text: &[u8], i: usize) -> usize {
    text.get(i..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
        .map_or(text.len(), |k| i + k)
}

#[inline]
fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | 0x0b | 0x0c)
}

#[inline]
fn skip_blanks(d: &[u8], mut i: usize) -> usize {
    while i < d.len() && is_blank(d[i]) {
        i += 1;
    }
    i
}

/// Parses the lines of one chunk (`base` is its offset in the whole text).
fn parse_chunk(
    d: &[u8],
    base: usize,
    syntax: Syntax,
    skip_weight: bool,
    first_error: &AtomicUsize,
) -> Chunk {
    let mut c = Chunk::default();
    if base > first_error.load(Ordering::Relaxed) {
        // An earlier chunk has a bad line: it is the one reported, and this one is wasted work.
        return c;
    }
    // Room for one edge per 12 bytes, a little more than a line of two 5-digit ids needs.
    c.ids.reserve(d.len() / 6);
    let mut i = 0;
    while i < d.len() {
        c.lines += 1;
        let j = skip_blanks(d, i);
        match d.get(j) {
            None => break,
            Some(b'\n') => {
                i = j + 1;
                continue;
            }
            Some(b'#' | b'%') => {
                i = line_end(d, j) + 1;
                continue;
            }
            Some(_) => {}
        }
        let parsed = match syntax {
            Syntax::EdgeList => edge_list_line(d, j, skip_weight),
            Syntax::Csv(layout) => csv_line(d, j, &layout, skip_weight),
        };
        match parsed {
            Ok((s, t, w, next)) => {
                c.push(s, t, w);
                i = next;
            }
            Err(problem) => {
                c.error = Some((base + i, problem));
                first_error.fetch_min(base + i, Ordering::Relaxed);
                return c;
            }
        }
    }
    c
}

/// Parses a node id starting at `i`; returns it and the index after its digits.
#[inline]
fn parse_id(d: &[u8], mut i: usize, syntax: LineProblem) -> Result<(u64, usize), LineProblem> {
    let start = i;
    let mut v: u64 = 0;
    // Up to 19 digits cannot overflow a u64, so the common case needs no overflow checks.
    let fast_end = d.len().min(start + 19);
    while i < fast_end {
        let digit = d[i].wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        v = v * 10 + u64::from(digit);
        i += 1;
    }
    if i == fast_end {
        while i < d.len() && d[i].is_ascii_digit() {
            v = v
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(d[i] - b'0')))
                .ok_or(LineProblem::IdTooLarge)?;
            i += 1;
        }
    }
    if i == start {
        let negative = d.get(i) == Some(&b'-') && d.get(i + 1).is_some_and(u8::is_ascii_digit);
        return Err(if negative {
            LineProblem::NegativeId
        } else {
            syntax
        });
    }
    Ok((v, i))
}

/// Parses a weight field.
#[inline]
fn parse_weight(field: &[u8]) -> Result<f32, LineProblem> {
    std::str::from_utf8(field)
        .ok()
        .and_then(|s| s.parse::<f32>().ok())
        // Negative weights would withdraw proof as people join; no model here means that.
        // (`>= 0.0` also refuses NaN.)
        .filter(|w| w.is_finite() && *w >= 0.0)
        .ok_or(LineProblem::BadWeight)
}

type Edge = (u64, u64, Option<f32>, usize);

/// Parses an edge-list line whose first field starts at `i`; returns the edge and the start of
/// the next line.
#[inline]
fn edge_list_line(d: &[u8], i: usize, skip_weight: bool) -> Result<Edge, LineProblem> {
    const SYNTAX: LineProblem = LineProblem::EdgeListSyntax;
    let at_end = |k: usize| k >= d.len() || d[k] == b'\n';
    let (s, i) = parse_id(d, i, SYNTAX)?;
    let j = skip_blanks(d, i);
    if j == i || at_end(j) {
        return Err(SYNTAX);
    }
    let (t, i) = parse_id(d, j, SYNTAX)?;
    let j = skip_blanks(d, i);
    if at_end(j) {
        return Ok((s, t, None, j + 1));
    }
    if j == i {
        return Err(SYNTAX);
    }
    let mut k = j;
    while k < d.len() && d[k] != b'\n' && !is_blank(d[k]) {
        k += 1;
    }
    let w = if skip_weight {
        None
    } else {
        Some(parse_weight(&d[j..k])?)
    };
    let k = skip_blanks(d, k);
    if !at_end(k) {
        return Err(LineProblem::TooManyColumns);
    }
    Ok((s, t, w, k + 1))
}

/// Strips blanks and one pair of double quotes around a CSV field.
fn trim_field(mut f: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = f {
        if !is_blank(*first) {
            break;
        }
        f = rest;
    }
    while let [rest @ .., last] = f {
        if !is_blank(*last) {
            break;
        }
        f = rest;
    }
    match f {
        [b'"', inner @ .., b'"'] => inner,
        _ => f,
    }
}

/// Parses a whole CSV field as a node id.
fn parse_id_field(field: &[u8]) -> Result<u64, LineProblem> {
    let field = trim_field(field);
    let (v, end) = parse_id(field, 0, LineProblem::CsvSyntax)?;
    if end != field.len() {
        return Err(LineProblem::CsvSyntax);
    }
    Ok(v)
}

/// Parses a CSV line starting at `i`; returns the edge and the start of the next line.
fn csv_line(
    d: &[u8],
    i: usize,
    layout: &CsvLayout,
    skip_weight: bool,
) -> Result<Edge, LineProblem> {
    let end = line_end(d, i);
    let (mut s, mut t, mut w) = (None, None, None);
    for (k, field) in d[i..end].split(|&b| b == b',').enumerate() {
        if k >= layout.fields {
            return Err(LineProblem::TooManyFields);
        }
        if k == layout.source {
            s = Some(parse_id_field(field)?);
        } else if k == layout.target {
            t = Some(parse_id_field(field)?);
        } else if Some(k) == layout.weight && !skip_weight {
            w = Some(parse_weight(trim_field(field))?);
        }
    }
    let wants_weight = layout.weight.is_some() && !skip_weight;
    match (s, t) {
        (Some(s), Some(t)) if w.is_some() || !wants_weight => Ok((s, t, w, end + 1)),
        _ => Err(LineProblem::CsvSyntax),
    }
}

/// The error for the line starting at `offset`: counts the lines before it and quotes it.
fn line_error(path: &Path, text: &[u8], offset: usize, problem: LineProblem) -> LoadError {
    let offset = offset.min(text.len());
    let line = 1 + text[..offset].iter().filter(|&&b| b == b'\n').count() as u64;
    let end = line_end(text, offset);
    let raw = String::from_utf8_lossy(&text[offset..end]);
    let raw = raw.trim();
    let text = if raw.chars().count() > MAX_QUOTE {
        let mut t: String = raw.chars().take(MAX_QUOTE).collect();
        t.push('…');
        t
    } else {
        raw.to_string()
    };
    LoadError::Parse {
        path: path.to_path_buf(),
        line,
        problem,
        text,
    }
}

/// Maps original ids to dense ids through a bitmap of the ids present and per-word ranks; used
/// when ids are small compared with the number of edges.
struct BitmapIds {
    words: Vec<u64>,
    ranks: Vec<u32>,
}

impl BitmapIds {
    #[inline]
    fn dense(&self, id: u64) -> u32 {
        let w = (id / 64) as usize;
        let below = self.words[w] & ((1u64 << (id % 64)) - 1);
        self.ranks[w] + below.count_ones()
    }
}

/// Maps original ids to dense ids by searching the sorted labels, narrowed by a table indexed by
/// the id's high bits; used when ids are sparse.
struct SortedIds<'a> {
    labels: &'a [u64],
    min: u64,
    shift: u32,
    table: Vec<u32>,
}

impl<'a> SortedIds<'a> {
    fn new(labels: &'a [u64]) -> Self {
        let (min, max) = (labels[0], labels[labels.len() - 1]);
        let span = max - min;
        let span_bits = 64 - span.leading_zeros();
        let table_bits = labels.len().next_power_of_two().trailing_zeros();
        let shift = span_bits.saturating_sub(table_bits);
        let buckets = (span >> shift) as usize + 1;
        let mut table = Vec::with_capacity(buckets + 1);
        let mut i = 0usize;
        for b in 0..buckets as u64 {
            while i < labels.len() && (labels[i] - min) >> shift < b {
                i += 1;
            }
            table.push(i as u32);
        }
        table.push(labels.len() as u32);
        SortedIds {
            labels,
            min,
            shift,
            table,
        }
    }

    #[inline]
    fn dense(&self, id: u64) -> u32 {
        let b = ((id - self.min) >> self.shift) as usize;
        let (lo, hi) = (self.table[b] as usize, self.table[b + 1] as usize);
        lo as u32 + self.labels[lo..hi].partition_point(|&x| x < id) as u32
    }
}

/// Dense-id edges of one chunk.
type Converted = (Vec<u32>, Vec<u32>, Option<Vec<f32>>);

/// Rewrites every chunk's ids as dense ids, in parallel, optionally reversing the edges.
fn convert(chunks: Vec<Chunk>, reverse: bool, dense: impl Fn(u64) -> u32 + Sync) -> Vec<Converted> {
    chunks
        .into_par_iter()
        .map(|c| {
            let m = c.ids.len() / 2;
            let (mut src, mut dst) = (Vec::with_capacity(m), Vec::with_capacity(m));
            for pair in c.ids.chunks_exact(2) {
                let (a, b) = (dense(pair[0]), dense(pair[1]));
                let (a, b) = if reverse { (b, a) } else { (a, b) };
                src.push(a);
                dst.push(b);
            }
            (src, dst, c.weights)
        })
        .collect()
}

/// Remaps the ids and builds the graph.
fn build(
    path: &Path,
    chunks: Vec<Chunk>,
    weighted: bool,
    opts: &LoadOptions,
    lines: u64,
) -> Result<(Graph, Stats), LoadError> {
    let edges: usize = chunks.iter().map(|c| c.ids.len() / 2).sum();
    let max_id = chunks.iter().map(|c| c.max_id).max().unwrap_or(0);
    let endpoints = (edges as u64).saturating_mul(2);
    let too_many = |count: u64| LoadError::TooManyNodes {
        path: path.to_path_buf(),
        count,
    };

    let (labels, converted) = if edges == 0 {
        (Vec::new(), Vec::new())
    } else if max_id <= endpoints.saturating_mul(128).max(1 << 24) {
        // Dense enough for a bitmap: mark the ids present, then rank them.
        let words: Vec<AtomicU64> = (0..max_id / 64 + 1).map(|_| AtomicU64::new(0)).collect();
        chunks.par_iter().for_each(|c| {
            for &id in &c.ids {
                let (w, bit) = (&words[(id / 64) as usize], 1u64 << (id % 64));
                if w.load(Ordering::Relaxed) & bit == 0 {
                    w.fetch_or(bit, Ordering::Relaxed);
                }
            }
        });
        let words: Vec<u64> = words.into_iter().map(AtomicU64::into_inner).collect();
        let count: u64 = words.iter().map(|w| u64::from(w.count_ones())).sum();
        if count > u64::from(u32::MAX) {
            return Err(too_many(count));
        }
        let mut ranks = Vec::with_capacity(words.len());
        let mut labels = Vec::with_capacity(count as usize);
        let mut rank = 0u32;
        for (wi, &word) in words.iter().enumerate() {
            ranks.push(rank);
            rank += word.count_ones();
            let mut bits = word;
            while bits != 0 {
                labels.push(wi as u64 * 64 + u64::from(bits.trailing_zeros()));
                bits &= bits - 1;
            }
        }
        let map = BitmapIds { words, ranks };
        (labels, convert(chunks, opts.reverse, |id| map.dense(id)))
    } else {
        // Sparse ids: sort and deduplicate each chunk's ids, then merge the sorted runs.
        let runs: Vec<Vec<u64>> = chunks
            .par_iter()
            .map(|c| {
                let mut v = c.ids.clone();
                v.sort_unstable();
                v.dedup();
                v
            })
            .collect();
        let mut labels = Vec::with_capacity(runs.iter().map(Vec::len).sum());
        for run in runs {
            labels.extend_from_slice(&run);
        }
        labels.par_sort();
        labels.dedup();
        if labels.len() as u64 > u64::from(u32::MAX) {
            return Err(too_many(labels.len() as u64));
        }
        let map = SortedIds::new(&labels);
        let converted = convert(chunks, opts.reverse, |id| map.dense(id));
        drop(map);
        (labels, converted)
    };

    let n = labels.len();
    let mut stats = Stats {
        lines,
        edges_read: edges as u64,
        self_loops: 0,
        duplicates: 0,
    };
    if opts.keep_self_loops || opts.keep_duplicates {
        let (graph, loops, dups) = build_keeping(n, weighted, converted, opts, labels);
        stats.self_loops = loops;
        stats.duplicates = dups;
        return Ok((graph, stats));
    }
    let mut builder = GraphBuilder::new(n, opts.directed);
    builder.reserve(edges);
    for (src, dst, w) in converted {
        let ones;
        let w = match (weighted, w) {
            (false, _) => None,
            (true, Some(w)) => Some(w),
            (true, None) => {
                ones = vec![1.0; src.len()];
                Some(ones)
            }
        };
        builder.extend_edges(&src, &dst, w.as_deref());
    }
    let (graph, report) = builder.labels(labels).build();
    stats.self_loops = report.self_loops;
    stats.duplicates = report.duplicates;
    Ok((graph, stats))
}

/// Builds the graph by hand when self-loops or duplicates are to be kept (the [`GraphBuilder`]
/// always drops them). Returns the graph and the self-loops and duplicates dropped.
fn build_keeping(
    n: usize,
    weighted: bool,
    converted: Vec<Converted>,
    opts: &LoadOptions,
    labels: Vec<u64>,
) -> (Graph, u64, u64) {
    let m: usize = converted.iter().map(|c| c.0.len()).sum();
    let cap = if opts.directed { m } else { 2 * m };
    let (mut src, mut dst) = (Vec::with_capacity(cap), Vec::with_capacity(cap));
    let mut wts = weighted.then(|| Vec::with_capacity(cap));
    for (s, t, w) in converted {
        for (e, (&a, &b)) in s.iter().zip(&t).enumerate() {
            let weight = w.as_ref().map_or(1.0, |w| w[e]);
            // Both directions of an undirected tie, the reverse right after the edge (as the
            // GraphBuilder orders them, so a tie given twice keeps its first weight both ways);
            // a self-loop is stored once.
            let both = !opts.directed && a != b;
            for (x, y) in std::iter::once((a, b)).chain(both.then_some((b, a))) {
                src.push(x);
                dst.push(y);
                if let Some(all) = &mut wts {
                    all.push(weight);
                }
            }
        }
    }
    let (offsets, mut tg, mut wt) = counting_sort(n, &src, &dst, wts.as_deref());
    drop((src, dst, wts));

    // Sort each list by target (stably, so a kept duplicate's weights stay in file order) and
    // drop what is not kept: (kept, self-loops dropped, duplicates of other edges dropped,
    // duplicate self-loops dropped).
    let counts: Vec<(usize, u64, u64, u64)> = {
        let lists = split_lists(&offsets, &mut tg);
        let wlists = match &mut wt {
            Some(w) => split_lists(&offsets, w).into_iter().map(Some).collect(),
            None => (0..n).map(|_| None).collect::<Vec<_>>(),
        };
        lists
            .into_par_iter()
            .zip(wlists)
            .enumerate()
            .map(|(v, (list, mut wl))| {
                let mut pairs: Vec<(u32, f32)> = match wl.as_deref() {
                    Some(wl) => list.iter().copied().zip(wl.iter().copied()).collect(),
                    None => list.iter().map(|&t| (t, 1.0)).collect(),
                };
                pairs.sort_by_key(|p| p.0);
                let (mut kept, mut loops, mut dups, mut loop_dups) = (0usize, 0u64, 0u64, 0u64);
                let mut prev = None;
                for (t, w) in pairs {
                    let is_loop = t == v as u32;
                    let is_dup = prev == Some(t);
                    prev = Some(t);
                    if is_loop && !opts.keep_self_loops {
                        loops += 1;
                        continue;
                    }
                    if is_dup && !opts.keep_duplicates {
                        if is_loop {
                            loop_dups += 1;
                        } else {
                            dups += 1;
                        }
                        continue;
                    }
                    list[kept] = t;
                    if let Some(wl) = wl.as_deref_mut() {
                        wl[kept] = w;
                    }
                    kept += 1;
                }
                (kept, loops, dups, loop_dups)
            })
            .collect()
    };
    let loop_dups: u64 = counts.iter().map(|c| c.3).sum();
    let kept: Vec<(u32, u32, u32)> = counts
        .iter()
        .map(|&(k, l, d, _)| (k as u32, l as u32, d as u32))
        .collect();
    let (new_offsets, tg, wt, (loops, mut dups)) = compact(&offsets, tg, wt, &kept);
    if !opts.directed {
        // Each undirected duplicate was seen from both ends; self-loops are stored once.
        dups /= 2;
    }
    let in_adj = opts.directed.then(|| {
        let sources = sources_of(&new_offsets);
        let (o, t, w) = counting_sort(n, &tg, &sources, wt.as_deref());
        Adjacency {
            offsets: o.into(),
            targets: t.into(),
            weights: w.map(Into::into),
        }
    });
    let graph = Graph {
        node_count: n,
        directed: opts.directed,
        out_adj: Adjacency {
            offsets: new_offsets.into(),
            targets: tg.into(),
            weights: wt.map(Into::into),
        },
        in_adj,
        positions: None,
        labels: Some(labels.into()),
        blocks: None,
    };
    (graph, loops, dups + loop_dups)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// Writes `content` to `name` in a fresh temporary directory.
    fn file(name: &str, content: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        (dir, path)
    }

    /// Every out-edge as (label, label, weight), in order.
    fn edges(g: &Graph) -> Vec<(u64, u64, f32)> {
        let mut out = Vec::new();
        for v in 0..g.node_count() as u32 {
            let ws = g.out_adjacency().weights(v);
            for (i, &t) in g.out_neighbors(v).iter().enumerate() {
                out.push((g.label(v), g.label(t), ws.map_or(1.0, |w| w[i])));
            }
        }
        out
    }

    fn directed() -> LoadOptions {
        LoadOptions {
            directed: true,
            ..LoadOptions::default()
        }
    }

    fn parse_error(
        content: &[u8],
        name: &str,
        opts: &LoadOptions,
        chunk: Option<usize>,
    ) -> (u64, LineProblem, String) {
        let (_dir, path) = file(name, content);
        match load_graph_with(&path, opts, chunk) {
            Err(e @ LoadError::Parse { .. }) => {
                let message = e.to_string();
                let LoadError::Parse { line, problem, .. } = e else {
                    unreachable!()
                };
                (line, problem, message)
            }
            other => panic!("expected a parse error, got {other:?}"),
        }
    }

    const SNAP: &str = "# Directed graph: test\n# FromNodeId\tToNodeId\tWeight\n\
        1000000000007\t5\t0.5\n\
        5 1000000000007 2\n\
        \n\
        % another comment style\n\
        5\t\t42   1.25  \n\
        42 5 3\r\n\
        7 42 1\n";

    #[test]
    fn snap_file_with_comments_weights_and_large_ids_round_trips() {
        let (_dir, path) = file("net.txt", SNAP.as_bytes());
        let Loaded { graph, report } = load_graph(&path, &directed()).unwrap();
        assert_eq!(graph.labels(), Some(&[5, 7, 42, 1000000000007][..]));
        assert!(graph.is_directed() && graph.is_weighted());
        assert_eq!(
            edges(&graph),
            vec![
                (5, 42, 1.25),
                (5, 1000000000007, 2.0),
                (7, 42, 1.0),
                (42, 5, 3.0),
                (1000000000007, 5, 0.5)
            ]
        );
        assert_eq!(graph.node_of_label(1000000000007), Some(3));
        assert_eq!(graph.in_neighbors(graph.node_of_label(5).unwrap()), &[2, 3]);
        assert_eq!(
            report,
            LoadReport {
                lines: 9,
                edges_read: 5,
                nodes: 4,
                ..LoadReport::default()
            }
        );
    }

    #[test]
    fn undirected_loads_store_each_edge_both_ways() {
        let (_dir, path) = file("net.txt", b"1 2\n2 3\n3 1\n2 1\n");
        let Loaded { graph, report } = load_graph(&path, &LoadOptions::default()).unwrap();
        assert!(!graph.is_directed() && !graph.is_weighted());
        assert_eq!(graph.edge_count(), 6);
        assert_eq!(
            report.duplicates_dropped, 1,
            "2 1 repeats 1 2 in an undirected graph"
        );
        assert_eq!(graph.out_neighbors(0), &[1, 2]);
        assert_eq!(graph.in_neighbors(0), &[1, 2]);

        let directed = load_graph(&path, &directed()).unwrap();
        assert_eq!(directed.report.duplicates_dropped, 0);
        assert_eq!(directed.graph.edge_count(), 4);
        assert_eq!(directed.graph.out_neighbors(0), &[1]);
        assert_eq!(directed.graph.in_neighbors(0), &[1, 2]);
    }

    #[test]
    fn an_undirected_tie_given_twice_keeps_its_first_weight_both_ways() {
        let (_dir, path) = file("net.txt", b"0 1 0.5\n1 0 1.5\n1 2 2.0\n");
        let undirected = LoadOptions::default();
        let g = load_graph(&path, &undirected).unwrap().graph;
        let expected = vec![(0, 1, 0.5), (1, 0, 0.5), (1, 2, 2.0), (2, 1, 2.0)];
        assert_eq!(edges(&g), expected);
        // The same when self-loops are kept (the graph is then built by hand).
        let keeping = LoadOptions {
            keep_self_loops: true,
            ..LoadOptions::default()
        };
        let g = load_graph(&path, &keeping).unwrap().graph;
        assert_eq!(edges(&g), expected);
    }

    #[test]
    fn reverse_flips_every_edge() {
        let (_dir, path) = file("net.txt", b"10 20\n10 30\n");
        let opts = LoadOptions {
            reverse: true,
            ..directed()
        };
        let g = load_graph(&path, &opts).unwrap().graph;
        assert_eq!(edges(&g), vec![(20, 10, 1.0), (30, 10, 1.0)]);
    }

    #[test]
    fn self_loops_and_duplicates_are_reported_and_dropped_or_kept() {
        let content = b"1 1\n1 2 0.5\n1 2 0.7\n2 3\n3 3\n3 3\n1 2\n";
        let (_dir, path) = file("net.txt", content);
        let Loaded { graph, report } = load_graph(&path, &directed()).unwrap();
        assert_eq!(
            (
                report.self_loops_dropped,
                report.duplicates_dropped,
                report.edges_read
            ),
            (3, 2, 7)
        );
        assert_eq!(edges(&graph), vec![(1, 2, 0.5), (2, 3, 1.0)]);
        assert_eq!(
            graph.node_count(),
            3,
            "a node seen only in a self-loop is still a node"
        );

        let keep_all = LoadOptions {
            keep_self_loops: true,
            keep_duplicates: true,
            ..directed()
        };
        let Loaded { graph, report } = load_graph(&path, &keep_all).unwrap();
        assert_eq!(
            (report.self_loops_dropped, report.duplicates_dropped),
            (0, 0)
        );
        assert_eq!(
            edges(&graph),
            vec![
                (1, 1, 1.0),
                (1, 2, 0.5),
                (1, 2, 0.7),
                (1, 2, 1.0),
                (2, 3, 1.0),
                (3, 3, 1.0),
                (3, 3, 1.0)
            ]
        );
        assert_eq!(graph.in_neighbors(1), &[0, 0, 0]);
        assert_eq!(
            graph.in_adjacency().weights(1),
            Some(&[0.5f32, 0.7, 1.0][..])
        );

        let keep_loops = LoadOptions {
            keep_self_loops: true,
            ..directed()
        };
        let Loaded { graph, report } = load_graph(&path, &keep_loops).unwrap();
        assert_eq!(
            (report.self_loops_dropped, report.duplicates_dropped),
            (0, 3)
        );
        assert_eq!(
            edges(&graph),
            vec![(1, 1, 1.0), (1, 2, 0.5), (2, 3, 1.0), (3, 3, 1.0)]
        );

        let undirected_keep_dups = LoadOptions {
            keep_duplicates: true,
            ..LoadOptions::default()
        };
        let (_dir2, path2) = file("u.txt", b"1 2\n2 1\n2 2\n");
        let Loaded { graph, report } = load_graph(&path2, &undirected_keep_dups).unwrap();
        assert_eq!(
            (report.self_loops_dropped, report.duplicates_dropped),
            (1, 0)
        );
        assert_eq!(
            edges(&graph),
            vec![(1, 2, 1.0), (1, 2, 1.0), (2, 1, 1.0), (2, 1, 1.0)]
        );
        let Loaded { report, .. } = load_graph(&path2, &LoadOptions::default()).unwrap();
        assert_eq!(
            (report.self_loops_dropped, report.duplicates_dropped),
            (1, 1)
        );
    }

    #[test]
    fn weights_are_detected_ignored_or_forced() {
        let (_dir, path) = file("net.txt", b"1 2\n2 3 0.5\n");
        let g = load_graph(&path, &directed()).unwrap().graph;
        assert_eq!(edges(&g), vec![(1, 2, 1.0), (2, 3, 0.5)]);
        let ignore = LoadOptions {
            weighted: Some(false),
            ..directed()
        };
        assert!(!load_graph(&path, &ignore).unwrap().graph.is_weighted());
        let (_dir2, path2) = file("net.txt", b"1 2\n2 3\n");
        assert!(!load_graph(&path2, &directed()).unwrap().graph.is_weighted());
        let force = LoadOptions {
            weighted: Some(true),
            ..directed()
        };
        let g = load_graph(&path2, &force).unwrap().graph;
        assert_eq!(edges(&g), vec![(1, 2, 1.0), (2, 3, 1.0)]);
        assert!(g.is_weighted());
        // With weights ignored, a third column need not be a number (a timestamp, say).
        let (_dir3, path3) = file("net.txt", b"1 2 2021-01-01\n");
        assert_eq!(load_graph(&path3, &ignore).unwrap().graph.edge_count(), 1);
    }

    #[test]
    fn csv_with_a_header_is_read_by_column_name() {
        let content =
            b"\xef\xbb\xbfWeight, Source ,\"Target\",note\n0.5,1,2,x\n 2 ,\"3\" ,1,\n\n7,3,2,y\r\n";
        let (_dir, path) = file("edges.csv", content);
        let Loaded { graph, report } = load_graph(&path, &directed()).unwrap();
        assert_eq!(edges(&graph), vec![(1, 2, 0.5), (3, 1, 2.0), (3, 2, 7.0)]);
        assert_eq!((report.lines, report.edges_read), (5, 3));

        for header in ["from,to", "SRC,DST", "u,v"] {
            let (_dir, path) = file("e.txt", format!("{header}\n4,5\n").as_bytes());
            let opts = LoadOptions {
                format: Format::Csv,
                ..directed()
            };
            let g = load_graph(&path, &opts).unwrap().graph;
            assert_eq!(edges(&g), vec![(4, 5, 1.0)], "{header}");
        }
        let (_dir, path) = file("only-header.csv", b"source,target\n");
        assert_eq!(
            load_graph(&path, &directed()).unwrap().graph.node_count(),
            0
        );
        let (_dir, path) = file("comments.csv", b"# nothing\n\n");
        let Loaded { graph, report } = load_graph(&path, &directed()).unwrap();
        assert_eq!((graph.node_count(), report.lines), (0, 2));
    }

    #[test]
    fn gzipped_files_are_read_transparently() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(SNAP.as_bytes()).unwrap();
        let bytes = gz.finish().unwrap();
        let (_dir, path) = file("net.txt.gz", &bytes);
        let plain = file("net.txt", SNAP.as_bytes());
        let expected = edges(&load_graph(&plain.1, &directed()).unwrap().graph);
        assert_eq!(
            edges(&load_graph(&path, &directed()).unwrap().graph),
            expected
        );
        // Detected by magic bytes even without the extension.
        let (_dir, path) = file("net.bin", &bytes);
        assert_eq!(
            edges(&load_graph(&path, &directed()).unwrap().graph),
            expected
        );
        // CSV inside gzip, decided by the name under `.gz`.
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"source,target\n1,2\n").unwrap();
        let (_dir, path) = file("e.csv.gz", &gz.finish().unwrap());
        assert_eq!(
            load_graph(&path, &directed()).unwrap().graph.edge_count(),
            1
        );
        // A `.gz` name over something that is not gzip is a clear error.
        let (_dir, path) = file("fake.gz", b"1 2\n");
        let e = load_graph(&path, &directed()).unwrap_err();
        assert!(
            matches!(e, LoadError::Gzip { .. }) && e.to_string().contains("fake.gz"),
            "{e}"
        );
    }

    #[test]
    fn bad_lines_name_their_line_and_what_was_expected() {
        use LineProblem::*;
        let cases: &[(&str, &[u8], u64, LineProblem)] = &[
            ("net.txt", b"# c\n1 2\n\n12 abc\n3 4\n", 4, EdgeListSyntax),
            ("net.txt", b"1 2\n7\n", 2, EdgeListSyntax),
            ("net.txt", b"1 2\n7 8x\n", 2, EdgeListSyntax),
            ("net.txt", b"1 2\n1.5 2\n", 2, EdgeListSyntax),
            ("net.txt", b"1 2\n3 -4\n", 2, NegativeId),
            ("net.txt", b"-1 2\n", 1, NegativeId),
            ("net.txt", b"1 2\n\n18446744073709551616 1\n", 3, IdTooLarge),
            ("net.txt", b"1 2 nan\n", 1, BadWeight),
            ("net.txt", b"1 2 0.5\n1 2 inf\n", 2, BadWeight),
            ("net.txt", b"1 2 1e40\n", 1, BadWeight),
            ("net.txt", b"1 2 w\n", 1, BadWeight),
            ("net.txt", b"1 2 0.5\n2 3 -0.5\n", 2, BadWeight),
            ("net.txt", b"1 2 -nan\n", 1, BadWeight),
            ("e.csv", b"source,target,weight\n1,2,-1\n", 2, BadWeight),
            ("net.txt", b"1 2\r\n3 4 5 6\r\n", 2, TooManyColumns),
            ("e.csv", b"a,b\n1,2\n", 1, CsvHeader),
            (
                "e.csv",
                b"# comment\n\nsource,target\n1,2\n1,x\n",
                5,
                CsvSyntax,
            ),
            ("e.csv", b"source,target\n1,2,3\n", 2, TooManyFields),
            ("e.csv", b"source,target,weight\n1,2\n", 2, CsvSyntax),
            ("e.csv", b"source,target,weight\n1,2,\n", 2, BadWeight),
            ("e.csv", b"source,target\n1,-2\n", 2, NegativeId),
        ];
        for &(name, content, line, problem) in cases {
            let (l, p, message) = parse_error(content, name, &directed(), None);
            assert_eq!((l, p), (line, problem), "{message}");
            assert!(message.contains(&format!("{name}:{line}: ")), "{message}");
        }
        let (_, _, message) = parse_error(b"# c\n1 2\n\n12 abc\n", "net.txt", &directed(), None);
        assert!(
            message.ends_with(
                "net.txt:4: expected two node ids and an optional weight, found \"12 abc\""
            ),
            "{message}"
        );
        let long = format!("1 2\n1 2 {}\n", "x".repeat(500));
        let (_, _, message) = parse_error(long.as_bytes(), "net.txt", &directed(), None);
        assert!(message.len() < 250 && message.contains('…'), "{message}");
        let forced = LoadOptions {
            weighted: Some(true),
            ..directed()
        };
        let (line, problem, _) = parse_error(b"source,target\n1,2\n", "e.csv", &forced, None);
        assert_eq!((line, problem), (1, CsvNoWeightColumn));
    }

    /// A pseudo-random stream for test inputs.
    fn splitmix(state: &mut u64) -> u64 {
        *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    #[test]
    fn a_bad_line_deep_in_a_multi_chunk_file_has_the_right_line_number() {
        let mut content = String::from("# header\n");
        for i in 0..5000u64 {
            if i % 7 == 0 {
                content.push_str("% comment\n\n");
            }
            content.push_str(&format!("{} {}\n", i, i * 31 % 5000));
        }
        let good_lines = content.matches('\n').count() as u64;
        content.push_str("17 oops\n1 2\n");
        for chunk in [1, 16, 64, 1000] {
            let (line, problem, message) =
                parse_error(content.as_bytes(), "big.txt", &directed(), Some(chunk));
            assert_eq!(
                (line, problem),
                (good_lines + 1, LineProblem::EdgeListSyntax),
                "{message}"
            );
            assert!(message.contains("\"17 oops\""), "{message}");
        }
        // Two bad lines in different chunks: the first one is reported.
        let two = format!(
            "1 2\n{}x y\n{}",
            "3 4\n".repeat(3000),
            "5 6\n-1 2\n".repeat(100)
        );
        let (line, problem, _) = parse_error(two.as_bytes(), "two.txt", &directed(), Some(64));
        assert_eq!((line, problem), (3002, LineProblem::EdgeListSyntax));
    }

    #[test]
    fn chunk_size_does_not_change_the_graph() {
        let mut state = 7;
        let mut content = String::new();
        for i in 0..3000 {
            let (a, b) = (splitmix(&mut state) % 500, splitmix(&mut state) % 500);
            match i % 3 {
                0 => content.push_str(&format!("{a}\t{b}\n")),
                1 => content.push_str(&format!("{a} {b} {}.5\n", i % 10)),
                _ => content.push_str(&format!("  {a}  {b}\r\n# c\n")),
            }
        }
        let (_dir, path) = file("net.txt", content.as_bytes());
        let whole = load_graph_with(&path, &directed(), Some(usize::MAX)).unwrap();
        for chunk in [1, 10, 333] {
            let parts = load_graph_with(&path, &directed(), Some(chunk)).unwrap();
            assert_eq!(edges(&parts.graph), edges(&whole.graph));
            assert_eq!(parts.report, whole.report);
        }
        assert_eq!(whole.report.lines, 4000);
    }

    #[test]
    fn sparse_ids_use_the_sorted_map_and_stay_sorted() {
        // Ids far larger than 128 times the edge count take the sort-and-search path.
        let mut state = 11;
        let ids: Vec<u64> = (0..300)
            .map(|i| match i % 3 {
                0 => splitmix(&mut state),
                1 => splitmix(&mut state) >> 40,
                _ => u64::MAX - i,
            })
            .collect();
        let mut content = String::new();
        let mut expected = Vec::new();
        for k in 0..2000 {
            let (a, b) = (
                ids[(splitmix(&mut state) % 300) as usize],
                ids[(k * 7) % 300],
            );
            content.push_str(&format!("{a} {b}\n"));
            if a != b {
                expected.push((a, b, 1.0));
            }
        }
        expected.sort_by(|x, y| x.partial_cmp(y).unwrap());
        expected.dedup();
        let (_dir, path) = file("sparse.txt", content.as_bytes());
        let g = load_graph_with(&path, &directed(), Some(100))
            .unwrap()
            .graph;
        assert!(g.labels().unwrap().windows(2).all(|w| w[0] < w[1]));
        assert_eq!(edges(&g), expected);
        let labels = g.labels().unwrap();
        assert!(
            labels
                .iter()
                .enumerate()
                .all(|(i, &l)| g.node_of_label(l) == Some(i as u32))
        );
        assert_eq!(labels.last(), Some(&(u64::MAX - 2)));
    }

    #[test]
    fn missing_empty_and_comment_only_files() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.txt");
        let e = load_graph(&missing, &directed()).unwrap_err();
        let message = e.to_string();
        assert!(matches!(e, LoadError::Io { .. }), "{message}");
        assert!(
            message.contains("nope.txt") && message.contains("check that the path"),
            "{message}"
        );
        let e = load_graph(dir.path(), &directed()).unwrap_err();
        assert!(matches!(e, LoadError::Io { .. }), "{e}");

        for content in [&b""[..], b"# nothing\n\n% here", b"\n\n\n"] {
            let (_dir, path) = file("empty.txt", content);
            let Loaded { graph, report } = load_graph(&path, &directed()).unwrap();
            assert_eq!(
                (graph.node_count(), graph.edge_count(), report.edges_read),
                (0, 0, 0)
            );
            assert_eq!(graph.labels(), Some(&[][..]));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let alphabet = b"0123456789  \t\n\n\r#%,.-e+naxyz\"";
        let mut state = 3;
        for round in 0..400 {
            let len = (splitmix(&mut state) % 200) as usize;
            let content: Vec<u8> = (0..len)
                .map(|_| {
                    let r = splitmix(&mut state);
                    if r.is_multiple_of(50) {
                        (r >> 8) as u8
                    } else {
                        alphabet[(r >> 8) as usize % alphabet.len()]
                    }
                })
                .collect();
            for name in ["f.txt", "f.csv"] {
                let (_dir, path) = file(name, &content);
                let opts = LoadOptions {
                    directed: round % 2 == 0,
                    keep_duplicates: round % 3 == 0,
                    weighted: [None, Some(true), Some(false)][round % 3],
                    ..LoadOptions::default()
                };
                let _ = load_graph_with(&path, &opts, Some(1 + round % 17));
            }
        }
    }
}
