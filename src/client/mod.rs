//! [`Authlete`], the client, and its builder.

use std::net::IpAddr;
use std::sync::Arc;

use reqwest::header::HeaderValue;

pub(crate) mod config;
pub(crate) mod credentials;
#[cfg(feature = "dpop")]
pub(crate) mod dpop;
pub(crate) mod tls;

use crate::call::transport::Transport;
use crate::error::ConfigError;
use crate::generated;
use config::{ApiAccessToken, Region, RetryConfig, Timeouts, DEFAULT_MAX_BODY_BYTES};
use credentials::{ApiTokenSource, Credentials, TokenSetting};

/// Environment variable: base URL (`https://jp.authlete.com`) or region (`jp`).
pub const ENV_BASE_URL: &str = "AUTHLETE_BASE_URL";
/// Environment variable: the service id (Authlete's Java and Python libraries
/// call it the service API key).
pub const ENV_SERVICE_ID: &str = "AUTHLETE_SERVICE_APIKEY";
/// Environment variable: the access token.
pub const ENV_ACCESS_TOKEN: &str = "AUTHLETE_SERVICE_ACCESSTOKEN";
/// Environment variable: the access token, under the name Authlete's
/// generated SDKs use (read when [`ENV_ACCESS_TOKEN`] is unset).
pub const ENV_BEARER: &str = "AUTHLETE_BEARER";
/// Environment variable: the private JWK a DPoP-bound access token is bound
/// to (feature `dpop`; the name Authlete's Java and Python libraries use).
pub const ENV_DPOP_KEY: &str = "AUTHLETE_DPOP_KEY";

/// A client of the Authlete API: where it is, which service, with what token.
///
/// Every operation of the spec is a method returning a
/// [`Request`](crate::Request); operations under `/api/{serviceId}/...` take
/// the configured service id unless the request sets another with
/// `.service_id(..)`. Cloning is cheap (the connection pool is shared).
///
/// ```no_run
/// # async fn demo() -> Result<(), authlete::Error> {
/// use authlete::{Authlete, Region};
///
/// let authlete = Authlete::builder()
///     .region(Region::Jp)
///     .service_id("715948317")
///     .access_token("a service access token")
///     .build()?;
/// let service = authlete.service_get().send().await?;
/// println!("{:?}", service.service_name);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Authlete {
    inner: Arc<Inner>,
}

struct Inner {
    raw: generated::Client,
    service_id: Option<String>,
}

impl std::fmt::Debug for Authlete {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authlete")
            .field("base_url", &self.inner.raw.baseurl)
            .field("service_id", &self.inner.service_id)
            .field("transport", &self.inner.raw.inner)
            .finish()
    }
}

impl Authlete {
    /// A builder with the defaults: US region, the timeouts of
    /// [`Timeouts::default`], the retry policy of [`RetryConfig::default`].
    pub fn builder() -> AuthleteBuilder {
        AuthleteBuilder::default()
    }

    /// A client configured from the environment: [`ENV_BASE_URL`] (a URL or
    /// a region name; required), [`ENV_SERVICE_ID`] (optional),
    /// [`ENV_ACCESS_TOKEN`] or else [`ENV_BEARER`] (one is required).
    ///
    /// # Errors
    /// [`ConfigError::MissingEnv`] or [`ConfigError::InvalidEnv`] naming the
    /// variable, or any error of [`AuthleteBuilder::build`].
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::builder().env()?.build()
    }

    /// The service id used for `{serviceId}` paths, if configured.
    pub fn service_id(&self) -> Option<&str> {
        self.inner.service_id.as_deref()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.raw.baseurl
    }

    /// The same client (same connections, token and policies) with another
    /// default service id.
    pub fn with_service_id(&self, service_id: impl Into<String>) -> Self {
        Self { inner: Arc::new(Inner { raw: self.inner.raw.clone(), service_id: Some(service_id.into()) }) }
    }

    /// The progenitor-generated client underneath: every operation with the
    /// spec's exact parameters and progenitor's own error type. It shares
    /// this client's token, timeouts, retries and body limit.
    pub fn raw(&self) -> &generated::Client {
        &self.inner.raw
    }
}

