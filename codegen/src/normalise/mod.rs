//! General rules that bring any revision of the Authlete spec into the
//! subset of OpenAPI that progenitor 0.15 generates without panicking: one
//! file per rule, applied in the order of [`RULES`]. Every rule is about a
//! *class* of construct (never a named operation or schema), keeps the
//! meaning of the document, is idempotent, and logs what it changed. Why
//! each rule exists is in ARCHITECTURE.md.

use serde_json::{Map, Value};

pub mod fill_response_descriptions;
pub mod inline_path_item_parameters;
pub mod name_operations;
pub mod no_body_statuses;
pub mod nullable_is_absent;
pub mod open_object_schemas;
pub mod plain_strings;
pub mod prefer_json_bodies;
pub mod reconcile_path_parameters;
pub mod rename_reserved_schema_names;
pub mod unify_response_shapes;

pub use name_operations::{operation_name, SPEC_OPERATION_ID_EXTENSION};
pub use unify_response_shapes::EMPTY_SUCCESS_EXTENSION;

/// One rule on the spec: its name (its file's name) and what it does; it
/// logs a line per change.
pub struct Rule {
    /// Its name.
    pub name: &'static str,
    /// Applies it.
    pub apply: fn(&mut Value, &mut Vec<String>),
}

/// Every rule, in the order they run.
pub const RULES: &[Rule] = &[
    Rule { name: "inline_path_item_parameters", apply: inline_path_item_parameters::inline_path_item_parameters },
    Rule { name: "name_operations", apply: name_operations::name_operations },
    Rule { name: "reconcile_path_parameters", apply: reconcile_path_parameters::reconcile_path_parameters },
    Rule { name: "prefer_json_bodies", apply: prefer_json_bodies::prefer_json_bodies },
    Rule { name: "plain_strings", apply: plain_strings::plain_strings },
    Rule { name: "nullable_is_absent", apply: nullable_is_absent::nullable_is_absent },
    Rule { name: "no_body_statuses", apply: no_body_statuses::no_body_statuses },
    Rule { name: "unify_response_shapes", apply: unify_response_shapes::unify_response_shapes },
    Rule { name: "rename_reserved_schema_names", apply: rename_reserved_schema_names::rename_reserved_schema_names },
    Rule { name: "fill_response_descriptions", apply: fill_response_descriptions::fill_response_descriptions },
    Rule { name: "open_object_schemas", apply: open_object_schemas::open_object_schemas },
];

/// The rule [`normalise_closed`] leaves out.
const OPENS_OBJECTS: &str = "open_object_schemas";

/// Applies every rule in order; returns one line per change, each prefixed
/// with its rule's name.
pub fn normalise(spec: &mut Value) -> Vec<String> {
    run(spec, |_| true)
}

/// All rules but [`open_object_schemas`](open_object_schemas::open_object_schemas):
/// the spec as plain typify would see it (the decode benchmark's baseline).
pub fn normalise_closed(spec: &mut Value) -> Vec<String> {
    run(spec, |r| r.name != OPENS_OBJECTS)
}

fn run(spec: &mut Value, keep: impl Fn(&Rule) -> bool) -> Vec<String> {
    let mut log = Vec::new();
    for rule in RULES.iter().filter(|r| keep(r)) {
        let mut lines = Vec::new();
        (rule.apply)(spec, &mut lines);
        log.extend(lines.into_iter().map(|l| format!("{}: {l}", rule.name)));
    }
    log
}

// ---------------------------------------------------------------------------
// Helpers shared by the rules

pub(crate) const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Calls `f(path, method, operation)` for every operation of the document.
pub(crate) fn for_each_operation(spec: &mut Value, mut f: impl FnMut(&str, &str, &mut Map<String, Value>)) {
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, op) in item.iter_mut() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            if let Some(op) = op.as_object_mut() {
                f(path, method, op);
            }
        }
    }
}

/// Calls `f` on every object of the document that can be a schema, depth
/// first: not a `properties` map itself, nor the values of `enum`,
/// `default`, `example` and `x-` extensions (data; a property of that name
/// is visited).
pub(crate) fn for_each_object(value: &mut Value, f: &mut impl FnMut(&mut Map<String, Value>)) {
    fn walk(value: &mut Value, names_properties: bool, f: &mut impl FnMut(&mut Map<String, Value>)) {
        match value {
            Value::Object(map) => {
                // A map of property names is not a schema: a property may be called `nullable`.
                if !names_properties {
                    f(map);
                }
                for (k, v) in map.iter_mut() {
                    let data = matches!(k.as_str(), "enum" | "default" | "example") || k.starts_with("x-");
                    if names_properties || !data {
                        walk(v, !names_properties && k == "properties", f);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, false, f)),
            _ => {}
        }
    }
    walk(value, false, f)
}

/// Follows local `$ref`s (`#/a/b/c`) until a non-reference object is reached.
pub(crate) fn resolve<'a>(spec: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(r) => match r.strip_prefix('#').and_then(|p| spec.pointer(p)) {
                Some(target) => value = target,
                None => return value,
            },
            None => return value,
        }
    }
    value
}

/// snake_case of an identifier-ish string (`clientId` → `client_id`,
/// `lock_flag` → `lock_flag`, `requestable-scopes` → `requestable_scopes`).
pub fn snake(s: &str) -> String {
    let mut out = String::new();
    let mut prev: Option<char> = None;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit()) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
        prev = Some(c);
    }
    out.trim_end_matches('_').to_string()
}

#[cfg(test)]
pub(crate) mod test_support {
    use serde_json::Value;

    pub(crate) fn op<'a>(spec: &'a Value, path: &str, method: &str) -> &'a Value {
        &spec["paths"][path][method]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn normalise_is_idempotent() {
        let mut spec = json!({"paths": {"/x/{id}": {"get": {"responses": {
            "200": {"content": {"application/json": {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}}}},
            "204": {}
        }}}}});
        normalise(&mut spec);
        let once = spec.clone();
        let log = normalise(&mut spec);
        assert_eq!(spec, once);
        assert!(log.is_empty(), "{log:?}");
    }
}
