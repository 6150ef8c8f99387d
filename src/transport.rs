//! What happens to every request the generated client sends: the bearer
//! token, per-attempt and total timeouts, the retry policy, the body cap and
//! tracing. It plugs into progenitor through `ClientHooks::exec`, so the
//! generated code and the raw client (`Authlete::raw`) get it too.

use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::{HeaderValue, AUTHORIZATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};

use crate::config::{RetryConfig, Timeouts};

/// The client-wide settings the generated client carries as its `inner`.
#[derive(Clone)]
pub struct Transport {
    pub(crate) authorization: Option<HeaderValue>,
    pub(crate) retry: RetryConfig,
    pub(crate) timeouts: Timeouts,
    pub(crate) max_body_bytes: usize,
    /// The per-request timeout the reqwest client already applies (set when
    /// the crate built it): a request whose limit is that one needs none of
    /// its own.
    pub(crate) client_timeout: Option<Duration>,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("authorization", &self.authorization.as_ref().map(|_| "<redacted>"))
            .field("retry", &self.retry)
            .field("timeouts", &self.timeouts)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}

impl ClientHooks<Transport> for crate::generated::Client {
    async fn exec(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
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
            self.inner.execute(&self.client, request, info.operation_id).instrument(span).await
        }
        #[cfg(not(feature = "tracing"))]
        self.inner.execute(&self.client, request, info.operation_id).await
    }
}

/// What one call through [`Request::send`](crate::Request::send) carries
/// past progenitor's generated code: the request's own overrides in, the
/// final status out.
#[derive(Default)]
pub(crate) struct CallContext {
    /// The status of the last answer, for errors that progenitor reports
    /// without it (an undecodable body).
    pub(crate) status: std::cell::Cell<u16>,
    /// `Request::timeouts`, replacing the client's for this call.
    pub(crate) timeouts: Option<Timeouts>,
    /// `Request::retry`, replacing the client's for this call.
    pub(crate) retry: Option<RetryConfig>,
}

tokio::task_local! {
    /// The context of the call running in this task.
    pub(crate) static CALL: CallContext;
}

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
    pub(crate) async fn execute(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
        operation: &'static str,
    ) -> reqwest::Result<reqwest::Response> {
        if let Some(auth) = &self.authorization {
            request.headers_mut().insert(AUTHORIZATION, auth.clone());
        }
        // A request's own settings win over the client's.
        let (timeouts, retry) = CALL
            .try_with(|c| (c.timeouts.unwrap_or(self.timeouts), c.retry.unwrap_or(self.retry)))
            .unwrap_or((self.timeouts, self.retry));
        let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        // Two clock reads per attempt: when it starts and when it ends.
        let call_started = Instant::now();
        // A total too large to add means no overall limit.
        let deadline = call_started.checked_add(timeouts.total);
        let mut started = call_started;
        let mut attempt = 1;
        loop {
            let spare = (attempt < retry.max_attempts).then(|| request.try_clone()).flatten();
            let remaining = match (attempt, deadline) {
                (1, _) | (_, None) => timeouts.total,
                (_, Some(d)) => d.saturating_duration_since(started),
            };
            // One timer per attempt, armed by reqwest: the client's own when
            // it is the right one, else this request's.
            let limit = timeouts.attempt.min(remaining);
            if self.client_timeout != Some(limit) {
                *request.timeout_mut() = Some(limit);
            }

            let result = client.execute(request).await;
            let ended = Instant::now();
            trace_attempt(operation, attempt, &result, ended.saturating_duration_since(started));

            let verdict = verdict(&retry, &result, safe, attempt + 1);
            match (verdict, spare) {
                (Verdict::RetryAfter(wait), Some(next)) if fits(ended, wait, deadline) => {
                    // Boxed: only a retry needs a timer's space.
                    Box::pin(tokio::time::sleep(wait)).await;
                    request = next;
                    attempt += 1;
                    started = Instant::now();
                }
                _ => {
                    if let Ok(r) = &result {
                        let _ = CALL.try_with(|c| c.status.set(r.status().as_u16()));
                    }
                    trace_call(attempt, &result, ended.saturating_duration_since(call_started));
                    return result.map(|r| self.limit_body(r));
                }
            }
        }
    }
}

fn verdict(retry: &RetryConfig, result: &reqwest::Result<reqwest::Response>, safe: bool, next: u32) -> Verdict {
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
            match retry_after(response) {
                Some(wait) if wait > retry.max_retry_after => Verdict::Done,
                Some(wait) => Verdict::RetryAfter(wait),
                None => backoff(),
            }
        }
    }
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
