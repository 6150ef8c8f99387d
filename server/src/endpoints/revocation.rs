//! The revocation endpoint (RFC 7009).

use super::client_auth::forward_client_request;
use authlete::Authlete;
use authlete::EndpointResponse;

use crate::{ClientRequest, Error};

/// `POST /revoke`: the client revokes an access or refresh token.
#[derive(Debug, Clone)]
pub struct RevocationEndpoint {
    client: Authlete,
}

impl RevocationEndpoint {
    /// A revocation endpoint using `client`.
    pub fn new(client: Authlete) -> Self {
        Self { client }
    }

    /// Handles one revocation request (form body and client
    /// authentication, read as for the token endpoint). A token that is
    /// already invalid is a success, as RFC 7009 §2.2 asks; Authlete says so.
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn handle(&self, input: ClientRequest) -> Result<EndpointResponse, Error> {
        forward_client_request!(self, input, auth_revocation)
    }
}
