//! [`EndpointResponse`]: the HTTP response an answer becomes, with the
//! headers every response of an authorization server carries
//! (`Cache-Control: no-store`, `Pragma: no-cache`).

use http::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE, PRAGMA, WWW_AUTHENTICATE};
use http::StatusCode;

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
/// With the `axum` feature it implements `axum::response::IntoResponse`;
/// otherwise [`into_http`](Self::into_http) gives the `http::Response` any
/// framework sends.
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
        Self::new(status, body.into(), Some(JSON_UTF8))
    }

    /// `status`, `body` with this `Content-Type` (none without one), and
    /// `Cache-Control: no-store`, `Pragma: no-cache`.
    pub fn new(status: StatusCode, body: String, content_type: Option<&'static str>) -> Self {
        let mut r = http::Response::new(body);
        *r.status_mut() = status;
        let h = r.headers_mut();
        if let Some(ct) = content_type {
            h.insert(CONTENT_TYPE, HeaderValue::from_static(ct));
        }
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(PRAGMA, HeaderValue::from_static("no-cache"));
        Self(r)
    }

    /// `status` with no body and `WWW-Authenticate: challenge` (RFC 6750
    /// §3, RFC 9449 §7.1): a protected resource's refusal.
    ///
    /// ```
    /// let r = authlete::EndpointResponse::challenge(http::StatusCode::UNAUTHORIZED, r#"Bearer realm="api""#);
    /// assert_eq!((r.status().as_u16(), r.body()), (401, ""));
    /// assert!(r.headers().get("content-type").is_none());
    /// ```
    pub fn challenge(status: StatusCode, challenge: &str) -> Self {
        let mut r = Self::new(status, String::new(), None);
        if let Ok(v) = HeaderValue::from_str(challenge) {
            r.0.headers_mut().insert(WWW_AUTHENTICATE, v);
        }
        r
    }

    /// `500` with [`SERVER_ERROR_BODY`].
    pub fn server_error() -> Self {
        Self::json(StatusCode::INTERNAL_SERVER_ERROR, SERVER_ERROR_BODY)
    }

    /// `401` with [`INVALID_CLIENT_BODY`] and `WWW-Authenticate: Basic realm="token"`.
    pub fn invalid_client_basic() -> Self {
        Self::json(StatusCode::UNAUTHORIZED, INVALID_CLIENT_BODY).with_basic_challenge()
    }

    /// Adds `WWW-Authenticate: Basic realm="token"` (RFC 6749 §5.2: a
    /// client that tried HTTP Basic and failed).
    pub fn with_basic_challenge(mut self) -> Self {
        self.0.headers_mut().insert(WWW_AUTHENTICATE, HeaderValue::from_static(r#"Basic realm="token""#));
        self
    }

    /// `400` with [`UNSUPPORTED_GRANT_TYPE_BODY`].
    pub fn unsupported_grant_type() -> Self {
        Self::json(StatusCode::BAD_REQUEST, UNSUPPORTED_GRANT_TYPE_BODY)
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

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
impl axum_core::response::IntoResponse for EndpointResponse {
    fn into_response(self) -> axum_core::response::Response {
        let (parts, body) = self.0.into_parts();
        axum_core::response::Response::from_parts(parts, axum_core::body::Body::from(body))
    }
}
