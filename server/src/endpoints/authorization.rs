//! The authorization endpoint (RFC 6749 §3.1, OpenID Connect Core §3.1.2).

use serde_json::{Map, Value};

use authlete::answer::{AuthleteAnswer, Next};
use authlete::operation::auth_authorization::Success as AuthorizationResponse;
use authlete::Authlete;
use authlete::EndpointResponse;

use crate::Error;

/// What the authorization endpoint does with a request.
#[derive(Debug, Clone)]
pub enum AuthorizationStep {
    /// Send this response: an error page, or a redirect/form back to the
    /// client with the error.
    Done(EndpointResponse),
    /// The user must be asked (or, for `prompt=none`, the session checked):
    /// the request is valid. Finish with [`AuthorizationEndpoint::finish`].
    Interaction(Box<Interaction>),
}

/// A valid authorization request waiting for the user's decision.
#[derive(Debug, Clone)]
pub struct Interaction {
    /// Authlete's answer: the client, the scopes, the claims, the prompts,
    /// `maxAge`, `loginHint`, ... everything the consent page needs.
    pub answer: AuthorizationResponse,
    /// `prompt=none`: decide without showing anything (is the user logged
    /// in and has consented already?); deny with `"NOT_LOGGED_IN"`,
    /// `"CONSENT_REQUIRED"`, ... otherwise.
    pub no_interaction: bool,
}

impl Interaction {
    /// The ticket that [`AuthorizationEndpoint::finish`] needs (keep it in
    /// the user's session while the consent page is shown).
    pub fn ticket(&self) -> Option<&str> {
        self.answer.ticket.as_deref()
    }

    /// The requested scopes, by name.
    pub fn scopes(&self) -> Vec<String> {
        let json = serde_json::to_value(&self.answer).unwrap_or_default();
        json["scopes"]
            .as_array()
            .map(|a| a.iter().filter_map(|s| s["name"].as_str().or_else(|| s.as_str()).map(str::to_string)).collect())
            .unwrap_or_default()
    }
}

/// The user's (or your session's) decision about an authorization request.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Approved: tokens or a code are issued for `subject`.
    Approve {
        /// The user.
        subject: String,
        /// Claims for the ID token (OpenID Connect).
        claims: Map<String, Value>,
        /// When the user authenticated (seconds since the epoch).
        auth_time: Option<i64>,
    },
    /// Denied, with Authlete's reason (`"DENIED"`, `"NOT_LOGGED_IN"`,
    /// `"CONSENT_REQUIRED"`, `"LOGIN_REQUIRED"`, ...).
    Deny(String),
}

impl Decision {
    /// Approval for `subject` with no claims.
    pub fn approve(subject: impl Into<String>) -> Self {
        Decision::Approve { subject: subject.into(), claims: Map::new(), auth_time: None }
    }
}

/// `GET`/`POST /authorize`.
///
/// ```no_run
/// # async fn demo(client: authlete::Authlete, query: String) -> Result<(), authlete_server::Error> {
/// use authlete_server::endpoints::{AuthorizationEndpoint, AuthorizationStep, Decision};
/// let endpoint = AuthorizationEndpoint::new(client);
/// match endpoint.handle(query).await? {
///     AuthorizationStep::Done(response) => { let _ = response; /* send it */ }
///     AuthorizationStep::Interaction(i) => {
///         // ... show the consent page; when the user approves:
///         let ticket = i.ticket().unwrap_or_default().to_string();
///         let response = endpoint.finish(&ticket, Decision::approve("alice")).await?;
///         let _ = response; // a redirect back to the client
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct AuthorizationEndpoint {
    client: Authlete,
}

impl AuthorizationEndpoint {
    /// An authorization endpoint using `client`.
    pub fn new(client: Authlete) -> Self {
        Self { client }
    }

    /// Handles one authorization request: its query string (GET) or form
    /// body (POST), as received.
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn handle(&self, parameters: String) -> Result<AuthorizationStep, Error> {
        let answer = self.client.auth_authorization().body_map(|b| b.parameters(parameters)).send().await?.into_inner();
        Ok(match answer.next() {
            Next::Respond(r) => AuthorizationStep::Done(r),
            Next::App(action) if action == "INTERACTION" || action == "NO_INTERACTION" => {
                AuthorizationStep::Interaction(Box::new(Interaction {
                    no_interaction: action == "NO_INTERACTION",
                    answer,
                }))
            }
            Next::App(_) => AuthorizationStep::Done(EndpointResponse::server_error()),
        })
    }

    /// Finishes a request with the decision: `/auth/authorization/issue` or
    /// `/auth/authorization/fail`, and the response back to the client.
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn finish(&self, ticket: &str, decision: Decision) -> Result<EndpointResponse, Error> {
        let ticket = ticket.to_string();
        let next = match decision {
            Decision::Approve { subject, claims, auth_time } => {
                let mut fields = Map::new();
                if !claims.is_empty() {
                    fields.insert("claims".into(), Value::Object(claims).to_string().into());
                }
                if let Some(t) = auth_time {
                    fields.insert("authTime".into(), t.into());
                }
                self.client
                    .auth_authorization_issue()
                    .body_map(|b| b.ticket(ticket).subject(subject).extra(fields))
                    .send()
                    .await?
                    .next()
            }
            Decision::Deny(reason) => self
                .client
                .auth_authorization_fail()
                .body_map(|b| b.ticket(ticket).reason(reason.as_str()))
                .send()
                .await?
                .next(),
        };
        Ok(next.or_server_error())
    }
}