/// Builds an [`Authlete`] client.
#[derive(Default)]
pub struct AuthleteBuilder {
    base_url: Option<String>,
    service_id: Option<String>,
    token: Option<TokenSetting>,
    timeouts: Timeouts,
    retry: RetryConfig,
    max_body_bytes: Option<usize>,
    http_client: Option<reqwest::Client>,
    allow_insecure_http: bool,
    extra_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
    #[cfg(feature = "dpop")]
    dpop_key: Option<crate::DpopKey>,
}

impl std::fmt::Debug for AuthleteBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthleteBuilder")
            .field("base_url", &self.base_url.as_deref().map(redact_userinfo))
            .field("service_id", &self.service_id)
            .field("token", &self.token)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl AuthleteBuilder {
    /// One of Authlete's clusters.
    pub fn region(mut self, region: Region) -> Self {
        self.base_url = Some(region.base_url().to_string());
        self
    }

    /// Any base URL (a dedicated cluster, a stand-in for tests).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The default service id of `{serviceId}` paths.
    pub fn service_id(mut self, service_id: impl Into<String>) -> Self {
        self.service_id = Some(service_id.into());
        self
    }

    /// The access token, sent as `Authorization: Bearer <token>`.
    pub fn access_token(mut self, token: impl Into<ApiAccessToken>) -> Self {
        self.token = Some(TokenSetting::Fixed(token.into()));
        self
    }

    /// An access token the app replaces while the client lives (see
    /// [`ApiTokenSource`]), instead of a fixed one.
    pub fn access_token_source(mut self, source: ApiTokenSource) -> Self {
        self.token = Some(TokenSetting::Source(source));
        self
    }

    /// The key the access token is bound to (a DPoP-bound token, RFC 9449):
    /// each request then carries `Authorization: DPoP <token>` and a proof
    /// signed with this key (feature `dpop`). A `401` asking for a nonce
    /// (`use_dpop_nonce`) is answered by sending the request once more with
    /// it, whatever its method: the server did not act on it.
    ///
    /// ```
    /// # fn demo(jwk: &str) -> Result<(), authlete::ConfigError> {
    /// let authlete = authlete::Authlete::builder()
    ///     .access_token("a DPoP-bound token")
    ///     .dpop_key(authlete::DpopKey::from_jwk(jwk)?)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "dpop")]
    pub fn dpop_key(mut self, key: crate::DpopKey) -> Self {
        self.dpop_key = Some(key);
        self
    }

    /// Time limits (see [`Timeouts`]).
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The retry policy (see [`RetryConfig`]; [`RetryConfig::disabled`] for
    /// none).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// The largest response body read (default
    /// [`DEFAULT_MAX_BODY_BYTES`]); a larger one ends in
    /// [`Error::BodyTooLarge`](crate::Error::BodyTooLarge).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = Some(limit);
        self
    }

    /// Use this `reqwest::Client` (proxies, extra root certificates, ...).
    /// Its own connect timeout applies; the attempt and total timeouts are
    /// still enforced per request.
    ///
    /// Build it with `.redirect(reqwest::redirect::Policy::none())`:
    /// reqwest follows up to 10 redirects by default, and a `307` re-sends a
    /// `POST` with its body (client secrets, authorization codes) to wherever
    /// `Location` points. The client the crate builds follows none and
    /// answers a 3xx with [`Error::Redirect`](crate::Error::Redirect); the
    /// policy of a supplied client cannot be read, so `build` logs a warning
    /// (feature `tracing`) as a reminder. Its `User-Agent` is its own
    /// ([`user_agent`](crate::user_agent) gives the crate's).
    ///
    /// ```
    /// let http = authlete::reqwest_client_builder()
    ///     .unwrap()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .user_agent(authlete::user_agent())
    ///     .build()
    ///     .unwrap();
    /// let builder = authlete::Authlete::builder().http_client(http);
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Also trust this root certificate (DER), beside the platform's: a
    /// private deployment of Authlete, or a TLS-intercepting proxy. Not used
    /// with [`http_client`](Self::http_client), which keeps its own.
    ///
    /// ```
    /// # fn ca() -> Vec<u8> { vec![] }
    /// let builder = authlete::Authlete::builder().add_root_certificate(ca());
    /// ```
    pub fn add_root_certificate(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.extra_roots.push(rustls::pki_types::CertificateDer::from(der.into()));
        self
    }

    /// Allow plain `http://` to a non-loopback host (refused by default,
    /// with or without a token: client secrets and end users' codes travel
    /// in request bodies; loopback hosts are always allowed).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Reads the environment variables of [`Authlete::from_env`] into this
    /// builder; settings made before are overwritten by variables that are set.
    ///
    /// # Errors
    /// [`ConfigError::MissingEnv`] / [`ConfigError::InvalidEnv`] naming the variable.
    pub fn env(mut self) -> Result<Self, ConfigError> {
        let read = |var: &'static str| -> Result<Option<String>, ConfigError> {
            match std::env::var(var) {
                Ok(v) if v.trim().is_empty() => Ok(None),
                Ok(v) => Ok(Some(v.trim().to_string())),
                Err(std::env::VarError::NotPresent) => Ok(None),
                Err(std::env::VarError::NotUnicode(_)) => {
                    Err(ConfigError::InvalidEnv { var, reason: "not valid UTF-8".into() })
                }
            }
        };
        let base = read(ENV_BASE_URL)?.ok_or(ConfigError::MissingEnv { var: ENV_BASE_URL })?;
        self.base_url = Some(match base.parse::<Region>() {
            Ok(region) => region.base_url().to_string(),
            Err(_) => {
                parse_base_url(&base).map_err(|reason| ConfigError::InvalidEnv { var: ENV_BASE_URL, reason })?;
                base
            }
        });
        if let Some(id) = read(ENV_SERVICE_ID)? {
            self.service_id = Some(id);
        }
        let token = match read(ENV_ACCESS_TOKEN)? {
            Some(t) => (ENV_ACCESS_TOKEN, t),
            None => (ENV_BEARER, read(ENV_BEARER)?.ok_or(ConfigError::MissingEnv { var: ENV_ACCESS_TOKEN })?),
        };
        if HeaderValue::from_str(&format!("Bearer {}", token.1)).is_err() {
            return Err(ConfigError::InvalidEnv { var: token.0, reason: "not a valid header value".into() });
        }
        self.token = Some(TokenSetting::Fixed(ApiAccessToken::new(token.1)));
        if let Some(jwk) = read(ENV_DPOP_KEY)? {
            #[cfg(feature = "dpop")]
            {
                self.dpop_key = Some(
                    crate::DpopKey::from_jwk(&jwk)
                        .map_err(|e| ConfigError::InvalidEnv { var: ENV_DPOP_KEY, reason: e.to_string() })?,
                );
            }
            #[cfg(not(feature = "dpop"))]
            {
                let _ = jwk;
                return Err(ConfigError::InvalidEnv {
                    var: ENV_DPOP_KEY,
                    reason: "set, but this build has no DPoP support (authlete's feature `dpop`)".into(),
                });
            }
        }
        Ok(self)
    }

    /// Builds the client.
    ///
    /// # Errors
    /// An invalid base URL (or one with credentials in it), plain http to a
    /// non-loopback host,
    /// a token that is not a header value, zero attempts or timeouts, or a
    /// failure of reqwest to build its client.
    pub fn build(self) -> Result<Authlete, ConfigError> {
        let base_url = self.base_url.unwrap_or_else(|| Region::Us.base_url().to_string());
        let url = parse_base_url(&base_url)
            .map_err(|reason| ConfigError::InvalidBaseUrl { url: redact_userinfo(&base_url), reason })?;
        if url.scheme() == "http" && !self.allow_insecure_http && !is_loopback(&url) {
            return Err(ConfigError::InsecureHttp { host: url.host_str().unwrap_or_default().to_string() });
        }
        if self.retry.max_attempts == 0 {
            return Err(ConfigError::InvalidSetting {
                setting: "retry.max_attempts",
                reason: "must be at least 1".into(),
            });
        }
        for (setting, d) in [("timeouts.attempt", self.timeouts.attempt), ("timeouts.total", self.timeouts.total)] {
            if d.is_zero() {
                return Err(ConfigError::InvalidSetting { setting, reason: "must be more than zero".into() });
            }
        }
        let credentials = Credentials::new(
            self.token.as_ref(),
            #[cfg(feature = "dpop")]
            self.dpop_key,
        )?;
        // The client the crate builds applies the first attempt's timeout
        // itself; a request then arms no timer of its own (transport.rs).
        let first_attempt = self.timeouts.attempt.min(self.timeouts.total);
        let (http, client_timeout) = match self.http_client {
            Some(c) => {
                #[cfg(feature = "tracing")]
                tracing::warn!(
                    target: "authlete",
                    "AuthleteBuilder::http_client: the client's redirect policy cannot be checked; build it with \
                     redirect(Policy::none()) so that no request is re-sent to another host"
                );
                (c, None)
            }
            None => {
                let c = reqwest::Client::builder()
                    .tls_backend_preconfigured(tls::client_config(&self.extra_roots)?)
                    .timeout(first_attempt)
                    .connect_timeout(self.timeouts.connect)
                    // A redirected POST would carry its body (client secrets,
                    // codes) to another host, even from https to http.
                    .redirect(reqwest::redirect::Policy::none())
                    // The crate retries by its own policy (transport.rs).
                    // reqwest's would only re-send HTTP/2 refusals, and this
                    // client speaks HTTP/1.1 (its TLS offers no ALPN), yet
                    // it would copy every request's headers in case: off.
                    .retry(reqwest::retry::never().max_retries_per_request(0))
                    .user_agent(user_agent())
                    .build()
                    .map_err(|e| ConfigError::HttpClient(crate::TransportError::from_reqwest(e)))?;
                (c, Some(first_attempt))
            }
        };
        let transport = Transport {
            credentials,
            retry: self.retry,
            timeouts: self.timeouts,
            max_body_bytes: self.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
            client_timeout,
            base: url,
        };
        let raw = generated::Client::new_with_client(base_url.trim_end_matches('/'), http, transport);
        Ok(Authlete { inner: Arc::new(Inner { raw, service_id: self.service_id }) })
    }
}

