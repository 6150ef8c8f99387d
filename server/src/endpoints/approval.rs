//! What the user approved: an authorization request, a device's request or
//! a CIBA request.

use serde_json::{Map, Value};

/// The user's approval: who, and what goes into the tokens. The fields are
/// those of the same names of `/auth/authorization/issue`,
/// `/device/complete` and `/backchannel/authentication/complete`.
///
/// ```
/// use authlete_server::endpoints::Approval;
/// let mut claims = serde_json::Map::new();
/// claims.insert("name".into(), "Alice".into());
/// let approval = Approval::new("alice").with_claims(claims).with_acr("urn:mace:incommon:iap:silver").with_auth_time(1_700_000_000);
/// assert_eq!(approval.subject(), "alice");
/// ```
#[derive(Clone)]
pub struct Approval {
    subject: String,
    claims: Map<String, Value>,
    acr: Option<String>,
    auth_time: Option<i64>,
    scopes: Option<Vec<String>>,
    sub: Option<String>,
    session_id: Option<String>,
    extra: Map<String, Value>,
}

impl Approval {
    /// Approval for `subject` (the user's identifier in your user store).
    pub fn new(subject: impl Into<String>) -> Self {
        Self {
            subject: subject.into(),
            claims: Map::new(),
            acr: None,
            auth_time: None,
            scopes: None,
            sub: None,
            session_id: None,
            extra: Map::new(),
        }
    }

    /// The subject.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// Claims of the user for the ID token (`claims`).
    pub fn with_claims(mut self, claims: Map<String, Value>) -> Self {
        self.claims = claims;
        self
    }

    /// The authentication context class the user met (`acr`).
    pub fn with_acr(mut self, acr: impl Into<String>) -> Self {
        self.acr = Some(acr.into());
        self
    }

    /// When the user authenticated, in seconds since the epoch (`authTime`).
    pub fn with_auth_time(mut self, seconds: i64) -> Self {
        self.auth_time = Some(seconds);
        self
    }

    /// The scopes the user granted, when fewer than requested (`scopes`).
    pub fn with_scopes(mut self, scopes: Vec<String>) -> Self {
        self.scopes = Some(scopes);
        self
    }

    /// A `sub` for the ID token other than the subject, e.g. a pairwise one
    /// (`sub`).
    pub fn with_sub(mut self, sub: impl Into<String>) -> Self {
        self.sub = Some(sub.into());
        self
    }

    /// The user's session at the provider, for OpenID Connect Native SSO
    /// (`sessionId`; authorization requests only).
    pub fn with_session_id(mut self, session_id: impl Into<String>) -> Self {
        self.session_id = Some(session_id.into());
        self
    }

    /// Any other field of the request by its wire name, for what has no
    /// setter here: `properties` (extra properties of the tokens),
    /// `verifiedClaimsForTx`, `consentedClaims`, `jwtAtClaims`,
    /// `idtHeaderParams`, ... A setter's field wins over the same name here,
    /// and the names the helpers set themselves (`subject`, `ticket`,
    /// `userCode`, `result`) are never sent from here: they would make a
    /// second key in the body.
    ///
    /// ```
    /// use authlete_server::endpoints::Approval;
    /// let approval = Approval::new("alice")
    ///     .with_field("properties", serde_json::json!([{"key": "tier", "value": "gold", "hidden": true}]));
    /// # let _ = approval;
    /// ```
    pub fn with_field(mut self, name: impl Into<String>, value: Value) -> Self {
        self.extra.insert(name.into(), value);
        self
    }

    /// The fields of `/auth/authorization/issue` besides the subject.
    pub(crate) fn authorization_fields(&self) -> Map<String, Value> {
        let mut fields = self.fields();
        if let Some(id) = &self.session_id {
            fields.insert("sessionId".into(), id.clone().into());
        }
        fields
    }

