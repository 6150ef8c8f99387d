//! Grant management (FAPI Grant Management for OAuth 2.0): the client
//! queries or revokes a grant with an access token (`/gm`).

use authlete::answer::AuthleteAnswer;
use authlete::{Authlete, EndpointResponse};

use super::ResourceRequest;
use crate::Error;

/// `GET` and `DELETE /grants/{grant_id}`.
///
/// The request is a protected resource's: its access token (Bearer or
/// DPoP) and proof ([`ResourceRequest::from_http`]). Authlete checks that
/// the token may manage the grant; its errors go back as challenges in
/// `WWW-Authenticate` with no body (401, 403, 404), never as a body.
///
/// ```no_run
/// # async fn demo(client: authlete::Authlete, headers: http::HeaderMap, grant_id: &str) -> Result<(), authlete_server::Error> {
/// use authlete_server::endpoints::{GrantManagementEndpoint, ResourceRequest};
/// let grants = GrantManagementEndpoint::new(client);
/// let url = format!("https://op.example/grants/{grant_id}");
/// let response = grants.query(ResourceRequest::from_http(&http::Method::GET, &url, &headers), grant_id).await?;
/// # let _ = response; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct GrantManagementEndpoint {
    client: Authlete,
}

impl GrantManagementEndpoint {
    /// A grant management endpoint using `client`.
    pub fn new(client: Authlete) -> Self {
        Self { client }
    }

    /// The grant's status: `200` with its scopes, claims and authorization
    /// details.
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn query(&self, request: ResourceRequest, grant_id: &str) -> Result<EndpointResponse, Error> {
        self.send(request, grant_id, "QUERY").await
    }

    /// Revokes the grant and its tokens: `204`.
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn revoke(&self, request: ResourceRequest, grant_id: &str) -> Result<EndpointResponse, Error> {
        self.send(request, grant_id, "REVOKE").await
    }

    async fn send(&self, request: ResourceRequest, grant_id: &str, action: &'static str) -> Result<EndpointResponse, Error> {
        if let Some(refused) = request.refused_locally("grants") {
            return Ok(refused);
        }
        let fields = request.fields();
        let token = request.access_token.unwrap_or_default();
        // The spec requires `token`, a name its schema does not declare;
        // Authlete reads `accessToken`. Both are sent.
        let required = serde_json::Value::from(token.clone());
        let grant_id = grant_id.to_string();
        let answer = self
            .client
            .gm()
            .body_map(move |b| b.access_token(token).token(required).gm_action(action).grant_id(grant_id).extra(fields))
            .send()
            .await?;
        Ok(answer.to_http_response())
    }
}
