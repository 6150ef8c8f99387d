//! Repository chores. `cargo xtask vendor-spec <upstream.yaml>` writes
//! `openapi/authlete-api.yaml`: the upstream spec reduced to interface facts
//! (see `codegen/strip.rs`). The same input always gives the same bytes.

#[path = "../../codegen/spec.rs"]
mod spec;
#[path = "../../codegen/strip.rs"]
mod strip;

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const USAGE: &str = "usage: cargo xtask vendor-spec <upstream-spec.yaml> [--out openapi/authlete-api.yaml]";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("vendor-spec") => vendor_spec(&args[1..]),
        _ => Err(USAGE.to_string()),
    };
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(2);
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the repo").to_path_buf()
}

fn vendor_spec(args: &[String]) -> Result<(), String> {
    let (input, out) = match args {
        [input] => (PathBuf::from(input), repo_root().join("openapi/authlete-api.yaml")),
        [input, flag, out] if flag == "--out" => (PathBuf::from(input), PathBuf::from(out)),
        _ => return Err(USAGE.to_string()),
    };
    let bytes = std::fs::read(&input).map_err(|e| format!("cannot read {}: {e}", input.display()))?;
    let text = String::from_utf8(bytes.clone()).map_err(|_| "the spec is not UTF-8".to_string())?;
    let mut doc = spec::parse(&text)?;
    strip::strip_prose(&mut doc);
    let left = strip::count_prose(&doc);
    if left != 0 {
        return Err(format!("{left} prose entries survived stripping"));
    }
    let digest: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    let name = input.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let header = format!(
        "# Authlete API: interface facts only (no upstream prose or samples).\n\
         # Produced by `cargo xtask vendor-spec` from {name}\n\
         # (sha256 {digest}), Copyright Authlete, Inc., Apache-2.0.\n\
         # Do not edit by hand: see openapi/README.md.\n"
    );
    let body = spec::to_yaml(&doc)?;
    std::fs::write(&out, format!("{header}{body}")).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    eprintln!("wrote {} ({} bytes)", out.display(), header.len() + body.len());
    Ok(())
}