    /// The fields besides the subject, by wire name.
    pub(crate) fn fields(&self) -> Map<String, Value> {
        const SET_BY_THE_HELPERS: &[&str] = &["subject", "ticket", "userCode", "result"];
        let mut fields: Map<String, Value> =
            self.extra.iter().filter(|(k, _)| !SET_BY_THE_HELPERS.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
        if !self.claims.is_empty() {
            fields.insert("claims".into(), Value::Object(self.claims.clone()).to_string().into());
        }
        if let Some(acr) = &self.acr {
            fields.insert("acr".into(), acr.clone().into());
        }
        if let Some(t) = self.auth_time {
            fields.insert("authTime".into(), t.into());
        }
        if let Some(scopes) = &self.scopes {
            fields.insert("scopes".into(), scopes.clone().into());
        }
        if let Some(sub) = &self.sub {
            fields.insert("sub".into(), sub.clone().into());
        }
        fields
    }
}

/// The subject, ACR, time and scopes; of the claims, the session id and the
/// other fields only their names (they may hold personal data or secrets).
impl std::fmt::Debug for Approval {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Approval")
            .field("subject", &self.subject)
            .field("claims", &self.claims.keys().collect::<Vec<_>>())
            .field("acr", &self.acr)
            .field("auth_time", &self.auth_time)
            .field("scopes", &self.scopes)
            .field("sub", &self.sub.as_ref().map(|_| "<set>"))
            .field("session_id", &self.session_id.as_ref().map(|_| "<redacted>"))
            .field("fields", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// How a device or CIBA request ends: the `result` of `/device/complete`
/// and `/backchannel/authentication/complete`.
#[derive(Debug, Clone)]
#[non_exhaustive]
// One per request, moved once: a box would only cost callers a `Box::new`.
#[allow(clippy::large_enum_variant)]
pub enum Outcome {
    /// The user approved (`AUTHORIZED`).
    Approved(Approval),
    /// The user refused (`ACCESS_DENIED`), with an optional description
    /// for the client.
    Denied(Option<String>),
    /// The user could not be asked, or something failed
    /// (`TRANSACTION_FAILED`).
    Failed(Option<String>),
}

impl Outcome {
    /// `result`, `subject` and the other fields, by wire name. Authlete
    /// requires a subject also for a refusal; it is empty there.
    pub(crate) fn fields(&self) -> (&'static str, String, Map<String, Value>) {
        let described = |d: &Option<String>| {
            let mut fields = Map::new();
            if let Some(d) = d {
                fields.insert("errorDescription".into(), d.clone().into());
            }
            fields
        };
        match self {
            Outcome::Approved(a) => ("AUTHORIZED", a.subject.clone(), a.fields()),
            Outcome::Denied(d) => ("ACCESS_DENIED", String::new(), described(d)),
            Outcome::Failed(d) => ("TRANSACTION_FAILED", String::new(), described(d)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_approval_sends_only_what_was_set_by_wire_name() {
        assert!(Approval::new("alice").fields().is_empty());
        let mut claims = Map::new();
        claims.insert("name".into(), "Alice".into());
        let fields = Approval::new("alice").with_claims(claims).with_acr("a").with_auth_time(7).with_scopes(vec!["openid".into()]).with_sub("p").fields();
        assert_eq!(fields["claims"], "{\"name\":\"Alice\"}");
        assert_eq!((fields["acr"].as_str(), fields["authTime"].as_i64(), fields["sub"].as_str()), (Some("a"), Some(7), Some("p")));
        assert_eq!(fields["scopes"][0], "openid");
        let fields = Approval::new("a").with_field("acr", "x".into()).with_field("properties", Value::Array(vec![])).with_acr("y").fields();
        assert_eq!((fields["acr"].as_str(), fields["properties"].as_array().map(Vec::len)), (Some("y"), Some(0)), "setters win");
        let sneaky = Approval::new("alice")
            .with_field("subject", "mallory".into())
            .with_field("ticket", "t2".into())
            .with_field("userCode", "X".into())
            .with_field("result", "AUTHORIZED".into());
        assert!(sneaky.authorization_fields().is_empty(), "the helpers' own fields cannot be sent twice");
        let shown = format!("{:?}", Approval::new("alice").with_session_id("sid-s3cret").with_field("accessToken", "at-s3cret".into()));
        assert!(!shown.contains("s3cret") && shown.contains("accessToken"), "{shown}");
        let (result, subject, fields) = Outcome::Denied(Some("no".into())).fields();
        assert_eq!((result, subject.as_str(), fields["errorDescription"].as_str()), ("ACCESS_DENIED", "", Some("no")));
    }
}
