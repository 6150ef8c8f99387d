//! The generation rules' unit tests (they live beside the rules in
//! `codegen/`, which `build.rs` compiles; this target runs them).

#[path = "../codegen/normalise.rs"]
#[allow(dead_code)]
mod normalise;
#[path = "../codegen/rewrite.rs"]
#[allow(dead_code)]
mod rewrite;
#[path = "../codegen/spec.rs"]
#[allow(dead_code)]
mod spec;
#[path = "../codegen/strip.rs"]
#[allow(dead_code)]
mod strip;

#[test]
fn yaml_keys_that_look_like_numbers_become_strings() {
    let v = spec::parse("responses:\n  200: {description: ok}\n  '404': {}\n").unwrap();
    assert!(v["responses"].get("200").is_some());
    assert!(v["responses"].get("404").is_some());
}

#[test]
fn the_vendored_spec_holds_no_prose() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/authlete-api.yaml")).unwrap();
    let doc = spec::parse(&text).unwrap();
    assert_eq!(strip::count_prose(&doc), 0);
}

#[test]
fn normalising_a_real_revision_is_idempotent() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/authlete-api.yaml")).unwrap();
    let mut doc = spec::parse(&text).unwrap();
    normalise::normalise(&mut doc);
    let once = doc.clone();
    assert!(normalise::normalise(&mut doc).is_empty());
    assert_eq!(doc, once);
}
