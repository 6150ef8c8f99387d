//! One request to one operation, and what comes back.
//!
//! Every method of [`Authlete`](crate::Authlete) that names an operation
//! returns a [`Request`] wrapping progenitor's builder for it. Its setters are
//! the builder's (`body`, `body_map`, path and query parameters, and
//! `service_id` to override the client's default); [`Request::send`] runs it
//! and answers with a [`Response`] or a typed [`Error`](crate::Error).

use std::future::Future;
use std::ops::Deref;

use progenitor_client::ResponseValue;

use crate::error::Error;

/// What the generated layer knows about each operation builder
/// (implemented in generated code for every operation; not for users).
pub trait Operation: Sized {
    /// The type progenitor decodes a success into.
    type Success;
    /// What [`Request::send`] yields: `Success`, or `Option<Success>` for
    /// operations whose spec lists a body-less success status beside a typed
    /// one (`None` is "no content").
    type Output;
    /// The request body type (`()` for operations without one).
    type Body: serde::de::DeserializeOwned;
    /// The type of the documented error bodies (Authlete's `resultCode` /
    /// `resultMessage` object, for almost every operation).
    type ErrorBody;
    /// The spec's `operationId` (the Rust name where the spec has none).
    const ID: &'static str;
    /// The Rust method name on [`Authlete`](crate::Authlete), derived from
    /// the method and path (stable when upstream renames the `operationId`).
    const NAME: &'static str;
    /// The HTTP method, upper case.
    const METHOD: &'static str;
    /// The path template, e.g. `/api/{serviceId}/auth/token`.
    const PATH: &'static str;
    /// Runs progenitor's `send` (as rewritten by rule
    /// `explicit_call_context`) with this call's overrides and status.
    fn send_raw(
        self,
        call: &crate::transport::CallContext,
    ) -> impl Future<Output = Result<ResponseValue<Self::Success>, progenitor_client::Error<Self::ErrorBody>>> + Send;
    /// What the client layer reads of a documented error body.
    fn error_body(body: Self::ErrorBody) -> ErrorBody;
    /// Wraps a decoded success.
    fn output(success: Self::Success) -> Self::Output;
    /// `Some(output)` when `status` is a body-less success of this operation.
    fn no_content(status: u16) -> Option<Self::Output>;
}

/// An operation that returns `totalCount` items a window at a time, with
/// the query parameters `start` (inclusive) and `end` (exclusive).
/// Implemented in generated code for every operation of that shape (a rule
/// on the spec, not a list); walk it with [`Request::pages`].
pub trait Paged: Operation {
    /// Selects the window `start..end`.
    fn window(self, start: i64, end: i64) -> Self;
    /// `totalCount` of an answer, if it has one.
    fn total_count(output: &Self::Output) -> Option<i64>;
}

impl<B: Paged + Clone> Request<B> {
    /// Walks every page of a paged list operation, `page_size` items at a
    /// time (at least 1), from the first: each call to [`Pages::next`] sends
    /// one request. It stops after the page that reaches `totalCount`, or
    /// after an error (which it yields).
    ///
    /// ```no_run
    /// # async fn demo(authlete: authlete::Authlete) -> Result<(), authlete::Error> {
    /// let mut pages = authlete.client_get_list().pages(100);
    /// while let Some(page) = pages.next().await {
    ///     let page = page?;
    ///     for client in &page.clients {
    ///         println!("{:?}", client.client_id);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn pages(self, page_size: u32) -> Pages<B> {
        Pages { template: self, next_start: Some(0), page_size: i64::from(page_size.max(1)) }
    }
}

/// The pages of a paged list operation: see [`Request::pages`].
#[derive(Debug)]
#[must_use = "pages are fetched by `.next().await`"]
pub struct Pages<B> {
    template: Request<B>,
    next_start: Option<i64>,
    page_size: i64,
}

impl<B: Paged + Clone> Pages<B> {
    /// Fetches the next page; `None` once every page was fetched.
    pub async fn next(&mut self) -> Option<Result<Response<B::Output>, Error>> {
        let start = self.next_start?;
        let end = start.saturating_add(self.page_size);
        let result = self.template.clone().map(|b| b.window(start, end)).send().await;
        self.next_start = match &result {
            Ok(page) => B::total_count(page).filter(|total| end < *total).map(|_| end),
            Err(_) => None,
        };
        Some(result)
    }
}

