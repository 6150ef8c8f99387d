//! What happens to every request the generated client sends: the bearer
//! token, per-attempt and total timeouts, the retry policy, the body cap and
//! tracing. The generated `send_in` of every operation hands its request to
//! `exec_in` with the call's [`CallContext`] (rule `explicit_call_context`)
//! and the function that builds it again for a retry (rule
//! `retries_rebuild_the_request`); progenitor's own path,
//! `ClientHooks::exec`, comes here too, so the raw client (`Authlete::raw`)
//! gets the same treatment.

use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::RETRY_AFTER;
use reqwest::{Method, StatusCode};

use crate::client::config::{RetryConfig, Timeouts};

/// The client-wide settings the generated client carries as its `inner`.
#[derive(Clone)]
pub struct Transport {
    pub(crate) credentials: crate::client::credentials::Credentials,
    pub(crate) retry: RetryConfig,
    pub(crate) timeouts: Timeouts,
    pub(crate) max_body_bytes: usize,
    /// The per-request timeout the reqwest client already applies (set when
    /// the crate built it): a request whose limit is that one needs none of
    /// its own.
    pub(crate) client_timeout: Option<Duration>,
    /// The base URL, parsed (`crate::call::url::url` puts each operation's
    /// path on a copy).
    pub(crate) base: url::Url,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("timeouts", &self.timeouts)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("base", &self.base.as_str())
            .finish()
    }
}

impl ClientHooks<Transport> for crate::generated::Client {
    // progenitor's own `exec`, for calls that did not come through
    // `Request::send` (none do once rule `explicit_call_context` has run).
    fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> impl std::future::Future<Output = reqwest::Result<reqwest::Response>> {
        self.exec_in(request, info, &NO_OVERRIDES, None)
    }
}

impl crate::generated::Client {
    /// Runs one call through the transport, with `call`'s overrides; its
    /// status is left in `call`. A retry sends `rebuild()`'s request, or
    /// without one a copy of `request` kept for it. A plain function
    /// returning the transport's own future, not an `async fn`: that would
    /// keep a second copy of the request in its state, and every call's
    /// future carries this one.
    pub(crate) fn exec_in<'a>(
        &'a self,
        request: reqwest::Request,
        info: &OperationInfo,
        call: &'a CallContext,
        rebuild: Option<&'a Rebuild<'a>>,
    ) -> impl std::future::Future<Output = reqwest::Result<reqwest::Response>> + 'a {
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument;
            // One span per call; the attempts are events inside it. No
            // header is ever recorded, so the token cannot show.
            let span = tracing::debug_span!(
                target: "authlete",
                "authlete.call",
                operation = info.operation_id,
                method = %request.method(),
                attempts = tracing::field::Empty,
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            );
            self.inner.execute(&self.client, request, info.operation_id, call, rebuild).instrument(span)
        }
        #[cfg(not(feature = "tracing"))]
        self.inner.execute(&self.client, request, info.operation_id, call, rebuild)
    }
}

/// Builds an operation's request again, the same as the first time: what a
/// retry sends, instead of a copy of every request made in case one is
/// needed (a sent request is consumed).
pub(crate) type Rebuild<'a> = dyn Fn() -> reqwest::Result<reqwest::Request> + Sync + 'a;

/// What one call carries through progenitor's generated `send` (rule
/// `explicit_call_context` passes it down): the request's own overrides
/// in, the final status out. Not API.
#[doc(hidden)]
pub struct CallContext {
    /// The status of the last answer (0: none), for errors that progenitor
    /// reports without it (an undecodable body).
    status: AtomicU16,
    /// `Request::timeouts`, replacing the client's for this call.
    timeouts: Option<Timeouts>,
    /// `Request::retry`, replacing the client's for this call.
    retry: Option<RetryConfig>,
    /// `Request::header`: added to every attempt.
    headers: Option<Box<http::HeaderMap>>,
}

impl CallContext {
    pub(crate) const fn new(timeouts: Option<Timeouts>, retry: Option<RetryConfig>) -> Self {
        Self { status: AtomicU16::new(0), timeouts, retry, headers: None }
    }

