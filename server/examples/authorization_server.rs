//! An OpenID Provider in one file: axum routes for every endpoint helper,
//! driving itself through authorization code + PKCE → token → userinfo →
//! refresh with ID token reissue → introspection → revocation, and printing
//! each HTTP exchange.
//!
//! ```sh
//! cargo run -p authlete-server --example authorization_server --features axum            # the walk-through, then exit
//! cargo run -p authlete-server --example authorization_server --features axum -- --serve # keep serving on 127.0.0.1:8080
//! ```
//!
//! Without `AUTHLETE_*` variables it talks to an embedded stand-in of
//! Authlete (`authlete_mock`) that plays the service's part of the flow;
//! with them, to that service (the walk-through then needs a client
//! registered with the redirect URI below).

use std::sync::Arc;

use authlete::Authlete;
use authlete_server::endpoints::{
    AuthorizationEndpoint, AuthorizationStep, Decision, DiscoveryEndpoint, ResourceRequest, RevocationEndpoint,
    StandardIntrospectionEndpoint, UserinfoEndpoint,
};
use authlete_server::{ClaimsDecision, ClientRequest, GrantContext, TokenEndpoint};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

const CLIENT_ID: &str = "demo-client";
pub const CLIENT_SECRET: &str = "demo-secret";
/// The PKCE code verifier of the walk-through.
pub const CODE_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const REDIRECT_URI: &str = "http://127.0.0.1:9999/cb";

/// The largest request body the provider reads: token, PAR and revocation
/// requests are a few kilobytes (axum's default is 2 MB).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The provider's endpoints, sharing one Authlete client.
pub struct Provider {
    issuer: String,
    authorization: AuthorizationEndpoint,
    token: TokenEndpoint,
    userinfo: UserinfoEndpoint,
    introspection: StandardIntrospectionEndpoint,
    revocation: RevocationEndpoint,
    discovery: DiscoveryEndpoint,
}

/// Your user store: the claims of a user, for ID tokens and userinfo.
async fn claims_of(grant: GrantContext) -> ClaimsDecision {
    let Some(subject) = grant.subject() else { return ClaimsDecision::Skip };
    let mut claims = serde_json::Map::new();
    claims.insert("name".into(), format!("User {subject}").into());
    claims.insert("email".into(), format!("{subject}@example.com").into());
    ClaimsDecision::claims(claims)
}

impl Provider {
    pub fn new(client: Authlete, issuer: String) -> Self {
        Self {
            issuer,
            authorization: AuthorizationEndpoint::new(client.clone()),
            token: TokenEndpoint::new(client.clone()).claims_provider(claims_of),
            userinfo: UserinfoEndpoint::new(client.clone()).claims_provider(claims_of),
            introspection: StandardIntrospectionEndpoint::new(client.clone()),
            revocation: RevocationEndpoint::new(client.clone()),
            discovery: DiscoveryEndpoint::new(client),
        }
    }
}

pub type Shared = Arc<Provider>;

async fn authorize(State(p): State<Shared>, RawQuery(query): RawQuery) -> Response {
    match p.authorization.handle(query.unwrap_or_default()).await {
        Ok(AuthorizationStep::Done(r)) => r.into_response(),
        Ok(AuthorizationStep::Interaction(i)) => {
            // A real server shows a login and consent page here and keeps the
            // ticket in the session; the demo user approves at once.
            let ticket = i.ticket().unwrap_or_default().to_string();
            println!("   (consent page: scopes {:?}; alice approves)", i.scopes());
            let decision = Decision::approve("alice");
            p.authorization.finish(&ticket, decision).await.into_response()
        }
        Err(e) => e.into_response(),
    }
}

async fn token(State(p): State<Shared>, headers: HeaderMap, body: String) -> Response {
    let input = ClientRequest::from_http(&headers, body, Some(&format!("{}/token", p.issuer)));
    p.token.handle(input).await.into_response()
}

async fn userinfo(State(p): State<Shared>, method: Method, headers: HeaderMap) -> Response {
    let request = ResourceRequest::from_http(&method, &format!("{}/userinfo", p.issuer), &headers);
    p.userinfo.handle(request).await.into_response()
}

