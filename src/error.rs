//! The one error type of the crate.
//!
//! Messages are written for an operator reading a log: they name the
//! operation and the status, and never contain the access token.

use http::StatusCode;

/// How much of an unexpected body an error keeps (bytes, before lossy UTF-8).
pub const SNIPPET_BYTES: usize = 256;

/// Everything that can go wrong when calling Authlete.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Authlete answered with its error body (`resultCode`, `resultMessage`).
    Api {
        /// The operation: its Rust method name on [`Authlete`](crate::Authlete) (`auth_token`).
        operation: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// Authlete's result code, e.g. `A001202`.
        result_code: Option<String>,
        /// Authlete's explanation.
        result_message: Option<String>,
    },

    /// A status the operation does not document, or an error without
    /// Authlete's body (an HTML page from a proxy, an empty 404).
    Status {
        /// The operation: its Rust method name on [`Authlete`](crate::Authlete) (`auth_token`).
        operation: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// The start of an error body, at most [`SNIPPET_BYTES`] bytes.
        /// Empty for a success status (2xx): a success body can carry end
        /// users' tokens, so only its length is kept.
        snippet: String,
        /// The body's length in bytes.
        body_len: usize,
    },

    /// The answer was a redirect (3xx). The client follows none: a
    /// redirected `POST` would carry client secrets and authorization codes
    /// to wherever `Location` points (see the client's docs).
    Redirect {
        /// The operation: its Rust method name on [`Authlete`](crate::Authlete) (`auth_token`).
        operation: &'static str,
        /// The HTTP status (301, 302, 307, ...).
        status: StatusCode,
        /// The host `Location` names (never its path or query, which can
        /// hold secrets), if there is one.
        location_host: Option<String>,
    },

    /// The request could not be sent or the answer not read (connection
    /// refused or reset, DNS failure, TLS).
    Transport {
        /// The operation: its Rust method name on [`Authlete`](crate::Authlete) (`auth_token`).
        operation: &'static str,
        /// What failed.
        source: TransportError,
    },

    /// The connect, per-attempt or total timeout ran out.
    Timeout {
        /// The operation: its Rust method name on [`Authlete`](crate::Authlete) (`auth_token`).
        operation: &'static str,
        /// What failed.
        source: TransportError,
    },

    /// A success came with a body that does not decode. The body is not
    /// kept: a success body can carry end users' tokens.
    Decode {
        /// The operation: its Rust method name on [`Authlete`](crate::Authlete) (`auth_token`).
        operation: &'static str,
        /// The HTTP status, when known.
        status: Option<StatusCode>,
        /// The body's length in bytes.
        body_len: usize,
        /// Where and how the body failed to decode.
        source: DecodeError,
    },

    /// The body is larger than the client's limit
    /// ([`AuthleteBuilder::max_body_bytes`](crate::AuthleteBuilder::max_body_bytes)).
    BodyTooLarge {
        /// The operation: its Rust method name on [`Authlete`](crate::Authlete) (`auth_token`).
        operation: &'static str,
        /// The limit in force.
        limit: usize,
    },

    /// The request was not sent: a parameter is missing or invalid (for
    /// example no service id was configured or given).
    InvalidRequest {
        /// The operation: its Rust method name on [`Authlete`](crate::Authlete) (`auth_token`).
        operation: &'static str,
        /// What is wrong.
        message: String,
    },

    /// The client could not be configured.
    Config(ConfigError),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Api { operation, status, result_code, result_message } => write!(
                f,
                "Authlete answered {status} to {operation}: [{}] {}",
                result_code.as_deref().unwrap_or("-"),
                result_message.as_deref().unwrap_or("-")
            ),
            Error::Status { operation, status, snippet, body_len } => {
                write!(f, "Authlete answered {status} to {operation}{}", snippet_suffix(snippet, *body_len))
            }
            Error::Redirect { operation, status, location_host } => write!(
                f,
                "Authlete answered {status} to {operation}, a redirect to {}; redirects are not followed",
                location_host.as_deref().unwrap_or("a location without a host")
            ),
            Error::Transport { operation, source } => write!(f, "transport error calling {operation}: {source}"),
            Error::Timeout { operation, .. } => write!(f, "{operation} timed out"),
            Error::Decode { operation, body_len, source, .. } => {
                write!(f, "cannot decode the answer to {operation} ({body_len} bytes): {source}")
            }
            Error::BodyTooLarge { operation, limit } => {
                write!(f, "the answer to {operation} exceeds the body limit of {limit} bytes")
            }
            Error::InvalidRequest { operation, message } => write!(f, "invalid request for {operation}: {message}"),
            Error::Config(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } | Error::Timeout { source, .. } => Some(source),
            Error::Decode { source, .. } => Some(source),
            // Transparent: the configuration error's own cause.
            Error::Config(e) => e.source(),
            _ => None,
        }
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

