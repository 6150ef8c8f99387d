//! A network that misbehaves on purpose: every fault ends in the documented
//! error or a bounded retry, with the attempt counts the policy promises, and
//! nothing panics.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use authlete::answer::AuthleteAnswer;
use authlete::{Authlete, Error, RetryConfig, Timeouts};
use serde_json::json;
use support::{Reply, Server};

fn client(server: &Server) -> Authlete {
    Authlete::builder()
        .base_url(&server.base_url)
        .service_id("1")
        .access_token("tok")
        .retry(RetryConfig { initial_backoff: Duration::from_millis(5), ..RetryConfig::default() })
        .timeouts(Timeouts {
            attempt: Duration::from_millis(500),
            total: Duration::from_secs(5),
            ..Timeouts::default()
        })
        .build()
        .unwrap()
}

async fn post(c: &Authlete) -> Result<authlete::Response<authlete::idtoken::IdtokenReissueResponse>, Error> {
    c.idtoken_reissue().body_map(|b| b.access_token("a").refresh_token("r")).send().await
}

async fn get(c: &Authlete) -> Result<http::StatusCode, Error> {
    c.service_jwks_get().send().await.map(|r| r.status())
}

#[tokio::test]
async fn reset_before_headers_is_not_resent_for_a_post_but_is_for_a_get() {
    let server = Server::always(Reply::Reset).await;
    let e = post(&client(&server)).await.unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    assert_eq!(server.count(), 1, "the POST may have been processed");

    let server = Server::always(Reply::Reset).await;
    let e = get(&client(&server)).await.unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    assert_eq!(server.count(), 3, "a GET is retried up to max_attempts");
}

#[tokio::test]
async fn reset_after_headers_is_a_transport_error() {
    let server = Server::always(Reply::ResetAfterHeaders { status: 200, content_length: 500 }).await;
    let e = post(&client(&server)).await.unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_truncated_body_is_a_transport_error() {
    let body = br#"{"action":"OK","responseContent":"#.to_vec();
    let server = Server::always(Reply::Truncated { status: 200, content_length: 400, body }).await;
    let e = post(&client(&server)).await.unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
}

#[tokio::test]
async fn a_body_slower_than_the_timeout_times_out() {
    let body = json!({"action": "OK", "responseContent": "x".repeat(100)}).to_string().into_bytes();
    let server = Server::always(Reply::SlowBody { status: 200, body, interval: Duration::from_millis(50) }).await;
    let started = Instant::now();
    let e = post(&client(&server)).await.unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_200_carrying_an_unknown_action_decodes() {
    let server = Server::always(Reply::json(
        200,
        json!({"action": "ACTION_FROM_THE_FUTURE", "responseContent": "{}", "newField": [1, 2]}),
    ))
    .await;
    let r = post(&client(&server)).await.unwrap().into_inner();
    let action = r.action.as_ref().unwrap();
    assert!(action.is_unknown());
    assert_eq!(action.as_str(), "ACTION_FROM_THE_FUTURE");
    assert_eq!(r.extra["newField"], json!([1, 2]));
    assert_eq!(r.to_http_response().status().as_u16(), 500, "unknown actions answer server_error");
}

#[tokio::test]
async fn html_and_garbage_bodies_are_typed_errors() {
    for (status, ct, body) in [
        (502, "text/html", "<html><h1>502 Bad Gateway</h1></html>"),
        (500, "text/html", "<!doctype html><title>oops</title>"),
        (200, "text/html", "<html>captive portal</html>"),
        (200, "application/json", "\u{0}\u{1}\u{2}"),
        (400, "application/json", "{not json"),
        (401, "application/json", "[]"),
    ] {
        let server = Server::always(Reply::text(status, ct, body)).await;
        let e = post(&client(&server)).await.unwrap_err();
        match (status, &e) {
            (200, Error::Decode { status: Some(s), .. }) if s.as_u16() == 200 => {}
            (_, Error::Status { status: s, .. }) if s.as_u16() == status && status != 200 => {}
            _ => panic!("{status} {body:?} gave {e:?}"),
        }
    }
}

#[tokio::test]
async fn an_oversized_body_is_refused_at_the_documented_default() {
    let big = json!({"responseContent": "x".repeat(authlete::DEFAULT_MAX_BODY_BYTES + 10)});
    let server = Server::always(Reply::json(200, big)).await;
    let e = post(&client(&server)).await.unwrap_err();
    assert!(matches!(e, Error::BodyTooLarge { limit, .. } if limit == authlete::DEFAULT_MAX_BODY_BYTES), "{e:?}");
}

/// A resolver that fails every lookup, standing in for a DNS outage without
/// sending a query anywhere.
struct NoDns;

impl reqwest::dns::Resolve for NoDns {
    fn resolve(&self, _: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async { Err("no such host (test resolver)".into()) })
    }
}

#[tokio::test]
async fn a_dns_failure_is_a_retryable_transport_error() {
    let http = authlete::reqwest_client_builder().unwrap().dns_resolver(Arc::new(NoDns)).build().unwrap();
    let c = Authlete::builder()
        .base_url("https://authlete.invalid")
        .service_id("1")
        .retry(RetryConfig { initial_backoff: Duration::from_millis(5), ..RetryConfig::default() })
        .http_client(http)
        .build()
        .unwrap();
    let started = Instant::now();
    let e = post(&c).await.unwrap_err();
    assert!(matches!(&e, Error::Transport { .. }), "{e:?}");
    assert!(e.is_retryable());
    assert!(started.elapsed() < Duration::from_secs(2));
}
