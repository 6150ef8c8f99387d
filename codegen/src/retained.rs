//! The released surface: what Authlete's spec dropped that the crate keeps
//! until its next major version.
//!
//! `openapi/retained.yaml` holds, in the vendored spec's own (stripped)
//! form, every operation, component, field and enum value that an earlier
//! vendored spec had and the current one lacks, each marked with the
//! revision that dropped it. `cargo xtask sync-spec` writes it with
//! [`retained`]; `sync-spec --major` empties it. The build adds it back to
//! the spec with [`merge`] (the spec wins where both have an item), and the
//! generated items it adds are `#[deprecated]`: dropping is additive, a
//! major release clears it.

use serde_json::{Map, Value};

/// On an operation, a component or a field: the revision whose spec dropped it.
pub const DROPPED_IN: &str = "x-authlete-dropped-in";
/// On an enum schema: `{ value: revision }` for the values a revision dropped.
pub const DROPPED_VALUES: &str = "x-authlete-dropped-values";

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The items of `before` (what the crate generated from until now: the
/// previous vendored spec merged with its retained items) that `new`
/// lacks, marked with `revision` unless an earlier mark says when they
/// were dropped. A retyped item is not retained: `new`'s type wins.
pub fn retained(before: &Value, new: &Value, revision: &str) -> Value {
    let mut out = Map::new();
    let mut paths = Map::new();
    // An operation whose method name the new spec still has was moved (its
    // path spelt otherwise), not dropped: keeping it would make two.
    let names_now = operation_names(new);
    for (path, item) in before.get("paths").and_then(Value::as_object).into_iter().flatten() {
        let methods = methods_of(item);
        for (method, op) in item.as_object().into_iter().flatten() {
            if !METHODS.contains(&method.as_str())
                || new.pointer(&pointer(&["paths", path, method])).is_some()
                || names_now.contains(&crate::normalise::operation_name(method, path, &methods))
            {
                continue;
            }
            let mut kept = marked(op, revision);
            // Parameters declared on the path item go with the operation.
            if let (Some(shared), Some(map)) = (item.get("parameters").and_then(Value::as_array), kept.as_object_mut())
            {
                let own = map.entry("parameters").or_insert_with(|| Value::Array(Vec::new()));
                if let Some(own) = own.as_array_mut() {
                    let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
                    for p in shared {
                        if !own.iter().any(|o| key(o) == key(p)) {
                            own.push(p.clone());
                        }
                    }
                }
            }
            let entry = paths.entry(path.clone()).or_insert_with(|| Value::Object(Map::new()));
            entry[method.as_str()] = kept;
        }
    }
    if !paths.is_empty() {
        out.insert("paths".into(), Value::Object(paths));
    }
    let mut components = Map::new();
    for (kind, items) in before.get("components").and_then(Value::as_object).into_iter().flatten() {
        let mut kept = Map::new();
        for (name, item) in items.as_object().into_iter().flatten() {
            match new.pointer(&pointer(&["components", kind, name])) {
                None => {
                    kept.insert(name.clone(), marked(item, revision));
                }
                Some(now) if kind == "schemas" => {
                    if let Some(part) = dropped_parts(item, now, revision) {
                        kept.insert(name.clone(), part);
                    }
                }
                Some(_) => {}
            }
        }
        if !kept.is_empty() {
            components.insert(kind.clone(), Value::Object(kept));
        }
    }
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }
    Value::Object(out)
}

