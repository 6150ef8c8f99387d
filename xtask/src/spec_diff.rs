//! The interface difference between two spec files, as the crate generates
//! them: both go through our own stripping and normalisation first
//! (`codegen/strip.rs`, `codegen/normalise.rs`), so the diff speaks of Rust
//! methods, types, fields and enum values, not of YAML.
//!
//! Each change is classified for the crate's Rust API under its generation
//! rules (`codegen/src/rewrite/`), as a user pinning `authlete = "0.x"` sees
//! it after `cargo xtask sync-spec` (which keeps what a revision drops:
//! `codegen/src/retained.rs`):
//!
//! | change | class | why |
//! |---|---|---|
//! | operation, type, field or enum value added | additive | a new method, type, setter or variant; structs are `#[non_exhaustive]` and enums open |
//! | operation, type, field or enum value dropped upstream | **deprecated** (additive) | kept from `openapi/retained.yaml` and `#[deprecated]` until a major release (`sync-spec --major`, or `spec-diff --major`: then **breaking**) |
//! | field required ↔ optional, nullable or not | additive | every field is `Option<T>` (a list `Vec<T>`, a map a map) whatever the spec requires; only the builder's check moves, and Authlete refused the call without the field anyway |
//! | parameter required → optional; parameter added, optional or required | additive | a new setter (`set_x` for an optional one; a required one is checked by `send()`, as Authlete would) |
//! | parameter optional → required | breaking | the operation builder's `set_x` is gone (progenitor types a required parameter `T`) |
//! | operation's Rust name changed | breaking | a method is gone |
//! | operation's tags changed so that it leaves a group feature | breaking | an app that turned on only that feature (`api-<tag>`, rule `operation_groups_behind_features`) loses the method and the types only it reached; cargo-semver-checks builds with every feature and cannot see it, so it has no case in `semver-rules` |
//! | operation's tags changed so that it joins a group feature | additive | it is compiled with one more feature |
//! | type of a field, parameter, type or body changed; body-less success added | breaking | a genuine retype |
//! | success status added or dropped | additive | a success status the spec does not list is still a success when its body decodes (a new status whose body is another type also changes the success body: breaking, reported as that) |
//! | parameter removed | breaking | its setter is gone (parameters are not retained) |

use std::collections::{BTreeMap, BTreeSet};

use authlete_codegen::retained::{self, DROPPED_IN, DROPPED_VALUES};
use serde_json::{json, Value};

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Breaking for the Rust API?
    pub breaking: bool,
    /// `operation`, `parameter`, `body`, `type`, `field` or `enum value`.
    pub kind: &'static str,
    /// `added`, `removed`, `deprecated` or `changed`.
    pub change: &'static str,
    /// What changed: `POST /api/{serviceId}/auth/token (auth_token)`, `Client.clientName`, ...
    pub item: String,
    /// Old → new, where it helps.
    pub detail: String,
}

impl Change {
    fn new(breaking: bool, kind: &'static str, change: &'static str, item: String, detail: String) -> Self {
        Self { breaking, kind, change, item, detail }
    }
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The normalised surfaces a user sees when the crate moves from the spec
/// `old` to `new` with `cargo xtask sync-spec`: what `new` drops is kept
/// (marked, to be deprecated), unless `major`. `old` may carry the items
/// it retained itself (`old_retained`), as `new_retained` when given
/// replaces the computed ones (the vendored spec and its retained file).
pub fn surfaces(
    old: &str,
    old_retained: Option<&str>,
    new: &str,
    new_retained: Option<&str>,
    revision: &str,
    major: bool,
) -> Result<(Value, Value), String> {
    let stripped = |text: &str, kept: Option<&str>| -> Result<Value, String> {
        let mut doc = crate::spec::parse(text)?;
        crate::strip::strip_prose(&mut doc);
        if let Some(kept) = kept {
            retained::merge(&mut doc, &crate::spec::parse(kept)?);
        }
        Ok(doc)
    };
    let before = stripped(old, old_retained)?;
    let mut after = stripped(new, new_retained)?;
    if new_retained.is_none() && !major {
        let kept = retained::retained(&before, &after, revision);
        retained::merge(&mut after, &kept);
    }
    let normalise = |mut doc: Value| {
        crate::normalise::normalise(&mut doc);
        doc
    };
    Ok((normalise(before), normalise(after)))
}

/// The revision that dropped `new` (marked in `new`, not yet in `old`).
fn newly_dropped<'a>(old: &Value, new: &'a Value) -> Option<&'a str> {
    (old.get(DROPPED_IN).is_none()).then(|| new.get(DROPPED_IN).and_then(Value::as_str)).flatten()
}

