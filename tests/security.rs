//! What the crate does about hostile answers, hostile requests and careless
//! logging, one test per finding of the adversarial review (issue #20):
//!
//! | # | finding | test |
//! |---|---|---|
//! | 1 | access granted on answers that do not grant | `resource_server_grants_only_on_ok_with_no_flag_against_it`, `userinfo_issues_claims_only_on_ok`, `authorization_asks_the_user_only_on_interaction_actions` |
//! | 2 | tokens in `Debug` of errors and responses | `debug_and_display_of_errors_and_responses_show_no_secret` |
//! | 3 | redirects followed with the body | `redirects_are_not_followed_and_name_only_the_host` |
//! | 4 | strict reissue mode loses the tokens through axum | `a_strict_reissue_failure_still_sends_the_tokens_through_axum` |
//! | 5 | `DPoP` scheme without a proof | `the_dpop_scheme_without_a_proof_is_refused_without_asking_authlete` |
//! | 6 | a PEM header that is not Base64 panicked | `a_pem_header_that_is_not_base64_gives_no_certificate`, `any_pem_header_bytes_never_panic` |
//! | 7 | a repeated certificate header | `a_repeated_certificate_header_gives_no_certificate` |
//! | 8 | several `DPoP` headers | `several_dpop_headers_reach_authlete_joined_so_the_proof_fails` |
//! | 9 | credentials in the base URL, plain http without a token | `credentials_in_the_base_url_are_refused_and_never_shown`, `plain_http_to_a_remote_host_is_refused_with_or_without_a_token` |
//! | 10 | an undocumented 2xx quoted in the error | `an_undocumented_success_is_not_quoted_in_the_error` |
//! | 11 | protocol calls retried after a 503 | `protocol_calls_are_retried_only_when_provably_not_processed` |
//! | 12 | secrets in generated types' `Debug` | `generated_types_print_secret_fields_redacted` |
//! | 13 | no limit on request bodies | `the_example_provider_refuses_an_oversized_body` |
//!
//! The `tracing` output of the example provider's whole flow is checked in
//! `tracing_redaction.rs` (a process of its own: tracing caches which call
//! sites are enabled, and other tests running beside it would race on that).

mod support;

use std::time::Duration;

use authlete::answer::AuthleteAnswer;
use authlete::endpoints::{
    Access, AuthorizationEndpoint, AuthorizationStep, ResourceRequest, ResourceServer, UserinfoEndpoint,
};
use authlete::generated::builder::{
    AuthAuthorization, AuthIntrospection, AuthToken, AuthUserinfo, AuthUserinfoIssue, IdtokenReissue,
};
use authlete::mock::{MockAuthlete, MockReply};
use authlete::models::{AuthorizationResponse, IntrospectionResponse, TokenResponse};
use authlete::{
    Authlete, ConfigError, EndpointResponse, Error, ProxyCertHeaders, RetryConfig, TokenEndpoint, TokenRequestInput,
};
use serde_json::json;
use support::{Reply, Server};

const TOKEN: &str = "SECRET-5f1c9e-TOKEN";
/// End users' secrets, as the answers and requests below carry them.
const SECRETS: [&str; 6] =
    ["END-USER-AT-91c2", "END-USER-RT-4d7e", "CLIENT-SECRET-a1b2", "PASSWORD-c3d4", "TICKET-e5f6", "CODE-0a9b"];

fn assert_no_secret(shown: &str) {
    for s in SECRETS.iter().chain([&TOKEN]) {
        assert!(!shown.contains(s), "{s} shows in: {shown}");
    }
}

fn get_request(headers: &http::HeaderMap) -> ResourceRequest {
    ResourceRequest::from_http(&http::Method::GET, "https://api.example/x", headers)
}

fn bearer() -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    headers.insert("authorization", "Bearer at-1".parse().unwrap());
    headers
}

/// Every action the spec lists for `A`, one it does not, and no action.
fn every_action<A: AuthleteAnswer>() -> Vec<Option<&'static str>> {
    A::ACTIONS.iter().map(|a| Some(*a)).chain([Some("NEW_ACTION_FROM_2027"), None]).collect()
}

#[test]
fn config_errors_never_show_the_token() {
    let e = Authlete::builder().base_url("http://example.com").access_token(TOKEN).build().unwrap_err();
    assert!(!format!("{e} {e:?}").contains(TOKEN));
    let e = Authlete::builder().access_token("bad\ntoken SECRET").build().unwrap_err();
    assert!(!format!("{e} {e:?}").contains("SECRET"));
}

