//! cargo-semver-checks as the judge of `spec-diff`: the crate is built
//! twice with today's generator and hand layer, once from an older spec and
//! once from a newer one (with what it retains from the older), and
//! cargo-semver-checks compares the two public APIs (rustdoc JSON). Its
//! verdict (breaking or not) must be `spec-diff`'s, with one allowance:
//! cargo-semver-checks has no lint for a field whose type changed (0.51: a
//! retype is seen only when a method's signature goes with it), so
//! `spec-diff` may call a change breaking that it passes when every such
//! change is a retype.
//!
//! - `cargo xtask semver-judge`: the last released spec (CHANGELOG.md)
//!   against the vendored one and `openapi/retained.yaml` (CI runs it);
//! - `cargo xtask semver-pairs <a.yaml> <b.yaml> ...`: each consecutive
//!   pair of upstream files, as a Markdown table (BENCHMARKS.md has it);
//! - `cargo xtask semver-rules`: one case per classification rule of
//!   `spec_diff.rs`, each a change of the generator's fixture spec
//!   (`codegen/tests/fixture/spec.yaml`) with the verdict the rule gives.

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
    /// Every breaking change spec-diff found is a retype (`changed`).
    pub only_retypes: bool,
}

impl Verdict {
    /// Both say breaking, or both say not, or spec-diff says breaking for
    /// retypes only (which cargo-semver-checks cannot always see).
    pub fn agree(&self) -> bool {
        let ours = self.spec_diff_breaking > 0;
        let theirs = !self.semver_checks_failed.is_empty();
        ours == theirs || (ours && self.only_retypes)
    }

    /// The "agree" column.
    pub fn agreement(&self) -> &'static str {
        match (self.agree(), self.semver_checks_failed.is_empty() && self.spec_diff_breaking > 0) {
            (false, _) => "**no**",
            (true, true) => "yes (retypes it has no lint for)",
            (true, false) => "yes",
        }
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

/// One classification rule, as a change of the fixture spec.
pub struct Case {
    /// What changes.
    pub name: &'static str,
    /// Applies it to the fixture (parsed).
    pub change: fn(&mut serde_json::Value),
    /// `sync-spec --major` (nothing retained).
    pub major: bool,
    /// The rule's verdict: breaking?
    pub breaking: bool,
}

fn schema<'a>(spec: &'a mut serde_json::Value, name: &str) -> &'a mut serde_json::Value {
    &mut spec["components"]["schemas"][name]
}

/// A case per rule of the table in `spec_diff.rs`.
pub const CASES: &[Case] = &[
    Case {
        name: "field added",
        change: |s| schema(s, "client")["properties"]["clientUri2"] = serde_json::json!({"type": "string"}),
        major: false,
        breaking: false,
    },
    Case {
        name: "enum value added",
        change: |s| {
            let action = &mut schema(s, "token_response")["properties"]["action"]["enum"];
            action.as_array_mut().expect("an enum").push("NEW_ACTION".into());
        },
        major: false,
        breaking: false,
    },
    Case {
        name: "operation added",
        change: |s| {
            let op = s["paths"]["/api/{serviceId}/client/get/{clientId}"]["get"].clone();
            s["paths"]["/api/{serviceId}/client/get2/{clientId}"] = serde_json::json!({"get": op});
            s["paths"]["/api/{serviceId}/client/get2/{clientId}"]["get"]["operationId"] = "client_get2_api".into();
        },
        major: false,
        breaking: false,
    },
    Case {
        name: "field dropped (retained, deprecated)",
        change: |s| {
            schema(s, "client")["properties"].as_object_mut().expect("properties").remove("clientName");
        },
        major: false,
        breaking: false,
    },
    Case {
        name: "field dropped, major",
        change: |s| {
            schema(s, "client")["properties"].as_object_mut().expect("properties").remove("clientName");
        },
        major: true,
        breaking: true,
    },
    Case {
        name: "enum value dropped (retained, deprecated)",
        change: |s| {
            let action = &mut schema(s, "token_response")["properties"]["action"]["enum"];
            action.as_array_mut().expect("an enum").retain(|v| v != "BAD_REQUEST");
        },
        major: false,
        breaking: false,
    },
    Case {
        name: "operation dropped (retained, deprecated)",
        change: |s| {
            s["paths"].as_object_mut().expect("paths").remove("/api/{serviceId}/client/delete/{clientId}");
        },
        major: false,
        breaking: false,
    },
    Case {
        name: "operation dropped, major",
        change: |s| {
            s["paths"].as_object_mut().expect("paths").remove("/api/{serviceId}/client/delete/{clientId}");
        },
        major: true,
        breaking: true,
    },
    Case {
        name: "type dropped (retained, deprecated)",
        change: |s| {
            // `client` is used by an operation: drop that too, then the type.
            s["paths"].as_object_mut().expect("paths").remove("/api/{serviceId}/client/get/{clientId}");
            s["components"]["schemas"].as_object_mut().expect("schemas").remove("client");
        },
        major: false,
        breaking: false,
    },
    Case {
        name: "field made nullable",
        change: |s| schema(s, "client")["properties"]["clientName"]["nullable"] = true.into(),
        major: false,
        breaking: false,
    },
    Case {
        name: "request field required → optional",
        change: |s| {
            schema(s, "token_request").as_object_mut().expect("object").remove("required");
        },
        major: false,
        breaking: false,
    },
    Case {
        name: "request field optional → required",
        change: |s| schema(s, "token_request")["required"] = serde_json::json!(["parameters", "clientId"]),
        major: false,
        breaking: false,
    },
    Case {
        name: "field retyped (string → array)",
        change: |s| {
            schema(s, "client")["properties"]["clientName"] =
                serde_json::json!({"type": "array", "items": {"type": "string"}})
        },
        major: false,
        breaking: true,
    },
    Case {
        name: "field retyped (integer → string)",
        change: |s| schema(s, "client")["properties"]["clientId"] = serde_json::json!({"type": "string"}),
        major: false,
        breaking: true,
    },
];

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
        after.agreement()
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
            only_retypes: false,
        };
        assert!(v(0, &[]).agree());
        assert!(v(2, &["inherent_method_missing"]).agree());
        assert!(!v(0, &["enum_variant_missing"]).agree());
        assert!(!v(1, &[]).agree());
        let retype = Verdict { only_retypes: true, ..v(1, &[]) };
        assert!(retype.agree());
        assert_eq!(retype.agreement(), "yes (retypes it has no lint for)");
        assert_eq!(row("a → b", &v(0, &[])), "| a → b | 0 breaking, 0 additive | passes | yes |");
    }
}
