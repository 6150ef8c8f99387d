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

/// What the generated layer knows about each operation builder: its
/// types, ids, method and path. Implemented in generated code for every
/// operation (the request builders of `authlete::raw::builder`); its
/// hidden methods are the client's, not API.
pub trait Operation: Sized {
    /// The type progenitor decodes a success into.
    type Success: Send;
    /// What [`Request::send`] yields: `Success`, or `Option<Success>` for
    /// operations whose spec lists a body-less success status beside a typed
    /// one (`None` is "no content").
    type Output: Send;
    /// The request body type (`()` for operations without one).
    type Body: serde::de::DeserializeOwned;
    #[doc(hidden)]
    /// The type of the documented error bodies (Authlete's `resultCode` /
    /// `resultMessage` object, for almost every operation).
    type ErrorBody: Send;
    /// The spec's `operationId` (the Rust name where the spec has none).
    const ID: &'static str;
    /// The Rust method name on [`Authlete`](crate::Authlete), derived from
    /// the method and path (stable when upstream renames the `operationId`).
    const NAME: &'static str;
    /// The HTTP method, upper case.
    const METHOD: &'static str;
    /// The path template, e.g. `/api/{serviceId}/auth/token`.
    const PATH: &'static str;
    #[doc(hidden)]
    /// Runs progenitor's `send` (as rewritten by rule
    /// `explicit_call_context`) with this call's overrides and status.
    fn send_raw(
        self,
        call: &crate::call::transport::CallContext,
    ) -> impl Future<Output = Result<ResponseValue<Self::Success>, progenitor_client::Error<Self::ErrorBody>>> + Send;
    #[doc(hidden)]
    /// What the client layer reads of a documented error body.
    fn error_body(body: Self::ErrorBody) -> ErrorBody;
    #[doc(hidden)]
    /// Wraps a decoded success.
    fn output(success: Self::Success) -> Self::Output;
    #[doc(hidden)]
    /// `Some(output)` when `status` is a body-less success of this operation.
    fn no_content(status: u16) -> Option<Self::Output>;
    #[doc(hidden)]
    /// A body of a success status the spec does not list, decoded as
    /// `Success` if it is JSON of that type.
    fn decode_success(bytes: &[u8]) -> Option<Self::Success>;
}

/// Headers that frame the HTTP message: reqwest and hyper set them, and a
/// request of the app's own may not.
const FRAMING_HEADERS: [http::HeaderName; 4] =
    [http::header::HOST, http::header::CONTENT_LENGTH, http::header::TRANSFER_ENCODING, http::header::CONNECTION];

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
#[derive(Clone)]
#[must_use = "a request does nothing until `.send().await`"]
pub struct Request<B> {
    builder: B,
    timeouts: Option<crate::Timeouts>,
    retry: Option<crate::RetryConfig>,
    /// Boxed: most requests have none, and the request is part of every
    /// call's future.
    headers: Option<Box<http::HeaderMap>>,
}

impl<B: std::fmt::Debug> std::fmt::Debug for Request<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("builder", &self.builder)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("headers", &crate::call::transport::HeaderNames(&self.headers))
            .finish()
    }
}

