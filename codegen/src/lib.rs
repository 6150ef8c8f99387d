//! # authlete-codegen
//!
//! The generator of the `authlete` crate: `cargo xtask generate` runs
//! [`generate`] on the vendored spec and writes the crate's `generated/`
//! ([`checked_in`]); with the crate's `codegen` feature its build script
//! runs it (on the vendored spec, which must give the same files, or on the
//! one `AUTHLETE_OPENAPI_SPEC` names). Published in lockstep with
//! `authlete`; not for other uses.
//!
//! The pipeline (ARCHITECTURE.md draws it):
//!
//! 1. [`spec::parse`]: the YAML spec as JSON;
//! 2. [`strip::strip_prose`]: descriptions and samples out (the vendoring
//!    tool applies the same rule, so the vendored file has none);
//! 3. [`retained::merge`]: what earlier revisions had and this one lacks,
//!    added back (from `openapi/retained.yaml`) to be deprecated;
//! 4. [`normalise`]: the spec rules, in the order of [`normalise::RULES`];
//! 5. progenitor (and typify) generate the client and the types;
//! 6. [`rewrite`]: the rules on the generated code, in the order of
//!    [`rewrite::RULES`] — a rule that must apply and changed nothing fails
//!    the build, naming it;
//! 7. `emit`: the documentation from the spec's facts, the per-operation
//!    client layer, the tables the crate's tests include.
#![warn(missing_docs)]

pub mod checked_in;
mod emit;
pub mod env_path;
pub mod manifest;
pub mod normalise;
pub mod retained;
pub mod rewrite;
pub mod spec;
pub mod strip;

use rewrite::operation_groups_behind_features::{operation_features, spec_features, spec_operations};

/// Options that come from the `authlete` crate's features.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Also emit the plain typify types (the decode benchmark's baseline).
    pub baseline: bool,
    /// The operation group features the crate's manifest declares (`None`:
    /// one per tag of the spec). An operation whose tags have none is
    /// compiled in every build.
    pub declared_features: Option<std::collections::BTreeSet<String>>,
}

/// What [`generate`] makes of a spec.
#[derive(Debug)]
pub struct Output {
    /// The crate's generated code (`generated/authlete_api.rs`).
    pub source: String,
    /// The tables the crate's spec-driven tests include (`generated/test_tables.rs`).
    pub test_tables: String,
    /// The plain typify types, with [`Options::baseline`].
    pub baseline: Option<String>,
    /// The normalised spec, as JSON (tests check the surface against it).
    pub normalised_spec: String,
    /// Every operation's Rust method name (its normalised `operationId`)
    /// and the features that compile it (none: every build): the build
    /// script turns those a build compiles into `cfg(authlete_operation = "..")`.
    pub operations: Vec<(String, Vec<String>)>,
    /// One operation group feature per tag of the spec: `(feature, tag)`.
    pub features: Vec<(String, String)>,
    /// One line per change of every rule, and per rule on the code its count.
    pub log: Vec<String>,
}

/// Runs the whole pipeline on the text of a spec.
///
/// # Errors
/// A spec that does not parse, a construct progenitor cannot generate and
/// no rule handles, or a rule on the code that must apply and changed
/// nothing (each names what is wrong).
pub fn generate(spec_text: &str, options: &Options) -> Result<Output, String> {
    generate_with_retained(spec_text, None, options)
}

/// [`generate`], with the items of a [`retained`] file (the released
/// surface the spec no longer has) added back and deprecated.
///
/// # Errors
/// As [`generate`]; also a retained file that does not parse.
pub fn generate_with_retained(
    spec_text: &str,
    retained_text: Option<&str>,
    options: &Options,
) -> Result<Output, String> {
    let mut doc = spec::parse(spec_text)?;
    strip::strip_prose(&mut doc);
    let mut log = Vec::new();
    if let Some(text) = retained_text {
        let kept = spec::parse(text)?;
        log.extend(retained::merge(&mut doc, &kept).into_iter().map(|l| format!("retained: {l}")));
    }
    log.extend(normalise::normalise(&mut doc));
    let dropped = retained::marks(&doc, emit::docs::type_name);
    let declared = options.declared_features.as_ref();
    let generated = emit::progenitor::progenitor_source(&doc, dropped, declared, &mut log)?;
    log.push(format!("public generated items with only the fallback doc: {}", generated.undocumented));
    let baseline = if options.baseline {
        let mut closed = spec::parse(spec_text)?;
        strip::strip_prose(&mut closed);
        let _ = normalise::normalise_closed(&mut closed);
        Some(emit::progenitor::baseline_types(&closed)?)
    } else {
        None
    };
    let normalised_spec = serde_json::to_string(&doc).map_err(|e| e.to_string())?;
    let mut operations: Vec<(String, Vec<String>)> = spec_operations(&doc)
        .filter_map(|op| {
            let name = op.get("operationId").and_then(serde_json::Value::as_str)?.to_string();
            Some((name, operation_features(op, declared).into_iter().collect()))
        })
        .collect();
    operations.sort();
    operations.dedup();
    let features = spec_features(&doc).into_iter().collect();
    Ok(Output {
        source: generated.source,
        test_tables: generated.test_tables,
        baseline,
        normalised_spec,
        operations,
        features,
        log,
    })
}
