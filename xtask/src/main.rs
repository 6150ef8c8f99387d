//! Repository chores, run as `cargo xtask <command>`:
//!
//! - `sync-spec <upstream.yaml> [--major]`: the one command a maintainer runs
//!   for a new upstream revision. It vendors the spec (interface facts only,
//!   see `codegen/strip.rs`) into `openapi/authlete-api.yaml`, keeps what the
//!   revision drops in `openapi/retained.yaml` (deprecated in the build;
//!   `--major` empties it, for a major release), updates the revision row of
//!   `openapi/README.md`, and writes the interface diff since the last
//!   release, with the version bump it requires, under "Unreleased" in
//!   `CHANGELOG.md`, and generates `generated/` again. Running it twice
//!   changes nothing.
//! - `generate`: the generator's output for the vendored spec into
//!   `generated/`, which the crate compiles by default (see `generate.rs`).
//! - `spec-diff <old.yaml> <new.yaml> [--major] [--json]`: the interface
//!   difference a user sees when the crate moves from one spec to the other,
//!   classified breaking / additive (see `spec_diff.rs`).
//! - `check-version`: fails when the vendored spec differs from the one the
//!   current version was released with in a way that needs a bigger bump
//!   than `Cargo.toml` has, or when CHANGELOG.md is not the tool's output.
//! - `vendor-spec <upstream.yaml> [--out FILE]`: the vendoring step alone
//!   (CI uses it to check that the vendored file is the tool's output).
//! - `retained <old.yaml> <new.yaml> --out FILE`: what `sync-spec` would
//!   keep moving from one spec to the other (to build a revision as a
//!   release of the crate would: `AUTHLETE_RETAINED=FILE`, with the crate's
//!   `codegen` feature).
//! - `semver-judge`, `semver-pairs <a.yaml> <b.yaml> ...`, `semver-rules`: cargo-semver-checks
//!   against `spec-diff` (see `semver.rs`).
//! - `without-helper-operations <spec.yaml> --out FILE`: the spec less every
//!   operation the hand-written code names in `cfg(authlete_operation = "..")`
//!   (CI builds it: those helpers are left out, the rest builds).
//! - `other-generator-spec <spec.yaml> --out FILE`: the spec as another
//!   generator would publish it (inline schemas, other names; see
//!   `other_generator.rs`), for CI to build and test the crate from.

mod generate;
mod other_generator;
mod public_api;
mod semver;
mod spec_diff;

use authlete_codegen::{normalise, retained, spec, strip};

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const USAGE: &str = "usage: cargo xtask sync-spec <upstream.yaml> [--major]
       cargo xtask generate
       cargo xtask spec-diff <old.yaml> <new.yaml> [--major] [--json]
       cargo xtask check-version
       cargo xtask vendor-spec <upstream.yaml> [--out openapi/authlete-api.yaml]
       cargo xtask retained <old.yaml> <new.yaml> --out <file.yaml> [--old-retained <file.yaml>]
       cargo xtask semver-judge
       cargo xtask semver-pairs <a.yaml> <b.yaml> [<c.yaml> ...]
       cargo xtask semver-rules
       cargo xtask without-helper-operations <spec.yaml> --out <file.yaml>
       cargo xtask other-generator-spec <spec.yaml> --out <file.yaml>
       cargo xtask public-api";

