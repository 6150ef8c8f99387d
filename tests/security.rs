//! Secrets never show: not the access token in `Debug` or `Display` of the
//! client, its builder or any error, nor end users' tokens that travel in
//! paths or bodies. (The `tracing` output is checked in `tracing_redaction.rs`,
//! a process of its own: tracing caches which call sites are enabled, and
//! other tests running beside it would race on that.)

mod support;

use authlete::{Authlete, RetryConfig};
use support::{Reply, Server};

const TOKEN: &str = "SECRET-5f1c9e-TOKEN";

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
    assert!(matches!(e, authlete::Error::Transport { .. }), "{e:?}");
    let shown = format!("{e} {e:?} {:?}", std::error::Error::source(&e));
    assert!(!shown.contains("END-USER-TOKEN-42"), "{shown}");

    // A success body that does not decode is not quoted in the error.
    // (Truncated: a field of the wrong type alone would be tolerated.)
    let body = r#"{"responseContent":"{\"access_token\":\"END-USER-AT\"}","action":"OK","#;
    let server = Server::always(Reply::text(200, "application/json", body)).await;
    let c = Authlete::builder().base_url(&server.base_url).service_id("1").build().unwrap();
    let e = c.auth_token().body_map(|b| b.parameters("grant_type=x")).send().await.unwrap_err();
    assert!(matches!(e, authlete::Error::Decode { .. }), "{e:?}");
    assert!(!format!("{e} {e:?}").contains("END-USER-AT"), "{e:?}");
}
