//! A token endpoint on top of `/auth/token`, including the refresh-token
//! flow that reissues the ID token (`ID_TOKEN_REISSUABLE` →
//! `/idtoken/reissue`) and the password grant (`/auth/token/issue`,
//! `/auth/token/fail`).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::models::{IdtokenReissueRequest, TokenResponse};
use crate::responses::EndpointResponse;
use crate::{Authlete, Error};

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// The user's claims for a reissued ID token, keyed by subject. `None`: no
/// extra claims.
pub type ClaimsProvider = Arc<dyn Fn(String) -> BoxFuture<Option<Map<String, Value>>> + Send + Sync>;

/// Authenticates a resource owner for the password grant; `Some(subject)`
/// when the credentials are right.
pub type PasswordAuthenticator = Arc<dyn Fn(PasswordCredentials) -> BoxFuture<Option<String>> + Send + Sync>;

/// Answers a grant that needs server logic (`TOKEN_EXCHANGE`, `JWT_BEARER`,
/// `NATIVE_SSO`) from Authlete's `/auth/token` answer.
pub type GrantHandler = Arc<dyn Fn(TokenResponse) -> BoxFuture<EndpointResponse> + Send + Sync>;

/// The resource owner's credentials of a password grant.
#[derive(Clone)]
pub struct PasswordCredentials {
    /// `username` of the token request.
    pub username: String,
    /// `password` of the token request.
    pub password: String,
}

impl std::fmt::Debug for PasswordCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordCredentials").field("username", &self.username).finish_non_exhaustive()
    }
}

/// A token request as the token endpoint received it.
///
/// ```
/// let input = authlete::TokenRequestInput::new("grant_type=refresh_token&refresh_token=rt")
///     .authorization(Some("Basic Y2xpZW50OnNlY3JldA=="));
/// assert_eq!(input.basic_credentials(), Some(("client".into(), "secret".into())));
/// ```
#[derive(Clone, Default)]
pub struct TokenRequestInput {
    /// The form-encoded request body, as received.
    pub body: String,
    /// The `Authorization` header.
    pub authorization: Option<String>,
    /// The `DPoP` header.
    pub dpop: Option<String>,
    /// The HTTP method for DPoP (`htm`), normally `POST`.
    pub htm: Option<String>,
    /// The endpoint URL for DPoP (`htu`).
    pub htu: Option<String>,
    /// The client certificate (PEM) of a mutual-TLS connection.
    pub client_certificate: Option<String>,
    /// The certificate chain (PEM) of a mutual-TLS connection.
    pub client_certificate_path: Vec<String>,
}

impl std::fmt::Debug for TokenRequestInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The body and the Authorization header carry secrets.
        f.debug_struct("TokenRequestInput")
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("authorization", &self.authorization.as_ref().map(|_| "<redacted>"))
            .field("dpop", &self.dpop.is_some())
            .field("htm", &self.htm)
            .field("htu", &self.htu)
            .finish_non_exhaustive()
    }
}

impl TokenRequestInput {
    /// A request with this form body.
    pub fn new(body: impl Into<String>) -> Self {
        Self { body: body.into(), htm: Some("POST".into()), ..Self::default() }
    }

    /// From the parts of an HTTP request; `htu` is the endpoint's public URL.
    pub fn from_http(headers: &http::HeaderMap, body: impl Into<String>, htu: Option<&str>) -> Self {
        // Every value is passed on, never dropped: several DPoP headers are
        // joined and a value that is not text is passed lossily, so that
        // Authlete rejects the proof (RFC 9449 §4.3) instead of the request
        // silently becoming a plain bearer one.
        let text = |name: &str| {
            let values: Vec<String> =
                headers.get_all(name).iter().map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()).collect();
            (!values.is_empty()).then(|| values.join(", "))
        };
        Self {
            body: body.into(),
            authorization: text("authorization"),
            dpop: text("dpop"),
            htm: Some("POST".into()),
            htu: htu.map(str::to_string),
            ..Self::default()
        }
    }

    /// Sets the `Authorization` header.
    pub fn authorization(mut self, value: Option<&str>) -> Self {
        self.authorization = value.map(str::to_string);
        self
    }

    /// Sets the `DPoP` header, `htm` and `htu`.
    pub fn dpop(mut self, proof: Option<&str>, htu: Option<&str>) -> Self {
        self.dpop = proof.map(str::to_string);
        self.htu = htu.map(str::to_string);
        self
    }

    /// The client certificate and its chain, for mutual TLS.
    pub fn client_certificate(mut self, pem: Option<&str>, chain: Vec<String>) -> Self {
        self.client_certificate = pem.map(str::to_string);
        self.client_certificate_path = chain;
        self
    }

    /// Whether the client authenticated with HTTP Basic (the
    /// `Authorization` scheme is `Basic`, whether or not it decodes).
    pub fn uses_basic(&self) -> bool {
        self.authorization.as_deref().is_some_and(|v| {
            let v = v.trim();
            v.split_once(' ').map_or(v, |(scheme, _)| scheme).eq_ignore_ascii_case("basic")
        })
    }

    /// `(client_id, client_secret)` of an HTTP Basic `Authorization` header;
    /// `None` when there is none or it does not decode.
    pub fn basic_credentials(&self) -> Option<(String, String)> {
        use base64::Engine;
        if !self.uses_basic() {
            return None;
        }
        let (_, encoded) = self.authorization.as_deref()?.trim().split_once(' ')?;
        let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (id, secret) = text.split_once(':')?;
        // RFC 6749 §2.3.1: both were form-urlencoded before Base64.
        let unescape = |s: &str| {
            percent_encoding::percent_decode_str(&s.replace('+', " ")).decode_utf8().ok().map(|c| c.into_owned())
        };
        Some((unescape(id)?, unescape(secret)?))
    }
}

