//! What the endpoint helpers do about hostile answers, hostile requests and
//! careless logging, one test per finding of the adversarial review (issue
//! #20) that concerns them; the client's findings are in the `authlete`
//! crate's `tests/security.rs`.
//!
//! | # | finding | test |
//! |---|---|---|
//! | 1 | access granted on answers that do not grant | `resource_server_grants_only_on_ok_with_no_flag_against_it`, `userinfo_issues_claims_only_on_ok`, `authorization_asks_the_user_only_on_interaction_actions` |
//! | 2 | tokens in `Debug` of errors | `debug_and_display_of_errors_show_no_secret` |
//! | 4 | strict reissue mode loses the tokens through axum | `a_strict_reissue_failure_still_sends_the_tokens_through_axum` |
//! | 5 | `DPoP` scheme without a proof | `the_dpop_scheme_without_a_proof_is_refused_without_asking_authlete` |
//! | 6 | a PEM header that is not Base64 panicked | `a_pem_header_that_is_not_base64_gives_no_certificate`, `any_pem_header_bytes_never_panic` |
//! | 7 | a repeated certificate header | `a_repeated_certificate_header_gives_no_certificate` |
//! | 8 | several `DPoP` headers | `several_dpop_headers_reach_authlete_joined_so_the_proof_fails` |
//! | 13 | no limit on request bodies | `the_example_provider_refuses_an_oversized_body` |
//!
//! The example provider's whole flow at TRACE is in `tracing_redaction.rs`.

use authlete::answer::AuthleteAnswer;
use authlete::operation::{
    auth_authorization, auth_introspection, auth_token, auth_userinfo, auth_userinfo_issue, idtoken_reissue,
};
use authlete::EndpointResponse;
use authlete_mock::{MockAuthlete, MockReply};
use authlete_server::endpoints::{
    Access, AuthorizationEndpoint, AuthorizationStep, ResourceRequest, ResourceServer, UserinfoEndpoint,
};
use authlete_server::{ClientRequest, Error, ProxyCertHeaders, TokenEndpoint};
use serde_json::json;

/// End users' secrets, as the answers and requests below carry them.
const SECRETS: [&str; 6] =
    ["END-USER-AT-91c2", "END-USER-RT-4d7e", "CLIENT-SECRET-a1b2", "PASSWORD-c3d4", "TICKET-e5f6", "CODE-0a9b"];

