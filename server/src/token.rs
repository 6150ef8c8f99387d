//! The token endpoint on top of `/auth/token`, including the refresh-token
//! flow that reissues the ID token (`ID_TOKEN_REISSUABLE` →
//! `/idtoken/reissue`) and the password grant (`/auth/token/issue`,
//! `/auth/token/fail`).

use std::future::Future;
use std::sync::Arc;

use authlete::answer::AuthleteAnswer;
use authlete::idtoken::IdtokenReissueRequest;
use authlete::operation::auth_token::Success as TokenResponse;
use authlete::{Authlete, EndpointResponse};
use serde_json::Map;

use crate::claims::{BoxFuture, ClaimsDecision, ClaimsProvider, GrantContext, UserClaims};
use crate::password::{PasswordAuthenticator, PasswordCredentials};
use crate::{ClientRequest, Error};

/// Answers a grant that needs server logic (`TOKEN_EXCHANGE`, `JWT_BEARER`,
/// `NATIVE_SSO`) from Authlete's `/auth/token` answer
/// ([`TokenEndpoint::grant_handler`]). Any
/// `Fn(TokenResponse) -> impl Future<Output = EndpointResponse>` is one.
pub trait GrantHandler: Send + Sync {
    /// The response to the token request.
    fn handle(&self, token: TokenResponse) -> BoxFuture<'_, EndpointResponse>;
}

impl<F, Fut> GrantHandler for F
where
    F: Fn(TokenResponse) -> Fut + Send + Sync,
    Fut: Future<Output = EndpointResponse> + Send + 'static,
{
    fn handle(&self, token: TokenResponse) -> BoxFuture<'_, EndpointResponse> {
        Box::pin(self(token))
    }
}

/// A token endpoint: give it the raw token request, get the HTTP response.
///
/// - `ID_TOKEN_REISSUABLE` (refresh token grant of a service with
///   `idTokenReissuable`): the [claims provider](Self::claims_provider)
///   sees the grant ([`GrantContext`]: subject, client, scopes, requested
///   claims) and decides: reissue with claims, `sub`, JWS header parameters
///   and `aud` style ([`ClaimsDecision::Provide`]); answer without a new ID token
///   ([`ClaimsDecision::Skip`]); or refuse the grant ([`ClaimsDecision::Deny`]: the new
///   access token is deleted and the client gets `invalid_grant`). Without a
///   provider the ID token is reissued with no extra claims. The reissue's
///   `responseContent` is the answer. If the reissue fails (transport error,
///   `CALLER_ERROR`, `INTERNAL_SERVER_ERROR`, `OK` without content), the
///   answer is `/auth/token`'s own `responseContent` — the new tokens,
///   without a new ID token — and a warning is logged; see
///   [`reissue_fallback`](Self::reissue_fallback) for the strict mode.
/// - `PASSWORD`: the [password authenticator](Self::password_authenticator)
///   checks the credentials; then `/auth/token/issue` (with the
///   authenticator's `properties`) or `/auth/token/fail`.
/// - `TOKEN_EXCHANGE`, `JWT_BEARER`, `NATIVE_SSO`: the
///   [grant handler](Self::grant_handler) if one is set, else
///   `unsupported_grant_type`.
/// - everything else: the answer's HTTP response
///   ([`AuthleteAnswer::next_after_client_auth`]).
///
/// Built only when the spec in use has the operations `auth_token`,
/// `auth_token_issue`, `auth_token_fail`, `idtoken_reissue` and
/// `auth_token_delete_by_access_token_identifier` (see the crate docs).
///
/// A `DPoP-Nonce` from `/auth/token` is carried to the final response. The
/// client's credentials (Basic), DPoP proof, certificate and attestation
/// headers all reach `/auth/token` from [`ClientRequest`].
///
/// Where this differs from Authlete's Java handler (`TokenRequestHandler` of
/// authlete-java-jaxrs), on purpose:
/// - `INVALID_CLIENT` is `401` with `WWW-Authenticate: Basic` only when the
///   client tried HTTP Basic; otherwise `400`. RFC 6749 §5.2 asks for 401
///   and a challenge when the client authenticated through the
///   `Authorization` header, and allows 400 otherwise; a challenge to a
///   client that never used Basic invites it to try.
/// - Grants the server does not handle (no authenticator or grant handler)
///   are answered `400 unsupported_grant_type` rather than raising an
///   error, as RFC 6749 §5.2 names that case.
/// - `ID_TOKEN_REISSUABLE` reissues the ID token (the Java handler answers
///   with `/auth/token`'s content and leaves reissue to the application).
#[derive(Clone)]
pub struct TokenEndpoint {
    client: Authlete,
    claims: Option<Arc<dyn ClaimsProvider>>,
    password: Option<Arc<dyn PasswordAuthenticator>>,
    grants: Option<Arc<dyn GrantHandler>>,
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

/// The body of a refused grant.
pub const INVALID_GRANT_BODY: &str = r#"{"error":"invalid_grant","error_description":"The grant is no longer valid."}"#;

impl TokenEndpoint {
    /// A token endpoint using `client`, with no callbacks and the reissue
    /// fallback on.
    pub fn new(client: Authlete) -> Self {
        Self { client, claims: None, password: None, grants: None, reissue_fallback: true }
    }

