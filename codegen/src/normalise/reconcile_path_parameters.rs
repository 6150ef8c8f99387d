//! Spec rule `reconcile_path_parameters` (see ARCHITECTURE.md for why, beside the other rules).

use super::{for_each_operation, resolve};
use serde_json::{json, Value};

/// Makes the declared path parameters of each operation match its path
/// template: a template variable without a declaration gets a required string
/// parameter; a declared path parameter the template lacks is removed (it
/// could never be sent); every path parameter is required; a query or header
/// parameter with a path parameter's name is removed.
pub fn reconcile_path_parameters(spec: &mut Value, log: &mut Vec<String>) {
    let snapshot = spec.clone();
    for_each_operation(spec, |path, method, op| {
        let vars = template_variables(path);
        let params = op.entry("parameters").or_insert_with(|| json!([]));
        let Some(params) = params.as_array_mut() else { return };
        let mut declared = Vec::new();
        params.retain_mut(|p| {
            let r = resolve(&snapshot, p).clone();
            if r.get("in").and_then(Value::as_str) != Some("path") {
                return true;
            }
            let name = r.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
            if !vars.contains(&name) {
                log.push(format!("{method} {path}: dropped path parameter `{name}` absent from the template"));
                return false;
            }
            if r.get("required") != Some(&Value::Bool(true)) {
                let mut inline = r;
                inline["required"] = Value::Bool(true);
                *p = inline;
            }
            declared.push(name);
            true
        });
        for var in vars.iter().filter(|v| !declared.contains(v)) {
            log.push(format!("{method} {path}: declared missing path parameter `{var}`"));
            params.push(json!({"in": "path", "name": var, "required": true, "schema": {"type": "string"}}));
        }
        // progenitor names parameters by `name` alone; a query or header
        // parameter that repeats a path parameter's name would take its
        // place. The path already carries that value.
        params.retain(|p| {
            let r = resolve(&snapshot, p);
            let name = r.get("name").and_then(Value::as_str).unwrap_or_default();
            let keep = r.get("in").and_then(Value::as_str) == Some("path") || !vars.iter().any(|v| v == name);
            if !keep {
                log.push(format!("{method} {path}: dropped non-path parameter `{name}` shadowing the path parameter"));
            }
            keep
        });
    });
}

fn template_variables(path: &str) -> Vec<String> {
    let mut vars = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        vars.push(rest[start + 1..start + len].to_string());
        rest = &rest[start + len + 1..];
    }
    vars
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::normalise::test_support::*;
    #[allow(unused_imports)]
    use serde_json::json;

    #[test]
    fn path_parameters_follow_the_template() {
        let mut spec = json!({
            "components": {"parameters": {"sid": {"in": "path", "name": "serviceId", "schema": {"type": "string"}}}},
            "paths": {"/api/{serviceId}/x/{clientId}": {"post": {"parameters": [
                {"$ref": "#/components/parameters/sid"},
                {"in": "path", "name": "ghost", "required": true, "schema": {"type": "string"}},
                {"in": "query", "name": "clientId", "schema": {"type": "string"}},
                {"in": "query", "name": "other", "schema": {"type": "string"}}
            ]}}}
        });
        let mut log = vec![];
        reconcile_path_parameters(&mut spec, &mut log);
        let params = op(&spec, "/api/{serviceId}/x/{clientId}", "post")["parameters"].as_array().unwrap().clone();
        let names: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["serviceId", "other", "clientId"]);
        assert!(params.iter().filter(|p| p["in"] == "path").all(|p| p["required"] == true));
        assert_eq!(
            params[2],
            json!({"in": "path", "name": "clientId", "required": true, "schema": {"type": "string"}})
        );
    }
}
