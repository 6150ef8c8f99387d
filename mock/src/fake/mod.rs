//! A stateful fake of Authlete: [`FakeAuthlete`].

mod authorization;
mod backchannel;
mod device;
mod keys;
mod management;
mod pending;
mod resource;
mod token;
mod world;

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::{json, Value};

use crate::{Call, MockAuthlete, MockReply};
use world::{Grant, World};

/// A client as the management API gives it (`authlete::types::Client`),
/// named through its operation so that the fake builds with any spec's
/// names for its schemas.
pub type Client = authlete::operation::client_create::Body;
/// The service as the management API gives it (`authlete::types::Service`).
pub type Service = authlete::operation::service_get::Success;

/// A fake of Authlete that behaves: one service with its own signing key,
/// clients, and the authorization code, refresh token and client
/// credentials flows, answered in Authlete's shapes.
///
/// It is a [`MockAuthlete`] (it dereferences to one) whose unscripted
/// operations are answered by the fake's world, so a test can still script
/// any operation with [`on`](MockAuthlete::on) or
/// [`on_request`](MockAuthlete::on_request): a scripted reply wins.
///
/// ```
/// use authlete_mock::FakeAuthlete;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let fake = FakeAuthlete::start("https://op.example").await.unwrap();
/// let client = fake.add_client(
///     authlete::types::Client::builder()
///         .client_id_alias("my-app")
///         .client_secret("my-app-secret")
///         .redirect_uris(vec!["https://app.example/cb".to_string()]),
/// );
/// // As if alice had approved an authorization request of the client.
/// let tokens = fake.issue_tokens(client.client_id.unwrap(), "alice", &["openid", "profile"]);
///
/// let check = fake.client().auth_introspection().body_map(|b| b.token(tokens.access_token())).send().await.unwrap();
/// assert_eq!(check.subject.as_deref(), Some("alice"));
/// # }
/// ```
///
/// # What it emulates
///
/// | Operations | Emulated | Not emulated (a real service does it) |
/// |---|---|---|
/// | `service_get`, `service_update`, `service_configuration`, `service_jwks_get` | the service's settings; discovery built from them; the JWK Set of its ES256 key | other services (`service_get_list`, `service_create`); private keys in the JWK Set; `patch` |
/// | `client_create`, `client_get`, `client_get_list` (paging), `client_update`, `client_delete` | clients by number or alias; secrets made for confidential clients | developers, client locks, secret refresh, dynamic registration |
/// | `auth_authorization`, `auth_authorization_issue`, `auth_authorization_fail` | `response_type=code`; registered redirect URIs; scopes (unsupported ones dropped); `state`, `nonce`; PKCE `S256`/`plain`; `prompt=none` → `NO_INTERACTION`; claims and `authTime` at issue | request objects, PAR, `claims` requests, other response types and modes, ACRs, `max_age` |
/// | `auth_token` | `authorization_code` (PKCE, redirect URI), `refresh_token` (rotation unless `refreshTokenKept`; scope narrowing), `client_credentials`, the device code and CIBA grants; `client_secret_basic`, `client_secret_post`, public clients | the password, token exchange and JWT bearer grants; JWT and mTLS client authentication; DPoP |
/// | `device_authorization`, `device_verification`, `device_complete` | RFC 8628 codes, the user's decision (subject, claims, auth time, narrowed scopes), the device code grant's `authorization_pending`, `access_denied`, `expired_token` | `slow_down`, ACRs |
/// | `backchannel_authentication` and its `_issue`, `_fail`, `_complete` | CIBA in poll mode: one of the three hints, `binding_message`, the user's decision, the CIBA grant's pending and refused answers | ping and push modes, signed requests, user codes, ACRs |
/// | `idtoken_reissue` | `ID_TOKEN_REISSUABLE` on refresh when the service sets `idTokenReissuable` and `openid` was granted; the reissue with claims and `sub` | `idtHeaderParams`, `idTokenAudType` |
/// | `auth_introspection`, `auth_introspection_standard`, `auth_revocation` | active, expiry, required scopes and subject; RFC 7662 and RFC 7009 answers | JWT introspection responses, resources, certificate binding |
/// | `auth_userinfo`, `auth_userinfo_issue` | the claims the scopes stand for, filtered to those requested | signed or encrypted userinfo, `claims` requests |
///
/// Tokens, codes and tickets are 32 random bytes, base64url. ID tokens are
/// signed with ES256 by a key made for each fake. Time is the system's,
/// moved on by [`advance_clock`](Self::advance_clock).
///
/// Any other operation answers HTTP 400 with `resultCode` `"MOCK_NOT_EMULATED"`
/// and a message naming it, so a test sees the limit instead of a wrong answer.
pub struct FakeAuthlete {
    mock: MockAuthlete,
    world: Arc<Mutex<World>>,
}

