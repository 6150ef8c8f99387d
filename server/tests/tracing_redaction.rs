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

    the_example_provider_logs_no_end_user_secret(&captured).await;
    for p in panics.lock().unwrap().iter() {
        assert!(!p.contains(example::stand_in::SECRET_MARK), "{p}");
    }
}

/// The example provider's walk-through on its stand-in, with everything it
/// logs and the `Debug` of every request the provider sent to Authlete.
#[cfg(feature = "tracing")]
async fn the_example_provider_logs_no_end_user_secret(captured: &Captured) {
    use authlete::operation::{auth_authorization_issue, auth_token, auth_userinfo, idtoken_reissue};
    let mock = example::stand_in::start().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let provider = std::sync::Arc::new(example::Provider::new(mock.client(), issuer.clone()));
    tokio::spawn(async move { axum::serve(listener, example::router(provider)).await });
    example::walk_through(&issuer).await.unwrap();

    // The provider really handled the secrets it must not show.
    let tickets = mock.calls_to::<auth_authorization_issue::Builder>();
    assert!(tickets[0].body["ticket"].as_str().unwrap().ends_with(example::stand_in::SECRET_MARK));
    let mut texts: Vec<String> = Vec::new();
    texts.extend(tickets.iter().map(|c| format!("{:?}", c.request)));
    texts.extend(mock.calls_to::<auth_token::Builder>().iter().map(|c| format!("{:?}", c.request)));
    texts.extend(mock.calls_to::<idtoken_reissue::Builder>().iter().map(|c| format!("{:?}", c.request)));
    texts.extend(mock.calls_to::<auth_userinfo::Builder>().iter().map(|c| format!("{:?}", c.request)));
    // A strict-mode reissue failure, as a handler would log it.
    let strict = authlete_server::TokenEndpoint::new(mock.client()).reissue_fallback(false);
    mock.on_request::<idtoken_reissue::Builder>(|_| {
        authlete_mock::MockReply::json(200, &json!({"action": "CALLER_ERROR"}))
    });
    let code_body = "grant_type=refresh_token&refresh_token=rt-0-s3kr1t";
    let e = strict.handle(authlete_server::ClientRequest::new(code_body)).await.unwrap_err();
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
