//! The ID token reissue of a refresh-token grant, the flow this crate
//! started from: `/auth/token` answers `ID_TOKEN_REISSUABLE`, and
//! `/idtoken/reissue` issues the new ID token.
//!
//! [`IdtokenReissueRequest`], [`IdtokenReissueResponse`] and its action are
//! the generated types of `/idtoken/reissue`, re-exported here with the
//! helpers around them: building the request from `/auth/token`'s answer
//! ([`IdtokenReissueRequest::from_token_response`]) with claims, JWS header
//! parameters, `sub` and `aud` style; and the answer's HTTP response
//! ([`AuthleteAnswer::to_http_response`](crate::answer::AuthleteAnswer::to_http_response)).
//!
//! Built only when the spec in use has the operations `auth_token` and
//! `idtoken_reissue` (`cfg(authlete_operation = "..")`, set by the build
//! script from the spec).
//!
//! ```no_run
//! # async fn demo(authlete: authlete::Authlete) -> Result<(), authlete::Error> {
//! use authlete::answer::AuthleteAnswer;
//! use authlete::idtoken::{IdtokenReissueRequest, IdtokenReissueResponseAction};
//!
//! let token = authlete
//!     .auth_token()
//!     .body_map(|b| b.parameters("grant_type=refresh_token&refresh_token=rt"))
//!     .send()
//!     .await?
//!     .into_inner();
//! if token.action == Some("ID_TOKEN_REISSUABLE".into()) {
//!     let request = IdtokenReissueRequest::from_token_response(&token)?
//!         .with_claims(&serde_json::json!({"name": "Alice"}))?;
//!     let reissued = authlete.idtoken_reissue().body(request).send().await?;
//!     if reissued.action == Some(IdtokenReissueResponseAction::Ok) {
//!         let response = reissued.to_http_response(); // 200, the token response with the new ID token
//! #       let _ = response;
//!     }
//! }
//! # Ok(()) }
//! ```

use serde::Serialize;
use serde_json::Value;

use crate::operation::auth_token::Success as TokenResponse;
use crate::Error;

/// [`IdtokenReissueResponse::action`].
pub use crate::operation::idtoken_reissue::Action as IdtokenReissueResponseAction;
/// The body of `/idtoken/reissue` ([`Authlete::idtoken_reissue`](crate::Authlete::idtoken_reissue)).
pub use crate::operation::idtoken_reissue::Body as IdtokenReissueRequest;
/// The answer of `/idtoken/reissue`.
pub use crate::operation::idtoken_reissue::Success as IdtokenReissueResponse;

impl IdtokenReissueResponse {
    /// Whether Authlete reissued the ID token: action `OK` with content.
    pub fn is_reissued(&self) -> bool {
        use crate::answer::AuthleteAnswer;
        self.action() == Some("OK") && self.response_content.is_some()
    }
}

/// The value of `idTokenAudType`: how the `aud` claim of the reissued ID
/// token is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdtokenAudType {
    /// An array of strings (Authlete's default).
    Array,
    /// A single string.
    String,
}

impl IdtokenReissueRequest {
    /// The request `/idtoken/reissue` expects after an `/auth/token` answer
    /// of `ID_TOKEN_REISSUABLE`: `accessToken` is the answer's
    /// `jwtAccessToken` when present, else its `accessToken`; `refreshToken`
    /// is copied.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when the answer has no access or refresh token.
    ///
    /// ```
    /// use authlete::idtoken::IdtokenReissueRequest;
    /// let mut token = authlete::operation::auth_token::Success::default();
    /// token.access_token = Some("opaque".into());
    /// token.jwt_access_token = Some("eyJ.jwt".into());
    /// token.refresh_token = Some("rt".into());
    /// let req = IdtokenReissueRequest::from_token_response(&token)?
    ///     .with_claims(&serde_json::json!({"name": "Alice"}))?;
    /// assert_eq!(req.access_token.as_deref(), Some("eyJ.jwt"));
    /// assert_eq!(req.claims.as_deref(), Some(r#"{"name":"Alice"}"#));
    /// # Ok::<(), authlete::Error>(())
    /// ```
    pub fn from_token_response(token: &TokenResponse) -> Result<Self, Error> {
        let invalid = |message: &str| Error::InvalidRequest { operation: "idtoken_reissue", message: message.into() };
        let access_token = token
            .jwt_access_token
            .clone()
            .or_else(|| token.access_token.clone())
            .ok_or_else(|| invalid("the token response has no access token"))?;
        let refresh_token =
            token.refresh_token.clone().ok_or_else(|| invalid("the token response has no refresh token"))?;
        // Through the generated builder, so fields a new revision adds keep
        // their defaults.
        Self::builder()
            .access_token(access_token)
            .refresh_token(refresh_token)
            .try_into()
            .map_err(|e: crate::types::error::ConversionError| invalid(&e.to_string()))
    }

    /// Claims to embed in the ID token: any value that serialises to a JSON
    /// object (a `serde_json::Map`, a struct).
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when `claims` is not a JSON object.
    pub fn with_claims<T: Serialize + ?Sized>(mut self, claims: &T) -> Result<Self, Error> {
        self.claims = Some(json_object(claims, "claims")?);
        Ok(self)
    }

    /// Parameters to add to the ID token's JWS header: any value that
    /// serialises to a JSON object.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when `params` is not a JSON object.
    pub fn with_idt_header_params<T: Serialize + ?Sized>(mut self, params: &T) -> Result<Self, Error> {
        self.idt_header_params = Some(json_object(params, "idtHeaderParams")?);
        Ok(self)
    }

    /// The `sub` claim to use instead of the token's subject.
    pub fn with_sub(mut self, sub: impl Into<String>) -> Self {
        self.sub = Some(sub.into());
        self
    }

    /// How to write the `aud` claim.
    pub fn with_id_token_aud_type(mut self, aud: IdtokenAudType) -> Self {
        self.id_token_aud_type = Some(match aud {
            IdtokenAudType::Array => "array".into(),
            IdtokenAudType::String => "string".into(),
        });
        self
    }
}

fn json_object<T: Serialize + ?Sized>(value: &T, what: &str) -> Result<String, Error> {
    let invalid = |message: String| Error::InvalidRequest { operation: "idtoken_reissue", message };
    match serde_json::to_value(value) {
        Ok(v @ Value::Object(_)) => Ok(v.to_string()),
        Ok(_) => Err(invalid(format!("{what} must serialise to a JSON object"))),
        Err(e) => Err(invalid(format!("{what} cannot be serialised: {e}"))),
    }
}
