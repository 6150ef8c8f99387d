//! An OpenID Provider in one file: axum routes for every endpoint helper,
//! driving itself through authorization code + PKCE → token → userinfo →
//! refresh with ID token reissue → introspection → revocation, then the
//! device flow and a CIBA poll flow, and printing each HTTP exchange.
//!
//! ```sh
//! cargo run -p authlete-server --example authorization_server --features axum            # the walk-through, then exit
//! cargo run -p authlete-server --example authorization_server --features axum -- --serve # keep serving on 127.0.0.1:8080
//! ```
//!
//! Without `AUTHLETE_*` variables it talks to `authlete_mock`'s fake of
//! Authlete, whose service has this provider's issuer and endpoints and
//! signs ID tokens with ES256 (they verify against `/jwks`); with them, to
//! that service (the walk-through then needs a client registered with the
//! redirect URI below, and the service's issuer set to the provider's).

use std::sync::Arc;

use authlete::Authlete;
use authlete_server::endpoints::{
    Approval, AuthorizationEndpoint, AuthorizationStep, BackchannelAuthenticationEndpoint, BackchannelCompletion,
    BackchannelStep, Decision, DeviceAuthorizationEndpoint, DeviceVerification, DiscoveryEndpoint, Outcome,
    ResourceRequest, RevocationEndpoint, Session, StandardIntrospectionEndpoint, UserCode, UserinfoEndpoint,
};
use authlete_server::{ClaimsDecision, ClientRequest, GrantContext, TokenEndpoint};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

/// The walk-through's client (its alias on the fake) and secret.
pub const CLIENT_ID: &str = "demo-client";
/// The walk-through client's secret.
pub const CLIENT_SECRET: &str = "demo-secret";
/// The PKCE code verifier of the walk-through.
pub const CODE_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
/// Where the walk-through's client receives the code (nothing listens:
/// the walk-through reads the redirect's `Location`).
pub const REDIRECT_URI: &str = "http://127.0.0.1:9999/cb";

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
    device_authorization: DeviceAuthorizationEndpoint,
    device_verification: DeviceVerification,
    backchannel: BackchannelAuthenticationEndpoint,
    /// CIBA tickets waiting for their user's decision, by subject: what a
    /// real server sends to the user's authentication device.
    ciba_waiting: std::sync::Mutex<Vec<(String, String)>>,
}

/// Your user store: the claims of a user.
fn user_claims(subject: &str) -> serde_json::Map<String, serde_json::Value> {
    let mut claims = serde_json::Map::new();
    claims.insert("name".into(), format!("User {subject}").into());
    claims.insert("email".into(), format!("{subject}@example.com").into());
    claims
}

/// The claims of a grant's user, for reissued ID tokens and userinfo.
async fn claims_of(grant: GrantContext) -> ClaimsDecision {
    match grant.subject() {
        Some(subject) => ClaimsDecision::claims(user_claims(subject)),
        None => ClaimsDecision::Skip,
    }
}

impl Provider {
    /// The endpoints of the provider at `issuer`, on `client`.
    pub fn new(client: Authlete, issuer: String) -> Self {
        Self {
            issuer,
            authorization: AuthorizationEndpoint::new(client.clone()),
            token: TokenEndpoint::new(client.clone()).claims_provider(claims_of),
            userinfo: UserinfoEndpoint::new(client.clone()).claims_provider(claims_of),
            introspection: StandardIntrospectionEndpoint::new(client.clone()),
            revocation: RevocationEndpoint::new(client.clone()),
            device_authorization: DeviceAuthorizationEndpoint::new(client.clone()),
            device_verification: DeviceVerification::new(client.clone()),
            backchannel: BackchannelAuthenticationEndpoint::new(client.clone()),
            discovery: DiscoveryEndpoint::new(client),
            ciba_waiting: Default::default(),
        }
    }
}

/// The provider as the routes share it.
pub type Shared = Arc<Provider>;

