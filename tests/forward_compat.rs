//! What a newer Authlete sends is neither refused nor lost: unknown enum
//! values and unknown fields decode, survive, and encode back unchanged.
//! Driven by the spec the crate was built from.

use authlete::generated::inventory;
use serde_json::{json, Map, Value};

fn normalised_spec() -> Value {
    let text = std::fs::read_to_string(env!("AUTHLETE_NORMALISED_SPEC")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn raw_spec() -> Value {
    let text = std::fs::read_to_string(env!("AUTHLETE_SPEC_PATH")).unwrap();
    serde_norway::from_str(&text).unwrap()
}

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

/// A minimal instance of `schema`: required properties only.
fn minimal(spec: &Value, schema: &Value, depth: usize) -> Value {
    assert!(depth < 40, "schema recursion too deep");
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let target = spec.pointer(r.trim_start_matches('#')).expect("ref resolves");
        return minimal(spec, target, depth + 1);
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values[0].clone();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema.get(key).and_then(Value::as_array).and_then(|a| a.first()) {
            return minimal(spec, first, depth + 1);
        }
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        let mut out = Map::new();
        for s in all {
            if let Value::Object(m) = minimal(spec, s, depth + 1) {
                out.extend(m);
            }
        }
        return Value::Object(out);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => json!(""),
        Some("integer") => json!(0),
        Some("number") => json!(0.0),
        Some("boolean") => json!(false),
        Some("array") => json!([]),
        _ => {
            let mut out = Map::new();
            let props = schema.get("properties").and_then(Value::as_object);
            for name in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
                let name = name.as_str().unwrap();
                let prop = props.and_then(|p| p.get(name)).cloned().unwrap_or(json!({}));
                out.insert(name.to_string(), minimal(spec, &prop, depth + 1));
            }
            Value::Object(out)
        }
    }
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
        let mut instance = minimal(&spec, schema, 0);
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
    let mut client: authlete::models::Client = serde_json::from_value(sent.clone()).unwrap();
    assert!(client.grant_types[1].is_unknown());
    client.client_name = Some("New name".into());
    let written = serde_json::to_value(&client).unwrap();
    let mut expected = sent;
    expected["clientName"] = json!("New name");
    assert_eq!(written, expected);
}