/// The fields and enum values of schema `before` that `now` lacks, as a
/// partial schema (`properties`, `items`, [`DROPPED_VALUES`]), or `None`.
fn dropped_parts(before: &Value, now: &Value, revision: &str) -> Option<Value> {
    let mut part = Map::new();
    let values_now = now.get("enum").and_then(Value::as_array);
    if let (Some(was), Some(is)) = (before.get("enum").and_then(Value::as_array), values_now) {
        let earlier = before.get(DROPPED_VALUES).and_then(Value::as_object);
        let dropped: Map<String, Value> = was
            .iter()
            .filter_map(Value::as_str)
            .filter(|v| !is.iter().any(|x| x.as_str() == Some(v)))
            .map(|v| {
                let when = earlier.and_then(|e| e.get(v)).cloned().unwrap_or_else(|| revision.into());
                (v.to_string(), when)
            })
            .collect();
        if !dropped.is_empty() {
            part.insert(DROPPED_VALUES.into(), Value::Object(dropped));
        }
    }
    let mut properties = Map::new();
    let empty = Map::new();
    let now_props = now.get("properties").and_then(Value::as_object).unwrap_or(&empty);
    for (name, schema) in before.get("properties").and_then(Value::as_object).into_iter().flatten() {
        match now_props.get(name) {
            None => {
                properties.insert(name.clone(), marked(schema, revision));
            }
            Some(now) if schema.get("$ref").is_none() && now.get("$ref").is_none() => {
                if let Some(p) = dropped_parts(schema, now, revision) {
                    properties.insert(name.clone(), p);
                }
            }
            Some(_) => {}
        }
    }
    if !properties.is_empty() {
        part.insert("properties".into(), Value::Object(properties));
    }
    if let (Some(b), Some(n)) = (before.get("items"), now.get("items")) {
        if b.get("$ref").is_none() && n.get("$ref").is_none() {
            if let Some(p) = dropped_parts(b, n, revision) {
                part.insert("items".into(), p);
            }
        }
    }
    (!part.is_empty()).then_some(Value::Object(part))
}

/// Adds the items of `retained` that `spec` lacks; returns a line per item.
pub fn merge(spec: &mut Value, retained: &Value) -> Vec<String> {
    let mut log = Vec::new();
    for (path, item) in retained.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if spec.pointer(&pointer(&["paths", path, method])).is_some() {
                continue;
            }
            let paths = object_at(spec, "paths");
            let entry = paths.entry(path.clone()).or_insert_with(|| Value::Object(Map::new()));
            entry[method.as_str()] = op.clone();
            log.push(format!("operation {} {path} kept (dropped in {})", method.to_uppercase(), dropped_in(op)));
        }
    }
    for (kind, items) in retained.get("components").and_then(Value::as_object).into_iter().flatten() {
        for (name, item) in items.as_object().into_iter().flatten() {
            let components = object_at(spec, "components");
            let kind_map = components.entry(kind.clone()).or_insert_with(|| Value::Object(Map::new()));
            let Some(kind_map) = kind_map.as_object_mut() else { continue };
            match kind_map.get_mut(name) {
                None => {
                    kind_map.insert(name.clone(), item.clone());
                    log.push(format!("{kind} {name} kept (dropped in {})", dropped_in(item)));
                }
                Some(now) if kind == "schemas" => merge_schema(now, item, name, &mut log),
                Some(_) => {}
            }
        }
    }
    log
}

fn merge_schema(now: &mut Value, part: &Value, label: &str, log: &mut Vec<String>) {
    let Some(now) = now.as_object_mut() else { return };
    if now.contains_key("$ref") {
        return;
    }
    if let (Some(dropped), Some(Value::Array(values))) =
        (part.get(DROPPED_VALUES).and_then(Value::as_object), now.get("enum").cloned())
    {
        let mut values = values;
        let mut marks = Map::new();
        for (value, when) in dropped {
            if !values.iter().any(|v| v.as_str() == Some(value)) {
                values.push(Value::String(value.clone()));
                marks.insert(value.clone(), when.clone());
                log.push(format!("enum value {label}: {value} kept (dropped in {})", when.as_str().unwrap_or("?")));
            }
        }
        now.insert("enum".into(), Value::Array(values));
        if !marks.is_empty() {
            now.insert(DROPPED_VALUES.into(), Value::Object(marks));
        }
    }
    for (name, schema) in part.get("properties").and_then(Value::as_object).into_iter().flatten() {
        let props = now.entry("properties").or_insert_with(|| Value::Object(Map::new()));
        let Some(props) = props.as_object_mut() else { continue };
        match props.get_mut(name) {
            None if schema.get(DROPPED_IN).is_some() => {
                props.insert(name.clone(), schema.clone());
                log.push(format!("field {label}.{name} kept (dropped in {})", dropped_in(schema)));
            }
            None => {}
            Some(existing) => merge_schema(existing, schema, &format!("{label}.{name}"), log),
        }
    }
    if let (Some(items), Some(part_items)) = (now.get_mut("items"), part.get("items")) {
        merge_schema(items, part_items, &format!("{label}[]"), log);
    }
}

fn methods_of(item: &Value) -> Vec<&str> {
    item.as_object().into_iter().flatten().map(|(m, _)| m.as_str()).filter(|m| METHODS.contains(m)).collect()
}