    pub(crate) fn with_headers(self, headers: Option<Box<http::HeaderMap>>) -> Self {
        Self { headers, ..self }
    }

    /// The status of the call's last answer, 0 if none came.
    pub(crate) fn status(&self) -> u16 {
        self.status.load(Ordering::Relaxed)
    }
}

impl std::fmt::Debug for CallContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallContext")
            .field("status", &self.status)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("headers", &HeaderNames(&self.headers))
            .finish()
    }
}

/// Debug-prints a request's extra headers by name only: a header of the
/// app's own can be a secret.
pub(crate) struct HeaderNames<'a>(pub(crate) &'a Option<Box<http::HeaderMap>>);

impl std::fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.iter().flat_map(|h| h.keys()).map(|k| k.as_str())).finish()
    }
}

/// The context of calls made through progenitor's own `send`: the client's
/// settings; the status it records is not read.
pub(crate) static NO_OVERRIDES: CallContext = CallContext::new(None, None);

/// Marker error in a body stream that passed the size limit.
#[derive(Debug)]
pub(crate) struct BodyLimitExceeded(pub usize);

impl std::fmt::Display for BodyLimitExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "response body exceeds {} bytes", self.0)
    }
}

impl std::error::Error for BodyLimitExceeded {}

/// The limit, if `error` was caused by [`BodyLimitExceeded`].
pub(crate) fn body_limit_hit(error: &(dyn std::error::Error + 'static)) -> Option<usize> {
    let mut current = Some(error);
    while let Some(e) = current {
        if let Some(hit) = e.downcast_ref::<BodyLimitExceeded>() {
            return Some(hit.0);
        }
        current = e.source();
    }
    None
}

/// Why an attempt is followed by another.
enum Verdict {
    Done,
    RetryAfter(Duration),
}

impl Transport {
    /// Starts a call: the first attempt is under way when this returns.
    pub(crate) fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation: &'static str,
        call: &'a CallContext,
        rebuild: Option<&'a Rebuild<'a>>,
    ) -> Execute<'a, impl std::future::Future<Output = reqwest::Result<reqwest::Response>> + Unpin> {
        // A request's own settings win over the client's.
        let (timeouts, retry) = (call.timeouts.unwrap_or(self.timeouts), call.retry.unwrap_or(self.retry));
        let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        // The one clock read of a call that is not retried (and not traced).
        let call_started = Instant::now();
        let mut attempts = Execute {
            transport: self,
            call,
            client,
            operation,
            timeouts,
            retry,
            safe,
            attempt: 1,
            call_started,
            // A total too large to add means no overall limit.
            deadline: call_started.checked_add(timeouts.total),
            started: call_started,
            spare: None,
            rebuild,
            asked_again: false,
            start: start_attempt,
            state: State::Done,
        };
        attempts.send(request);
        attempts
    }
}

/// One call through [`Transport::execute`]: its attempts, and the waits
/// between them. Written by hand rather than as an `async fn` so that its
/// state holds one request and one spare, nothing more: this future is part
/// of every call's.
pub(crate) struct Execute<'a, F> {
    transport: &'a Transport,
    call: &'a CallContext,
    client: &'a reqwest::Client,
    operation: &'static str,
    timeouts: Timeouts,
    retry: RetryConfig,
    safe: bool,
    attempt: u32,
    call_started: Instant,
    deadline: Option<Instant>,
    /// When the current attempt started.
    started: Instant,
    /// A copy of the request for the next attempt (a sent request is
    /// consumed), while one may follow and there is no `rebuild`. Boxed:
    /// the generated operations rebuild instead, and their futures should
    /// not carry the room for a request they never keep.
    spare: Option<Box<reqwest::Request>>,
    /// Makes the next attempt's request (the generated operations have one).
    rebuild: Option<&'a Rebuild<'a>>,
    /// Whether the server already had the request again for what the
    /// credentials learnt from it (a DPoP nonce): once per call.
    asked_again: bool,
    /// Sends one attempt (reqwest's future for it cannot be named).
    start: fn(&reqwest::Client, reqwest::Request) -> F,
    state: State<F>,
}

