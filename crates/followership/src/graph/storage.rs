//! Arrays that are either owned in memory or borrowed from a memory-mapped cache file.
//!
//! The graph's large arrays (offsets, targets, weights, labels) are read through [`Buffer`], so a
//! graph loaded from the binary cache (see [`crate::graph::cache`]) uses the mapped pages directly
//! instead of copying them: the second load of a large network is near-instant.

use std::ops::Deref;
use std::sync::Arc;

use bytemuck::Pod;
use memmap2::Mmap;

/// A read-only array of plain values, owned or memory-mapped.
pub enum Buffer<T: Pod> {
    /// An array in ordinary memory.
    Owned(Vec<T>),
    /// A window of a memory-mapped file: `len` values starting at byte `offset`.
    Mapped {
        /// The mapping, shared by every buffer of one cache file.
        map: Arc<Mmap>,
        /// Byte offset of the first value; a multiple of the alignment of `T`.
        offset: usize,
        /// Number of values.
        len: usize,
    },
}

impl<T: Pod> Buffer<T> {
    /// Bytes of memory this buffer holds on the heap (mapped pages are not counted).
    pub fn heap_bytes(&self) -> usize {
        match self {
            Buffer::Owned(v) => v.capacity() * std::mem::size_of::<T>(),
            Buffer::Mapped { .. } => 0,
        }
    }
}

impl<T: Pod> Clone for Buffer<T> {
    /// An owned buffer is copied; a mapped one shares its mapping.
    fn clone(&self) -> Self {
        match self {
            Buffer::Owned(v) => Buffer::Owned(v.clone()),
            Buffer::Mapped { map, offset, len } => Buffer::Mapped {
                map: Arc::clone(map),
                offset: *offset,
                len: *len,
            },
        }
    }
}

impl<T: Pod> Deref for Buffer<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match self {
            Buffer::Owned(v) => v,
            Buffer::Mapped { map, offset, len } => {
                let bytes = &map[*offset..*offset + len * std::mem::size_of::<T>()];
                bytemuck::cast_slice(bytes)
            }
        }
    }
}

impl<T: Pod> From<Vec<T>> for Buffer<T> {
    fn from(v: Vec<T>) -> Self {
        Buffer::Owned(v)
    }
}

impl<T: Pod + std::fmt::Debug> std::fmt::Debug for Buffer<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            Buffer::Owned(_) => "owned",
            Buffer::Mapped { .. } => "mapped",
        };
        write!(f, "Buffer({kind}, {} values)", self.len())
    }
}
