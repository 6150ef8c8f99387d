//! Spec rule `no_body_statuses` (see ARCHITECTURE.md for why, beside the other rules).

use super::{for_each_operation, resolve};
use serde_json::{json, Value};

/// HTTP says 204, 205 and 304 answers have no body (RFC 9110 §15.3.5,
/// §15.3.6, §15.4.5); a schema documented for them is dropped so the
/// client does not try to decode the empty body it will get.
pub fn no_body_statuses(spec: &mut Value, log: &mut Vec<String>) {
    let snapshot = spec.clone();
    for_each_operation(spec, |path, method, op| {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { return };
        for status in ["204", "205", "304"] {
            if let Some(r) = responses.get_mut(status) {
                let resolved = resolve(&snapshot, r);
                if resolved.get("content").is_some_and(|c| c.as_object().is_some_and(|c| !c.is_empty())) {
                    log.push(format!("{method} {path} {status}: documented body dropped (this status has none)"));
                    *r = json!({});
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::normalise::test_support::*;
    #[allow(unused_imports)]
    use serde_json::json;

    #[test]
    fn no_content_statuses_lose_their_documented_body() {
        let mut spec = json!({"paths": {"/d": {"delete": {"responses": {
            "204": {"content": {"application/json": {"schema": {"type": "object"}}}},
            "400": {"content": {"application/json": {"schema": {"type": "object"}}}}
        }}}}});
        let mut log = vec![];
        no_body_statuses(&mut spec, &mut log);
        assert_eq!(op(&spec, "/d", "delete")["responses"]["204"], json!({}));
        assert!(op(&spec, "/d", "delete")["responses"]["400"].get("content").is_some());
        assert_eq!(log.len(), 1);
    }
}
