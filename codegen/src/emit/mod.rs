//! What the generator writes besides progenitor's output: the
//! documentation from the spec's facts, the per-operation client layer,
//! and the tables the crate's tests include.

pub(crate) mod client_layer;
pub(crate) mod docs;
pub(crate) mod progenitor;
pub(crate) mod test_tables;
