//! The fake's behaviour, through the `authlete` client as a provider calls
//! it, and every answer it gave checked against the spec's schemas.

#[path = "support/schema.rs"]
mod schema;

use std::time::Duration;

use authlete::operation::{auth_token, client_delete, service_get};
use authlete::types::Client;
use authlete_mock::{FakeAuthlete, MockReply};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};
use sha2::Digest;

const ISSUER: &str = "https://op.example";
const REDIRECT: &str = "https://app.example/cb";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

async fn fake_with_client() -> (FakeAuthlete, Client) {
    let fake = FakeAuthlete::start(ISSUER).await.unwrap();
    let client = fake.add_client(
        Client::builder().client_id_alias("app").client_secret("app-secret").redirect_uris(vec![REDIRECT.to_string()]),
    );
    (fake, client)
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
}

/// The action and the parsed `responseContent` of an answer.
fn content(answer: &Value) -> (String, Value) {
    let action = answer["action"].as_str().unwrap_or_default().to_string();
    let content = answer["responseContent"].as_str().and_then(|c| serde_json::from_str(c).ok()).unwrap_or(Value::Null);
    (action, content)
}

/// Runs an authorization request to its code, for `alice`.
async fn code_for(fake: &FakeAuthlete, query: &[(&str, &str)]) -> String {
    let request = fake.client().auth_authorization().body_map(|b| b.parameters(form(query))).send().await.unwrap();
    assert_eq!(request.action.as_ref().map(|a| a.as_str()), Some("INTERACTION"), "{request:?}");
    let issued = fake
        .client()
        .auth_authorization_issue()
        .body_map(|b| b.ticket(request.ticket.clone().unwrap()).subject("alice"))
        .send()
        .await
        .unwrap();
    let location = url::Url::parse(issued.response_content.as_deref().unwrap()).unwrap();
    location.query_pairs().find(|(k, _)| k == "code").map(|(_, v)| v.into_owned()).unwrap()
}

/// `/auth/token` with basic authentication as the endpoint passes it.
async fn token(fake: &FakeAuthlete, id: &str, secret: &str, parameters: &[(&str, &str)]) -> Value {
    let parameters = form(parameters);
    let (id, secret) = (id.to_string(), secret.to_string());
    fake.client()
        .auth_token()
        .body_map(|b| b.parameters(parameters).client_id(id).client_secret(secret))
        .send()
        .await
        .unwrap();
    fake.calls().last().unwrap().response.clone()
}

fn verify(fake: &FakeAuthlete, id_token: &str, audience: &str) -> Value {
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(fake.jwks()["keys"][0].clone()).unwrap();
    let key = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[ISSUER]);
    jsonwebtoken::decode::<Value>(id_token, &key, &validation).expect("the ID token verifies").claims
}

