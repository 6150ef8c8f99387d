//! General rules that bring any revision of the Authlete spec into the subset
//! of OpenAPI that progenitor 0.15 generates without panicking.
//!
//! Every rule is about a *class* of construct (never a named operation or
//! schema), keeps the meaning of the document, and is idempotent. Each has
//! unit tests on small hand-made specs at the bottom of this file.
//!
//! | rule | what progenitor does without it | what the rule does |
//! |---|---|---|
//! | [`fill_response_descriptions`] | error: the stripped spec lacks the `description` OpenAPI requires on responses | sets it to `""` |
//! | [`inline_path_item_parameters`] | (simplifies the rules below) | moves path-item parameters into each operation |
//! | [`name_operations`] | method names are the spec's `operationId`s, which upstream renames between revisions (and lacks for some operations) | names each operation from its method and path ([`operation_name`]); the spec's id is kept as `x-authlete-operation-id` |
//! | [`reconcile_path_parameters`] | panic: template variable with no parameter | declares it as a required string; drops declared path parameters the template lacks |
//! | [`prefer_json_bodies`] | panic: more than one media type | keeps the JSON one (`+json` counts as JSON) |
//! | [`plain_strings`] | `format: date-time/date/uuid/ip…` and `pattern` make typify use chrono, uuid, regress or strict parsers: a crate we do not depend on, and a decode failure on a value Authlete formats differently | the string stays a `String` |
//! | [`no_body_statuses`] | a 204 documented with a JSON body: the client would try to decode the empty body HTTP guarantees | drops the content of 204, 205 and 304 responses |
//! | [`unify_response_shapes`] | panic: success (or error) responses of different shapes | body-less responses beside typed ones are dropped (successes recorded in `x-authlete-empty-success`), differing schemas become one `oneOf` |
//! | [`rename_reserved_schema_names`] | generated `types::Result` shadows `Result`; `access_token` and `AccessToken` both become `types::AccessToken` | renames such schemas `<name>_model` / `<name>_2` |
//! | [`open_object_schemas`] | unknown fields are dropped on decode | object schemas keep unknown fields in a flattened map |

use serde_json::{json, Map, Value};

/// Operation extension listing success statuses that carry no body while
/// another success status of the same operation does. The generated client
/// layer turns these into "no content" rather than an error.
pub const EMPTY_SUCCESS_EXTENSION: &str = "x-authlete-empty-success";

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Applies every rule in order; returns one human-readable line per change.
pub fn normalise(spec: &mut Value) -> Vec<String> {
    let log = normalise_closed(spec);
    open_object_schemas(spec);
    log
}

/// All rules but [`open_object_schemas`]: the spec as plain typify would
/// see it (for the benchmark baseline).
pub fn normalise_closed(spec: &mut Value) -> Vec<String> {
    let mut log = Vec::new();
    inline_path_item_parameters(spec);
    name_operations(spec, &mut log);
    reconcile_path_parameters(spec, &mut log);
    prefer_json_bodies(spec, &mut log);
    plain_strings(spec, &mut log);
    no_body_statuses(spec, &mut log);
    unify_response_shapes(spec, &mut log);
    rename_reserved_schema_names(spec, &mut log);
    fill_response_descriptions(spec);
    log
}

// ---------------------------------------------------------------------------
// Helpers

