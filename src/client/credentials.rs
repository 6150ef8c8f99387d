//! How the client authenticates to Authlete: a service access token, fixed
//! or replaced while the client lives ([`ApiTokenSource`]).

use std::sync::{Arc, PoisonError, RwLock};

use http::header::AUTHORIZATION;
use http::HeaderValue;

use crate::client::config::ApiAccessToken;
use crate::error::ConfigError;

/// `Bearer <token>`, marked sensitive (left out of HTTP/2 header tables and
/// of `Debug` output).
fn bearer(token: &ApiAccessToken) -> Result<HeaderValue, ConfigError> {
    let mut value =
        HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| ConfigError::InvalidToken)?;
    value.set_sensitive(true);
    Ok(value)
}

/// A service access token the app can replace while clients use it: a
/// token rotated before it expires, or refreshed by a task of the app.
/// Every clone is the same source; each request sends the token current
/// when it is sent (a retry sends the newer one).
///
/// ```
/// use authlete::{ApiTokenSource, Authlete};
///
/// let source = ApiTokenSource::new("first token")?;
/// let authlete = Authlete::builder().access_token_source(source.clone()).build()?;
/// // later, from anywhere (a refresh task, say):
/// source.set("second token")?;
/// assert_eq!(format!("{source:?}"), "ApiTokenSource(<redacted>)");
/// # Ok::<(), authlete::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct ApiTokenSource(Arc<RwLock<HeaderValue>>);

impl ApiTokenSource {
    /// A source holding `token`.
    ///
    /// # Errors
    /// [`ConfigError::InvalidToken`] when the token cannot be a header value.
    pub fn new(token: impl Into<ApiAccessToken>) -> Result<Self, ConfigError> {
        Ok(Self(Arc::new(RwLock::new(bearer(&token.into())?))))
    }

    /// Replaces the token: requests sent from now on carry `token`.
    ///
    /// # Errors
    /// [`ConfigError::InvalidToken`] when the token cannot be a header
    /// value; the source keeps the token it had.
    pub fn set(&self, token: impl Into<ApiAccessToken>) -> Result<(), ConfigError> {
        let value = bearer(&token.into())?;
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = value;
        Ok(())
    }

    fn current(&self) -> HeaderValue {
        self.0.read().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl std::fmt::Debug for ApiTokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiTokenSource(<redacted>)")
    }
}

/// What the builder was given.
#[derive(Clone, Debug)]
pub(crate) enum TokenSetting {
    Fixed(ApiAccessToken),
    Source(ApiTokenSource),
}

/// What the transport puts on each attempt.
#[derive(Clone)]
pub(crate) enum Credentials {
    None,
    Fixed(HeaderValue),
    Source(ApiTokenSource),
}

impl Credentials {
    pub(crate) fn new(setting: Option<&TokenSetting>) -> Result<Self, ConfigError> {
        Ok(match setting {
            None => Credentials::None,
            Some(TokenSetting::Fixed(token)) => Credentials::Fixed(bearer(token)?),
            Some(TokenSetting::Source(source)) => Credentials::Source(source.clone()),
        })
    }

    /// Sets `Authorization` on one attempt's request.
    pub(crate) fn apply(&self, request: &mut reqwest::Request) {
        let value = match self {
            Credentials::None => return,
            Credentials::Fixed(value) => value.clone(),
            Credentials::Source(source) => source.current(),
        };
        request.headers_mut().insert(AUTHORIZATION, value);
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Credentials::None => "None",
            Credentials::Fixed(_) => "Fixed(<redacted>)",
            Credentials::Source(_) => "Source(<redacted>)",
        })
    }
}
