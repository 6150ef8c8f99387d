//! Spec rule `inline_path_item_parameters` (see ARCHITECTURE.md for why, beside the other rules).

use super::{resolve, METHODS};
use serde_json::{json, Value};

/// Moves parameters declared on a path item into each of its operations (an
/// operation's own parameter with the same `name` and `in` wins), so that the
/// rules below see all parameters of an operation in one place.
pub fn inline_path_item_parameters(spec: &mut Value, log: &mut Vec<String>) {
    let snapshot = spec.clone();
    let resolved: Vec<(String, Vec<Value>)> = {
        let Some(paths) = spec.get("paths").and_then(Value::as_object) else { return };
        paths
            .iter()
            .filter_map(|(p, item)| {
                let params = item.get("parameters")?.as_array()?;
                Some((p.clone(), params.iter().map(|v| resolve(spec, v).clone()).collect()))
            })
            .collect()
    };
    for (path, shared) in resolved {
        let item = &mut spec["paths"][&path];
        let originals = item.as_object_mut().and_then(|m| m.remove("parameters"));
        let originals = originals.and_then(|v| v.as_array().cloned()).unwrap_or_default();
        let Some(item) = item.as_object_mut() else { continue };
        for (method, op) in item.iter_mut() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let Some(op) = op.as_object_mut() else { continue };
            let own: Vec<(String, String)> = op
                .get("parameters")
                .and_then(Value::as_array)
                .map(|ps| ps.iter().map(|p| key_of(resolve(&snapshot, p))).collect())
                .unwrap_or_default();
            let list = op.entry("parameters").or_insert_with(|| json!([]));
            if let Some(list) = list.as_array_mut() {
                for (orig, res) in originals.iter().zip(&shared) {
                    let key = key_of(res);
                    if !own.contains(&key) {
                        list.push(orig.clone());
                        log.push(format!("{method} {path}: parameter {} {} from the path item", key.1, key.0));
                    }
                }
            }
        }
    }
}

fn key_of(p: &Value) -> (String, String) {
    let s = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    (s("name"), s("in"))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::normalise::test_support::*;
    #[allow(unused_imports)]
    use serde_json::json;

    #[test]
    fn path_item_parameters_move_into_operations() {
        let mut spec = json!({"paths": {"/a/{id}": {
            "parameters": [{"in": "path", "name": "id", "required": true, "schema": {"type": "string"}},
                           {"in": "query", "name": "q", "schema": {"type": "string"}}],
            "get": {"parameters": [{"in": "query", "name": "q", "schema": {"type": "integer"}}]}
        }}});
        inline_path_item_parameters(&mut spec, &mut Vec::new());
        assert!(spec["paths"]["/a/{id}"].get("parameters").is_none());
        let params = op(&spec, "/a/{id}", "get")["parameters"].as_array().unwrap().clone();
        assert_eq!(params.len(), 2);
        assert_eq!(params[0]["schema"]["type"], "integer", "the operation's own parameter wins");
        assert_eq!(params[1]["name"], "id");
    }
}