/// Calls `f(path, method, operation)` for every operation of the document.
fn for_each_operation(spec: &mut Value, mut f: impl FnMut(&str, &str, &mut Map<String, Value>)) {
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

/// Follows local `$ref`s (`#/a/b/c`) until a non-reference object is reached.
fn resolve<'a>(spec: &'a Value, mut value: &'a Value) -> &'a Value {
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

fn is_json_media(media: &str) -> bool {
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

/// OpenAPI requires a `description` on every response object; the vendored
/// spec holds no prose, so responses get an empty one back.
pub fn fill_response_descriptions(spec: &mut Value) {
    fn fill(responses: Option<&mut Value>) {
        if let Some(responses) = responses.and_then(Value::as_object_mut) {
            for r in responses.values_mut().filter_map(Value::as_object_mut) {
                if !r.contains_key("$ref") && !r.contains_key("description") {
                    r.insert("description".into(), Value::String(String::new()));
                }
            }
        }
    }
    for_each_operation(spec, |_, _, op| fill(op.get_mut("responses")));
    fill(spec.get_mut("components").and_then(|c| c.get_mut("responses")));
}

/// Moves parameters declared on a path item into each of its operations (an
/// operation's own parameter with the same `name` and `in` wins), so that the
/// rules below see all parameters of an operation in one place.
pub fn inline_path_item_parameters(spec: &mut Value) {
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

/// Where [`name_operations`] keeps the spec's own `operationId` (the doc
/// alias and `Operation::ID` come from it).
pub const SPEC_OPERATION_ID_EXTENSION: &str = "x-authlete-operation-id";

/// The path parameter the client fills from its configuration; it names
/// nothing about the operation.
pub const SERVICE_ID_PARAMETER: &str = "serviceId";

/// Names that the hand-written client (`Authlete`) or progenitor's `Client`
/// already use for their own methods; an operation named like one of them
/// gets `_operation` appended.
const RESERVED_METHOD_NAMES: &[&str] = &[
    "api_version",
    "base_url",
    "baseurl",
    "builder",
    "client",
    "from_env",
    "inner",
    "new",
    "new_with_client",
    "raw",
    "service_id",
    "with_service_id",
];

/// Rust keywords, which cannot be method names.
const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "static", "struct", "super", "trait", "true", "try", "type", "unsafe", "use", "where", "while", "yield",
];

/// When one path has several methods, the first of these present keeps the
/// plain name and the others get `_<method>`. POST comes last: upstream adds
/// POST twins of GET and DELETE operations (for clients that cannot send a
/// body otherwise), and the original must keep its name when that happens.
const METHOD_PRECEDENCE: &[&str] = &["get", "delete", "put", "patch", "head", "options", "trace", "post"];

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

/// The Rust method name of `method path`, from the path (the wire contract)
/// and the methods its path item has; nothing else in the spec matters, so a
/// renamed `operationId` upstream does not rename the method.
///
/// - A leading `api` or version segment (`v1`) and the service id say
///   nothing: dropped.
/// - Each literal segment is a word: `/auth/token/issue` → `auth_token_issue`.
/// - A path parameter named after the resource (the first word:
///   `{clientId}` under `/client/...`) is implied; any other adds
///   `_by_<parameter>`: `/client/authorization/get/list/{subject}` →
///   `client_authorization_get_list_by_subject`.
/// - A method other than the path's first in [`METHOD_PRECEDENCE`] adds
///   `_<method>`: `POST /client/authorization/get/list` →
///   `client_authorization_get_list_post`.
pub fn operation_name(method: &str, path: &str, methods_on_path: &[&str]) -> String {
    let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    while segments.first().is_some_and(|s| {
        *s == "api" || (s.len() > 1 && s.starts_with('v') && s[1..].chars().all(|c| c.is_ascii_digit()))
    }) {
        segments.remove(0);
    }
    let is_param = |s: &str| s.starts_with('{') && s.ends_with('}');
    let mut words: Vec<String> = segments.iter().filter(|s| !is_param(s)).map(|s| snake(s)).collect();
    words.retain(|w| !w.is_empty());
    let resource = words.first().cloned().unwrap_or_default();
    for s in segments.iter().filter(|s| is_param(s)) {
        let name = &s[1..s.len() - 1];
        if name == SERVICE_ID_PARAMETER {
            continue;
        }
        let param = snake(name);
        if resource.is_empty() || !param.starts_with(&resource) {
            words.push(format!("by_{param}"));
        }
    }
    let first = METHOD_PRECEDENCE.iter().find(|m| methods_on_path.contains(m));
    if first.is_some_and(|f| *f != method) {
        words.push(method.to_string());
    }
    let mut name = words.join("_");
    if name.is_empty() {
        name = format!("{method}_root");
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "op_");
    }
    if RESERVED_METHOD_NAMES.contains(&name.as_str()) || RUST_KEYWORDS.contains(&name.as_str()) {
        name.push_str("_operation");
    }
    name
}

/// Names every operation by [`operation_name`]: the name becomes its
/// `operationId` (progenitor derives the method and builder names from it),
/// and the spec's own id, if any, moves to [`SPEC_OPERATION_ID_EXTENSION`].
/// Two operations that the rule would name alike (no revision so far has
/// any) both get the HTTP method and then a number appended.
pub fn name_operations(spec: &mut Value, log: &mut Vec<String>) {
    let mut planned: Vec<(String, String, String)> = Vec::new();
    if let Some(paths) = spec.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let Some(item) = item.as_object() else { continue };
            let methods: Vec<&str> = item.keys().map(String::as_str).filter(|m| METHODS.contains(m)).collect();
            for m in &methods {
                planned.push((path.clone(), m.to_string(), operation_name(m, path, &methods)));
            }
        }
    }
    let count = |name: &str, all: &[(String, String, String)]| all.iter().filter(|(_, _, n)| n == name).count();
    let snapshot = planned.clone();
    for (_, method, name) in planned.iter_mut() {
        if count(name, &snapshot) > 1 && !name.ends_with(&format!("_{method}")) {
            name.push('_');
            name.push_str(method);
        }
    }
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for (_, _, name) in planned.iter_mut() {
        let n = seen.entry(name.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            name.push_str(&format!("_{n}"));
        }
    }
    let mut names = planned.into_iter();
    for_each_operation(spec, |path, method, op| {
        let Some((_, _, name)) = names.next() else { return };
        let spec_id = op.get("operationId").and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
        if spec_id.as_deref() == Some(name.as_str()) {
            return;
        }
        if let (Some(id), false) = (&spec_id, op.contains_key(SPEC_OPERATION_ID_EXTENSION)) {
            op.insert(SPEC_OPERATION_ID_EXTENSION.into(), Value::String(id.clone()));
        }
        log.push(format!(
            "{method} {path}: method `{name}` (spec operationId: {})",
            spec_id.as_deref().unwrap_or("none")
        ));
        op.insert("operationId".into(), Value::String(name));
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

/// String formats typify turns into types of other crates or strict parsers.
const TYPED_STRING_FORMATS: &[&str] = &["date-time", "date", "uuid", "ip", "ipv4", "ipv6"];

/// String schemas keep their values as `String`: `format`s that typify maps
/// to other types (chrono, uuid, std::net) and `pattern`s (checked with
/// regress) are dropped. What Authlete sends is never refused for its
/// formatting, and a revision that adds such a format still builds.
pub fn plain_strings(spec: &mut Value, log: &mut Vec<String>) {
    fn walk(value: &mut Value, count: &mut usize) {
        match value {
            Value::Object(map) => {
                if map.get("type").and_then(Value::as_str) == Some("string") {
                    if map.get("format").and_then(Value::as_str).is_some_and(|f| TYPED_STRING_FORMATS.contains(&f)) {
                        map.remove("format");
                        *count += 1;
                    }
                    if map.remove("pattern").is_some() {
                        *count += 1;
                    }
                }
                for (k, v) in map.iter_mut() {
                    if k != "enum" && k != "default" {
                        walk(v, count);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, count)),
            _ => {}
        }
    }
    let mut count = 0;
    walk(spec, &mut count);
    if count > 0 {
        log.push(format!("{count} string format/pattern constraints kept as plain strings"));
    }
}

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

#[derive(Clone, PartialEq, Eq, Debug)]
enum Shape {
    Empty,
    Json(String),
    Other(Value),
}

fn shape_of(spec: &Value, response: &Value) -> Shape {
    let r = resolve(spec, response);
    let Some(content) = r.get("content").and_then(Value::as_object).filter(|c| !c.is_empty()) else {
        return Shape::Empty;
    };
    match content.iter().find(|(k, _)| is_json_media(k)) {
        Some((_, media)) => match media.get("schema") {
            Some(schema) => Shape::Json(schema.to_string()),
            None => Shape::Other(Value::Object(content.clone())),
        },
        None => Shape::Other(Value::Object(content.clone())),
    }
}

fn is_success(status: &str) -> bool {
    status.starts_with('2')
}

/// Makes all success responses of an operation one shape, and all its error
/// responses one shape, as progenitor needs:
/// - body-less responses beside typed ones are removed; for successes their
///   statuses are listed in [`EMPTY_SUCCESS_EXTENSION`] so the client layer
///   answers them as "no content", for errors they still arrive as an error
///   carrying their status (progenitor's "unexpected response");
/// - several different JSON schemas become one `oneOf` of them;
/// - raw (non-JSON) bodies beside typed ones are removed; beside body-less
///   ones, the body-less responses take the raw media type so both arrive as
///   a byte stream.
pub fn unify_response_shapes(spec: &mut Value, log: &mut Vec<String>) {
    let snapshot = spec.clone();
    for_each_operation(spec, |path, method, op| {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return;
        };
        let mut empty_success = Vec::new();
        for success in [true, false] {
            let group: Vec<(String, Shape)> = responses
                .iter()
                .filter(|(s, _)| is_success(s) == success)
                .map(|(s, r)| (s.clone(), shape_of(&snapshot, r)))
                .collect();
            let mut distinct: Vec<&Shape> = Vec::new();
            for (_, shape) in &group {
                if !distinct.contains(&shape) {
                    distinct.push(shape);
                }
            }
            if distinct.len() <= 1 {
                continue;
            }
            let schemas: Vec<String> = distinct
                .iter()
                .filter_map(|s| match s {
                    Shape::Json(schema) => Some(schema.clone()),
                    _ => None,
                })
                .collect();
            if schemas.is_empty() {
                // Only empty and raw bodies: serve all as the first raw type.
                let raw = distinct.iter().find_map(|s| match s {
                    Shape::Other(c) => Some(c.clone()),
                    _ => None,
                });
                for (status, _) in &group {
                    responses.insert(status.clone(), json!({ "content": raw.clone() }));
                }
                log.push(format!("{method} {path}: body-less responses served as raw bytes"));
                continue;
            }
            for (status, shape) in &group {
                if !matches!(shape, Shape::Json(_)) {
                    responses.remove(status);
                    if success && *shape == Shape::Empty {
                        empty_success.push(status.clone());
                    }
                    log.push(format!("{method} {path}: removed body-less/raw response {status}"));
                }
            }
            if schemas.len() > 1 {
                let one_of: Vec<Value> =
                    schemas.iter().map(|s| serde_json::from_str(s).unwrap_or(Value::Null)).collect();
                let merged = json!({"content": {"application/json": {"schema": {"oneOf": one_of}}}});
                for (status, shape) in &group {
                    if matches!(shape, Shape::Json(_)) {
                        responses.insert(status.clone(), merged.clone());
                    }
                }
                log.push(format!("{method} {path}: {} response schemas merged as oneOf", schemas.len()));
            }
        }
        if !empty_success.is_empty() {
            op.insert(EMPTY_SUCCESS_EXTENSION.into(), json!(empty_success));
        }
    });
}

/// Names of the Rust prelude that a generated type must not take: inside the
/// generated modules they would shadow the prelude item.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Box",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "ToString",
    "ToOwned",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "Extend",
    "Default",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "AsRef",
    "AsMut",
    "Into",
    "From",
    "TryFrom",
    "TryInto",
    "FromIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
];

fn flat_name(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// Renames component schemas whose Rust name would be a prelude name
/// (`result` → `result_model`, giving `ResultModel`) or the same as an
/// earlier schema's once case-converted (`access_token` then `AccessToken`
/// → `AccessToken_2`), and every `$ref` to them.
pub fn rename_reserved_schema_names(spec: &mut Value, log: &mut Vec<String>) {
    let Some(schemas) = spec.pointer("/components/schemas").and_then(Value::as_object) else {
        return;
    };
    let reserved: Vec<String> = RESERVED_TYPE_NAMES.iter().map(|n| flat_name(n)).collect();
    let mut renames = Vec::new();
    // Rust names taken so far, as letters and digits (`access_token` and
    // `AccessToken` are both `AccessToken` once case-converted).
    let mut taken: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let is_free = |flat: &str, taken: &std::collections::BTreeSet<String>| {
        !taken.contains(flat) && !reserved.contains(&flat.to_string())
    };
    for name in schemas.keys() {
        let flat = flat_name(name);
        if is_free(&flat, &taken) {
            taken.insert(flat);
            continue;
        }
        // A prelude name, or the same Rust name as an earlier schema.
        let suffix = if reserved.contains(&flat) { "_model" } else { "_2" };
        let mut new = format!("{name}{suffix}");
        let mut n = 2;
        while schemas.contains_key(&new) || !is_free(&flat_name(&new), &taken) {
            n += 1;
            new = format!("{name}{suffix}{n}");
        }
        taken.insert(flat_name(&new));
        renames.push((name.clone(), new));
    }
    if renames.is_empty() {
        return;
    }
    let schemas = spec.pointer_mut("/components/schemas").and_then(Value::as_object_mut).expect("checked above");
    let old = std::mem::take(schemas);
    for (k, v) in old {
        let key = renames.iter().find(|(o, _)| *o == k).map_or(k, |(_, n)| n.clone());
        schemas.insert(key, v);
    }
    for (old, new) in &renames {
        log.push(format!("schema `{old}` renamed `{new}`"));
        rewrite_refs(spec, &format!("#/components/schemas/{old}"), &format!("#/components/schemas/{new}"));
    }
}

fn rewrite_refs(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if k == "$ref" {
                    if let Value::String(s) = v {
                        if s == from || s.starts_with(&format!("{from}/")) {
                            *s = format!("{to}{}", &s[from.len()..]);
                        }
                    }
                } else {
                    rewrite_refs(v, from, to);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, from, to)),
        _ => {}
    }
}

/// Object schemas with declared properties and no `additionalProperties`
/// (or `true`, which means the same) get `additionalProperties: {}`: typify
/// ignores unknown fields for the first two but keeps them for `{}`, in a
/// flattened `extra` map, so what a newer Authlete sends survives a
/// read-modify-write. `additionalProperties: false` is respected.
pub fn open_object_schemas(spec: &mut Value) {
    // Keyword positions only: a property called `properties` or `enum` is a
    // name, not a keyword.
    crate::strip::visit_keyword_objects(spec, &mut |map| {
        let has_props = map.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty());
        let permissive = matches!(map.get("additionalProperties"), None | Some(Value::Bool(true)));
        if has_props && permissive {
            map.insert("additionalProperties".into(), json!({}));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op<'a>(spec: &'a Value, path: &str, method: &str) -> &'a Value {
        &spec["paths"][path][method]
    }

    #[test]
    fn responses_get_the_description_openapi_requires() {
        let mut spec = json!({
            "paths": {"/a": {"get": {"responses": {"200": {}, "400": {"$ref": "#/components/responses/e"}}}}},
            "components": {"responses": {"e": {"content": {}}}}
        });
        fill_response_descriptions(&mut spec);
        assert_eq!(op(&spec, "/a", "get")["responses"]["200"]["description"], "");
        assert!(op(&spec, "/a", "get")["responses"]["400"].get("description").is_none());
        assert_eq!(spec["components"]["responses"]["e"]["description"], "");
    }

    #[test]
    fn operations_are_named_from_their_path() {
        let name = |m, p, ms: &[&str]| operation_name(m, p, ms);
        assert_eq!(name("post", "/api/{serviceId}/auth/token", &["post"]), "auth_token");
        assert_eq!(name("post", "/api/{serviceId}/idtoken/reissue", &["post"]), "idtoken_reissue");
        assert_eq!(name("get", "/api/lifecycle/healthcheck", &["get"]), "lifecycle_healthcheck");
        assert_eq!(name("get", "/v2/{serviceId}/client/get/{clientId}", &["get"]), "client_get", "implied id");
        assert_eq!(
            name("get", "/api/{serviceId}/client/authorization/get/list/{subject}", &["get"]),
            "client_authorization_get_list_by_subject"
        );
        assert_eq!(
            name("delete", "/api/{serviceId}/auth/token/delete/{accessTokenIdentifier}", &["delete"]),
            "auth_token_delete_by_access_token_identifier"
        );
        assert_eq!(name("post", "/x/lock_flag/update", &["get", "post"]), "x_lock_flag_update_post");
        assert_eq!(name("get", "/x/lock_flag/update", &["get", "post"]), "x_lock_flag_update");
        assert_eq!(name("put", "/x/update", &["put", "post"]), "x_update", "POST twins never take the name");
        assert_eq!(name("get", "/api/{serviceId}/service/id", &["get"]), "service_id_operation", "reserved");
        assert_eq!(name("get", "/api/type", &["get"]), "type_operation", "keyword");
        assert_eq!(name("get", "/", &["get"]), "get_root");
    }

    #[test]
    fn operation_names_replace_ids_and_stay_unique() {
        let mut spec = json!({"paths": {
            "/api/lifecycle/healthcheck": {"get": {}},
            "/a": {"get": {"operationId": "a_api"}, "post": {"operationId": "a_api_post"}},
            "/a/{aId}": {"get": {"operationId": "a_get_api"}},
            "/b": {"get": {"operationId": "b"}}
        }});
        let mut log = vec![];
        name_operations(&mut spec, &mut log);
        assert_eq!(op(&spec, "/api/lifecycle/healthcheck", "get")["operationId"], "lifecycle_healthcheck");
        assert!(op(&spec, "/api/lifecycle/healthcheck", "get").get(SPEC_OPERATION_ID_EXTENSION).is_none());
        // `/a/{aId}` is also `a` by the rule: both get the method, then a number.
        assert_eq!(op(&spec, "/a", "get")["operationId"], "a_get");
        assert_eq!(op(&spec, "/a", "get")[SPEC_OPERATION_ID_EXTENSION], "a_api");
        assert_eq!(op(&spec, "/a", "post")["operationId"], "a_post");
        assert_eq!(op(&spec, "/a/{aId}", "get")["operationId"], "a_get_2");
        assert_eq!(op(&spec, "/b", "get")["operationId"], "b");
        assert!(op(&spec, "/b", "get").get(SPEC_OPERATION_ID_EXTENSION).is_none(), "unchanged id");
        assert_eq!(log.len(), 4);
        let again = {
            let mut l = vec![];
            name_operations(&mut spec, &mut l);
            l
        };
        assert!(again.is_empty(), "idempotent: {again:?}");
        assert_eq!(op(&spec, "/a", "get")[SPEC_OPERATION_ID_EXTENSION], "a_api", "the spec id is kept");
    }

    #[test]
    fn path_item_parameters_move_into_operations() {
        let mut spec = json!({"paths": {"/a/{id}": {
            "parameters": [{"in": "path", "name": "id", "required": true, "schema": {"type": "string"}},
                           {"in": "query", "name": "q", "schema": {"type": "string"}}],
            "get": {"parameters": [{"in": "query", "name": "q", "schema": {"type": "integer"}}]}
        }}});
        inline_path_item_parameters(&mut spec);
        assert!(spec["paths"]["/a/{id}"].get("parameters").is_none());
        let params = op(&spec, "/a/{id}", "get")["parameters"].as_array().unwrap().clone();
        assert_eq!(params.len(), 2);
        assert_eq!(params[0]["schema"]["type"], "integer", "the operation's own parameter wins");
        assert_eq!(params[1]["name"], "id");
    }

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

    #[test]
    fn body_less_success_beside_typed_is_recorded_as_empty_success() {
        let mut spec = json!({"paths": {"/jwks": {"get": {"responses": {
            "200": {"content": {"application/json": {"schema": {"type": "string"}}}},
            "204": {},
            "400": {"content": {"application/json": {"schema": {"type": "object"}}}}
        }}}}});
        let mut log = vec![];
        unify_response_shapes(&mut spec, &mut log);
        let o = op(&spec, "/jwks", "get");
        assert!(o["responses"].get("204").is_none());
        assert!(o["responses"].get("200").is_some());
        assert!(o["responses"].get("400").is_some());
        assert_eq!(o[EMPTY_SUCCESS_EXTENSION], json!(["204"]));
    }

    #[test]
    fn two_typed_successes_stay_successes() {
        let same = json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/c"}}}});
        let other = json!({"content": {"application/json": {"schema": {"type": "string"}}}});
        let mut spec = json!({"paths": {
            "/same": {"post": {"responses": {"200": same.clone(), "201": same.clone()}}},
            "/diff": {"post": {"responses": {"200": same.clone(), "201": other.clone()}}}
        }});
        let mut log = vec![];
        unify_response_shapes(&mut spec, &mut log);
        let s = op(&spec, "/same", "post");
        assert_eq!(s["responses"]["200"], same);
        assert_eq!(s["responses"]["201"], same);
        let d = op(&spec, "/diff", "post");
        let schema = &d["responses"]["201"]["content"]["application/json"]["schema"];
        assert_eq!(schema["oneOf"].as_array().unwrap().len(), 2);
        assert_eq!(d["responses"]["200"], d["responses"]["201"]);
    }

    #[test]
    fn body_less_error_beside_typed_errors_is_left_to_arrive_as_unexpected_status() {
        let mut spec = json!({
            "components": {"responses": {"400": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/result"}}}}}},
            "paths": {"/c": {"delete": {"responses": {
                "204": {},
                "400": {"$ref": "#/components/responses/400"},
                "404": {}
            }}}}
        });
        let mut log = vec![];
        unify_response_shapes(&mut spec, &mut log);
        let o = op(&spec, "/c", "delete");
        assert!(o["responses"].get("404").is_none());
        assert_eq!(o["responses"]["400"], json!({"$ref": "#/components/responses/400"}));
        assert!(o["responses"].get("204").is_some(), "a lone body-less success stays");
        assert!(o.get(EMPTY_SUCCESS_EXTENSION).is_none());
    }

    #[test]
    fn formats_needing_other_crates_stay_strings() {
        let mut spec = json!({"components": {"schemas": {"t": {"type": "object", "properties": {
            "at": {"type": "string", "format": "date-time"},
            "id": {"type": "string", "format": "uuid", "pattern": "^[a-f0-9-]+$"},
            "uri": {"type": "string", "format": "uri"},
            "n": {"type": "integer", "format": "int64"}
        }}}}});
        let mut log = vec![];
        plain_strings(&mut spec, &mut log);
        let p = &spec["components"]["schemas"]["t"]["properties"];
        assert_eq!(p["at"], json!({"type": "string"}));
        assert_eq!(p["id"], json!({"type": "string"}));
        assert_eq!(p["uri"]["format"], "uri", "formats typify keeps as String stay");
        assert_eq!(p["n"]["format"], "int64");
        assert_eq!(log.len(), 1);
    }

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

    #[test]
    fn raw_and_empty_successes_become_raw() {
        let mut spec = json!({"paths": {"/h": {"get": {"responses": {
            "200": {"content": {"text/plain": {"schema": {"type": "string"}}}},
            "204": {}
        }}}}});
        let mut log = vec![];
        unify_response_shapes(&mut spec, &mut log);
        let o = op(&spec, "/h", "get");
        assert_eq!(o["responses"]["204"], o["responses"]["200"]);
    }

    #[test]
    fn reserved_schema_names_are_renamed_with_their_refs() {
        let mut spec = json!({
            "components": {"schemas": {
                "result": {"type": "object"},
                "Option": {"type": "string"},
                "client": {"type": "object", "properties": {"r": {"$ref": "#/components/schemas/result"}}}
            }},
            "paths": {"/a": {"get": {"responses": {"400": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/result"}}}}}}}}
        });
        let mut log = vec![];
        rename_reserved_schema_names(&mut spec, &mut log);
        let names: Vec<&String> = spec["components"]["schemas"].as_object().unwrap().keys().collect();
        assert!(names.contains(&&"result_model".to_string()));
        assert!(names.contains(&&"Option_model".to_string()));
        assert!(names.contains(&&"client".to_string()));
        assert_eq!(
            spec["components"]["schemas"]["client"]["properties"]["r"]["$ref"],
            "#/components/schemas/result_model"
        );
        assert_eq!(
            op(&spec, "/a", "get")["responses"]["400"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/result_model"
        );
    }

    #[test]
    fn schemas_named_alike_once_case_converted_are_told_apart() {
        let mut spec = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/AccessToken"}}}}}}}},
            "components": {"schemas": {
                "access_token": {"type": "object", "required": ["snake"]},
                "AccessToken": {"type": "object", "required": ["camel"]}
            }}
        });
        let mut log = vec![];
        rename_reserved_schema_names(&mut spec, &mut log);
        let schemas = spec["components"]["schemas"].as_object().unwrap();
        let flat: std::collections::BTreeSet<String> = schemas.keys().map(|k| flat_name(k)).collect();
        assert_eq!(flat.len(), 2, "two Rust names: {schemas:?}");
        assert_eq!(log.len(), 1, "one of them renamed: {log:?}");
        // The reference still reaches the schema it named.
        let target = op(&spec, "/a", "get")["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap()
            .trim_start_matches("#/components/schemas/")
            .to_string();
        assert_eq!(spec["components"]["schemas"][&target]["required"], json!(["camel"]));
    }

    #[test]
    fn object_schemas_are_opened_unless_closed() {
        let mut spec = json!({"components": {"schemas": {
            "open": {"type": "object", "properties": {"a": {"type": "object", "properties": {"b": {"type": "string"}}}}},
            "closed": {"type": "object", "additionalProperties": false, "properties": {"a": {"type": "string"}}},
            "true": {"type": "object", "additionalProperties": true, "properties": {"a": {"type": "string"}}},
            "map": {"type": "object", "additionalProperties": {"type": "string"}},
            "named": {"type": "object", "properties": {
                "properties": {"type": "array", "items": {"type": "string"}},
                "enum": {"type": "object", "properties": {"x": {"type": "string"}}}
            }}
        }}});
        open_object_schemas(&mut spec);
        let s = &spec["components"]["schemas"];
        assert_eq!(
            s["named"]["properties"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect::<std::collections::BTreeSet<_>>(),
            ["enum", "properties"].into_iter().collect(),
            "property names are not keywords"
        );
        assert_eq!(
            s["named"]["properties"]["enum"]["additionalProperties"],
            json!({}),
            "objects under a property named enum are opened"
        );
        assert_eq!(s["open"]["additionalProperties"], json!({}));
        assert_eq!(s["open"]["properties"]["a"]["additionalProperties"], json!({}));
        assert_eq!(s["closed"]["additionalProperties"], json!(false));
        assert_eq!(s["true"]["additionalProperties"], json!({}));
        assert_eq!(s["map"]["additionalProperties"], json!({"type": "string"}));
    }

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
