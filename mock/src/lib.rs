//! # authlete-mock
//!
//! A typed stand-in of Authlete for your tests, and a fake that behaves.
//!
//! [`FakeAuthlete`] plays Authlete's part of an OpenID Provider's flows
//! (clients, authorization code with PKCE, refresh tokens, ES256 ID tokens,
//! introspection, revocation, userinfo): see its docs for what it emulates.
//!
//! [`MockAuthlete`] is an HTTP server on 127.0.0.1 that answers any operation
//! of the spec with values of the crate's own types, and records what it
//! received. Operations are named by their request builder type, so every
//! operation is covered and a typo does not compile.
//!
//! ```
//! use authlete::operation::{auth_token, idtoken_reissue};
//! use authlete_mock::MockAuthlete;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let mock = MockAuthlete::start().await.unwrap();
//! mock.on::<idtoken_reissue::Builder>(
//!     idtoken_reissue::Success::builder()
//!         .action(idtoken_reissue::Action::Ok)
//!         .response_content(r#"{"access_token":"at","id_token":"eyJ"}"#),
//! );
//!
//! // The code under test calls Authlete through `mock.client()`.
//! let reissued = mock
//!     .client()
//!     .idtoken_reissue()
//!     .body_map(|b| b.access_token("at").refresh_token("rt"))
//!     .send()
//!     .await
//!     .unwrap();
//! assert_eq!(reissued.action, Some(idtoken_reissue::Action::Ok));
//!
//! let call = &mock.calls_to::<idtoken_reissue::Builder>()[0];
//! assert_eq!(call.request.as_ref().unwrap().refresh_token.as_deref(), Some("rt")); // typed
//! assert_eq!(call.body["refreshToken"], "rt"); // raw JSON
//! assert!(mock.calls_to::<auth_token::Builder>().is_empty());
//! # }
//! ```

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use percent_encoding::percent_decode_str;
use serde::Serialize;

use authlete::{Authlete, Operation};

mod fake;
pub use fake::{Client, FakeAuthlete, FakeTokens, Service};

/// The service id the mock's client uses.
pub const MOCK_SERVICE_ID: &str = "mock-service";
/// The access token the mock's client sends.
pub const MOCK_TOKEN: &str = "mock-access-token";

/// One request the mock received, and what the mock answered.
///
/// Its `Debug` shows the operation, the path, the status and the names of
/// the body's and the answer's fields, not their values: they hold tokens,
/// codes and secrets (read `body` and `response` themselves).
#[derive(Clone)]
#[non_exhaustive]
pub struct Call {
    /// The operation it matched, by its Rust method name (`None`: no route matched).
    pub operation: Option<&'static str>,
    /// HTTP method.
    pub method: String,
    /// Path and query, as sent.
    pub path: String,
    /// Headers.
    pub headers: HeaderMap,
    /// The JSON body (`Null` when there was none or it was not JSON).
    pub body: serde_json::Value,
    /// The path parameters, by the spec's names (`clientId`), decoded.
    pub path_params: BTreeMap<String, String>,
    /// The query parameters in the order sent, decoded.
    pub query: Vec<(String, String)>,
    /// The HTTP status the mock answered with.
    pub status: u16,
    /// The JSON body the mock answered with (`Null` when there was none or
    /// it was not JSON).
    pub response: serde_json::Value,
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names =
            |v: &serde_json::Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
        let path = self.path.split('?').next().unwrap_or_default();
        f.debug_struct("Call")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &path)
            .field("status", &self.status)
            .field("body_fields", &names(&self.body))
            .field("response_fields", &names(&self.response))
            .finish_non_exhaustive()
    }
}

impl Call {
    /// A path parameter by the spec's name (`"clientId"`), decoded.
    ///
    /// ```
    /// # fn demo(call: &authlete_mock::Call) -> Option<i64> {
    /// let id: i64 = call.path_param("clientId")?.parse().ok()?;
    /// # Some(id) }
    /// ```
    pub fn path_param(&self, name: &str) -> Option<&str> {
        self.path_params.get(name).map(String::as_str)
    }

