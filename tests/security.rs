//! What the client does about hostile answers and careless logging, one
//! test per finding of the adversarial review (issue #20) that concerns the
//! client; the server helpers' findings are in `server/tests/security.rs`.
//!
//! | # | finding | test |
//! |---|---|---|
//! | 2 | tokens in `Debug` of errors and responses | `debug_and_display_of_errors_and_responses_show_no_secret` |
//! | 3 | redirects followed with the body | `redirects_are_not_followed_and_name_only_the_host` |
//! | 9 | credentials in the base URL, plain http without a token | `credentials_in_the_base_url_are_refused_and_never_shown`, `plain_http_to_a_remote_host_is_refused_with_or_without_a_token` |
//! | 10 | an undocumented 2xx quoted in the error | `an_undocumented_success_is_not_quoted_in_the_error` |
//! | 11 | protocol calls retried after a 503 | `protocol_calls_are_retried_only_when_provably_not_processed` |
//! | 12 | secrets in generated types' `Debug` | `generated_types_print_secret_fields_redacted` |
//!
//! The `tracing` output is checked in `tracing_redaction.rs` (a process of
//! its own: tracing caches which call sites are enabled, and other tests
//! running beside it would race on that).

mod support;

use std::time::Duration;

use authlete::operation::{auth_introspection, auth_token};
use authlete::{Authlete, ConfigError, EndpointResponse, Error, RetryConfig};
use authlete_mock::MockAuthlete;
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

// 2 ---------------------------------------------------------------------

#[tokio::test]
async fn debug_and_display_of_errors_and_responses_show_no_secret() {
    let [at, rt, client_secret, password, ticket, code] = SECRETS;
    let token_body = format!(r#"{{"access_token":"{at}","refresh_token":"{rt}"}}"#);
    let mut shown = Vec::new();
    let endpoint_response = EndpointResponse::json(http::StatusCode::OK, token_body.clone());
    shown.push(format!("{endpoint_response:?}"));
    shown.push(format!("{:?}", authlete::answer::Next::Respond(endpoint_response.clone())));

    let token = auth_token::Success::builder()
        .access_token(at)
        .refresh_token(rt)
        .ticket(ticket)
        .password(password)
        .response_content(token_body.clone())
        .build()
        .unwrap();
    shown.push(format!("{token:?}"));
    let introspection =
        auth_introspection::Success::builder().action("OK").response_content(token_body.clone()).build().unwrap();
    shown.push(format!("{introspection:?}"));

    // Errors the client returns for hostile answers, and what they wrap.
    let server = Server::sequence(vec![
        // A success status the spec does not list, with a body that is not
        // the success type (a JSON object of it would be a success).
        Reply::text(299, "text/plain", &format!("token body: {token_body}")),
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
    mock.on::<auth_token::Builder>(token.clone());
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
    // JSON, but not the success type (an object of it would be a success).
    let body = format!(r#""access_token={}""#, SECRETS[0]);
    let server = Server::always(Reply::text(206, "application/json", &body)).await;
    let client = Authlete::builder().base_url(&server.base_url).service_id("1").build().unwrap();
    let e = client.auth_token().body_map(|b| b.parameters("x")).send().await.unwrap_err();
    let Error::Status { status, snippet, body_len, .. } = &e else { panic!("{e:?}") };
    assert_eq!((status.as_u16(), snippet.as_str(), *body_len), (206, "", body.len()));
    assert_no_secret(&format!("{e} {e:?}"));
    assert!(e.to_string().contains(&format!("{} bytes", body.len())), "{e}");
}

#[tokio::test]
async fn an_undocumented_success_that_decodes_shows_no_token() {
    let body = format!(
        r#"{{"action":"OK","accessToken":"{0}","responseContent":"{{\"access_token\":\"{0}\"}}"}}"#,
        SECRETS[0]
    );
    let server = Server::always(Reply::text(203, "application/json", &body)).await;
    let client = Authlete::builder().base_url(&server.base_url).service_id("1").build().unwrap();
    let response = client.auth_token().body_map(|b| b.parameters("x")).send().await.unwrap();
    assert_eq!(response.status(), 203);
    assert_eq!(response.access_token.as_deref(), Some(SECRETS[0]), "decoded");
    assert_no_secret(&format!("{response:?}"));
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
    let token = auth_token::Success::builder()
        .access_token(at)
        .refresh_token(rt)
        .ticket(ticket)
        .subject("alice")
        .build()
        .unwrap();
    let shown = format!("{token:?}");
    assert_no_secret(&shown);
    assert!(shown.contains(&format!("access_token: Some(<redacted {} chars>)", at.len())), "{shown}");
    assert!(shown.contains(r#"subject: Some("alice")"#), "what is no secret still shows: {shown}");
    let request = authlete::types::TokenRequest::builder()
        .parameters(format!("password={password}"))
        .client_id("app")
        .client_secret(client_secret);
    let shown = format!("{request:?}");
    assert_no_secret(&shown);
    assert!(shown.contains("app"), "{shown}");
    // A field a type does not know (or one kept raw) shows its name only.
    let with_extra: auth_token::Success =
        serde_json::from_value(json!({"accessToken": 42, "newTokenKind": at})).unwrap();
    let shown = format!("{with_extra:?}");
    assert_no_secret(&shown);
    assert!(shown.contains("newTokenKind"), "{shown}");
}