async fn introspect(State(p): State<Shared>, headers: HeaderMap, body: String) -> Response {
    // A real server authenticates the resource server here.
    let accept = headers.get("accept").and_then(|v| v.to_str().ok());
    p.introspection.handle(body, accept).await.into_response()
}

async fn revoke(State(p): State<Shared>, headers: HeaderMap, body: String) -> Response {
    p.revocation.handle(ClientRequest::from_http(&headers, body, None)).await.into_response()
}

async fn configuration(State(p): State<Shared>) -> Response {
    p.discovery.configuration().await.into_response()
}

async fn jwks(State(p): State<Shared>) -> Response {
    p.discovery.jwks().await.into_response()
}

pub fn router(provider: Shared) -> axum::Router {
    axum::Router::new()
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .route("/userinfo", get(userinfo).post(userinfo))
        .route("/introspect", post(introspect))
        .route("/revoke", post(revoke))
        .route("/.well-known/openid-configuration", get(configuration))
        .route("/jwks", get(jwks))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(provider)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let serve = std::env::args().any(|a| a == "--serve");
    let mut _stand_in = None;
    let client = match std::env::var_os(authlete::ENV_BASE_URL) {
        Some(_) => Authlete::from_env()?,
        None => {
            let mock = stand_in::start().await?;
            println!("No AUTHLETE_* variables: using a stand-in of Authlete at {}\n", mock.base_url());
            let c = mock.client();
            _stand_in = Some(mock);
            c
        }
    };
    let addr = if serve { "127.0.0.1:8080" } else { "127.0.0.1:0" };
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let issuer = format!("http://{}", listener.local_addr()?);
    let app = router(Arc::new(Provider::new(client, issuer.clone())));
    if serve {
        println!("serving the provider at {issuer}");
        axum::serve(listener, app).await?;
        return Ok(());
    }
    tokio::spawn(async move { axum::serve(listener, app).await });
    walk_through(&issuer).await
}

/// The OAuth client's side of the flow, printing each exchange.
pub async fn walk_through(issuer: &str) -> Result<(), Box<dyn std::error::Error>> {
    use base64::Engine;
    use sha2::Digest;
    let http = authlete::reqwest_client_builder()?.redirect(reqwest::redirect::Policy::none()).build()?;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let basic =
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}")));
    let form = |pairs: &[(&str, &str)]| {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            s.append_pair(k, v);
        }
        s.finish()
    };

    println!("1. discovery");
    show(http.get(format!("{issuer}/.well-known/openid-configuration")).send().await?).await;

    println!("2. authorization request with PKCE (S256)");
    let verifier = CODE_VERIFIER;
    let challenge = b64.encode(sha2::Sha256::digest(verifier.as_bytes()));
    let query = form(&[
        ("response_type", "code"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", REDIRECT_URI),
        ("scope", "openid profile email"),
        ("state", "xyz"),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ]);
    let r = http.get(format!("{issuer}/authorize?{query}")).send().await?;
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    show(r).await;
    let code = url::Url::parse(&location)?
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .ok_or("no code in the redirect")?;

    println!("3. token request (authorization_code + code_verifier)");
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", verifier),
    ]);
    let tokens: serde_json::Value =
        show(http.post(format!("{issuer}/token")).header("authorization", &basic).body(body).send().await?).await;
    let access_token = tokens["access_token"].as_str().unwrap_or_default().to_string();
    let refresh_token = tokens["refresh_token"].as_str().unwrap_or_default().to_string();

    println!("4. userinfo");
    show(http.get(format!("{issuer}/userinfo")).bearer_auth(&access_token).send().await?).await;

    println!("5. refresh, with the ID token reissued");
    let body = form(&[("grant_type", "refresh_token"), ("refresh_token", &refresh_token)]);
    show(http.post(format!("{issuer}/token")).header("authorization", &basic).body(body).send().await?).await;

    println!("6. introspection (RFC 7662)");
    show(http.post(format!("{issuer}/introspect")).body(form(&[("token", &access_token)])).send().await?).await;

    println!("7. revocation");
    let body = form(&[("token", &access_token), ("token_type_hint", "access_token")]);
    show(http.post(format!("{issuer}/revoke")).header("authorization", &basic).body(body).send().await?).await;

    println!("8. introspection after revocation");
    show(http.post(format!("{issuer}/introspect")).body(form(&[("token", &access_token)])).send().await?).await;
    Ok(())
}