fn snippet_suffix(snippet: &str, body_len: usize) -> String {
    match (snippet.is_empty(), body_len) {
        (false, _) => format!(": {snippet}"),
        (true, 0) => String::new(),
        (true, n) => format!(" ({n} bytes, not shown)"),
    }
}

/// A failure to send a request or read its answer. Its `Display` and its
/// [`source`](std::error::Error::source) chain (the HTTP, TLS and socket
/// errors underneath) never show the URL, whose path can hold end users'
/// tokens.
#[derive(Debug)]
pub struct TransportError(reqwest::Error);

impl TransportError {
    pub(crate) fn from_reqwest(e: reqwest::Error) -> Self {
        Self(e.without_url())
    }

    /// The connection could not be made (refused, DNS, TLS set-up): the
    /// request never left this machine.
    pub fn is_connect(&self) -> bool {
        self.0.is_connect()
    }

    /// A timeout ran out.
    pub fn is_timeout(&self) -> bool {
        self.0.is_timeout()
    }

    /// The request failed after it may have been sent (a reset, a
    /// truncated answer).
    pub fn is_request(&self) -> bool {
        self.0.is_request()
    }
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// Where and how a body failed to decode: the kind of failure and its
/// position, never the text around it (the decoder's own message quotes
/// the values it met, and a success body carries end users' tokens).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    kind: &'static str,
    line: usize,
    column: usize,
}

impl DecodeError {
    pub(crate) fn from_json(e: &serde_json::Error) -> Self {
        let kind = match e.classify() {
            serde_json::error::Category::Io => "read",
            serde_json::error::Category::Syntax => "syntax",
            serde_json::error::Category::Data => "data",
            serde_json::error::Category::Eof => "unexpected end of input",
        };
        Self { kind, line: e.line(), column: e.column() }
    }

    /// The kind of failure: `syntax` (not JSON), `data` (JSON of another
    /// shape than the type's), `unexpected end of input`, or `read`.
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The line (from 1) where decoding stopped.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column (from 1) where decoding stopped.
    pub fn column(&self) -> usize {
        self.column
    }
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} error at line {} column {}", self.kind, self.line, self.column)
    }
}

impl std::error::Error for DecodeError {}

