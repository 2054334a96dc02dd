//! A memory-mapped binary cache of loaded networks, so the second load of a large network is
//! near-instant.
//!
//! After a text load with [`LoadOptions::cache`](super::load::LoadOptions::cache), the graph is
//! written to `<file>.fgraph` next to the input, atomically (a temporary file in the same
//! directory, then a rename, so a reader never sees a half-written cache and a mapped cache is
//! never changed underneath its reader). The next load with the same options maps that file and
//! builds the [`Graph`] on [`Buffer::Mapped`] arrays, without copying, provided it verifiably
//! matches: magic, format version, byte order, the options that shape the graph, the source
//! file's length and modification time (a quick first test), an xxh3 hash of the source file's
//! bytes (an edit that keeps length and modification time), and an xxh3 checksum of the cache's
//! body (a cache changed or damaged after it was written). A cache that is truncated or otherwise
//! inconsistent (sizes that disagree with the header, offsets out of order, ids out of range) or
//! fails a checksum is rejected, never trusted, and the load that finds it says so and rewrites
//! it.
//!
//! Both hashes read every byte once (xxh3, several GB/s), which costs far less than parsing the
//! text: on a 5-million-edge list (68 MB; its cache 52 MB), optimised build, 2 busy cores, the
//! two hashes took 0.013 s, the whole cached load with them 0.092 s, and a text load 1.78 s.
//!
//! Layout, in native byte order: a 128-byte header, then sections each starting at a multiple of
//! 8 bytes: out offsets (`u64`, n + 1), out targets (`u32`, m), out weights (`f32`, m, if
//! weighted); for a directed graph the same three for the in-adjacency; then labels (`u64`, n),
//! positions (`[f32; 2]`, n) and blocks (`u32`, n), each if present. [`write_cache`] and
//! [`read_cache`] use the format directly, for any graph.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytemuck::{Pod, Zeroable};
use memmap2::Mmap;
use rayon::prelude::*;

use super::csr::{Adjacency, Graph};
use super::storage::Buffer;

const MAGIC: [u8; 8] = *b"FGRAPH\0\n";
/// 2: the header holds checksums of the body and of the source file.
const VERSION: u32 = 2;
const BYTE_ORDER: u32 = 0x0102_0304;
const HEADER_LEN: usize = std::mem::size_of::<Header>();

const DIRECTED: u32 = 1;
const WEIGHTED: u32 = 1 << 1;
const LABELS: u32 = 1 << 2;
const POSITIONS: u32 = 1 << 3;
const BLOCKS: u32 = 1 << 4;
const KNOWN_FLAGS: u32 = DIRECTED | WEIGHTED | LABELS | POSITIONS | BLOCKS;

/// The fixed header at the start of a cache file.
#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct Header {
    magic: [u8; 8],
    version: u32,
    byte_order: u32,
    flags: u32,
    options: u32,
    node_count: u64,
    edge_count: u64,
    source_len: u64,
    source_mtime_secs: i64,
    source_mtime_nanos: u32,
    padding: u32,
    lines: u64,
    edges_read: u64,
    self_loops: u64,
    duplicates: u64,
    file_len: u64,
    /// xxh3 of every byte after the header.
    body_hash: u64,
    /// xxh3 of the source file's bytes (0 for a cache written by [`write_cache`]).
    source_hash: u64,
    /// FNV-1a hash of all the bytes before it.
    checksum: u64,
}

const _: () = assert!(HEADER_LEN == 128);

/// Why a cache file could not be written or used.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// The file could not be read, written or renamed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The cache file (or its temporary file while writing).
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// The file is a cache written by another version of the format; it is rewritten on the
    /// next load.
    #[error("{}: graph cache of format version {found}, but this build reads version {VERSION}", path.display())]
    Version {
        /// The cache file.
        path: PathBuf,
        /// The version in its header.
        found: u32,
    },
    /// The file is not a valid cache: wrong magic or byte order, truncated, or inconsistent.
    #[error("{}: not a valid graph cache: {reason}", path.display())]
    Invalid {
        /// The cache file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

/// What identifies the source file and load options a cache was made from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SourceStamp {
    pub(crate) len: u64,
    pub(crate) mtime_secs: i64,
    pub(crate) mtime_nanos: u32,
    pub(crate) options: u32,
    /// [`source_hash`] of the file's bytes.
    pub(crate) hash: u64,
}

