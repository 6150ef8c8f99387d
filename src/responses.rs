//! Turning Authlete's answers into the HTTP responses your endpoints send.
//!
//! Authlete tells the endpoint what to do with an `action` and gives the body
//! in `responseContent`. These helpers apply the mapping the OAuth and OpenID
//! Connect specifications ask for, with the headers token responses must
//! carry (`Cache-Control: no-store`, `Pragma: no-cache`). Actions are matched
//! by their wire value, so the helpers work with every spec revision, and an
//! action this crate does not know becomes a generic `server_error`.

use http::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE, PRAGMA, WWW_AUTHENTICATE};
use http::StatusCode;

use crate::models::{IdtokenReissueResponse, TokenFailResponse, TokenIssueResponse, TokenResponse};

/// The `Content-Type` of every token endpoint response.
pub const JSON_UTF8: &str = "application/json;charset=UTF-8";

/// The body sent when Authlete's answer must not reach the client (its
/// message is for the server operator only).
pub const SERVER_ERROR_BODY: &str =
    r#"{"error":"server_error","error_description":"The server could not process the request."}"#;

/// The body sent when HTTP Basic client credentials cannot be read.
pub const INVALID_CLIENT_BODY: &str =
    r#"{"error":"invalid_client","error_description":"The client credentials could not be read."}"#;

/// The body sent for grant types the server does not handle.
pub const UNSUPPORTED_GRANT_TYPE_BODY: &str =
    r#"{"error":"unsupported_grant_type","error_description":"The grant type is not supported by this server."}"#;

/// An HTTP response of one of your endpoints, ready to send: status,
/// headers and a JSON body.
///
/// With the `axum` feature it implements `axum::response::IntoResponse`.
///
/// ```
/// let r = authlete::EndpointResponse::json(http::StatusCode::OK, "{}");
/// assert_eq!(r.status(), 200);
/// assert_eq!(r.headers()["cache-control"], "no-store");
/// ```
///
/// Its `Debug` shows the status, the headers and the body's length, never
/// the body: a token response carries access and refresh tokens.
#[derive(Clone)]
pub struct EndpointResponse(http::Response<String>);

impl std::fmt::Debug for EndpointResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EndpointResponse")
            .field("status", &self.0.status())
            .field("headers", self.0.headers())
            .field("body", &format_args!("<{} bytes>", self.0.body().len()))
            .finish()
    }
}

impl EndpointResponse {
    /// A JSON response with the token endpoint headers.
    pub fn json(status: StatusCode, body: impl Into<String>) -> Self {
        let mut r = http::Response::new(body.into());
        *r.status_mut() = status;
        let h = r.headers_mut();
        h.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(PRAGMA, HeaderValue::from_static("no-cache"));
        Self(r)
    }

    /// `500` with [`SERVER_ERROR_BODY`].
    pub fn server_error() -> Self {
        Self::json(StatusCode::INTERNAL_SERVER_ERROR, SERVER_ERROR_BODY)
    }

    /// `401` with [`INVALID_CLIENT_BODY`] and `WWW-Authenticate: Basic realm="token"`.
    pub fn invalid_client_basic() -> Self {
        Self::json(StatusCode::UNAUTHORIZED, INVALID_CLIENT_BODY).with_basic_challenge()
    }