    /// The first query parameter `name`, decoded.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The first query parameter `name`, parsed (`None` when it is absent
    /// or does not parse).
    ///
    /// ```
    /// # fn demo(call: &authlete_mock::Call) {
    /// let (start, end) = (call.query_as::<usize>("start").unwrap_or(0), call.query_as::<usize>("end"));
    /// # }
    /// ```
    pub fn query_as<T: FromStr>(&self, name: &str) -> Option<T> {
        self.query_param(name)?.parse().ok()
    }
}

/// How the mock answers.
#[derive(Debug, Clone)]
pub struct MockReply {
    status: StatusCode,
    content_type: Option<&'static str>,
    body: Vec<u8>,
}

impl MockReply {
    /// `200 OK` with `body` as JSON: the operation's success type (or
    /// anything else that serialises).
    pub fn ok(body: impl Serialize) -> Self {
        Self::json(StatusCode::OK, &body)
    }

    /// `status` with `body` as JSON (`MockReply::json(201, &created)`).
    ///
    /// # Panics
    /// When `status` is not an HTTP status (`1000`), or `body` does not
    /// serialise: a mistake in the test's script.
    pub fn json<T: Serialize + ?Sized>(status: impl IntoStatus, body: &T) -> Self {
        Self {
            status: status.into_status(),
            content_type: Some("application/json"),
            body: serde_json::to_vec(body).expect("mock replies serialise"),
        }
    }

    /// Authlete's error body with `status`.
    pub fn error(status: impl IntoStatus, result_code: &str, result_message: &str) -> Self {
        Self::json(status, &serde_json::json!({"resultCode": result_code, "resultMessage": result_message}))
    }

    /// Any body, e.g. an HTML error page.
    pub fn raw(status: impl IntoStatus, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Self { status: status.into_status(), content_type: Some(content_type), body: body.into() }
    }

    /// `204 No Content`, no body (what `client_delete` answers, say).
    pub fn no_content() -> Self {
        Self { status: StatusCode::NO_CONTENT, content_type: None, body: Vec::new() }
    }
}

/// A status for a [`MockReply`]: an [`http::StatusCode`](StatusCode), or
/// its number.
pub trait IntoStatus {
    /// The status.
    ///
    /// # Panics
    /// For a number that is not an HTTP status.
    fn into_status(self) -> StatusCode;
}

impl IntoStatus for StatusCode {
    fn into_status(self) -> StatusCode {
        self
    }
}

impl IntoStatus for u16 {
    fn into_status(self) -> StatusCode {
        StatusCode::from_u16(self).unwrap_or_else(|_| panic!("authlete-mock: {self} is not an HTTP status"))
    }
}

type Responder = Arc<dyn Fn(&Call) -> MockReply + Send + Sync>;
/// What answers an operation no route is set up for ([`FakeAuthlete`]'s world).
type Fallback = Arc<dyn Fn(&Call) -> MockReply + Send + Sync>;

struct Route {
    operation: &'static str,
    respond: Responder,
}

#[derive(Default)]
struct State {
    routes: Vec<Route>,
    calls: Vec<Call>,
    fallback: Option<Fallback>,
}

