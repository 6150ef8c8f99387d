//! Doc comments for every generated item, written from the spec's interface
//! facts only (the vendored spec holds no prose, and build.rs strips prose
//! from any other spec too). Used by `build.rs` only.
//!
//! | item | what its doc says |
//! |---|---|
//! | operation method (`Client` and so `Authlete`) | HTTP method and path, the spec's `operationId` (also a `#[doc(alias)]`) and tag, the parameters (name, where, type, required), the request body type and its required fields, the success type(s) and body-less success statuses, the documented error statuses and how they surface as `authlete::Error` |
//! | type | the component schema it comes from, which operations send or return it |
//! | field | wire name, JSON type, required or not, default |
//! | enum variant | its wire value |
//! | builder setter | the field or parameter it sets, its type, whether it is required |
//!
//! Whatever public item is still without a doc afterwards gets a short one
//! naming what it is; the count is reported in `normalisation.log` (0 today).

use std::collections::BTreeMap;

use quote::ToTokens;
use serde_json::Value;
use syn::visit_mut::VisitMut;

use crate::emit::client_layer::generic_args;
use crate::normalise::SPEC_OPERATION_ID_EXTENSION;
use crate::rewrite::{option_inner, self_name, serde_rename, StringEnum};

fn doc(text: &str) -> syn::Attribute {
    syn::parse_quote!(#[doc = #text])
}

fn has_doc(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc"))
}

fn set_docs(attrs: &mut Vec<syn::Attribute>, lines: &[String]) {
    attrs.retain(|a| !a.path().is_ident("doc"));
    let text = lines.join("\n");
    attrs.insert(0, doc(&text));
}

fn type_text(ty: &syn::Type) -> String {
    ty.to_token_stream()
        .to_string()
        .replace(" ", "")
        .replace("::std::option::", "")
        .replace("::std::string::", "")
        .replace("::std::vec::", "")
        .replace("::std::collections::", "")
        .replace("::serde_json::", "serde_json::")
        .replace("super::", "")
        .replace("types::", "")
}

/// typify's name for a component schema: PascalCase of its name.
pub fn type_name(component: &str) -> String {
    let cleaned: String = component.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    heck::ToPascalCase::to_pascal_case(cleaned.as_str())
}

fn resolve<'a>(spec: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => match spec.pointer(r.trim_start_matches('#')) {
                Some(t) => v = t,
                None => break,
            },
            None => break,
        }
    }
    v
}

/// A schema's JSON type in a few words: `string`, `integer (int64)`,
/// `array of string`, `object Client`.
fn json_type(spec: &Value, schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        let target = resolve(spec, schema);
        return match target.get("type").and_then(Value::as_str) {
            Some("object") | None => format!("object `{name}`"),
            Some(t) if target.get("enum").is_some() => format!("{t} enum `{name}`"),
            Some(t) => format!("{t} `{name}`"),
        };
    }
    let t = schema.get("type").and_then(Value::as_str);
    match t {
        Some("array") => format!("array of {}", schema.get("items").map_or("any".into(), |i| json_type(spec, i))),
        Some(t) => {
            let mut s = t.to_string();
            if let Some(f) = schema.get("format").and_then(Value::as_str) {
                s.push_str(&format!(" ({f})"));
            }
            if schema.get("enum").is_some() {
                s.push_str(" enum");
            }
            s
        }
        None if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() => "one of several shapes".into(),
        None => "any JSON value".into(),
    }
}

/// What the docs say about one operation.
struct OpFacts {
    name: String,
    method: String,
    path: String,
    spec_id: Option<String>,
    tags: Vec<String>,
    op: Value,
}

fn operations(spec: &Value) -> BTreeMap<String, OpFacts> {
    let mut out = BTreeMap::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else { return out };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for (method, op) in item {
            let Some(name) = op.get("operationId").and_then(Value::as_str) else { continue };
            let flat: String = name.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase();
            out.insert(
                flat,
                OpFacts {
                    name: name.to_string(),
                    method: method.to_ascii_uppercase(),
                    path: path.clone(),
                    spec_id: op.get(SPEC_OPERATION_ID_EXTENSION).and_then(Value::as_str).map(str::to_string),
                    tags: op
                        .get("tags")
                        .and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(|t| t.as_str().map(str::to_string)).collect())
                        .unwrap_or_default(),
                    op: op.clone(),
                },
            );
        }
    }
    out
}