#[tokio::test]
async fn the_code_flow_gives_tokens_and_an_id_token_signed_by_the_published_key() {
    let (fake, _) = fake_with_client().await;
    let query = [
        ("response_type", "code"),
        ("client_id", "app"),
        ("redirect_uri", REDIRECT),
        ("scope", "openid email unknown"),
        ("state", "s1"),
        ("nonce", "n1"),
        ("code_challenge", &challenge(VERIFIER)),
        ("code_challenge_method", "S256"),
    ];
    let code = code_for(&fake, &query).await;
    let redeem = [
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
    ];
    let answer = token(&fake, "app", "app-secret", &redeem).await;
    let (action, body) = content(&answer);
    assert_eq!(action, "OK", "{answer}");
    assert_eq!(body["scope"], "openid email", "the unsupported scope is dropped");
    let claims = verify(&fake, body["id_token"].as_str().unwrap(), "app");
    assert_eq!((claims["sub"].as_str(), claims["nonce"].as_str()), (Some("alice"), Some("n1")));
    let at = body["access_token"].as_str().unwrap();
    assert_eq!(claims["at_hash"].as_str().unwrap(), URL_SAFE_NO_PAD.encode(&sha2::Sha256::digest(at.as_bytes())[..16]));

    // The code is spent.
    let again = token(&fake, "app", "app-secret", &redeem).await;
    assert_eq!(content(&again).1["error"], "invalid_grant");

    // A pairwise `sub` goes into the ID token only; the subject stays.
    let query = [("response_type", "code"), ("client_id", "app"), ("redirect_uri", REDIRECT), ("scope", "openid")];
    let request = fake.client().auth_authorization().body_map(|b| b.parameters(form(&query))).send().await.unwrap();
    let claims = json!({"name": "Alice", "nonce": "forged", "iss": "https://evil.example"}).to_string();
    let extra = json!({"sub": "pairwise-1", "claims": claims}).as_object().unwrap().clone();
    let issued = fake
        .client()
        .auth_authorization_issue()
        .body_map(|b| b.ticket(request.ticket.clone().unwrap()).subject("alice").extra(extra))
        .send()
        .await
        .unwrap();
    let location = url::Url::parse(issued.response_content.as_deref().unwrap()).unwrap();
    let code = location.query_pairs().find(|(k, _)| k == "code").map(|(_, v)| v.into_owned()).unwrap();
    let redeem = [("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", REDIRECT)];
    let answer = token(&fake, "app", "app-secret", &redeem).await;
    let claims = verify(&fake, content(&answer).1["id_token"].as_str().unwrap(), "app");
    assert_eq!((claims["sub"].as_str(), claims["name"].as_str()), (Some("pairwise-1"), Some("Alice")));
    assert_eq!(
        (claims["iss"].as_str(), claims.get("nonce")),
        (Some(ISSUER), None),
        "reserved claims are the service's"
    );
    assert_eq!(answer["subject"], "alice");
}

#[tokio::test]
async fn a_wrong_verifier_secret_or_redirect_uri_gets_no_token() {
    let (fake, _) = fake_with_client().await;
    // Without openid, the registered redirect URI may be left out.
    let query = [
        ("response_type", "code"),
        ("client_id", "app"),
        ("scope", "email"),
        ("code_challenge", VERIFIER),
        ("code_challenge_method", "plain"),
    ];
    let code = code_for(&fake, &query).await;
    let almost = VERIFIER.replace('k', "K");
    let wrong = token(
        &fake,
        "app",
        "app-secret",
        &[("grant_type", "authorization_code"), ("code", &code), ("code_verifier", &almost)],
    )
    .await;
    assert_eq!(content(&wrong).1["error"], "invalid_grant");

    let code = code_for(&fake, &query).await;
    let bad_secret = token(
        &fake,
        "app",
        "nope",
        &[("grant_type", "authorization_code"), ("code", &code), ("code_verifier", VERIFIER)],
    )
    .await;
    assert_eq!(content(&bad_secret).0, "INVALID_CLIENT");
    // client_secret_post for a client registered with client_secret_basic.
    let post = form(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("client_id", "app"),
        ("client_secret", "app-secret"),
    ]);
    fake.client().auth_token().body_map(|b| b.parameters(post)).send().await.unwrap();
    assert_eq!(fake.calls().last().unwrap().response["action"], "INVALID_CLIENT");

    let with_uri = [("response_type", "code"), ("client_id", "app"), ("redirect_uri", REDIRECT), ("scope", "openid")];
    let code = code_for(&fake, &with_uri).await;
    let other_uri = token(
        &fake,
        "app",
        "app-secret",
        &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", "https://evil.example/cb")],
    )
    .await;
    assert_eq!(content(&other_uri).1["error"], "invalid_grant");

    for (query, what) in [
        (
            vec![("response_type", "code"), ("client_id", "app"), ("scope", "openid")],
            "OpenID Connect needs redirect_uri",
        ),
        (
            vec![
                ("response_type", "code"),
                ("client_id", "app"),
                ("redirect_uri", REDIRECT),
                ("code_challenge", "abc"),
            ],
            "a short challenge",
        ),
    ] {
        let answer = fake.client().auth_authorization().body_map(|b| b.parameters(form(&query))).send().await.unwrap();
        assert_ne!(answer.action.as_ref().map(|a| a.as_str()), Some("INTERACTION"), "{what}");
    }
    let unregistered =
        form(&[("response_type", "code"), ("client_id", "app"), ("redirect_uri", "https://evil.example/cb")]);
    let answer = fake.client().auth_authorization().body_map(|b| b.parameters(unregistered)).send().await.unwrap();
    assert_eq!(
        answer.action.as_ref().map(|a| a.as_str()),
        Some("BAD_REQUEST"),
        "never redirected to an unregistered URI"
    );
}

