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
pub struct ApiTokenSource(Arc<RwLock<Arc<Token>>>);

/// One token, and its `Authorization` value as a bearer token.
pub(crate) struct Token {
    bearer: HeaderValue,
    #[cfg_attr(not(feature = "dpop"), allow(dead_code))]
    secret: ApiAccessToken,
}

impl Token {
    fn new(secret: ApiAccessToken) -> Result<Arc<Self>, ConfigError> {
        Ok(Arc::new(Self { bearer: bearer(&secret)?, secret }))
    }
}

impl ApiTokenSource {
    /// A source holding `token`.
    ///
    /// # Errors
    /// [`ConfigError::InvalidToken`] when the token cannot be a header value.
    pub fn new(token: impl Into<ApiAccessToken>) -> Result<Self, ConfigError> {
        Ok(Self(Arc::new(RwLock::new(Token::new(token.into())?))))
    }

    /// Replaces the token: requests sent from now on carry `token`.
    ///
    /// # Errors
    /// [`ConfigError::InvalidToken`] when the token cannot be a header
    /// value; the source keeps the token it had.
    pub fn set(&self, token: impl Into<ApiAccessToken>) -> Result<(), ConfigError> {
        let token = Token::new(token.into())?;
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = token;
        Ok(())
    }

    fn current(&self) -> Arc<Token> {
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
    /// A token bound to a key: a proof on each attempt.
    #[cfg(feature = "dpop")]
    Dpop(TokenRef, Arc<crate::client::dpop::DpopState>),
}

/// A token where DPoP needs the token itself (for `ath`).
#[cfg(feature = "dpop")]
#[derive(Clone)]
pub(crate) enum TokenRef {
    Fixed(Arc<Token>),
    Source(ApiTokenSource),
}

impl Credentials {
    pub(crate) fn new(
        setting: Option<&TokenSetting>,
        #[cfg(feature = "dpop")] dpop: Option<crate::client::dpop::DpopKey>,
    ) -> Result<Self, ConfigError> {
        #[cfg(feature = "dpop")]
        if let Some(key) = dpop {
            let token = match setting {
                None => return Err(ConfigError::InvalidDpopKey { reason: "a DPoP key needs an access token".into() }),
                Some(TokenSetting::Fixed(token)) => TokenRef::Fixed(Token::new(token.clone())?),
                Some(TokenSetting::Source(source)) => TokenRef::Source(source.clone()),
            };
            return Ok(Credentials::Dpop(token, Arc::new(crate::client::dpop::DpopState::new(key))));
        }
        Ok(match setting {
            None => Credentials::None,
            Some(TokenSetting::Fixed(token)) => Credentials::Fixed(bearer(token)?),
            Some(TokenSetting::Source(source)) => Credentials::Source(source.clone()),
        })
    }

    /// Sets `Authorization` (and with DPoP the proof) on one attempt's request.
    pub(crate) fn apply(&self, request: &mut reqwest::Request) {
        let value = match self {
            Credentials::None => return,
            Credentials::Fixed(value) => value.clone(),
            Credentials::Source(source) => source.current().bearer.clone(),
            #[cfg(feature = "dpop")]
            Credentials::Dpop(token, dpop) => {
                match token {
                    TokenRef::Fixed(t) => dpop.apply(request, t.secret.expose()),
                    TokenRef::Source(s) => dpop.apply(request, s.current().secret.expose()),
                }
                return;
            }
        };
        request.headers_mut().insert(AUTHORIZATION, value);
    }

    /// Reads what an answer says about the credentials (a DPoP nonce);
    /// whether the request should go again at once, with what was learnt.
    pub(crate) fn observe(&self, _response: &reqwest::Response) -> bool {
        match self {
            #[cfg(feature = "dpop")]
            Credentials::Dpop(_, dpop) => dpop.observe(_response),
            _ => false,
        }
    }

    /// Whether an answer can ask for the request again ([`observe`](Self::observe)).
    pub(crate) fn may_ask_again(&self) -> bool {
        match self {
            #[cfg(feature = "dpop")]
            Credentials::Dpop(..) => true,
            _ => false,
        }
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::None => f.write_str("None"),
            Credentials::Fixed(_) => f.write_str("Fixed(<redacted>)"),
            Credentials::Source(_) => f.write_str("Source(<redacted>)"),
            #[cfg(feature = "dpop")]
            Credentials::Dpop(..) => f.write_str("Dpop(<redacted>)"),
        }
    }
}