impl fmt::Debug for FakeAuthlete {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeAuthlete").field("base_url", &self.mock.base_url()).finish_non_exhaustive()
    }
}

impl Deref for FakeAuthlete {
    type Target = MockAuthlete;
    fn deref(&self) -> &MockAuthlete {
        &self.mock
    }
}

/// Tokens the fake issued ([`FakeAuthlete::issue_tokens`]); `Debug` shows
/// neither.
#[derive(Clone)]
pub struct FakeTokens {
    access_token: String,
    refresh_token: Option<String>,
}

impl FakeTokens {
    /// The access token.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The refresh token (`None` when the client may not refresh).
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }
}

impl fmt::Debug for FakeTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeTokens").field("access_token", &"<redacted>").finish_non_exhaustive()
    }
}

impl FakeAuthlete {
    /// Starts a fake on a free port of 127.0.0.1 for a service whose issuer
    /// is `issuer`, with its endpoints below it (`{issuer}/authorize`,
    /// `/token`, `/userinfo`, `/revoke`, `/introspect`, `/jwks`). It has no
    /// client yet.
    ///
    /// # Errors
    /// When no port can be bound.
    pub async fn start(issuer: impl Into<String>) -> std::io::Result<Self> {
        let mock = MockAuthlete::start().await?;
        let world = Arc::new(Mutex::new(World::new(&issuer.into())));
        let shared = world.clone();
        mock.set_fallback(Arc::new(move |call: &Call| respond(&mut lock(&shared), call)));
        Ok(Self { mock, world })
    }

    /// Registers a client, as `client_create` does, and returns it with what
    /// the fake filled in: its number (`client_id`), a secret when it is
    /// confidential and has none, the authorization code and refresh token
    /// grants, the `code` response type and `client_secret_basic` when those
    /// are left empty.
    ///
    /// # Panics
    /// When the builder does not build: the message names the field.
    pub fn add_client(&self, client: impl TryInto<Client, Error: fmt::Display>) -> Client {
        let client = client.try_into().unwrap_or_else(|e| panic!("authlete-mock: the client does not build: {e}"));
        lock(&self.world).add_client(client)
    }

    /// The service as the fake holds it.
    pub fn service(&self) -> Service {
        lock(&self.world).service.clone()
    }

    /// Changes the service (`|s| s.id_token_reissuable = Some(false)`).
    pub fn update_service(&self, change: impl FnOnce(&mut Service)) {
        change(&mut lock(&self.world).service);
    }

    /// The service's JWK Set: the public key its ID tokens verify with.
    pub fn jwks(&self) -> Value {
        lock(&self.world).key.jwks()
    }