/// A stand-in of Authlete on 127.0.0.1; stops when dropped.
pub struct MockAuthlete {
    base_url: String,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for MockAuthlete {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl std::fmt::Debug for MockAuthlete {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockAuthlete").field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

impl MockAuthlete {
    /// Starts the mock on a free port of 127.0.0.1. Requests with no answer
    /// set up get a 404 with an Authlete error body.
    ///
    /// # Errors
    /// When no port can be bound.
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        let app = axum::Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let state = shared.clone();
            async move { answer(&state, method, uri, headers, body) }
        });
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { base_url, state, task })
    }

    /// Answers every operation no route is set up for with `fallback`.
    fn set_fallback(&self, fallback: Fallback) {
        lock(&self.state).fallback = Some(fallback);
    }

    /// The mock's base URL (`http://127.0.0.1:<port>`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// A client for the mock: service id [`MOCK_SERVICE_ID`], token
    /// [`MOCK_TOKEN`], no retries.
    pub fn client(&self) -> Authlete {
        Authlete::builder()
            .base_url(&self.base_url)
            .service_id(MOCK_SERVICE_ID)
            .access_token(MOCK_TOKEN)
            .retry(authlete::RetryConfig::disabled())
            .build()
            .expect("a loopback URL is a valid configuration")
    }

    /// Answers operation `O` with 200 and `body` from now on: the success
    /// type itself or its builder (`Success::builder().action(Action::Ok)`).
    ///
    /// # Panics
    /// When the builder does not build (a required field unset, a value a
    /// setter could not convert): the message names the field.
    pub fn on<O>(&self, body: impl TryInto<O::Success, Error: std::fmt::Display>) -> &Self
    where
        O: Operation + 'static,
        O::Success: Serialize + Send + Sync + 'static,
    {
        let body =
            body.try_into().unwrap_or_else(|e| panic!("authlete-mock: the answer for {} does not build: {e}", O::NAME));
        let reply = MockReply::ok(&body);
        self.on_request::<O>(move |_| reply.clone())
    }

    /// Answers operation `O` with whatever `respond` returns for each call.
    /// The call comes typed: its body as the operation's request type
    /// ([`TypedCall::request`]), its path and query parameters by name
    /// ([`Call::path_param`], [`Call::query_as`]).
    ///
    /// ```
    /// use authlete::operation::client_get;
    /// use authlete_mock::{MockAuthlete, MockReply};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mock = MockAuthlete::start().await.unwrap();
    /// mock.on_request::<client_get::Builder>(|call| match call.path_param("clientId") {
    ///     Some("42") => MockReply::ok(client_get::Success::builder().client_id(42).build().unwrap()),
    ///     _ => MockReply::error(404, "A001", "no such client"),
    /// });
    /// let client = mock.client().client_get().client_id(42).send().await.unwrap();
    /// assert_eq!(client.client_id, Some(42));
    /// assert!(mock.client().client_get().client_id(7).send().await.is_err());
    /// # }
    /// ```
    ///
    /// The mock checks nothing it is not scripted to: not the token, not the
    /// scopes a resource server requires (Authlete checks those for
    /// `/auth/introspection`), not whether a client exists.
    pub fn on_request<O>(&self, respond: impl Fn(&TypedCall<O::Body>) -> MockReply + Send + Sync + 'static) -> &Self
    where
        O: Operation + 'static,
    {
        let respond = move |call: &Call| respond(&TypedCall::of(call.clone()));
        let route = Route { operation: O::NAME, respond: Arc::new(respond) };
        lock(&self.state).routes.push(route);
        self
    }

    /// Every request received, in order.
    pub fn calls(&self) -> Vec<Call> {
        lock(&self.state).calls.clone()
    }

    /// The requests received for operation `O`.
    ///
    /// Each comes with its body decoded as the operation's request type
    /// (`request`), and dereferences to the raw [`Call`] (`.body` is the JSON
    /// as received, `.headers`, `.path`).
    pub fn calls_to<O: Operation>(&self) -> Vec<TypedCall<O::Body>> {
        self.calls().into_iter().filter(|c| c.operation == Some(O::NAME)).map(TypedCall::of).collect()
    }
}

/// A request the mock received for one operation: its body as the
/// operation's request type, and the raw [`Call`] (to which it dereferences).
#[derive(Debug, Clone)]
pub struct TypedCall<T> {
    /// The body decoded as the operation's request type; `None` if there was
    /// no body or it does not decode as that type.
    pub request: Option<T>,
    /// The call as received.
    pub raw: Call,
}

impl<T: serde::de::DeserializeOwned> TypedCall<T> {
    fn of(raw: Call) -> Self {
        Self { request: serde_json::from_value(raw.body.clone()).ok(), raw }
    }
}

impl<T> std::ops::Deref for TypedCall<T> {
    type Target = Call;
    fn deref(&self) -> &Call {
        &self.raw
    }
}

/// How well `path` fits the template: `None` if it does not (`{name}`
/// matches one segment), else the number of literal segments, so that
/// `/client/get/list` prefers its own template to `/client/get/{clientId}`.
fn template_score(template: &str, path: &str) -> Option<usize> {
    let t: Vec<&str> = template.trim_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_matches('/').split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut literal = 0;
    for (t, p) in t.iter().zip(&p) {
        if t.starts_with('{') && t.ends_with('}') {
            continue;
        }
        if t != p {
            return None;
        }
        literal += 1;
    }
    Some(literal)
}

