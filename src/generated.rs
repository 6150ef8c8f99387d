//! The code progenitor generates from the spec at build time (never edited by
//! hand; see `build.rs` and `codegen/`): `Client`, one builder per operation
//! in [`builder`], and every request/response type in [`types`].
//!
//! Every public item here is documented from the spec's facts
//! (`codegen/docs.rs`); `missing_docs` is denied so a rule change that
//! leaves an item bare fails the build.
#![deny(missing_docs)]
#![allow(clippy::all, unused_qualifications)]

include!(concat!(env!("OUT_DIR"), "/authlete_api.rs"));

/// Plain typify types of the same spec (closed enums, unknown fields
/// dropped): the baseline of `benches/decode.rs`. Not API.
#[cfg(feature = "bench-baseline")]
#[doc(hidden)]
#[allow(missing_docs)]
pub mod baseline {
    include!(concat!(env!("OUT_DIR"), "/baseline_types.rs"));
}
