//! The example provider's whole flow (`examples/authorization_server.rs`:
//! code + PKCE, token, userinfo, refresh with reissue, introspection,
//! revocation) logs no token, secret, code, ticket or password at TRACE, and
//! neither the `Debug` of the requests it sent to Authlete, nor of an error
//! it returned, nor a panic message shows one. Alone in its process, one
//! test: tracing caches which call sites are enabled.
#![cfg_attr(not(feature = "tracing"), allow(dead_code, unused_imports))]

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::json;

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
async fn the_example_provider_shows_no_secret_in_traces_debug_or_panics() {
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

    let secrets = the_example_provider_logs_no_end_user_secret(&captured).await;
    for p in panics.lock().unwrap().iter() {
        for secret in &secrets {
            assert!(!p.contains(secret.as_str()), "a secret shows in a panic: {p}");
        }
    }
}

/// Every credential the fake handed out or received in the walk-through:
/// tickets, codes, access and refresh tokens, the client secret and the
/// PKCE verifier.
fn secrets_of(fake: &authlete_mock::FakeAuthlete) -> Vec<String> {
    let mut secrets = vec![example::CLIENT_SECRET.to_string(), example::CODE_VERIFIER.to_string()];
    for call in fake.calls() {
        for field in [
            "ticket",
            "authorizationCode",
            "accessToken",
            "refreshToken",
            "idToken",
            "deviceCode",
            "userCode",
            "authReqId",
        ] {
            if let Some(value) = call.response[field].as_str() {
                secrets.push(value.to_string());
            }
        }
    }
    secrets
}

/// The example provider's walk-through on the fake, with everything it
/// logs and the `Debug` of every request the provider sent to Authlete.
#[cfg(feature = "tracing")]
async fn the_example_provider_logs_no_end_user_secret(captured: &Captured) -> Vec<String> {
    use authlete::operation::{auth_authorization_issue, auth_token, auth_userinfo, idtoken_reissue};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let fake = example::start_fake(&issuer).await.unwrap();
    let provider = std::sync::Arc::new(example::Provider::new(fake.client(), issuer.clone()));
    tokio::spawn(async move { axum::serve(listener, example::router(provider)).await });
    example::walk_through(&issuer).await.unwrap();

    let mut texts: Vec<String> = Vec::new();
    let tickets = fake.calls_to::<auth_authorization_issue::Builder>();
    texts.extend(tickets.iter().map(|c| format!("{:?}", c.request)));
    texts.extend(fake.calls_to::<auth_token::Builder>().iter().map(|c| format!("{:?}", c.request)));
    texts.extend(fake.calls_to::<idtoken_reissue::Builder>().iter().map(|c| format!("{:?}", c.request)));
    texts.extend(fake.calls_to::<auth_userinfo::Builder>().iter().map(|c| format!("{:?}", c.request)));
    // A strict-mode reissue failure, as a handler would log it.
    let client = fake.client().client_get().client_id(example::CLIENT_ID).send().await.unwrap();
    let tokens = fake.issue_tokens(client.client_id.unwrap(), "alice", &["openid"]);
    let strict = authlete_server::TokenEndpoint::new(fake.client()).reissue_fallback(false);
    fake.on_request::<idtoken_reissue::Builder>(|_| {
        authlete_mock::MockReply::json(200, &json!({"action": "CALLER_ERROR"}))
    });
    let body = format!("grant_type=refresh_token&refresh_token={}", tokens.refresh_token().unwrap());
    let basic = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("{}:{}", example::CLIENT_ID, example::CLIENT_SECRET),
    );
    let request = authlete_server::ClientRequest::new(body).authorization(Some(&format!("Basic {basic}")));
    let e = strict.handle(request).await.unwrap_err();
    tracing::error!(error = ?e, "token endpoint failed");
    texts.push(format!("{e:?}"));

    let secrets = secrets_of(&fake);
    // The provider really handled the secrets it must not show.
    assert!(secrets.len() > 8, "{} secrets", secrets.len());
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("auth_authorization_issue") && logs.contains("idtoken_reissue"), "{logs}");
    for text in texts.iter().chain([&logs]) {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "a secret shows in: {text}");
        }
    }
    secrets
}