/// A documented error body, as the client layer reads it.
#[doc(hidden)]
pub enum ErrorBody {
    /// A decoded JSON body.
    Json(serde_json::Value),
    /// A non-JSON body, still to be read.
    Stream(progenitor_client::ByteStream),
}

/// A request being prepared. Setters mirror the generated builder's; use
/// [`Request::send`] to run it, or [`Request::into_raw`] for progenitor's
/// builder itself.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct Request<B> {
    builder: B,
    timeouts: Option<crate::Timeouts>,
    retry: Option<crate::RetryConfig>,
}

impl<B> Request<B> {
    pub(crate) fn new(builder: B) -> Self {
        Self { builder, timeouts: None, retry: None }
    }

    /// Applies `f` to the underlying progenitor builder.
    pub fn map(self, f: impl FnOnce(B) -> B) -> Self {
        Self { builder: f(self.builder), ..self }
    }

    /// Timeouts for this call only, instead of the client's
    /// ([`AuthleteBuilder::timeouts`](crate::AuthleteBuilder::timeouts)).
    /// The connect timeout belongs to the connection pool and stays the
    /// client's.
    ///
    /// ```no_run
    /// # async fn demo(authlete: authlete::Authlete) -> Result<(), authlete::Error> {
    /// use std::time::Duration;
    /// let timeouts = authlete::Timeouts { total: Duration::from_secs(2), ..Default::default() };
    /// authlete.service_jwks_get().timeouts(timeouts).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn timeouts(self, timeouts: crate::Timeouts) -> Self {
        Self { timeouts: Some(timeouts), ..self }
    }

    /// The retry policy for this call only, instead of the client's
    /// ([`AuthleteBuilder::retry`](crate::AuthleteBuilder::retry)), e.g.
    /// [`RetryConfig::disabled()`](crate::RetryConfig::disabled) for a
    /// call that must not be sent twice.
    pub fn retry(self, retry: crate::RetryConfig) -> Self {
        Self { retry: Some(retry), ..self }
    }

    /// The underlying progenitor builder (its `send` returns progenitor's
    /// error type and does not map "no content").
    pub fn into_raw(self) -> B {
        self.builder
    }
}

impl<B: Operation> Request<B> {
    /// The spec's `operationId` of this request's operation.
    pub fn operation_id(&self) -> &'static str {
        B::ID
    }

    /// The Rust method name of this request's operation (what errors and
    /// traces call it).
    pub fn operation_name(&self) -> &'static str {
        B::NAME
    }

    /// Sends the request (with the client's credentials, timeouts and retry
    /// policy) and decodes the answer.
    ///
    /// # Errors
    /// An [`Error`] for every failure: Authlete's error body
    /// ([`Error::Api`]), another status, transport, timeout, an undecodable
    /// or oversized body, or an invalid request (e.g. no service id).
    // A function returning an `async move` block rather than an `async fn`:
    // the `async fn` would hold `self` twice (its argument and its local).
    #[allow(clippy::manual_async_fn)]
    pub fn send(self) -> impl Future<Output = Result<Response<B::Output>, Error>> {
        async move {
            // The request's own settings in, the final status out (for errors
            // progenitor reports without it).
            let call = crate::transport::CallContext::new(self.timeouts, self.retry);
            let result = self.builder.send_raw(&call).await;
            let status = call.status();
            let status = reqwest::StatusCode::from_u16(status).ok();
            match result {
                // progenitor's value already owns the status and headers: kept as
                // they are, not copied.
                Ok(value) => {
                    let mut body = None;
                    let parts = value.map::<_, _, std::convert::Infallible>(|success| body = Some(B::output(success)));
                    match (parts, body) {
                        (Ok(parts), Some(body)) => Ok(Response { parts, body }),
                        // `map` calls the closure once and cannot fail.
                        _ => unreachable!("ResponseValue::map ran its closure"),
                    }
                }
                Err(progenitor_client::Error::UnexpectedResponse(response))
                    if B::no_content(response.status().as_u16()).is_some() =>
                {
                    let body = B::no_content(response.status().as_u16()).expect("checked by the guard");
                    Ok(Response { parts: crate::decode::empty(response), body })
                }
                // Boxed: the error path's future would otherwise add its size to
                // every call's future.
                Err(e) => Err(Box::pin(Error::from_progenitor(e, B::NAME, B::error_body, status)).await),
            }
        }
    }
}

