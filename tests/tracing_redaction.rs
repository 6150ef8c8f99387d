//! The access token never shows in the `tracing` output of calls that
//! succeed, fail and retry, nor in `Debug`/`Display` of what they touch.
//! (The example provider's whole flow is checked the same way in
//! `server/tests/tracing_redaction.rs`.) Alone in its process, one test:
//! tracing caches which call sites are enabled.
#![cfg_attr(not(feature = "tracing"), allow(dead_code, unused_imports))]

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use authlete::{ApiAccessToken, Authlete, RetryConfig};
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

#[cfg(feature = "tracing")]
#[tokio::test]
async fn no_secret_appears_in_debug_errors_or_traces() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    the_service_token_never_shows(&captured).await;
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
    let mut texts = vec![
        format!("{builder:?}"),
        format!("{:?}", ApiAccessToken::new(TOKEN)),
        ApiAccessToken::new(TOKEN).to_string(),
    ];
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
