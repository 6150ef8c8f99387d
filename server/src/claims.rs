//! What your server knows about the user of a grant: the claims of a
//! reissued ID token and of the userinfo response, from one provider.

use std::future::Future;
use std::pin::Pin;

use authlete::idtoken::IdtokenAudType;
use authlete::operation::auth_token::Success as TokenResponse;
/// The grant types of Authlete's answers (the type of an introspection
/// answer's `grantType`; `/auth/token` has the same values as text).
#[cfg(authlete_operation = "auth_introspection")]
pub use authlete::operation::auth_introspection::GrantType;
use serde::Serialize;
use serde_json::{Map, Value};

/// A claim as a client requests it: its name, and the language it is asked
/// in, if any (`name#language-tag`, OpenID Connect Core §5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestedClaim {
    /// The claim's name, e.g. `family_name`.
    pub name: String,
    /// The BCP 47 language tag after `#`, e.g. `ja-Kana-JP`; `None` for
    /// the claim in no particular language.
    pub locale: Option<String>,
}

impl RequestedClaim {
    /// Splits `name#locale` at its first `#`; an empty tag is no tag.
    pub fn parse(text: &str) -> Self {
        match text.split_once('#') {
            Some((name, locale)) if !locale.is_empty() => {
                Self { name: name.to_string(), locale: Some(locale.to_string()) }
            }
            Some((name, _)) => Self { name: name.to_string(), locale: None },
            None => Self { name: text.to_string(), locale: None },
        }
    }
}

/// A boxed future, as the callbacks return it.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What `/auth/token` said about a grant: the subject, the client, the
/// scopes, the claims requested for the ID token, and the whole answer.
///
/// Fields are read by their wire names, so the accessors work with every
/// spec revision (a field a revision lacks reads as empty).
#[derive(Clone)]
pub struct GrantContext {
    token: Option<TokenResponse>,
    json: Map<String, Value>,
}

impl std::fmt::Debug for GrantContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The answer holds the new tokens: only what identifies the grant.
        f.debug_struct("GrantContext")
            .field("subject", &self.subject())
            .field("client_id", &self.client_id())
            .field("scopes", &self.scopes())
            .field("grant_type", &self.text("grantType"))
            .finish_non_exhaustive()
    }
}

impl GrantContext {
    /// The context of an `/auth/token` answer.
    pub fn new(token: TokenResponse) -> Self {
        let mut context = Self::from_answer(&token);
        context.token = Some(token);
        context
    }

    /// The context of another answer about a grant (`/auth/userinfo`, ...),
    /// read by wire names.
    pub fn from_answer<T: Serialize>(answer: &T) -> Self {
        let json = match serde_json::to_value(answer) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        Self { token: None, json }
    }

    /// Any field of the answer, by wire name (`"sessionId"`, ...).
    pub fn field(&self, wire_name: &str) -> Option<&Value> {
        self.json.get(wire_name).filter(|v| !v.is_null())
    }

    fn text(&self, wire_name: &str) -> Option<&str> {
        self.field(wire_name).and_then(Value::as_str)
    }

    fn strings(&self, wire_name: &str) -> Vec<String> {
        self.field(wire_name)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    }

    /// The end user (`subject`).
    pub fn subject(&self) -> Option<&str> {
        self.text("subject")
    }

    /// The client's id (`clientId`, Authlete's number for the client).
    pub fn client_id(&self) -> Option<i64> {
        match self.field("clientId")? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }

    /// The client id alias (`clientIdAlias`), if the client has one.
    pub fn client_id_alias(&self) -> Option<&str> {
        self.text("clientIdAlias")
    }

    /// The scopes granted (`scopes`).
    pub fn scopes(&self) -> Vec<String> {
        self.strings("scopes")
    }

    /// The claims the client requested for the ID token
    /// (`requestedIdTokenClaims`): the ones a reissued ID token should carry.
    pub fn requested_id_token_claims(&self) -> Vec<String> {
        self.strings("requestedIdTokenClaims")
    }

    /// The claims the client requested from the userinfo endpoint (the
    /// `claims` list of a `/auth/userinfo` answer).
    pub fn requested_userinfo_claims(&self) -> Vec<String> {
        self.strings("claims")
    }