/// Prints a response; its body as JSON when it is some.
async fn show(r: reqwest::Response) -> serde_json::Value {
    println!("   HTTP {}", r.status());
    for name in ["location", "www-authenticate", "cache-control", "content-type"] {
        if let Some(v) = r.headers().get(name).and_then(|v| v.to_str().ok()) {
            println!("   {name}: {v}");
        }
    }
    let text = r.text().await.unwrap_or_default();
    if !text.is_empty() {
        println!("   {text}");
    }
    println!();
    serde_json::from_str(&text).unwrap_or_default()
}

/// Authlete's part of the flow, as the stand-in plays it: one client, one
/// user, codes bound to their PKCE challenge, tokens that can be revoked.
pub mod stand_in {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use authlete::operation::{
        auth_authorization, auth_authorization_issue, auth_introspection_standard, auth_revocation, auth_token,
        auth_userinfo, auth_userinfo_issue, idtoken_reissue, service_configuration, service_jwks_get,
    };
    use authlete_mock::{Call, MockAuthlete, MockReply};
    use serde_json::json;

    #[derive(Default)]
    struct World {
        /// ticket → the authorization request's parameters
        tickets: HashMap<String, HashMap<String, String>>,
        /// code → code_challenge
        codes: HashMap<String, String>,
        /// live access tokens
        tokens: Vec<String>,
        counter: u32,
    }

    fn params(form: &str) -> HashMap<String, String> {
        url::form_urlencoded::parse(form.as_bytes()).into_owned().collect()
    }

    fn body_str(call: &Call, field: &str) -> String {
        call.body[field].as_str().unwrap_or_default().to_string()
    }

    /// Every credential the stand-in hands out ends with this, so that a
    /// test can look for it in logs.
    pub const SECRET_MARK: &str = "s3kr1t";

    /// A credential of this kind (`at`, `code`, ...), numbered.
    fn secret(kind: &str, n: u32) -> String {
        format!("{kind}-{n}-{SECRET_MARK}")
    }