/// The hash of a source file's bytes kept in the header of its cache.
pub(crate) fn source_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// The numbers of the text load a cache was made from, replayed in the report of a cached load.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct CacheStats {
    pub(crate) lines: u64,
    pub(crate) edges_read: u64,
    pub(crate) self_loops: u64,
    pub(crate) duplicates: u64,
}

/// The outcome of looking for a cache for a given source.
pub(crate) enum CacheProbe {
    /// No cache file.
    Missing,
    /// A cache of another version, source file or set of options.
    Stale,
    /// A valid cache of this source with these options.
    Hit(Box<Graph>, CacheStats),
}

/// The cache file kept for `source`: its name with `.fgraph` appended.
pub fn cache_path(source: &Path) -> PathBuf {
    let mut name = source.as_os_str().to_owned();
    name.push(".fgraph");
    PathBuf::from(name)
}

/// Writes `graph` to a cache file at `path`, atomically; it can be read back with [`read_cache`].
pub fn write_cache(graph: &Graph, path: &Path) -> Result<(), CacheError> {
    write_with(graph, path, &SourceStamp::default(), &CacheStats::default())
}

/// Maps the cache file at `path` and builds the graph on it without copying its arrays; fails on
/// a file that is not a complete, consistent cache.
pub fn read_cache(path: &Path) -> Result<Graph, CacheError> {
    let (map, header) = open(path)?;
    verify_body(path, &map, &header)?;
    Ok(graph_from(path, map, &header)?.0)
}

/// Looks for a valid cache of the source described by `stamp`.
pub(crate) fn probe(path: &Path, stamp: &SourceStamp) -> Result<CacheProbe, CacheError> {
    let (map, header) = match open(path) {
        Ok(found) => found,
        Err(CacheError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
            return Ok(CacheProbe::Missing);
        }
        Err(CacheError::Version { .. }) => return Ok(CacheProbe::Stale),
        Err(e) => return Err(e),
    };
    let found = SourceStamp {
        len: header.source_len,
        mtime_secs: header.source_mtime_secs,
        mtime_nanos: header.source_mtime_nanos,
        options: header.options,
        hash: header.source_hash,
    };
    let quick = |s: &SourceStamp| SourceStamp { hash: 0, ..*s };
    if quick(&found) != quick(stamp) {
        // The file or the options changed in the ordinary way: rebuild without a word.
        return Ok(CacheProbe::Stale);
    }
    if found.hash != stamp.hash {
        return Err(CacheError::Invalid {
            path: path.to_path_buf(),
            reason: "it was made from other contents of the source file (edited keeping its \
                     length and modification time)"
                .to_string(),
        });
    }
    verify_body(path, &map, &header)?;
    let (graph, stats) = graph_from(path, map, &header)?;
    Ok(CacheProbe::Hit(Box::new(graph), stats))
}

