//! [`Error`]: what the endpoint helpers return when they cannot answer.

use authlete::EndpointResponse;

/// Everything that can go wrong in an endpoint helper.
///
/// Its `Debug` and `Display` show no secret: [`EndpointResponse`]'s `Debug`
/// shows a body's length, not the body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A call to Authlete failed (transport, timeout, an error status, an
    /// answer that does not decode). Answer with a generic 500
    /// ([`into_endpoint_response`](Self::into_endpoint_response) does).
    #[error(transparent)]
    Authlete(#[from] authlete::Error),

    /// The token endpoint in strict mode
    /// ([`TokenEndpoint::reissue_fallback(false)`](crate::TokenEndpoint::reissue_fallback))
    /// could not reissue the ID token. `/auth/token` has already issued new
    /// tokens (and may have rotated the refresh token): `fallback` is the
    /// token response that carries them, without a new ID token. Send it
    /// unless you have a reason to make the client start over.
    #[error("the ID token was not reissued: {reason}")]
    ReissueFailed {
        /// Why: the reissue's action or error, without secrets.
        reason: String,
        /// `/auth/token`'s own token response, ready to send.
        fallback: Box<EndpointResponse>,
    },
}

impl From<authlete::ConfigError> for Error {
    fn from(e: authlete::ConfigError) -> Self {
        Error::Authlete(e.into())
    }
}

impl Error {
    /// The response to send for this error: [`Error::ReissueFailed`]'s
    /// `fallback` (the tokens already issued); a generic
    /// `500 server_error` for anything else, whose details are for your
    /// logs, not for the OAuth client.
    ///
    /// ```
    /// let e = authlete_server::Error::from(authlete::Error::InvalidRequest { operation: "x", message: "m".into() });
    /// assert_eq!(e.into_endpoint_response().status(), 500);
    /// ```
    pub fn into_endpoint_response(self) -> EndpointResponse {
        match self {
            Error::ReissueFailed { fallback, .. } => *fallback,
            _ => EndpointResponse::server_error(),
        }
    }
}

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
impl axum_core::response::IntoResponse for Error {
    /// [`Error::into_endpoint_response`]: the fallback of a failed reissue, else 500.
    fn into_response(self) -> axum_core::response::Response {
        self.into_endpoint_response().into_response()
    }
}