/// The Rust method names of a spec's operations (rule `name_operations`).
fn operation_names(spec: &Value) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for (path, item) in spec.get("paths").and_then(Value::as_object).into_iter().flatten() {
        let methods = methods_of(item);
        for method in &methods {
            out.insert(crate::normalise::operation_name(method, path, &methods));
        }
    }
    out
}

fn marked(item: &Value, revision: &str) -> Value {
    let mut item = item.clone();
    if let Some(map) = item.as_object_mut() {
        map.entry(DROPPED_IN).or_insert_with(|| revision.into());
    }
    item
}

fn dropped_in(item: &Value) -> &str {
    item.get(DROPPED_IN).and_then(Value::as_str).unwrap_or("?")
}

fn object_at<'a>(spec: &'a mut Value, key: &str) -> &'a mut Map<String, Value> {
    if !spec.get(key).is_some_and(Value::is_object) {
        spec[key] = Value::Object(Map::new());
    }
    spec[key].as_object_mut().expect("set to an object above")
}

/// A JSON pointer from unescaped segments.
fn pointer(segments: &[&str]) -> String {
    segments.iter().map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1"))).collect()
}

/// The items of a normalised spec that [`merge`] added back, by their
/// Rust names (what rule `deprecated_where_dropped` marks).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dropped {
    /// `(operationId, revision)`: the client method of that name.
    pub operations: Vec<(String, String)>,
    /// `(type, revision)`: a component schema's type.
    pub types: Vec<(String, String)>,
    /// `(type, wire name, revision)`: a field of a component schema's struct.
    pub fields: Vec<(String, String, String)>,
    /// `(type, field wire name or none, value, revision)`: a value of a
    /// component enum, or of the inline enum of a component's field.
    pub values: Vec<(String, Option<String>, String, String)>,
}

impl Dropped {
    /// Nothing was added back.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty() && self.types.is_empty() && self.fields.is_empty() && self.values.is_empty()
    }
}

/// What [`merge`] added back to `spec` (normalised), with `type_name`
/// giving a component schema's Rust type name. Marks deeper inside inline
/// schemas are kept in the spec but have no named Rust item to mark.
pub fn marks(spec: &Value, type_name: impl Fn(&str) -> String) -> Dropped {
    let mut out = Dropped::default();
    for item in spec.get("paths").and_then(Value::as_object).into_iter().flat_map(|m| m.values()) {
        for (method, op) in item.as_object().into_iter().flatten() {
            if let (true, Some(when), Some(id)) = (
                METHODS.contains(&method.as_str()),
                op.get(DROPPED_IN).and_then(Value::as_str),
                op.get("operationId").and_then(Value::as_str),
            ) {
                out.operations.push((id.to_string(), when.to_string()));
            }
        }
    }
    let values = |schema: &Value| -> Vec<(String, String)> {
        schema
            .get(DROPPED_VALUES)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(v, w)| (v.clone(), w.as_str().unwrap_or("?").to_string()))
            .collect()
    };
    for (name, schema) in spec.pointer("/components/schemas").and_then(Value::as_object).into_iter().flatten() {
        let ty = type_name(name);
        if let Some(when) = schema.get(DROPPED_IN).and_then(Value::as_str) {
            out.types.push((ty.clone(), when.to_string()));
            continue;
        }
        for (v, when) in values(schema) {
            out.values.push((ty.clone(), None, v, when));
        }
        for (field, f) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
            if let Some(when) = f.get(DROPPED_IN).and_then(Value::as_str) {
                out.fields.push((ty.clone(), field.clone(), when.to_string()));
            }
            for (v, when) in values(f) {
                out.values.push((ty.clone(), Some(field.clone()), v, when));
            }
        }
    }
    out
}

