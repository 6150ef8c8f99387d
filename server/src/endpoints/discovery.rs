//! Discovery (`/.well-known/openid-configuration`) and the JWK Set.

use http::header::{HeaderValue, CACHE_CONTROL, PRAGMA};

use authlete::Authlete;
use authlete::EndpointResponse;

use crate::Error;

/// Serves the provider's metadata and JWK Set, as Authlete publishes them.
/// Both are public and change rarely: they are sent with
/// `Cache-Control: max-age=300` instead of `no-store`.
#[derive(Debug, Clone)]
pub struct DiscoveryEndpoint {
    client: Authlete,
}

fn public_json(body: String) -> EndpointResponse {
    let mut r = EndpointResponse::json(http::StatusCode::OK, body);
    r.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("max-age=300"));
    r.headers_mut().remove(PRAGMA);
    r
}

impl DiscoveryEndpoint {
    /// A discovery endpoint using `client`.
    pub fn new(client: Authlete) -> Self {
        Self { client }
    }

    /// `GET /.well-known/openid-configuration` (needs operation
    /// `service_configuration` in the spec).
    ///
    /// # Errors
    /// Failures to reach Authlete.
    #[cfg(authlete_operation = "service_configuration")]
    pub async fn configuration(&self) -> Result<EndpointResponse, Error> {
        let metadata = self.client.service_configuration().send().await?.into_inner();
        Ok(public_json(serde_json::to_string(&metadata).unwrap_or_default()))
    }

    /// `GET /jwks`: the public keys (an empty set when the service has none;
    /// needs operation `service_jwks_get` in the spec).
    ///
    /// # Errors
    /// Failures to reach Authlete.
    #[cfg(authlete_operation = "service_jwks_get")]
    pub async fn jwks(&self) -> Result<EndpointResponse, Error> {
        // `None` (204) in revisions that document a body-less answer; through
        // JSON, so the code is the same for revisions that do not.
        let keys = serde_json::to_value(self.client.service_jwks_get().send().await?.into_inner()).unwrap_or_default();
        let body = if keys.is_null() { r#"{"keys":[]}"#.to_string() } else { keys.to_string() };
        Ok(public_json(body))
    }
}
