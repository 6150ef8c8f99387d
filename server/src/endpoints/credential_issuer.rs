//! The metadata endpoints of a credential issuer (OpenID for Verifiable
//! Credential Issuance): its metadata, its JWT issuer metadata, its JWK
//! Set, and the credential offers it hands out by reference.

use authlete::answer::AuthleteAnswer;
use authlete::{Authlete, EndpointResponse};
use http::StatusCode;

use crate::Error;

/// `GET /.well-known/openid-credential-issuer`, `/.well-known/jwt-vc-issuer`,
/// the issuer's JWK Set, and the `credential_offer_uri` of an offer.
///
/// ```no_run
/// # async fn demo(client: authlete::Authlete) -> Result<(), authlete_server::Error> {
/// use authlete_server::endpoints::CredentialIssuerEndpoint;
/// let issuer = CredentialIssuerEndpoint::new(client);
/// let metadata = issuer.metadata().await?; // 200 JSON, or 404 when the service is not a credential issuer
/// # let _ = metadata; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct CredentialIssuerEndpoint {
    client: Authlete,
}

impl CredentialIssuerEndpoint {
    /// The credential issuer's endpoints using `client`.
    pub fn new(client: Authlete) -> Self {
        Self { client }
    }

    /// The credential issuer metadata (`/vci/metadata`).
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn metadata(&self) -> Result<EndpointResponse, Error> {
        Ok(self.client.vci_metadata().body_map(|b| b.pretty(false)).send().await?.to_http_response())
    }

    /// The JWT VC issuer metadata (`/vci/jwtissuer`).
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn jwt_issuer_metadata(&self) -> Result<EndpointResponse, Error> {
        Ok(self.client.vci_jwtissuer().body_map(|b| b.pretty(false)).send().await?.to_http_response())
    }

    /// The JWK Set of the keys the issuer signs credentials with
    /// (`/vci/jwks`).
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn jwks(&self) -> Result<EndpointResponse, Error> {
        Ok(self.client.vci_jwks().body_map(|b| b.pretty(false)).send().await?.to_http_response())
    }

    /// The credential offer behind a `credential_offer_uri`, by the
    /// identifier the offer was created with (`/vci/offer/info`): `200` with
    /// the offer as JSON; `404` for an unknown identifier, `403` when the
    /// service does not issue credentials, `500` otherwise.
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn credential_offer(&self, identifier: &str) -> Result<EndpointResponse, Error> {
        let identifier = identifier.to_string();
        let answer = self.client.vci_offer_info().body_map(|b| b.identifier(identifier)).send().await?;
        let action = answer.action.as_ref().map(|a| a.as_str().to_string()).unwrap_or_default();
        let offer = answer.info.as_ref().and_then(|i| i.credential_offer.clone());
        Ok(match (action.as_str(), offer) {
            ("OK", Some(offer)) => EndpointResponse::json(StatusCode::OK, offer),
            ("NOT_FOUND", _) => EndpointResponse::new(StatusCode::NOT_FOUND, String::new(), None),
            ("FORBIDDEN", _) => EndpointResponse::new(StatusCode::FORBIDDEN, String::new(), None),
            _ => EndpointResponse::server_error(),
        })
    }
}
