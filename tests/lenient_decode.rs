//! A response never fails whole because one field drifted: for every object
//! type of the spec, each optional field given a value of the wrong JSON
//! kind leaves the rest of the answer intact and keeps the raw value (under
//! the field's wire name), so encoding it again gives back what was sent.
//! Numbers and booleans in strings are read as such. Driven by the spec the
//! crate was built from.

mod support;

#[path = "support/tables.rs"]
mod tables;

use proptest::prelude::*;
use serde_json::{json, Value};
use support::spec::{minimal, normalised, resolve};
use tables::inventory;

/// An instance of `schema` with every property set (each to a minimal valid
/// value).
fn full(spec: &Value, schema: &Value) -> Value {
    let mut instance = minimal(spec, schema);
    if let (Some(obj), Some(props)) =
        (instance.as_object_mut(), resolve(spec, schema).get("properties").and_then(Value::as_object))
    {
        for (name, prop) in props {
            obj.entry(name.clone()).or_insert_with(|| minimal(spec, prop));
        }
    }
    instance
}

/// Empty lists and maps are not sent (the generated types skip them), so
/// they do not come back: drop them before comparing.
fn without_empty(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| {
                    !matches!(v, Value::Array(a) if a.is_empty()) && !matches!(v, Value::Object(o) if o.is_empty())
                })
                .map(|(k, v)| (k.clone(), without_empty(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The JSON kind a property expects, as far as one level of the schema says.
fn kind(spec: &Value, prop: &Value) -> Option<&'static str> {
    let p = resolve(spec, prop);
    match p.get("type").and_then(Value::as_str) {
        Some("string") => Some("string"),
        Some("integer") | Some("number") => Some("number"),
        Some("boolean") => Some("boolean"),
        Some("array") => Some("array"),
        Some("object") => Some("object"),
        _ if p.get("properties").is_some() => Some("object"),
        _ => None, // anything goes (oneOf, untyped)
    }
}

/// A value of another kind that no rule coerces.
fn wrong_value(kind: &str) -> Value {
    match kind {
        "string" => json!({"unexpected": [1, 2]}),
        "number" => json!("not a number"),
        "boolean" => json!("maybe"),
        "array" => json!({"not": "a list"}),
        _ => json!("not an object"),
    }
}

/// `(schema name, property, expected kind)` of every optional property of
/// every object schema.
fn optional_properties(spec: &Value) -> Vec<(String, String, &'static str)> {
    let mut out = Vec::new();
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        let Some(props) = schema.get("properties").and_then(Value::as_object) else { continue };
        let required: Vec<&str> =
            schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        for (prop, def) in props {
            if required.contains(&prop.as_str()) {
                continue;
            }
            if let Some(k) = kind(spec, def) {
                out.push((name.clone(), prop.clone(), k));
            }
        }
    }
    out
}

#[test]
fn every_optional_field_of_the_wrong_kind_is_kept_raw_and_the_rest_is_intact() {
    let spec = normalised();
    let cases = optional_properties(&spec);
    assert!(cases.len() > 100, "the spec has many optional fields: {}", cases.len());
    let mut checked = 0;
    for (name, prop, kind) in &cases {
        let mut instance = full(&spec, &spec["components"]["schemas"][name]);
        instance[prop.as_str()] = wrong_value(kind);
        let Some(result) = inventory::round_trip_component(name, instance.clone()) else { continue };
        let back =
            result.unwrap_or_else(|e| panic!("{name}.{prop} = {}: the answer failed whole: {e}", instance[prop]));
        assert_eq!(
            without_empty(&back),
            without_empty(&instance),
            "{name}.{prop}: encoding again must give back what was sent"
        );
        checked += 1;
    }
    eprintln!("lenient_decode: {checked} fields of the wrong kind checked");
    assert!(checked > 100);
}

#[test]
fn numbers_and_booleans_in_strings_are_read_as_such() {
    let spec = normalised();
    let mut checked = 0;
    for (name, prop, kind) in optional_properties(&spec) {
        let p = resolve(&spec, &spec["components"]["schemas"][&name]["properties"][&prop]).clone();
        let (text, typed) = match (kind, p.get("type").and_then(Value::as_str)) {
            ("number", Some("integer")) => ("7", json!(7)),
            ("boolean", _) => ("true", json!(true)),
            _ => continue,
        };
        let mut instance = full(&spec, &spec["components"]["schemas"][&name]);
        instance[prop.as_str()] = json!(text);
        let Some(result) = inventory::round_trip_component(&name, instance.clone()) else { continue };
        let back = result.unwrap_or_else(|e| panic!("{name}.{prop}: {e}"));
        assert_eq!(back[prop.as_str()], typed, "{name}.{prop}: {text:?} is read as {typed}");
        checked += 1;
    }
    assert!(checked > 20, "{checked}");
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        "[a-z0-9 ]{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-z]{1,4}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any JSON in one optional field: the answer decodes, every other field
    /// comes back unchanged, and the field itself is not lost.
    #[test]
    fn any_value_in_one_field_never_fails_the_answer(pick in any::<prop::sample::Index>(), value in any_json()) {
        let spec = normalised();
        let cases = optional_properties(&spec);
        let (name, prop, _) = &cases[pick.index(cases.len())];
        let mut instance = full(&spec, &spec["components"]["schemas"][name]);
        instance[prop.as_str()] = value.clone();
        if let Some(result) = inventory::round_trip_component(name, instance.clone()) {
            let back = result.map_err(|e| TestCaseError::fail(format!("{name}.{prop} = {value}: {e}")))?;
            let back = without_empty(&back);
            for (k, v) in without_empty(&instance).as_object().unwrap() {
                if k != prop {
                    prop_assert_eq!(back.get(k), Some(v), "{}.{} changed", name, k);
                }
            }
            // Null means "absent" for an optional field; anything else is kept,
            // typed or raw.
            if !value.is_null() && without_empty(&json!({"v": value})).get("v").is_some() {
                prop_assert!(back.get(prop.as_str()).is_some(), "{}.{} = {} was lost", name, prop, value);
            }
        }
    }
}

#[test]
fn the_three_answers_upstream_examples_broke_now_decode() {
    // `supportedScopes` as strings where the spec says `Scope` objects.
    let service = json!({"serviceName": "s", "supportedScopes": ["openid", "profile"], "issuer": "https://as"});
    let decoded: authlete::types::Service = serde_json::from_value(service.clone()).unwrap();
    assert_eq!(decoded.service_name.as_deref(), Some("s"), "the rest is intact");
    assert!(decoded.supported_scopes.is_empty(), "the drifted field is unset (its default)");
    assert_eq!(decoded.extra["supportedScopes"], json!(["openid", "profile"]), "and kept raw");
    assert_eq!(serde_json::to_value(&decoded).unwrap(), service, "a read-modify-write sends it back");

    // `clientId` as a string of digits where the spec says an integer.
    let userinfo: authlete::types::UserinfoResponse =
        serde_json::from_value(json!({"action": "OK", "clientId": "1234"})).unwrap();
    assert_eq!(userinfo.client_id, Some(1234));
}

/// Found by the property test: a nested object missing a field its own
/// schema requires stays local to that field (kept raw), not a failed answer.
#[test]
fn a_nested_object_missing_a_required_field_is_kept_raw() {
    let spec = normalised();
    let Some(schema) = spec["components"]["schemas"].get("token_info") else { return };
    let mut instance = full(&spec, schema);
    instance["authorizationDetails"] = json!({});
    let back = inventory::round_trip_component("token_info", instance.clone()).unwrap().unwrap();
    assert_eq!(back["authorizationDetails"], json!({}));
}

/// A value set aside while an object decodes belongs to that object only:
/// a nested object with a field the spec marks required missing (it decodes
/// as `None`: rule `required_fields_are_options`) and a misfit field keeps
/// that misfit under its own name, and nothing of it surfaces in the parent.
#[test]
fn a_nested_misfit_stays_with_its_object_when_a_required_field_is_missing() {
    let spec = normalised();
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    let misfits = optional_properties(&spec);
    let mut checked = 0;
    for (parent, parent_schema) in schemas {
        let Some(props) = parent_schema.get("properties").and_then(Value::as_object) else { continue };
        for (field, prop) in props {
            let Some(child) = prop.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()) else {
                continue;
            };
            let child_schema = &schemas[child];
            let Some(required) = child_schema.get("required").and_then(Value::as_array).and_then(|r| r.first()) else {
                continue;
            };
            let Some((_, misfit, kind)) = misfits.iter().find(|(name, _, _)| name == child) else { continue };
            let mut nested = full(&spec, child_schema);
            nested[misfit.as_str()] = wrong_value(kind);
            nested.as_object_mut().unwrap().remove(required.as_str().unwrap());
            let mut instance = full(&spec, parent_schema);
            instance[field.as_str()] = nested;
            let Some(result) = inventory::round_trip_component(parent, instance.clone()) else { continue };
            let back = result.unwrap_or_else(|e| panic!("{parent}.{field}: the answer failed whole: {e}"));
            assert_eq!(
                without_empty(&back),
                without_empty(&instance),
                "{parent}.{field}: the {child} must come back as sent, and only under {field}"
            );
            checked += 1;
        }
    }
    eprintln!("lenient_decode: {checked} nested objects checked");
    assert!(checked > 0, "the spec nests objects with a required field");
}
