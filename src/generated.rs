//! The code progenitor generates from the spec, after the generation rules
//! (`generated/authlete_api.rs`, or `$OUT_DIR`'s with feature `codegen`;
//! never edited by hand; see `build.rs` and the `authlete-codegen` crate): `Client`, one builder per operation in
//! `builder`, every request/response type in `types`, and `operation`.
//! Reached through [`types`](crate::types), [`operation`](crate::operation)
//! and [`raw`](crate::raw).
//!
//! Every public item here is documented from the spec's facts;
//! `missing_docs` is denied so a rule change that leaves an item bare fails
//! the build.
#![deny(missing_docs)]
#![allow(clippy::all, unused_qualifications, unused_imports, dead_code)]
// What `openapi/retained.yaml` keeps is deprecated for users, not for the code around it.
#![allow(deprecated)]

include!(env!("AUTHLETE_GENERATED"));
