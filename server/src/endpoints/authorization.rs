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
    /// The request's `max_age` in seconds, `0` included. Authlete's
    /// `maxAge` is `0` both for `max_age=0` and for no `max_age`, so a `0`
    /// is read from the request's own parameters or request object; one
    /// pushed (PAR) without a request object reads as absent.
    pub requested_max_age: Option<i64>,
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
    /// - the user is the one the request (or the grant it names) is for
    ///   (`DIFFERENT_SUBJECT`);
    /// - the login is no older than the requested `max_age`
    ///   ([`requested_max_age`](Self::requested_max_age), `0` included) and
    ///   not in the future (`EXCEEDS_MAX_AGE`: `login_required`);
    /// - the login met an essential ACR the request asks for
    ///   (`ACR_NOT_SATISFIED`);
    /// - the user has consented to every requested scope
    ///   (`CONSENT_REQUIRED`: `consent_required`), and asks for nothing
    ///   beyond scopes (dynamic scopes, authorization details, resources,
    ///   grant management: `CONSENT_REQUIRED`).
    ///
    /// A request that is not `prompt=none` is `INTERACTION_REQUIRED`: the
    /// user must be asked. The approval carries the session's claims that
    /// Authlete lists for the ID token (`claims`), no others.
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
        if !self.no_interaction {
            // The request asks for the user (login, consent, account choice).
            return deny("INTERACTION_REQUIRED");
        }
        let Some(subject) = &session.subject else { return deny("NOT_LOGGED_IN") };
        let named = [&self.answer.subject, &self.answer.grant_subject];
        if named.iter().any(|n| n.as_ref().is_some_and(|s| s != subject)) {
            return deny("DIFFERENT_SUBJECT");
        }
        if let Some(max_age) = self.requested_max_age {
            // A login in the future is no login the session can vouch for.
            let fresh = session.auth_time.is_some_and(|t| t <= now && now - t <= max_age);
            if !fresh {
                return deny("EXCEEDS_MAX_AGE");
            }
        }
        let acrs = &self.answer.acrs;
        if self.answer.acr_essential == Some(true) && !session.acr.as_ref().is_some_and(|a| acrs.contains(a)) {
            return deny("ACR_NOT_SATISFIED");
        }
        // Consent: every scope by name (a scope without one cannot have
        // it), and nothing the session cannot have consented to: dynamic
        // scopes, authorization details, resources, grant management.
        let scopes: Option<Vec<&str>> = self.answer.scopes.iter().map(|s| s.name.as_deref()).collect();
        let consented = scopes.is_some_and(|s| s.iter().all(|n| session.consented_scopes.iter().any(|c| c == n)));
        let details = self.answer.authorization_details.as_ref().is_some_and(|d| {
            let value = serde_json::to_value(d).unwrap_or(Value::Bool(true));
            value.get("elements").and_then(Value::as_array).is_none_or(|e| !e.is_empty())
        });
        let beyond_scopes = !self.answer.dynamic_scopes.is_empty()
            || details
            || !self.answer.resources.is_empty()
            || self.answer.gm_action.is_some();
        if !consented || beyond_scopes {
            return deny("CONSENT_REQUIRED");
        }
        // Only the claims Authlete says the ID token may carry.
        let claims: Map<String, Value> =
            session.claims.iter().filter(|(k, _)| self.answer.claims.contains(k)).map(|(k, v)| (k.clone(), v.clone())).collect();
        let mut approval = Approval::new(subject.clone()).with_claims(claims);
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
        self.answer.scopes.iter().filter_map(|s| s.name.clone()).collect()
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

/// The request's `max_age`: Authlete's when not zero, else the `max_age`
/// of the parameters or of the request object, if any.
fn requested_max_age(from_parameters: Option<i64>, answer: &AuthorizationResponse) -> Option<i64> {
    if let Some(age) = answer.max_age.filter(|a| *a > 0) {
        return Some(i64::from(age));
    }
    let from_object = || {
        let payload: Value = serde_json::from_str(answer.request_object_payload.as_deref()?).ok()?;
        payload.get("max_age")?.as_i64()
    };
    from_parameters.or_else(from_object).filter(|a| *a >= 0)
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
        let max_age_parameter = form_urlencoded::parse(parameters.as_bytes())
            .find(|(k, _)| k == "max_age")
            .and_then(|(_, v)| v.trim().parse::<i64>().ok());
        let answer = self.client.auth_authorization().body_map(|b| b.parameters(parameters)).send().await?.into_inner();
        Ok(match answer.next() {
            Next::Respond(r) => AuthorizationStep::Done(r),
            Next::App(action) if action == "INTERACTION" || action == "NO_INTERACTION" => {
                AuthorizationStep::Interaction(Box::new(Interaction {
                    no_interaction: action == "NO_INTERACTION",
                    requested_max_age: requested_max_age(max_age_parameter, &answer),
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
