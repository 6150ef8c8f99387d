//! `cargo xtask generate`: the generator's output for the vendored spec
//! into `generated/` (`authlete_codegen::checked_in`), which the crate
//! compiles by default. `sync-spec` runs it; after a change to a generation
//! rule, run it and commit the files with the rule (a build with the
//! `codegen` feature fails until then).

use authlete_codegen::checked_in;

use crate::{read, repo_root, write_if_changed, RETAINED, VENDORED};

/// The crate's own, which its build script compares.
#[path = "../../build/fingerprint.rs"]
mod fingerprint;

/// Writes the files that changed; returns their paths, relative to the root.
pub fn generate() -> Result<Vec<String>, String> {
    let root = repo_root();
    let spec = read(&root.join(VENDORED))?;
    let retained_path = root.join(RETAINED);
    let retained = if retained_path.is_file() { Some(read(&retained_path)?) } else { None };
    let output = authlete_codegen::generate_with_retained(&spec, retained.as_deref(), &Default::default())?;
    let dir = root.join(checked_in::DIR);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut changed = Vec::new();
    for (name, content) in checked_in::files(&output, &fingerprint::fingerprint(&spec, retained.as_deref()))? {
        if write_if_changed(&dir.join(name), &content)? {
            changed.push(format!("{}/{name}", checked_in::DIR));
        }
    }
    let manifest_path = root.join("Cargo.toml");
    let manifest = read(&manifest_path)?;
    if write_if_changed(&manifest_path, &authlete_codegen::manifest::with_features(&manifest, &output.features)?)? {
        changed.push("Cargo.toml (operation group features)".into());
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_build_script_reads_the_fingerprint_the_generator_writes() {
        let output = authlete_codegen::Output {
            source: String::new(),
            test_tables: String::new(),
            baseline: None,
            normalised_spec: "{}".into(),
            operations: Vec::new(),
            features: Vec::new(),
            log: Vec::new(),
        };
        let print = fingerprint::fingerprint("openapi: 3.0.0\n", None);
        let files = checked_in::files(&output, &print).unwrap();
        let first_line = files[0].1.lines().next().unwrap();
        assert_eq!(fingerprint::recorded(first_line), Some(print.as_str()));
    }
}