/// A configuration that cannot work; names the setting or variable at fault.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required environment variable is not set.
    MissingEnv {
        /// The variable.
        var: &'static str,
    },
    /// An environment variable is set to something unusable.
    InvalidEnv {
        /// The variable.
        var: &'static str,
        /// Why.
        reason: String,
    },
    /// The base URL is not an absolute http(s) URL, or it holds credentials
    /// (`https://user:password@host`), which the client refuses.
    InvalidBaseUrl {
        /// The URL given, with any credentials in it replaced by `<redacted>`.
        url: String,
        /// Why.
        reason: String,
    },
    /// Plain `http://` to a host that is not loopback: the token, client
    /// secrets and end users' codes would travel in clear text.
    InsecureHttp {
        /// The host of the base URL.
        host: String,
    },
    /// The access token contains characters that cannot be sent in a header.
    InvalidToken,

    /// The DPoP key is not a usable private JWK (feature `dpop`). The
    /// reason never quotes the key.
    InvalidDpopKey {
        /// What is wrong.
        reason: String,
    },
    /// A setting is out of range.
    InvalidSetting {
        /// The setting.
        setting: &'static str,
        /// Why.
        reason: String,
    },
    /// reqwest could not build its client.
    HttpClient(TransportError),
    /// No TLS crypto provider: neither feature `tls-ring` nor `tls-aws-lc-rs`
    /// is on and the app installed no process-wide rustls provider.
    NoTlsProvider,
    /// The TLS configuration could not be built (e.g. an extra root
    /// certificate that does not parse).
    Tls(String),
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::MissingEnv { var } => write!(f, "environment variable {var} is not set"),
            ConfigError::InvalidEnv { var, reason } => write!(f, "environment variable {var} is invalid: {reason}"),
            ConfigError::InvalidBaseUrl { url, reason } => write!(f, "invalid base URL {url:?}: {reason}"),
            ConfigError::InsecureHttp { host } => write!(
                f,
                "refusing plain http to {host}: tokens and secrets would travel in clear text; use https, a \
                 loopback host, or AuthleteBuilder::allow_insecure_http"
            ),
            ConfigError::InvalidToken => f.write_str("the access token is not a valid header value"),
            ConfigError::InvalidDpopKey { reason } => write!(f, "invalid DPoP key: {reason}"),
            ConfigError::InvalidSetting { setting, reason } => write!(f, "invalid setting {setting}: {reason}"),
            ConfigError::HttpClient(e) => write!(f, "cannot build the HTTP client: {e}"),
            ConfigError::NoTlsProvider => f.write_str(
                "no TLS crypto provider: enable feature tls-ring or tls-aws-lc-rs, install a rustls CryptoProvider, \
                 or pass a reqwest::Client with AuthleteBuilder::http_client",
            ),
            ConfigError::Tls(reason) => write!(f, "invalid TLS configuration: {reason}"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::HttpClient(e) => Some(e),
            _ => None,
        }
    }
}

/// Statuses that a later attempt may answer differently.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 502 | 503 | 504)
}