const VENDORED: &str = "openapi/authlete-api.yaml";
const RETAINED: &str = "openapi/retained.yaml";
const RETAINED_HEADER: &str = "# What earlier vendored revisions of Authlete's spec had and the vendored one\n\
# lacks, in the vendored file's form: interface facts only, each item marked\n\
# with the revision that dropped it. The build adds them back, deprecated, so\n\
# a revision that drops something is not a breaking release; a major release\n\
# empties this file. Produced by `cargo xtask sync-spec` (codegen/src/retained.rs);\n\
# do not edit by hand.\n";
const CHANGELOG: &str = "CHANGELOG.md";
const BLOCK_START: &str = "<!-- spec-sync: written by `cargo xtask sync-spec`; do not edit -->";
const BLOCK_END: &str = "<!-- /spec-sync -->";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("vendor-spec") => vendor_spec_command(&args[1..]),
        Some("spec-diff") => spec_diff_command(&args[1..]),
        Some("sync-spec") => sync_spec(&args[1..]),
        Some("generate") => generate::generate().map(|changed| {
            eprintln!(
                "{}",
                if changed.is_empty() {
                    "generated/ is up to date".into()
                } else {
                    format!("wrote {}", changed.join(", "))
                }
            )
        }),
        Some("check-version") => check_version(),
        Some("other-generator-spec") => other_generator_spec(&args[1..]),
        Some("public-api") => public_api_command(),
        Some("retained") => retained_command(&args[1..]),
        Some("without-helper-operations") => without_helper_operations(&args[1..]),
        Some("semver-judge") => semver_judge(),
        Some("semver-pairs") => semver_pairs(&args[1..]),
        Some("semver-rules") => semver_rules(),
        _ => Err(USAGE.to_string()),
    };
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(2);
    }
}

/// `cargo xtask public-api`: the client's public items that name another
/// crate's type outside the allow-list (see `public_api.rs`); fails on any.
fn public_api_command() -> Result<(), String> {
    let root = repo_root();
    let target = root.join("target").join("public-api");
    let status = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&root)
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["rustdoc", "--quiet", "-p", "authlete", "--lib", "--all-features", "--target-dir"])
        .arg(&target)
        .args(["--", "-Z", "unstable-options", "--output-format", "json"])
        .status()
        .map_err(|e| format!("cannot run cargo rustdoc: {e}"))?;
    if !status.success() {
        return Err("cargo rustdoc (JSON) failed".into());
    }
    let doc: serde_json::Value = serde_json::from_str(&read(&target.join("doc").join("authlete.json"))?)
        .map_err(|e| format!("the rustdoc JSON does not parse: {e}"))?;
    let found = public_api::findings(&doc);
    if found.is_empty() {
        println!("public API: no other crate's type outside the allowed ones");
        return Ok(());
    }
    let lines: Vec<String> = found.iter().map(|f| format!("  {} names {}", f.place, f.foreign)).collect();
    Err(format!("public API names other crates' types:\n{}", lines.join("\n")))
}

/// The operations the hand-written code of the workspace names in
/// `authlete_operation = ".."`.
fn helper_operations(dir: &Path, out: &mut std::collections::BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            helper_operations(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for part in text.split("authlete_operation = \"").skip(1) {
                if let Some(name) = part.split('"').next().filter(|n| is_operation_name(n)) {
                    out.insert(name.to_string());
                }
            }
        }
    }
}

fn is_operation_name(n: &str) -> bool {
    !n.is_empty() && n.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn without_helper_operations(args: &[String]) -> Result<(), String> {
    let [input, flag, out] = args else { return Err(USAGE.to_string()) };
    if flag != "--out" {
        return Err(USAGE.to_string());
    }
    let root = repo_root();
    let mut wanted = std::collections::BTreeSet::new();
    for dir in ["src", "server/src", "mock/src"] {
        helper_operations(&root.join(dir), &mut wanted);
    }
    let mut doc = stripped(&read(Path::new(input))?)?;
    // The names are the normalised `operationId`s: find them on a normalised copy.
    let mut named = doc.clone();
    normalise::normalise(&mut named);
    let mut removed = Vec::new();
    for (path, item) in named.get("paths").and_then(serde_json::Value::as_object).into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Some(id) = op.get("operationId").and_then(serde_json::Value::as_str) else { continue };
            if wanted.contains(id) {
                if let Some(ops) = doc.get_mut("paths").and_then(|p| p.get_mut(path)).and_then(|i| i.as_object_mut()) {
                    ops.remove(method);
                    removed.push(id.to_string());
                }
            }
        }
    }
    let missing: Vec<&String> = wanted.iter().filter(|w| !removed.contains(w)).collect();
    if !missing.is_empty() {
        return Err(format!("the hand-written code names operations the spec does not have: {missing:?}"));
    }
    std::fs::write(out, spec::to_yaml(&doc)?).map_err(|e| format!("cannot write {out}: {e}"))?;
    eprintln!("wrote {out}: without {}", removed.join(", "));
    Ok(())
}

