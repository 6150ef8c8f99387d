//! Every request and response type of the Authlete API, generated from the spec.
pub use crate::generated::types::*;