fn flat(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase()
}

/// The doc of one operation method.
fn operation_doc(
    spec: &Value,
    f: &OpFacts,
    body: Option<&str>,
    success: &str,
    error: &str,
    known: &std::collections::BTreeSet<String>,
) -> Vec<String> {
    let link = |ty: &str| {
        if known.contains(ty) {
            format!("[`{ty}`](crate::types::{ty})")
        } else {
            format!("`{ty}`")
        }
    };
    let mut lines = vec![format!("`{} {}`", f.method, f.path), String::new()];
    let id = f.spec_id.clone().unwrap_or_else(|| "none (named by the path rule)".into());
    lines.push(format!("- spec `operationId`: `{id}`"));
    if !f.tags.is_empty() {
        let tags: Vec<String> = f
            .tags
            .iter()
            .map(|t| format!("{t} (feature `{}`)", crate::rewrite::operation_groups_behind_features::feature_of_tag(t)))
            .collect();
        lines.push(format!("- tag: {}", tags.join(", ")));
    }
    let params: Vec<&Value> =
        f.op.get("parameters").and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
    if !params.is_empty() {
        lines.push(String::new());
        lines.push("| parameter | in | type | required |".into());
        lines.push("|---|---|---|---|".into());
        for p in params {
            let p = resolve(spec, p);
            let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
            let place = p.get("in").and_then(Value::as_str).unwrap_or("?");
            let ty = p.get("schema").map_or("string".into(), |s| json_type(spec, s));
            let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
            let note = if name == crate::normalise::name_operations::SERVICE_ID_PARAMETER {
                " (the client's, unless set)"
            } else {
                ""
            };
            lines.push(format!("| `{name}` | {place} | {ty} | {}{note} |", if required { "yes" } else { "no" }));
        }
    }
    lines.push(String::new());
    if let Some(body) = body {
        let schema =
            f.op.pointer("/requestBody/content")
                .and_then(Value::as_object)
                .and_then(|c| c.values().next())
                .and_then(|m| m.get("schema"))
                .map(|s| resolve(spec, s));
        let required: Vec<String> = schema
            .and_then(|s| s.get("required"))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(|s| format!("`{s}`"))).collect())
            .unwrap_or_default();
        let req = if required.is_empty() { "none".to_string() } else { required.join(", ") };
        lines.push(format!(
            "- Request body: {} (set it with `.body(..)` or `.body_map(|b| ..)`); required fields: {req}.",
            link(body)
        ));
    } else {
        lines.push("- No request body.".into());
    }
    let responses = f.op.get("responses").and_then(Value::as_object);
    let statuses = |pred: fn(&str) -> bool| -> Vec<String> {
        responses.map(|r| r.keys().filter(|k| pred(k)).map(|k| format!("`{k}`")).collect()).unwrap_or_default()
    };
    let ok = statuses(|k| k.starts_with('2'));
    let empty: Vec<String> =
        f.op.get(crate::normalise::EMPTY_SUCCESS_EXTENSION)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(|s| format!("`{s}`"))).collect())
            .unwrap_or_default();
    let success_link = link(success);
    lines.push(format!("- Success: {} with {success_link}.", if ok.is_empty() { "2xx".into() } else { ok.join(", ") }));
    if !empty.is_empty() {
        lines.push(format!("- Body-less success: {} (the response body is `None`).", empty.join(", ")));
    }
    let errors = statuses(|k| !k.starts_with('2'));
    if !errors.is_empty() {
        let body = if error == "()" { "no body".to_string() } else { link(error) };
        lines.push(format!(
            "- Documented errors: {} ({body}); with Authlete's `resultCode`/`resultMessage` they are \
             `authlete::Error::Api`, otherwise `authlete::Error::Status`.",
            errors.join(", ")
        ));
    }
    lines
}

fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Tuple(t) if t.elems.is_empty() => Some("()".into()),
        _ => None,
    }
}

/// Per operation builder: `(body type, success type, error type)`.
fn builder_types(file: &syn::File) -> BTreeMap<String, (Option<String>, String, String)> {
    let mut out = BTreeMap::new();
    let Some(items) = module(file, "builder") else { return out };
    let mut bodies = BTreeMap::new();
    for item in items {
        if let syn::Item::Struct(s) = item {
            for f in &s.fields {
                if f.ident.as_ref().is_some_and(|i| i == "body") {
                    // Result<types::builder::X, String>
                    let body = generic_args(&f.ty).first().and_then(last_ident);
                    bodies.insert(s.ident.to_string(), body);
                }
            }
        }
    }
    for item in items {
        let syn::Item::Impl(imp) = item else { continue };
        let Some(name) = self_name(imp) else { continue };
        for i in &imp.items {
            let syn::ImplItem::Fn(f) = i else { continue };
            if f.sig.ident != "send" {
                continue;
            }
            let syn::ReturnType::Type(_, ty) = &f.sig.output else { continue };
            let args = generic_args(ty);
            let success = args.first().and_then(|t| generic_args(t).first().and_then(last_ident)).unwrap_or_default();
            let error = args.get(1).and_then(|t| generic_args(t).first().and_then(last_ident)).unwrap_or("()".into());
            out.insert(name.clone(), (bodies.get(&name).cloned().flatten(), success, error));
        }
    }
    out
}

fn module<'a>(file: &'a syn::File, name: &str) -> Option<&'a Vec<syn::Item>> {
    file.items.iter().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    })
}

fn module_mut<'a>(items: &'a mut [syn::Item], name: &str) -> Option<&'a mut Vec<syn::Item>> {
    items.iter_mut().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// Adds the docs; returns how many public items got only the fallback.
