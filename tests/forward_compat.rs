//! What a newer Authlete sends is neither refused nor lost: unknown enum
//! values and unknown fields decode, survive, and encode back unchanged.
//! Driven by the spec the crate was built from.

mod support;

#[path = "support/tables.rs"]
mod tables;

use serde_json::{json, Value};
use support::spec::{minimal, normalised as normalised_spec, raw as raw_spec};
use tables::inventory;

/// Number of string enums in a spec (named and inline).
fn count_enums(v: &Value) -> usize {
    match v {
        Value::Object(m) => {
            let here =
                usize::from(m.get("enum").is_some_and(Value::is_array) && m.get("type").is_none_or(|t| t == "string"));
            here + m.iter().filter(|(k, _)| *k != "enum").map(|(_, v)| count_enums(v)).sum::<usize>()
        }
        Value::Array(a) => a.iter().map(count_enums).sum(),
        _ => 0,
    }
}

#[test]
fn every_enum_accepts_and_keeps_unknown_values() {
    assert!(!inventory::ENUMS.is_empty());
    for e in &inventory::ENUMS {
        for known in e.known {
            let (back, unknown) = (e.round_trip)(known).unwrap();
            assert_eq!(back, json!(known), "{}", e.name);
            assert!(!unknown, "{}: {known} is known", e.name);
        }
        for novel in ["SOMETHING_NEW_IN_2027", "", "lower-case value"] {
            let (back, unknown) = (e.round_trip)(novel).unwrap_or_else(|err| panic!("{}: {err}", e.name));
            assert_eq!(back, json!(novel), "{}", e.name);
            assert!(unknown, "{}", e.name);
        }
    }
}

#[test]
fn every_string_enum_of_the_spec_is_open() {
    let in_spec = count_enums(&raw_spec());
    assert_eq!(inventory::ENUMS.len(), in_spec, "each string enum of the spec is one open Rust enum");
}

#[test]
fn every_object_schema_keeps_unknown_fields() {
    let spec = normalised_spec();
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    let mut checked = 0;
    let mut objects = 0;
    for (name, schema) in schemas {
        if !schema.get("properties").is_some_and(Value::is_object) {
            continue;
        }
        objects += 1;
        let mut instance = minimal(&spec, schema);
        let unknown = json!({"nested": [1, "two", {"three": null}], "flag": true});
        instance.as_object_mut().unwrap().insert("fieldFromTheFuture".into(), unknown.clone());
        let Some(result) = inventory::round_trip_component(name, instance.clone()) else { continue };
        let back = result.unwrap_or_else(|e| panic!("{name}: {e}\n{instance}"));
        for (k, v) in instance.as_object().unwrap() {
            assert_eq!(back.get(k), Some(v), "{name}.{k} did not survive");
        }
        checked += 1;
    }
    assert_eq!(checked, objects, "every object schema has a type that was checked");
}

/// A client as a newer Authlete would send it: a field we do not know, a
/// nested object with one, a new enum value in a list.
#[test]
fn read_modify_write_of_a_client_loses_nothing() {
    let sent = json!({
        "clientId": 1234,
        "clientName": "Old name",
        "clientType": "CONFIDENTIAL",
        "grantTypes": ["AUTHORIZATION_CODE", "GRANT_TYPE_OF_2027"],
        "responseTypes": ["CODE"],
        "applicationType": "WEB",
        "futureSetting": {"enabled": true, "levels": [1, 2, 3]},
        "attributes": [{"key": "k", "value": "v", "futureAttributeFlag": "x"}]
    });
    // The type `client_get` returns, whatever the spec calls it.
    let mut client: authlete::operation::client_get::Success = serde_json::from_value(sent.clone()).unwrap();
    assert!(client.grant_types[1].is_unknown());
    client.client_name = Some("New name".into());
    let written = serde_json::to_value(&client).unwrap();
    let mut expected = sent;
    expected["clientName"] = json!("New name");
    assert_eq!(written, expected);
}
