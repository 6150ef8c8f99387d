//! The generated tables of the spec-driven tests: every operation with its
//! decoders and a JSON-driven call, every answer type, every open enum and
//! component schema (emitted by the build script; see
//! `AUTHLETE_TEST_TABLES`). Included only by the tests that use them.
#![allow(dead_code, clippy::type_complexity)]
// Retained items (`openapi/retained.yaml`) are deprecated and tested like the rest.
#![allow(deprecated)]

include!(env!("AUTHLETE_TEST_TABLES"));