/// Maps a cache file and checks its header.
fn open(path: &Path) -> Result<(Arc<Mmap>, Header), CacheError> {
    let io_err = |source| CacheError::Io {
        path: path.to_path_buf(),
        source,
    };
    let invalid = |reason: &str| CacheError::Invalid {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    let file = File::open(path).map_err(io_err)?;
    let len = file.metadata().map_err(io_err)?.len();
    if len < HEADER_LEN as u64 {
        return Err(invalid("shorter than its header"));
    }
    // SAFETY: cache files are only ever replaced by renaming a new file over them, never changed
    // in place, so the mapped inode does not change while mapped (unless someone edits the file
    // in place by hand, which this format does not support).
    let map = unsafe { Mmap::map(&file) }.map_err(io_err)?;
    let header: Header = bytemuck::pod_read_unaligned(&map[..HEADER_LEN]);
    if header.magic != MAGIC {
        return Err(invalid("wrong magic bytes"));
    }
    if header.version != VERSION {
        return Err(CacheError::Version {
            path: path.to_path_buf(),
            found: header.version,
        });
    }
    if header.byte_order != BYTE_ORDER {
        return Err(invalid("written on a machine of the other byte order"));
    }
    if header.checksum != fnv1a(&map[..HEADER_LEN - 8]) {
        return Err(invalid("header checksum mismatch"));
    }
    if header.file_len != len {
        return Err(invalid(&format!(
            "{len} bytes long but the header says {} (truncated?)",
            header.file_len
        )));
    }
    Ok((Arc::new(map), header))
}

/// Checks the body against the checksum in the header: the structural checks of [`graph_from`]
/// cannot see a changed weight, position or label order that stays in range.
fn verify_body(path: &Path, map: &Mmap, header: &Header) -> Result<(), CacheError> {
    if xxhash_rust::xxh3::xxh3_64(&map[HEADER_LEN..]) != header.body_hash {
        return Err(CacheError::Invalid {
            path: path.to_path_buf(),
            reason: "its body does not match its checksum (changed or damaged since it was \
                     written)"
                .to_string(),
        });
    }
    Ok(())
}

/// Byte offsets of the sections of a cache file.
#[derive(Debug, Default)]
struct Layout {
    out: [Option<usize>; 3],
    inn: [Option<usize>; 3],
    labels: Option<usize>,
    positions: Option<usize>,
    blocks: Option<usize>,
    total: u64,
}

/// Where each section goes for a graph of `n` nodes and `m` edges with these flags; `None` if the
/// sizes overflow (only a corrupt header can do that).
fn layout(n: u64, m: u64, flags: u32) -> Option<Layout> {
    let mut pos = HEADER_LEN as u64;
    let mut take = |bytes: Option<u64>| -> Option<Option<usize>> {
        let start = pos;
        pos = pos.checked_add(bytes?)?.checked_add(7)? & !7;
        Some(Some(usize::try_from(start).ok()?))
    };
    let has = |flag: u32| flags & flag != 0;
    let adjacency =
        |take: &mut dyn FnMut(Option<u64>) -> Option<Option<usize>>| -> Option<[Option<usize>; 3]> {
            let offsets = take(n.checked_add(1)?.checked_mul(8))?;
            let targets = take(m.checked_mul(4))?;
            let weights = if has(WEIGHTED) {
                take(m.checked_mul(4))?
            } else {
                None
            };
            Some([offsets, targets, weights])
        };
    let mut l = Layout {
        out: adjacency(&mut take)?,
        ..Layout::default()
    };
    if has(DIRECTED) {
        l.inn = adjacency(&mut take)?;
    }
    if has(LABELS) {
        l.labels = take(n.checked_mul(8))?;
    }
    if has(POSITIONS) {
        l.positions = take(n.checked_mul(8))?;
    }
    if has(BLOCKS) {
        l.blocks = take(n.checked_mul(4))?;
    }
    l.total = pos;
    Some(l)
}

/// Builds the graph on the mapped sections and checks that it is consistent.
fn graph_from(path: &Path, map: Arc<Mmap>, h: &Header) -> Result<(Graph, CacheStats), CacheError> {
    let invalid = |reason: String| CacheError::Invalid {
        path: path.to_path_buf(),
        reason,
    };
    if h.flags & !KNOWN_FLAGS != 0 {
        return Err(invalid(format!("unknown flags {:#x}", h.flags)));
    }
    if h.node_count > u64::from(u32::MAX) {
        return Err(invalid(format!(
            "{} nodes is more than 32-bit ids allow",
            h.node_count
        )));
    }
    let l = layout(h.node_count, h.edge_count, h.flags)
        .filter(|l| l.total == h.file_len)
        .ok_or_else(|| invalid("section sizes disagree with the file length".to_string()))?;
    let n = h.node_count as usize;
    let m = h.edge_count as usize;
    fn mapped<T: Pod>(map: &Arc<Mmap>, offset: usize, len: usize) -> Buffer<T> {
        Buffer::Mapped {
            map: Arc::clone(map),
            offset,
            len,
        }
    }
    let adjacency = |s: [Option<usize>; 3]| -> Option<Adjacency> {
        Some(Adjacency {
            offsets: mapped(&map, s[0]?, n + 1),
            targets: mapped(&map, s[1]?, m),
            weights: s[2].map(|w| mapped(&map, w, m)),
        })
    };
    let (Some(out_adj), in_adj) = (adjacency(l.out), adjacency(l.inn)) else {
        return Err(invalid("missing out-adjacency".to_string()));
    };
    let directed = h.flags & DIRECTED != 0;
    let positions = l.positions.map(|p| {
        let values: &[f32] = bytemuck::cast_slice(&map[p..p + n * 8]);
        values.chunks_exact(2).map(|xy| [xy[0], xy[1]]).collect()
    });
    let blocks = l
        .blocks
        .map(|b| bytemuck::cast_slice::<u8, u32>(&map[b..b + n * 4]).to_vec());
    let graph = Graph {
        node_count: n,
        directed,
        out_adj,
        in_adj,
        positions,
        labels: l.labels.map(|o| mapped(&map, o, n)),
        blocks,
    };
    check_adjacency(&graph.out_adj, n, m).map_err(|e| invalid(format!("out-adjacency: {e}")))?;
    if let Some(inn) = &graph.in_adj {
        check_adjacency(inn, n, m).map_err(|e| invalid(format!("in-adjacency: {e}")))?;
    }
    if let Some(labels) = &graph.labels
        && !labels.par_windows(2).all(|w| w[0] < w[1])
    {
        return Err(invalid("labels are not strictly increasing".to_string()));
    }
    let stats = CacheStats {
        lines: h.lines,
        edges_read: h.edges_read,
        self_loops: h.self_loops,
        duplicates: h.duplicates,
    };
    Ok((graph, stats))
}

/// Checks that offsets rise from 0 to `m` and every target is a node, so that no lookup on the
/// graph can go out of bounds.
fn check_adjacency(adj: &Adjacency, n: usize, m: usize) -> Result<(), &'static str> {
    let offsets: &[u64] = &adj.offsets;
    if offsets.first() != Some(&0) || offsets.last() != Some(&(m as u64)) {
        return Err("offsets do not run from 0 to the edge count");
    }
    if !offsets.par_windows(2).all(|w| w[0] <= w[1]) {
        return Err("offsets decrease");
    }
    if !adj.targets.par_iter().all(|&t| (t as usize) < n) {
        return Err("a neighbour id is out of range");
    }
    Ok(())
}

