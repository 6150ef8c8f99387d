//! Settings objects: where Authlete is, how long to wait, when to retry, and
//! the access token.

use std::fmt;
use std::time::Duration;

/// Authlete's shared clusters.
///
/// ```
/// assert_eq!(authlete::Region::Jp.base_url(), "https://jp.authlete.com");
/// assert_eq!("eu".parse::<authlete::Region>().unwrap(), authlete::Region::Eu);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// `https://us.authlete.com`
    Us,
    /// `https://jp.authlete.com`
    Jp,
    /// `https://eu.authlete.com`
    Eu,
    /// `https://br.authlete.com`
    Br,
}

impl Region {
    /// The cluster's base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Us => "https://us.authlete.com",
            Region::Jp => "https://jp.authlete.com",
            Region::Eu => "https://eu.authlete.com",
            Region::Br => "https://br.authlete.com",
        }
    }
}

impl std::str::FromStr for Region {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "us" => Ok(Region::Us),
            "jp" => Ok(Region::Jp),
            "eu" => Ok(Region::Eu),
            "br" => Ok(Region::Br),
            _ => Err(format!("unknown region {s:?} (expected us, jp, eu or br)")),
        }
    }
}

/// Time limits. All are on by default.
///
/// | limit | default | covers |
/// |---|---|---|
/// | `connect` | 5 s | TCP + TLS set-up of one connection |
/// | `attempt` | 15 s | one attempt, from sending to the last body byte |
/// | `total` | 30 s | all attempts and the waits between them |
///
/// ```
/// use std::time::Duration;
/// let t = authlete::Timeouts { attempt: Duration::from_secs(5), ..Default::default() };
/// assert_eq!(t.total, Duration::from_secs(30));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Connection set-up (applies to the client this crate builds; a
    /// supplied `reqwest::Client` keeps its own).
    pub connect: Duration,
    /// One attempt, including reading the body.
    pub attempt: Duration,
    /// The whole call, retries included.
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self { connect: Duration::from_secs(5), attempt: Duration::from_secs(15), total: Duration::from_secs(30) }
    }
}

/// When and how a call is tried again.
///
/// The policy (on by default), by what may have happened to the request:
///
/// | outcome | reads (GET, HEAD, OPTIONS) | management APIs (other methods) | protocol APIs (other methods) |
/// |---|---|---|---|
/// | connection failed before sending (refused, DNS, TLS set-up) | retried | retried | retried |
/// | 429 | retried | retried | retried |
/// | 408, 503 | retried | retried | **not** retried |
/// | 502, 504; reset or attempt timeout after sending | retried | not retried | not retried |
/// | any other answer | not retried | not retried | not retried |
///
/// Protocol APIs are told by their path, not by a list of operations:
/// `/api/{serviceId}/` followed by `auth`, `pushed_auth_req`,
/// `backchannel`, `device`, `gm`, `vci`, `federation`, `idtoken` or
/// `client/registration`. They are the calls an authorization server makes
/// for its clients' requests, and most consume something once: a proxy
/// answers 408 or 503 after it forwarded the request, and an authorization
/// code sent again trips Authlete's code-reuse detection, which revokes the
/// tokens already issued. Only a refused connection or a 429 proves the
/// request was not processed. A redirect (3xx) is never followed
/// ([`Error::Redirect`](crate::Error::Redirect)).
///
/// Besides:
/// - the wait is exponential (`initial_backoff` × 2ⁿ, capped at
///   `max_backoff`) with jitter (a random value between half and all of it),
///   or what `Retry-After` says when the answer has one;
/// - at most `max_attempts` attempts, and never past the total timeout: if
///   the wait would cross it, the last answer is returned instead.
///
/// ```
/// let no_retries = authlete::RetryConfig::disabled();
/// assert_eq!(no_retries.max_attempts, 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryConfig {
    /// Attempts in all, the first included (1 = no retries).
    pub max_attempts: u32,
    /// The first wait.
    pub initial_backoff: Duration,
    /// The largest wait from the exponential rule.
    pub max_backoff: Duration,
    /// The largest `Retry-After` honoured; a longer one ends the retries.
    pub max_retry_after: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(10),
        }
    }
}

impl RetryConfig {
    /// One attempt only.
    pub fn disabled() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// The exponential wait before attempt `next` (2, 3, ...), with jitter.
    pub(crate) fn backoff(&self, next: u32) -> Duration {
        let exp = next.saturating_sub(2).min(20);
        let full = self.initial_backoff.saturating_mul(1 << exp).min(self.max_backoff);
        let half = full / 2;
        // f64 ∈ [0, 1): the product never exceeds `full - half`.
        half.saturating_add(Duration::from_secs_f64(full.saturating_sub(half).as_secs_f64() * fastrand::f64()))
    }
}

/// The access token this client presents to the Authlete API (a service or
/// organisation token; not to be confused with `types::AccessToken`, the
/// end users' tokens Authlete manages). Its `Debug`
/// and `Display` never show the value.
///
/// ```
/// let t = authlete::ApiAccessToken::new("s3cr3t");
/// assert_eq!(format!("{t:?}"), "ApiAccessToken(<redacted>)");
/// assert_eq!(t.expose(), "s3cr3t");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ApiAccessToken(String);

impl ApiAccessToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The token itself; for sending it, not for printing it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiAccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiAccessToken(<redacted>)")
    }
}

impl fmt::Display for ApiAccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for ApiAccessToken {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<&str> for ApiAccessToken {
    fn from(s: &str) -> Self {
        Self(s.to_string())
    }
}

/// The default cap on a response body: 8 MiB. Authlete's largest answers
/// (service and client lists) are far below it.
pub const DEFAULT_MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_exponentially_within_jitter_and_cap() {
        let r = RetryConfig::default();
        for _ in 0..100 {
            let b2 = r.backoff(2);
            assert!(b2 >= Duration::from_millis(50) && b2 <= Duration::from_millis(100), "{b2:?}");
            let b3 = r.backoff(3);
            assert!(b3 >= Duration::from_millis(100) && b3 <= Duration::from_millis(200), "{b3:?}");
            let b20 = r.backoff(20);
            assert!(b20 >= Duration::from_secs(1) && b20 <= Duration::from_secs(2), "{b20:?}");
        }
    }
}
