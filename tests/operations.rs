//! Every operation of the spec the crate was built from has its method.
//!
//! The operations are read from the spec file itself and the retained
//! file the build merged (not from anything generated), so an operation lost
//! by a normalisation rule or by progenitor fails here. Runs for whichever revision `AUTHLETE_OPENAPI_SPEC` selected.

#[allow(dead_code)]
#[path = "support/spec.rs"]
mod spec;
#[path = "support/tables.rs"]
mod tables;

use std::collections::BTreeSet;

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The spec file's operations, with the ones the build retained.
fn spec_operations() -> BTreeSet<(String, String)> {
    let doc = spec::raw();
    let mut ops = BTreeSet::new();
    for (p, item) in doc["paths"].as_object().expect("paths") {
        for m in item.as_object().expect("path item").keys() {
            if METHODS.contains(&m.as_str()) {
                ops.insert((m.to_ascii_uppercase(), p.clone()));
            }
        }
    }
    ops
}

#[test]
fn every_spec_operation_has_a_client_method() {
    let client = authlete::Authlete::builder().base_url("http://127.0.0.1:9").build().unwrap();
    let checked: Vec<_> = tables::OPERATIONS.iter().map(|o| (o.id, o.method, o.path, (o.check)(&client))).collect();
    let generated: BTreeSet<(String, String)> =
        checked.iter().map(|(_, m, p, _)| (m.to_string(), p.to_string())).collect();
    let expected = spec_operations();
    let missing: Vec<_> = expected.difference(&generated).collect();
    let extra: Vec<_> = generated.difference(&expected).collect();
    assert!(missing.is_empty(), "operations without a method: {missing:?}");
    assert!(extra.is_empty(), "methods for no operation: {extra:?}");
    assert_eq!(checked.len(), expected.len(), "one method per operation");
    for (id, _, _, reported) in &checked {
        assert_eq!(id, reported, "the method for {id} builds another operation");
    }
    let ids: BTreeSet<_> = checked.iter().map(|(id, ..)| *id).collect();
    assert_eq!(ids.len(), checked.len(), "operation ids are unique");
}

#[test]
fn every_service_scoped_operation_takes_the_client_service_id() {
    // Derived from the spec file, not written down: a new revision needs no edit here.
    let expected = spec_operations().iter().filter(|(_, p)| p.contains("{serviceId}")).count();
    let with_service_id = authlete::operations().filter(|o| o.path.contains("{serviceId}")).count();
    assert_eq!(with_service_id, expected);
    assert!(expected > 0, "the spec has operations under /api/{{serviceId}}");
}