pub fn document(file: &mut syn::File, spec: &Value, enums: &[StringEnum]) -> usize {
    let ops = operations(spec);
    let builders = builder_types(file);
    // The named types of the `types` module (links go only to these).
    let known: std::collections::BTreeSet<String> = module(file, "types")
        .map(|items| {
            items
                .iter()
                .filter_map(|i| match i {
                    syn::Item::Struct(s) => Some(s.ident.to_string()),
                    syn::Item::Enum(e) => Some(e.ident.to_string()),
                    syn::Item::Type(t) => Some(t.ident.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    // type name -> usage lines; operation builder -> method doc
    let mut usage: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut method_docs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut builder_ops: BTreeMap<String, String> = BTreeMap::new();
    for (builder, (body, success, error)) in &builders {
        let Some(f) = ops.get(&flat(builder)) else { continue };
        let link = format!("[`Authlete::{0}`](crate::Authlete::{0})", f.name);
        if let Some(b) = body {
            usage.entry(b.clone()).or_default().push(format!("- request body of {link}"));
        }
        usage.entry(success.clone()).or_default().push(format!("- success body of {link}"));
        if error != "()" {
            usage.entry(error.clone()).or_default().push(format!("- error body of {link}"));
        }
        method_docs.insert(f.name.clone(), operation_doc(spec, f, body.as_deref(), success, error, &known));
        builder_ops.insert(builder.clone(), f.name.clone());
    }
    // component schema by type name
    let schemas: BTreeMap<String, (String, Value)> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (type_name(k), (k.clone(), v.clone()))).collect())
        .unwrap_or_default();
    let enum_values: BTreeMap<String, BTreeMap<String, String>> = enums
        .iter()
        .map(|e| (e.ident.to_string(), e.variants.iter().map(|(i, v)| (i.to_string(), v.clone())).collect()))
        .collect();

    // Client methods (copied onto `Authlete` by the client layer).
    for item in file.items.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || self_name(imp).as_deref() != Some("Client") {
            continue;
        }
        for i in imp.items.iter_mut() {
            let syn::ImplItem::Fn(f) = i else { continue };
            let name = f.sig.ident.to_string();
            if let Some(lines) = method_docs.get(&name) {
                set_docs(&mut f.attrs, lines);
                if let Some(id) = ops.get(&flat(&name)).and_then(|o| o.spec_id.clone()) {
                    f.attrs.push(syn::parse_quote!(#[doc(alias = #id)]));
                }
            }
        }
    }

    // Operation builders: setters name the parameter they set.
    if let Some(items) = file.items.iter_mut().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) {
        for item in items.iter_mut() {
            let syn::Item::Impl(imp) = item else { continue };
            if imp.trait_.is_some() {
                continue;
            }
            let Some(builder) = self_name(imp) else { continue };
            let Some(op) = builder_ops.get(&builder).and_then(|n| ops.get(&flat(n))) else { continue };
            let params: Vec<Value> = op.op.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
            for i in imp.items.iter_mut() {
                let syn::ImplItem::Fn(f) = i else { continue };
                let name = f.sig.ident.to_string();
                let setter_of = name.strip_prefix("set_").unwrap_or(&name);
                let param = params
                    .iter()
                    .map(|p| resolve(spec, p))
                    .find(|p| p.get("name").and_then(Value::as_str).is_some_and(|n| flat(n) == flat(setter_of)));
                let lines: Vec<String> = match (name.as_str(), param) {
                    ("new", _) => vec![format!("A request for `{} {}` with nothing set.", op.method, op.path)],
                    ("body", _) => {
                        vec!["Sets the whole request body (anything that converts into the body type).".into()]
                    }
                    ("body_map", _) => {
                        vec!["Edits the request body with its builder: `.body_map(|b| b.field(value))`.".into()]
                    }
                    ("send", _) => vec![format!("Sends `{} {}`.", op.method, op.path)],
                    (_, Some(p)) => {
                        let wire = p.get("name").and_then(Value::as_str).unwrap_or("?");
                        let place = p.get("in").and_then(Value::as_str).unwrap_or("?");
                        let ty = p.get("schema").map_or("string".into(), |s| json_type(spec, s));
                        let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
                        let req = if required { "required" } else { "optional" };
                        if name.starts_with("set_") {
                            vec![format!("Sets or clears (`None`) the {place} parameter `{wire}` ({ty}, {req}).")]
                        } else {
                            vec![format!("Sets the {place} parameter `{wire}` ({ty}, {req}).")]
                        }
                    }
                    _ => continue,
                };
                set_docs(&mut f.attrs, &lines);
            }
        }
    }

    // Types, their fields and variants, and typify's struct builders.
    if let Some(types) = file.items.iter_mut().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) {
        for item in types.iter_mut() {
            match item {
                syn::Item::Struct(s) => {
                    let name = s.ident.to_string();
                    let schema = schemas.get(&name);
                    let mut lines = vec![match schema {
                        Some((component, _)) => format!("A JSON object of the Authlete API (schema `{component}`)."),
                        None => format!("`{name}`: a JSON object of the Authlete API (an inline schema)."),
                    }];
                    if let Some(u) = usage.get(&name) {
                        lines.push(String::new());
                        lines.push("Used as:".into());
                        lines.extend(u.iter().cloned());
                    }
                    if s.fields.iter().any(|f| f.ident.as_ref().is_some_and(|i| i == "extra")) {
                        lines.push(String::new());
                        lines.push(
                            "Fields this version does not know are kept in `extra` and sent back as they came.".into(),
                        );
                    }
                    set_docs(&mut s.attrs, &lines);
                    let props = schema.and_then(|(_, v)| v.get("properties")).cloned().unwrap_or(Value::Null);
                    let required: Vec<String> = schema
                        .and_then(|(_, v)| v.get("required"))
                        .and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                        .unwrap_or_default();
                    for f in s.fields.iter_mut() {
                        let Some(ident) = &f.ident else { continue };
                        if ident == "extra" {
                            set_docs(
                                &mut f.attrs,
                                &["Fields the spec does not list, by wire name, as received.".into()],
                            );
                            continue;
                        }
                        let wire = serde_rename(&f.attrs)
                            .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_string());
                        let prop = props.get(&wire);
                        let jt = prop.map_or_else(|| format!("`{}`", type_text(&f.ty)), |p| json_type(spec, p));
                        // The schema says; without one, a field that is neither an
                        // `Option` nor defaulted must be present.
                        let is_required = match schema {
                            Some(_) => required.contains(&wire),
                            None => {
                                option_inner(&f.ty).is_none()
                                    && !f.attrs.iter().any(|a| {
                                        a.path().is_ident("serde")
                                            && a.to_token_stream().to_string().contains("default")
                                    })
                            }
                        };
                        let mut line =
                            format!("`{wire}`: {jt}, {}.", if is_required { "required" } else { "optional" });
                        if let Some(d) = prop.map(|p| resolve(spec, p)).and_then(|p| p.get("default")) {
                            line.push_str(&format!(" Default: `{d}`."));
                        }
                        set_docs(&mut f.attrs, &[line]);
                    }
                }
                syn::Item::Enum(e) => {
                    let name = e.ident.to_string();
                    let values = enum_values.get(&name);
                    let mut lines = vec![match (schemas.get(&name), values) {
                        (Some((c, _)), Some(_)) => format!("A string enum of the Authlete API (schema `{c}`)."),
                        (None, Some(_)) => format!("`{name}`: a string enum of the Authlete API (an inline schema)."),
                        _ => format!("`{name}`: a value of one of several JSON shapes."),
                    }];
                    if values.is_some() {
                        lines.push(String::new());
                        lines.push(
                            "Open: a value this version does not list decodes to the unknown variant and is sent \
                             back unchanged; see [`UnknownValue`](crate::UnknownValue) for matching."
                                .into(),
                        );
                    }
                    if let Some(u) = usage.get(&name) {
                        lines.push(String::new());
                        lines.push("Used as:".into());
                        lines.extend(u.iter().cloned());
                    }
                    set_docs(&mut e.attrs, &lines);
                    for v in e.variants.iter_mut() {
                        if has_doc(&v.attrs) {
                            continue;
                        }
                        let vname = v.ident.to_string();
                        let line = match values.and_then(|m| m.get(&vname)) {
                            Some(wire) => format!("Wire value `{wire}`."),
                            None => match &v.fields {
                                syn::Fields::Unnamed(u) => format!(
                                    "The `{}` shape.",
                                    u.unnamed.first().map(|f| type_text(&f.ty)).unwrap_or_default()
                                ),
                                _ => format!("The `{vname}` case."),
                            },
                        };
                        set_docs(&mut v.attrs, &[line]);
                    }
                }
                syn::Item::Impl(imp) if imp.trait_.is_none() => {
                    let Some(name) = self_name(imp) else { continue };
                    for i in imp.items.iter_mut() {
                        if let syn::ImplItem::Fn(f) = i {
                            if f.sig.ident == "builder" && !has_doc(&f.attrs) {
                                set_docs(
                                    &mut f.attrs,
                                    &[format!("A builder for [`{name}`]; `.try_into()` checks the required fields.")],
                                );
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        // Field facts per type, for the struct builders' setters.
        let mut field_docs: BTreeMap<(String, String), String> = BTreeMap::new();
        for item in types.iter() {
            if let syn::Item::Struct(s) = item {
                for f in &s.fields {
                    if let (Some(ident), Some(d)) = (&f.ident, f.attrs.iter().find(|a| a.path().is_ident("doc"))) {
                        if let syn::Meta::NameValue(nv) = &d.meta {
                            if let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(l), .. }) = &nv.value {
                                field_docs.insert((s.ident.to_string(), ident.to_string()), l.value());
                            }
                        }
                    }
                }
            }
        }
        if let Some(builder) = module_mut(types, "builder") {
            for item in builder.iter_mut() {
                match item {
                    syn::Item::Struct(s) => {
                        let name = s.ident.to_string();
                        set_docs(
                            &mut s.attrs,
                            &[format!(
                                "Builds a [`{name}`](super::{name}) field by field; converting it (`try_into`, or \
                                 `send()` on a request) fails naming the first required field left unset."
                            )],
                        );
                    }
                    syn::Item::Impl(imp) if imp.trait_.is_none() => {
                        let Some(name) = self_name(imp) else { continue };
                        for i in imp.items.iter_mut() {
                            let syn::ImplItem::Fn(f) = i else { continue };
                            let fname = f.sig.ident.to_string();
                            let (field, clear) = match fname.strip_prefix("set_") {
                                Some(rest) if field_docs.contains_key(&(name.clone(), rest.to_string())) => {
                                    (rest.to_string(), true)
                                }
                                _ => (fname.trim_start_matches("r#").to_string(), false),
                            };
                            let key = (name.clone(), f.sig.ident.to_string());
                            let facts = field_docs
                                .get(&key)
                                .or_else(|| field_docs.get(&(name.clone(), field.clone())))
                                .cloned()
                                .unwrap_or_else(|| format!("`{field}`."));
                            let line = if clear {
                                format!("Sets or clears (`None`) {facts}")
                            } else {
                                format!("Sets {facts}")
                            };
                            set_docs(&mut f.attrs, &[line]);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    fill_missing(file)
}

/// Gives every public item still without a doc a short one naming what it
/// is; returns how many it wrote.
fn fill_missing(file: &mut syn::File) -> usize {
    struct Fill(usize);
    impl Fill {
        fn add(&mut self, attrs: &mut Vec<syn::Attribute>, what: String) {
            if !has_doc(attrs) {
                attrs.insert(0, doc(&what));
                self.0 += 1;
            }
        }
    }
    impl VisitMut for Fill {
        fn visit_item_struct_mut(&mut self, s: &mut syn::ItemStruct) {
            if matches!(s.vis, syn::Visibility::Public(_)) {
                let what = format!("Generated type `{}`.", s.ident);
                self.add(&mut s.attrs, what);
            }
            for f in s.fields.iter_mut() {
                if let (Some(i), syn::Visibility::Public(_)) = (&f.ident, &f.vis) {
                    let what = format!("Field `{i}`.");
                    self.add(&mut f.attrs, what);
                }
            }
        }
        fn visit_item_enum_mut(&mut self, e: &mut syn::ItemEnum) {
            let what = format!("Generated enum `{}`.", e.ident);
            self.add(&mut e.attrs, what);
            for v in e.variants.iter_mut() {
                let what = format!("Variant `{}`.", v.ident);
                self.add(&mut v.attrs, what);
            }
        }
        fn visit_item_mod_mut(&mut self, m: &mut syn::ItemMod) {
            if matches!(m.vis, syn::Visibility::Public(_)) {
                let what = format!("Generated module `{}`.", m.ident);
                self.add(&mut m.attrs, what);
            }
            syn::visit_mut::visit_item_mod_mut(self, m);
        }
        fn visit_item_impl_mut(&mut self, imp: &mut syn::ItemImpl) {
            if imp.trait_.is_some() {
                return;
            }
            for i in imp.items.iter_mut() {
                match i {
                    syn::ImplItem::Fn(f) if matches!(f.vis, syn::Visibility::Public(_)) => {
                        let what = format!("`{}`.", f.sig.ident);
                        self.add(&mut f.attrs, what);
                    }
                    syn::ImplItem::Const(c) if matches!(c.vis, syn::Visibility::Public(_)) => {
                        let what = format!("`{}`.", c.ident);
                        self.add(&mut c.attrs, what);
                    }
                    _ => {}
                }
            }
        }
        fn visit_item_type_mut(&mut self, t: &mut syn::ItemType) {
            if matches!(t.vis, syn::Visibility::Public(_)) {
                let what = format!("Generated type `{}`.", t.ident);
                self.add(&mut t.attrs, what);
            }
        }
    }
    let mut fill = Fill(0);
    fill.visit_file_mut(file);
    fill.0
}