#[tokio::test]
async fn refresh_rotates_and_offers_a_reissue_when_the_service_allows_it() {
    let (fake, client) = fake_with_client().await;
    let tokens = fake.issue_tokens(client.client_id.unwrap(), "alice", &["openid", "profile"]);
    let old = tokens.refresh_token().unwrap();
    let answer = token(&fake, "app", "app-secret", &[("grant_type", "refresh_token"), ("refresh_token", old)]).await;
    assert_eq!(answer["action"], "ID_TOKEN_REISSUABLE");
    let (access, refresh) = (answer["accessToken"].as_str().unwrap(), answer["refreshToken"].as_str().unwrap());
    assert_ne!(refresh, old);
    let reissued = fake
        .client()
        .idtoken_reissue()
        .body_map(|b| {
            b.access_token(access)
                .refresh_token(refresh)
                .extra(json!({"claims": "{\"name\":\"Alice\"}"}).as_object().unwrap().clone())
        })
        .send()
        .await
        .unwrap();
    let claims = verify(&fake, reissued.id_token.as_deref().unwrap(), "app");
    assert_eq!((claims["sub"].as_str(), claims["name"].as_str()), (Some("alice"), Some("Alice")));
    assert!(claims.get("nonce").is_none());

    let replay = token(&fake, "app", "app-secret", &[("grant_type", "refresh_token"), ("refresh_token", old)]).await;
    assert_eq!(content(&replay).1["error"], "invalid_grant", "the old refresh token is spent");

    fake.update_service(|s| s.id_token_reissuable = Some(false));
    let narrowed = [("grant_type", "refresh_token"), ("refresh_token", refresh), ("scope", "openid")];
    let plain = token(&fake, "app", "app-secret", &narrowed).await;
    assert_eq!((plain["action"].as_str(), content(&plain).1["scope"].as_str()), (Some("OK"), Some("openid")));
    // The access token narrowed; the refresh token did not (RFC 6749 §6).
    let refresh = plain["refreshToken"].as_str().unwrap();
    let wide = [("grant_type", "refresh_token"), ("refresh_token", refresh), ("scope", "openid profile")];
    assert_eq!(content(&token(&fake, "app", "app-secret", &wide).await).1["scope"], "openid profile");
}

#[tokio::test]
async fn introspection_checks_activity_scopes_subject_and_expiry() {
    let (fake, client) = fake_with_client().await;
    let tokens = fake.issue_tokens(client.client_id.unwrap(), "alice", &["openid", "email"]);
    let at = tokens.access_token().to_string();
    let check = |scopes: Vec<String>, subject: Option<&'static str>| {
        let (client, at) = (fake.client(), at.clone());
        async move {
            let mut b = client.auth_introspection().body_map(move |b| b.token(at).scopes(scopes));
            if let Some(s) = subject {
                b = b.body_map(move |b| b.subject(s));
            }
            b.send().await.unwrap().action.as_ref().map(|a| a.as_str().to_string()).unwrap()
        }
    };
    assert_eq!(check(vec!["email".into()], Some("alice")).await, "OK");
    assert_eq!(check(vec!["phone".into()], None).await, "FORBIDDEN");
    assert_eq!(check(vec![], Some("bob")).await, "FORBIDDEN");
    fake.advance_clock(Duration::from_secs(3601));
    assert_eq!(check(vec![], None).await, "UNAUTHORIZED");

    let standard = fake
        .client()
        .auth_introspection_standard()
        .body_map(|b| b.parameters(form(&[("token", &at)])))
        .send()
        .await
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(standard.response_content.as_deref().unwrap()).unwrap(),
        json!({"active": false})
    );
}