    pub(crate) fn with_basic_challenge(mut self) -> Self {
        self.0.headers_mut().insert(WWW_AUTHENTICATE, HeaderValue::from_static(r#"Basic realm="token""#));
        self
    }

    /// `400` with [`UNSUPPORTED_GRANT_TYPE_BODY`].
    pub fn unsupported_grant_type() -> Self {
        Self::json(StatusCode::BAD_REQUEST, UNSUPPORTED_GRANT_TYPE_BODY)
    }

    /// Authlete's `responseContent` with `status`; a generic server error if
    /// Authlete sent no content.
    fn content(status: StatusCode, content: Option<&String>) -> Self {
        match content {
            Some(body) => Self::json(status, body.clone()),
            None => Self::server_error(),
        }
    }

    /// Adds a `DPoP-Nonce` header (when `nonce` is a valid header value).
    pub fn with_dpop_nonce(mut self, nonce: Option<&str>) -> Self {
        if let Some(v) = nonce.and_then(|n| HeaderValue::from_str(n).ok()) {
            self.0.headers_mut().insert("dpop-nonce", v);
        }
        self
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.0.status()
    }

    /// The headers.
    pub fn headers(&self) -> &http::HeaderMap {
        self.0.headers()
    }

    /// The body.
    pub fn body(&self) -> &str {
        self.0.body()
    }

    /// The `http::Response` itself.
    pub fn into_http(self) -> http::Response<String> {
        self.0
    }

    /// Wraps a response built by hand.
    pub fn from_http(response: http::Response<String>) -> Self {
        Self(response)
    }

    /// The headers, to add your own.
    pub fn headers_mut(&mut self) -> &mut http::HeaderMap {
        self.0.headers_mut()
    }
}

impl From<EndpointResponse> for http::Response<String> {
    fn from(r: EndpointResponse) -> Self {
        r.0
    }
}

fn action_str<T: std::fmt::Display>(action: Option<&T>) -> String {
    action.map(ToString::to_string).unwrap_or_default()
}

/// `responseContent` with the status `table` gives for `action`; a generic
/// server error for any other action.
fn by_action<T: std::fmt::Display>(
    action: Option<&T>,
    content: Option<&String>,
    table: &[(&str, StatusCode)],
) -> EndpointResponse {
    let action = action_str(action);
    match table.iter().find(|(a, _)| *a == action) {
        Some((_, status)) => EndpointResponse::content(*status, content),
        None => EndpointResponse::server_error(),
    }
}

const OK_OR_INTERNAL_ERROR: &[(&str, StatusCode)] =
    &[("OK", StatusCode::OK), ("INTERNAL_SERVER_ERROR", StatusCode::INTERNAL_SERVER_ERROR)];

impl IdtokenReissueResponse {
    /// The HTTP response of the token endpoint for this `/idtoken/reissue`
    /// answer: `OK` → 200 with `responseContent`; `INTERNAL_SERVER_ERROR` →
    /// 500 with `responseContent`; `CALLER_ERROR` (a bug in the caller) and
    /// actions this crate does not know → 500 with a generic `server_error`
    /// that does not show Authlete's message.
    ///
    /// ```
    /// use authlete::IdtokenReissueResponse;
    /// let r = IdtokenReissueResponse {
    ///     action: Some("OK".into()),
    ///     response_content: Some(r#"{"id_token":"eyJ"}"#.into()),
    ///     ..Default::default()
    /// };
    /// let http = r.to_http_response();
    /// assert_eq!(http.status(), 200);
    /// assert_eq!(http.body(), r#"{"id_token":"eyJ"}"#);
    /// ```
    pub fn to_http_response(&self) -> EndpointResponse {
        by_action(self.action.as_ref(), self.response_content.as_ref(), OK_OR_INTERNAL_ERROR)
    }

    /// Whether Authlete reissued the ID token (`action` is `OK`).
    pub fn is_ok(&self) -> bool {
        action_str(self.action.as_ref()) == "OK"
    }
}

impl TokenResponse {
    /// The HTTP response of the token endpoint for this `/auth/token`
    /// answer, for the actions that need no more server logic:
    /// `OK` → 200; `BAD_REQUEST` → 400; `INVALID_CLIENT` → 401 with
    /// `WWW-Authenticate: Basic realm="token"` when the client authenticated
    /// with HTTP Basic (`client_used_basic`), else 400;
    /// `INTERNAL_SERVER_ERROR` → 500; `ID_TOKEN_REISSUABLE` → 200 with this
    /// `responseContent` (a valid token response, without a new ID token);
    /// `PASSWORD`, `TOKEN_EXCHANGE`, `JWT_BEARER`, `NATIVE_SSO` → 400
    /// `unsupported_grant_type` (use [`TokenEndpoint`](crate::TokenEndpoint)
    /// to handle them); anything else → 500 `server_error`. A `DPoP-Nonce`
    /// header is added whenever Authlete returned `dpopNonce`.
    pub fn to_http_response(&self, client_used_basic: bool) -> EndpointResponse {
        let content = self.response_content.as_ref();
        let r = match action_str(self.action.as_ref()).as_str() {
            "OK" | "ID_TOKEN_REISSUABLE" => EndpointResponse::content(StatusCode::OK, content),
            "BAD_REQUEST" => EndpointResponse::content(StatusCode::BAD_REQUEST, content),
            "INVALID_CLIENT" if client_used_basic => {
                EndpointResponse::content(StatusCode::UNAUTHORIZED, content).with_basic_challenge()
            }
            "INVALID_CLIENT" => EndpointResponse::content(StatusCode::BAD_REQUEST, content),
            "INTERNAL_SERVER_ERROR" => EndpointResponse::content(StatusCode::INTERNAL_SERVER_ERROR, content),
            "PASSWORD" | "TOKEN_EXCHANGE" | "JWT_BEARER" | "NATIVE_SSO" => EndpointResponse::unsupported_grant_type(),
            _ => EndpointResponse::server_error(),
        };
        r.with_dpop_nonce(self.dpop_nonce.as_deref())
    }
}

impl TokenIssueResponse {
    /// `OK` → 200 with `responseContent`; `INTERNAL_SERVER_ERROR` → 500 with
    /// it; anything else → 500 `server_error`.
    pub fn to_http_response(&self) -> EndpointResponse {
        by_action(self.action.as_ref(), self.response_content.as_ref(), OK_OR_INTERNAL_ERROR)
    }
}

impl TokenFailResponse {
    /// `BAD_REQUEST` → 400 with `responseContent`; `INTERNAL_SERVER_ERROR` →
    /// 500 with it; anything else → 500 `server_error`.
    pub fn to_http_response(&self) -> EndpointResponse {
        by_action(
            self.action.as_ref(),
            self.response_content.as_ref(),
            &[("BAD_REQUEST", StatusCode::BAD_REQUEST), ("INTERNAL_SERVER_ERROR", StatusCode::INTERNAL_SERVER_ERROR)],
        )
    }
}

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
impl axum::response::IntoResponse for EndpointResponse {
    fn into_response(self) -> axum::response::Response {
        self.0.into_response()
    }
}

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
impl axum::response::IntoResponse for crate::Error {
    /// [`Error::ReissueFailed`](crate::Error::ReissueFailed): its `fallback`,
    /// the token response with the tokens `/auth/token` already issued (the
    /// refresh token may have been rotated: a 500 would lock the client
    /// out). Any other error: a generic `500 server_error`, the details
    /// being for your logs, not for the OAuth client.
    fn into_response(self) -> axum::response::Response {
        match self {
            crate::Error::ReissueFailed { fallback, .. } => fallback.into_response(),
            _ => EndpointResponse::server_error().into_response(),
        }
    }
}
