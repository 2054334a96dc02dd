//! Files that appear complete or not at all: the one way every part of the engine writes a
//! file someone reads.
//!
//! The content goes to a temporary file in the same directory (named `.NAME.XXXXXX.partial`, so
//! an interrupted process's leftovers are recognisable), is flushed and synced to disk, and is
//! renamed over the target only when complete ([`tempfile`]'s `persist`). A reader therefore
//! sees the old file or the new one, never half of one, even after a crash.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::Error;

/// A file written under a temporary name and renamed into place by [`AtomicFile::commit`];
/// dropped without a commit, the temporary file is removed.
pub struct AtomicFile {
    path: PathBuf,
    writer: BufWriter<NamedTempFile>,
}

impl AtomicFile {
    /// Starts writing `path`; its directory must exist.
    pub fn create(path: &Path) -> Result<Self, Error> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".partial")
            .rand_bytes(RANDOM_LETTERS)
            .tempfile_in(dir)
            .map_err(|e| Error::io(path, e))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            writer: BufWriter::with_capacity(1 << 16, temp),
        })
    }

    /// Where to write the content.
    pub fn writer(&mut self) -> &mut (dyn Write + Send) {
        &mut self.writer
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(self) -> Result<(), Error> {
        let temp = self
            .writer
            .into_inner()
            .map_err(|e| Error::io(&self.path, e.into_error()))?;
        temp.as_file()
            .sync_all()
            .map_err(|e| Error::io(temp.path(), e))?;
        temp.persist(&self.path)
            .map_err(|e| Error::io(&self.path, e.error))?;
        Ok(())
    }
}

/// Writing to the file itself, so that a writer that owns its output (a Parquet writer, say)
/// can hold the file and hand it back for [`AtomicFile::commit`].
impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.writer.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}

/// Letters in the random part of a temporary file's name (`tempfile`'s default).
const RANDOM_LETTERS: usize = 6;

/// Whether `name` is that of an [`AtomicFile`]'s temporary file (`.NAME.XXXXXX.partial`): what a
/// process killed while writing leaves behind, safe to remove before writing again.
pub fn is_temporary(name: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|n| n.strip_suffix(".partial"))
        .and_then(|n| n.rsplit_once('.'))
        .is_some_and(|(file, random)| {
            !file.is_empty()
                && random.len() == RANDOM_LETTERS
                && random.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncommitted_file_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        {
            let mut f = AtomicFile::create(&path).unwrap();
            f.writer().write_all(b"half").unwrap();
        }
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut f = AtomicFile::create(&path).unwrap();
        f.writer().write_all(b"whole").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "whole");
    }

    #[test]
    fn temporary_files_are_recognised_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = AtomicFile::create(&dir.path().join("sweep.json")).unwrap();
        f.write_all(b"{}").unwrap();
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| is_temporary(n)), "{names:?}");
        assert!(!is_temporary(".sweep.json.partial"));
        assert!(!is_temporary("sweep.json.x1y2z3.partial"));
        assert!(!is_temporary(".x1y2z3.partial"));
        assert!(!is_temporary("runs.csv"));
    }
}