/// reqwest's `Client::execute`, as a function whose result type the call's
/// future can hold without a box.
fn start_attempt(
    client: &reqwest::Client,
    request: reqwest::Request,
) -> impl std::future::Future<Output = reqwest::Result<reqwest::Response>> + Unpin {
    client.execute(request)
}

enum State<F> {
    /// An attempt is under way.
    Sending(F),
    /// Waiting before the next attempt; boxed, as only a retry needs a
    /// timer's space.
    Waiting(std::pin::Pin<Box<tokio::time::Sleep>>),
    /// The answer was handed out.
    Done,
}

impl<F> Execute<'_, F> {
    /// Sends attempt `self.attempt` with the token, keeping a spare copy if
    /// another may follow and there is no `rebuild` to make it.
    fn send(&mut self, mut request: reqwest::Request) {
        if let Some(extra) = &self.call.headers {
            let headers = request.headers_mut();
            for name in extra.keys() {
                headers.remove(name);
            }
            for (name, value) in extra.iter() {
                headers.append(name.clone(), value.clone());
            }
        }
        self.transport.credentials.apply(&mut request);
        let another =
            self.attempt < self.retry.max_attempts || (!self.asked_again && self.transport.credentials.may_ask_again());
        self.spare = (another && self.rebuild.is_none()).then(|| request.try_clone().map(Box::new)).flatten();
        let remaining = match (self.attempt, self.deadline) {
            (1, _) | (_, None) => self.timeouts.total,
            (_, Some(d)) => d.saturating_duration_since(self.started),
        };
        // One timer per attempt, armed by reqwest: the client's own when it
        // is the right one, else this request's.
        let limit = self.timeouts.attempt.min(remaining);
        if self.transport.client_timeout != Some(limit) {
            *request.timeout_mut() = Some(limit);
        }
        self.state = State::Sending((self.start)(self.client, request));
    }

    /// What follows an attempt's result: `None` when another attempt is
    /// waited for, else the call's answer.
    fn settle(&mut self, result: reqwest::Result<reqwest::Response>) -> Option<reqwest::Result<reqwest::Response>> {
        // The clock is read again only where it is needed: for a retry's
        // deadline, or for a trace that is recorded.
        let traced = tracing_enabled();
        let ended = traced.then(Instant::now);
        if let Some(ended) = ended {
            trace_attempt(self.operation, self.attempt, &result, ended.saturating_duration_since(self.started));
        }
        // The server refused the request unread and said how to make it
        // acceptable (RFC 9449's `use_dpop_nonce`): sent again at once,
        // whatever the method, and not counted as a retry.
        if let Ok(response) = &result {
            let resendable = self.rebuild.is_some() || self.spare.is_some();
            if self.transport.credentials.observe(response) && !self.asked_again && resendable {
                self.asked_again = true;
                self.state = State::Waiting(Box::pin(tokio::time::sleep(Duration::ZERO)));
                return None;
            }
        }
        if let Verdict::RetryAfter(wait) =
            verdict(&self.retry, &self.transport.base, &result, self.safe, self.attempt + 1)
        {
            let resendable = self.attempt < self.retry.max_attempts && (self.rebuild.is_some() || self.spare.is_some());
            if resendable && fits(ended.unwrap_or_else(Instant::now), wait, self.deadline) {
                self.state = State::Waiting(Box::pin(tokio::time::sleep(wait)));
                self.attempt += 1;
                return None;
            }
        }
        self.spare = None;
        self.state = State::Done;
        if let Ok(r) = &result {
            self.call.status.store(r.status().as_u16(), Ordering::Relaxed);
        }
        if traced {
            trace_call(self.attempt, &result, self.call_started.elapsed());
        }
        Some(result.map(|r| self.transport.limit_body(r)))
    }
}

