//! Spec rule `prefer_json_bodies` (see ARCHITECTURE.md for why, beside the other rules).

use super::for_each_operation;
use serde_json::{Map, Value};

/// Reduces every request body (inline or under `components.requestBodies`)
/// and every response (inline or under `components.responses`) to a single
/// media type, preferring JSON. A body offered as JSON *or* as a form is sent
/// as JSON; the server accepts both.
pub fn prefer_json_bodies(spec: &mut Value, log: &mut Vec<String>) {
    let mut note = |what: String, r: Option<(usize, String)>| {
        if let Some((n, kept)) = r {
            log.push(format!("{what}: {n} media type(s), kept `{kept}`"));
        }
    };
    for_each_operation(spec, |path, method, op| {
        if let Some(content) =
            op.get_mut("requestBody").and_then(|b| b.get_mut("content")).and_then(Value::as_object_mut)
        {
            note(format!("{method} {path} request"), reduce_content(content));
        }
        if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
            for (status, r) in responses.iter_mut() {
                if let Some(content) = r.get_mut("content").and_then(Value::as_object_mut) {
                    note(format!("{method} {path} {status}"), reduce_content(content));
                }
            }
        }
    });
    for section in ["requestBodies", "responses"] {
        if let Some(items) = spec.get_mut("components").and_then(|c| c.get_mut(section)).and_then(Value::as_object_mut)
        {
            for (name, item) in items.iter_mut() {
                if let Some(content) = item.get_mut("content").and_then(Value::as_object_mut) {
                    note(format!("components.{section}.{name}"), reduce_content(content));
                }
            }
        }
    }
}

pub(crate) fn is_json_media(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// Picks the media type to keep among several: JSON first, then the other
/// kinds progenitor can send or receive, then the first listed.
fn preferred_media(content: &Map<String, Value>) -> Option<String> {
    let keys: Vec<&String> = content.keys().collect();
    keys.iter()
        .find(|k| is_json_media(k))
        .or_else(|| keys.iter().find(|k| k.starts_with("application/x-www-form-urlencoded")))
        .or_else(|| keys.iter().find(|k| k.starts_with("application/octet-stream")))
        .or_else(|| keys.iter().find(|k| k.starts_with("text/plain")))
        .or_else(|| keys.first())
        .map(|k| k.to_string())
}

/// Reduces a `content` map to one media type; `+json` types become
/// `application/json`, which is how progenitor recognises JSON.
fn reduce_content(content: &mut Map<String, Value>) -> Option<(usize, String)> {
    let before = content.len();
    let keep = preferred_media(content)?;
    let mut media = content.remove(&keep).unwrap_or(Value::Null);
    let name = if is_json_media(&keep) {
        // Encoding objects describe form fields; they mean nothing for JSON
        // and progenitor refuses them.
        if let Some(m) = media.as_object_mut() {
            m.remove("encoding");
        }
        "application/json".to_string()
    } else {
        keep.clone()
    };
    content.clear();
    content.insert(name.clone(), media);
    (before > 1 || name != keep).then_some((before, keep))
}

// ---------------------------------------------------------------------------
// Rules

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::normalise::test_support::*;
    #[allow(unused_imports)]
    use serde_json::json;

    #[test]
    fn json_wins_over_form_and_plus_json_counts_as_json() {
        let mut spec = json!({
            "paths": {"/a": {"post": {
                "requestBody": {"content": {
                    "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/r"}},
                    "application/json": {"schema": {"$ref": "#/components/schemas/r"}, "encoding": {"a": {}}}
                }},
                "responses": {"200": {"content": {"application/problem+json": {"schema": {"type": "object"}}}}}
            }}},
            "components": {"requestBodies": {"b": {"content": {
                "text/plain": {"schema": {"type": "string"}},
                "application/x-www-form-urlencoded": {"schema": {"type": "object"}}
            }}}}
        });
        let mut log = vec![];
        prefer_json_bodies(&mut spec, &mut log);
        let body = &op(&spec, "/a", "post")["requestBody"]["content"];
        assert_eq!(body, &json!({"application/json": {"schema": {"$ref": "#/components/schemas/r"}}}));
        assert!(op(&spec, "/a", "post")["responses"]["200"]["content"].get("application/json").is_some());
        let comp = spec["components"]["requestBodies"]["b"]["content"].as_object().unwrap();
        assert_eq!(comp.keys().collect::<Vec<_>>(), ["application/x-www-form-urlencoded"]);
        assert_eq!(log.len(), 3);
    }
}