fn resolve<'a>(spec: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match v.get("$ref").and_then(Value::as_str).and_then(|r| spec.pointer(r.trim_start_matches('#'))) {
            Some(t) => v = t,
            None => break,
        }
    }
    v
}

/// A schema's type as the generated Rust sees it: a `$ref` is its name.
/// `nullable` would count (typify wraps a nullable enum in a newtype of
/// `Option`), but [`surfaces`] normalise it away (`nullable_is_absent`).
fn signature(s: &Value) -> String {
    let base = base_signature(s);
    if s.get("nullable").and_then(Value::as_bool) == Some(true) {
        format!("{base} (nullable)")
    } else {
        base
    }
}

fn base_signature(s: &Value) -> String {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(a) = s.get(key).and_then(Value::as_array) {
            let parts: Vec<String> = a.iter().map(signature).collect();
            return format!("{key}({})", parts.join(", "));
        }
    }
    match s.get("type").and_then(Value::as_str) {
        Some("array") => format!("array of {}", s.get("items").map_or("any".into(), signature)),
        Some("object") if s.get("properties").is_some() => "inline object".into(),
        Some("object") => "map".into(),
        Some("string") if s.get("enum").is_some() => "string enum".into(),
        Some(t) => match s.get("format").and_then(Value::as_str) {
            Some(f) if t != "string" => format!("{t} ({f})"),
            _ => t.to_string(),
        },
        None => "any".into(),
    }
}

fn string_set(v: Option<&Value>) -> BTreeSet<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// Differences between two object (or enum) schemas, named `label`.
fn diff_schema(old_spec: &Value, new_spec: &Value, label: &str, old: &Value, new: &Value, out: &mut Vec<Change>) {
    let (old, new) = (resolve(old_spec, old), resolve(new_spec, new));
    // Enum values.
    let (ov, nv) = (string_set(old.get("enum")), string_set(new.get("enum")));
    for v in nv.difference(&ov) {
        out.push(Change::new(false, "enum value", "added", label.to_string(), v.clone()));
    }
    for v in ov.difference(&nv) {
        out.push(Change::new(true, "enum value", "removed", label.to_string(), v.clone()));
    }
    let marks = |s: &Value| -> BTreeSet<String> {
        s.get(DROPPED_VALUES).and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default()
    };
    for v in marks(new).difference(&marks(old)) {
        out.push(Change::new(false, "enum value", "deprecated", label.to_string(), v.clone()));
    }
    // Array items of inline schemas.
    if let (Some(oi), Some(ni)) = (old.get("items"), new.get("items")) {
        if oi.get("$ref").is_none() && ni.get("$ref").is_none() {
            diff_schema(old_spec, new_spec, &format!("{label}[]"), oi, ni, out);
        }
    }
    let empty = serde_json::Map::new();
    let op = old.get("properties").and_then(Value::as_object).unwrap_or(&empty);
    let np = new.get("properties").and_then(Value::as_object).unwrap_or(&empty);
    let (or, nr) = (string_set(old.get("required")), string_set(new.get("required")));
    for (name, ns) in np {
        let item = format!("{label}.{name}");
        match op.get(name) {
            None => out.push(Change::new(
                false,
                "field",
                "added",
                item,
                format!("{} ({})", signature(ns), if nr.contains(name) { "required" } else { "optional" }),
            )),
            Some(os) => {
                let (a, b) = (signature(os), signature(ns));
                if a != b {
                    out.push(Change::new(true, "field", "changed", item.clone(), format!("type {a} → {b}")));
                } else if or.contains(name) != nr.contains(name) {
                    let to = if nr.contains(name) { "optional → required" } else { "required → optional" };
                    out.push(Change::new(
                        false,
                        "field",
                        "changed",
                        item.clone(),
                        format!("{to} (the builder's check)"),
                    ));
                }
                if let Some(when) = newly_dropped(os, ns) {
                    out.push(Change::new(false, "field", "deprecated", item.clone(), format!("dropped in {when}")));
                }
                // Inline parts (nested objects, inline enums) have no name of their own.
                if os.get("$ref").is_none() && ns.get("$ref").is_none() {
                    diff_schema(old_spec, new_spec, &item, os, ns, out);
                }
            }
        }
    }
    for (name, os) in op {
        if !np.contains_key(name) {
            out.push(Change::new(true, "field", "removed", format!("{label}.{name}"), signature(os)));
        }
    }
}

