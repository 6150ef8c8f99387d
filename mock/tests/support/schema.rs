//! Checks a JSON value against a schema of the vendored spec (normalised):
//! types, enum values, required members, and no member the schema does not
//! declare (stricter than the spec, whose objects are open). Enough of JSON
//! Schema for what Authlete's spec uses.

use serde_json::Value;

pub struct Spec(Value);

impl Spec {
    pub fn load() -> Self {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../generated/authlete_api.normalised.json");
        let text = std::fs::read_to_string(path).expect("the normalised spec is in generated/");
        Self(serde_json::from_str(&text).expect("the normalised spec is JSON"))
    }

    fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let pointer = reference.strip_prefix('#').expect("local references only");
            schema = self.0.pointer(pointer).unwrap_or_else(|| panic!("{reference} resolves"));
        }
        schema
    }

    /// The faults of `body`, answered with `status` by the operation at
    /// `method` `path` (a template of the spec).
    pub fn check_response(&self, method: &str, path: &str, status: u16, body: &Value) -> Vec<String> {
        let operation = &self.0["paths"][path][method.to_ascii_lowercase()];
        let Some(response) = operation["responses"].get(status.to_string()) else {
            return vec![format!("{method} {path}: the spec has no {status} response")];
        };
        let response = self.resolve(response);
        let mut faults = Vec::new();
        match response.pointer("/content/application~1json/schema") {
            Some(schema) => self.check(schema, body, "$", &mut faults),
            None if body.is_null() => {}
            None => faults.push(format!("{method} {path} {status}: a body where the spec has none")),
        }
        faults
    }

    fn check(&self, schema: &Value, value: &Value, at: &str, faults: &mut Vec<String>) {
        let schema = self.resolve(schema);
        for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            self.check(part, value, at, faults);
        }
        let kind = schema.get("type").and_then(Value::as_str);
        let properties = schema.get("properties").and_then(Value::as_object);
        let fits = match kind {
            Some("object") => value.is_object(),
            Some("array") => value.is_array(),
            Some("string") => value.is_string(),
            Some("integer") => value.is_i64() || value.is_u64(),
            Some("number") => value.is_number(),
            Some("boolean") => value.is_boolean(),
            _ => properties.is_none() || value.is_object(),
        };
        if !fits {
            faults.push(format!("{at}: {value} is not of type {}", kind.unwrap_or("object")));
            return;
        }
        if let (Some(allowed), Some(s)) = (schema.get("enum").and_then(Value::as_array), value.as_str()) {
            if !allowed.iter().any(|a| a == s) {
                faults.push(format!("{at}: {s} is not one of the spec's values"));
            }
        }
        if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
            for (i, item) in array.iter().enumerate() {
                self.check(items, item, &format!("{at}[{i}]"), faults);
            }
        }
        let Some(object) = value.as_object() else { return };
        for required in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            if let Some(name) = required.as_str() {
                if !object.contains_key(name) {
                    faults.push(format!("{at}: the required `{name}` is missing"));
                }
            }
        }
        let additional = schema.get("additionalProperties");
        for (name, member) in object {
            match (properties.and_then(|p| p.get(name)), additional) {
                (Some(schema), _) => self.check(schema, member, &format!("{at}.{name}"), faults),
                // A map of values of one schema (`{"type": "string"}`).
                (None, Some(schema)) if schema.as_object().is_some_and(|s| !s.is_empty()) => {
                    self.check(schema, member, &format!("{at}.{name}"), faults)
                }
                // A free-form object.
                (None, _) if properties.is_none() => {}
                // Undeclared: open objects (`additionalProperties: {}`, which the
                // normalised spec gives every object) keep such members, but
                // an answer of ours must not need that.
                (None, _) => faults.push(format!("{at}: `{name}` is not in the spec's schema")),
            }
        }
    }
}

#[test]
fn the_checker_finds_what_it_is_for() {
    let spec = Spec::load();
    let path = "/api/{serviceId}/idtoken/reissue";
    assert!(spec.check_response("POST", path, 200, &serde_json::json!({"action": "OK", "idToken": "x"})).is_empty());
    let faults =
        spec.check_response("POST", path, 200, &serde_json::json!({"action": "MAYBE", "idTokn": "x", "resultCode": 1}));
    assert_eq!(faults.len(), 3, "{faults:?}");
    assert_eq!(spec.check_response("POST", path, 418, &Value::Null).len(), 1);
}
