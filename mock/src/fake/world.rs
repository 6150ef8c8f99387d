//! What the fake service holds: its configuration, its clients, and the
//! tickets, codes and tokens it has handed out.

use std::collections::{BTreeMap, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::keys::{random_token, SigningKey};
use super::{Client, Service};

/// How long a code lives (Authlete's default is 10 minutes).
pub(super) const CODE_SECONDS: i64 = 600;

pub(super) struct World {
    pub(super) service: Service,
    pub(super) clients: BTreeMap<i64, Client>,
    next_client_id: i64,
    pub(super) tickets: HashMap<String, Pending>,
    pub(super) codes: HashMap<String, Code>,
    pub(super) tokens: Vec<TokenPair>,
    pub(super) devices: Vec<super::device::DeviceRequest>,
    pub(super) backchannel: Vec<super::backchannel::BackchannelRequest>,
    pub(super) key: SigningKey,
    clock_offset: i64,
}

/// Who a grant is for and what it allows.
#[derive(Clone)]
pub(super) struct Grant {
    pub(super) client_id: i64,
    /// The client identifier as the client presented it (number or alias):
    /// the ID token's audience.
    pub(super) client_key: String,
    pub(super) subject: Option<String>,
    /// The ID token's `sub` when it is not the subject (pairwise, say).
    pub(super) id_token_sub: Option<String>,
    pub(super) scopes: Vec<String>,
    /// Claims for ID tokens, given at `/auth/authorization/issue`.
    pub(super) claims: Map<String, Value>,
    pub(super) auth_time: Option<i64>,
}

impl Grant {
    /// A grant to the client for `scopes`, before the user is known.
    pub(super) fn new(client: &Client, scopes: Vec<String>) -> Self {
        Self {
            client_id: client.client_id.unwrap_or_default(),
            client_key: super::client_key(client),
            subject: None,
            id_token_sub: None,
            scopes,
            claims: Map::new(),
            auth_time: None,
        }
    }
}

/// An authorization request waiting for the user's decision.
pub(super) struct Pending {
    pub(super) grant: Grant,
    pub(super) redirect_uri: String,
    pub(super) redirect_uri_given: bool,
    pub(super) state: Option<String>,
    pub(super) nonce: Option<String>,
    /// `(code_challenge, code_challenge_method)`.
    pub(super) pkce: Option<(String, String)>,
}

/// An authorization code.
pub(super) struct Code {
    pub(super) pending: Pending,
    pub(super) expires_at: i64,
}

/// An access token and the refresh token issued with it (Authlete keeps
/// them as one record: revoking either revokes both).
pub(super) struct TokenPair {
    pub(super) access_token: String,
    pub(super) access_expires_at: i64,
    pub(super) refresh_token: Option<String>,
    pub(super) refresh_expires_at: i64,
    /// What the refresh token may ask for: a refresh may narrow the access
    /// token's scopes, never the refresh token's (RFC 6749 §6).
    pub(super) refresh_scopes: Vec<String>,
    pub(super) issued_at: i64,
    pub(super) grant: Grant,
}

impl World {
    pub(super) fn new(issuer: &str) -> Self {
        let issuer = issuer.trim_end_matches('/');
        let scopes: Vec<Value> = ["openid", "profile", "email", "address", "phone", "offline_access"]
            .iter()
            .map(|s| json!({"name": s}))
            .collect();
        let service = json!({
            "number": 1,
            "serviceName": "authlete-mock fake",
            "issuer": issuer,
            "authorizationEndpoint": format!("{issuer}/authorize"),
            "tokenEndpoint": format!("{issuer}/token"),
            "userInfoEndpoint": format!("{issuer}/userinfo"),
            "revocationEndpoint": format!("{issuer}/revoke"),
            "introspectionEndpoint": format!("{issuer}/introspect"),
            "jwksUri": format!("{issuer}/jwks"),
            "deviceAuthorizationEndpoint": format!("{issuer}/device_authorization"),
            "deviceVerificationUri": format!("{issuer}/device"),
            "backchannelAuthenticationEndpoint": format!("{issuer}/bc-authorize"),
            "supportedBackchannelTokenDeliveryModes": ["POLL"],
            "supportedScopes": scopes,
            "supportedClaims": ["sub", "name", "given_name", "family_name", "preferred_username", "email",
                "email_verified", "address", "phone_number", "phone_number_verified", "locale", "updated_at"],
            "supportedGrantTypes": ["AUTHORIZATION_CODE", "REFRESH_TOKEN", "CLIENT_CREDENTIALS", "DEVICE_CODE", "CIBA"],
            "supportedResponseTypes": ["CODE"],
            "supportedTokenAuthMethods": ["CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST", "NONE"],
            "idTokenReissuable": true,
            "accessTokenDuration": 3600,
            "refreshTokenDuration": 86400,
            "idTokenDuration": 3600,
            "refreshTokenKept": false,
        });
        Self {
            service: serde_json::from_value(service).expect("the fake's service decodes as a Service"),
            clients: BTreeMap::new(),
            next_client_id: 1001,
            tickets: HashMap::new(),
            codes: HashMap::new(),
            tokens: Vec::new(),
            devices: Vec::new(),
            backchannel: Vec::new(),
            key: SigningKey::generate(),
            clock_offset: 0,
        }
    }

    /// Seconds since the epoch, as the fake's clock says.
    pub(super) fn now(&self) -> i64 {
        let real = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        real.saturating_add(self.clock_offset)
    }

    pub(super) fn advance_clock(&mut self, seconds: i64) {
        self.clock_offset = self.clock_offset.saturating_add(seconds);
    }

    pub(super) fn issuer(&self) -> String {
        self.service.issuer.clone().unwrap_or_default()
    }

    /// A configured duration in seconds, or `default` when unset; at most
    /// 100 years, so that expiry times stay far from overflowing.
    pub(super) fn duration(&self, configured: Option<i64>, default: i64) -> i64 {
        configured.filter(|d| *d > 0).unwrap_or(default).min(100 * 365 * 86400)
    }

    /// Adds a client, completing what a registration leaves out: a number,
    /// a secret for a confidential client, the code and refresh grants,
    /// `client_secret_basic`.
    pub(super) fn add_client(&mut self, mut client: Client) -> Client {
        let id = self.next_client_id;
        self.next_client_id += 1;
        client.client_id = Some(id);
        client.number.get_or_insert(id as i32);
        client.created_at = Some(self.now().saturating_mul(1000));
        client.modified_at = client.created_at;
        let confidential = !is_public(&client);
        client.client_type.get_or_insert(if confidential { "CONFIDENTIAL".into() } else { "PUBLIC".into() });
        if confidential && client.client_secret.is_none() {
            client.client_secret = Some(random_token());
        }
        if client.grant_types.is_empty() {
            client.grant_types = vec!["AUTHORIZATION_CODE".into(), "REFRESH_TOKEN".into()];
        }
        if client.response_types.is_empty() {
            client.response_types = vec!["CODE".into()];
        }
        client.token_auth_method.get_or_insert(if confidential { "CLIENT_SECRET_BASIC".into() } else { "NONE".into() });
        if client.client_id_alias.is_some() && client.client_id_alias_enabled.is_none() {
            client.client_id_alias_enabled = Some(true);
        }
        self.clients.insert(id, client.clone());
        client
    }

    /// A client by its number or, where enabled, its alias.
    pub(super) fn client(&self, key: &str) -> Option<&Client> {
        if let Ok(id) = key.parse::<i64>() {
            if let Some(c) = self.clients.get(&id) {
                return Some(c);
            }
        }
        self.clients
            .values()
            .find(|c| c.client_id_alias_enabled == Some(true) && c.client_id_alias.as_deref() == Some(key))
    }

    pub(super) fn supports_scope(&self, name: &str) -> bool {
        self.service.supported_scopes.iter().any(|s| s.name.as_deref() == Some(name))
    }

    pub(super) fn supports_grant(&self, grant: &str) -> bool {
        has(&self.service.supported_grant_types, grant)
    }

    /// Issues an access token (and a refresh token when the client may
    /// refresh) for `grant`.
    pub(super) fn issue(&mut self, grant: Grant) -> &TokenPair {
        let now = self.now();
        let refreshable = self.clients.get(&grant.client_id).is_some_and(|c| has(&c.grant_types, "REFRESH_TOKEN"))
            && self.supports_grant("REFRESH_TOKEN")
            && grant.subject.is_some();
        let pair = TokenPair {
            access_token: random_token(),
            access_expires_at: now.saturating_add(self.duration(self.service.access_token_duration, 3600)),
            refresh_token: refreshable.then(random_token),
            refresh_expires_at: now.saturating_add(self.duration(self.service.refresh_token_duration, 86400)),
            refresh_scopes: grant.scopes.clone(),
            issued_at: now,
            grant,
        };
        self.tokens.push(pair);
        self.tokens.last().expect("just pushed")
    }

    /// The live record of an access token.
    pub(super) fn access_token(&self, token: &str) -> Option<&TokenPair> {
        let now = self.now();
        self.tokens.iter().find(|t| t.access_token == token && t.access_expires_at > now)
    }

    /// The position of the live record of a refresh token.
    pub(super) fn refresh_token(&self, token: &str) -> Option<usize> {
        let now = self.now();
        self.tokens.iter().position(|t| t.refresh_token.as_deref() == Some(token) && t.refresh_expires_at > now)
    }

    /// A signed ID token for `grant`.
    pub(super) fn id_token(
        &self,
        grant: &Grant,
        nonce: Option<&str>,
        access_token: &str,
        claims: &Map<String, Value>,
    ) -> String {
        let now = self.now();
        let mut payload = Map::new();
        // The user's claims, but none the service sets or the protocol binds.
        const RESERVED: &[&str] = &[
            "iss",
            "sub",
            "aud",
            "exp",
            "iat",
            "nbf",
            "jti",
            "auth_time",
            "nonce",
            "at_hash",
            "c_hash",
            "azp",
            "acr",
            "amr",
        ];
        for (name, value) in grant.claims.iter().chain(claims) {
            if !RESERVED.contains(&name.as_str()) {
                payload.insert(name.clone(), value.clone());
            }
        }
        // The registered claims are the service's, whatever the user's claims say.
        payload.insert("iss".into(), self.issuer().into());
        let sub = grant.id_token_sub.clone().or_else(|| grant.subject.clone()).unwrap_or_default();
        payload.insert("sub".into(), sub.into());
        payload.insert("aud".into(), grant.client_key.clone().into());
        payload.insert("iat".into(), now.into());
        payload.insert("exp".into(), now.saturating_add(self.duration(self.service.id_token_duration, 3600)).into());
        payload.insert("at_hash".into(), super::keys::token_hash(access_token).into());
        if let Some(t) = grant.auth_time {
            payload.insert("auth_time".into(), t.into());
        }
        if let Some(n) = nonce {
            payload.insert("nonce".into(), n.into());
        }
        self.key.sign(&Value::Object(payload))
    }
}

/// An enum value's wire name. The fake compares enums by wire name, so that
/// it builds with any spec's Rust names for them.
pub(super) fn wire<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// Whether `list` holds the value of wire name `value`.
pub(super) fn has<T: Serialize>(list: &[T], value: &str) -> bool {
    list.iter().any(|v| wire(v) == value)
}

/// Whether the client is public (no secret).
pub(super) fn is_public(client: &Client) -> bool {
    client.client_type.as_ref().is_some_and(|t| wire(t) == "PUBLIC")
}

/// The names in a `scope` parameter that the service supports, in order.
pub(super) fn supported_scopes(world: &World, scope: Option<&str>) -> Vec<String> {
    scope
        .unwrap_or_default()
        .split(' ')
        .filter(|s| !s.is_empty() && world.supports_scope(s))
        .map(str::to_string)
        .collect()
}

/// The service's scope objects of these names (an answer's `scopes`).
pub(super) fn scope_objects(world: &World, names: &[String]) -> Vec<Value> {
    world
        .service
        .supported_scopes
        .iter()
        .filter(|s| s.name.as_ref().is_some_and(|n| names.contains(n)))
        .map(|s| serde_json::to_value(s).unwrap_or_default())
        .collect()
}

/// The claims the scopes stand for that the service supports.
pub(super) fn scope_claims(world: &World, scopes: &[String]) -> Vec<String> {
    let supported = &world.service.supported_claims;
    scopes
        .iter()
        .flat_map(|s| claims_of_scope(s).iter())
        .filter(|c| supported.iter().any(|s| s == *c))
        .map(|c| c.to_string())
        .collect()
}

/// An object without its `null` members (what Authlete leaves out).
pub(super) fn without_nulls(mut value: Value) -> Value {
    if let Value::Object(map) = &mut value {
        map.retain(|_, v| !v.is_null());
    }
    value
}

/// The claims a scope stands for (OpenID Connect Core, 5.4).
fn claims_of_scope(scope: &str) -> &'static [&'static str] {
    match scope {
        "profile" => &[
            "name",
            "family_name",
            "given_name",
            "middle_name",
            "nickname",
            "preferred_username",
            "profile",
            "picture",
            "website",
            "gender",
            "birthdate",
            "zoneinfo",
            "locale",
            "updated_at",
        ],
        "email" => &["email", "email_verified"],
        "address" => &["address"],
        "phone" => &["phone_number", "phone_number_verified"],
        _ => &[],
    }
}

/// The form parameters of a request, `None` if one is repeated (OAuth 2.0
/// forbids that).
pub(super) fn form(encoded: &str) -> Option<HashMap<String, String>> {
    let mut params = HashMap::new();
    for (name, value) in form_urlencoded::parse(encoded.as_bytes()).into_owned() {
        if params.insert(name, value).is_some() {
            return None;
        }
    }
    Some(params)
}
