//! The pushed authorization request endpoint (RFC 9126).

use super::client_auth::forward_client_request;
use authlete::Authlete;
use authlete::EndpointResponse;

use crate::{ClientRequest, Error};

/// `POST /par`: the client pushes its authorization request and gets a
/// `request_uri` (201), or an error.
///
/// ```no_run
/// # async fn demo(client: authlete::Authlete, headers: http::HeaderMap, body: String) -> Result<(), authlete_server::Error> {
/// use authlete_server::{endpoints::PushedAuthorizationEndpoint, ClientRequest};
/// let par = PushedAuthorizationEndpoint::new(client);
/// let response = par.handle(ClientRequest::from_http(&headers, body, Some("https://as.example.com/par"))).await?;
/// # let _ = response; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct PushedAuthorizationEndpoint {
    client: Authlete,
}

impl PushedAuthorizationEndpoint {
    /// A PAR endpoint using `client`.
    pub fn new(client: Authlete) -> Self {
        Self { client }
    }

    /// Handles one pushed authorization request: its form body and the
    /// client's authentication (Basic, certificate, attestation, DPoP), read
    /// as for the token endpoint.
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn handle(&self, input: ClientRequest) -> Result<EndpointResponse, Error> {
        forward_client_request!(self, input, pushed_auth_req)
    }
}
