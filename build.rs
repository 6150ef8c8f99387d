//! Puts the Authlete API client's generated code into the crate
//! (`src/generated.rs` includes `AUTHLETE_GENERATED`).
//!
//! By default that is the checked-in `generated/authlete_api.rs`: what
//! `authlete-codegen` (progenitor and the generation rules, ARCHITECTURE.md)
//! made of `openapi/authlete-api.yaml`, written by `cargo xtask generate`.
//! This script checks that it was made from the spec beside it, so an app's
//! build does not compile the generator.
//!
//! With feature `codegen`, this script runs the generator: on the vendored
//! spec (and fails when `generated/` is not what it makes of it), or on the
//! spec `AUTHLETE_OPENAPI_SPEC` names, into `$OUT_DIR`.

use std::path::{Path, PathBuf};

#[path = "build/fingerprint.rs"]
mod fingerprint;

const SPEC_ENV: &str = "AUTHLETE_OPENAPI_SPEC";
const VENDORED_SPEC: &str = "openapi/authlete-api.yaml";
const RETAINED_ENV: &str = "AUTHLETE_RETAINED";
/// What earlier vendored specs had and this one lacks (`cargo xtask sync-spec` writes it).
const RETAINED: &str = "openapi/retained.yaml";
/// The checked-in output (`authlete_codegen::checked_in::DIR`).
const GENERATED: &str = "generated";
/// The generated files the crate and its tests include, and the variables
/// that give their paths.
const INCLUDED: [(&str, &str); 3] = [
    ("authlete_api.rs", "AUTHLETE_GENERATED"),
    ("test_tables.rs", "AUTHLETE_TEST_TABLES"),
    ("authlete_api.normalised.json", "AUTHLETE_NORMALISED_SPEC"),
];

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    println!("cargo:rerun-if-env-changed={SPEC_ENV}");
    println!("cargo:rerun-if-env-changed={RETAINED_ENV}");
    println!("cargo:rerun-if-changed=build.rs");
    // The folder, so a retained file that appears is seen too.
    println!("cargo:rerun-if-changed=openapi");
    let operations = generated(&manifest_dir)?;
    let compiled: Vec<String> =
        operations.into_iter().filter(|(_, features)| compiled(features)).map(|(name, _)| name).collect();
    operation_cfgs(&manifest_dir, &compiled)
}

/// Whether this build compiles an operation with these group features
/// (none: every build does).
fn compiled(features: &[String]) -> bool {
    features.is_empty()
        || features.iter().any(|f| {
            let var = format!("CARGO_FEATURE_{}", f.to_ascii_uppercase().replace('-', "_"));
            std::env::var_os(var).is_some()
        })
}

/// `(operation, group features)` from lines of `operations.txt`.
#[cfg_attr(feature = "codegen", allow(dead_code))]
fn operation_lines(text: &str) -> Vec<(String, Vec<String>)> {
    text.lines()
        .filter_map(|line| {
            let mut parts = line.split_whitespace();
            let name = parts.next()?.to_string();
            let features = parts.next().map(|f| f.split(',').map(str::to_string).collect()).unwrap_or_default();
            Some((name, features))
        })
        .collect()
}

/// The files the crate and its tests include, by the names of the
/// variables that give their paths; returns the spec's operations and
/// their group features.
#[cfg(not(feature = "codegen"))]
fn generated(manifest_dir: &Path) -> Result<Vec<(String, Vec<String>)>, String> {
    use std::io::BufRead;
    for env in [SPEC_ENV, RETAINED_ENV] {
        if std::env::var_os(env).is_some_and(|v| !v.is_empty()) {
            return Err(format!(
                "{env} is set, and generating from another spec needs the `codegen` feature: \
                 `authlete = {{ version = \"{}\", features = [\"codegen\"] }}`",
                env!("CARGO_PKG_VERSION")
            ));
        }
    }
    let spec_path = manifest_dir.join(VENDORED_SPEC);
    let retained_path = Some(manifest_dir.join(RETAINED)).filter(|p| p.is_file());
    let spec = read(&spec_path)?;
    let retained = retained_path.as_deref().map(read).transpose()?;
    let dir = manifest_dir.join(GENERATED);
    let source = dir.join("authlete_api.rs");
    let mut first_line = String::new();
    std::io::BufReader::new(
        std::fs::File::open(&source).map_err(|e| format!("cannot read {}: {e}", source.display()))?,
    )
    .read_line(&mut first_line)
    .map_err(|e| format!("cannot read {}: {e}", source.display()))?;
    let expected = fingerprint::fingerprint(&spec, retained.as_deref());
    if fingerprint::recorded(&first_line) != Some(expected.as_str()) {
        return Err(format!(
            "{} was not generated from {VENDORED_SPEC} and {RETAINED} as they are ({expected}): \
             run `cargo xtask generate`",
            source.display()
        ));
    }
    for (name, env) in INCLUDED {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        println!("cargo:rustc-env={env}={}", path.display());
    }
    spec_paths(&spec_path, retained_path.as_deref());
    let operations = dir.join("operations.txt");
    println!("cargo:rerun-if-changed={}", operations.display());
    Ok(operation_lines(&read(&operations)?))
}

