//! cargo-semver-checks as the judge of `spec-diff`: the crate is built
//! twice with today's generator and hand layer, once from an older spec and
//! once from a newer one (with what it retains from the older), and
//! cargo-semver-checks compares the two public APIs (rustdoc JSON). Its
//! verdict (breaking or not) must be `spec-diff`'s.
//!
//! - `cargo xtask semver-judge`: the last released spec (CHANGELOG.md)
//!   against the vendored one and `openapi/retained.yaml` (CI runs it);
//! - `cargo xtask semver-pairs <a.yaml> <b.yaml> ...`: each consecutive
//!   pair of upstream files, as a Markdown table (BENCHMARKS.md has it).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The pinned cargo-semver-checks `.ci/run` installs.
pub const PINNED: &str = "0.51.0";

/// One comparison.
pub struct Verdict {
    /// `spec-diff` counted breaking changes.
    pub spec_diff_breaking: usize,
    /// `spec-diff`'s additive changes.
    pub spec_diff_additive: usize,
    /// The lints cargo-semver-checks reported as failed (empty: no break).
    pub semver_checks_failed: Vec<String>,
}

impl Verdict {
    /// Both say breaking, or both say not.
    pub fn agree(&self) -> bool {
        (self.spec_diff_breaking > 0) != self.semver_checks_failed.is_empty()
    }
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Checks that the installed cargo-semver-checks is the pinned one.
pub fn check_installed() -> Result<(), String> {
    let out = Command::new(cargo())
        .args(["semver-checks", "--version"])
        .output()
        .map_err(|e| format!("cannot run cargo semver-checks: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() || !text.contains(PINNED) {
        return Err(format!(
            "cargo-semver-checks {PINNED} is needed (found: {}); `.ci/run` installs it with \
             `cargo install --locked cargo-semver-checks@{PINNED}`",
            text.trim()
        ));
    }
    Ok(())
}

/// The crate's rustdoc JSON generated from `spec` (absolute) with
/// `retained` (absolute, or none), copied to `out`. Shares `public-api`'s
/// target directory and features, so CI builds the vendored one once.
pub fn rustdoc_json(root: &Path, spec: Option<&Path>, retained: Option<&Path>, out: &Path) -> Result<(), String> {
    let target = root.join("target").join("public-api");
    let mut cmd = Command::new(cargo());
    cmd.current_dir(root)
        .env("RUSTC_BOOTSTRAP", "1")
        .env_remove("AUTHLETE_OPENAPI_SPEC")
        .env_remove("AUTHLETE_RETAINED")
        .args(["rustdoc", "--quiet", "-p", "authlete", "--lib", "--all-features", "--target-dir"])
        .arg(&target)
        .args(["--", "-Z", "unstable-options", "--output-format", "json"]);
    if let Some(spec) = spec {
        cmd.env("AUTHLETE_OPENAPI_SPEC", spec);
    }
    if let Some(retained) = retained {
        cmd.env("AUTHLETE_RETAINED", retained);
    }
    let status = cmd.status().map_err(|e| format!("cannot run cargo rustdoc: {e}"))?;
    if !status.success() {
        return Err("cargo rustdoc (JSON) failed".into());
    }
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    std::fs::copy(target.join("doc").join("authlete.json"), out).map_err(|e| format!("cannot copy the JSON: {e}"))?;
    Ok(())
}

/// cargo-semver-checks on two rustdoc JSON files, asked whether the change
/// fits a minor release (additions and deprecations pass, what breaks a
/// user's code fails): the lints that failed.
pub fn failed_lints(root: &Path, baseline: &Path, current: &Path) -> Result<Vec<String>, String> {
    let out = Command::new(cargo())
        .current_dir(root)
        .args(["semver-checks", "check-release", "--release-type", "minor", "--baseline-rustdoc"])
        .arg(baseline)
        .arg("--current-rustdoc")
        .arg(current)
        .output()
        .map_err(|e| format!("cannot run cargo semver-checks: {e}"))?;
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    // `--- failure <lint>: <summary> ---` per failed lint.
    let mut failed: Vec<String> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--- failure ")?.split(':').next().map(str::to_string))
        .collect();
    failed.sort();
    failed.dedup();
    if !out.status.success() && failed.is_empty() {
        return Err(format!("cargo semver-checks failed without naming a lint:\n{text}"));
    }
    if out.status.success() && !failed.is_empty() {
        return Err(format!("cargo semver-checks passed but reported failures:\n{text}"));
    }
    Ok(failed)
}

/// Where the judge's files go.
pub fn work_dir(root: &Path) -> PathBuf {
    root.join("target").join("semver")
}

/// A Markdown row of the pairs table.
pub fn row(pair: &str, after: &Verdict) -> String {
    let lints = if after.semver_checks_failed.is_empty() {
        "passes".to_string()
    } else {
        format!("breaking: {}", after.semver_checks_failed.join(", "))
    };
    format!(
        "| {pair} | {} breaking, {} additive | {lints} | {} |",
        after.spec_diff_breaking,
        after.spec_diff_additive,
        if after.agree() { "yes" } else { "**no**" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_agree_on_breaking_or_not() {
        let v = |b, lints: &[&str]| Verdict {
            spec_diff_breaking: b,
            spec_diff_additive: 0,
            semver_checks_failed: lints.iter().map(|s| s.to_string()).collect(),
        };
        assert!(v(0, &[]).agree());
        assert!(v(2, &["struct_field_type_changed"]).agree());
        assert!(!v(0, &["enum_variant_missing"]).agree());
        assert!(!v(1, &[]).agree());
        assert_eq!(row("a → b", &v(0, &[])), "| a → b | 0 breaking, 0 additive | passes | yes |");
    }
}