    fn id_token(claims: &str) -> String {
        use base64::Engine;
        format!("eyJhbGciOiJub25lIn0.{}.", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims))
    }

    pub async fn start() -> std::io::Result<MockAuthlete> {
        let mock = MockAuthlete::start().await?;
        let world = Arc::new(Mutex::new(World::default()));
        mock.on_request::<service_configuration::Builder>(|_| {
            MockReply::json(
                200,
                &json!({"issuer": "https://stand-in.example", "code_challenge_methods_supported": ["S256"]}),
            )
        });
        mock.on_request::<service_jwks_get::Builder>(|_| MockReply::raw(204, "application/json", ""));
        let w = world.clone();
        mock.on_request::<auth_authorization::Builder>(move |call| {
            let p = params(&body_str(call, "parameters"));
            if p.get("code_challenge_method").map(String::as_str) != Some("S256") {
                return MockReply::json(
                    200,
                    &json!({"action": "BAD_REQUEST", "responseContent": "{\"error\":\"invalid_request\"}"}),
                );
            }
            let mut w = w.lock().unwrap();
            w.counter += 1;
            let ticket = secret("ticket", w.counter);
            let scopes: Vec<_> =
                p.get("scope").map(|s| s.split(' ').map(|n| json!({"name": n})).collect()).unwrap_or_default();
            w.tickets.insert(ticket.clone(), p);
            MockReply::json(200, &json!({"action": "INTERACTION", "ticket": ticket, "scopes": scopes}))
        });
        let w = world.clone();
        mock.on_request::<auth_authorization_issue::Builder>(move |call| {
            let mut w = w.lock().unwrap();
            let Some(p) = w.tickets.remove(&body_str(call, "ticket")) else {
                return MockReply::json(
                    200,
                    &json!({"action": "BAD_REQUEST", "responseContent": "{\"error\":\"invalid_request\"}"}),
                );
            };
            w.counter += 1;
            let code = secret("code", w.counter);
            w.codes.insert(code.clone(), p.get("code_challenge").cloned().unwrap_or_default());
            let location =
                format!("{}?code={code}&state={}", p["redirect_uri"], p.get("state").cloned().unwrap_or_default());
            MockReply::json(200, &json!({"action": "LOCATION", "responseContent": location}))
        });
        let w = world.clone();
        mock.on_request::<auth_token::Builder>(move |call| {
            use base64::Engine;
            use sha2::Digest;
            let p = params(&body_str(call, "parameters"));
            let mut w = w.lock().unwrap();
            w.counter += 1;
            let access_token = secret("at", w.counter);
            let refresh_token = secret("rt", w.counter);
            let bad = |e: &str| MockReply::json(200, &json!({"action": "BAD_REQUEST", "responseContent": format!("{{\"error\":\"{e}\"}}")}));
            match p.get("grant_type").map(String::as_str) {
                Some("authorization_code") => {
                    let Some(challenge) = w.codes.remove(p.get("code").map(String::as_str).unwrap_or_default()) else {
                        return bad("invalid_grant");
                    };
                    let verifier = p.get("code_verifier").cloned().unwrap_or_default();
                    let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
                    if computed != challenge {
                        return bad("invalid_grant");
                    }
                    w.tokens.push(access_token.clone());
                    let content = json!({"access_token": access_token, "token_type": "Bearer", "expires_in": 3600,
                        "refresh_token": refresh_token, "id_token": id_token(r#"{"sub":"alice"}"#)});
                    MockReply::json(200, &json!({"action": "OK", "responseContent": content.to_string(), "subject": "alice"}))
                }
                Some("refresh_token") => {
                    w.tokens.push(access_token.clone());
                    let content = json!({"access_token": access_token, "token_type": "Bearer", "expires_in": 3600, "refresh_token": refresh_token});
                    MockReply::json(200, &json!({"action": "ID_TOKEN_REISSUABLE", "responseContent": content.to_string(),
                        "subject": "alice", "accessToken": access_token, "refreshToken": refresh_token}))
                }
                _ => bad("unsupported_grant_type"),
            }
        });
        mock.on_request::<idtoken_reissue::Builder>(|call| {
            let claims = call.body["claims"].as_str().unwrap_or("{}");
            let content = json!({"access_token": body_str(call, "accessToken"), "token_type": "Bearer", "expires_in": 3600,
                "refresh_token": body_str(call, "refreshToken"), "id_token": id_token(claims)});
            MockReply::json(200, &json!({"action": "OK", "responseContent": content.to_string()}))
        });
        let w = world.clone();
        mock.on_request::<auth_userinfo::Builder>(move |call| {
            if !w.lock().unwrap().tokens.contains(&body_str(call, "token")) {
                return MockReply::json(
                    200,
                    &json!({"action": "UNAUTHORIZED", "responseContent": "Bearer error=\"invalid_token\""}),
                );
            }
            MockReply::json(200, &json!({"action": "OK", "subject": "alice", "claims": ["name", "email"]}))
        });
        mock.on_request::<auth_userinfo_issue::Builder>(|call| {
            let mut claims: serde_json::Value =
                serde_json::from_str(call.body["claims"].as_str().unwrap_or("{}")).unwrap_or_default();
            claims["sub"] = json!("alice");
            MockReply::json(200, &json!({"action": "JSON", "responseContent": claims.to_string()}))
        });
        let w = world.clone();
        mock.on_request::<auth_introspection_standard::Builder>(move |call| {
            let token = params(&body_str(call, "parameters")).get("token").cloned().unwrap_or_default();
            let active = w.lock().unwrap().tokens.contains(&token);
            let content = if active {
                json!({"active": true, "sub": "alice", "client_id": super::CLIENT_ID})
            } else {
                json!({"active": false})
            };
            MockReply::json(200, &json!({"action": "OK", "responseContent": content.to_string()}))
        });
        let w = world;
        mock.on_request::<auth_revocation::Builder>(move |call| {
            let token = params(&body_str(call, "parameters")).get("token").cloned().unwrap_or_default();
            w.lock().unwrap().tokens.retain(|t| *t != token);
            MockReply::json(200, &json!({"action": "OK"}))
        });
        Ok(mock)
    }
}
