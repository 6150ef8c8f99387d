//! Client-Initiated Backchannel Authentication (OpenID Connect CIBA Core):
//! the backchannel authentication endpoint, and the completion once the
//! user has decided on their own device. (The client's polling goes to the
//! token endpoint, whose [`TokenEndpoint`](crate::TokenEndpoint) sends it to
//! `/auth/token` like any other grant.)

use std::fmt;

use authlete::answer::{AuthleteAnswer, Next};
use authlete::operation::{backchannel_authentication, backchannel_authentication_complete};
use authlete::{Authlete, EndpointResponse};

use super::approval::Outcome;
use super::client_auth::client_auth;
use crate::{ClientRequest, Error};

/// `POST /bc-authorize`: a client asks to authenticate a user on the
/// user's own device.
///
/// ```no_run
/// # async fn demo(client: authlete::Authlete, headers: http::HeaderMap, body: String) -> Result<(), authlete_server::Error> {
/// use authlete_server::endpoints::{Approval, BackchannelAuthenticationEndpoint, BackchannelStep, Outcome};
/// use authlete_server::ClientRequest;
/// let endpoint = BackchannelAuthenticationEndpoint::new(client);
/// let response = match endpoint.handle(ClientRequest::from_http(&headers, body, None)).await? {
///     BackchannelStep::Done(response) => response,
///     BackchannelStep::IdentifyUser(request) => {
///         let ticket = request.ticket().unwrap_or_default().to_string();
///         // Find the user named by `request.hint()`; if there is none:
///         //   return endpoint.fail(&ticket, "UNKNOWN_USER_ID").await;
///         let response = endpoint.issue(&ticket).await?; // 200 with auth_req_id
///         // ... later, when the user has approved on their device:
///         let completion = endpoint.complete(&ticket, Outcome::Approved(Approval::new("alice"))).await?;
///         let _ = completion; // poll: nothing more; ping / push: send its notification
///         response
///     }
/// };
/// # let _ = response; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct BackchannelAuthenticationEndpoint {
    client: Authlete,
}

/// What the backchannel authentication request needs next.
#[derive(Debug)]
pub enum BackchannelStep {
    /// Send this response (an error, a `401` with a Basic challenge when the
    /// client's HTTP Basic credentials failed, ...).
    Done(EndpointResponse),
    /// `USER_IDENTIFICATION`: a valid request; find the user from its hint,
    /// then [`issue`](BackchannelAuthenticationEndpoint::issue) or
    /// [`fail`](BackchannelAuthenticationEndpoint::fail) with its ticket.
    IdentifyUser(Box<BackchannelRequest>),
}

/// A valid backchannel authentication request. Its `Debug` shows the
/// answer's, which hides the hint (a `login_hint_token` is a credential).
#[derive(Debug, Clone)]
pub struct BackchannelRequest {
    /// Authlete's answer: the client, the scopes, the hint, the binding
    /// message, the user code, the delivery mode, ...
    pub answer: backchannel_authentication::Success,
}

impl BackchannelRequest {
    /// The ticket that `issue`, `fail` and `complete` need.
    pub fn ticket(&self) -> Option<&str> {
        self.answer.ticket.as_deref()
    }

    /// The hint that names the user (`login_hint`, `id_token_hint` or
    /// `login_hint_token`; [`hint_type`](Self::hint_type) says which).
    pub fn hint(&self) -> Option<&str> {
        self.answer.hint.as_deref()
    }

    /// Which hint the client sent, by wire name (`LOGIN_HINT`,
    /// `ID_TOKEN_HINT`, `LOGIN_HINT_TOKEN`).
    pub fn hint_type(&self) -> Option<String> {
        self.answer.hint_type.as_ref().map(|h| h.as_str().to_string())
    }
}

