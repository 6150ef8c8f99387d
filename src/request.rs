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
    /// The type of the documented error bodies (Authlete's `resultCode` /
    /// `resultMessage` object, for almost every operation).
    type ErrorBody;
    /// The spec's `operationId`.
    const ID: &'static str;
    /// The HTTP method, upper case.
    const METHOD: &'static str;
    /// The path template, e.g. `/api/{serviceId}/auth/token`.
    const PATH: &'static str;
    /// Runs progenitor's `send`.
    fn send_raw(
        self,
    ) -> impl Future<Output = Result<ResponseValue<Self::Success>, progenitor_client::Error<Self::ErrorBody>>> + Send;
    /// What the client layer reads of a documented error body.
    fn error_body(body: Self::ErrorBody) -> ErrorBody;
    /// Wraps a decoded success.
    fn output(success: Self::Success) -> Self::Output;
    /// `Some(output)` when `status` is a body-less success of this operation.
    fn no_content(status: u16) -> Option<Self::Output>;
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
}

impl<B> Request<B> {
    pub(crate) fn new(builder: B) -> Self {
        Self { builder }
    }

    /// Applies `f` to the underlying progenitor builder.
    pub fn map(self, f: impl FnOnce(B) -> B) -> Self {
        Self { builder: f(self.builder) }
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

    /// Sends the request (with the client's credentials, timeouts and retry
    /// policy) and decodes the answer.
    ///
    /// # Errors
    /// An [`Error`] for every failure: Authlete's error body
    /// ([`Error::Api`]), another status, transport, timeout, an undecodable
    /// or oversized body, or an invalid request (e.g. no service id).
    pub async fn send(self) -> Result<Response<B::Output>, Error> {
        match self.builder.send_raw().await {
            Ok(value) => {
                let status = value.status().as_u16();
                let headers = value.headers().clone();
                Ok(Response { status, headers, body: B::output(value.into_inner()) })
            }
            Err(progenitor_client::Error::UnexpectedResponse(response))
                if B::no_content(response.status().as_u16()).is_some() =>
            {
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                let body = B::no_content(status).expect("checked by the guard");
                Ok(Response { status, headers, body })
            }
            Err(e) => Err(Error::from_progenitor(e, B::ID, B::error_body).await),
        }
    }
}

/// A decoded success: the body plus the status and headers it came with.
/// Dereferences to the body.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: T,
}

impl<T> Response<T> {
    /// The HTTP status (200, 201, ...).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
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

/// One row of the generated operations table.
#[derive(Clone, Copy)]
pub(crate) struct OperationEntry {
    /// The spec's `operationId`.
    pub id: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template.
    pub path: &'static str,
    /// Builds the operation's request from a client and returns its id:
    /// compiles only if the client has the method.
    pub check: fn(&crate::Authlete) -> &'static str,
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
/// For the coverage test: `(operationId, METHOD, path, id reported by the
/// client's method for it)`.
pub fn operations_checked(client: &crate::Authlete) -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    crate::generated::OPERATIONS.iter().map(|o| (o.id, o.method, o.path, (o.check)(client))).collect()
}
