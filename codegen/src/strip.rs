//! Reducing an upstream OpenAPI document to its interface facts.
//!
//! Upstream's spec carries prose and samples (descriptions, summaries,
//! examples, code samples, vendor extensions) that we may not redistribute and
//! do not need: the generated code is documented by us. What is kept: paths,
//! operations, parameters, request/response schemas, types, formats, enums,
//! defaults, required lists, servers, tags, security.
//!
//! The walk knows which maps are keyed by *names* (`properties`, `paths`,
//! `schemas`, `responses`, ...): there a key called `description` is a field
//! name and stays; everywhere else it is a keyword and goes.

use serde_json::Value;

/// Keywords that carry prose or samples, removed wherever they are keywords.
const PROSE_KEYWORDS: &[&str] =
    &["description", "summary", "example", "examples", "externalDocs", "links", "termsOfService", "contact"];

/// Keywords whose value is a map from names to further objects.
pub const NAME_MAPS: &[&str] = &[
    "paths",
    "properties",
    "patternProperties",
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "securitySchemes",
    "callbacks",
    "content",
    "encoding",
    "variables",
    "mapping",
    "scopes",
    "definitions",
    "$defs",
];

/// Keywords whose value is data (enum members, defaults), copied untouched.
pub const DATA_KEYWORDS: &[&str] = &["enum", "default", "const"];

/// Removes prose, samples and vendor extensions (`x-*`) from a whole document.
pub fn strip_prose(spec: &mut Value) {
    visit_keyword_objects(spec, &mut |map| map.retain(|k, _| !is_prose(k)));
}

fn is_prose(key: &str) -> bool {
    key.starts_with("x-") || PROSE_KEYWORDS.contains(&key)
}

/// Calls `f` on every object of the document that sits in a keyword
/// position (a schema, an operation, a response, ...), before visiting what
/// `f` left in it; the keys of [`NAME_MAPS`] are names, never keywords, and
/// [`DATA_KEYWORDS`] values are not visited.
pub fn visit_keyword_objects(value: &mut Value, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            f(map);
            for (key, child) in map.iter_mut() {
                if DATA_KEYWORDS.contains(&key.as_str()) {
                    continue;
                }
                if NAME_MAPS.contains(&key.as_str()) {
                    match child {
                        Value::Object(names) => names.values_mut().for_each(|v| visit_keyword_objects(v, f)),
                        // `parameters` of an operation is a list of keyword objects.
                        Value::Array(items) => items.iter_mut().for_each(|v| visit_keyword_objects(v, f)),
                        _ => {}
                    }
                } else {
                    visit_keyword_objects(child, f);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| visit_keyword_objects(v, f)),
        _ => {}
    }
}

/// Counts the keyword-position prose entries left in a document (0 after
/// [`strip_prose`]); used by tests and by the vendoring tool as a self-check.
pub fn count_prose(value: &Value) -> usize {
    fn keywords(value: &Value) -> usize {
        match value {
            Value::Object(map) => map
                .iter()
                .map(|(k, v)| {
                    if is_prose(k) {
                        1
                    } else if DATA_KEYWORDS.contains(&k.as_str()) {
                        0
                    } else if NAME_MAPS.contains(&k.as_str()) {
                        names(v)
                    } else {
                        keywords(v)
                    }
                })
                .sum(),
            Value::Array(items) => items.iter().map(keywords).sum(),
            _ => 0,
        }
    }
    fn names(value: &Value) -> usize {
        match value {
            Value::Object(map) => map.values().map(keywords).sum(),
            Value::Array(items) => items.iter().map(keywords).sum(),
            _ => 0,
        }
    }
    keywords(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn removes_prose_keywords_and_vendor_extensions() {
        let mut spec = json!({
            "info": {"title": "T", "version": "1", "description": "prose", "contact": {"email": "a@b"}},
            "paths": {"/a": {"post": {
                "summary": "s", "description": "d", "operationId": "a",
                "x-code-samples": [{"lang": "sh"}],
                "requestBody": {"content": {"application/json": {
                    "schema": {"type": "string"}, "example": "e"}}},
                "responses": {"200": {"description": "ok", "links": {"l": {}}}}
            }}}
        });
        strip_prose(&mut spec);
        assert_eq!(
            spec,
            json!({
                "info": {"title": "T", "version": "1"},
                "paths": {"/a": {"post": {
                    "operationId": "a",
                    "requestBody": {"content": {"application/json": {"schema": {"type": "string"}}}},
                    "responses": {"200": {}}
                }}}
            })
        );
        assert_eq!(count_prose(&spec), 0);
    }

    #[test]
    fn keeps_properties_named_like_keywords() {
        let mut spec = json!({"components": {"schemas": {"description": {
            "type": "object",
            "description": "prose",
            "properties": {
                "description": {"type": "string", "description": "prose"},
                "example": {"type": "string"},
                "properties": {"type": "object", "properties": {"summary": {"type": "string"}}}
            }
        }}}});
        strip_prose(&mut spec);
        assert_eq!(
            spec,
            json!({"components": {"schemas": {"description": {
                "type": "object",
                "properties": {
                    "description": {"type": "string"},
                    "example": {"type": "string"},
                    "properties": {"type": "object", "properties": {"summary": {"type": "string"}}}
                }
            }}}})
        );
    }

    #[test]
    fn leaves_enum_and_default_values_alone() {
        let mut spec = json!({"type": "object", "default": {"description": "data"},
                              "enum": [{"summary": "data"}]});
        strip_prose(&mut spec);
        assert_eq!(spec["default"]["description"], "data");
        assert_eq!(spec["enum"][0]["summary"], "data");
        assert_eq!(count_prose(&spec), 0);
    }
}