impl<F> std::future::Future for Execute<'_, F>
where
    F: std::future::Future<Output = reqwest::Result<reqwest::Response>> + Unpin,
{
    type Output = reqwest::Result<reqwest::Response>;

    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        use std::task::Poll;
        // Every field is `Unpin` (reqwest's future boxes its state; the sleep is boxed).
        let this = self.get_mut();
        loop {
            match &mut this.state {
                State::Sending(pending) => {
                    let Poll::Ready(result) = std::pin::Pin::new(pending).poll(cx) else { return Poll::Pending };
                    if let Some(answer) = this.settle(result) {
                        return Poll::Ready(answer);
                    }
                }
                State::Waiting(sleep) => {
                    let Poll::Ready(()) = sleep.as_mut().poll(cx) else { return Poll::Pending };
                    this.started = Instant::now();
                    match (this.spare.take(), this.rebuild) {
                        (Some(next), _) => this.send(*next),
                        (None, Some(rebuild)) => match rebuild() {
                            Ok(next) => this.send(next),
                            // It was built once from the same inputs; should
                            // it fail now, that is the call's answer.
                            Err(e) => {
                                this.state = State::Done;
                                return Poll::Ready(Err(e));
                            }
                        },
                        (None, None) => unreachable!("`settle` waits only when a next request can be made"),
                    }
                }
                State::Done => panic!("authlete: a call's future was polled after it completed"),
            }
        }
    }
}

/// Whether attempts and calls are traced (a subscriber wants the
/// crate's debug events): their latencies cost clock reads.
#[cfg(feature = "tracing")]
fn tracing_enabled() -> bool {
    tracing::enabled!(target: "authlete", tracing::Level::DEBUG)
}

#[cfg(not(feature = "tracing"))]
fn tracing_enabled() -> bool {
    false
}

/// `url`'s path after the base URL's own path (a prefix such as `/authlete`).
fn operation_path<'a>(base: &url::Url, url: &'a url::Url) -> &'a str {
    let path = url.path();
    path.strip_prefix(base.path().trim_end_matches('/')).unwrap_or(path)
}

fn verdict(
    retry: &RetryConfig,
    base: &url::Url,
    result: &reqwest::Result<reqwest::Response>,
    safe: bool,
    next: u32,
) -> Verdict {
    let backoff = || Verdict::RetryAfter(retry.backoff(next));
    match result {
        // Never left this machine: always safe to send again.
        Err(e) if e.is_connect() => backoff(),
        // May have reached Authlete.
        Err(e) if safe && (e.is_timeout() || e.is_request()) => backoff(),
        Err(_) => Verdict::Done,
        Ok(response) => {
            let status = response.status();
            let not_processed = matches!(
                status,
                StatusCode::REQUEST_TIMEOUT | StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
            );
            let gateway = matches!(status, StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT);
            if !(not_processed || (gateway && safe)) {
                return Verdict::Done;
            }
            // A proxy may answer 408 or 503 after forwarding: a protocol call
            // sent again could consume a code twice (which revokes the
            // tokens already issued). Only 429 says it was not processed.
            if !safe
                && status != StatusCode::TOO_MANY_REQUESTS
                && is_protocol_path(operation_path(base, response.url()))
            {
                return Verdict::Done;
            }
            match retry_after(response) {
                Some(wait) if wait > retry.max_retry_after => Verdict::Done,
                Some(wait) => Verdict::RetryAfter(wait),
                None => backoff(),
            }
        }
    }
}

/// The first path segment of each family of Authlete's protocol APIs (the
/// ones an authorization server calls for its clients' requests), after
/// `/api/{serviceId}/`; `client/registration` is dynamic client registration.
const PROTOCOL_FAMILIES: &[&str] =
    &["auth", "pushed_auth_req", "backchannel", "device", "gm", "vci", "federation", "idtoken"];

