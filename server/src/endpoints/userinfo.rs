//! The userinfo endpoint (OpenID Connect Core §5.3).

use std::sync::Arc;

use super::introspection::ResourceRequest;
use crate::claims::{claims_fields, ClaimsDecision, ClaimsProvider, GrantContext};
use authlete::answer::{AuthleteAnswer, Next};
use authlete::Authlete;
use authlete::EndpointResponse;

use crate::Error;

/// `GET`/`POST /userinfo`: checks the access token (`/auth/userinfo`), asks
/// your claims provider for the user's claims, and answers with what
/// `/auth/userinfo/issue` makes of them (JSON, or a signed JWT when the
/// client registered for one).
///
/// The claims provider can be the token endpoint's
/// ([`TokenEndpoint::claims_provider`](crate::TokenEndpoint::claims_provider)):
/// its [`userinfo_claims`](ClaimsProvider::userinfo_claims) sees the grant
/// ([`GrantContext`]: subject, client, scopes,
/// [`requested_userinfo_claims`](GrantContext::requested_userinfo_claims))
/// and answers [`ClaimsDecision::Provide`] (claims, and `sub` for pairwise
/// subjects), [`ClaimsDecision::Skip`] (no claims beyond Authlete's) or
/// [`ClaimsDecision::Deny`] (the user is gone: `401 invalid_token`).
#[derive(Clone)]
pub struct UserinfoEndpoint {
    client: Authlete,
    claims: Option<Arc<dyn ClaimsProvider>>,
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

    /// Where the user's claims come from: a closure or any
    /// [`ClaimsProvider`].
    pub fn claims_provider(mut self, provider: impl ClaimsProvider + 'static) -> Self {
        self.claims = Some(Arc::new(provider));
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
            Some(provider) => provider.userinfo_claims(grant).await,
            None => ClaimsDecision::Skip,
        };
        let extra = match decision {
            ClaimsDecision::Provide(claims) => claims_fields(claims),
            ClaimsDecision::Skip => serde_json::Map::new(),
            ClaimsDecision::Deny => {
                return Ok(challenge(
                    if request.dpop_scheme { "DPoP" } else { "Bearer" },
                    Some("error=\"invalid_token\",error_description=\"The user is no longer valid.\""),
                ))
            }
        };
        let mut fields = request.fields();
        fields.extend(extra);
        let issued = self
            .client
            .auth_userinfo_issue()
            .body_map(move |b| b.token(token).extra(fields))
            .send()
            .await?
            .into_inner();
        Ok(issued.next().with_nonce_of(answer.dpop_nonce()).or_server_error())
    }
}

fn challenge(scheme: &str, params: Option<&str>) -> EndpointResponse {
    let value = match params {
        Some(p) => format!("{scheme} realm=\"userinfo\",{p}"),
        None => format!("{scheme} realm=\"userinfo\""),
    };
    EndpointResponse::challenge(http::StatusCode::UNAUTHORIZED, &value)
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