/// Writes the cache with the given source stamp and load numbers: to a temporary file in the
/// same directory, then renamed over `path`.
pub(crate) fn write_with(
    graph: &Graph,
    path: &Path,
    stamp: &SourceStamp,
    stats: &CacheStats,
) -> Result<(), CacheError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().ok_or_else(|| CacheError::Invalid {
        path: path.to_path_buf(),
        reason: "the path has no file name".to_string(),
    })?;
    let tmp = path.with_file_name(format!(
        ".{}.{}-{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(|source| CacheError::Io {
            path: tmp.clone(),
            source,
        })?;
    let written = write_sections(graph, file, stamp, stats).and_then(|()| fs::rename(&tmp, path));
    written.map_err(|source| {
        let _ = fs::remove_file(&tmp);
        CacheError::Io {
            path: path.to_path_buf(),
            source,
        }
    })
}

/// Writes the header and sections of `graph` to `file`.
fn write_sections(
    graph: &Graph,
    file: File,
    stamp: &SourceStamp,
    stats: &CacheStats,
) -> io::Result<()> {
    let n = graph.node_count;
    let m = graph.edge_count();
    let flags = if graph.directed { DIRECTED } else { 0 }
        | if graph.is_weighted() { WEIGHTED } else { 0 }
        | if graph.labels.is_some() { LABELS } else { 0 }
        | if graph.positions.is_some() {
            POSITIONS
        } else {
            0
        }
        | if graph.blocks.is_some() { BLOCKS } else { 0 };
    let l = layout(n as u64, m as u64, flags).ok_or_else(|| io::Error::other("graph too large"))?;
    let mut header = Header {
        magic: MAGIC,
        version: VERSION,
        byte_order: BYTE_ORDER,
        flags,
        options: stamp.options,
        node_count: n as u64,
        edge_count: m as u64,
        source_len: stamp.len,
        source_mtime_secs: stamp.mtime_secs,
        source_mtime_nanos: stamp.mtime_nanos,
        padding: 0,
        lines: stats.lines,
        edges_read: stats.edges_read,
        self_loops: stats.self_loops,
        duplicates: stats.duplicates,
        file_len: l.total,
        body_hash: 0,
        source_hash: stamp.hash,
        checksum: 0,
    };

    // The header goes last, once the body's checksum is known: a placeholder first.
    let mut w = Sections {
        out: BufWriter::with_capacity(1 << 20, file),
        pos: 0,
        hash: xxhash_rust::xxh3::Xxh3::new(),
    };
    w.out.write_all(&[0u8; HEADER_LEN])?;
    w.pos = HEADER_LEN as u64;
    let weighted = graph.is_weighted();
    let adjacency = |w: &mut Sections, adj: &Adjacency| -> io::Result<()> {
        w.put(bytemuck::cast_slice(&adj.offsets))?;
        w.put(bytemuck::cast_slice(&adj.targets))?;
        if weighted {
            match &adj.weights {
                Some(ws) => w.put(bytemuck::cast_slice(ws))?,
                None => w.put(bytemuck::cast_slice(&vec![1f32; adj.targets.len()]))?,
            }
        }
        Ok(())
    };
    adjacency(&mut w, &graph.out_adj)?;
    if graph.directed {
        adjacency(&mut w, graph.in_adjacency())?;
    }
    if let Some(labels) = &graph.labels {
        w.put(bytemuck::cast_slice(labels))?;
    }
    if let Some(positions) = &graph.positions {
        w.put(bytemuck::cast_slice(positions))?;
    }
    if let Some(blocks) = &graph.blocks {
        w.put(bytemuck::cast_slice(blocks))?;
    }
    if w.pos != l.total {
        return Err(io::Error::other("internal error: cache layout mismatch"));
    }
    header.body_hash = w.hash.digest();
    header.checksum = fnv1a(&bytemuck::bytes_of(&header)[..HEADER_LEN - 8]);
    let mut file = w.out.into_inner().map_err(|e| e.into_error())?;
    file.seek(SeekFrom::Start(0))?;
    file.write_all(bytemuck::bytes_of(&header))?;
    Ok(())
}