/// Whether `path` (an operation's URL path, after any prefix of the base
/// URL) is a protocol API: `/api/{serviceId}/<family>/...` with a family of
/// [`PROTOCOL_FAMILIES`], or `/api/{serviceId}/client/registration...`.
/// Management APIs (`/api/{serviceId}/service/...`, `/client/...`,
/// `/api/service/...`, ...) are the rest.
pub(crate) fn is_protocol_path(path: &str) -> bool {
    let mut segments = path.split('/').skip(1);
    let (Some("api"), Some(_service), Some(family)) = (segments.next(), segments.next(), segments.next()) else {
        return false;
    };
    PROTOCOL_FAMILIES.contains(&family) || (family == "client" && segments.next() == Some("registration"))
}

impl Transport {
    /// Wraps the body so that reading past `max_body_bytes` fails with
    /// [`BodyLimitExceeded`] instead of buffering it.
    fn limit_body(&self, response: reqwest::Response) -> reqwest::Response {
        let limit = self.max_body_bytes;
        // hyper never reads past a Content-Length: a declared length within
        // the limit needs no wrapper (and its cost: reqwest re-parses a URL
        // when it rebuilds a response).
        if response.content_length().is_some_and(|n| n <= limit as u64) {
            return response;
        }
        let response: http::Response<reqwest::Body> = response.into();
        let (parts, body) = response.into_parts();
        let limited = http_body_util::BodyExt::map_err(http_body_util::Limited::new(body, limit), move |e| {
            if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
                Box::new(BodyLimitExceeded(limit)) as Box<dyn std::error::Error + Send + Sync>
            } else {
                e
            }
        });
        reqwest::Response::from(http::Response::from_parts(parts, reqwest::Body::wrap(limited)))
    }
}

/// Whether waiting `wait` from `now` ends before `deadline` (none: no limit).
fn fits(now: Instant, wait: Duration, deadline: Option<Instant>) -> bool {
    match (now.checked_add(wait), deadline) {
        (Some(end), Some(deadline)) => end < deadline,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// `Retry-After` as seconds or as an HTTP date.
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response.headers().get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
}

#[cfg(feature = "tracing")]
fn trace_attempt(
    operation: &'static str,
    attempt: u32,
    result: &reqwest::Result<reqwest::Response>,
    latency: Duration,
) {
    let latency_ms = latency.as_secs_f64() * 1000.0;
    match result {
        Ok(r) => tracing::debug!(
            target: "authlete",
            operation,
            attempt,
            status = r.status().as_u16(),
            latency_ms,
            "authlete call"
        ),
        Err(e) => tracing::debug!(
            target: "authlete",
            operation,
            attempt,
            latency_ms,
            error = %without_url(e),
            "authlete call failed"
        ),
    }
}

/// What failed, without the URL: reqwest's own text names it, and a path
/// parameter can be an end user's secret (`/auth/token/delete/{accessTokenIdentifier}`).
/// The causes below reqwest (hyper, the OS) do not know the URL.
#[cfg(feature = "tracing")]
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connect error"
    } else if e.is_body() {
        "body error"
    } else if e.is_decode() {
        "decode error"
    } else if e.is_request() {
        "request error"
    } else {
        "error"
    };
    let mut text = kind.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// Fills the call span's fields once the call is over.
#[cfg(feature = "tracing")]
fn trace_call(attempts: u32, result: &reqwest::Result<reqwest::Response>, latency: Duration) {
    let span = tracing::Span::current();
    span.record("attempts", attempts);
    span.record("latency_ms", latency.as_secs_f64() * 1000.0);
    if let Ok(r) = result {
        span.record("status", r.status().as_u16());
    }
    tracing::debug!(target: "authlete", "authlete call finished");
}

#[cfg(not(feature = "tracing"))]
fn trace_call(_: u32, _: &reqwest::Result<reqwest::Response>, _: Duration) {}