struct Operation<'a> {
    name: String,
    op: &'a Value,
}

fn operations(spec: &Value) -> BTreeMap<(String, String), Operation<'_>> {
    let mut out = BTreeMap::new();
    for (path, item) in spec.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if METHODS.contains(&method.as_str()) {
                let name = op.get("operationId").and_then(Value::as_str).unwrap_or_default().to_string();
                out.insert((method.to_ascii_uppercase(), path.clone()), Operation { name, op });
            }
        }
    }
    out
}

fn body_schema(op: &Value) -> Option<&Value> {
    op.pointer("/requestBody/content").and_then(Value::as_object)?.values().next()?.get("schema")
}

/// The schema of the first typed response in the class (`2` or other).
fn response_schema<'a>(spec: &'a Value, op: &'a Value, success: bool) -> Option<&'a Value> {
    let responses = op.get("responses").and_then(Value::as_object)?;
    responses
        .iter()
        .filter(|(k, _)| k.starts_with('2') == success)
        .find_map(|(_, r)| resolve(spec, r).get("content").and_then(Value::as_object)?.values().next()?.get("schema"))
}

/// The 2xx statuses an operation lists.
fn success_statuses(op: &Value) -> Vec<&str> {
    let responses = op.get("responses").and_then(Value::as_object).into_iter().flatten();
    responses.map(|(k, _)| k.as_str()).filter(|k| k.starts_with('2')).collect()
}

fn params(spec: &Value, op: &Value) -> BTreeMap<(String, String), (String, bool)> {
    op.get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| resolve(spec, p))
        .filter_map(|p| {
            let name = p.get("name")?.as_str()?.to_string();
            let place = p.get("in")?.as_str()?.to_string();
            let ty = p.get("schema").map_or("string".into(), signature);
            Some(((name, place), (ty, p.get("required").and_then(Value::as_bool).unwrap_or(false))))
        })
        .collect()
}

