//! Generates the Authlete API client from the vendored OpenAPI spec with
//! `authlete-codegen` (the pipeline is described there and in
//! ARCHITECTURE.md): `openapi/authlete-api.yaml`, or the file named by
//! `AUTHLETE_OPENAPI_SPEC`, becomes `$OUT_DIR/authlete_api.rs`, which
//! `src/generated.rs` includes.

use std::path::{Path, PathBuf};

const SPEC_ENV: &str = "AUTHLETE_OPENAPI_SPEC";
const VENDORED_SPEC: &str = "openapi/authlete-api.yaml";
const RETAINED_ENV: &str = "AUTHLETE_RETAINED";
/// What earlier vendored specs had and this one lacks (`cargo xtask sync-spec` writes it).
const RETAINED: &str = "openapi/retained.yaml";

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    println!("cargo:rerun-if-env-changed={SPEC_ENV}");
    println!("cargo:rerun-if-changed=build.rs");

    let (spec_path, chosen) = match std::env::var_os(SPEC_ENV).filter(|v| !v.is_empty()) {
        Some(p) => (authlete_codegen::env_path::from_env(SPEC_ENV, &manifest_dir, Path::new(&p))?, true),
        None => (manifest_dir.join(VENDORED_SPEC), false),
    };
    println!("cargo:rerun-if-changed={}", spec_path.display());
    let text = std::fs::read_to_string(&spec_path)
        .map_err(|e| format!("cannot read the spec {}: {e}", spec_path.display()))?;
    if chosen {
        // Say which spec this build used: it is not the one the crate's
        // version was released with.
        println!("cargo:warning=authlete: generated from {} ({SPEC_ENV})", spec_path.display());
    }

    // The released surface: kept with the vendored spec; another spec is
    // generated as it is unless `AUTHLETE_RETAINED` names a retained file.
    println!("cargo:rerun-if-env-changed={RETAINED_ENV}");
    let retained_path = match std::env::var_os(RETAINED_ENV).filter(|v| !v.is_empty()) {
        Some(p) => Some(authlete_codegen::env_path::from_env(RETAINED_ENV, &manifest_dir, Path::new(&p))?),
        None if !chosen => Some(manifest_dir.join(RETAINED)).filter(|p| p.is_file()),
        None => None,
    };
    let retained = match &retained_path {
        Some(p) => {
            println!("cargo:rerun-if-changed={}", p.display());
            Some(std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?)
        }
        None => None,
    };

    let options = authlete_codegen::Options {
        json_schema: std::env::var_os("CARGO_FEATURE_SCHEMARS").is_some(),
        baseline: std::env::var_os("CARGO_FEATURE_BENCH_BASELINE").is_some(),
    };
    let output = authlete_codegen::generate_with_retained(&text, retained.as_deref(), &options)?;

    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let emit = |name: &str, content: &str, env: &str| -> Result<(), String> {
        let path = out_dir.join(name);
        write_if_changed(&path, content)?;
        println!("cargo:rustc-env={env}={}", path.display());
        Ok(())
    };
    emit("authlete_api.rs", &output.source, "AUTHLETE_GENERATED")?;
    // The tables the crate's own tests include: no user's build compiles them.
    emit("test_tables.rs", &output.test_tables, "AUTHLETE_TEST_TABLES")?;
    // The normalised spec, for tests that check the generated surface against it.
    emit("authlete_api.normalised.json", &output.normalised_spec, "AUTHLETE_NORMALISED_SPEC")?;
    if let Some(baseline) = &output.baseline {
        emit("baseline_types.rs", baseline, "AUTHLETE_BASELINE_TYPES")?;
    }
    // What the rules changed: the first thing to read when a new revision arrives.
    write_if_changed(&out_dir.join("normalisation.log"), &(output.log.join("\n") + "\n"))?;
    println!("cargo:rustc-env=AUTHLETE_SPEC_PATH={}", spec_path.display());
    // The retained file the build merged (empty: none), for the tests that read the spec.
    println!(
        "cargo:rustc-env=AUTHLETE_RETAINED_PATH={}",
        retained_path.as_ref().map(|p| p.display().to_string()).unwrap_or_default()
    );
    operation_cfgs(&manifest_dir, &output.operations)
}

/// `cfg(authlete_operation = "x")` for every operation `x` the generated
/// client has, here and (through `links` metadata, `DEP_AUTHLETE_<series>_OPERATIONS`)
/// in the crates built on it: hand-written code that needs an operation says
/// so with that `cfg` and is left out of a build whose spec lacks it, with
/// one warning naming what was left out.
fn operation_cfgs(manifest_dir: &Path, operations: &[String]) -> Result<(), String> {
    println!("cargo::rustc-check-cfg=cfg(authlete_operation, values(any()))");
    for op in operations {
        println!("cargo::rustc-cfg=authlete_operation=\"{op}\"");
    }
    println!("cargo::metadata=operations={}", operations.join(","));
    let wanted = wanted_operations(&manifest_dir.join("src"))?;
    let missing: Vec<String> = wanted.into_iter().filter(|w| !operations.contains(w)).collect();
    if !missing.is_empty() {
        println!(
            "cargo::warning=authlete: the spec has no operation {}: the hand-written code that needs it is left out",
            missing.join(", ")
        );
    }
    Ok(())
}

/// The operations `src/` names in `authlete_operation = ".."`.
fn wanted_operations(dir: &Path) -> Result<std::collections::BTreeSet<String>, String> {
    let mut out = std::collections::BTreeSet::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(wanted_operations(&path)?);
        } else if path.extension().is_some_and(|e| e == "rs") {
            println!("cargo:rerun-if-changed={}", path.display());
            let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
            for part in text.split("authlete_operation = \"").skip(1) {
                // An operation's name (not the `..` of a comment about the cfg).
                if let Some(name) = part.split('"').next().filter(|n| {
                    !n.is_empty() && n.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                }) {
                    out.insert(name.to_string());
                }
            }
        }
    }
    Ok(out)
}

/// Leaves the file (and its mtime) alone when the content is the same.
fn write_if_changed(path: &Path, content: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == content) {
        return Ok(());
    }
    std::fs::write(path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