#[cfg(feature = "codegen")]
fn generated(manifest_dir: &Path) -> Result<Vec<(String, Vec<String>)>, String> {
    use authlete_codegen::checked_in;

    let (spec_path, chosen) = match std::env::var_os(SPEC_ENV).filter(|v| !v.is_empty()) {
        Some(p) => (authlete_codegen::env_path::from_env(SPEC_ENV, manifest_dir, Path::new(&p))?, true),
        None => (manifest_dir.join(VENDORED_SPEC), false),
    };
    let text = read(&spec_path)?;
    if chosen {
        // Say which spec this build used: it is not the one the crate's
        // version was released with.
        println!("cargo:warning=authlete: generated from {} ({SPEC_ENV})", spec_path.display());
    }

    // The released surface: kept with the vendored spec; another spec is
    // generated as it is unless `AUTHLETE_RETAINED` names a retained file.
    let retained_env = std::env::var_os(RETAINED_ENV).filter(|v| !v.is_empty());
    let retained_path = match &retained_env {
        Some(p) => Some(authlete_codegen::env_path::from_env(RETAINED_ENV, manifest_dir, Path::new(p))?),
        None if !chosen => Some(manifest_dir.join(RETAINED)).filter(|p| p.is_file()),
        None => None,
    };
    let retained = retained_path.as_deref().map(read).transpose()?;

    // The group features this manifest declares: an operation whose tags
    // have none (another spec's) is compiled in every build.
    let manifest_path = manifest_dir.join("Cargo.toml");
    println!("cargo:rerun-if-changed={}", manifest_path.display());
    let declared = authlete_codegen::manifest::declared_features(&read(&manifest_path)?);
    let options = authlete_codegen::Options {
        baseline: std::env::var_os("CARGO_FEATURE_BENCH_BASELINE").is_some(),
        declared_features: Some(declared.clone()),
    };
    let output = authlete_codegen::generate_with_retained(&text, retained.as_deref(), &options)?;
    let undeclared: Vec<&str> =
        output.features.iter().filter(|(f, _)| !declared.contains(f)).map(|(f, _)| f.as_str()).collect();
    if !undeclared.is_empty() {
        let message = format!("Cargo.toml does not declare the group features {}", undeclared.join(", "));
        if !chosen && retained_env.is_none() && manifest_dir.join("xtask").is_dir() {
            return Err(format!("{message}: run `cargo xtask generate`"));
        }
        println!("cargo:warning=authlete: {message}; their operations are compiled in every build");
    }

    if !chosen && retained_env.is_none() {
        // What the crate compiles without this feature must be this. Outside
        // the repository (a packaged crate), another patch release of a
        // generator dependency may format differently: said, not fatal.
        let dir = manifest_dir.join(GENERATED);
        let fingerprint = fingerprint::fingerprint(&text, retained.as_deref());
        let stale: Vec<&str> = checked_in::files(&output, &fingerprint)?
            .into_iter()
            .filter(|(name, content)| {
                let path = dir.join(name);
                println!("cargo:rerun-if-changed={}", path.display());
                std::fs::read_to_string(&path).ok().as_ref() != Some(content)
            })
            .map(|(name, _)| name)
            .collect();
        if !stale.is_empty() {
            let message = format!(
                "{GENERATED}/ is not what the generator makes of {VENDORED_SPEC} ({} differ)",
                stale.join(", ")
            );
            if manifest_dir.join("xtask").is_dir() {
                return Err(format!("{message}: run `cargo xtask generate`"));
            }
            println!("cargo:warning=authlete: {message}; this build uses the generator's output");
        }
    }

    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let emit = |name: &str, content: &str, env: &str| -> Result<(), String> {
        let path = out_dir.join(name);
        write_if_changed(&path, content)?;
        println!("cargo:rustc-env={env}={}", path.display());
        Ok(())
    };
    let contents = [&output.source, &output.test_tables, &output.normalised_spec];
    for ((name, env), content) in INCLUDED.into_iter().zip(contents) {
        emit(name, content, env)?;
    }
    if let Some(baseline) = &output.baseline {
        emit("baseline_types.rs", baseline, "AUTHLETE_BASELINE_TYPES")?;
    }
    // What the rules changed: the first thing to read when a new revision arrives.
    write_if_changed(&out_dir.join("normalisation.log"), &(output.log.join("\n") + "\n"))?;
    spec_paths(&spec_path, retained_path.as_deref());
    Ok(output.operations)
}

/// The spec (and retained file) the build used, for the tests that read them.
fn spec_paths(spec: &Path, retained: Option<&Path>) {
    println!("cargo:rerun-if-changed={}", spec.display());
    println!("cargo:rustc-env=AUTHLETE_SPEC_PATH={}", spec.display());
    if let Some(retained) = retained {
        println!("cargo:rerun-if-changed={}", retained.display());
    }
    // Empty: none.
    println!(
        "cargo:rustc-env=AUTHLETE_RETAINED_PATH={}",
        retained.map(|p| p.display().to_string()).unwrap_or_default()
    );
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
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
            "cargo::warning=authlete: this build has no operation {} (its group feature is off, or the spec lacks it): \
             the hand-written code that needs it is left out",
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
#[cfg(feature = "codegen")]
fn write_if_changed(path: &Path, content: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == content) {
        return Ok(());
    }
    std::fs::write(path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