    /// Decides each ID token reissue, from the grant: a closure or any
    /// [`ClaimsProvider`] (the userinfo endpoint can share it).
    ///
    /// ```no_run
    /// # fn demo(client: authlete::Authlete) {
    /// use authlete_server::{ClaimsDecision, TokenEndpoint};
    /// let endpoint = TokenEndpoint::new(client).claims_provider(|grant: authlete_server::GrantContext| async move {
    ///     match grant.subject() {
    ///         Some("deleted-user") => ClaimsDecision::Deny,
    ///         Some(subject) => {
    ///             let mut claims = serde_json::Map::new();
    ///             if grant.requested_id_token_claims().iter().any(|c| c == "name") {
    ///                 claims.insert("name".into(), format!("User {subject}").into());
    ///             }
    ///             ClaimsDecision::claims(claims)
    ///         }
    ///         None => ClaimsDecision::Skip,
    ///     }
    /// });
    /// # }
    /// ```
    pub fn claims_provider(mut self, provider: impl ClaimsProvider + 'static) -> Self {
        self.claims = Some(Arc::new(provider));
        self
    }

    /// Checks the resource owner's credentials of a password grant: a
    /// closure returning `Some` with the subject (a `String`, or
    /// [`Authenticated`](crate::Authenticated) with token properties) when
    /// they are right, or any [`PasswordAuthenticator`].
    pub fn password_authenticator(mut self, authenticator: impl PasswordAuthenticator + 'static) -> Self {
        self.password = Some(Arc::new(authenticator));
        self
    }

    /// Answers `TOKEN_EXCHANGE`, `JWT_BEARER` and `NATIVE_SSO`.
    pub fn grant_handler(mut self, handler: impl GrantHandler + 'static) -> Self {
        self.grants = Some(Arc::new(handler));
        self
    }

    /// Whether a failed reissue falls back to `/auth/token`'s own response
    /// (default `true`).
    ///
    /// With `false` (strict mode), [`handle`](Self::handle) returns
    /// [`Error::ReissueFailed`] instead, which carries that same fallback
    /// response: by the time the reissue fails, `/auth/token` has issued new
    /// tokens and may have rotated the refresh token, so a response that
    /// drops them would lock the client out. Strict mode lets you log,
    /// alert or count the failure and still send the tokens.
    pub fn reissue_fallback(mut self, on: bool) -> Self {
        self.reissue_fallback = on;
        self
    }

    /// Handles one token request.
    ///
    /// # Errors
    /// Failures to reach Authlete for `/auth/token` (or for the follow-up
    /// call when no fallback applies); [`Error::ReissueFailed`] in strict
    /// mode. Answer the former with a 500 (with the `axum` feature, `Error`
    /// does that as `IntoResponse`); send the latter's `fallback`.
    pub async fn handle(&self, input: ClientRequest) -> Result<EndpointResponse, Error> {
        let client_used_basic = input.uses_basic();
        let basic = input.basic_credentials();
        if client_used_basic && basic.is_none() {
            // RFC 6749 §5.2: failed client authentication through the
            // Authorization header is a 401 with a challenge.
            return Ok(EndpointResponse::invalid_client_basic());
        }
        let (client_id, client_secret) = basic.map_or((None, None), |(i, s)| (Some(i), Some(s)));
        // Sent by wire name through the unknown-fields map, so that the
        // helper builds with every revision: `clientCertificatePath` changed
        // type between revisions (a string, then a list), and the attestation
        // fields are missing from older ones.
        let mut extra = Map::new();
        if !input.client_certificate_path.is_empty() {
            extra.insert("clientCertificatePath".into(), input.client_certificate_path.into());
        }
        if let Some(jwt) = input.client_attestation {
            extra.insert("oauthClientAttestation".into(), jwt.into());
        }
        if let Some(jwt) = input.client_attestation_pop {
            extra.insert("oauthClientAttestationPop".into(), jwt.into());
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
            "ID_TOKEN_REISSUABLE" => self.reissue(token).await?,
            "PASSWORD" => match &self.password {
                Some(auth) => self.password_grant(auth, token).await?,
                None => EndpointResponse::unsupported_grant_type(),
            },
            "TOKEN_EXCHANGE" | "JWT_BEARER" | "NATIVE_SSO" => match &self.grants {
                Some(handler) => handler.handle(token).await,
                None => EndpointResponse::unsupported_grant_type(),
            },
            _ => return Ok(token.next_after_client_auth(client_used_basic).or_server_error()),
        };
        Ok(response.with_dpop_nonce(nonce.as_deref()))
    }