/// Every interface difference from `old` to `new` (both normalised).
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    let (oo, no) = (operations(old), operations(new));
    for (key, n) in &no {
        let label = format!("{} {} (`{}`)", key.0, key.1, n.name);
        let Some(o) = oo.get(key) else {
            out.push(Change::new(false, "operation", "added", label, String::new()));
            continue;
        };
        if let Some(when) = newly_dropped(o.op, n.op) {
            out.push(Change::new(false, "operation", "deprecated", label.clone(), format!("dropped in {when}")));
        }
        if o.name != n.name {
            out.push(Change::new(
                true,
                "operation",
                "changed",
                label.clone(),
                format!("method `{}` → `{}`", o.name, n.name),
            ));
        }
        let features = authlete_codegen::rewrite::operation_groups_behind_features::operation_features;
        let (of, nf) = (features(o.op, None), features(n.op, None));
        if of != nf {
            let names = |f: &BTreeSet<String>| f.iter().cloned().collect::<Vec<_>>().join(", ");
            out.push(Change::new(
                !of.is_subset(&nf),
                "operation",
                "changed",
                label.clone(),
                format!("group features {} → {}", names(&of), names(&nf)),
            ));
        }
        let (op, np) = (params(old, o.op), params(new, n.op));
        for (k, (ty, req)) in &np {
            let item = format!("{} {}: {} `{}`", key.0, key.1, k.1, k.0);
            match op.get(k) {
                None => out.push(Change::new(
                    false,
                    "parameter",
                    "added",
                    item,
                    format!("{ty}, {}", if *req { "required" } else { "optional" }),
                )),
                Some((oty, oreq)) if oty != ty => {
                    out.push(Change::new(true, "parameter", "changed", item, format!("type {oty} → {ty}")))
                }
                Some((_, oreq)) if oreq != req => out.push(Change::new(
                    // A required parameter of an operation builder has no `set_x`.
                    *req,
                    "parameter",
                    "changed",
                    item,
                    if *req { "optional → required".into() } else { "required → optional".into() },
                )),
                _ => {}
            }
        }
        for (k, (ty, _)) in &op {
            if !np.contains_key(k) {
                out.push(Change::new(
                    true,
                    "parameter",
                    "removed",
                    format!("{} {}: {} `{}`", key.0, key.1, k.1, k.0),
                    ty.clone(),
                ));
            }
        }
        let pairs = [
            ("request body", body_schema(o.op), body_schema(n.op)),
            ("success body", response_schema(old, o.op, true), response_schema(new, n.op, true)),
            ("error body", response_schema(old, o.op, false), response_schema(new, n.op, false)),
        ];
        for (what, a, b) in pairs {
            let item = format!("{} {} {what}", key.0, key.1);
            match (a, b) {
                (None, None) => {}
                (Some(a), Some(b)) => {
                    let (sa, sb) = (signature(a), signature(b));
                    if sa != sb {
                        out.push(Change::new(true, "body", "changed", item, format!("{sa} → {sb}")));
                    } else if a.get("$ref").is_none() {
                        // An inline body: its fields are the operation's own type.
                        diff_schema(old, new, &format!("`{}` {what}", n.name), a, b, &mut out);
                    }
                }
                (None, Some(b)) => out.push(Change::new(true, "body", "added", item, signature(b))),
                (Some(a), None) => out.push(Change::new(true, "body", "removed", item, signature(a))),
            }
        }
        // A success status a revision does not list is still a success
        // when its body decodes (`Request::send`): reported, not breaking.
        // A status whose body is another type also changes the success
        // body, which is reported (as breaking) with the bodies below.
        let (os, ns) = (success_statuses(o.op), success_statuses(n.op));
        if os != ns {
            let detail = format!("success statuses {os:?} → {ns:?}");
            out.push(Change::new(false, "operation", "changed", label.clone(), detail));
        }
        let empty = |op: &Value| string_set(op.get("x-authlete-empty-success"));
        if empty(o.op) != empty(n.op) {
            let detail = format!("body-less successes {:?} → {:?}", empty(o.op), empty(n.op));
            out.push(Change::new(true, "body", "changed", format!("{} {} success body", key.0, key.1), detail));
        }
    }
    for (key, o) in &oo {
        if !no.contains_key(key) {
            out.push(Change::new(
                true,
                "operation",
                "removed",
                format!("{} {} (`{}`)", key.0, key.1, o.name),
                String::new(),
            ));
        }
    }
    let empty = serde_json::Map::new();
    let os = old.pointer("/components/schemas").and_then(Value::as_object).unwrap_or(&empty);
    let ns = new.pointer("/components/schemas").and_then(Value::as_object).unwrap_or(&empty);
    for (name, n) in ns {
        match os.get(name) {
            None => out.push(Change::new(false, "type", "added", name.clone(), signature(n))),
            Some(o) => {
                let (a, b) = (signature(o), signature(n));
                if a != b {
                    out.push(Change::new(true, "type", "changed", name.clone(), format!("{a} → {b}")));
                } else {
                    diff_schema(old, new, name, o, n, &mut out);
                }
                if let Some(when) = newly_dropped(o, n) {
                    out.push(Change::new(false, "type", "deprecated", name.clone(), format!("dropped in {when}")));
                }
            }
        }
    }
    for (name, o) in os {
        if !ns.contains_key(name) {
            out.push(Change::new(true, "type", "removed", name.clone(), signature(o)));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The semver bump a diff requires from `version` (`major.minor.patch`):
/// `"none"`, `"patch"`, `"minor"` or `"major"`. Before 1.0, breaking means
/// minor and additive means patch, as Cargo reads 0.x versions.
pub fn required_bump(changes: &[Change], version: &str) -> &'static str {
    let pre_1 = version.starts_with("0.");
    match (changes.iter().any(|c| c.breaking), changes.is_empty()) {
        (true, _) if pre_1 => "minor",
        (true, _) => "major",
        (false, true) => "none",
        (false, false) if pre_1 => "patch",
        (false, false) => "minor",
    }
}

/// Markdown for people: counts, then breaking and additive changes.
pub fn markdown(changes: &[Change], title: &str) -> String {
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let mut s = format!("### {title}\n\n{breaking} breaking, {} additive.\n", changes.len() - breaking);
    for (heading, want) in [("Breaking", true), ("Additive", false)] {
        let rows: Vec<&Change> = changes.iter().filter(|c| c.breaking == want).collect();
        if rows.is_empty() {
            continue;
        }
        s.push_str(&format!("\n#### {heading}\n\n"));
        for c in rows {
            let detail = if c.detail.is_empty() { String::new() } else { format!(": {}", c.detail) };
            s.push_str(&format!("- {} {}: {}{detail}\n", c.kind, c.change, c.item));
        }
    }
    s
}

/// JSON for tools.
pub fn to_json(changes: &[Change]) -> Value {
    let breaking = changes.iter().filter(|c| c.breaking).count();
    json!({
        "breaking": breaking,
        "additive": changes.len() - breaking,
        "changes": changes.iter().map(|c| json!({
            "class": if c.breaking { "breaking" } else { "additive" },
            "kind": c.kind,
            "change": c.change,
            "item": c.item,
            "detail": c.detail,
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(schemas: Value, paths: Value) -> Value {
        json!({"openapi": "3.0.3", "paths": paths, "components": {"schemas": schemas}})
    }

    #[test]
    fn classifies_each_kind_of_change() {
        let op = |extra: Value| {
            let mut o = json!({"operationId": "x", "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/R"}}}}}});
            o.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            o
        };
        let old = spec(
            json!({"R": {"type": "object", "properties": {"a": {"type": "string"}, "gone": {"type": "string"},
                   "e": {"type": "string", "enum": ["A", "B"]}}},
                   "Dropped": {"type": "object", "properties": {}}}),
            json!({"/x": {"get": op(json!({"parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}]}))},
                   "/old": {"get": op(json!({}))}}),
        );
        let new = spec(
            json!({"R": {"type": "object", "properties": {"a": {"type": "integer"}, "added": {"type": "string"},
                   "e": {"type": "string", "enum": ["A", "C"]}}},
                   "New": {"type": "object", "properties": {}}}),
            json!({"/x": {"get": op(json!({"parameters": [
                        {"name": "q", "in": "query", "schema": {"type": "string"}},
                        {"name": "o", "in": "query", "schema": {"type": "string"}}]}))},
                   "/new": {"get": op(json!({}))}}),
        );
        let changes = diff(&old, &new);
        let find = |kind: &str, change: &str, item: &str| {
            changes
                .iter()
                .find(|c| c.kind == kind && c.change == change && c.item.contains(item))
                .unwrap_or_else(|| panic!("{kind} {change} {item}: {changes:#?}"))
        };
        assert!(!find("operation", "added", "/new").breaking);
        assert!(find("operation", "removed", "/old").breaking);
        assert!(!find("parameter", "added", "`o`").breaking, "optional parameter");
        assert!(find("field", "changed", "R.a").breaking);
        assert!(!find("field", "added", "R.added").breaking, "structs are non-exhaustive");
        assert!(find("field", "removed", "R.gone").breaking);
        assert!(!changes.iter().find(|c| c.kind == "enum value" && c.detail == "C").unwrap().breaking);
        assert!(changes.iter().find(|c| c.kind == "enum value" && c.detail == "B").unwrap().breaking);
        assert!(!find("type", "added", "New").breaking);
        // Tags: leaving a group feature breaks who turned on only that one.
        let tagged = |tags: Value| spec(json!({}), json!({"/t": {"get": {"operationId": "t", "tags": tags}}}));
        let moved = diff(&tagged(json!(["Utility Endpoints"])), &tagged(json!(["Lifecycle"])));
        assert!(
            moved.iter().any(|c| c.breaking && c.detail == "group features api-utility-endpoints → api-lifecycle"),
            "{moved:#?}"
        );
        let joined = diff(&tagged(json!(["A"])), &tagged(json!(["A", "B"])));
        assert!(joined.iter().any(|c| !c.breaking && c.detail == "group features api-a → api-a, api-b"), "{joined:#?}");
        assert!(find("type", "removed", "Dropped").breaking);
        assert_eq!(required_bump(&changes, "0.1.0"), "minor");
        assert_eq!(required_bump(&changes[..0], "0.1.0"), "none");
        assert!(diff(&old, &old).is_empty(), "a spec does not differ from itself");

        // Without normalisation, a nullable enum is another type; the surfaces
        // below normalise (rule `nullable_is_absent`), and it is not.
        let enum_of =
            |nullable: bool| spec(json!({"E": {"type": "string", "enum": ["A"], "nullable": nullable}}), json!({}));
        let c = diff(&enum_of(false), &enum_of(true));
        assert!(c.iter().any(|c| c.kind == "type" && c.change == "changed" && c.breaking), "{c:#?}");
    }

    fn op(extra: Value) -> Value {
        let mut o = json!({"operationId": "x", "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/R"}}}}}});
        o.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        o
    }

    fn text(v: &Value) -> String {
        serde_json::to_string(v).unwrap()
    }

    fn surface_diff(old: &Value, new: &Value, major: bool) -> Vec<Change> {
        let (a, b) = surfaces(&text(old), None, &text(new), None, "rev-2.yaml", major).unwrap();
        diff(&a, &b)
    }

    #[test]
    fn what_a_revision_drops_is_deprecated_until_a_major_release() {
        let old = spec(
            json!({"R": {"type": "object", "properties": {"gone": {"type": "string"},
                         "e": {"type": "string", "enum": ["A", "B"]}}},
                   "Dropped": {"type": "object", "properties": {"a": {"type": "string"}}}}),
            json!({"/x": {"get": op(json!({}))}, "/old": {"get": op(json!({"operationId": "old"}))}}),
        );
        let new = spec(
            json!({"R": {"type": "object", "properties": {"e": {"type": "string", "enum": ["A"]}}}}),
            json!({"/x": {"get": op(json!({}))}}),
        );
        let changes = surface_diff(&old, &new, false);
        assert!(changes.iter().all(|c| !c.breaking), "{changes:#?}");
        for (kind, item) in [("operation", "/old"), ("type", "Dropped"), ("field", "R.gone"), ("enum value", "R.e")] {
            assert!(
                changes.iter().any(|c| c.kind == kind && c.change == "deprecated" && c.item.contains(item)),
                "{kind} {item}: {changes:#?}"
            );
        }
        assert_eq!(required_bump(&changes, "0.2.0"), "patch");
        let major = surface_diff(&old, &new, true);
        for (kind, item) in [("operation", "/old"), ("type", "Dropped"), ("field", "R.gone"), ("enum value", "R.e")] {
            assert!(
                major.iter().any(|c| c.kind == kind && c.change == "removed" && c.item.contains(item) && c.breaking),
                "{kind} {item}: {major:#?}"
            );
        }
    }

    #[test]
    fn nullability_and_optionality_do_not_break() {
        let old = spec(
            json!({"R": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"},
                          "b": {"type": "string"}, "alg": {"$ref": "#/components/schemas/Alg"}}},
                   "Alg": {"type": "string", "enum": ["RS256"]}}),
            json!({"/x": {"get": op(json!({"parameters": [{"name": "q", "in": "query", "required": true,
                                                                  "schema": {"type": "string"}}]}))}}),
        );
        let new = spec(
            json!({"R": {"type": "object", "required": ["b"], "properties": {"a": {"type": "string"},
                          "b": {"type": "string"}, "alg": {"$ref": "#/components/schemas/Alg"}}},
                   "Alg": {"type": "string", "enum": ["RS256", null], "nullable": true}}),
            json!({"/x": {"get": op(json!({"parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string"}},
                {"name": "r", "in": "query", "required": true, "schema": {"type": "string"}}]}))}}),
        );
        let changes = surface_diff(&old, &new, false);
        assert!(changes.iter().all(|c| !c.breaking), "{changes:#?}");
        assert_eq!(changes.iter().filter(|c| c.kind == "field" && c.change == "changed").count(), 2, "{changes:#?}");
    }

    #[test]
    fn a_success_status_change_is_reported_and_does_not_break() {
        let old = spec(json!({"R": {"type": "object", "properties": {}}}), json!({"/x": {"post": op(json!({}))}}));
        let mut created = op(json!({}));
        created["responses"]["201"] = created["responses"]["200"].clone();
        let new = spec(json!({"R": {"type": "object", "properties": {}}}), json!({"/x": {"post": created}}));
        let changes = surface_diff(&old, &new, false);
        let c =
            changes.iter().find(|c| c.detail.contains("success statuses")).unwrap_or_else(|| panic!("{changes:#?}"));
        assert!(!c.breaking);
        assert_eq!(c.detail, r#"success statuses ["200"] → ["200", "201"]"#);

        // A status whose body is another type changes the success type.
        let mut other = op(json!({}));
        other["responses"]["201"] = json!({"description": "created",
            "content": {"application/json": {"schema": {"type": "array", "items": {"type": "string"}}}}});
        let new = spec(json!({"R": {"type": "object", "properties": {}}}), json!({"/x": {"post": other}}));
        let changes = surface_diff(&old, &new, false);
        assert!(changes.iter().any(|c| c.detail.contains("success statuses") && !c.breaking), "{changes:#?}");
        assert!(changes.iter().any(|c| c.item.ends_with("success body") && c.breaking), "{changes:#?}");
    }

    #[test]
    fn a_genuine_retype_breaks() {
        let old = spec(json!({"R": {"type": "object", "properties": {"p": {"type": "string"}}}}), json!({}));
        let new = spec(
            json!({"R": {"type": "object", "properties": {"p": {"type": "array", "items": {"type": "string"}}}}}),
            json!({}),
        );
        let changes = surface_diff(&old, &new, false);
        assert!(changes.iter().any(|c| c.breaking && c.item == "R.p"), "{changes:#?}");
    }
}