/// A path parameter as the generated code writes it into a URL (rule
/// `unallocated_path_segments`): percent-encoded exactly as progenitor's
/// `encode_path`, written straight into the URL instead of through two
/// temporary strings.
#[doc(hidden)]
pub struct PathSegment<'a, T: ?Sized>(pub &'a T);

/// progenitor-client's `PATH_SET`: what a path segment must not contain.
const PATH_SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');

impl<T: std::fmt::Display + ?Sized> std::fmt::Display for PathSegment<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Each piece the value writes is encoded as it comes; the encoding
        // is byte by byte, so the pieces' boundaries do not matter.
        struct Encode<'a, 'b>(&'a mut std::fmt::Formatter<'b>);
        impl std::fmt::Write for Encode<'_, '_> {
            fn write_str(&mut self, s: &str) -> std::fmt::Result {
                percent_encoding::utf8_percent_encode(s, PATH_SET).try_for_each(|chunk| self.0.write_str(chunk))
            }
        }
        std::fmt::Write::write_fmt(&mut Encode(f), format_args!("{}", self.0))
    }
}

/// An operation's URL (rule `urls_from_the_parsed_base`): the client's base
/// URL, parsed once when it was built, with `path` (which starts with `/`)
/// after the base's own path. The same URL as parsing the base and the path
/// written out together, without parsing the scheme and host every time.
pub(crate) fn url(client: &crate::generated::Client, path: std::fmt::Arguments<'_>) -> url::Url {
    let base = &client.inner.base;
    let prefix = base.path().trim_end_matches('/');
    let mut full = String::with_capacity(prefix.len() + 96);
    full.push_str(prefix);
    // Writing into a `String` cannot fail.
    let _ = std::fmt::Write::write_fmt(&mut full, path);
    let mut url = base.clone();
    url.set_path(&full);
    url
}

/// A decoded success: the body plus the status and headers it came with.
/// Dereferences to the body.
pub struct Response<T> {
    /// progenitor's status and headers, moved rather than copied.
    parts: ResponseValue<()>,
    body: T,
}

impl<T> Response<T> {
    /// The HTTP status (200, 201, ...).
    pub fn status(&self) -> u16 {
        self.parts.status().as_u16()
    }

    /// The response headers.
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        self.parts.headers()
    }

    /// The body.
    pub fn into_inner(self) -> T {
        self.body
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.body
    }
}

impl<T: Clone> Clone for Response<T> {
    fn clone(&self) -> Self {
        let parts = ResponseValue::new((), self.parts.status(), self.parts.headers().clone());
        Response { parts, body: self.body.clone() }
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status())
            .field("headers", self.headers())
            .field("body", &self.body)
            .finish()
    }
}

/// A boxed future of the operations table.
#[cfg(feature = "mock")]
type BoxFuture<'a, T> = std::pin::Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One row of the generated operations table (for tests and tools; not
/// API). The columns that call, decode and check operations exist with
/// feature `mock` only: they instantiate every body type's serde code a
/// second time, which no user's build needs.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct OperationEntry {
    /// The spec's `operationId`.
    pub id: &'static str,
    /// The Rust method name.
    pub name: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template.
    pub path: &'static str,
    #[cfg(feature = "mock")]
    /// Builds the operation's request from a client and returns its id:
    /// compiles only if the client has the method.
    pub check: fn(&crate::Authlete) -> &'static str,
    #[cfg(feature = "mock")]
    /// Decodes a success body as the client does.
    pub decode_success: fn(&[u8]) -> Result<(), String>,
    #[cfg(feature = "mock")]
    /// Decodes a documented error body as the client does.
    pub decode_error: fn(&[u8]) -> Result<(), String>,
    #[cfg(feature = "mock")]
    /// Sends the operation with parameters from a JSON object (keys: the
    /// spec's parameter names, and `body`); yields the success status.
    pub call_json: for<'a> fn(&'a crate::Authlete, serde_json::Value) -> BoxFuture<'a, Result<u16, Error>>,
}