    /// Issues tokens to client number `client_id` for `subject` with
    /// `scopes`, as if the user had approved an authorization request and
    /// the client had redeemed the code.
    ///
    /// # Panics
    /// When there is no such client.
    pub fn issue_tokens(&self, client_id: i64, subject: &str, scopes: &[&str]) -> FakeTokens {
        let mut world = lock(&self.world);
        let client = world.clients.get(&client_id).unwrap_or_else(|| panic!("authlete-mock: no client {client_id}"));
        let mut grant = Grant::new(client, scopes.iter().map(|s| s.to_string()).collect());
        grant.subject = Some(subject.to_string());
        grant.auth_time = Some(world.now());
        let pair = world.issue(grant);
        FakeTokens { access_token: pair.access_token.clone(), refresh_token: pair.refresh_token.clone() }
    }

    /// Moves the fake's clock on: codes and tokens expire.
    pub fn advance_clock(&self, by: Duration) {
        lock(&self.world).advance_clock(i64::try_from(by.as_secs()).unwrap_or(i64::MAX));
    }
}

/// The identifier a client goes by: its alias where enabled, else its number.
fn client_key(client: &Client) -> String {
    match (&client.client_id_alias, client.client_id_alias_enabled) {
        (Some(alias), Some(true)) => alias.clone(),
        _ => client.client_id.unwrap_or_default().to_string(),
    }
}

fn lock(world: &Mutex<World>) -> MutexGuard<'_, World> {
    world.lock().unwrap_or_else(PoisonError::into_inner)
}

fn respond(world: &mut World, call: &Call) -> MockReply {
    let Some(operation) = call.operation else {
        return MockReply::error(404, "MOCK404", &format!("no operation at {} {}", call.method, call.path));
    };
    match operation {
        "service_get" => management::service_get(world),
        "service_update" => management::service_update(world, call),
        "service_configuration" => management::configuration(world),
        "service_jwks_get" => MockReply::ok(world.key.jwks()),
        "client_create" => management::client_create(world, call),
        "client_get" => management::client_get(world, call),
        "client_get_list" => management::client_list(world, call),
        "client_update" => management::client_update(world, call),
        "client_delete" => management::client_delete(world, call),
        "auth_authorization" => authorization::request(world, call),
        "auth_authorization_issue" => authorization::issue(world, call),
        "auth_authorization_fail" => authorization::fail(world, call),
        "auth_token" => token::token(world, call),
        "device_authorization" => device::authorization(world, call),
        "device_verification" => device::verification(world, call),
        "device_complete" => device::complete(world, call),
        "backchannel_authentication" => backchannel::authentication(world, call),
        "backchannel_authentication_issue" => backchannel::issue(world, call),
        "backchannel_authentication_fail" => backchannel::fail(world, call),
        "backchannel_authentication_complete" => backchannel::complete(world, call),
        "idtoken_reissue" => token::reissue(world, call),
        "auth_introspection" => resource::introspection(world, call),
        "auth_introspection_standard" => resource::standard_introspection(world, call),
        "auth_revocation" => resource::revocation(world, call),
        "auth_userinfo" => resource::userinfo(world, call),
        "auth_userinfo_issue" => resource::userinfo_issue(world, call),
        other => MockReply::error(
            400,
            "MOCK_NOT_EMULATED",
            &format!(
                "authlete-mock's fake does not emulate `{other}` ({} {}); script it with `on::<authlete::operation::{other}::Builder>(..)`",
                call.method, call.path
            ),
        ),
    }
}

/// An answer of an action-bearing operation.
fn action(action: &str, message: &str, mut fields: Value) -> MockReply {
    fields["resultCode"] = "MOCK".into();
    fields["resultMessage"] = format!("[authlete-mock fake] {message}").into();
    fields["action"] = action.into();
    MockReply::ok(fields)
}

/// An OAuth error body (`{"error": ..., "error_description": ...}`).
fn oauth_error(error: &str, description: &str) -> String {
    json!({"error": error, "error_description": description}).to_string()
}

/// A string field of the request body.
fn body_str<'a>(call: &'a Call, field: &str) -> Option<&'a str> {
    call.body.get(field).and_then(Value::as_str)
}
