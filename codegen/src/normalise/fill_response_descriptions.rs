//! Spec rule `fill_response_descriptions` (see ARCHITECTURE.md for why, beside the other rules).

use super::for_each_operation;
use serde_json::Value;

/// OpenAPI requires a `description` on every response object; the vendored
/// spec holds no prose, so responses get an empty one back.
pub fn fill_response_descriptions(spec: &mut Value, log: &mut Vec<String>) {
    fn fill(responses: Option<&mut Value>, filled: &mut usize) {
        if let Some(responses) = responses.and_then(Value::as_object_mut) {
            for r in responses.values_mut().filter_map(Value::as_object_mut) {
                if !r.contains_key("$ref") && !r.contains_key("description") {
                    r.insert("description".into(), Value::String(String::new()));
                    *filled += 1;
                }
            }
        }
    }
    let mut filled = 0;
    for_each_operation(spec, |_, _, op| fill(op.get_mut("responses"), &mut filled));
    fill(spec.get_mut("components").and_then(|c| c.get_mut("responses")), &mut filled);
    if filled > 0 {
        log.push(format!("{filled} responses got an empty description"));
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
    fn responses_get_the_description_openapi_requires() {
        let mut spec = json!({
            "paths": {"/a": {"get": {"responses": {"200": {}, "400": {"$ref": "#/components/responses/e"}}}}},
            "components": {"responses": {"e": {"content": {}}}}
        });
        fill_response_descriptions(&mut spec, &mut Vec::new());
        assert_eq!(op(&spec, "/a", "get")["responses"]["200"]["description"], "");
        assert!(op(&spec, "/a", "get")["responses"]["400"].get("description").is_none());
        assert_eq!(spec["components"]["responses"]["e"]["description"], "");
    }
}
