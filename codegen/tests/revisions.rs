//! The rules on real specs: the vendored one, and every upstream revision in
//! `../shared/upstream` (when it is there).

use authlete_codegen::{normalise, spec, strip};

#[test]
fn yaml_keys_that_look_like_numbers_become_strings() {
    let v = spec::parse("responses:\n  200: {description: ok}\n  '404': {}\n").unwrap();
    assert!(v["responses"].get("200").is_some());
    assert!(v["responses"].get("404").is_some());
}

#[test]
fn the_vendored_spec_holds_no_prose() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/authlete-api.yaml")).unwrap();
    let doc = spec::parse(&text).unwrap();
    assert_eq!(strip::count_prose(&doc), 0);
}

#[test]
fn normalising_a_real_revision_is_idempotent() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/authlete-api.yaml")).unwrap();
    let mut doc = spec::parse(&text).unwrap();
    normalise::normalise(&mut doc);
    let once = doc.clone();
    assert!(normalise::normalise(&mut doc).is_empty());
    assert_eq!(doc, once);
}

/// `(METHOD, path) → Rust method name` for one spec file, after the rules.
fn method_names(file: &std::path::Path) -> std::collections::BTreeMap<(String, String), String> {
    let mut doc = spec::parse(&std::fs::read_to_string(file).unwrap()).unwrap();
    strip::strip_prose(&mut doc);
    normalise::normalise(&mut doc);
    let mut out = std::collections::BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(name) = op.get("operationId").and_then(|v| v.as_str()) {
                out.insert((method.to_ascii_uppercase(), path.clone()), name.to_string());
            }
        }
    }
    out
}

/// Item 1 of the naming rule: the same method + path keeps its Rust name
/// across every pair of consecutive upstream revisions (`../shared/upstream`,
/// oldest first by the date in the file name). Prints the figures.
#[test]
fn method_names_are_stable_across_upstream_revisions() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/upstream"));
    let Ok(entries) = std::fs::read_dir(dir) else {
        eprintln!("{} not found: name stability not checked", dir.display());
        return;
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "need two revisions to compare");
    let mut changed = Vec::new();
    for pair in files.windows(2) {
        let (old, new) = (method_names(&pair[0]), method_names(&pair[1]));
        let common: Vec<_> = old.keys().filter(|k| new.contains_key(*k)).collect();
        let kept = common.iter().filter(|k| old[**k] == new[**k]).count();
        eprintln!(
            "{} -> {}: {kept}/{} unchanged method+path kept their name",
            pair[0].file_name().unwrap().to_string_lossy(),
            pair[1].file_name().unwrap().to_string_lossy(),
            common.len()
        );
        for k in common.iter().filter(|k| old[**k] != new[**k]) {
            changed.push(format!("{} {}: {} -> {}", k.0, k.1, old[*k], new[*k]));
        }
    }
    assert!(changed.is_empty(), "renamed: {changed:#?}");
}

#[test]
fn the_vendored_revision_names_the_token_endpoint_operations_plainly() {
    let names =
        method_names(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/authlete-api.yaml")));
    for (path, name) in [
        ("/api/{serviceId}/auth/token", "auth_token"),
        ("/api/{serviceId}/idtoken/reissue", "idtoken_reissue"),
        ("/api/{serviceId}/auth/introspection", "auth_introspection"),
    ] {
        assert_eq!(names[&("POST".to_string(), path.to_string())], name);
    }
}