    /// [`requested_userinfo_claims`](Self::requested_userinfo_claims) by
    /// name and language: `family_name#ja-Kana-JP` is the claim
    /// `family_name` asked in `ja-Kana-JP` (OpenID Connect Core §5.2).
    ///
    /// ```
    /// use authlete_server::RequestedClaim;
    /// let claim = RequestedClaim::parse("family_name#ja-Kana-JP");
    /// assert_eq!((claim.name.as_str(), claim.locale.as_deref()), ("family_name", Some("ja-Kana-JP")));
    /// assert_eq!(RequestedClaim::parse("email").locale, None);
    /// ```
    pub fn requested_userinfo_claims_by_locale(&self) -> Vec<RequestedClaim> {
        self.requested_userinfo_claims().iter().map(|c| RequestedClaim::parse(c)).collect()
    }

    /// The grant type (`grantType`), e.g. [`GrantType::RefreshToken`]; one
    /// this crate does not know yet is kept as it came.
    #[cfg(authlete_operation = "auth_introspection")]
    pub fn grant_type(&self) -> Option<GrantType> {
        self.text("grantType").map(GrantType::from)
    }

    /// The whole `/auth/token` answer, when the context comes from one.
    pub fn token_response(&self) -> Option<&TokenResponse> {
        self.token.as_ref()
    }
}

/// What the claims provider says about a grant's user.
#[derive(Debug, Clone)]
pub enum ClaimsDecision {
    /// The user's claims, and for a reissued ID token its options.
    Provide(UserClaims),
    /// Nothing from this provider. The token endpoint answers with
    /// `/auth/token`'s own token response (the new tokens, without a new ID
    /// token, as Authlete's Java handler does); userinfo answers with the
    /// claims Authlete has (`sub`).
    Skip,
    /// The user may no longer use the grant (deleted, locked). The token
    /// endpoint deletes the access token `/auth/token` just issued and
    /// answers `400 invalid_grant`; userinfo answers `401 invalid_token`.
    Deny,
}

impl ClaimsDecision {
    /// [`Provide`](Self::Provide) these claims, with no option set.
    pub fn claims(claims: Map<String, Value>) -> Self {
        ClaimsDecision::Provide(UserClaims { claims, ..UserClaims::default() })
    }
}

/// A user's claims for an ID token or a userinfo response, beyond what
/// Authlete puts there itself.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct UserClaims {
    /// Claims of the end user (`claims`), e.g. `name`, `email`.
    pub claims: Map<String, Value>,
    /// A `sub` to use instead of the subject (`sub`), e.g. a pairwise one.
    pub sub: Option<String>,
    /// Parameters for the reissued ID token's JWS header
    /// (`idtHeaderParams`); not used by userinfo.
    pub idt_header_params: Option<Map<String, Value>>,
    /// How the reissued ID token writes its `aud` claim
    /// (`idTokenAudType`); not used by userinfo.
    pub id_token_aud_type: Option<IdtokenAudType>,
}

impl UserClaims {
    /// These claims, no option set.
    pub fn new(claims: Map<String, Value>) -> Self {
        Self { claims, ..Self::default() }
    }

    /// A `sub` to use instead of the subject.
    pub fn with_sub(mut self, sub: impl Into<String>) -> Self {
        self.sub = Some(sub.into());
        self
    }

    /// Parameters for the reissued ID token's JWS header.
    pub fn with_idt_header_params(mut self, params: Map<String, Value>) -> Self {
        self.idt_header_params = Some(params);
        self
    }

    /// How the reissued ID token writes its `aud` claim.
    pub fn with_id_token_aud_type(mut self, aud: IdtokenAudType) -> Self {
        self.id_token_aud_type = Some(aud);
        self
    }
}