#[tokio::test]
async fn end_user_secrets_in_paths_and_bodies_stay_out_of_errors() {
    // Nothing listens there: a transport error for a URL that holds a token.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let c = Authlete::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .service_id("1")
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let e = c
        .auth_token_delete_by_access_token_identifier()
        .access_token_identifier("END-USER-TOKEN-42")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    let shown = format!("{e} {e:?} {:?}", std::error::Error::source(&e));
    assert!(!shown.contains("END-USER-TOKEN-42"), "{shown}");

    // A success body that does not decode is not quoted in the error.
    // (Truncated: a field of the wrong type alone would be tolerated.)
    let body = r#"{"responseContent":"{\"access_token\":\"END-USER-AT\"}","action":"OK","#;
    let server = Server::always(Reply::text(200, "application/json", body)).await;
    let c = Authlete::builder().base_url(&server.base_url).service_id("1").build().unwrap();
    let e = c.auth_token().body_map(|b| b.parameters("grant_type=x")).send().await.unwrap_err();
    assert!(matches!(e, Error::Decode { .. }), "{e:?}");
    assert!(!format!("{e} {e:?}").contains("END-USER-AT"), "{e:?}");
}

// 1 ---------------------------------------------------------------------

#[tokio::test]
async fn resource_server_grants_only_on_ok_with_no_flag_against_it() {
    let mock = MockAuthlete::start().await.unwrap();
    let rs = ResourceServer::new(mock.client());
    let answer = |action: Option<&str>, extra: serde_json::Value| {
        let mut body = json!({"usable": true, "existent": true, "sufficient": true, "subject": "alice"});
        if let Some(a) = action {
            body["action"] = json!(a);
        }
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let check = |body: serde_json::Value| {
        mock.on_request::<AuthIntrospection>(move |_| MockReply::json(200, &body));
        rs.check(get_request(&bearer()))
    };
    for action in every_action::<IntrospectionResponse>() {
        for content in [json!({}), json!({"responseContent": "Bearer error=\"invalid_token\""})] {
            let access = check(answer(action, content.clone())).await.unwrap();
            match (action, access) {
                (Some("OK"), Access::Granted(token)) => assert_eq!(token.subject.as_deref(), Some("alice")),
                (Some("OK"), Access::Denied(r)) => panic!("OK with {content} denied: {r:?}"),
                (_, Access::Granted(_)) => panic!("{action:?} with {content} was granted"),
                (_, Access::Denied(r)) => {
                    assert!(r.status().is_client_error() || r.status().is_server_error(), "{action:?}: {r:?}")
                }
            }
        }
    }
    // OK, but a flag says no, or did not decode (kept raw): denied.
    for flags in [
        json!({"usable": false}),
        json!({"existent": false}),
        json!({"sufficient": false}),
        json!({"usable": "yes"}),
        json!({"sufficient": {"scopes": []}}),
    ] {
        let Access::Denied(r) = check(answer(Some("OK"), flags.clone())).await.unwrap() else {
            panic!("OK with {flags} was granted")
        };
        assert_eq!(r.status(), 500, "{flags}");
    }
    // Flags that are absent do not deny (Authlete leaves out what does not apply).
    let bare = json!({"action": "OK", "subject": "alice"});
    assert!(matches!(check(bare).await.unwrap(), Access::Granted(_)));
}

#[tokio::test]
async fn userinfo_issues_claims_only_on_ok() {
    type UserinfoResponse = authlete::generated::by_operation::auth_userinfo::Success;
    let mock = MockAuthlete::start().await.unwrap();
    mock.on_request::<AuthUserinfoIssue>(|_| {
        MockReply::json(200, &json!({"action": "JSON", "responseContent": "{\"sub\":\"alice\"}"}))
    });
    let endpoint = UserinfoEndpoint::new(mock.client());
    for action in every_action::<UserinfoResponse>() {
        let body = match action {
            Some(a) => json!({"action": a, "subject": "alice"}),
            None => json!({"subject": "alice"}),
        };
        mock.on_request::<AuthUserinfo>(move |_| MockReply::json(200, &body));
        let before = mock.calls_to::<AuthUserinfoIssue>().len();
        let r = endpoint.handle(get_request(&bearer())).await.unwrap();
        let issued = mock.calls_to::<AuthUserinfoIssue>().len() > before;
        assert_eq!(issued, action == Some("OK"), "{action:?}: {r:?}");
        if action != Some("OK") {
            assert!(r.status().is_client_error() || r.status().is_server_error(), "{action:?}: {r:?}");
        }
    }
}

#[tokio::test]
async fn authorization_asks_the_user_only_on_interaction_actions() {
    let mock = MockAuthlete::start().await.unwrap();
    let endpoint = AuthorizationEndpoint::new(mock.client());
    for action in every_action::<AuthorizationResponse>() {
        let body = match action {
            Some(a) => json!({"action": a, "ticket": "t", "responseContent": "https://client.example/cb?error=x"}),
            None => json!({"ticket": "t"}),
        };
        mock.on_request::<AuthAuthorization>(move |_| MockReply::json(200, &body));
        let step = endpoint.handle("response_type=code".into()).await.unwrap();
        let asks = matches!(step, AuthorizationStep::Interaction(_));
        assert_eq!(asks, matches!(action, Some("INTERACTION" | "NO_INTERACTION")), "{action:?}: {step:?}");
    }
}

// 2 ---------------------------------------------------------------------

#[tokio::test]
async fn debug_and_display_of_errors_and_responses_show_no_secret() {
    let [at, rt, client_secret, password, ticket, code] = SECRETS;
    let token_body = format!(r#"{{"access_token":"{at}","refresh_token":"{rt}"}}"#);
    let mut shown = Vec::new();
    let endpoint_response = EndpointResponse::json(http::StatusCode::OK, token_body.clone());
    shown.push(format!("{endpoint_response:?}"));
    let reissue_failed =
        Error::ReissueFailed { reason: "action CALLER_ERROR".into(), fallback: Box::new(endpoint_response.clone()) };
    shown.push(format!("{reissue_failed} {reissue_failed:?}"));
    shown.push(format!("{:?}", authlete::answer::Next::Respond(endpoint_response.clone())));

    let token = TokenResponse {
        access_token: Some(at.into()),
        refresh_token: Some(rt.into()),
        ticket: Some(ticket.into()),
        password: Some(password.into()),
        response_content: Some(token_body.clone()),
        ..Default::default()
    };
    shown.push(format!("{token:?}"));
    let introspection = IntrospectionResponse {
        action: Some("OK".into()),
        response_content: Some(token_body.clone()),
        ..Default::default()
    };
    shown.push(format!("{:?}", Access::Granted(Box::new(introspection))));

    // Errors the client returns for hostile answers, and what they wrap.
    let server = Server::sequence(vec![
        Reply::text(299, "application/json", &token_body),
        Reply::text(200, "application/json", &format!(r#"{{"action": 7, "accessToken": "{at}", "#)),
        Reply::empty(302).with_header("location", &format!("https://elsewhere.example/cb?code={code}")),
    ])
    .await;
    let client = Authlete::builder().base_url(&server.base_url).service_id("1").access_token(TOKEN).build().unwrap();
    for _ in 0..3 {
        let e = client.auth_token().body_map(|b| b.parameters(format!("code={code}"))).send().await.unwrap_err();
        shown.push(format!("{e} {e:?} {:?}", std::error::Error::source(&e).map(ToString::to_string)));
    }

    // Requests being built, and a response.
    let request = client
        .auth_token()
        .body_map(|b| b.parameters(format!("grant_type=password&password={password}")).client_secret(client_secret));
    shown.push(format!("{request:?}"));
    let mock = MockAuthlete::start().await.unwrap();
    mock.on::<AuthToken>(token.clone());
    let response = mock.client().auth_token().body_map(|b| b.parameters("x")).send().await.unwrap();
    shown.push(format!("{response:?}"));
    for s in &shown {
        assert_no_secret(s);
    }
    assert!(shown[0].contains(&format!("<{} bytes>", token_body.len())), "{}", shown[0]);
}

// 3 ---------------------------------------------------------------------

#[tokio::test]
async fn redirects_are_not_followed_and_name_only_the_host() {
    let elsewhere = Server::always(Reply::json(200, json!({"action": "OK"}))).await;
    for status in [301, 302, 303, 307, 308] {
        let target = format!("{}/steal?code={}", elsewhere.base_url, SECRETS[5]);
        let server = Server::always(Reply::empty(status).with_header("location", &target)).await;
        let client = Authlete::builder().base_url(&server.base_url).service_id("1").build().unwrap();
        let e = client
            .auth_token()
            .body_map(|b| b.parameters("grant_type=authorization_code").client_secret(SECRETS[2]))
            .send()
            .await
            .unwrap_err();
        let Error::Redirect { status: s, location_host, .. } = &e else { panic!("{status}: {e:?}") };
        assert_eq!((s.as_u16(), location_host.as_deref()), (status, Some("127.0.0.1")));
        assert_no_secret(&format!("{e} {e:?}"));
        assert_eq!(server.count(), 1, "{status}: not retried");
    }
    assert_eq!(elsewhere.count(), 0, "no request reached the redirect's target");
}

// 4 ---------------------------------------------------------------------

#[tokio::test]
async fn a_strict_reissue_failure_still_sends_the_tokens_through_axum() {
    use axum::extract::State;
    let [at, rt, ..] = SECRETS;
    let mock = MockAuthlete::start().await.unwrap();
    mock.on::<AuthToken>(TokenResponse {
        action: Some("ID_TOKEN_REISSUABLE".into()),
        access_token: Some(at.into()),
        refresh_token: Some(rt.into()),
        subject: Some("alice".into()),
        response_content: Some(format!(r#"{{"access_token":"{at}","refresh_token":"{rt}"}}"#)),
        ..Default::default()
    });
    mock.on_request::<IdtokenReissue>(|_| MockReply::json(200, &json!({"action": "CALLER_ERROR"})));
    // The handler of examples/token_endpoint.rs.
    async fn token(
        State(endpoint): State<TokenEndpoint>,
        headers: http::HeaderMap,
        body: String,
    ) -> Result<EndpointResponse, Error> {
        endpoint.handle(TokenRequestInput::from_http(&headers, body, None)).await
    }
    let endpoint = TokenEndpoint::new(mock.client()).reissue_fallback(false);
    let app = axum::Router::new().route("/token", axum::routing::post(token)).with_state(endpoint);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/token", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let response =
        reqwest::Client::new().post(url).body("grant_type=refresh_token&refresh_token=old").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!((body["access_token"].as_str(), body["refresh_token"].as_str()), (Some(at), Some(rt)));
}

// 5 ---------------------------------------------------------------------

#[tokio::test]
async fn the_dpop_scheme_without_a_proof_is_refused_without_asking_authlete() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on_request::<AuthIntrospection>(|_| MockReply::json(200, &json!({"action": "OK"})));
    mock.on_request::<AuthUserinfo>(|_| MockReply::json(200, &json!({"action": "OK"})));
    let mut headers = http::HeaderMap::new();
    headers.insert("authorization", "DPoP at-1".parse().unwrap());
    let Access::Denied(r) = ResourceServer::new(mock.client()).realm("api").check(get_request(&headers)).await.unwrap()
    else {
        panic!("a DPoP token without its proof was granted")
    };
    let userinfo = UserinfoEndpoint::new(mock.client()).handle(get_request(&headers)).await.unwrap();
    for (r, realm) in [(r, "api"), (userinfo, "userinfo")] {
        assert_eq!((r.status().as_u16(), r.body()), (401, ""));
        let challenge = r.headers()["www-authenticate"].to_str().unwrap();
        assert!(challenge.starts_with(&format!("DPoP realm=\"{realm}\"")), "{challenge}");
        assert!(challenge.contains("error=\"invalid_dpop_proof\""), "{challenge}");
        assert!(r.headers().get("content-type").is_none(), "a challenge has no JSON body");
    }
    assert!(mock.calls().is_empty(), "Authlete was not asked");
}

// 6, 7 ------------------------------------------------------------------

fn pem_input(value: &[u8]) -> Option<String> {
    let mut headers = http::HeaderMap::new();
    headers.insert("x-ssl-cert", http::HeaderValue::from_bytes(value).ok()?);
    TokenRequestInput::new("")
        .client_certificate_from_proxy(&headers, ProxyCertHeaders::Pem("x-ssl-cert"))
        .client_certificate
}

#[test]
fn a_pem_header_that_is_not_base64_gives_no_certificate() {
    let pem = |body: &str| format!("-----BEGIN%20CERTIFICATE-----{body}-----END%20CERTIFICATE-----");
    assert!(pem_input(pem("%0AMIIBCg%3D%3D%0A").as_bytes()).unwrap().contains("\nMIIBCg==\n"));
    for body in ["%C3%A9%C3%A9", "MII%C3%A9Cg==", "%FF%FE", "not base64!", ""] {
        assert_eq!(pem_input(pem(body).as_bytes()), None, "{body}");
    }
}

proptest::proptest! {
    #[test]
    fn any_pem_header_bytes_never_panic(inner in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
        let escaped: String = inner.iter().map(|b| format!("%{b:02X}")).collect();
        let _ = pem_input(format!("-----BEGIN CERTIFICATE-----{escaped}-----END CERTIFICATE-----").as_bytes());
        let _ = pem_input(&inner);
    }
}

#[test]
fn a_repeated_certificate_header_gives_no_certificate() {
    let pem = "-----BEGIN CERTIFICATE-----MIIBCg==-----END CERTIFICATE-----";
    let mut headers = http::HeaderMap::new();
    headers.append("x-ssl-cert", pem.parse().unwrap());
    let read = |h: &http::HeaderMap, source| TokenRequestInput::new("").client_certificate_from_proxy(h, source);
    assert!(read(&headers, ProxyCertHeaders::Pem("x-ssl-cert")).client_certificate.is_some());
    headers.append("x-ssl-cert", pem.parse().unwrap());
    assert_eq!(read(&headers, ProxyCertHeaders::Pem("x-ssl-cert")).client_certificate, None);

    let mut headers = http::HeaderMap::new();
    headers.append("client-cert", ":MIIBCg==:".parse().unwrap());
    headers.append("client-cert-chain", ":MIIBCg==:".parse().unwrap());
    let one = read(&headers, ProxyCertHeaders::Rfc9440);
    assert!(one.client_certificate.is_some() && one.client_certificate_path.len() == 1);
    for name in ["client-cert", "client-cert-chain"] {
        let mut twice = headers.clone();
        twice.append(name, ":MIIBCw==:".parse().unwrap());
        let refused = read(&twice, ProxyCertHeaders::Rfc9440);
        assert_eq!((refused.client_certificate, refused.client_certificate_path.len()), (None, 0), "{name} twice");
    }
}

// 8 ---------------------------------------------------------------------

#[tokio::test]
async fn several_dpop_headers_reach_authlete_joined_so_the_proof_fails() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on_request::<AuthIntrospection>(|_| MockReply::json(200, &json!({"action": "BAD_REQUEST"})));
    mock.on_request::<AuthUserinfo>(|_| MockReply::json(200, &json!({"action": "BAD_REQUEST"})));
    let mut headers = http::HeaderMap::new();
    headers.insert("authorization", "DPoP at-1".parse().unwrap());
    headers.append("dpop", "first.proof.jwt".parse().unwrap());
    headers.append("dpop", "second.proof.jwt".parse().unwrap());
    let _ = ResourceServer::new(mock.client()).check(get_request(&headers)).await.unwrap();
    let _ = UserinfoEndpoint::new(mock.client()).handle(get_request(&headers)).await.unwrap();
    let sent: Vec<_> = mock.calls().into_iter().map(|c| c.body["dpop"].clone()).collect();
    assert_eq!(sent, vec![json!("first.proof.jwt, second.proof.jwt"); 2]);
}

// 9 ---------------------------------------------------------------------

#[test]
fn credentials_in_the_base_url_are_refused_and_never_shown() {
    for url in [
        "https://user:pa55word@authlete.example",
        "https://pa55word@authlete.example/x",
        "http://u:pa55word@127.0.0.1:1",
    ] {
        let builder = Authlete::builder().base_url(url);
        assert!(!format!("{builder:?}").contains("pa55word"), "{builder:?}");
        let e = builder.build().unwrap_err();
        assert!(matches!(&e, ConfigError::InvalidBaseUrl { .. }), "{url}: {e:?}");
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("pa55word"), "{shown}");
        assert!(shown.contains("credentials"), "{shown}");
    }
}

#[test]
fn plain_http_to_a_remote_host_is_refused_with_or_without_a_token() {
    for token in [None, Some(TOKEN)] {
        let mut builder = Authlete::builder().base_url("http://authlete.example.com");
        if let Some(t) = token {
            builder = builder.access_token(t);
        }
        let e = builder.build().unwrap_err();
        assert!(matches!(&e, ConfigError::InsecureHttp { host } if host == "authlete.example.com"), "{e:?}");
    }
    assert!(Authlete::builder().base_url("http://127.0.0.1:1").build().is_ok());
}

// 10 --------------------------------------------------------------------

#[tokio::test]
async fn an_undocumented_success_is_not_quoted_in_the_error() {
    let body = format!(r#"{{"responseContent":"{{\"access_token\":\"{}\"}}"}}"#, SECRETS[0]);
    let server = Server::always(Reply::text(206, "application/json", &body)).await;
    let client = Authlete::builder().base_url(&server.base_url).service_id("1").build().unwrap();
    let e = client.auth_token().body_map(|b| b.parameters("x")).send().await.unwrap_err();
    let Error::Status { status, snippet, body_len, .. } = &e else { panic!("{e:?}") };
    assert_eq!((status.as_u16(), snippet.as_str(), *body_len), (206, "", body.len()));
    assert_no_secret(&format!("{e} {e:?}"));
    assert!(e.to_string().contains(&format!("{} bytes", body.len())), "{e}");
}

// 11 --------------------------------------------------------------------

#[tokio::test]
async fn protocol_calls_are_retried_only_when_provably_not_processed() {
    let retry = RetryConfig { initial_backoff: Duration::from_millis(1), ..RetryConfig::default() };
    let client =
        |server: &Server| Authlete::builder().base_url(&server.base_url).service_id("1").retry(retry).build().unwrap();
    let ok = Reply::json(200, json!({"action": "OK"}));
    for status in [503, 408] {
        // A protocol call (`/auth/token`): not sent again.
        let server = Server::sequence(vec![Reply::empty(status), ok.clone()]).await;
        let e = client(&server).auth_token().body_map(|b| b.parameters("code=x")).send().await.unwrap_err();
        assert_eq!((e.status().map(|s| s.as_u16()), server.count()), (Some(status), 1), "{status}");
        // A management call (`/client/create`): retried as before.
        let server = Server::sequence(vec![Reply::empty(status), Reply::json(200, json!({"clientId": 1}))]).await;
        client(&server).client_create().body_map(|b| b.client_name("app")).send().await.unwrap();
        assert_eq!(server.count(), 2, "{status}: management calls are retried");
    }
    // 429 says the request was not processed: retried, protocol or not.
    let server = Server::sequence(vec![Reply::empty(429), ok]).await;
    client(&server).auth_token().body_map(|b| b.parameters("code=x")).send().await.unwrap();
    assert_eq!(server.count(), 2);
    // A refused connection never reached anyone: retried (and fails again here).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let e = Authlete::builder()
        .base_url(format!("http://{closed}"))
        .service_id("1")
        .retry(retry)
        .build()
        .unwrap()
        .auth_token()
        .body_map(|b| b.parameters("code=x"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
}

// 12 --------------------------------------------------------------------

#[test]
fn generated_types_print_secret_fields_redacted() {
    let [at, rt, client_secret, password, ticket, _] = SECRETS;
    let token = TokenResponse {
        access_token: Some(at.into()),
        refresh_token: Some(rt.into()),
        ticket: Some(ticket.into()),
        subject: Some("alice".into()),
        ..Default::default()
    };
    let shown = format!("{token:?}");
    assert_no_secret(&shown);
    assert!(shown.contains(&format!("access_token: Some(<redacted {} chars>)", at.len())), "{shown}");
    assert!(shown.contains(r#"subject: Some("alice")"#), "what is no secret still shows: {shown}");
    let request = authlete::models::TokenRequest::builder()
        .parameters(format!("password={password}"))
        .client_id("app")
        .client_secret(client_secret);
    let shown = format!("{request:?}");
    assert_no_secret(&shown);
    assert!(shown.contains("app"), "{shown}");
    // A field a type does not know (or one kept raw) shows its name only.
    let with_extra: TokenResponse = serde_json::from_value(json!({"accessToken": 42, "newTokenKind": at})).unwrap();
    let shown = format!("{with_extra:?}");
    assert_no_secret(&shown);
    assert!(shown.contains("newTokenKind"), "{shown}");
}

// 13 --------------------------------------------------------------------

#[path = "../examples/authorization_server.rs"]
#[allow(dead_code)]
mod example;

#[tokio::test]
async fn the_example_provider_refuses_an_oversized_body() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on::<AuthToken>(TokenResponse { action: Some("BAD_REQUEST".into()), ..Default::default() });
    let issuer = "http://127.0.0.1".to_string();
    let app = example::router(std::sync::Arc::new(example::Provider::new(mock.client(), issuer)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/token", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::new();
    let small = http.post(&url).body("grant_type=x").send().await.unwrap();
    assert_ne!(small.status(), 413);
    let big = http.post(&url).body("a".repeat(example::MAX_BODY_BYTES + 1)).send().await.unwrap();
    assert_eq!(big.status(), 413);
    assert_eq!(mock.calls_to::<AuthToken>().len(), 1, "the oversized body never reached Authlete");
}
