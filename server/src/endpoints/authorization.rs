//! The authorization endpoint (RFC 6749 §3.1, OpenID Connect Core §3.1.2).

use serde_json::{Map, Value};

use authlete::answer::{AuthleteAnswer, Next};
use authlete::operation::auth_authorization::Success as AuthorizationResponse;
use authlete::Authlete;
use authlete::EndpointResponse;

use super::approval::Approval;
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

    /// The decision for a request that must not interact with the user
    /// (`prompt=none`, [`no_interaction`](Self::no_interaction)), from what
    /// the session knows at `now` (seconds since the epoch). Approved only
    /// when all of these hold (OpenID Connect Core §3.1.2.1, §3.1.2.3):
    ///
    /// - someone is logged in (else `NOT_LOGGED_IN`: `login_required`);
    /// - the user is the one the request names (`DIFFERENT_SUBJECT`);
    /// - the login is no older than `max_age`, `max_age=0` included
    ///   (`EXCEEDS_MAX_AGE`: `login_required`);
    /// - the login met an essential ACR the request asks for
    ///   (`ACR_NOT_SATISFIED`);
    /// - the user has consented to every requested scope
    ///   (`CONSENT_REQUIRED`: `consent_required`).
    ///
    /// ```
    /// # fn demo(interaction: &authlete_server::endpoints::Interaction, now: i64) {
    /// use authlete_server::endpoints::{Decision, Session};
    /// let session = Session::logged_in("alice", now - 60).with_consented_scopes(vec!["openid".into()]);
    /// let decision = interaction.decide_silently(&session, now);
    /// # let _ = decision; }
    /// ```
    pub fn decide_silently(&self, session: &Session, now: i64) -> Decision {
        let deny = |reason: &str| Decision::Deny(reason.to_string());
        let Some(subject) = &session.subject else { return deny("NOT_LOGGED_IN") };
        if self.answer.subject.as_ref().is_some_and(|s| s != subject) {
            return deny("DIFFERENT_SUBJECT");
        }
        if let Some(max_age) = self.answer.max_age {
            let fresh = session.auth_time.is_some_and(|t| now.saturating_sub(t) <= i64::from(max_age));
            if !fresh {
                return deny("EXCEEDS_MAX_AGE");
            }
        }
        let acrs = &self.answer.acrs;
        if self.answer.acr_essential == Some(true) && !session.acr.as_ref().is_some_and(|a| acrs.contains(a)) {
            return deny("ACR_NOT_SATISFIED");
        }
        if self.scopes().iter().any(|s| !session.consented_scopes.contains(s)) {
            return deny("CONSENT_REQUIRED");
        }
        let mut approval = Approval::new(subject.clone()).with_claims(session.claims.clone());
        if let Some(t) = session.auth_time {
            approval = approval.with_auth_time(t);
        }
        if let Some(acr) = &session.acr {
            approval = approval.with_acr(acr.clone());
        }
        Decision::Approve(approval)
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
// One per request, moved once: a box would only cost callers a `Box::new`.
#[allow(clippy::large_enum_variant)]
pub enum Decision {
    /// Approved: a code or tokens are issued for the approval's subject,
    /// with its claims, ACR, authentication time, narrowed scopes, `sub`
    /// and session id.
    Approve(Approval),
    /// Denied, with Authlete's reason (`"DENIED"`, `"NOT_LOGGED_IN"`,
    /// `"CONSENT_REQUIRED"`, `"EXCEEDS_MAX_AGE"`, ...).
    Deny(String),
}

impl Decision {
    /// Approval for `subject` with nothing else set.
    pub fn approve(subject: impl Into<String>) -> Self {
        Decision::Approve(Approval::new(subject))
    }
}

/// What your session knows of the user, for deciding a `prompt=none`
/// request without showing anything ([`Interaction::decide_silently`]).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Session {
    /// The logged-in user; `None` when nobody is.
    pub subject: Option<String>,
    /// When the user authenticated (seconds since the epoch).
    pub auth_time: Option<i64>,
    /// The authentication context class the login met.
    pub acr: Option<String>,
    /// The scopes the user has consented to for this client.
    pub consented_scopes: Vec<String>,
    /// The user's claims for the ID token.
    pub claims: Map<String, Value>,
}

impl Session {
    /// `subject`, logged in at `auth_time`, with no consent yet.
    pub fn logged_in(subject: impl Into<String>, auth_time: i64) -> Self {
        Self { subject: Some(subject.into()), auth_time: Some(auth_time), ..Self::default() }
    }

    /// The ACR the login met.
    pub fn with_acr(mut self, acr: impl Into<String>) -> Self {
        self.acr = Some(acr.into());
        self
    }

    /// The scopes the user consented to for this client.
    pub fn with_consented_scopes(mut self, scopes: Vec<String>) -> Self {
        self.consented_scopes = scopes;
        self
    }

    /// The user's claims for the ID token.
    pub fn with_claims(mut self, claims: Map<String, Value>) -> Self {
        self.claims = claims;
        self
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
            Decision::Approve(approval) => {
                let fields = approval.authorization_fields();
                let subject = approval.subject().to_string();
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
