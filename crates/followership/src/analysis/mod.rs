//! What the runs mean: summaries of outcomes over replicates, per point of a sweep, and the
//! sensitivity of outcomes to parameters.

pub mod ensemble;
pub mod points;
pub mod sensitivity;
pub mod summary;
pub mod ticks;