/// The value for parameter `flat_name` (letters and digits, lower case) in
/// a JSON object keyed by the spec's names.
#[doc(hidden)]
#[cfg(feature = "mock")]
pub fn json_param(params: &serde_json::Value, flat_name: &str) -> Option<serde_json::Value> {
    params.as_object()?.iter().find_map(|(k, v)| {
        let flat: String = k.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
        (flat == flat_name).then(|| v.clone())
    })
}

/// Decodes a parameter value, as an invalid-request error if it does not fit.
#[doc(hidden)]
#[cfg(feature = "mock")]
pub fn from_json<T: serde::de::DeserializeOwned>(operation: &'static str, v: serde_json::Value) -> Result<T, Error> {
    serde_json::from_value(v).map_err(|e| Error::InvalidRequest { operation, message: e.to_string() })
}

/// The generated operations table.
#[doc(hidden)]
pub fn operation_table() -> &'static [OperationEntry] {
    &crate::generated::OPERATIONS
}

/// Every operation of the spec the crate was built from, as
/// `(operationId, METHOD, path)`.
///
/// ```
/// let ops: Vec<_> = authlete::operations().collect();
/// assert!(ops.iter().any(|(id, _, _)| *id == "idtoken_reissue_api"));
/// ```
pub fn operations() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    crate::generated::OPERATIONS.iter().map(|o| (o.id, o.method, o.path))
}

#[doc(hidden)]
#[cfg(feature = "mock")]
/// For the coverage test: `(operationId, METHOD, path, id reported by the
/// client's method for it)`.
pub fn operations_checked(client: &crate::Authlete) -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    crate::generated::OPERATIONS.iter().map(|o| (o.id, o.method, o.path, (o.check)(client))).collect()
}

#[cfg(test)]
mod tests {
    use super::PathSegment;

    #[test]
    fn path_segments_encode_as_progenitor_does() {
        for raw in ["715948317", "a b/c%d?e#f", "ünï{c}ode`<>\"", "", "x\u{7f}\n", "ok-._~!$&'()*+,;=:@"] {
            assert_eq!(PathSegment(raw).to_string(), progenitor_client::encode_path(raw), "{raw:?}");
        }
        assert_eq!(PathSegment(&42i64).to_string(), "42");
    }

    /// What the URL was before rule `urls_from_the_parsed_base`: the base
    /// and the path written out together, and all of it parsed.
    fn parsed_whole(client: &crate::generated::Client, path: &str) -> url::Url {
        url::Url::parse(&format!("{}{path}", client.baseurl)).unwrap()
    }

    const BASES: [&str; 7] = [
        "http://127.0.0.1:8080",
        "https://Example.COM:443/",
        "https://h.example/prefix",
        "https://h.example/a%20b/",
        "http://[::1]:9/p/../q",
        "https://bücher.example/x/",
        "https://h.example//",
    ];

    #[test]
    fn urls_are_the_ones_parsing_the_whole_string_gives() {
        let params = ["a b/c", "..", ".", "%2F", "?#", "ü", "x\ty", "{id}", "a.b-c_d~e", "", "\\x"];
        for base in BASES {
            let authlete = crate::Authlete::builder().base_url(base).build().unwrap();
            let client = authlete.raw();
            for p in params {
                let ours = super::url(client, format_args!("/api/{}/x", PathSegment(p)));
                let whole = parsed_whole(client, &format!("/api/{}/x", PathSegment(p)));
                assert_eq!(ours.as_str(), whole.as_str(), "base {base:?}, parameter {p:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_path_parameter_gives_the_url_parsing_would(base in 0..BASES.len(), p in ".*") {
            let authlete = crate::Authlete::builder().base_url(BASES[base]).build().unwrap();
            let client = authlete.raw();
            let ours = super::url(client, format_args!("/api/{}/x/{}", PathSegment(&p), PathSegment(&p)));
            let whole = parsed_whole(client, &format!("/api/{}/x/{}", PathSegment(&p), PathSegment(&p)));
            proptest::prop_assert_eq!(ours.as_str(), whole.as_str());
        }
    }
}