/// The operation a request is for, by method and path, and its path template.
fn operation_of(method: &str, path: &str) -> Option<(&'static str, &'static str)> {
    authlete::operations()
        .filter(|o| o.method == method)
        .filter_map(|o| template_score(o.path, path).map(|s| (s, (o.name, o.path))))
        .max_by_key(|(s, _)| *s)
        .map(|(_, op)| op)
}

/// The values of the template's `{name}` segments in `path`, decoded.
fn path_params(template: &str, path: &str) -> BTreeMap<String, String> {
    template
        .trim_matches('/')
        .split('/')
        .zip(path.trim_matches('/').split('/'))
        .filter_map(|(t, p)| {
            let name = t.strip_prefix('{')?.strip_suffix('}')?;
            Some((name.to_string(), percent_decode_str(p).decode_utf8_lossy().into_owned()))
        })
        .collect()
}

/// The state, also after a responder panicked while another held it.
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

fn answer(
    state: &Mutex<State>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let matched = operation_of(method.as_str(), uri.path());
    let operation = matched.map(|(name, _)| name);
    // The latest answer set up for the operation wins.
    let respond = {
        let state = lock(state);
        let route = state.routes.iter().rev().find(|r| Some(r.operation) == operation).map(|r| r.respond.clone());
        route.or_else(|| state.fallback.clone())
    };
    let mut call = Call {
        operation,
        method: method.to_string(),
        path: uri.to_string(),
        headers,
        body: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
        path_params: matched.map(|(_, template)| path_params(template, uri.path())).unwrap_or_default(),
        query: form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()).into_owned().collect(),
        status: 0,
        response: serde_json::Value::Null,
    };
    // No lock is held while the test's responder runs: it may call the
    // mock, and should it panic, the mock goes on for the next request.
    let reply = match &respond {
        Some(respond) => respond(&call),
        None => MockReply::error(404, "MOCK404", &format!("no mock answer for {} {}", call.method, uri.path())),
    };
    call.status = reply.status.as_u16();
    call.response = serde_json::from_slice(&reply.body).unwrap_or(serde_json::Value::Null);
    lock(state).calls.push(call);
    let mut headers = HeaderMap::new();
    if let Some(value) = reply.content_type.and_then(|c| axum::http::HeaderValue::from_str(c).ok()) {
        headers.insert(axum::http::header::CONTENT_TYPE, value);
    }
    (reply.status, headers, reply.body)
}

#[cfg(test)]
mod tests {
    use super::{operation_of, path_params, template_score};

    #[test]
    fn templates_match_one_segment_per_variable() {
        assert_eq!(template_score("/api/{serviceId}/auth/token", "/api/1/auth/token"), Some(3));
        assert_eq!(template_score("/api/{serviceId}/auth/token", "/api/1/auth/token/issue"), None);
        assert_eq!(template_score("/api/{serviceId}/client/get/{clientId}", "/api/1/client/get"), None);
        assert_eq!(template_score("/api/service/get/list", "/api/service/get/list"), Some(4));
    }

    #[test]
    fn literal_segments_win_over_variables() {
        let name = |m, p| operation_of(m, p).map(|(name, _)| name);
        assert_eq!(name("POST", "/api/1/auth/token"), Some("auth_token"));
        assert_eq!(name("POST", "/api/1/auth/token/issue"), Some("auth_token_issue"));
        assert_eq!(name("GET", "/api/1/client/get/list"), Some("client_get_list"));
        assert_eq!(name("GET", "/api/1/client/get/42"), Some("client_get"));
    }

    #[test]
    fn path_parameters_are_read_by_the_templates_names_and_decoded() {
        let params = path_params("/api/{serviceId}/client/get/{clientId}", "/api/s%201/client/get/42");
        assert_eq!(params.get("serviceId").map(String::as_str), Some("s 1"));
        assert_eq!(params.get("clientId").map(String::as_str), Some("42"));
        assert_eq!(params.len(), 2);
    }
}
