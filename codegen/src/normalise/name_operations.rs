//! Spec rule `name_operations` (see ARCHITECTURE.md for why, beside the other rules).

use super::{for_each_operation, snake, METHODS};
use serde_json::Value;

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
/// - A method other than the path's first in `METHOD_PRECEDENCE` adds
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

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::normalise::test_support::*;
    #[allow(unused_imports)]
    use serde_json::json;

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
}
