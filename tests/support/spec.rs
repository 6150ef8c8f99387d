//! Reading the spec the crate was built from, and making minimal valid
//! values from its schemas.

use serde_json::{json, Map, Value};

/// The normalised spec (what progenitor generated from).
pub fn normalised() -> Value {
    serde_json::from_str(&std::fs::read_to_string(env!("AUTHLETE_NORMALISED_SPEC")).unwrap()).unwrap()
}

/// The spec file as given (vendored or `AUTHLETE_OPENAPI_SPEC`), with the
/// retained items the build added back (`openapi/retained.yaml`).
pub fn raw() -> Value {
    let mut spec: Value =
        serde_norway::from_str(&std::fs::read_to_string(env!("AUTHLETE_SPEC_PATH")).unwrap()).unwrap();
    let retained = env!("AUTHLETE_RETAINED_PATH");
    if !retained.is_empty() {
        let kept: Value = serde_norway::from_str(&std::fs::read_to_string(retained).unwrap()).unwrap();
        authlete_codegen::retained::merge(&mut spec, &kept);
    }
    spec
}

/// Follows a local `$ref`.
pub fn resolve<'a>(spec: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(spec, spec.pointer(r.trim_start_matches('#')).expect("ref resolves")),
        None => v,
    }
}

/// A minimal valid instance of `schema`: required properties only, the
/// first enum value, strings that satisfy the common formats and lengths.
pub fn minimal(spec: &Value, schema: &Value) -> Value {
    minimal_at(spec, schema, 0)
}

fn minimal_at(spec: &Value, schema: &Value, depth: usize) -> Value {
    assert!(depth < 40, "schema recursion too deep");
    let schema = resolve(spec, schema);
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values[0].clone();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema.get(key).and_then(Value::as_array).and_then(|a| a.first()) {
            return minimal_at(spec, first, depth + 1);
        }
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        let mut out = Map::new();
        for s in all {
            if let Value::Object(m) = minimal_at(spec, s, depth + 1) {
                out.extend(m);
            }
        }
        return Value::Object(out);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => {
            let base = match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => "2026-01-01T00:00:00Z",
                Some("date") => "2026-01-01",
                Some("uri" | "url") => "https://example.com/x",
                Some("email") => "a@example.com",
                Some("uuid") => "123e4567-e89b-12d3-a456-426614174000",
                _ => "x",
            };
            let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
            json!(format!("{base}{}", "x".repeat(min.saturating_sub(base.len()))))
        }
        Some("integer") => json!(schema.get("minimum").and_then(Value::as_i64).unwrap_or(1).max(0)),
        Some("number") => json!(schema.get("minimum").and_then(Value::as_f64).unwrap_or(1.0)),
        Some("boolean") => json!(false),
        Some("array") => {
            let n = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
            let item = schema.get("items").cloned().unwrap_or(json!({}));
            Value::Array((0..n).map(|_| minimal_at(spec, &item, depth + 1)).collect())
        }
        _ => {
            let mut out = Map::new();
            let props = schema.get("properties").and_then(Value::as_object);
            for name in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
                let name = name.as_str().unwrap();
                let prop = props.and_then(|p| p.get(name)).cloned().unwrap_or(json!({"type": "string"}));
                out.insert(name.to_string(), minimal_at(spec, &prop, depth + 1));
            }
            Value::Object(out)
        }
    }
}
