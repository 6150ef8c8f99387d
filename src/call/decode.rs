//! How the generated `send` turns an answer into progenitor's
//! `ResponseValue` (rule `responses_keep_their_headers`): what progenitor's
//! own `from_response`, `empty` and `stream` do, except that the answer's
//! headers are moved into the value instead of copied (a header map clone
//! is two allocations on every call). Also smaller futures: the response is
//! handed to reqwest's body reader before the first await.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use progenitor_client::{ByteStream, Error, ResponseValue};

/// Reads the whole body and decodes it as JSON (progenitor's `from_response`).
pub(crate) fn json<T: serde::de::DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Json<T, E, impl Future<Output = reqwest::Result<bytes::Bytes>>> {
    let (status, headers) = (response.status(), std::mem::take(response.headers_mut()));
    Json { status, headers, body: response.bytes(), decoded: PhantomData }
}

pin_project_lite::pin_project! {
    /// [`json`]'s future, written out: an `async` block would keep both
    /// the body future it was given and the one it awaits, and this future
    /// is part of every call's.
    pub(crate) struct Json<T, E, F> {
        status: reqwest::StatusCode,
        headers: reqwest::header::HeaderMap,
        #[pin]
        body: F,
        decoded: PhantomData<fn() -> (T, E)>,
    }
}

impl<T: serde::de::DeserializeOwned, E, F> Future for Json<T, E, F>
where
    F: Future<Output = reqwest::Result<bytes::Bytes>>,
{
    type Output = Result<ResponseValue<T>, Error<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let full = match this.body.poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Err(e)) => return Poll::Ready(Err(Error::ResponseBodyError(e))),
            Poll::Ready(Ok(full)) => full,
        };
        Poll::Ready(match serde_json::from_slice(&full) {
            Ok(inner) => Ok(ResponseValue::new(inner, *this.status, std::mem::take(this.headers))),
            Err(e) => Err(Error::InvalidResponsePayload(full, e)),
        })
    }
}

/// An answer without a body (progenitor's `empty`).
pub(crate) fn empty(mut response: reqwest::Response) -> ResponseValue<()> {
    let headers = std::mem::take(response.headers_mut());
    ResponseValue::new((), response.status(), headers)
}

/// An answer whose body is read as it arrives (progenitor's `stream`).
pub(crate) fn stream(mut response: reqwest::Response) -> ResponseValue<ByteStream> {
    let (status, headers) = (response.status(), std::mem::take(response.headers_mut()));
    ResponseValue::new(ByteStream::new(Box::pin(response.bytes_stream())), status, headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &'static str) -> reqwest::Response {
        http::Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .header("x-request-id", "r-1")
            .body(body)
            .unwrap()
            .into()
    }

    #[tokio::test]
    async fn json_keeps_status_headers_and_body() {
        let value: ResponseValue<serde_json::Value> = json::<_, ()>(answer(201, r#"{"a":1}"#)).await.unwrap();
        assert_eq!(value.status(), 201);
        assert_eq!(value.headers()["x-request-id"], "r-1");
        assert_eq!(value.into_inner(), serde_json::json!({"a": 1}));
    }

    #[tokio::test]
    async fn json_that_does_not_parse_keeps_the_bytes() {
        match json::<serde_json::Value, ()>(answer(200, "<html>")).await {
            Err(Error::InvalidResponsePayload(bytes, _)) => assert_eq!(&bytes[..], b"<html>"),
            other => panic!("expected an invalid payload, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn empty_and_stream_keep_the_headers() {
        let value = empty(answer(204, ""));
        assert_eq!(value.status(), 204);
        assert_eq!(value.headers()["x-request-id"], "r-1");
        let value = stream(answer(200, "chunk"));
        assert_eq!(value.headers()["content-type"], "application/json");
        let mut body = value.into_inner().into_inner();
        let chunk = futures_util::StreamExt::next(&mut body).await.unwrap().unwrap();
        assert_eq!(&chunk[..], b"chunk");
    }
}