    async fn reissue(&self, token: TokenResponse) -> Result<EndpointResponse, Error> {
        // The new tokens without a new ID token (the mapping of
        // `ID_TOKEN_REISSUABLE`): what the client gets if the reissue fails.
        let fallback = token.to_http_response();
        let grant = GrantContext::new(token.clone());
        let decision = match &self.claims {
            Some(provider) => provider.claims(grant).await,
            None => ClaimsDecision::Provide(UserClaims::default()),
        };
        let extra = match decision {
            ClaimsDecision::Provide(extra) => extra,
            ClaimsDecision::Skip => return Ok(fallback),
            ClaimsDecision::Deny => return Ok(self.deny(&token).await),
        };
        let request = IdtokenReissueRequest::from_token_response(&token).and_then(|r| {
            let r = if extra.claims.is_empty() { r } else { r.with_claims(&extra.claims)? };
            let r = match &extra.idt_header_params {
                Some(p) => r.with_idt_header_params(p)?,
                None => r,
            };
            let r = match extra.sub {
                Some(sub) => r.with_sub(sub),
                None => r,
            };
            Ok(match extra.id_token_aud_type {
                Some(aud) => r.with_id_token_aud_type(aud),
                None => r,
            })
        });
        let failure = match request {
            Ok(request) => match self.client.idtoken_reissue().body(request).send().await {
                // `OK` without content would be an empty answer: a failure.
                Ok(r) if r.is_reissued() => return Ok(r.to_http_response()),
                Ok(r) => format!("action {}", r.action.as_ref().map(ToString::to_string).unwrap_or_default()),
                Err(e) => e.to_string(),
            },
            Err(e) => e.to_string(),
        };
        if self.reissue_fallback {
            warn_fallback(&failure);
            Ok(fallback)
        } else {
            Err(Error::ReissueFailed { reason: failure, fallback: Box::new(fallback) })
        }
    }

    /// A refused grant: the access token just issued is deleted, and the
    /// client is told its grant is invalid.
    async fn deny(&self, token: &TokenResponse) -> EndpointResponse {
        if let Some(at) = token.access_token.clone() {
            let deleted =
                self.client.auth_token_delete_by_access_token_identifier().access_token_identifier(at).send().await;
            if let Err(e) = deleted {
                warn_not_deleted(&e.to_string());
            }
        }
        EndpointResponse::json(http::StatusCode::BAD_REQUEST, INVALID_GRANT_BODY)
    }

    async fn password_grant(
        &self,
        auth: &Arc<dyn PasswordAuthenticator>,
        token: TokenResponse,
    ) -> Result<EndpointResponse, Error> {
        let ticket = token.ticket.clone().unwrap_or_default();
        let credentials = PasswordCredentials {
            username: token.username.clone(),
            password: token.password.clone(),
            grant: GrantContext::new(token),
        };
        match auth.authenticate(credentials).await {
            Some(user) => {
                let mut extra = Map::new();
                if !user.properties.is_empty() {
                    extra.insert("properties".into(), serde_json::to_value(&user.properties).unwrap_or_default());
                }
                Ok(self
                    .client
                    .auth_token_issue()
                    .body_map(|b| b.ticket(ticket).subject(user.subject).extra(extra))
                    .send()
                    .await?
                    .to_http_response())
            }
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

fn warn_not_deleted(why: &str) {
    #[cfg(feature = "tracing")]
    tracing::warn!(target: "authlete", reason = why, "the access token of a denied grant could not be deleted");
    #[cfg(not(feature = "tracing"))]
    let _ = why;
}