/// A writer that pads every section to a multiple of 8 bytes.
struct Sections {
    out: BufWriter<File>,
    pos: u64,
    /// The checksum of the body, so far.
    hash: xxhash_rust::xxh3::Xxh3,
}

impl Sections {
    /// Writes `bytes` as one section, padded to a multiple of 8 bytes.
    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.hash.update(bytes);
        self.pos += bytes.len() as u64;
        let fill = (8 - self.pos % 8) % 8;
        self.out.write_all(&[0u8; 8][..fill as usize])?;
        self.hash.update(&[0u8; 8][..fill as usize]);
        self.pos += fill;
        Ok(())
    }
}

/// 64-bit FNV-1a hash.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::graph::GraphBuilder;
    use crate::graph::load::{LoadOptions, Loaded, load_graph};

    /// Everything observable about a graph, for comparing two of them.
    fn summary(g: &Graph) -> String {
        let adj = |a: &Adjacency| {
            (
                a.offsets().to_vec(),
                a.targets().to_vec(),
                a.all_weights().map(<[f32]>::to_vec),
            )
        };
        format!(
            "{} {} {:?} {:?} {:?} {:?} {:?}",
            g.node_count(),
            g.is_directed(),
            adj(g.out_adjacency()),
            adj(g.in_adjacency()),
            g.labels(),
            g.positions(),
            g.blocks()
        )
    }

    fn cached() -> LoadOptions {
        LoadOptions {
            directed: true,
            cache: true,
            ..LoadOptions::default()
        }
    }

    const NET: &[u8] = b"# test\n1 2 0.5\n2 3 1.5\n3 1 2\n3 3 1\n1 2 9\n1000000000007 1 4\n";

    #[test]
    fn cached_load_maps_an_identical_graph() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("net.txt");
        fs::write(&path, NET).unwrap();
        for opts in [
            cached(),
            LoadOptions {
                directed: false,
                ..cached()
            },
        ] {
            let first = load_graph(&path, &opts).unwrap();
            assert!(!first.report.from_cache && first.report.cache_warning.is_none());
            assert!(cache_path(&path).exists());
            let second = load_graph(&path, &opts).unwrap();
            assert!(second.report.from_cache, "{:?}", second.report);
            assert_eq!(summary(&second.graph), summary(&first.graph));
            assert_eq!(
                LoadReportNoCache::from(&second),
                LoadReportNoCache::from(&first)
            );
            assert_eq!(
                second.graph.heap_bytes(),
                0,
                "arrays are mapped, not copied"
            );
            assert_eq!(second.graph.node_of_label(1000000000007), Some(3));
        }
        assert_eq!(cache_path(&path), dir.path().join("net.txt.fgraph"));
        // Only the cache is left behind, no temporary files.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    /// The parts of a load report that a cached load must reproduce.
    #[derive(Debug, PartialEq)]
    struct LoadReportNoCache(u64, u64, u64, u64, usize);

    impl From<&Loaded> for LoadReportNoCache {
        fn from(l: &Loaded) -> Self {
            let r = &l.report;
            LoadReportNoCache(
                r.lines,
                r.edges_read,
                r.self_loops_dropped,
                r.duplicates_dropped,
                r.nodes,
            )
        }
    }

    #[test]
    fn changing_the_source_or_the_options_invalidates_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("net.txt");
        fs::write(&path, NET).unwrap();
        load_graph(&path, &cached()).unwrap();
        assert!(load_graph(&path, &cached()).unwrap().report.from_cache);

        // Same length, new content and modification time.
        let changed = String::from_utf8(NET.to_vec())
            .unwrap()
            .replace("2 3 1.5", "2 4 1.5");
        fs::write(&path, &changed).unwrap();
        let file = File::options().write(true).open(&path).unwrap();
        file.set_modified(SystemTime::now() + Duration::from_secs(5))
            .unwrap();
        drop(file);
        let reloaded = load_graph(&path, &cached()).unwrap();
        assert!(!reloaded.report.from_cache);
        assert!(reloaded.graph.labels().unwrap().contains(&4));
        assert!(load_graph(&path, &cached()).unwrap().report.from_cache);

        // Longer file.
        fs::write(&path, format!("{changed}5 6\n")).unwrap();
        let reloaded = load_graph(&path, &cached()).unwrap();
        assert!(!reloaded.report.from_cache && reloaded.graph.labels().unwrap().contains(&6));

        // Other options.
        for opts in [
            LoadOptions {
                reverse: true,
                ..cached()
            },
            LoadOptions {
                weighted: Some(false),
                ..cached()
            },
            LoadOptions {
                keep_self_loops: true,
                ..cached()
            },
        ] {
            let l = load_graph(&path, &opts).unwrap();
            assert!(!l.report.from_cache, "{opts:?}");
            assert!(
                load_graph(&path, &opts).unwrap().report.from_cache,
                "{opts:?}"
            );
        }
    }

    #[test]
    fn truncated_or_corrupt_caches_are_ignored_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("net.txt");
        fs::write(&path, NET).unwrap();
        let reference = summary(&load_graph(&path, &cached()).unwrap().graph);
        let cache = cache_path(&path);
        let good = fs::read(&cache).unwrap();

        let mut corrupt_targets = good.clone();
        let targets_at = HEADER_LEN + (4 + 1) * 8;
        corrupt_targets[targets_at..targets_at + 4].copy_from_slice(&77u32.to_ne_bytes());
        let mut bad_header = good.clone();
        bad_header[30] ^= 1;
        let mut other_version = good.clone();
        other_version[8] = 99;
        let variants: [(&str, Vec<u8>, bool); 6] = [
            ("truncated", good[..good.len() - 8].to_vec(), true),
            ("header only", good[..HEADER_LEN].to_vec(), true),
            ("shorter than a header", good[..17].to_vec(), true),
            ("target out of range", corrupt_targets, true),
            ("header bit flip", bad_header, true),
            ("other version", other_version, false),
        ];
        for (what, bytes, warns) in variants {
            fs::write(&cache, &bytes).unwrap();
            assert!(read_cache(&cache).is_err(), "{what}");
            let l = load_graph(&path, &cached()).unwrap();
            assert!(!l.report.from_cache, "{what}");
            assert_eq!(
                l.report.cache_warning.is_some(),
                warns,
                "{what}: {:?}",
                l.report.cache_warning
            );
            assert_eq!(summary(&l.graph), reference, "{what}");
            assert!(
                load_graph(&path, &cached()).unwrap().report.from_cache,
                "{what}: rewritten"
            );
        }

        // Every truncation and many byte flips are rejected or give a graph, never a panic.
        for len in 0..good.len() {
            fs::write(&cache, &good[..len]).unwrap();
            assert!(read_cache(&cache).is_err());
        }
        for i in 0..good.len() {
            let mut bytes = good.clone();
            bytes[i] = bytes[i].wrapping_add(0x41);
            fs::write(&cache, &bytes).unwrap();
            if let Ok(g) = read_cache(&cache) {
                let n = g.node_count() as u32;
                for v in 0..n {
                    assert!(
                        g.out_neighbors(v)
                            .iter()
                            .chain(g.in_neighbors(v))
                            .all(|&t| t < n)
                    );
                }
            }
        }
    }

    /// Issue 12: a cache whose edge list was edited keeping its length and modification time
    /// was trusted; now the content hash tells, and the load says so and rebuilds.
    #[test]
    fn an_edited_source_with_the_same_length_and_mtime_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("net.txt");
        fs::write(&path, NET).unwrap();
        let mtime = fs::metadata(&path).unwrap().modified().unwrap();
        load_graph(&path, &cached()).unwrap();
        let edited = String::from_utf8(NET.to_vec())
            .unwrap()
            .replace("2 3 1.5", "2 4 1.5");
        assert_eq!(edited.len(), NET.len());
        fs::write(&path, &edited).unwrap();
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        let l = load_graph(&path, &cached()).unwrap();
        assert!(!l.report.from_cache);
        let warning = l.report.cache_warning.expect("the rebuild is noted");
        assert!(
            warning.contains("other contents of the source file"),
            "{warning}"
        );
        assert!(l.graph.labels().unwrap().contains(&4));
        let again = load_graph(&path, &cached()).unwrap();
        assert!(again.report.from_cache && again.report.cache_warning.is_none());
        assert!(again.graph.labels().unwrap().contains(&4));
    }

    /// Issue 12: a changed body that stays structurally valid (a weight) was trusted; now the
    /// body checksum tells.
    #[test]
    fn a_changed_body_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("net.txt");
        fs::write(&path, NET).unwrap();
        let reference = summary(&load_graph(&path, &cached()).unwrap().graph);
        let cache = cache_path(&path);
        let mut bytes = fs::read(&cache).unwrap();
        let weight = 0.5f32.to_ne_bytes();
        let at = bytes
            .windows(4)
            .rposition(|w| w == weight)
            .expect("the weight 0.5 is stored");
        bytes[at..at + 4].copy_from_slice(&0.25f32.to_ne_bytes());
        fs::write(&cache, &bytes).unwrap();
        let e = read_cache(&cache).unwrap_err();
        assert!(e.to_string().contains("checksum"), "{e}");
        let l = load_graph(&path, &cached()).unwrap();
        assert!(!l.report.from_cache);
        assert!(l.report.cache_warning.unwrap().contains("checksum"));
        assert_eq!(summary(&l.graph), reference);
        assert!(load_graph(&path, &cached()).unwrap().report.from_cache);
    }

    #[test]
    fn an_unwritable_cache_is_skipped_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("net.txt");
        fs::write(&path, NET).unwrap();
        // A directory where the cache file should go cannot be replaced by a file.
        fs::create_dir(cache_path(&path)).unwrap();
        let l = load_graph(&path, &cached()).unwrap();
        assert!(!l.report.from_cache);
        let warning = l.report.cache_warning.unwrap();
        assert!(warning.contains("net.txt.fgraph"), "{warning}");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            2,
            "no temporary file left"
        );
    }

    #[test]
    fn write_and_read_cache_keep_every_part_of_a_graph() {
        let mut b = GraphBuilder::new(5, true);
        b.add_edge(0, 1);
        b.add_weighted_edge(1, 2, 0.25);
        b.add_edge(4, 0);
        b.add_edge(2, 3);
        let (g, _) = b
            .positions(vec![
                [0.1, 0.2],
                [0.3, 0.4],
                [0.5, 0.6],
                [0.7, 0.8],
                [0.9, 1.0],
            ])
            .blocks(vec![0, 0, 1, 1, 2])
            .labels(vec![3, 9, 27, 81, 243])
            .build();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.fgraph");
        write_cache(&g, &path).unwrap();
        let back = read_cache(&path).unwrap();
        assert_eq!(summary(&back), summary(&g));

        // An undirected graph of one edge: sections of 4 bytes still end 8-byte aligned.
        let mut b = GraphBuilder::new(2, false);
        b.add_edge(0, 1);
        let (g, _) = b.build();
        write_cache(&g, &path).unwrap();
        assert_eq!(summary(&read_cache(&path).unwrap()), summary(&g));
        let (empty, _) = GraphBuilder::new(0, true).build();
        write_cache(&empty, &path).unwrap();
        assert_eq!(summary(&read_cache(&path).unwrap()), summary(&empty));

        let e = read_cache(&dir.path().join("missing.fgraph")).unwrap_err();
        assert!(matches!(e, CacheError::Io { .. }), "{e}");
    }
}
