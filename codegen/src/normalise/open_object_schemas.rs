//! Spec rule `open_object_schemas` (see ARCHITECTURE.md for why, beside the other rules).

use serde_json::{json, Value};

/// Object schemas with declared properties and no `additionalProperties`
/// (or `true`, which means the same) get `additionalProperties: {}`: typify
/// ignores unknown fields for the first two but keeps them for `{}`, in a
/// flattened `extra` map, so what a newer Authlete sends survives a
/// read-modify-write. `additionalProperties: false` is respected.
pub fn open_object_schemas(spec: &mut Value, log: &mut Vec<String>) {
    let mut opened = 0;
    // Keyword positions only: a property called `properties` or `enum` is a
    // name, not a keyword.
    crate::strip::visit_keyword_objects(spec, &mut |map| {
        let has_props = map.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty());
        let permissive = matches!(map.get("additionalProperties"), None | Some(Value::Bool(true)));
        if has_props && permissive {
            map.insert("additionalProperties".into(), json!({}));
            opened += 1;
        }
    });
    if opened > 0 {
        log.push(format!("{opened} object schemas keep unknown fields"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::normalise::test_support::*;
    #[allow(unused_imports)]
    use serde_json::json;

    #[test]
    fn object_schemas_are_opened_unless_closed() {
        let mut spec = json!({"components": {"schemas": {
            "open": {"type": "object", "properties": {"a": {"type": "object", "properties": {"b": {"type": "string"}}}}},
            "closed": {"type": "object", "additionalProperties": false, "properties": {"a": {"type": "string"}}},
            "true": {"type": "object", "additionalProperties": true, "properties": {"a": {"type": "string"}}},
            "map": {"type": "object", "additionalProperties": {"type": "string"}},
            "named": {"type": "object", "properties": {
                "properties": {"type": "array", "items": {"type": "string"}},
                "enum": {"type": "object", "properties": {"x": {"type": "string"}}}
            }}
        }}});
        open_object_schemas(&mut spec, &mut Vec::new());
        let s = &spec["components"]["schemas"];
        assert_eq!(
            s["named"]["properties"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect::<std::collections::BTreeSet<_>>(),
            ["enum", "properties"].into_iter().collect(),
            "property names are not keywords"
        );
        assert_eq!(
            s["named"]["properties"]["enum"]["additionalProperties"],
            json!({}),
            "objects under a property named enum are opened"
        );
        assert_eq!(s["open"]["additionalProperties"], json!({}));
        assert_eq!(s["open"]["properties"]["a"]["additionalProperties"], json!({}));
        assert_eq!(s["closed"]["additionalProperties"], json!(false));
        assert_eq!(s["true"]["additionalProperties"], json!({}));
        assert_eq!(s["map"]["additionalProperties"], json!({"type": "string"}));
    }
}
