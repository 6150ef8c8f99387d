//! The device authorization endpoint (RFC 8628 §3.1–3.2). (The device's
//! polling goes to the token endpoint, whose
//! [`TokenEndpoint`](crate::TokenEndpoint) sends it to `/auth/token` like
//! any other grant.)

use authlete::{Authlete, EndpointResponse};

use super::client_auth::forward_client_request;
use crate::{ClientRequest, Error};

/// `POST /device_authorization`: a device asks for a device code and a user
/// code (RFC 8628 §3.1–3.2).
///
/// ```no_run
/// # async fn demo(client: authlete::Authlete, headers: http::HeaderMap, body: String) -> Result<(), authlete_server::Error> {
/// use authlete_server::{endpoints::DeviceAuthorizationEndpoint, ClientRequest};
/// let endpoint = DeviceAuthorizationEndpoint::new(client);
/// let response = endpoint.handle(ClientRequest::from_http(&headers, body, None)).await?;
/// # let _ = response; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct DeviceAuthorizationEndpoint {
    client: Authlete,
}

impl DeviceAuthorizationEndpoint {
    /// A device authorization endpoint using `client`.
    pub fn new(client: Authlete) -> Self {
        Self { client }
    }

    /// Handles one device authorization request (form body and client
    /// authentication, read as for the token endpoint): `200` with the codes,
    /// or the error, a `401` with a Basic challenge when the client's HTTP
    /// Basic credentials failed.
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn handle(&self, input: ClientRequest) -> Result<EndpointResponse, Error> {
        forward_client_request!(self, input, device_authorization)
    }
}