/// Whether `retained` holds nothing.
pub fn is_empty(retained: &Value) -> bool {
    retained.as_object().is_none_or(|m| m.values().all(|v| v.as_object().is_none_or(Map::is_empty)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn before() -> Value {
        json!({
            "paths": {"/api/info": {"get": {"operationId": "info", "responses": {}}},
                      "/api/x": {"get": {"operationId": "x", "responses": {}}}},
            "components": {"schemas": {
                "gone": {"type": "object", "properties": {"a": {"type": "string"}}},
                "token_type": {"type": "string", "enum": ["A", "B", "C"]},
                "resp": {"type": "object", "properties": {
                    "kept": {"type": "string"},
                    "dropped": {"type": "string"},
                    "retyped": {"type": "string"},
                    "inner": {"type": "object", "properties": {"deep": {"type": "integer"}}}
                }}
            }}
        })
    }

    fn new() -> Value {
        json!({
            "paths": {"/api/x": {"get": {"operationId": "x", "responses": {}}}},
            "components": {"schemas": {
                "token_type": {"type": "string", "enum": ["A", "C", "D"]},
                "resp": {"type": "object", "properties": {
                    "kept": {"type": "string"},
                    "retyped": {"type": "array", "items": {"type": "string"}},
                    "inner": {"type": "object", "properties": {}}
                }}
            }}
        })
    }

    #[test]
    fn what_a_revision_drops_is_retained_with_the_revision() {
        let r = retained(&before(), &new(), "rev-2");
        assert_eq!(r["paths"]["/api/info"]["get"][DROPPED_IN], "rev-2");
        assert!(r["paths"].get("/api/x").is_none());
        assert_eq!(r["components"]["schemas"]["gone"][DROPPED_IN], "rev-2");
        assert_eq!(r["components"]["schemas"]["token_type"][DROPPED_VALUES], json!({"B": "rev-2"}));
        let props = &r["components"]["schemas"]["resp"]["properties"];
        assert_eq!(props["dropped"], json!({"type": "string", DROPPED_IN: "rev-2"}));
        assert!(props.get("retyped").is_none(), "a retype is not a drop: {props}");
        assert!(props.get("kept").is_none());
        assert_eq!(props["inner"]["properties"]["deep"][DROPPED_IN], "rev-2");
    }

    #[test]
    fn merging_adds_back_what_was_dropped_and_the_spec_wins() {
        let r = retained(&before(), &new(), "rev-2");
        let mut spec = new();
        let log = merge(&mut spec, &r);
        assert_eq!(spec["paths"]["/api/info"]["get"]["operationId"], "info");
        assert_eq!(spec["components"]["schemas"]["token_type"]["enum"], json!(["A", "C", "D", "B"]));
        assert_eq!(spec["components"]["schemas"]["resp"]["properties"]["retyped"]["type"], "array");
        assert_eq!(spec["components"]["schemas"]["resp"]["properties"]["dropped"]["type"], "string");
        assert_eq!(
            spec["components"]["schemas"]["resp"]["properties"]["inner"]["properties"]["deep"]["type"],
            "integer"
        );
        assert_eq!(log.len(), 5, "{log:#?}");
        // The surface now covers `before`: nothing more is retained from it, and
        // a later revision keeps the first mark.
        assert!(is_empty(&retained(&before(), &spec, "rev-3")));
        let later = retained(&spec, &new(), "rev-3");
        assert_eq!(later["paths"]["/api/info"]["get"][DROPPED_IN], "rev-2");
        assert_eq!(later["components"]["schemas"]["token_type"][DROPPED_VALUES], json!({"B": "rev-2"}));
    }

    #[test]
    fn a_moved_operation_is_not_retained_and_path_parameters_go_with_a_kept_one() {
        let before = json!({"paths": {
            "/api/{serviceId}/client/get/{clientId}": {"get": {"responses": {}}},
            "/api/{serviceId}/gone/{id}": {"parameters": [{"name": "id", "in": "path", "required": true}],
                                         "get": {"responses": {}}}
        }});
        // The same method name from another spelling of the path.
        let new = json!({"paths": {"/api/{serviceId}/client/get/{client_id}": {"get": {"responses": {}}}}});
        let r = retained(&before, &new, "rev-2");
        assert!(r["paths"].get("/api/{serviceId}/client/get/{clientId}").is_none(), "{r}");
        assert_eq!(r["paths"]["/api/{serviceId}/gone/{id}"]["get"]["parameters"][0]["name"], "id");
    }

    #[test]
    fn an_item_that_comes_back_is_no_longer_retained() {
        let r = retained(&before(), &new(), "rev-2");
        let mut spec = new();
        merge(&mut spec, &r);
        // The next revision has /api/info again.
        let back = before();
        assert!(retained(&spec, &back, "rev-3")["paths"].get("/api/info").is_none());
    }
}