fn stripped(text: &str) -> Result<serde_json::Value, String> {
    let mut doc = spec::parse(text)?;
    strip::strip_prose(&mut doc);
    Ok(doc)
}

fn retained_command(args: &[String]) -> Result<(), String> {
    let (old, new, out, old_retained) = match args {
        [old, new, flag, out] if flag == "--out" => (old, new, out, None),
        [old, new, flag, out, flag2, kept] if flag == "--out" && flag2 == "--old-retained" => {
            (old, new, out, Some(kept))
        }
        _ => return Err(USAGE.to_string()),
    };
    // What OLD kept itself is kept on (as `sync-spec` does).
    let mut before = stripped(&read(Path::new(old))?)?;
    if let Some(kept) = old_retained {
        retained::merge(&mut before, &spec::parse(&read(Path::new(kept))?)?);
    }
    let kept = retained::retained(&before, &stripped(&read(Path::new(new))?)?, &file_name(new));
    std::fs::write(out, format!("{RETAINED_HEADER}{}", spec::to_yaml(&kept)?))
        .map_err(|e| format!("cannot write {out}: {e}"))?;
    eprintln!("wrote {out}");
    Ok(())
}

/// `cargo xtask semver-judge`: the last release's spec against the vendored
/// one, both built with today's code; cargo-semver-checks' verdict must be
/// `spec-diff`'s (the one `check-version` holds the version to).
fn semver_judge() -> Result<(), String> {
    semver::check_installed()?;
    let root = repo_root();
    let work = semver::work_dir(&root);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let changelog = read(&root.join(CHANGELOG))?;
    let (released, file, digest) = last_release(&changelog).ok_or("CHANGELOG.md has no release with a `Spec:` line")?;
    let (old, old_retained) = released_spec(&file, &digest)?;
    let old_path = work.join("released.yaml");
    std::fs::write(&old_path, &old).map_err(|e| e.to_string())?;
    let old_retained_path = match &old_retained {
        Some(text) => {
            let p = work.join("released-retained.yaml");
            std::fs::write(&p, text).map_err(|e| e.to_string())?;
            Some(p)
        }
        None => None,
    };
    let (baseline, current) = (work.join("released.json"), work.join("current.json"));
    semver::rustdoc_json(&root, Some(&old_path), old_retained_path.as_deref(), &baseline)?;
    semver::rustdoc_json(&root, None, None, &current)?;
    let vendored = read(&root.join(VENDORED))?;
    let kept = std::fs::read_to_string(root.join(RETAINED)).ok();
    let (new_file, _) = provenance(&vendored).ok_or("the vendored spec has no provenance header")?;
    let (a, b) = spec_diff::surfaces(
        &old,
        old_retained.as_deref(),
        &vendored,
        Some(kept.as_deref().unwrap_or("{}")),
        &new_file,
        false,
    )?;
    let verdict = verdict(&spec_diff::diff(&a, &b), semver::failed_lints(&root, &baseline, &current)?);
    println!("| since {released} | spec-diff | cargo-semver-checks | agree |\n|---|---|---|---|");
    println!("{}", semver::row(&format!("`{file}` → `{new_file}`"), &verdict));
    if verdict.agree() {
        Ok(())
    } else {
        Err("spec-diff and cargo-semver-checks disagree on whether the spec change since the release is breaking"
            .into())
    }
}

fn verdict(changes: &[spec_diff::Change], failed: Vec<String>) -> semver::Verdict {
    let breaking = changes.iter().filter(|c| c.breaking).count();
    semver::Verdict {
        spec_diff_breaking: breaking,
        spec_diff_additive: changes.len() - breaking,
        semver_checks_failed: failed,
        only_retypes: changes.iter().filter(|c| c.breaking).all(|c| c.change == "changed"),
    }
}