async fn authorize(State(p): State<Shared>, RawQuery(query): RawQuery) -> Response {
    match p.authorization.handle(query.unwrap_or_default()).await {
        Ok(AuthorizationStep::Done(r)) => r.into_response(),
        Ok(AuthorizationStep::Interaction(i)) => {
            let ticket = i.ticket().unwrap_or_default().to_string();
            let decision = if i.no_interaction {
                // prompt=none: the demo keeps no sessions, so nobody is logged in.
                i.decide_silently(&Session::default(), now())
            } else {
                // A real server shows a login and consent page here and keeps
                // the ticket in the session; the demo user approves at once.
                println!("   (consent page: scopes {:?}; alice approves)", i.scopes());
                Decision::Approve(Approval::new("alice").with_claims(user_claims("alice")).with_auth_time(now()))
            };
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

async fn device_authorization(State(p): State<Shared>, headers: HeaderMap, body: String) -> Response {
    p.device_authorization.handle(ClientRequest::from_http(&headers, body, None)).await.into_response()
}

/// The verification URI, where the user types the user code. A real server
/// asks the user to log in, shows what the device asks for, and takes the
/// decision on a POST protected against CSRF; the demo user approves at
/// once on the GET.
async fn device_verify(State(p): State<Shared>, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    let user_code = url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "user_code")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    match p.device_verification.check(&user_code).await {
        Ok(UserCode::Valid(request)) => {
            println!("   (device consent page: {:?} asks; alice approves)", request.client_name);
            let approval = Approval::new("alice").with_claims(user_claims("alice")).with_auth_time(now());
            match p.device_verification.complete(&user_code, Outcome::Approved(approval)).await {
                Ok(done) if done.is_done() => "Approved: you may return to your device.".into_response(),
                _ => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong.").into_response(),
            }
        }
        Ok(_) => (axum::http::StatusCode::BAD_REQUEST, "Unknown or expired code.").into_response(),
        Err(e) => e.into_response(),
    }
}

/// The backchannel authentication endpoint: the demo knows one user.
async fn backchannel(State(p): State<Shared>, headers: HeaderMap, body: String) -> Response {
    match p.backchannel.handle(ClientRequest::from_http(&headers, body, None)).await {
        Ok(BackchannelStep::Done(r)) => r.into_response(),
        Ok(BackchannelStep::IdentifyUser(request)) => {
            let ticket = request.ticket().unwrap_or_default().to_string();
            if request.hint() != Some("alice") {
                return p.backchannel.fail(&ticket, "UNKNOWN_USER_ID").await.into_response();
            }
            let issued = p.backchannel.issue(&ticket).await;
            if matches!(&issued, Ok(r) if r.status().is_success()) {
                p.ciba_waiting.lock().unwrap_or_else(|e| e.into_inner()).push(("alice".into(), ticket));
            }
            issued.into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// Stands for alice's authentication device, for the walk-through only: she
/// approves what waits for her (a real server asks her app and
/// authenticates her there; nothing like this route is exposed).
async fn ciba_approve(State(p): State<Shared>) -> Response {
    let waiting: Vec<_> = std::mem::take(&mut *p.ciba_waiting.lock().unwrap_or_else(|e| e.into_inner()));
    for (subject, ticket) in waiting {
        let approval = Approval::new(subject.clone()).with_claims(user_claims(&subject)).with_auth_time(now());
        match p.backchannel.complete(&ticket, Outcome::Approved(approval)).await {
            // Poll mode: the client fetches the tokens from the token endpoint.
            Ok(BackchannelCompletion::Polled) => {}
            // Ping and push modes would send the notification here.
            Ok(_) => return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            Err(e) => return e.into_response(),
        }
    }
    axum::http::StatusCode::NO_CONTENT.into_response()
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default()
}

/// The provider's routes.
pub fn router(provider: Shared) -> axum::Router {
    axum::Router::new()
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .route("/userinfo", get(userinfo).post(userinfo))
        .route("/introspect", post(introspect))
        .route("/revoke", post(revoke))
        .route("/.well-known/openid-configuration", get(configuration))
        .route("/jwks", get(jwks))
        .route("/device_authorization", post(device_authorization))
        .route("/device", get(device_verify))
        .route("/bc-authorize", post(backchannel))
        .route("/demo/alice-approves", post(ciba_approve))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(provider)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let serve = std::env::args().any(|a| a == "--serve");
    let addr = if serve { "127.0.0.1:8080" } else { "127.0.0.1:0" };
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let issuer = format!("http://{}", listener.local_addr()?);
    // Kept alive while the provider runs.
    let mut _fake = None;
    let client = match std::env::var_os(authlete::ENV_BASE_URL) {
        Some(_) => Authlete::from_env()?,
        None => {
            let fake = start_fake(&issuer).await?;
            println!("No AUTHLETE_* variables: Authlete is played by authlete-mock's fake at {}\n", fake.base_url());
            let c = fake.client();
            _fake = Some(fake);
            c
        }
    };
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
    let refreshed: serde_json::Value =
        show(http.post(format!("{issuer}/token")).header("authorization", &basic).body(body).send().await?).await;
    // The refresh rotated both tokens: the earlier access token is over.
    let access_token = refreshed["access_token"].as_str().unwrap_or_default().to_string();

    println!("6. introspection (RFC 7662)");
    show(http.post(format!("{issuer}/introspect")).body(form(&[("token", &access_token)])).send().await?).await;

    println!("7. revocation");
    let body = form(&[("token", &access_token), ("token_type_hint", "access_token")]);
    show(http.post(format!("{issuer}/revoke")).header("authorization", &basic).body(body).send().await?).await;

    println!("8. introspection after revocation");
    show(http.post(format!("{issuer}/introspect")).body(form(&[("token", &access_token)])).send().await?).await;

    println!("9. device authorization (RFC 8628)");
    let body = form(&[("scope", "openid profile")]);
    let codes: serde_json::Value = show(
        http.post(format!("{issuer}/device_authorization")).header("authorization", &basic).body(body).send().await?,
    )
    .await;
    let device_code = codes["device_code"].as_str().ok_or("no device_code")?.to_string();
    let device_grant =
        [("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("device_code", device_code.as_str())];
    println!("10. the device polls before the user has decided");
    let body = form(&device_grant);
    show(http.post(format!("{issuer}/token")).header("authorization", &basic).body(body).send().await?).await;
    println!("11. the user opens the verification URI with the user code");
    let page = codes["verification_uri_complete"].as_str().ok_or("no verification_uri_complete")?;
    show(http.get(page).send().await?).await;
    println!("12. the device polls again");
    let body = form(&device_grant);
    let tokens: serde_json::Value =
        show(http.post(format!("{issuer}/token")).header("authorization", &basic).body(body).send().await?).await;
    tokens["id_token"].as_str().ok_or("the device flow gave no ID token")?;

    println!("13. CIBA backchannel authentication request (poll mode)");
    let body = form(&[("scope", "openid"), ("login_hint", "alice"), ("binding_message", "W4SCT")]);
    let started: serde_json::Value =
        show(http.post(format!("{issuer}/bc-authorize")).header("authorization", &basic).body(body).send().await?)
            .await;
    let auth_req_id = started["auth_req_id"].as_str().ok_or("no auth_req_id")?.to_string();
    let ciba_grant = [("grant_type", "urn:openid:params:grant-type:ciba"), ("auth_req_id", auth_req_id.as_str())];
    println!("14. the client polls before the user has decided");
    let body = form(&ciba_grant);
    show(http.post(format!("{issuer}/token")).header("authorization", &basic).body(body).send().await?).await;
    println!("15. alice approves on her authentication device");
    show(http.post(format!("{issuer}/demo/alice-approves")).send().await?).await;
    println!("16. the client polls again");
    let body = form(&ciba_grant);
    let tokens: serde_json::Value =
        show(http.post(format!("{issuer}/token")).header("authorization", &basic).body(body).send().await?).await;
    tokens["id_token"].as_str().ok_or("CIBA gave no ID token")?;
    println!("The device flow and CIBA gave tokens.");
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

/// Authlete, played by `authlete_mock`'s fake: a service whose issuer and
/// endpoints are this provider's, signing ID tokens with its own ES256
/// key, and the walk-through's client registered with it.
pub async fn start_fake(issuer: &str) -> std::io::Result<authlete_mock::FakeAuthlete> {
    use authlete::types::GrantType;
    let fake = authlete_mock::FakeAuthlete::start(issuer).await?;
    fake.add_client(
        authlete::types::Client::builder()
            .client_id_alias(CLIENT_ID)
            .client_name("Walk-through client")
            .client_secret(CLIENT_SECRET)
            .redirect_uris(vec![REDIRECT_URI.to_string()])
            .grant_types(vec![
                GrantType::AuthorizationCode,
                GrantType::RefreshToken,
                GrantType::DeviceCode,
                GrantType::Ciba,
            ]),
    );
    Ok(fake)
}
