//! Generates the Authlete API client from the vendored OpenAPI spec.
//!
//! Pipeline (see `codegen/`): load the spec (`openapi/authlete-api.yaml`, or
//! the file named by `AUTHLETE_OPENAPI_SPEC`) → strip prose → apply the
//! normalisation rules → progenitor → `$OUT_DIR/authlete_api.rs`, which
//! `src/generated.rs` includes.

#[path = "codegen/client_layer.rs"]
mod client_layer;
#[path = "codegen/docs.rs"]
mod docs;
#[path = "codegen/generate.rs"]
mod generate;
#[path = "codegen/inventory.rs"]
mod inventory;
#[path = "codegen/normalise.rs"]
mod normalise;
#[path = "codegen/rewrite.rs"]
mod rewrite;
#[path = "codegen/spec.rs"]
#[allow(dead_code)] // shared with the vendoring tool
mod spec;
#[path = "codegen/strip.rs"]
#[allow(dead_code)] // shared with the vendoring tool
mod strip;

use std::path::PathBuf;

const SPEC_ENV: &str = "AUTHLETE_OPENAPI_SPEC";
const VENDORED_SPEC: &str = "openapi/authlete-api.yaml";

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
    println!("cargo:rerun-if-changed=codegen");

    // A relative path is taken from the crate root.
    let spec_path = match std::env::var_os(SPEC_ENV).filter(|v| !v.is_empty()) {
        Some(p) => {
            let path = manifest_dir.join(p);
            // Say which spec this build used: it is not the one the crate's
            // version was released with.
            println!("cargo:warning=authlete: generated from {} ({SPEC_ENV})", path.display());
            path
        }
        None => manifest_dir.join(VENDORED_SPEC),
    };
    println!("cargo:rerun-if-changed={}", spec_path.display());
    let text = std::fs::read_to_string(&spec_path)
        .map_err(|e| format!("cannot read the spec {}: {e}", spec_path.display()))?;

    let mut doc = spec::parse(&text)?;
    strip::strip_prose(&mut doc);
    let mut log = normalise::normalise(&mut doc);

    let options = generate::Options { json_schema: std::env::var_os("CARGO_FEATURE_SCHEMARS").is_some() };
    let generated = generate::progenitor_source(&doc, &options)?;
    log.push(format!("public generated items with only the fallback doc: {}", generated.undocumented));

    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    write_if_changed(&out_dir.join("authlete_api.rs"), &generated.source)?;
    write_if_changed(&out_dir.join("test_tables.rs"), &generated.test_tables)?;
    println!("cargo:rustc-env=AUTHLETE_TEST_TABLES={}", out_dir.join("test_tables.rs").display());
    if std::env::var_os("CARGO_FEATURE_BENCH_BASELINE").is_some() {
        let mut closed = spec::parse(&text)?;
        strip::strip_prose(&mut closed);
        let _ = normalise::normalise_closed(&mut closed);
        write_if_changed(&out_dir.join("baseline_types.rs"), &generate::baseline_types(&closed)?)?;
        println!("cargo:rustc-env=AUTHLETE_BASELINE_TYPES={}", out_dir.join("baseline_types.rs").display());
    }
    // The normalised spec, for tests that check the generated surface against it.
    let normalised = serde_json::to_string(&doc).map_err(|e| e.to_string())?;
    write_if_changed(&out_dir.join("authlete_api.normalised.json"), &normalised)?;
    // What the rules changed: the first thing to read when a new revision arrives.
    write_if_changed(&out_dir.join("normalisation.log"), &(log.join("\n") + "\n"))?;
    println!("cargo:rustc-env=AUTHLETE_SPEC_PATH={}", spec_path.display());
    println!("cargo:rustc-env=AUTHLETE_NORMALISED_SPEC={}", out_dir.join("authlete_api.normalised.json").display());
    Ok(())
}

/// Leaves the file (and its mtime) alone when the content is the same.
fn write_if_changed(path: &std::path::Path, content: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == content) {
        return Ok(());
    }
    std::fs::write(path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