/// `cargo xtask semver-rules`: for each case of [`semver::CASES`], the
/// fixture spec before and after the change, built with today's code;
/// spec-diff must give the case's verdict, and cargo-semver-checks the same.
fn semver_rules() -> Result<(), String> {
    semver::check_installed()?;
    let root = repo_root();
    let work = semver::work_dir(&root).join("rules");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let fixture = root.join("codegen/tests/fixture/spec.yaml");
    let old_text = read(&fixture)?;
    let old = spec::parse(&old_text)?;
    let baseline = work.join("fixture.json");
    semver::rustdoc_json(&root, Some(&fixture), None, &baseline)?;
    let mut rows = Vec::new();
    let mut wrong = Vec::new();
    for (i, case) in semver::CASES.iter().enumerate() {
        let mut new = old.clone();
        (case.change)(&mut new);
        let new_text = spec::to_yaml(&new)?;
        let new_path = work.join(format!("case-{i}.yaml"));
        std::fs::write(&new_path, &new_text).map_err(|e| e.to_string())?;
        let kept_path = work.join(format!("case-{i}-retained.yaml"));
        let kept = if case.major {
            serde_json::json!({})
        } else {
            retained::retained(&stripped(&old_text)?, &stripped(&new_text)?, &format!("case-{i}.yaml"))
        };
        std::fs::write(&kept_path, spec::to_yaml(&kept)?).map_err(|e| e.to_string())?;
        let current = work.join(format!("case-{i}.json"));
        semver::rustdoc_json(&root, Some(&new_path), Some(&kept_path), &current)?;
        let (a, b) = spec_diff::surfaces(&old_text, None, &new_text, None, &format!("case-{i}.yaml"), case.major)?;
        let v = verdict(&spec_diff::diff(&a, &b), semver::failed_lints(&root, &baseline, &current)?);
        if !v.agree() || (v.spec_diff_breaking > 0) != case.breaking {
            wrong.push(case.name);
        }
        rows.push(format!(
            "{} {} |",
            semver::row(case.name, &v),
            if case.breaking { "breaking" } else { "not breaking" }
        ));
    }
    println!("| change | spec-diff | cargo-semver-checks | agree | the rule says |\n|---|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!("spec-diff, cargo-semver-checks and the rules do not agree on: {}", wrong.join(", ")))
    }
}