/// What to do once the user has decided (`/backchannel/authentication/complete`).
#[derive(Clone)]
#[non_exhaustive]
pub enum BackchannelCompletion {
    /// `NO_ACTION`: poll mode; the client gets the result from the token
    /// endpoint.
    Polled,
    /// `NOTIFICATION`: ping or push mode; POST `body` as JSON to `endpoint`
    /// with `Authorization: Bearer <token>`.
    Notify {
        /// The client's notification endpoint.
        endpoint: String,
        /// The client notification token (a secret: `Debug` hides it).
        token: String,
        /// The notification's JSON body.
        body: String,
    },
    /// Anything else (`SERVER_ERROR`, an unknown action, an answer that did
    /// not decode).
    Failed(String),
}

impl fmt::Debug for BackchannelCompletion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Polled => f.write_str("Polled"),
            Self::Notify { endpoint, .. } => {
                f.debug_struct("Notify").field("endpoint", endpoint).finish_non_exhaustive()
            }
            Self::Failed(action) => f.debug_tuple("Failed").field(action).finish(),
        }
    }
}

impl BackchannelAuthenticationEndpoint {
    /// A backchannel authentication endpoint using `client`.
    pub fn new(client: Authlete) -> Self {
        Self { client }
    }

    /// Handles one backchannel authentication request (form body and client
    /// authentication, read as for the token endpoint). Only
    /// `USER_IDENTIFICATION` goes on to the app.
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn handle(&self, input: ClientRequest) -> Result<BackchannelStep, Error> {
        let auth = client_auth(input);
        if auth.unreadable_basic {
            return Ok(BackchannelStep::Done(EndpointResponse::invalid_client_basic()));
        }
        let fields = auth.fields;
        let answer = self
            .client
            .backchannel_authentication()
            .body_map(move |b| b.parameters(auth.parameters).extra(fields))
            .send()
            .await?
            .into_inner();
        Ok(match answer.next_after_client_auth(auth.used_basic) {
            Next::Respond(r) => BackchannelStep::Done(r),
            Next::App(action) if action == "USER_IDENTIFICATION" => {
                BackchannelStep::IdentifyUser(Box::new(BackchannelRequest { answer }))
            }
            Next::App(action) => BackchannelStep::Done(Next::App(action).or_server_error()),
        })
    }

    /// The user is known: `200` with `auth_req_id` for the client
    /// (`/backchannel/authentication/issue`).
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn issue(&self, ticket: &str) -> Result<EndpointResponse, Error> {
        let ticket = ticket.to_string();
        let answer = self.client.backchannel_authentication_issue().body_map(|b| b.ticket(ticket)).send().await?;
        Ok(answer.to_http_response())
    }

    /// The request cannot go on (`/backchannel/authentication/fail`), with
    /// Authlete's reason: `"UNKNOWN_USER_ID"`, `"ACCESS_DENIED"`,
    /// `"EXPIRED_LOGIN_HINT_TOKEN"`, `"INVALID_USER_CODE"`, ...
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn fail(&self, ticket: &str, reason: &str) -> Result<EndpointResponse, Error> {
        let (ticket, reason) = (ticket.to_string(), reason.to_string());
        let answer =
            self.client.backchannel_authentication_fail().body_map(|b| b.ticket(ticket).reason(reason)).send().await?;
        Ok(answer.to_http_response())
    }

    /// Records the user's decision (`/backchannel/authentication/complete`).
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn complete(&self, ticket: &str, outcome: Outcome) -> Result<BackchannelCompletion, Error> {
        let (result, subject, fields) = outcome.fields();
        let ticket = ticket.to_string();
        let answer: backchannel_authentication_complete::Success = self
            .client
            .backchannel_authentication_complete()
            .body_map(move |b| b.ticket(ticket).result(result).subject(subject).extra(fields))
            .send()
            .await?
            .into_inner();
        let action = answer.action.as_ref().map(|a| a.as_str().to_string()).unwrap_or_default();
        Ok(match (action.as_str(), answer.client_notification_endpoint, answer.client_notification_token, answer.response_content) {
            ("NO_ACTION", ..) => BackchannelCompletion::Polled,
            ("NOTIFICATION", Some(endpoint), Some(token), Some(body)) => {
                BackchannelCompletion::Notify { endpoint, token, body }
            }
            _ => BackchannelCompletion::Failed(action),
        })
    }
}
