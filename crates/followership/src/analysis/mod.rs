//! What the runs mean: summaries of outcomes over replicates.

pub mod ensemble;
pub mod sensitivity;
pub mod summary;
