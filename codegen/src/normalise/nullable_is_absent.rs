//! Spec rule `nullable_is_absent` (see ARCHITECTURE.md for why, beside the other rules).

use serde_json::Value;

/// `nullable: true` is dropped (and `null` from enum value lists): a field
/// that may be `null` is an `Option` like any field that may be absent, and
/// `null` decodes to `None`. typify wraps a nullable schema in a newtype of
/// `Option` instead, so without this rule a revision that makes a schema
/// nullable would change the Rust type of every field that uses it.
pub fn nullable_is_absent(spec: &mut Value, log: &mut Vec<String>) {
    let mut count = 0;
    super::for_each_object(spec, &mut |map| {
        if map.remove("nullable").is_some() {
            count += 1;
        }
        if let Some(Value::Array(values)) = map.get_mut("enum") {
            values.retain(|v| !v.is_null());
        }
    });
    if count > 0 {
        log.push(format!("{count} nullable schemas typed as absent-able (`Option`, `null` ≡ absent)"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nullable_schemas_and_null_values_are_dropped() {
        let mut spec = json!({"components": {"schemas": {
            "alg": {"type": "string", "enum": ["RS256", null], "nullable": true},
            "t": {"type": "object", "properties": {"a": {"type": "array", "items": {"type": "string"}, "nullable": true}}}
        }}});
        spec["components"]["schemas"]["t"]["properties"]["nullable"] = json!({"type": "boolean"});
        let mut log = vec![];
        nullable_is_absent(&mut spec, &mut log);
        assert_eq!(
            spec["components"]["schemas"]["t"]["properties"]["nullable"],
            json!({"type": "boolean"}),
            "a property"
        );
        spec["components"]["schemas"]["t"]["properties"].as_object_mut().unwrap().remove("nullable");
        assert_eq!(spec["components"]["schemas"]["alg"], json!({"type": "string", "enum": ["RS256"]}));
        assert_eq!(
            spec["components"]["schemas"]["t"]["properties"]["a"],
            json!({"type": "array", "items": {"type": "string"}})
        );
        assert_eq!(log.len(), 1);
        let before = spec.clone();
        nullable_is_absent(&mut spec, &mut vec![]);
        assert_eq!(spec, before, "idempotent");
    }
}
