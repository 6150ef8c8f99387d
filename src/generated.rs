//! The code progenitor generates from the spec at build time (never edited by
//! hand; see `build.rs` and `codegen/`): `Client`, one builder per operation
//! in [`builder`], and every request/response type in [`types`].
#![allow(missing_docs, clippy::all, rustdoc::all, unused_qualifications)]

include!(concat!(env!("OUT_DIR"), "/authlete_api.rs"));

/// Plain typify types of the same spec (closed enums, unknown fields
/// dropped): the baseline of `benches/decode.rs`. Not API.
#[cfg(feature = "bench-baseline")]
#[doc(hidden)]
pub mod baseline {
    include!(concat!(env!("OUT_DIR"), "/baseline_types.rs"));
}
