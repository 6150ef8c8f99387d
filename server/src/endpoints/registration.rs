//! Dynamic client registration (RFC 7591) and its management with the
//! registration access token (RFC 7592).

use authlete::answer::AuthleteAnswer;
use authlete::{Authlete, EndpointResponse};
use http::header::WWW_AUTHENTICATE;
use http::{HeaderValue, StatusCode};

use crate::Error;

/// `POST /register` and `GET`/`PUT`/`DELETE /register/{client_id}`.
///
/// The tokens come from the request's `Authorization: Bearer` header
/// ([`ResourceRequest::from_http`](super::ResourceRequest::from_http) reads
/// it): the initial access token when the service requires one to
/// register, the registration access token (from the registration's answer)
/// to manage the client. Authlete answers `201`, `200` or `204` with the
/// body to send; an invalid token is a `401` with a Bearer challenge.
///
/// ```no_run
/// # async fn demo(client: authlete::Authlete, headers: http::HeaderMap, body: String) -> Result<(), authlete_server::Error> {
/// use authlete_server::endpoints::{ClientRegistrationEndpoint, ResourceRequest};
/// let registration = ClientRegistrationEndpoint::new(client);
/// let token = ResourceRequest::from_http(&http::Method::POST, "https://op.example/register", &headers).access_token;
/// let response = registration.register(body, token.as_deref()).await?; // 201 with client_id, client_secret, ...
/// # let _ = response; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ClientRegistrationEndpoint {
    client: Authlete,
}

impl ClientRegistrationEndpoint {
    /// A registration endpoint using `client`.
    pub fn new(client: Authlete) -> Self {
        Self { client }
    }

    /// Registers a client: `metadata` is the request's JSON body
    /// (`/client/registration`).
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn register(&self, metadata: String, initial_access_token: Option<&str>) -> Result<EndpointResponse, Error> {
        let token = initial_access_token.map(str::to_string);
        let token_sent = token.is_some();
        let answer = self
            .client
            .client_registration()
            .body_map(move |b| {
                let b = b.json(metadata);
                match token {
                    Some(t) => b.token(t),
                    None => b,
                }
            })
            .send()
            .await?;
        Ok(respond(&*answer, token_sent))
    }

    /// The client's current registration (`/client/registration/get`).
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn read(&self, client_id: &str, registration_access_token: Option<&str>) -> Result<EndpointResponse, Error> {
        let Some(token) = registration_access_token else { return Ok(no_token()) };
        let (client_id, token) = (client_id.to_string(), token.to_string());
        let answer =
            self.client.client_registration_get().body_map(move |b| b.client_id(client_id).token(token)).send().await?;
        Ok(respond(&*answer, true))
    }

    /// Replaces the client's metadata with `metadata`, the request's JSON
    /// body (`/client/registration/update`).
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn update(
        &self,
        client_id: &str,
        registration_access_token: Option<&str>,
        metadata: String,
    ) -> Result<EndpointResponse, Error> {
        let Some(token) = registration_access_token else { return Ok(no_token()) };
        let (client_id, token) = (client_id.to_string(), token.to_string());
        let answer = self
            .client
            .client_registration_update()
            .body_map(move |b| b.client_id(client_id).token(token).json(metadata))
            .send()
            .await?;
        Ok(respond(&*answer, true))
    }

    /// Deletes the client (`/client/registration/delete`): `204`.
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn delete(&self, client_id: &str, registration_access_token: Option<&str>) -> Result<EndpointResponse, Error> {
        let Some(token) = registration_access_token else { return Ok(no_token()) };
        let (client_id, token) = (client_id.to_string(), token.to_string());
        let answer =
            self.client.client_registration_delete().body_map(move |b| b.client_id(client_id).token(token)).send().await?;
        Ok(respond(&*answer, true))
    }
}

/// The answer's response; a `401` gets the Bearer challenge RFC 7592 §2
/// asks for: `invalid_token` for a token that failed, no error code when
/// none was sent (RFC 6750 §3, §3.1).
fn respond<A: AuthleteAnswer>(answer: &A, token_sent: bool) -> EndpointResponse {
    let mut response = answer.to_http_response();
    if response.status() == StatusCode::UNAUTHORIZED && !response.headers().contains_key(WWW_AUTHENTICATE) {
        let challenge = if token_sent { "Bearer error=\"invalid_token\"" } else { "Bearer" };
        response.headers_mut().insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    }
    response
}

/// A management request without a registration access token: `401` with a
/// Bearer challenge and no error code (RFC 6750 §3.1), Authlete not asked.
fn no_token() -> EndpointResponse {
    EndpointResponse::challenge(StatusCode::UNAUTHORIZED, "Bearer")
}
