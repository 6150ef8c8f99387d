//! `cfg(authlete_operation = "x")` for every operation of the `authlete`
//! client this crate is built on (its build script passes them as `links`
//! metadata, `DEP_AUTHLETE_<series>_OPERATIONS`): a helper that needs an operation the spec in use lacks is left
//! out, and this script prints one warning naming what was.

use std::collections::BTreeSet;
use std::path::Path;

fn main() {
    // `DEP_<links>_OPERATIONS`, whatever release series `links` names.
    let (key, list) =
        std::env::vars().find(|(k, _)| k.starts_with("DEP_AUTHLETE") && k.ends_with("_OPERATIONS")).unwrap_or_default();
    println!("cargo::rerun-if-env-changed={key}");
    println!("cargo::rustc-check-cfg=cfg(authlete_operation, values(any()))");
    println!("cargo::rustc-check-cfg=cfg(authlete_helpers_complete)");
    let operations: BTreeSet<String> = list.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect();
    for op in &operations {
        println!("cargo::rustc-cfg=authlete_operation=\"{op}\"");
    }
    let mut wanted = BTreeSet::new();
    scan(Path::new("src"), &mut wanted);
    let missing: Vec<&String> = wanted.iter().filter(|w| !operations.contains(*w)).collect();
    if missing.is_empty() {
        println!("cargo::rustc-cfg=authlete_helpers_complete");
    } else {
        let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
        println!(
            "cargo::warning=authlete-server: the authlete client has no operation {} (its group feature is off, or \
             the spec lacks it): the helpers that need it are left out",
            names.join(", ")
        );
    }
}

/// The operations `dir` names in `authlete_operation = ".."`.
fn scan(dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            scan(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            println!("cargo::rerun-if-changed={}", path.display());
            let text = std::fs::read_to_string(&path).unwrap_or_default();
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
}