#[tokio::test]
async fn revocation_ends_both_tokens_of_a_pair_for_their_client_only() {
    let (fake, client) = fake_with_client().await;
    let other = fake.add_client(Client::builder().client_secret("other-secret"));
    let tokens = fake.issue_tokens(client.client_id.unwrap(), "alice", &["openid"]);
    let revoke = |id: String, secret: &'static str| {
        let c = fake.client();
        let parameters = form(&[("token", tokens.access_token())]);
        async move {
            c.auth_revocation()
                .body_map(|b| b.parameters(parameters).client_id(id).client_secret(secret))
                .send()
                .await
                .unwrap();
        }
    };
    revoke(other.client_id.unwrap().to_string(), "other-secret").await;
    assert_eq!(fake.calls().last().unwrap().response["action"], "BAD_REQUEST");
    let still = fake.client().auth_introspection().body_map(|b| b.token(tokens.access_token())).send().await.unwrap();
    assert_eq!(still.action.as_ref().map(|a| a.as_str()), Some("OK"), "another client's revocation changed nothing");
    revoke("app".into(), "app-secret").await;
    assert_eq!(fake.calls().last().unwrap().response["action"], "OK");
    let info = fake.client().auth_userinfo().body_map(|b| b.token(tokens.access_token())).send().await.unwrap();
    assert_eq!(info.action.as_ref().map(|a| a.as_str()), Some("UNAUTHORIZED"));
    let refresh = token(
        &fake,
        "app",
        "app-secret",
        &[("grant_type", "refresh_token"), ("refresh_token", tokens.refresh_token().unwrap())],
    )
    .await;
    assert_eq!(content(&refresh).1["error"], "invalid_grant");
}

#[tokio::test]
async fn userinfo_gives_the_claims_the_scopes_stand_for() {
    let (fake, client) = fake_with_client().await;
    let tokens = fake.issue_tokens(client.client_id.unwrap(), "alice", &["openid", "email"]);
    let info = fake.client().auth_userinfo().body_map(|b| b.token(tokens.access_token())).send().await.unwrap();
    assert_eq!(info.claims, vec!["email".to_string(), "email_verified".to_string()]);
    let claims = json!({"email": "alice@example.com", "name": "Alice"}).to_string();
    let issued = fake
        .client()
        .auth_userinfo_issue()
        .body_map(|b| b.token(tokens.access_token()).extra(json!({"claims": claims}).as_object().unwrap().clone()))
        .send()
        .await
        .unwrap();
    let body: Value = serde_json::from_str(issued.response_content.as_deref().unwrap()).unwrap();
    assert_eq!(body, json!({"sub": "alice", "email": "alice@example.com"}), "name was not requested");
}

#[tokio::test]
async fn client_credentials_and_client_management() {
    let fake = FakeAuthlete::start(ISSUER).await.unwrap();
    let created = fake
        .client()
        .client_create()
        .body_map(|b| b.client_name("batch").grant_types(vec![authlete::types::GrantType::ClientCredentials]))
        .send()
        .await
        .unwrap();
    let (id, secret) = (created.client_id.unwrap(), created.client_secret.clone().unwrap());
    assert!(secret.len() >= 43, "a secret is made");
    let answer =
        token(&fake, &id.to_string(), &secret, &[("grant_type", "client_credentials"), ("scope", "email")]).await;
    assert_eq!((answer["action"].as_str(), answer.get("subject")), (Some("OK"), None));
    assert!(answer.get("refreshToken").is_none());

    for n in 0..6 {
        fake.add_client(Client::builder().client_name(format!("c{n}")));
    }
    let page = fake.client().client_get_list().start(2).end(5).send().await.unwrap();
    assert_eq!((page.total_count, page.clients.len()), (Some(7), 3));
    let mut changed = fake.client().client_get().client_id(id.to_string()).send().await.unwrap().into_inner();
    changed.client_name = Some("renamed".into());
    changed.client_secret = None;
    let updated = fake.client().client_update().client_id(id.to_string()).body(changed).send().await.unwrap();
    assert_eq!(
        (updated.client_name.as_deref(), updated.client_secret.as_deref()),
        (Some("renamed"), Some(secret.as_str()))
    );
    fake.client().client_delete().client_id(id.to_string()).send().await.unwrap();
    assert!(fake.client().client_get().client_id(id.to_string()).send().await.is_err());
    assert_eq!(fake.calls_to::<client_delete::Builder>()[0].status, 204);
}