impl<B> Request<B> {
    // Unused in a build without operations.
    #[cfg_attr(not(feature = "full"), allow(dead_code))]
    pub(crate) fn new(builder: B) -> Self {
        Self { builder, timeouts: None, retry: None, headers: None }
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

    /// A header for this call only (a trace id, a gateway's key), sent
    /// with every attempt; it replaces a header of the same name the
    /// request would have had. The client's token is set after it: with a
    /// token configured, an `Authorization` given here is replaced. The
    /// headers that frame the message (`Host`, `Content-Length`,
    /// `Transfer-Encoding`, `Connection`) are the client's:
    /// [`send`](Self::send) refuses a request that sets one
    /// ([`Error::InvalidRequest`]).
    ///
    /// ```no_run
    /// # async fn demo(authlete: authlete::Authlete) -> Result<(), authlete::Error> {
    /// use http::{HeaderName, HeaderValue};
    /// authlete
    ///     .service_get()
    ///     .header(HeaderName::from_static("x-request-id"), HeaderValue::from_static("4bf92f35"))
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn header(mut self, name: http::HeaderName, value: http::HeaderValue) -> Self {
        self.headers.get_or_insert_with(Default::default).append(name, value);
        self
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
            if let Some(name) = self.headers.iter().flat_map(|h| h.keys()).find(|n| FRAMING_HEADERS.contains(n)) {
                let message = format!("the header {name} is set by the client, not by a request");
                return Err(Error::InvalidRequest { operation: B::NAME, message });
            }
            let call = crate::call::transport::CallContext::new(self.timeouts, self.retry).with_headers(self.headers);
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
                    Ok(Response { parts: crate::call::decode::empty(response), body })
                }
                // A success status this revision of the spec does not list
                // (201 where it lists 200): a success if the body is one.
                Err(progenitor_client::Error::UnexpectedResponse(response)) if response.status().is_success() => {
                    Box::pin(undocumented_success::<B>(response)).await
                }
                // Boxed: the error path's future would otherwise add its size to
                // every call's future.
                Err(e) => Err(Box::pin(Error::from_progenitor(e, B::NAME, B::error_body, status)).await),
            }
        }
    }
}

/// An answer with a success status the operation does not document: a
/// [`Response`] when its body decodes as the operation's success type,
/// otherwise [`Error::Status`] (the body's length only: a success body can
/// carry end users' tokens).
async fn undocumented_success<B: Operation>(mut response: reqwest::Response) -> Result<Response<B::Output>, Error> {
    let (status, headers) = (response.status(), std::mem::take(response.headers_mut()));
    let bytes = response.bytes().await.map_err(|e| Error::from_reqwest(e, B::NAME))?;
    match B::decode_success(&bytes) {
        Some(success) => {
            #[cfg(feature = "tracing")]
            tracing::warn!(
                operation = B::NAME,
                status = status.as_u16(),
                "a success status the spec does not list for this operation; its body decoded as the success type"
            );
            Ok(Response { parts: ResponseValue::new((), status, headers), body: B::output(success) })
        }
        None => Err(Error::Status { operation: B::NAME, status, snippet: String::new(), body_len: bytes.len() }),
    }
}

/// A decoded success: the body plus the status and headers it came with.
/// Dereferences to the body.
pub struct Response<T> {
    /// progenitor's status and headers, moved rather than copied.
    parts: ResponseValue<()>,
    body: T,
}

impl<T> Response<T> {
    /// The HTTP status (200, 201, ...): the same type as
    /// [`Error::status`](crate::Error::status) and
    /// [`EndpointResponse::status`](crate::EndpointResponse::status).
    pub fn status(&self) -> http::StatusCode {
        self.parts.status()
    }

    /// The response headers.
    pub fn headers(&self) -> &http::HeaderMap {
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

/// One operation of the spec the crate was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiOperation {
    /// The Rust method name on [`Authlete`](crate::Authlete) (`auth_token`).
    pub name: &'static str,
    /// The spec's `operationId` (the Rust name where the spec has none).
    pub id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, e.g. `/api/{serviceId}/auth/token`.
    pub path: &'static str,
}

/// Every operation of the spec the crate was built from that this build
/// compiles (those of the operation group features that are on).
///
/// ```
/// let reissue = authlete::operations().find(|o| o.name == "idtoken_reissue").unwrap();
/// assert_eq!((reissue.method, reissue.path), ("POST", "/api/{serviceId}/idtoken/reissue"));
/// ```
pub fn operations() -> impl Iterator<Item = ApiOperation> {
    crate::generated::OPERATIONS.iter().copied()
}