impl Error {
    /// Whether trying again later may succeed: timeouts, connection failures,
    /// and 408, 429, 502, 503, 504. (The client has already retried within its
    /// policy before returning this error.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout { .. } => true,
            Error::Transport { source, .. } => source.is_connect() || source.is_request(),
            Error::Api { status, .. } | Error::Status { status, .. } => is_retryable_status(*status),
            _ => false,
        }
    }

    /// The HTTP status, when the error comes from an answer.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } | Error::Status { status, .. } | Error::Redirect { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Authlete's result code (`A001202`, ...), when it sent one.
    pub fn result_code(&self) -> Option<&str> {
        match self {
            Error::Api { result_code, .. } => result_code.as_deref(),
            _ => None,
        }
    }

    pub(crate) async fn from_progenitor<E>(
        error: progenitor_client::Error<E>,
        operation: &'static str,
        read_body: fn(E) -> crate::call::ErrorBody,
        status: Option<StatusCode>,
    ) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::InvalidRequest(message) | P::Custom(message) => Error::InvalidRequest { operation, message },
            P::CommunicationError(source) | P::InvalidUpgrade(source) | P::ResponseBodyError(source) => {
                Self::from_reqwest(source, operation)
            }
            P::ErrorResponse(value) if value.status().is_redirection() => {
                Error::redirect(operation, value.status(), value.headers())
            }
            P::UnexpectedResponse(response) if response.status().is_redirection() => {
                Error::redirect(operation, response.status(), response.headers())
            }
            P::ErrorResponse(value) => {
                let status = value.status();
                let body = match read_body(value.into_inner()) {
                    crate::call::ErrorBody::Json(v) => v,
                    crate::call::ErrorBody::Stream(stream) => match collect(stream).await {
                        Ok(bytes) => return Error::unexpected_status(operation, status, &bytes),
                        Err(source) => return Self::from_reqwest(source, operation),
                    },
                };
                match api_fields(&body) {
                    Some((result_code, result_message)) => {
                        Error::Api { operation, status, result_code, result_message }
                    }
                    None => Error::Status { operation, status, snippet: String::new(), body_len: 0 },
                }
            }
            // An error status whose body is not what the spec says (an HTML
            // page from a proxy) is that status; a success that does not
            // decode is a decode error.
            P::InvalidResponsePayload(bytes, _) if status.is_some_and(|s| !s.is_success()) => {
                Error::unexpected_status(operation, status.expect("checked"), &bytes)
            }
            // A success body can carry end users' tokens (`responseContent`
            // of /auth/token): say how long it was, not what it said.
            P::InvalidResponsePayload(bytes, source) => {
                Error::Decode { operation, status, body_len: bytes.len(), source: DecodeError::from_json(&source) }
            }
            P::UnexpectedResponse(response) => {
                let status = response.status();
                match response.bytes().await {
                    Ok(bytes) => {
                        match serde_json::from_slice::<serde_json::Value>(&bytes).ok().as_ref().and_then(api_fields) {
                            Some((result_code, result_message)) => {
                                Error::Api { operation, status, result_code, result_message }
                            }
                            None => Error::unexpected_status(operation, status, &bytes),
                        }
                    }
                    Err(source) => Self::from_reqwest(source, operation),
                }
            }
        }
    }

    /// [`Error::Status`]: the body's start for an error status, only its
    /// length for a success.
    fn unexpected_status(operation: &'static str, status: StatusCode, bytes: &[u8]) -> Self {
        let snippet = if status.is_success() { String::new() } else { snippet(bytes) };
        Error::Status { operation, status, snippet, body_len: bytes.len() }
    }

    /// [`Error::Redirect`], naming `Location`'s host only.
    fn redirect(operation: &'static str, status: StatusCode, headers: &reqwest::header::HeaderMap) -> Self {
        let location_host = headers
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|l| url::Url::parse(l).ok())
            .and_then(|u| u.host_str().map(str::to_string));
        Error::Redirect { operation, status, location_host }
    }

    pub(crate) fn from_reqwest(source: reqwest::Error, operation: &'static str) -> Self {
        // The URL can hold path parameters that are secrets of end users
        // (`/auth/token/delete/{accessTokenIdentifier}`): never show it.
        let source = source.without_url();
        if let Some(limit) = crate::call::transport::body_limit_hit(&source) {
            return Error::BodyTooLarge { operation, limit };
        }
        if source.is_timeout() {
            Error::Timeout { operation, source: TransportError(source) }
        } else {
            Error::Transport { operation, source: TransportError(source) }
        }
    }
}

/// Reads a byte stream (already capped by the transport) to the end.
async fn collect(mut stream: progenitor_client::ByteStream) -> Result<Vec<u8>, reqwest::Error> {
    use std::future::poll_fn;
    let mut out = Vec::new();
    while let Some(chunk) = poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
        out.extend_from_slice(&chunk?);
    }
    Ok(out)
}

/// `(resultCode, resultMessage)` when the body is Authlete's error object.
fn api_fields(body: &serde_json::Value) -> Option<(Option<String>, Option<String>)> {
    let obj = body.as_object()?;
    let text = |k: &str| match obj.get(k)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    };
    let (code, message) = (text("resultCode"), text("resultMessage"));
    (code.is_some() || message.is_some()).then_some((code, message))
}

fn snippet(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(SNIPPET_BYTES)];
    let mut s = String::from_utf8_lossy(cut).into_owned();
    s.retain(|c| !c.is_control() || c == ' ');
    if bytes.len() > SNIPPET_BYTES {
        s.push('…');
    }
    s
}
