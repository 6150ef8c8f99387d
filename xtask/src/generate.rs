//! `cargo xtask generate`: the generator's output for the vendored spec
//! into `generated/` (`authlete_codegen::checked_in`), which the crate
//! compiles by default. `sync-spec` runs it; after a change to a generation
//! rule, run it and commit the files with the rule (a build with the
//! `codegen` feature fails until then).

use authlete_codegen::checked_in;

use crate::{read, repo_root, write_if_changed, RETAINED, VENDORED};

/// Writes the files that changed; returns their paths, relative to the root.
pub fn generate() -> Result<Vec<String>, String> {
    let root = repo_root();
    let spec = read(&root.join(VENDORED))?;
    let retained = std::fs::read_to_string(root.join(RETAINED)).ok();
    let output = authlete_codegen::generate_with_retained(&spec, retained.as_deref(), &Default::default())?;
    let dir = root.join(checked_in::DIR);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut changed = Vec::new();
    for (name, content) in checked_in::files(&output, &checked_in::fingerprint(&spec, retained.as_deref()))? {
        if write_if_changed(&dir.join(name), &content)? {
            changed.push(format!("{}/{name}", checked_in::DIR));
        }
    }
    Ok(changed)
}