/// `cargo xtask semver-pairs a b c ..`: the table of consecutive pairs.
fn semver_pairs(args: &[String]) -> Result<(), String> {
    if args.len() < 2 {
        return Err(USAGE.to_string());
    }
    semver::check_installed()?;
    let root = repo_root();
    let work = semver::work_dir(&root);
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let absolute = |p: &String| std::path::absolute(p).map_err(|e| format!("{p}: {e}"));
    let mut rows = Vec::new();
    let mut all_agree = true;
    for pair in args.windows(2) {
        let (old, new) = (absolute(&pair[0])?, absolute(&pair[1])?);
        let (old_text, new_text) = (read(&old)?, read(&new)?);
        let kept = retained::retained(&stripped(&old_text)?, &stripped(&new_text)?, &file_name(&pair[1]));
        let kept_path = work.join(format!("retained-{}", file_name(&pair[1])));
        std::fs::write(&kept_path, spec::to_yaml(&kept)?).map_err(|e| e.to_string())?;
        let (baseline, current) = (work.join("pair-old.json"), work.join("pair-new.json"));
        semver::rustdoc_json(&root, Some(&old), None, &baseline)?;
        semver::rustdoc_json(&root, Some(&new), Some(&kept_path), &current)?;
        let (a, b) = spec_diff::surfaces(&old_text, None, &new_text, None, &file_name(&pair[1]), false)?;
        let v = verdict(&spec_diff::diff(&a, &b), semver::failed_lints(&root, &baseline, &current)?);
        all_agree &= v.agree();
        rows.push(semver::row(&format!("`{}` → `{}`", file_name(&pair[0]), file_name(&pair[1])), &v));
    }
    println!("| pair | spec-diff | cargo-semver-checks | agree |\n|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
    if all_agree {
        Ok(())
    } else {
        Err("spec-diff and cargo-semver-checks disagree on a pair".into())
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the repo").to_path_buf()
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write_if_changed(path: &Path, text: &str) -> Result<bool, String> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(false);
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(true)
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The vendored text of an upstream file: its interface facts under a
/// provenance header. The same input always gives the same bytes.
fn vendored_text(input: &Path) -> Result<String, String> {
    let bytes = std::fs::read(input).map_err(|e| format!("cannot read {}: {e}", input.display()))?;
    let text = String::from_utf8(bytes.clone()).map_err(|_| "the spec is not UTF-8".to_string())?;
    let mut doc = spec::parse(&text)?;
    strip::strip_prose(&mut doc);
    let left = strip::count_prose(&doc);
    if left != 0 {
        return Err(format!("{left} prose entries survived stripping"));
    }
    let digest = sha256_hex(&bytes);
    let name = input.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let header = format!(
        "# Authlete API: interface facts only (no upstream prose or samples).\n\
         # Produced by `cargo xtask vendor-spec` from {name}\n\
         # (sha256 {digest}), Copyright Authlete, Inc., Apache-2.0.\n\
         # Do not edit by hand: see openapi/README.md.\n"
    );
    Ok(format!("{header}{}", spec::to_yaml(&doc)?))
}

/// `(upstream file name, sha256)` from a vendored file's header.
fn provenance(vendored: &str) -> Option<(String, String)> {
    let name = vendored.lines().find_map(|l| l.strip_prefix("# Produced by `cargo xtask vendor-spec` from "))?;
    let digest = vendored.lines().find_map(|l| l.strip_prefix("# (sha256 "))?.split(')').next()?;
    Some((name.trim().to_string(), digest.to_string()))
}

fn vendor_spec_command(args: &[String]) -> Result<(), String> {
    let (input, out) = match args {
        [input] => (PathBuf::from(input), repo_root().join(VENDORED)),
        [input, flag, out] if flag == "--out" => (PathBuf::from(input), PathBuf::from(out)),
        _ => return Err(USAGE.to_string()),
    };
    let text = vendored_text(&input)?;
    write_if_changed(&out, &text)?;
    eprintln!("wrote {} ({} bytes)", out.display(), text.len());
    Ok(())
}

fn other_generator_spec(args: &[String]) -> Result<(), String> {
    let [input, flag, out] = args else { return Err(USAGE.to_string()) };
    if flag != "--out" {
        return Err(USAGE.to_string());
    }
    let doc = spec::parse(&read(Path::new(input))?)?;
    let derived = other_generator::derive(&doc);
    std::fs::write(out, spec::to_yaml(&derived)?).map_err(|e| format!("cannot write {out}: {e}"))?;
    eprintln!("wrote {out}");
    Ok(())
}

fn spec_diff_command(args: &[String]) -> Result<(), String> {
    let json = args.iter().any(|a| a == "--json");
    let major = args.iter().any(|a| a == "--major");
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let [old, new] = files.as_slice() else { return Err(USAGE.to_string()) };
    let (a, b) = spec_diff::surfaces(
        &read(Path::new(old.as_str()))?,
        None,
        &read(Path::new(new.as_str()))?,
        None,
        &file_name(new),
        major,
    )?;
    let changes = spec_diff::diff(&a, &b);
    if json {
        println!("{}", serde_json::to_string_pretty(&spec_diff::to_json(&changes)).map_err(|e| e.to_string())?);
    } else {
        let title = format!("{} → {}", file_name(old), file_name(new));
        print!("{}", spec_diff::markdown(&changes, &title));
    }
    Ok(())
}

fn file_name(p: &str) -> String {
    Path::new(p).file_name().map_or(p.to_string(), |n| n.to_string_lossy().into_owned())
}

/// The last release in CHANGELOG.md: `(version, upstream file, sha256)`
/// from its `## x.y.z` heading and the `Spec:` line under it.
fn last_release(changelog: &str) -> Option<(String, String, String)> {
    let mut lines = changelog.lines().skip_while(|l| !is_release_heading(l));
    let version = lines.next()?.trim_start_matches('#').split_whitespace().next()?.to_string();
    for line in lines.take_while(|l| !l.starts_with("## ")) {
        if let Some(rest) = line.trim_start_matches("- ").strip_prefix("Spec: `") {
            let (file, rest) = rest.split_once('`')?;
            let digest = rest.split("sha256 ").nth(1)?.trim_end_matches(')').trim().to_string();
            return Some((version, file.to_string(), digest));
        }
    }
    None
}

fn is_release_heading(line: &str) -> bool {
    line.strip_prefix("## ").is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
}

/// The vendored spec the last release was built from: from git history
/// (the commit whose vendored file carries that checksum), or else vendored
/// again from an upstream file with that checksum in `../shared/upstream`.
fn released_spec(file: &str, digest: &str) -> Result<(String, Option<String>), String> {
    let root = repo_root();
    let git = |args: &[&str]| -> Option<String> {
        let out = std::process::Command::new("git").args(args).current_dir(&root).output().ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let needle = format!("sha256 {digest}");
    if let Some(commits) = git(&["log", "--format=%H", "-S", &needle, "--", VENDORED]) {
        for commit in commits.lines() {
            for rev in [commit.to_string(), format!("{commit}^")] {
                if let Some(text) = git(&["show", &format!("{rev}:{VENDORED}")]) {
                    if text.contains(&needle) {
                        return Ok((text, git(&["show", &format!("{rev}:{RETAINED}")])));
                    }
                }
            }
        }
    }
    let dir = root.join("../shared/upstream");
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            if std::fs::read(entry.path()).is_ok_and(|b| sha256_hex(&b) == digest) {
                return Ok((vendored_text(&entry.path())?, None));
            }
        }
    }
    Err(format!("the released spec ({file}, sha256 {digest}) is neither in git history nor in {}", dir.display()))
}

fn cargo_version() -> Result<String, String> {
    let toml = read(&repo_root().join("Cargo.toml"))?;
    toml.lines()
        .skip_while(|l| l.trim() != "[package]")
        .find_map(|l| l.strip_prefix("version = \"").and_then(|v| v.strip_suffix('"')))
        .map(str::to_string)
        .ok_or_else(|| "no package version in Cargo.toml".into())
}

/// The `links` value of a version's release series: `authlete_0_2` for
/// 0.2.x, `authlete_1` for 1.x (two series may be in one dependency graph).
fn links_for(version: &str) -> String {
    match parse_version(version) {
        Some((0, minor, _)) => format!("authlete_0_{minor}"),
        Some((major, _, _)) => format!("authlete_{major}"),
        None => "authlete".into(),
    }
}

fn parse_version(v: &str) -> Option<(u64, u64, u64)> {
    let mut parts = v.split(['.', '-', '+']).map(|p| p.parse::<u64>().ok());
    Some((parts.next()??, parts.next()??, parts.next()??))
}

/// Whether `current` is at least the `bump` above `released`.
fn bump_satisfied(released: &str, current: &str, bump: &str) -> bool {
    let (Some(r), Some(c)) = (parse_version(released), parse_version(current)) else { return false };
    match bump {
        "none" => c >= r,
        "patch" => c > r,
        "minor" => (c.0, c.1) > (r.0, r.1),
        _ => c.0 > r.0,
    }
}

fn next_version(released: &str, bump: &str) -> String {
    let (ma, mi, pa) = parse_version(released).unwrap_or((0, 0, 0));
    match bump {
        "major" => format!("{}.0.0", ma + 1),
        "minor" => format!("{ma}.{}.0", mi + 1),
        "patch" => format!("{ma}.{mi}.{}", pa + 1),
        _ => released.to_string(),
    }
}

/// The spec-sync block for CHANGELOG.md: the diff from the released spec to
/// the vendored one and the bump it requires.
fn changelog_block(
    changelog: &str,
    vendored: &str,
    retained: Option<&str>,
) -> Result<(String, String, &'static str), String> {
    let (released, file, digest) = last_release(changelog).ok_or("CHANGELOG.md has no release with a `Spec:` line")?;
    let (new_file, _) = provenance(vendored).ok_or("the vendored spec has no provenance header")?;
    let (old, old_retained) = released_spec(&file, &digest)?;
    let (a, b) =
        spec_diff::surfaces(&old, old_retained.as_deref(), vendored, Some(retained.unwrap_or("{}")), &new_file, false)?;
    let changes = spec_diff::diff(&a, &b);
    let bump = spec_diff::required_bump(&changes, &released);
    let block = if changes.is_empty() {
        String::new()
    } else {
        format!(
            "{BLOCK_START}\n{}\nVersion bump this requires since {released}: **{bump}** (to {} at least).\n{BLOCK_END}\n",
            spec_diff::markdown(&changes, &format!("Spec: `{file}` → `{new_file}`")),
            next_version(&released, bump)
        )
    };
    Ok((block, released, bump))
}

/// CHANGELOG.md with its spec-sync block replaced by `block`, right under
/// the "## Unreleased" heading (added if missing).
fn with_block(changelog: &str, block: &str) -> String {
    let mut text = changelog.to_string();
    if let (Some(s), Some(e)) = (text.find(BLOCK_START), text.find(BLOCK_END)) {
        let end = e + BLOCK_END.len() + usize::from(text[e + BLOCK_END.len()..].starts_with('\n'));
        text.replace_range(s..end, "");
    }
    let heading = "## Unreleased\n";
    if !text.contains(heading) {
        let at = text.find("\n## ").map_or(text.len(), |i| i + 1);
        text.insert_str(at, &format!("{heading}\n"));
    }
    let at = text.find(heading).expect("inserted above") + heading.len();
    let at = at + usize::from(text[at..].starts_with('\n'));
    text.insert_str(at, block);
    // A blank line between the block and what follows.
    if !block.is_empty() && !text[at + block.len()..].starts_with('\n') {
        text.insert(at + block.len(), '\n');
    }
    text
}

fn sync_spec(args: &[String]) -> Result<(), String> {
    let major = args.iter().any(|a| a == "--major");
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let [input] = files.as_slice() else { return Err(USAGE.to_string()) };
    let root = repo_root();
    let input = PathBuf::from(input.as_str());
    let vendored = vendored_text(&input)?;
    let name = input.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();

    // What the crate generated from until now (the vendored spec and what it
    // retained) less what the new revision has: kept, unless this is a major.
    let previous = std::fs::read_to_string(root.join(VENDORED)).ok();
    let previous_retained = std::fs::read_to_string(root.join(RETAINED)).ok();
    let kept = match (&previous, major) {
        (Some(previous), false) => {
            let mut before = spec::parse(previous)?;
            strip::strip_prose(&mut before);
            if let Some(text) = &previous_retained {
                retained::merge(&mut before, &spec::parse(text)?);
            }
            let mut after = spec::parse(&vendored)?;
            strip::strip_prose(&mut after);
            retained::retained(&before, &after, &name)
        }
        _ => serde_json::json!({}),
    };
    let retained_text = format!("{RETAINED_HEADER}{}", spec::to_yaml(&kept)?);

    let mut changed = Vec::new();
    if write_if_changed(&root.join(VENDORED), &vendored)? {
        changed.push(VENDORED.to_string());
    }
    if write_if_changed(&root.join(RETAINED), &retained_text)? {
        changed.push(RETAINED.to_string());
    }

    // The revision row of openapi/README.md.
    let readme_path = root.join("openapi/README.md");
    let readme = read(&readme_path)?;
    let doc = spec::parse(&vendored)?;
    let api_version = doc.pointer("/info/version").and_then(|v| v.as_str()).unwrap_or("?");
    let date = name.trim_end_matches(".yaml").trim_end_matches(".yml").rsplitn(4, '-').take(3).collect::<Vec<_>>();
    let date = if date.len() == 3 { format!("{}-{}-{}", date[2], date[1], date[0]) } else { "?".into() };
    let row = format!("| Revision | API {api_version}, published {date} (`{name}`) |");
    let readme_new: String = readme
        .lines()
        .map(|l| if l.starts_with("| Revision |") { row.clone() } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    if write_if_changed(&readme_path, &readme_new)? {
        changed.push("openapi/README.md".into());
    }

    // CHANGELOG.md: the diff since the last release, under "Unreleased".
    let changelog_path = root.join(CHANGELOG);
    let changelog = read(&changelog_path)?;
    let (block, released, bump) = changelog_block(&changelog, &vendored, Some(&retained_text))?;
    if write_if_changed(&changelog_path, &with_block(&changelog, &block))? {
        changed.push(CHANGELOG.into());
    }
    changed.extend(generate::generate()?);
    eprintln!(
        "synced to {name}: {}; since {released} this needs a {bump} version bump",
        if changed.is_empty() { "nothing changed".to_string() } else { format!("wrote {}", changed.join(", ")) }
    );
    Ok(())
}

fn check_version() -> Result<(), String> {
    let root = repo_root();
    let changelog = read(&root.join(CHANGELOG))?;
    let vendored = read(&root.join(VENDORED))?;
    let kept = std::fs::read_to_string(root.join(RETAINED)).ok();
    let (block, released, bump) = changelog_block(&changelog, &vendored, kept.as_deref())?;
    if with_block(&changelog, &block) != changelog {
        return Err(format!(
            "{CHANGELOG} does not hold the spec diff the vendored spec implies: run `cargo xtask sync-spec <upstream file>`"
        ));
    }
    let current = cargo_version()?;
    let links = links_for(&current);
    if !read(&root.join("Cargo.toml"))?.contains(&format!("links = \"{links}\"")) {
        return Err(format!("Cargo.toml's `links` must name the release series of {current}: `links = \"{links}\"`"));
    }
    if !bump_satisfied(&released, &current, bump) {
        return Err(format!(
            "the vendored spec changed the API since {released} in a way that needs a {bump} version bump \
             (to {} at least), but Cargo.toml says {current}",
            next_version(&released, bump)
        ));
    }
    eprintln!("version {current}: fits the spec changes since {released} ({bump} bump required)");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHANGELOG_TEXT: &str = "# Changelog\n\nIntro.\n\n## 0.1.0\n\n- Spec: `a.yaml` (sha256 abc)\n";

    #[test]
    fn the_block_goes_under_unreleased_and_replacing_it_is_idempotent() {
        let once = with_block(CHANGELOG_TEXT, &format!("{BLOCK_START}\nX\n{BLOCK_END}\n"));
        assert!(once.contains("## Unreleased\n\n<!-- spec-sync"), "{once}");
        assert!(once.find("## Unreleased").unwrap() < once.find("## 0.1.0").unwrap());
        let twice = with_block(&once, &format!("{BLOCK_START}\nX\n{BLOCK_END}\n"));
        assert_eq!(once, twice);
        let cleared = with_block(&once, "");
        assert!(!cleared.contains("spec-sync"), "{cleared}");
    }

    #[test]
    fn the_last_release_and_its_spec_are_read_from_the_changelog() {
        assert_eq!(last_release(CHANGELOG_TEXT), Some(("0.1.0".into(), "a.yaml".into(), "abc".into())));
    }

    #[test]
    fn links_names_the_release_series() {
        assert_eq!(links_for("0.2.0"), "authlete_0_2");
        assert_eq!(links_for("0.2.7"), "authlete_0_2");
        assert_eq!(links_for("1.4.0"), "authlete_1");
    }

    #[test]
    fn version_bumps_follow_cargo_semver() {
        assert!(bump_satisfied("0.1.0", "0.2.0", "minor"));
        assert!(!bump_satisfied("0.1.0", "0.1.1", "minor"));
        assert!(bump_satisfied("0.1.0", "0.1.1", "patch"));
        assert!(!bump_satisfied("0.1.0", "0.1.0", "patch"));
        assert!(bump_satisfied("0.1.0", "0.1.0", "none"));
        assert!(bump_satisfied("1.2.3", "2.0.0", "major"));
        assert!(!bump_satisfied("1.2.3", "1.9.0", "major"));
        assert_eq!(next_version("0.1.0", "minor"), "0.2.0");
    }

    #[test]
    fn provenance_is_read_from_the_header() {
        let text = "# x\n# Produced by `cargo xtask vendor-spec` from f.yaml\n# (sha256 0123), Copyright\n";
        assert_eq!(provenance(text), Some(("f.yaml".into(), "0123".into())));
    }
}
