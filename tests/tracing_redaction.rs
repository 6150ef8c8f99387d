//! The access token never shows in the `tracing` output of calls that
//! succeed, fail and retry, nor in `Debug`/`Display` of what they touch; and
//! the example provider's whole flow (`examples/authorization_server.rs`:
//! code + PKCE, token, userinfo, refresh with reissue, introspection,
//! revocation) logs no token, secret, code, ticket or password at TRACE.
//! Alone in its process, one test: tracing caches which call sites are
//! enabled.
#![cfg_attr(not(feature = "tracing"), allow(dead_code, unused_imports))]

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use authlete::{AccessToken, Authlete, RetryConfig};
use serde_json::json;
use support::{Reply, Server};

const TOKEN: &str = "SECRET-5f1c9e-TOKEN";
/// An end user's access token, as a path parameter.
const END_USER_SECRET: &str = "END-USER-AT-7d2e41";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[path = "../examples/authorization_server.rs"]
#[allow(dead_code)]
mod example;

#[cfg(feature = "tracing")]
#[tokio::test]
async fn no_secret_appears_in_debug_errors_traces_or_panics() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let panics = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = panics.clone();
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        seen.lock().unwrap().push(info.to_string());
        default_hook(info);
    }));

    the_service_token_never_shows(&captured).await;
    the_example_provider_logs_no_end_user_secret(&captured).await;
    for p in panics.lock().unwrap().iter() {
        assert!(!p.contains(TOKEN) && !p.contains(example::stand_in::SECRET_MARK), "{p}");
    }
}

/// The example provider's walk-through on its stand-in, with everything it
/// logs and the `Debug` of every request the provider sent to Authlete.
#[cfg(feature = "tracing")]
async fn the_example_provider_logs_no_end_user_secret(captured: &Captured) {
    use authlete::generated::builder::{AuthAuthorizationIssue, AuthToken, AuthUserinfo, IdtokenReissue};
    let mock = example::stand_in::start().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let provider = std::sync::Arc::new(example::Provider::new(mock.client(), issuer.clone()));
    tokio::spawn(async move { axum::serve(listener, example::router(provider)).await });
    example::walk_through(&issuer).await.unwrap();

    // The provider really handled the secrets it must not show.
    let tickets = mock.calls_to::<AuthAuthorizationIssue>();
    assert!(tickets[0].body["ticket"].as_str().unwrap().ends_with(example::stand_in::SECRET_MARK));
    let mut texts: Vec<String> = Vec::new();
    texts.extend(tickets.iter().map(|c| format!("{:?}", c.request)));
    texts.extend(mock.calls_to::<AuthToken>().iter().map(|c| format!("{:?}", c.request)));
    texts.extend(mock.calls_to::<IdtokenReissue>().iter().map(|c| format!("{:?}", c.request)));
    texts.extend(mock.calls_to::<AuthUserinfo>().iter().map(|c| format!("{:?}", c.request)));
    // A strict-mode reissue failure, as a handler would log it.
    let strict = authlete::TokenEndpoint::new(mock.client()).reissue_fallback(false);
    mock.on_request::<IdtokenReissue>(|_| authlete::mock::MockReply::json(200, &json!({"action": "CALLER_ERROR"})));
    let code_body = "grant_type=refresh_token&refresh_token=rt-0-s3kr1t";
    let e = strict.handle(authlete::TokenRequestInput::new(code_body)).await.unwrap_err();
    tracing::error!(error = ?e, "token endpoint failed");
    texts.push(format!("{e:?}"));

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("auth_authorization_issue") && logs.contains("idtoken_reissue"), "{logs}");
    for text in texts.iter().chain([&logs]) {
        for secret in [example::stand_in::SECRET_MARK, example::CLIENT_SECRET, example::CODE_VERIFIER] {
            assert!(!text.contains(secret), "{secret} shows in: {text}");
        }
    }
}

#[cfg(feature = "tracing")]
async fn the_service_token_never_shows(captured: &Captured) {
    let server = Server::sequence(vec![
        Reply::empty(429),
        Reply::json(200, json!({"action": "OK"})),
        Reply::json(401, json!({"resultCode": "A001202", "resultMessage": format!("token {TOKEN} rejected")})),
        Reply::text(502, "text/html", "<html/>"),
    ])
    .await;
    let builder = Authlete::builder()
        .base_url(&server.base_url)
        .service_id("1")
        .access_token(TOKEN)
        .retry(RetryConfig { initial_backoff: Duration::from_millis(5), ..RetryConfig::default() });
    let mut texts =
        vec![format!("{builder:?}"), format!("{:?}", AccessToken::new(TOKEN)), AccessToken::new(TOKEN).to_string()];
    let client = builder.build().unwrap();
    texts.push(format!("{client:?}"));
    let call = || client.idtoken_reissue().body_map(|b| b.access_token("a").refresh_token("r")).send();
    call().await.unwrap(); // 429, then 200
    let api_error = call().await.unwrap_err();
    let status_error = call().await.unwrap_err();
    for e in [&api_error, &status_error] {
        texts.push(format!("{e}"));
        texts.push(format!("{e:?}"));
    }
    // A transport failure on a path that carries an end user's secret: the
    // failed attempt is traced, without the URL.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let unreachable = Authlete::builder()
        .base_url(format!("http://{closed}"))
        .service_id("1")
        .access_token(TOKEN)
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let e = unreachable
        .auth_token_delete_by_access_token_identifier()
        .access_token_identifier(END_USER_SECRET)
        .send()
        .await
        .unwrap_err();
    texts.push(format!("{e}"));
    texts.push(format!("{e:?}"));
    // A client of the app's own: its redirect policy cannot be checked.
    Authlete::builder().http_client(reqwest::Client::new()).build().unwrap();
    // Every request carried the token on the wire...
    assert!(server.requests().iter().all(|r| r.header("authorization") == Some(&format!("Bearer {TOKEN}"))));
    // ...and nothing we print shows it, except Authlete's own message echoed
    // back in the Api error, which is Authlete's text, not ours.
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("idtoken_reissue"), "{logs}");
    assert!(logs.contains("attempt=2"), "retries are traced: {logs}");
    assert!(logs.contains("authlete.call"), "each call has its span: {logs}");
    assert!(!logs.contains(TOKEN), "{logs}");
    assert!(logs.contains("authlete call failed"), "the failed attempt is traced: {logs}");
    assert!(logs.contains("redirect policy cannot be checked"), "a supplied client is warned about: {logs}");
    assert!(!logs.contains(END_USER_SECRET), "{logs}");
    for t in &texts {
        let without_echo = t.replace(&format!("token {TOKEN} rejected"), "");
        assert!(!without_echo.contains(TOKEN), "{t}");
        assert!(!t.contains(END_USER_SECRET), "{t}");
    }
}
