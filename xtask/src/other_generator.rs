//! A spec as another generator would publish Authlete's API, derived from
//! ours: every component schema inlined where it is used (only schemas that
//! refer to themselves stay components), the ones that stay renamed to
//! another style, and two components whose names differ only in case
//! (`op_answer` and `OpAnswer`). CI builds and tests the crate from it
//! (`cargo xtask other-generator-spec`), to show that the generated layer and
//! the hand-written layer depend on no schema name.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

const PREFIX: &str = "#/components/schemas/";

fn refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix(PREFIX)) {
                out.insert(r.to_string());
            }
            m.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

/// Schemas that reach themselves through `$ref`s (they cannot be inlined).
fn recursive(schemas: &serde_json::Map<String, Value>) -> BTreeSet<String> {
    let edges: BTreeMap<String, BTreeSet<String>> = schemas
        .iter()
        .map(|(k, v)| {
            let mut out = BTreeSet::new();
            refs(v, &mut out);
            (k.clone(), out)
        })
        .collect();
    let mut found = BTreeSet::new();
    for start in edges.keys() {
        let mut stack: Vec<&String> = edges[start].iter().collect();
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == start {
                found.insert(start.clone());
                break;
            }
            if seen.insert(n.clone()) {
                stack.extend(edges.get(n).into_iter().flatten());
            }
        }
    }
    found
}

fn inline(v: &mut Value, schemas: &serde_json::Map<String, Value>, keep: &BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            let target = m.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix(PREFIX)).map(str::to_string);
            if let Some(name) = target.filter(|n| !keep.contains(n)) {
                if let Some(schema) = schemas.get(&name) {
                    let mut copy = schema.clone();
                    inline(&mut copy, schemas, keep);
                    *v = copy;
                    return;
                }
            }
            m.values_mut().for_each(|x| inline(x, schemas, keep));
        }
        Value::Array(a) => a.iter_mut().for_each(|x| inline(x, schemas, keep)),
        _ => {}
    }
}

fn rename_refs(v: &mut Value, renames: &BTreeMap<String, String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get_mut("$ref") {
                if let Some(new) = r.strip_prefix(PREFIX).and_then(|n| renames.get(n)) {
                    *r = format!("{PREFIX}{new}");
                }
            }
            m.values_mut().for_each(|x| rename_refs(x, renames));
        }
        Value::Array(a) => a.iter_mut().for_each(|x| rename_refs(x, renames)),
        _ => {}
    }
}

/// `snake_case` → `CamelCaseSchema`: another generator's naming style.
fn other_style(name: &str) -> String {
    let mut out = String::new();
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out + "Schema"
}

/// The derived spec (see the module docs).
pub fn derive(spec: &Value) -> Value {
    let mut out = spec.clone();
    let schemas = spec.pointer("/components/schemas").and_then(Value::as_object).cloned().unwrap_or_default();
    let keep = recursive(&schemas);
    // Inline everywhere but in the kept schemas' own definitions.
    if let Some(paths) = out.get_mut("paths") {
        inline(paths, &schemas, &keep);
    }
    if let Some(components) = out.get_mut("components").and_then(Value::as_object_mut) {
        for (section, value) in components.iter_mut() {
            if section != "schemas" {
                inline(value, &schemas, &keep);
            }
        }
    }
    let mut kept = serde_json::Map::new();
    for name in &keep {
        let mut s = schemas[name].clone();
        inline(&mut s, &schemas, &keep);
        kept.insert(name.clone(), s);
    }
    // Rename what stays to another style.
    let renames: BTreeMap<String, String> = keep.iter().map(|k| (k.clone(), other_style(k))).collect();
    let mut renamed = serde_json::Map::new();
    for (k, mut v) in kept {
        rename_refs(&mut v, &renames);
        renamed.insert(renames[&k].clone(), v);
    }
    rename_refs(&mut out, &renames);
    // Two components named alike once case-converted: the success bodies of
    // the first two operations that have an inline one move there.
    let mut moved = 0;
    let names = ["op_answer", "OpAnswer"];
    if let Some(paths) = out.get_mut("paths").and_then(Value::as_object_mut) {
        'outer: for item in paths.values_mut() {
            for op in item.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
                let Some(schema) = op.pointer_mut("/responses/200/content/application~1json/schema") else { continue };
                if schema.get("$ref").is_some() || schema.get("properties").is_none() {
                    continue;
                }
                let name = names[moved];
                renamed.insert(
                    name.to_string(),
                    std::mem::replace(schema, serde_json::json!({"$ref": format!("{PREFIX}{name}")})),
                );
                moved += 1;
                if moved == names.len() {
                    break 'outer;
                }
            }
        }
    }
    if let Some(components) = out.get_mut("components").and_then(Value::as_object_mut) {
        components.insert("schemas".into(), Value::Object(renamed));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inlines_all_but_recursive_schemas_and_adds_a_case_collision() {
        let spec = json!({
            "paths": {
                "/a": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/a_resp"}}}}}}},
                "/b": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/node"}}}}}}},
                "/c": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"type": "object", "properties": {"x": {"type": "string"}}}}}}}}}
            },
            "components": {"schemas": {
                "a_resp": {"type": "object", "properties": {"leaf": {"$ref": "#/components/schemas/leaf"}}},
                "leaf": {"type": "string", "enum": ["A"]},
                "node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/node"}, "leaf": {"$ref": "#/components/schemas/leaf"}}}
            }}
        });
        let out = derive(&spec);
        let schemas = out["components"]["schemas"].as_object().unwrap();
        let names: BTreeSet<&str> = schemas.keys().map(String::as_str).collect();
        assert_eq!(names, BTreeSet::from(["NodeSchema", "op_answer", "OpAnswer"]));
        assert_eq!(schemas["op_answer"]["properties"]["leaf"]["enum"], json!(["A"]), "inlined");
        assert_eq!(schemas["NodeSchema"]["properties"]["next"]["$ref"], "#/components/schemas/NodeSchema");
        assert_eq!(schemas["NodeSchema"]["properties"]["leaf"]["enum"], json!(["A"]));
        assert_eq!(
            out["paths"]["/b"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/NodeSchema"
        );
        assert_eq!(
            out["paths"]["/c"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/OpAnswer"
        );
    }
}