/// The `User-Agent` the client the crate builds sends: the crate's version
/// and the version of the spec it was generated from
/// (`authlete-rust/<crate version> authlete-api/<spec version>`).
/// progenitor's `api-version` header, which Authlete does not define, is
/// not sent (rule `no_api_version_header`). A client of your own, passed to
/// [`AuthleteBuilder::http_client`], can send the same (its example does).
///
/// ```
/// assert!(authlete::user_agent().starts_with("authlete-rust/"));
/// ```
pub fn user_agent() -> String {
    use generated::ClientInfo;
    format!(
        "authlete-rust/{} authlete-api/{}",
        env!("CARGO_PKG_VERSION"),
        <generated::Client as ClientInfo<crate::call::transport::Transport>>::api_version()
    )
}

fn parse_base_url(s: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(s).map_err(|e| e.to_string())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("scheme {:?} is not http or https", url.scheme()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("no host".into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("a base URL has no query or fragment".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("a base URL holds no credentials (user:password@); set the access token instead".into());
    }
    Ok(url)
}

/// `s` with whatever stands between `://` and the host's `@` replaced, for
/// error messages: that part is a password when it is there.
fn redact_userinfo(s: &str) -> String {
    let Some(start) = s.find("://").map(|i| i + 3) else { return s.to_string() };
    let authority_end = s[start..].find(['/', '?', '#']).map_or(s.len(), |i| start + i);
    match s[start..authority_end].rfind('@') {
        Some(at) => format!("{}<redacted>{}", &s[..start], &s[start + at..]),
        None => s.to_string(),
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}
