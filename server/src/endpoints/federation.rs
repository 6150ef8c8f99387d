//! OpenID Federation: the entity configuration (`/.well-known/openid-federation`)
//! and explicit client registration.

use authlete::answer::AuthleteAnswer;
use authlete::{Authlete, EndpointResponse};

use crate::Error;

/// The federation endpoints. Their successes are served as
/// `application/entity-statement+jwt`, their errors as JSON.
///
/// ```no_run
/// # async fn demo(client: authlete::Authlete) -> Result<(), authlete_server::Error> {
/// use authlete_server::endpoints::FederationEndpoint;
/// let federation = FederationEndpoint::new(client);
/// let configuration = federation.configuration().await?; // GET /.well-known/openid-federation
/// # let _ = configuration; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct FederationEndpoint {
    client: Authlete,
}

impl FederationEndpoint {
    /// The federation endpoints using `client`.
    pub fn new(client: Authlete) -> Self {
        Self { client }
    }

    /// The entity configuration (`/federation/configuration`): `200` with
    /// the signed statement, or `404` when the service is not a federation
    /// entity.
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn configuration(&self) -> Result<EndpointResponse, Error> {
        Ok(self.client.federation_configuration().body(serde_json::Map::new()).send().await?.to_http_response())
    }

    /// An explicit registration request (`/federation/registration`): its
    /// body is the relying party's entity configuration
    /// (`application/entity-statement+jwt`) or a trust chain
    /// (`application/trust-chain+json`), as `content_type` says.
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn registration(&self, body: String, content_type: Option<&str>) -> Result<EndpointResponse, Error> {
        let trust_chain = content_type.is_some_and(|c| c.trim().to_ascii_lowercase().starts_with("application/trust-chain+json"));
        let answer = self
            .client
            .federation_registration()
            .body_map(move |b| if trust_chain { b.trust_chain(body) } else { b.entity_configuration(body) })
            .send()
            .await?;
        Ok(answer.to_http_response())
    }
}
