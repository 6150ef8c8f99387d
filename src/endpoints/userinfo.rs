//! The userinfo endpoint (OpenID Connect Core §5.3).

use std::future::Future;
use std::sync::Arc;

use super::introspection::ResourceRequest;
use crate::answer::{AuthleteAnswer, Next};
use crate::responses::EndpointResponse;
use crate::token_endpoint::{ClaimsProvider, GrantContext, Reissue, ReissueClaims};
use crate::{Authlete, Error};

/// `GET`/`POST /userinfo`: checks the access token (`/auth/userinfo`), asks
/// your claims provider for the user's claims, and answers with what
/// `/auth/userinfo/issue` makes of them (JSON, or a signed JWT when the
/// client registered for one).
///
/// The claims provider is the token endpoint's
/// ([`TokenEndpoint::claims_provider`](crate::TokenEndpoint::claims_provider)):
/// it sees the grant ([`GrantContext`]: subject, client, scopes,
/// [`requested_userinfo_claims`](GrantContext::requested_userinfo_claims))
/// and answers [`Reissue::With`] (claims, and `sub` for pairwise subjects),
/// [`Reissue::Skip`] (no extra claims) or [`Reissue::Deny`] (the user is
/// gone: `401 invalid_token`).
#[derive(Clone)]
pub struct UserinfoEndpoint {
    client: Authlete,
    claims: Option<ClaimsProvider>,
}

impl std::fmt::Debug for UserinfoEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserinfoEndpoint").field("claims_provider", &self.claims.is_some()).finish_non_exhaustive()
    }
}

impl UserinfoEndpoint {
    /// A userinfo endpoint using `client`, with no claims provider.
    pub fn new(client: Authlete) -> Self {
        Self { client, claims: None }
    }

    /// Where the user's claims come from.
    pub fn claims_provider<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(GrantContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Reissue> + Send + 'static,
    {
        self.claims = Some(Arc::new(move |grant| Box::pin(f(grant))));
        self
    }

    /// Handles one userinfo request.
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn handle(&self, request: ResourceRequest) -> Result<EndpointResponse, Error> {
        if let Some(refused) = request.refused_locally("userinfo") {
            return Ok(refused);
        }
        let token = request.access_token.clone().unwrap_or_default();
        let fields = request.fields();
        let check_token = token.clone();
        let answer = self
            .client
            .auth_userinfo()
            .body_map(move |b| b.token(check_token).extra(fields))
            .send()
            .await?
            .into_inner();
        // The one answer that grants (see the module docs).
        if answer.action() != Some("OK") {
            return Ok(super::denied(&answer));
        }
        let grant = GrantContext::from_answer(&answer);
        let decision = match &self.claims {
            Some(provider) => provider(grant).await,
            None => Reissue::Skip,
        };
        let extra = match decision {
            Reissue::With(claims) => claims,
            Reissue::Skip => ReissueClaims::default(),
            Reissue::Deny => {
                return Ok(challenge(
                    if request.dpop_scheme { "DPoP" } else { "Bearer" },
                    Some("error=\"invalid_token\",error_description=\"The user is no longer valid.\""),
                ))
            }
        };
        let mut fields = request.fields();
        if !extra.claims.is_empty() {
            fields.insert("claims".into(), serde_json::Value::Object(extra.claims).to_string().into());
        }
        if let Some(sub) = extra.sub {
            fields.insert("sub".into(), sub.into());
        }
        let issued = self
            .client
            .auth_userinfo_issue()
            .body_map(move |b| b.token(token).extra(fields))
            .send()
            .await?
            .into_inner();
        Ok(super::respond(issued.next().with_nonce_of(answer.dpop_nonce())))
    }
}

fn challenge(scheme: &str, params: Option<&str>) -> EndpointResponse {
    let value = match params {
        Some(p) => format!("{scheme} realm=\"userinfo\",{p}"),
        None => format!("{scheme} realm=\"userinfo\""),
    };
    crate::answer::challenge(http::StatusCode::UNAUTHORIZED, Some(&value))
}

trait WithNonce {
    fn with_nonce_of(self, nonce: Option<&str>) -> Self;
}

impl WithNonce for Next {
    /// `/auth/userinfo`'s `DPoP-Nonce` on the final response.
    fn with_nonce_of(self, nonce: Option<&str>) -> Self {
        match self {
            Next::Respond(r) => Next::Respond(r.with_dpop_nonce(nonce)),
            other => other,
        }
    }
}
