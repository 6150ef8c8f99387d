//! The operation group features in the `authlete` crate's `Cargo.toml`: a
//! block between two marker comments of `[features]`, one feature per tag of
//! the spec (rule `operation_groups_behind_features`) and `full` for all of
//! them. `cargo xtask generate` writes it; the build script reads it.

use std::collections::BTreeSet;

use crate::rewrite::operation_groups_behind_features::FEATURE_PREFIX;

/// The line before the block.
pub const BEGIN: &str = "# api-groups: begin (`cargo xtask generate` writes this block)";
/// The line after it.
pub const END: &str = "# api-groups: end";
/// The feature that turns on every group.
pub const FULL: &str = "full";

/// The group features `manifest` declares: the keys of its `[features]`
/// table that start with `api-`, wherever they are in it (`cargo package`
/// rewrites the manifest without its comments, markers included).
pub fn declared_features(manifest: &str) -> BTreeSet<String> {
    features_table(manifest)
        .filter_map(|l| l.split_once('=').map(|(name, _)| name.trim().trim_matches('"')))
        .filter(|name| name.starts_with(FEATURE_PREFIX))
        .map(str::to_string)
        .collect()
}

/// The lines of the `[features]` table.
fn features_table(manifest: &str) -> impl Iterator<Item = &str> {
    let mut inside = false;
    manifest.lines().filter(move |line| {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            inside = trimmed == "[features]";
            return false;
        }
        inside && !trimmed.starts_with('#')
    })
}

/// `manifest` with its block declaring `features` (`(feature, tag)`) and
/// every group it declared before: a group once released stays, so that an
/// app that names it still builds.
///
/// # Errors
/// A manifest without the two marker lines.
pub fn with_features(manifest: &str, features: &[(String, String)]) -> Result<String, String> {
    let (Some(start), Some(end)) = (manifest.find(BEGIN), manifest.find(END)) else {
        return Err(format!("Cargo.toml has no `{BEGIN}` … `{END}` block in [features]"));
    };
    let mut tags: std::collections::BTreeMap<String, Option<&str>> =
        declared_features(&block(manifest)).into_iter().map(|f| (f, None)).collect();
    for (feature, tag) in features {
        tags.insert(feature.clone(), Some(tag));
    }
    let mut text = format!("{BEGIN}\n");
    for (feature, tag) in &tags {
        match tag {
            Some(tag) => text.push_str(&format!("# Operations tagged \"{tag}\".\n{feature} = []\n")),
            None => {
                text.push_str(&format!("# A tag no longer in the spec (kept: apps may name it).\n{feature} = []\n"))
            }
        }
    }
    let all: Vec<String> = tags.keys().map(|f| format!("\"{f}\"")).collect();
    text.push_str(&format!("# Every operation group.\n{FULL} = [{}]\n", all.join(", ")));
    Ok(format!("{}{text}{}", &manifest[..start], &manifest[end..]))
}

/// The block, as a `[features]` table of its own.
fn block(manifest: &str) -> String {
    match (manifest.find(BEGIN), manifest.find(END)) {
        (Some(start), Some(end)) if start < end => format!("[features]\n{}", &manifest[start + BEGIN.len()..end]),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_is_written_and_read_back_keeping_what_it_had() {
        let manifest = format!(
            "[features]\ndefault = [\"api-a\"]\n{BEGIN}\n# old\napi-gone = []\nfull = [\"api-gone\"]\n{END}\nother = []\n"
        );
        let written = with_features(&manifest, &[("api-a".into(), "A".into())]).unwrap();
        assert_eq!(declared_features(&written), ["api-a".to_string(), "api-gone".to_string()].into());
        assert!(written.contains("full = [\"api-a\", \"api-gone\"]\n"), "{written}");
        assert!(written.starts_with("[features]\ndefault = [\"api-a\"]\n"), "{written}");
        assert!(written.ends_with(&format!("{END}\nother = []\n")), "{written}");
        // Writing it again changes nothing.
        assert_eq!(with_features(&written, &[("api-a".into(), "A".into())]).unwrap(), written);
        assert!(with_features("[features]\n", &[]).is_err());
        // As `cargo package` writes it: no comments, keys anywhere in the table.
        let packaged = "[package]\nname = \"authlete\"\n\n[features]\napi-a = []\ndefault = [\"api-a\"]\n\"api-b\" = []\nfull = [\"api-a\", \"api-b\"]\n\n[dependencies.api-c]\nversion = \"1\"\n";
        assert_eq!(declared_features(packaged), ["api-a".to_string(), "api-b".to_string()].into());
    }
}