#[tokio::test]
async fn what_it_does_not_emulate_says_so_and_a_script_wins() {
    let fake = FakeAuthlete::start(ISSUER).await.unwrap();
    let e = fake.client().auth_token_issue().body_map(|b| b.ticket("t").subject("s")).send().await.unwrap_err();
    assert!(e.to_string().contains("auth_token_issue"), "{e}");
    assert_eq!(fake.calls().last().unwrap().response["resultCode"], "MOCK_NOT_EMULATED");

    fake.on::<auth_token::Builder>(auth_token::Success::builder().action(auth_token::Action::from("BAD_REQUEST")));
    let scripted =
        fake.client().auth_token().body_map(|b| b.parameters("grant_type=client_credentials")).send().await.unwrap();
    assert_eq!(scripted.action.as_ref().map(|a| a.as_str()), Some("BAD_REQUEST"));
    fake.on_request::<service_get::Builder>(|_| MockReply::error(500, "X", "down"));
    assert!(fake.client().service_get().send().await.is_err());
}

/// A client for the device flow and CIBA.
fn polling_client(fake: &FakeAuthlete) -> Client {
    use authlete::types::GrantType;
    fake.add_client(
        Client::builder()
            .client_id_alias("tv")
            .client_secret("tv-secret")
            .grant_types(vec![GrantType::DeviceCode, GrantType::Ciba]),
    )
}

async fn decide(fake: &FakeAuthlete, operation: &str, key: &str, result: &str) -> Value {
    let (key, result) = (key.to_string(), result.to_string());
    let client = fake.client();
    let sent = match operation {
        "device" => client
            .device_complete()
            .body_map(|b| b.user_code(key).result(result.as_str()).subject("alice"))
            .send()
            .await
            .map(|_| ()),
        _ => client
            .backchannel_authentication_complete()
            .body_map(|b| b.ticket(key).result(result.as_str()).subject("alice"))
            .send()
            .await
            .map(|_| ()),
    };
    assert!(!matches!(sent, Err(authlete::Error::InvalidRequest { .. })), "{sent:?}");
    fake.calls().last().unwrap().response.clone()
}