#[cfg(not(feature = "tracing"))]
fn trace_attempt(_: &'static str, _: u32, _: &reqwest::Result<reqwest::Response>, _: Duration) {}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Answers each request on 127.0.0.1 with the next status of `statuses`
    /// (keep-alive off); returns its URL and what it received.
    async fn server(statuses: Vec<u16>) -> (String, tokio::task::JoinHandle<Vec<String>>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/x", listener.local_addr().unwrap());
        let served = tokio::spawn(async move {
            let mut received = Vec::new();
            for status in statuses {
                let (mut socket, _) = listener.accept().await.unwrap();
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                // The test's requests are small: headers and body in one go.
                while !String::from_utf8_lossy(&request).contains("\r\n\r\nbody") {
                    let n = socket.read(&mut buf).await.unwrap();
                    assert!(n > 0, "connection closed early");
                    request.extend_from_slice(&buf[..n]);
                }
                received.push(String::from_utf8_lossy(&request).into_owned());
                let answer = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
                socket.write_all(answer.as_bytes()).await.unwrap();
            }
            received
        });
        (url, served)
    }

    fn transport() -> Transport {
        Transport {
            credentials: crate::client::credentials::Credentials::Fixed(reqwest::header::HeaderValue::from_static(
                "Bearer t",
            )),
            retry: RetryConfig { initial_backoff: Duration::from_millis(1), ..RetryConfig::default() },
            timeouts: Timeouts::default(),
            max_body_bytes: 1024,
            client_timeout: None,
            base: url::Url::parse("http://127.0.0.1/").unwrap(),
        }
    }

    fn request(url: &str) -> reqwest::Result<reqwest::Request> {
        reqwest::Client::new().post(url).body("body").build()
    }

    #[test]
    fn protocol_paths_are_told_from_management_paths_by_their_family() {
        for p in [
            "/api/1/auth/token",
            "/api/1/auth/authorization/issue",
            "/api/715948317/pushed_auth_req",
            "/api/1/backchannel/authentication",
            "/api/1/device/authorization",
            "/api/1/gm",
            "/api/1/vci/offer/create",
            "/api/1/federation/registration",
            "/api/1/idtoken/reissue",
            "/api/1/client/registration",
            "/api/1/client/registration/update",
        ] {
            assert!(is_protocol_path(p), "{p}");
        }
        for p in [
            "/api/1/service/get",
            "/api/1/client/create",
            "/api/1/client/update/2",
            "/api/service/get/list",
            "/api/info",
            "/api/1/jose/verify",
            "/api/1/hsk/create",
            "/auth/token",
            "/",
        ] {
            assert!(!is_protocol_path(p), "{p}");
        }
        let base = url::Url::parse("https://h.example/authlete/").unwrap();
        let url = url::Url::parse("https://h.example/authlete/api/1/auth/token").unwrap();
        assert_eq!(operation_path(&base, &url), "/api/1/auth/token");
    }

    #[tokio::test]
    async fn without_a_rebuild_a_retry_sends_the_kept_copy() {
        let (url, served) = server(vec![503, 200]).await;
        let (client, call) = (reqwest::Client::new(), CallContext::new(None, None));
        let answer = transport().execute(&client, request(&url).unwrap(), "x", &call, None).await.unwrap();
        assert_eq!((answer.status().as_u16(), call.status()), (200, 200));
        let received = served.await.unwrap();
        assert_eq!(received.len(), 2);
        assert!(received.iter().all(|r| r.contains("authorization: Bearer t") && r.ends_with("body")), "{received:?}");
    }

    #[tokio::test]
    async fn with_a_rebuild_a_retry_sends_a_new_request() {
        let (url, served) = server(vec![503, 503, 200]).await;
        let built = std::sync::atomic::AtomicUsize::new(0);
        let rebuild = || {
            built.fetch_add(1, Ordering::Relaxed);
            request(&url)
        };
        let (client, call) = (reqwest::Client::new(), CallContext::new(None, None));
        let answer = transport().execute(&client, request(&url).unwrap(), "x", &call, Some(&rebuild)).await.unwrap();
        assert_eq!(answer.status().as_u16(), 200);
        assert_eq!(built.load(Ordering::Relaxed), 2, "one new request per retry");
        let received = served.await.unwrap();
        assert!(received.iter().all(|r| r.contains("authorization: Bearer t") && r.ends_with("body")), "{received:?}");
    }
}
