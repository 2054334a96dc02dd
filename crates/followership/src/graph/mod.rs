//! Where people live: the network of who sees whom.
//!
//! [`Graph`] is a compact CSR; [`GraphBuilder`] is the one way to make one. Networks come from
//! seeded generators ([`generators`]) or from files ([`load`]), with a memory-mapped binary cache
//! ([`cache`]) for large real networks.

pub mod builder;
pub mod cache;
pub mod csr;
pub mod generators;
pub mod load;
pub mod spec;
pub mod storage;

pub use builder::{BuildReport, GraphBuilder};
pub use csr::{Adjacency, Graph};