#[tokio::test]
async fn the_device_flow_pends_until_the_user_decides_and_spends_its_code() {
    let fake = FakeAuthlete::start(ISSUER).await.unwrap();
    polling_client(&fake);
    let started = fake
        .client()
        .device_authorization()
        .body_map(|b| b.parameters("scope=openid%20profile").client_id("tv").client_secret("tv-secret"))
        .send()
        .await
        .unwrap();
    let (device_code, user_code) = (started.device_code.clone().unwrap(), started.user_code.clone().unwrap());
    let grant = [("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("device_code", device_code.as_str())];
    assert_eq!(content(&token(&fake, "tv", "tv-secret", &grant).await).1["error"], "authorization_pending");
    let check = fake.client().device_verification().body_map(|b| b.user_code(user_code.clone())).send().await.unwrap();
    assert_eq!(check.action.as_ref().map(|a| a.as_str()), Some("VALID"));
    let typed = user_code.to_lowercase().replace('-', " ");
    assert_eq!(
        decide(&fake, "device", &typed, "AUTHORIZED").await["action"],
        "SUCCESS",
        "case and separators do not matter"
    );
    assert_eq!(
        decide(&fake, "device", &user_code, "ACCESS_DENIED").await["action"],
        "USER_CODE_NOT_EXIST",
        "decided once"
    );
    assert_eq!(token(&fake, "app", "x", &grant).await["action"], "INVALID_CLIENT");
    fake.add_client(
        Client::builder()
            .client_id_alias("tv2")
            .client_secret("tv2-secret")
            .grant_types(vec![authlete::types::GrantType::DeviceCode]),
    );
    let stolen = token(&fake, "tv2", "tv2-secret", &grant).await;
    assert_eq!(content(&stolen).1["error"], "invalid_grant", "another client's device code");
    let tokens = token(&fake, "tv", "tv-secret", &grant).await;
    let id_token = content(&tokens).1["id_token"].as_str().map(str::to_string).unwrap();
    assert_eq!(verify(&fake, &id_token, "tv")["sub"], "alice");
    assert_eq!(content(&token(&fake, "tv", "tv-secret", &grant).await).1["error"], "invalid_grant", "spent");

    let started = fake
        .client()
        .device_authorization()
        .body_map(|b| b.parameters("scope=openid").client_id("tv").client_secret("tv-secret"))
        .send()
        .await
        .unwrap();
    let (device_code, user_code) = (started.device_code.clone().unwrap(), started.user_code.clone().unwrap());
    decide(&fake, "device", &user_code, "ACCESS_DENIED").await;
    let grant = [("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("device_code", device_code.as_str())];
    assert_eq!(content(&token(&fake, "tv", "tv-secret", &grant).await).1["error"], "access_denied");
    let started = fake
        .client()
        .device_authorization()
        .body_map(|b| b.parameters("scope=openid").client_id("tv").client_secret("tv-secret"))
        .send()
        .await
        .unwrap();
    fake.advance_clock(Duration::from_secs(601));
    let check = fake
        .client()
        .device_verification()
        .body_map(|b| b.user_code(started.user_code.clone().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(check.action.as_ref().map(|a| a.as_str()), Some("EXPIRED"));
}

#[tokio::test]
async fn ciba_in_poll_mode_identifies_issues_and_pends_until_complete() {
    let fake = FakeAuthlete::start(ISSUER).await.unwrap();
    polling_client(&fake);
    let start = |parameters: &'static str| {
        let c = fake.client();
        async move {
            c.backchannel_authentication()
                .body_map(|b| b.parameters(parameters).client_id("tv").client_secret("tv-secret"))
                .send()
                .await
                .unwrap()
        }
    };
    let no_hint = start("scope=openid").await;
    assert_eq!(no_hint.action.as_ref().map(|a| a.as_str()), Some("BAD_REQUEST"));
    let request = start("scope=openid&login_hint=alice&binding_message=W4SCT").await;
    assert_eq!((request.hint.as_deref(), request.binding_message.as_deref()), (Some("alice"), Some("W4SCT")));
    let ticket = request.ticket.clone().unwrap();
    let issued =
        fake.client().backchannel_authentication_issue().body_map(|b| b.ticket(ticket.clone())).send().await.unwrap();
    let auth_req_id = issued.auth_req_id.clone().unwrap();
    let grant = [("grant_type", "urn:openid:params:grant-type:ciba"), ("auth_req_id", auth_req_id.as_str())];
    assert_eq!(content(&token(&fake, "tv", "tv-secret", &grant).await).1["error"], "authorization_pending");
    assert_eq!(decide(&fake, "ciba", &ticket, "AUTHORIZED").await["action"], "NO_ACTION");
    assert_eq!(decide(&fake, "ciba", &ticket, "ACCESS_DENIED").await["action"], "SERVER_ERROR", "decided once");
    fake.add_client(
        Client::builder()
            .client_id_alias("tv2")
            .client_secret("tv2-secret")
            .grant_types(vec![authlete::types::GrantType::Ciba]),
    );
    assert_eq!(
        content(&token(&fake, "tv2", "tv2-secret", &grant).await).1["error"],
        "invalid_grant",
        "another client's"
    );
    let tokens = token(&fake, "tv", "tv-secret", &grant).await;
    assert_eq!(tokens["action"], "OK");
    assert_eq!(tokens["subject"], "alice");

    // An ID token of the service names its user; anything else is refused.
    let id_token = content(&tokens).1["id_token"].as_str().unwrap().to_string();
    let hinted = form(&[("scope", "openid"), ("id_token_hint", &id_token)]);
    let request = fake
        .client()
        .backchannel_authentication()
        .body_map(|b| b.parameters(hinted).client_id("tv").client_secret("tv-secret"))
        .send()
        .await
        .unwrap();
    assert_eq!((request.hint_type.as_deref(), request.sub.as_deref()), (Some("ID_TOKEN_HINT"), Some("alice")));
    let forged = form(&[("scope", "openid"), ("id_token_hint", &format!("{id_token}x"))]);
    let request = fake
        .client()
        .backchannel_authentication()
        .body_map(|b| b.parameters(forged).client_id("tv").client_secret("tv-secret"))
        .send()
        .await
        .unwrap();
    assert_eq!(request.action.as_ref().map(|a| a.as_str()), Some("BAD_REQUEST"));

    let refused = start("scope=openid&login_hint=bob").await;
    let failed = fake
        .client()
        .backchannel_authentication_fail()
        .body_map(|b| b.ticket(refused.ticket.clone().unwrap()).reason("UNKNOWN_USER_ID"))
        .send()
        .await
        .unwrap();
    assert_eq!(content(&serde_json::to_value(&*failed).unwrap()).1["error"], "unknown_user_id");
}

#[tokio::test]
async fn every_answer_it_gives_fits_the_spec() {
    let (fake, client) = fake_with_client().await;
    let spec = schema::Spec::load();
    // Every emulated operation, with answers of each kind.
    let _ = fake.client().service_get().send().await;
    let service = fake.client().service_get().send().await.unwrap().into_inner();
    let _ = fake.client().service_update().body(service).send().await;
    let _ = fake.client().service_configuration().send().await;
    let _ = fake.client().service_jwks_get().send().await;
    let _ = fake.client().client_get_list().send().await;
    let _ = fake.client().client_get().client_id("app").send().await;
    let _ = fake.client().client_get().client_id("nobody").send().await;
    let query = [
        ("response_type", "code"),
        ("client_id", "app"),
        ("redirect_uri", REDIRECT),
        ("scope", "openid profile"),
        ("state", "s"),
        ("nonce", "n"),
        ("prompt", "login"),
    ];
    let code = code_for(&fake, &query).await;
    let _ =
        fake.client().auth_authorization().body_map(|b| b.parameters(form(&[("client_id", "nobody")]))).send().await;
    let _ = fake
        .client()
        .auth_authorization()
        .body_map(|b| b.parameters(form(&[("client_id", "app"), ("response_type", "token")])))
        .send()
        .await;
    let none = form(&[("response_type", "code"), ("client_id", "app"), ("prompt", "none")]);
    let ticket = fake
        .client()
        .auth_authorization()
        .body_map(|b| b.parameters(none))
        .send()
        .await
        .unwrap()
        .ticket
        .clone()
        .unwrap();
    let _ = fake.client().auth_authorization_fail().body_map(|b| b.ticket(ticket).reason("NOT_LOGGED_IN")).send().await;
    let answer = token(
        &fake,
        "app",
        "app-secret",
        &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", REDIRECT)],
    )
    .await;
    let _ = token(&fake, "app", "app-secret", &[("grant_type", "password")]).await;
    let _ = token(&fake, "app", "wrong", &[("grant_type", "refresh_token")]).await;
    let at = content(&answer).1["access_token"].as_str().unwrap().to_string();
    let rt = content(&answer).1["refresh_token"].as_str().unwrap().to_string();
    let refreshed = token(&fake, "app", "app-secret", &[("grant_type", "refresh_token"), ("refresh_token", &rt)]).await;
    let (at2, rt2) = (
        refreshed["accessToken"].as_str().unwrap().to_string(),
        refreshed["refreshToken"].as_str().unwrap().to_string(),
    );
    let _ = fake.client().idtoken_reissue().body_map(|b| b.access_token(at2.clone()).refresh_token(rt2)).send().await;
    let _ = fake.client().idtoken_reissue().body_map(|b| b.access_token(at.clone()).refresh_token("x")).send().await;
    for token in [&at, &at2] {
        let _ = fake
            .client()
            .auth_introspection()
            .body_map(|b| b.token(token.clone()).scopes(vec!["email".to_string()]))
            .send()
            .await;
        let _ = fake.client().auth_introspection().body_map(|b| b.token(token.clone())).send().await;
        let _ = fake
            .client()
            .auth_introspection_standard()
            .body_map(|b| b.parameters(form(&[("token", token)])))
            .send()
            .await;
        let _ = fake.client().auth_userinfo().body_map(|b| b.token(token.clone())).send().await;
        let _ = fake.client().auth_userinfo_issue().body_map(|b| b.token(token.clone())).send().await;
    }
    let basic = STANDARD.encode("unused");
    let _ = fake
        .client()
        .auth_revocation()
        .body_map(|b| b.parameters(form(&[("token", &at2)])).client_id("app").client_secret("app-secret"))
        .send()
        .await;
    let _ = fake
        .client()
        .auth_revocation()
        .body_map(|b| b.parameters(form(&[("token", &basic)])).client_id("app").client_secret("no"))
        .send()
        .await;
    let _ = fake.client().client_update().client_id("app").body(client).send().await;
    let _ = fake.client().client_delete().client_id("app").send().await;
    let _ = fake.client().auth_token_fail().body_map(|b| b.ticket("t").reason("UNKNOWN")).send().await;
    // The device flow and CIBA, each answer kind.
    polling_client(&fake);
    let device = |parameters: &'static str, secret: &'static str| {
        let c = fake.client();
        async move {
            c.device_authorization()
                .body_map(|b| b.parameters(parameters).client_id("tv").client_secret(secret))
                .send()
                .await
        }
    };
    let _ = device("scope=openid", "wrong").await;
    let started = device("scope=openid", "tv-secret").await.unwrap();
    let user_code = started.user_code.clone().unwrap();
    let device_grant = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("device_code", started.device_code.as_deref().unwrap()),
    ];
    let _ = token(&fake, "tv", "tv-secret", &device_grant).await;
    let _ = fake.client().device_verification().body_map(|b| b.user_code(user_code.clone())).send().await;
    let _ = fake.client().device_verification().body_map(|b| b.user_code("NONE-SUCH")).send().await;
    decide(&fake, "device", &user_code, "AUTHORIZED").await;
    decide(&fake, "device", "NONE-SUCH", "AUTHORIZED").await;
    decide(&fake, "device", &user_code, "MAYBE").await;
    let _ = token(&fake, "tv", "tv-secret", &device_grant).await;
    let ciba = |parameters: &'static str, secret: &'static str| {
        let c = fake.client();
        async move {
            c.backchannel_authentication()
                .body_map(|b| b.parameters(parameters).client_id("tv").client_secret(secret))
                .send()
                .await
        }
    };
    let _ = ciba("scope=openid&login_hint=alice", "wrong").await;
    let _ = ciba("scope=openid", "tv-secret").await;
    let ticket =
        ciba("scope=openid&login_hint=alice&binding_message=B", "tv-secret").await.unwrap().ticket.clone().unwrap();
    let _ = ciba("scope=openid&id_token_hint=x", "tv-secret").await;
    let other = ciba("scope=openid&login_hint=bob", "tv-secret").await.unwrap().ticket.clone().unwrap();
    let _ = fake
        .client()
        .backchannel_authentication_fail()
        .body_map(|b| b.ticket(other).reason("ACCESS_DENIED"))
        .send()
        .await;
    let _ = fake
        .client()
        .backchannel_authentication_fail()
        .body_map(|b| b.ticket("gone").reason("ACCESS_DENIED"))
        .send()
        .await;
    decide(&fake, "ciba", &ticket, "AUTHORIZED").await;
    let issued =
        fake.client().backchannel_authentication_issue().body_map(|b| b.ticket(ticket.clone())).send().await.unwrap();
    let _ = fake.client().backchannel_authentication_issue().body_map(|b| b.ticket(ticket.clone())).send().await;
    let ciba_grant =
        [("grant_type", "urn:openid:params:grant-type:ciba"), ("auth_req_id", issued.auth_req_id.as_deref().unwrap())];
    let _ = token(&fake, "tv", "tv-secret", &ciba_grant).await;
    decide(&fake, "ciba", &ticket, "ACCESS_DENIED").await;
    let _ = token(&fake, "tv", "tv-secret", &ciba_grant).await;

    let calls = fake.calls();
    let mut kinds = std::collections::BTreeSet::new();
    let mut faults = Vec::new();
    for call in &calls {
        let op = authlete::operations().find(|o| Some(o.name) == call.operation).unwrap();
        kinds.insert(format!("{} {}", op.name, call.response["action"].as_str().unwrap_or(&call.status.to_string())));
        for fault in spec.check_response(op.method, op.path, call.status, &call.response) {
            faults.push(format!("{} ({}): {fault}", op.name, call.status));
        }
    }
    assert!(faults.is_empty(), "{faults:#?}");
    assert!(kinds.len() >= 45, "{kinds:#?}");
}
