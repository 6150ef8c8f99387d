//! Spec rule `rename_reserved_schema_names` (see ARCHITECTURE.md for why, beside the other rules).

use serde_json::Value;

/// Renames component schemas whose Rust name would be a prelude name
/// (`result` → `result_model`, giving `ResultModel`) or the same as an
/// earlier schema's once case-converted (`access_token` then `AccessToken`
/// → `AccessToken_2`), and every `$ref` to them.
pub fn rename_reserved_schema_names(spec: &mut Value, log: &mut Vec<String>) {
    let Some(schemas) = spec.pointer("/components/schemas").and_then(Value::as_object) else {
        return;
    };
    let reserved: Vec<String> = RESERVED_TYPE_NAMES.iter().map(|n| flat_name(n)).collect();
    let mut renames = Vec::new();
    // Rust names taken so far, as letters and digits (`access_token` and
    // `AccessToken` are both `AccessToken` once case-converted).
    let mut taken: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let is_free = |flat: &str, taken: &std::collections::BTreeSet<String>| {
        !taken.contains(flat) && !reserved.contains(&flat.to_string())
    };
    for name in schemas.keys() {
        let flat = flat_name(name);
        if is_free(&flat, &taken) {
            taken.insert(flat);
            continue;
        }
        // A prelude name, or the same Rust name as an earlier schema.
        let suffix = if reserved.contains(&flat) { "_model" } else { "_2" };
        let mut new = format!("{name}{suffix}");
        let mut n = 2;
        while schemas.contains_key(&new) || !is_free(&flat_name(&new), &taken) {
            n += 1;
            new = format!("{name}{suffix}{n}");
        }
        taken.insert(flat_name(&new));
        renames.push((name.clone(), new));
    }
    if renames.is_empty() {
        return;
    }
    let schemas = spec.pointer_mut("/components/schemas").and_then(Value::as_object_mut).expect("checked above");
    let old = std::mem::take(schemas);
    for (k, v) in old {
        let key = renames.iter().find(|(o, _)| *o == k).map_or(k, |(_, n)| n.clone());
        schemas.insert(key, v);
    }
    for (old, new) in &renames {
        log.push(format!("schema `{old}` renamed `{new}`"));
        rewrite_refs(spec, &format!("#/components/schemas/{old}"), &format!("#/components/schemas/{new}"));
    }
}

/// Names of the Rust prelude that a generated type must not take: inside the
/// generated modules they would shadow the prelude item.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Box",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "ToString",
    "ToOwned",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "Extend",
    "Default",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "AsRef",
    "AsMut",
    "Into",
    "From",
    "TryFrom",
    "TryInto",
    "FromIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
];

fn flat_name(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

fn rewrite_refs(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if k == "$ref" {
                    if let Value::String(s) = v {
                        if s == from || s.starts_with(&format!("{from}/")) {
                            *s = format!("{to}{}", &s[from.len()..]);
                        }
                    }
                } else {
                    rewrite_refs(v, from, to);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, from, to)),
        _ => {}
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
    fn reserved_schema_names_are_renamed_with_their_refs() {
        let mut spec = json!({
            "components": {"schemas": {
                "result": {"type": "object"},
                "Option": {"type": "string"},
                "client": {"type": "object", "properties": {"r": {"$ref": "#/components/schemas/result"}}}
            }},
            "paths": {"/a": {"get": {"responses": {"400": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/result"}}}}}}}}
        });
        let mut log = vec![];
        rename_reserved_schema_names(&mut spec, &mut log);
        let names: Vec<&String> = spec["components"]["schemas"].as_object().unwrap().keys().collect();
        assert!(names.contains(&&"result_model".to_string()));
        assert!(names.contains(&&"Option_model".to_string()));
        assert!(names.contains(&&"client".to_string()));
        assert_eq!(
            spec["components"]["schemas"]["client"]["properties"]["r"]["$ref"],
            "#/components/schemas/result_model"
        );
        assert_eq!(
            op(&spec, "/a", "get")["responses"]["400"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/result_model"
        );
    }

    #[test]
    fn schemas_named_alike_once_case_converted_are_told_apart() {
        let mut spec = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/AccessToken"}}}}}}}},
            "components": {"schemas": {
                "access_token": {"type": "object", "required": ["snake"]},
                "AccessToken": {"type": "object", "required": ["camel"]}
            }}
        });
        let mut log = vec![];
        rename_reserved_schema_names(&mut spec, &mut log);
        let schemas = spec["components"]["schemas"].as_object().unwrap();
        let flat: std::collections::BTreeSet<String> = schemas.keys().map(|k| flat_name(k)).collect();
        assert_eq!(flat.len(), 2, "two Rust names: {schemas:?}");
        assert_eq!(log.len(), 1, "one of them renamed: {log:?}");
        // The reference still reaches the schema it named.
        let target = op(&spec, "/a", "get")["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap()
            .trim_start_matches("#/components/schemas/")
            .to_string();
        assert_eq!(spec["components"]["schemas"][&target]["required"], json!(["camel"]));
    }
}
