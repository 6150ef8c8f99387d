//! # authlete-mock
//!
//! A typed stand-in of Authlete for your tests.
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
//!         .action("OK")
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

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use serde::Serialize;

use authlete::{Authlete, Operation};

/// The service id the mock's client uses.
pub const MOCK_SERVICE_ID: &str = "mock-service";
/// The access token the mock's client sends.
pub const MOCK_TOKEN: &str = "mock-access-token";

/// One request the mock received.
#[derive(Debug, Clone)]
pub struct Call {
    /// The operation it matched, by its Rust method name (`None`: no route matched).
    pub operation: Option<&'static str>,
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Headers.
    pub headers: HeaderMap,
    /// The JSON body (`Null` when there was none or it was not JSON).
    pub body: serde_json::Value,
}

/// How the mock answers.
#[derive(Debug, Clone)]
pub struct MockReply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

impl MockReply {
    /// `status` with `body` as JSON.
    pub fn json<T: Serialize>(status: u16, body: &T) -> Self {
        Self {
            status,
            content_type: "application/json",
            body: serde_json::to_vec(body).expect("mock replies serialise"),
        }
    }

    /// Authlete's error body with `status`.
    pub fn error(status: u16, result_code: &str, result_message: &str) -> Self {
        Self::json(status, &serde_json::json!({"resultCode": result_code, "resultMessage": result_message}))
    }

    /// Any body, e.g. an HTML error page.
    pub fn raw(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Self { status, content_type, body: body.into() }
    }
}

type Responder = Arc<dyn Fn(&Call) -> MockReply + Send + Sync>;

struct Route {
    operation: &'static str,
    respond: Responder,
}

#[derive(Default)]
struct State {
    routes: Vec<Route>,
    calls: Vec<Call>,
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
    /// type itself or its builder (`Success::builder().action("OK")`).
    ///
    /// # Panics
    /// When the builder does not build (a required field unset, a value a
    /// setter could not convert): the message names the field.
    pub fn on<O>(&self, body: impl TryInto<O::Success, Error: std::fmt::Display>) -> &Self
    where
        O: Operation,
        O::Success: Serialize + Send + Sync + 'static,
    {
        let body =
            body.try_into().unwrap_or_else(|e| panic!("authlete-mock: the answer for {} does not build: {e}", O::NAME));
        let reply = MockReply::json(200, &body);
        self.on_request::<O>(move |_| reply.clone())
    }

    /// Answers operation `O` with whatever `respond` returns for each call.
    pub fn on_request<O: Operation>(&self, respond: impl Fn(&Call) -> MockReply + Send + Sync + 'static) -> &Self {
        let route = Route { operation: O::NAME, respond: Arc::new(respond) };
        self.state.lock().expect("mock state").routes.push(route);
        self
    }

    /// Every request received, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.state.lock().expect("mock state").calls.clone()
    }

    /// The requests received for operation `O`.
    ///
    /// Each comes with its body decoded as the operation's request type
    /// (`request`), and dereferences to the raw [`Call`] (`.body` is the JSON
    /// as received, `.headers`, `.path`).
    pub fn calls_to<O: Operation>(&self) -> Vec<TypedCall<O::Body>> {
        self.calls()
            .into_iter()
            .filter(|c| c.operation == Some(O::NAME))
            .map(|raw| TypedCall { request: serde_json::from_value(raw.body.clone()).ok(), raw })
            .collect()
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

/// The operation a request is for, by method and path.
fn operation_of(method: &str, path: &str) -> Option<&'static str> {
    authlete::operations()
        .filter(|o| o.method == method)
        .filter_map(|o| template_score(o.path, path).map(|s| (s, o.name)))
        .max_by_key(|(s, _)| *s)
        .map(|(_, id)| id)
}

fn answer(
    state: &Mutex<State>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, [(axum::http::HeaderName, &'static str); 1], Vec<u8>) {
    let mut state = state.lock().expect("mock state");
    let operation = operation_of(method.as_str(), uri.path());
    // The latest answer set up for the operation wins.
    let respond = state.routes.iter().rev().find(|r| Some(r.operation) == operation).map(|r| r.respond.clone());
    let call = Call {
        operation,
        method: method.to_string(),
        path: uri.to_string(),
        headers,
        body: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    };
    let reply = match &respond {
        Some(respond) => respond(&call),
        None => MockReply::error(404, "MOCK404", &format!("no mock answer for {} {}", call.method, uri.path())),
    };
    state.calls.push(call);
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(axum::http::header::CONTENT_TYPE, reply.content_type)], reply.body)
}

#[cfg(test)]
mod tests {
    use super::{operation_of, template_score};

    #[test]
    fn templates_match_one_segment_per_variable() {
        assert_eq!(template_score("/api/{serviceId}/auth/token", "/api/1/auth/token"), Some(3));
        assert_eq!(template_score("/api/{serviceId}/auth/token", "/api/1/auth/token/issue"), None);
        assert_eq!(template_score("/api/{serviceId}/client/get/{clientId}", "/api/1/client/get"), None);
        assert_eq!(template_score("/api/service/get/list", "/api/service/get/list"), Some(4));
    }

    #[test]
    fn literal_segments_win_over_variables() {
        assert_eq!(operation_of("POST", "/api/1/auth/token"), Some("auth_token"));
        assert_eq!(operation_of("POST", "/api/1/auth/token/issue"), Some("auth_token_issue"));
        assert_eq!(operation_of("GET", "/api/1/client/get/list"), Some("client_get_list"));
        assert_eq!(operation_of("GET", "/api/1/client/get/42"), Some("client_get"));
    }
}