/// Where the claims of a grant's user come from: the ID token reissue of
/// the token endpoint ([`TokenEndpoint::claims_provider`](crate::TokenEndpoint::claims_provider))
/// and the userinfo endpoint
/// ([`UserinfoEndpoint::claims_provider`](crate::endpoints::UserinfoEndpoint::claims_provider)).
///
/// Any `Fn(GrantContext) -> impl Future<Output = ClaimsDecision>` is one;
/// implement it on a type of yours to keep state (a user store) or to give
/// userinfo other claims than ID tokens. Methods added later have defaults,
/// so an implementation keeps compiling.
///
/// ```
/// use authlete_server::{ClaimsDecision, ClaimsProvider, GrantContext, BoxFuture};
///
/// struct Users;
/// impl ClaimsProvider for Users {
///     fn claims(&self, grant: GrantContext) -> BoxFuture<'_, ClaimsDecision> {
///         Box::pin(async move {
///             match grant.subject() {
///                 Some(subject) => {
///                     let mut claims = serde_json::Map::new();
///                     claims.insert("name".into(), format!("User {subject}").into());
///                     ClaimsDecision::claims(claims)
///                 }
///                 None => ClaimsDecision::Skip,
///             }
///         })
///     }
/// }
/// ```
pub trait ClaimsProvider: Send + Sync {
    /// The claims for the grant's user, for a reissued ID token.
    fn claims(&self, grant: GrantContext) -> BoxFuture<'_, ClaimsDecision>;

    /// The claims for the userinfo response ([`GrantContext::requested_userinfo_claims`]
    /// says which the client asked for); by default [`claims`](Self::claims).
    fn userinfo_claims(&self, grant: GrantContext) -> BoxFuture<'_, ClaimsDecision> {
        self.claims(grant)
    }
}

impl<F, Fut> ClaimsProvider for F
where
    F: Fn(GrantContext) -> Fut + Send + Sync,
    Fut: Future<Output = ClaimsDecision> + Send + 'static,
{
    fn claims(&self, grant: GrantContext) -> BoxFuture<'_, ClaimsDecision> {
        Box::pin(self(grant))
    }
}

/// A provider shared between endpoints (`Arc::new(users)`, cloned).
impl<P: ClaimsProvider + ?Sized> ClaimsProvider for std::sync::Arc<P> {
    fn claims(&self, grant: GrantContext) -> BoxFuture<'_, ClaimsDecision> {
        (**self).claims(grant)
    }

    fn userinfo_claims(&self, grant: GrantContext) -> BoxFuture<'_, ClaimsDecision> {
        (**self).userinfo_claims(grant)
    }
}

/// The options of a [`UserClaims`] as `/idtoken/reissue` and
/// `/auth/userinfo/issue` take them, by wire name.
pub(crate) fn claims_fields(claims: UserClaims) -> Map<String, Value> {
    let mut fields = Map::new();
    if !claims.claims.is_empty() {
        fields.insert("claims".into(), Value::Object(claims.claims).to_string().into());
    }
    if let Some(sub) = claims.sub {
        fields.insert("sub".into(), sub.into());
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(answer: Value) -> GrantContext {
        GrantContext::new(serde_json::from_value(answer).expect("a token answer"))
    }

    #[test]
    #[cfg(authlete_operation = "auth_introspection")]
    fn the_grant_reads_as_the_crates_types() {
        let grant = context(serde_json::json!({"grantType": "REFRESH_TOKEN", "clientId": 42, "subject": "u"}));
        assert_eq!(grant.grant_type(), Some(GrantType::RefreshToken));
        assert_eq!(grant.client_id(), Some(42));
        assert_eq!(grant.subject(), Some("u"));
    }

    #[test]
    fn requested_claims_read_by_name_and_language() {
        let grant = context(serde_json::json!({"claims": ["email", "family_name#ja-Kana-JP", "name#", "a#b#c"]}));
        let by_locale: Vec<(String, Option<String>)> =
            grant.requested_userinfo_claims_by_locale().into_iter().map(|c| (c.name, c.locale)).collect();
        let owned = |n: &str, l: Option<&str>| (n.to_string(), l.map(str::to_string));
        assert_eq!(
            by_locale,
            [owned("email", None), owned("family_name", Some("ja-Kana-JP")), owned("name", None), owned("a", Some("b#c"))]
        );
        assert!(context(serde_json::json!({})).requested_userinfo_claims_by_locale().is_empty());
    }

    #[test]
    #[cfg(authlete_operation = "auth_introspection")]
    fn a_grant_type_of_a_later_revision_is_kept_as_it_came() {
        let grant = context(serde_json::json!({"grantType": "NEW_IN_2027"}));
        let kept = grant.grant_type().expect("kept");
        assert!(kept.is_unknown());
        assert_eq!(kept.as_str(), "NEW_IN_2027");
        assert_eq!(context(serde_json::json!({})).grant_type(), None);
    }
}