/// The value of `idTokenAudType`: how the `aud` claim of the reissued ID
/// token is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdTokenAudType {
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
    /// use authlete::models::{IdtokenReissueRequest, TokenResponse};
    /// let token = TokenResponse {
    ///     access_token: Some("opaque".into()),
    ///     jwt_access_token: Some("eyJ.jwt".into()),
    ///     refresh_token: Some("rt".into()),
    ///     ..Default::default()
    /// };
    /// let req = IdtokenReissueRequest::from_token_response(&token)?
    ///     .with_claims(&serde_json::json!({"name": "Alice"}))?;
    /// assert_eq!(req.access_token, "eyJ.jwt");
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
            .map_err(|e: crate::models::error::ConversionError| invalid(&e.to_string()))
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
    pub fn with_id_token_aud_type(mut self, aud: IdTokenAudType) -> Self {
        self.id_token_aud_type = Some(match aud {
            IdTokenAudType::Array => "array".into(),
            IdTokenAudType::String => "string".into(),
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

/// A token endpoint: give it the raw token request, get the HTTP response.
///
/// - `ID_TOKEN_REISSUABLE` (refresh token grant of a service with
///   `idTokenReissuable`): calls `/idtoken/reissue` with the claims from the
///   [claims provider](Self::claims_provider) and answers with its
///   `responseContent`. If the reissue fails (transport error,
///   `CALLER_ERROR`, `INTERNAL_SERVER_ERROR`), it answers with
///   `/auth/token`'s own `responseContent` — still a valid token response,
///   without a new ID token — and logs a warning (feature `tracing`); see
///   [`reissue_fallback`](Self::reissue_fallback).
/// - `PASSWORD`: the [password authenticator](Self::password_authenticator)
///   checks the credentials; then `/auth/token/issue` or `/auth/token/fail`.
/// - `TOKEN_EXCHANGE`, `JWT_BEARER`, `NATIVE_SSO`: the
///   [grant handler](Self::grant_handler) if one is set, else
///   `unsupported_grant_type`.
/// - everything else: [`TokenResponse::to_http_response`].
///
/// A `DPoP-Nonce` from `/auth/token` is carried to the final response.
#[derive(Clone)]
pub struct TokenEndpoint {
    client: Authlete,
    claims: Option<ClaimsProvider>,
    password: Option<PasswordAuthenticator>,
    grants: Option<GrantHandler>,
    reissue_fallback: bool,
}

impl std::fmt::Debug for TokenEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenEndpoint")
            .field("client", &self.client)
            .field("claims_provider", &self.claims.is_some())
            .field("password_authenticator", &self.password.is_some())
            .field("grant_handler", &self.grants.is_some())
            .field("reissue_fallback", &self.reissue_fallback)
            .finish()
    }
}

impl TokenEndpoint {
    /// A token endpoint using `client`, with no callbacks and the reissue
    /// fallback on.
    pub fn new(client: Authlete) -> Self {
        Self { client, claims: None, password: None, grants: None, reissue_fallback: true }
    }

    /// Where the claims of a reissued ID token come from, by subject.
    pub fn claims_provider<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(String) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Option<Map<String, Value>>> + Send + 'static,
    {
        self.claims = Some(Arc::new(move |subject| Box::pin(f(subject))));
        self
    }

    /// Checks the resource owner's credentials of a password grant.
    pub fn password_authenticator<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(PasswordCredentials) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Option<String>> + Send + 'static,
    {
        self.password = Some(Arc::new(move |c| Box::pin(f(c))));
        self
    }

    /// Answers `TOKEN_EXCHANGE`, `JWT_BEARER` and `NATIVE_SSO`.
    pub fn grant_handler<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(TokenResponse) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = EndpointResponse> + Send + 'static,
    {
        self.grants = Some(Arc::new(move |t| Box::pin(f(t))));
        self
    }

    /// Whether a failed reissue falls back to `/auth/token`'s own response
    /// (default `true`). When `false`, the reissue's failure is answered as
    /// [`IdtokenReissueResponse::to_http_response`](crate::IdtokenReissueResponse::to_http_response)
    /// says, or returned as an error for a transport failure.
    pub fn reissue_fallback(mut self, on: bool) -> Self {
        self.reissue_fallback = on;
        self
    }

    /// Handles one token request.
    ///
    /// # Errors
    /// Failures to reach Authlete for `/auth/token` (or for the follow-up
    /// call when no fallback applies). Answer them with a 500; with the
    /// `axum` feature, `Error` does that as `IntoResponse`.
    pub async fn handle(&self, input: TokenRequestInput) -> Result<EndpointResponse, Error> {
        let client_used_basic = input.uses_basic();
        let basic = input.basic_credentials();
        if client_used_basic && basic.is_none() {
            // RFC 6749 §5.2: failed client authentication through the
            // Authorization header is a 401 with a challenge.
            return Ok(EndpointResponse::invalid_client_basic());
        }
        let (client_id, client_secret) = basic.map_or((None, None), |(i, s)| (Some(i), Some(s)));
        // `clientCertificatePath` changed type between spec revisions (a
        // string, then a list): sent through the unknown-fields map, it is
        // the list Authlete takes today whatever revision the crate is built from.
        let mut extra = Map::new();
        if !input.client_certificate_path.is_empty() {
            extra.insert("clientCertificatePath".into(), input.client_certificate_path.into());
        }
        let token = self
            .client
            .auth_token()
            .body_map(move |b| {
                b.parameters(input.body)
                    .set_client_id(client_id)
                    .set_client_secret(client_secret)
                    .set_dpop(input.dpop)
                    .set_htm(input.htm)
                    .set_htu(input.htu)
                    .set_client_certificate(input.client_certificate)
                    .extra(extra)
            })
            .send()
            .await?
            .into_inner();
        let nonce = token.dpop_nonce.clone();
        let action = token.action.as_ref().map(ToString::to_string).unwrap_or_default();
        let response = match action.as_str() {
            "ID_TOKEN_REISSUABLE" => self.reissue(&token).await?,
            "PASSWORD" => match &self.password {
                Some(auth) => self.password_grant(auth, &token).await?,
                None => EndpointResponse::unsupported_grant_type(),
            },
            "TOKEN_EXCHANGE" | "JWT_BEARER" | "NATIVE_SSO" => match &self.grants {
                Some(handler) => handler(token).await,
                None => EndpointResponse::unsupported_grant_type(),
            },
            _ => return Ok(token.to_http_response(client_used_basic)),
        };
        Ok(response.with_dpop_nonce(nonce.as_deref()))
    }

    async fn reissue(&self, token: &TokenResponse) -> Result<EndpointResponse, Error> {
        let fallback = || token.to_http_response(false);
        let claims = match (&self.claims, &token.subject) {
            (Some(provider), Some(subject)) => provider(subject.clone()).await,
            _ => None,
        };
        let request = IdtokenReissueRequest::from_token_response(token).and_then(|r| match &claims {
            Some(c) => r.with_claims(c),
            None => Ok(r),
        });
        let request = match request {
            Ok(r) => r,
            Err(e) if self.reissue_fallback => {
                warn_fallback(&e.to_string());
                return Ok(fallback());
            }
            Err(e) => return Err(e),
        };
        match self.client.idtoken_reissue().body(request).send().await {
            Ok(r) if r.is_ok() => Ok(r.to_http_response()),
            Ok(r) if self.reissue_fallback => {
                warn_fallback(&format!("action {}", r.action.as_ref().map(ToString::to_string).unwrap_or_default()));
                Ok(fallback())
            }
            Ok(r) => Ok(r.to_http_response()),
            Err(e) if self.reissue_fallback => {
                warn_fallback(&e.to_string());
                Ok(fallback())
            }
            Err(e) => Err(e),
        }
    }

    async fn password_grant(
        &self,
        auth: &PasswordAuthenticator,
        token: &TokenResponse,
    ) -> Result<EndpointResponse, Error> {
        let ticket = token.ticket.clone().unwrap_or_default();
        let credentials = PasswordCredentials {
            username: token.username.clone().unwrap_or_default(),
            password: token.password.clone().unwrap_or_default(),
        };
        match auth(credentials).await {
            Some(subject) => Ok(self
                .client
                .auth_token_issue()
                .body_map(|b| b.ticket(ticket).subject(subject))
                .send()
                .await?
                .to_http_response()),
            None => Ok(self
                .client
                .auth_token_fail()
                .body_map(|b| b.ticket(ticket).reason("INVALID_RESOURCE_OWNER_CREDENTIALS"))
                .send()
                .await?
                .to_http_response()),
        }
    }
}

fn warn_fallback(why: &str) {
    #[cfg(feature = "tracing")]
    tracing::warn!(target: "authlete", reason = why, "ID token reissue failed; answering with /auth/token's response");
    #[cfg(not(feature = "tracing"))]
    let _ = why;
}
