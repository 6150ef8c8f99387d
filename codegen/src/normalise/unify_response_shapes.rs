//! Spec rule `unify_response_shapes` (see ARCHITECTURE.md for why, beside the other rules).

use super::prefer_json_bodies::is_json_media;
use super::{for_each_operation, resolve};
use serde_json::{json, Value};

/// Makes all success responses of an operation one shape, and all its error
/// responses one shape, as progenitor needs:
/// - body-less responses beside typed ones are removed; for successes their
///   statuses are listed in [`EMPTY_SUCCESS_EXTENSION`] so the client layer
///   answers them as "no content", for errors they still arrive as an error
///   carrying their status (progenitor's "unexpected response");
/// - several different JSON schemas become one `oneOf` of them;
/// - raw (non-JSON) bodies beside typed ones are removed; beside body-less
///   ones, the body-less responses take the raw media type so both arrive as
///   a byte stream.
pub fn unify_response_shapes(spec: &mut Value, log: &mut Vec<String>) {
    let snapshot = spec.clone();
    for_each_operation(spec, |path, method, op| {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return;
        };
        let mut empty_success = Vec::new();
        for success in [true, false] {
            let group: Vec<(String, Shape)> = responses
                .iter()
                .filter(|(s, _)| is_success(s) == success)
                .map(|(s, r)| (s.clone(), shape_of(&snapshot, r)))
                .collect();
            let mut distinct: Vec<&Shape> = Vec::new();
            for (_, shape) in &group {
                if !distinct.contains(&shape) {
                    distinct.push(shape);
                }
            }
            if distinct.len() <= 1 {
                continue;
            }
            let schemas: Vec<String> = distinct
                .iter()
                .filter_map(|s| match s {
                    Shape::Json(schema) => Some(schema.clone()),
                    _ => None,
                })
                .collect();
            if schemas.is_empty() {
                // Only empty and raw bodies: serve all as the first raw type.
                let raw = distinct.iter().find_map(|s| match s {
                    Shape::Other(c) => Some(c.clone()),
                    _ => None,
                });
                for (status, _) in &group {
                    responses.insert(status.clone(), json!({ "content": raw.clone() }));
                }
                log.push(format!("{method} {path}: body-less responses served as raw bytes"));
                continue;
            }
            for (status, shape) in &group {
                if !matches!(shape, Shape::Json(_)) {
                    responses.remove(status);
                    if success && *shape == Shape::Empty {
                        empty_success.push(status.clone());
                    }
                    log.push(format!("{method} {path}: removed body-less/raw response {status}"));
                }
            }
            if schemas.len() > 1 {
                let one_of: Vec<Value> =
                    schemas.iter().map(|s| serde_json::from_str(s).unwrap_or(Value::Null)).collect();
                let merged = json!({"content": {"application/json": {"schema": {"oneOf": one_of}}}});
                for (status, shape) in &group {
                    if matches!(shape, Shape::Json(_)) {
                        responses.insert(status.clone(), merged.clone());
                    }
                }
                log.push(format!("{method} {path}: {} response schemas merged as oneOf", schemas.len()));
            }
        }
        if !empty_success.is_empty() {
            op.insert(EMPTY_SUCCESS_EXTENSION.into(), json!(empty_success));
        }
    });
}

#[derive(Clone, PartialEq, Eq, Debug)]
enum Shape {
    Empty,
    Json(String),
    Other(Value),
}

fn shape_of(spec: &Value, response: &Value) -> Shape {
    let r = resolve(spec, response);
    let Some(content) = r.get("content").and_then(Value::as_object).filter(|c| !c.is_empty()) else {
        return Shape::Empty;
    };
    match content.iter().find(|(k, _)| is_json_media(k)) {
        Some((_, media)) => match media.get("schema") {
            Some(schema) => Shape::Json(schema.to_string()),
            None => Shape::Other(Value::Object(content.clone())),
        },
        None => Shape::Other(Value::Object(content.clone())),
    }
}

fn is_success(status: &str) -> bool {
    status.starts_with('2')
}

/// Operation extension listing success statuses that carry no body while
/// another success status of the same operation does. The generated client
/// layer turns these into "no content" rather than an error.
pub const EMPTY_SUCCESS_EXTENSION: &str = "x-authlete-empty-success";

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::normalise::test_support::*;
    #[allow(unused_imports)]
    use serde_json::json;

    #[test]
    fn body_less_success_beside_typed_is_recorded_as_empty_success() {
        let mut spec = json!({"paths": {"/jwks": {"get": {"responses": {
            "200": {"content": {"application/json": {"schema": {"type": "string"}}}},
            "204": {},
            "400": {"content": {"application/json": {"schema": {"type": "object"}}}}
        }}}}});
        let mut log = vec![];
        unify_response_shapes(&mut spec, &mut log);
        let o = op(&spec, "/jwks", "get");
        assert!(o["responses"].get("204").is_none());
        assert!(o["responses"].get("200").is_some());
        assert!(o["responses"].get("400").is_some());
        assert_eq!(o[EMPTY_SUCCESS_EXTENSION], json!(["204"]));
    }

    #[test]
    fn two_typed_successes_stay_successes() {
        let same = json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/c"}}}});
        let other = json!({"content": {"application/json": {"schema": {"type": "string"}}}});
        let mut spec = json!({"paths": {
            "/same": {"post": {"responses": {"200": same.clone(), "201": same.clone()}}},
            "/diff": {"post": {"responses": {"200": same.clone(), "201": other.clone()}}}
        }});
        let mut log = vec![];
        unify_response_shapes(&mut spec, &mut log);
        let s = op(&spec, "/same", "post");
        assert_eq!(s["responses"]["200"], same);
        assert_eq!(s["responses"]["201"], same);
        let d = op(&spec, "/diff", "post");
        let schema = &d["responses"]["201"]["content"]["application/json"]["schema"];
        assert_eq!(schema["oneOf"].as_array().unwrap().len(), 2);
        assert_eq!(d["responses"]["200"], d["responses"]["201"]);
    }

    #[test]
    fn body_less_error_beside_typed_errors_is_left_to_arrive_as_unexpected_status() {
        let mut spec = json!({
            "components": {"responses": {"400": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/result"}}}}}},
            "paths": {"/c": {"delete": {"responses": {
                "204": {},
                "400": {"$ref": "#/components/responses/400"},
                "404": {}
            }}}}
        });
        let mut log = vec![];
        unify_response_shapes(&mut spec, &mut log);
        let o = op(&spec, "/c", "delete");
        assert!(o["responses"].get("404").is_none());
        assert_eq!(o["responses"]["400"], json!({"$ref": "#/components/responses/400"}));
        assert!(o["responses"].get("204").is_some(), "a lone body-less success stays");
        assert!(o.get(EMPTY_SUCCESS_EXTENSION).is_none());
    }

    #[test]
    fn raw_and_empty_successes_become_raw() {
        let mut spec = json!({"paths": {"/h": {"get": {"responses": {
            "200": {"content": {"text/plain": {"schema": {"type": "string"}}}},
            "204": {}
        }}}}});
        let mut log = vec![];
        unify_response_shapes(&mut spec, &mut log);
        let o = op(&spec, "/h", "get");
        assert_eq!(o["responses"]["204"], o["responses"]["200"]);
    }
}