fn assert_no_secret(shown: &str) {
    for s in SECRETS {
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
        mock.on_request::<auth_introspection::Builder>(move |_| MockReply::json(200, &body));
        rs.check(get_request(&bearer()))
    };
    for action in every_action::<auth_introspection::Success>() {
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
    type UserinfoResponse = auth_userinfo::Success;
    let mock = MockAuthlete::start().await.unwrap();
    mock.on_request::<auth_userinfo_issue::Builder>(|_| {
        MockReply::json(200, &json!({"action": "JSON", "responseContent": "{\"sub\":\"alice\"}"}))
    });
    let endpoint = UserinfoEndpoint::new(mock.client());
    for action in every_action::<UserinfoResponse>() {
        let body = match action {
            Some(a) => json!({"action": a, "subject": "alice"}),
            None => json!({"subject": "alice"}),
        };
        mock.on_request::<auth_userinfo::Builder>(move |_| MockReply::json(200, &body));
        let before = mock.calls_to::<auth_userinfo_issue::Builder>().len();
        let r = endpoint.handle(get_request(&bearer())).await.unwrap();
        let issued = mock.calls_to::<auth_userinfo_issue::Builder>().len() > before;
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
    for action in every_action::<auth_authorization::Success>() {
        let body = match action {
            Some(a) => json!({"action": a, "ticket": "t", "responseContent": "https://client.example/cb?error=x"}),
            None => json!({"ticket": "t"}),
        };
        mock.on_request::<auth_authorization::Builder>(move |_| MockReply::json(200, &body));
        let step = endpoint.handle("response_type=code".into()).await.unwrap();
        let asks = matches!(step, AuthorizationStep::Interaction(_));
        assert_eq!(asks, matches!(action, Some("INTERACTION" | "NO_INTERACTION")), "{action:?}: {step:?}");
    }
}

// 2 ---------------------------------------------------------------------

#[tokio::test]
async fn debug_and_display_of_errors_show_no_secret() {
    let [at, rt, ..] = SECRETS;
    let token_body = format!(r#"{{"access_token":"{at}","refresh_token":"{rt}"}}"#);
    let fallback = EndpointResponse::json(http::StatusCode::OK, token_body);
    let reissue_failed = Error::ReissueFailed { reason: "action CALLER_ERROR".into(), fallback: Box::new(fallback) };
    assert_no_secret(&format!("{reissue_failed} {reissue_failed:?}"));
    let introspection = auth_introspection::Success::builder()
        .action("OK")
        .response_content(format!(r#"{{"access_token":"{at}"}}"#))
        .build()
        .unwrap();
    let mock = MockAuthlete::start().await.unwrap();
    mock.on::<auth_introspection::Builder>(introspection);
    let granted = ResourceServer::new(mock.client()).check(get_request(&bearer())).await.unwrap();
    assert!(matches!(granted, Access::Granted(_)));
    assert_no_secret(&format!("{granted:?}"));
}

// 4 ---------------------------------------------------------------------

#[tokio::test]
async fn a_strict_reissue_failure_still_sends_the_tokens_through_axum() {
    use axum::extract::State;
    let [at, rt, ..] = SECRETS;
    let mock = MockAuthlete::start().await.unwrap();
    mock.on::<auth_token::Builder>(
        auth_token::Success::builder()
            .action("ID_TOKEN_REISSUABLE")
            .access_token(at)
            .refresh_token(rt)
            .subject("alice")
            .response_content(format!(r#"{{"access_token":"{at}","refresh_token":"{rt}"}}"#)),
    );
    mock.on_request::<idtoken_reissue::Builder>(|_| MockReply::json(200, &json!({"action": "CALLER_ERROR"})));
    // The handler of examples/token_endpoint.rs.
    async fn token(
        State(endpoint): State<TokenEndpoint>,
        headers: http::HeaderMap,
        body: String,
    ) -> Result<EndpointResponse, Error> {
        endpoint.handle(ClientRequest::from_http(&headers, body, None)).await
    }
    let endpoint = TokenEndpoint::new(mock.client()).reissue_fallback(false);
    let app = axum::Router::new().route("/token", axum::routing::post(token)).with_state(endpoint);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/token", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let response = authlete::reqwest_client_builder()
        .unwrap()
        .build()
        .unwrap()
        .post(url)
        .body("grant_type=refresh_token&refresh_token=old")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!((body["access_token"].as_str(), body["refresh_token"].as_str()), (Some(at), Some(rt)));
}

// 5 ---------------------------------------------------------------------

#[tokio::test]
async fn the_dpop_scheme_without_a_proof_is_refused_without_asking_authlete() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on_request::<auth_introspection::Builder>(|_| MockReply::json(200, &json!({"action": "OK"})));
    mock.on_request::<auth_userinfo::Builder>(|_| MockReply::json(200, &json!({"action": "OK"})));
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
    ClientRequest::new("")
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
    let read = |h: &http::HeaderMap, source| ClientRequest::new("").client_certificate_from_proxy(h, source);
    assert!(read(&headers, ProxyCertHeaders::Pem("x-ssl-cert")).client_certificate.is_some());
    headers.append("x-ssl-cert", pem.parse().unwrap());
    assert_eq!(read(&headers, ProxyCertHeaders::Pem("x-ssl-cert")).client_certificate, None);
    let mut headers = http::HeaderMap::new();
    headers.append("x-arr-clientcert", "MIIBCg==".parse().unwrap());
    assert!(read(&headers, ProxyCertHeaders::Base64Der("x-arr-clientcert")).client_certificate.is_some());
    headers.append("x-arr-clientcert", "MIIBCg==".parse().unwrap());
    assert_eq!(read(&headers, ProxyCertHeaders::Base64Der("x-arr-clientcert")).client_certificate, None);

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
    mock.on_request::<auth_introspection::Builder>(|_| MockReply::json(200, &json!({"action": "BAD_REQUEST"})));
    mock.on_request::<auth_userinfo::Builder>(|_| MockReply::json(200, &json!({"action": "BAD_REQUEST"})));
    let mut headers = http::HeaderMap::new();
    headers.insert("authorization", "DPoP at-1".parse().unwrap());
    headers.append("dpop", "first.proof.jwt".parse().unwrap());
    headers.append("dpop", "second.proof.jwt".parse().unwrap());
    let _ = ResourceServer::new(mock.client()).check(get_request(&headers)).await.unwrap();
    let _ = UserinfoEndpoint::new(mock.client()).handle(get_request(&headers)).await.unwrap();
    let sent: Vec<_> = mock.calls().into_iter().map(|c| c.body["dpop"].clone()).collect();
    assert_eq!(sent, vec![json!("first.proof.jwt, second.proof.jwt"); 2]);
}

// 13 --------------------------------------------------------------------

#[path = "../examples/authorization_server.rs"]
#[allow(dead_code)]
mod example;

#[tokio::test]
async fn the_example_provider_refuses_an_oversized_body() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on::<auth_token::Builder>(auth_token::Success::builder().action("BAD_REQUEST"));
    let issuer = "http://127.0.0.1".to_string();
    let app = example::router(std::sync::Arc::new(example::Provider::new(mock.client(), issuer)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/token", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = authlete::reqwest_client_builder().unwrap().build().unwrap();
    let small = http.post(&url).body("grant_type=x").send().await.unwrap();
    assert_ne!(small.status(), 413);
    let big = http.post(&url).body("a".repeat(example::MAX_BODY_BYTES + 1)).send().await.unwrap();
    assert_eq!(big.status(), 413);
    assert_eq!(mock.calls_to::<auth_token::Builder>().len(), 1, "the oversized body never reached Authlete");
}
