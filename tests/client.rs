//! The client against a real HTTP server on loopback: what goes on the wire,
//! how answers become values or typed errors, timeouts and the retry policy.

mod support;

use std::time::{Duration, Instant};

use authlete::{Authlete, ConfigError, Error, RetryConfig, Timeouts};
use serde_json::json;
use support::{Reply, Server};

const TOKEN: &str = "tok-SECRET-123";

fn client(server: &Server) -> Authlete {
    Authlete::builder()
        .base_url(&server.base_url)
        .service_id("715948317")
        .access_token(TOKEN)
        .retry(RetryConfig { initial_backoff: Duration::from_millis(10), ..RetryConfig::default() })
        .build()
        .unwrap()
}

fn reissue_ok() -> Reply {
    Reply::json(200, json!({"resultCode": "A000000", "action": "OK", "responseContent": "{}", "idToken": "eyJ"}))
}

async fn reissue(c: &Authlete) -> Result<authlete::Response<authlete::idtoken::IdtokenReissueResponse>, Error> {
    c.idtoken_reissue().body_map(|b| b.access_token("at").refresh_token("rt")).send().await
}

#[tokio::test]
async fn sends_bearer_token_service_id_and_json_body() {
    let server = Server::always(reissue_ok()).await;
    let c = client(&server);
    let r = reissue(&c).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.id_token.as_deref(), Some("eyJ"));
    let req = &server.requests()[0];
    assert_eq!(req.method, "POST");
    assert_eq!(req.target, "/api/715948317/idtoken/reissue");
    assert_eq!(req.header("authorization"), Some("Bearer tok-SECRET-123"));
    assert!(req.header("content-type").unwrap().starts_with("application/json"));
    assert_eq!(req.json(), json!({"accessToken": "at", "refreshToken": "rt"}));
    // Each header once: the media type we read, the crate's and the spec's
    // versions in the user agent (and no `api-version`, progenitor's).
    let once = |name: &str| req.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).count() == 1;
    assert!(["accept", "authorization", "user-agent"].iter().all(|n| once(n)), "{:?}", req.headers);
    assert!(req.header("api-version").is_none(), "{:?}", req.headers);
    let version = support::spec::normalised()["info"]["version"].as_str().unwrap().to_owned();
    let agent = format!("authlete-rust/{} authlete-api/{version}", env!("CARGO_PKG_VERSION"));
    assert_eq!(req.header("user-agent"), Some(agent.as_str()));
    assert_eq!(authlete::user_agent(), agent);
    assert_eq!(req.header("accept"), Some("application/json"));
}

#[tokio::test]
async fn a_request_can_override_the_service_id_and_it_is_one_encoded_segment() {
    let server = Server::always(reissue_ok()).await;
    let c = client(&server);
    c.idtoken_reissue()
        .service_id("a/../b?c#d%e")
        .body_map(|b| b.access_token("at").refresh_token("rt"))
        .send()
        .await
        .unwrap();
    c.with_service_id("42")
        .idtoken_reissue()
        .body_map(|b| b.access_token("a").refresh_token("r"))
        .send()
        .await
        .unwrap();
    let reqs = server.requests();
    assert_eq!(reqs[0].target, "/api/a%2F..%2Fb%3Fc%23d%25e/idtoken/reissue");
    assert_eq!(reqs[1].target, "/api/42/idtoken/reissue");
}

#[tokio::test]
async fn without_a_service_id_the_request_is_refused_before_sending() {
    let server = Server::always(reissue_ok()).await;
    let c = Authlete::builder().base_url(&server.base_url).access_token(TOKEN).build().unwrap();
    let e = reissue(&c).await.unwrap_err();
    match &e {
        Error::InvalidRequest { operation: "idtoken_reissue", message } => {
            // The generated builder makes this message only when it is needed.
            assert!(message.contains("service_id"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn authlete_error_bodies_become_typed_api_errors_without_the_token() {
    let server = Server::always(Reply::json(
        401,
        json!({"resultCode": "A001202", "resultMessage": "[A001202] Authorization header is missing."}),
    ))
    .await;
    let e = reissue(&client(&server)).await.unwrap_err();
    match &e {
        Error::Api { status, result_code, .. } => {
            assert_eq!(status.as_u16(), 401);
            assert_eq!(result_code.as_deref(), Some("A001202"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.result_code(), Some("A001202"));
    assert!(!e.is_retryable());
    for text in [format!("{e}"), format!("{e:?}")] {
        assert!(text.contains("A001202") && !text.contains(TOKEN), "{text}");
    }
}

#[tokio::test]
async fn an_html_error_page_is_a_status_error_with_a_bounded_snippet() {
    let page = format!("<html><body>Bad Gateway{}</body></html>", "x".repeat(5000));
    let server = Server::always(Reply::text(502, "text/html", &page)).await;
    let e = reissue(&client(&server)).await.unwrap_err();
    match &e {
        Error::Status { status, snippet, .. } => {
            assert_eq!(status.as_u16(), 502);
            assert!(snippet.starts_with("<html>"));
            assert!(snippet.len() <= authlete::SNIPPET_BYTES + 4);
        }
        other => panic!("{other:?}"),
    }
    assert!(e.is_retryable());
    assert_eq!(server.count(), 1, "a POST that may have been processed is not re-sent after a 502");
}

#[tokio::test]
async fn invalid_json_is_a_decode_error() {
    let server = Server::always(Reply::text(200, "application/json", "{\"action\": ")).await;
    let e = reissue(&client(&server)).await.unwrap_err();
    assert!(matches!(&e, Error::Decode { body_len: 11, .. }), "{e:?}");
    assert!(e.to_string().contains("11 bytes"), "{e}");
}

/// Whether the spec the crate was built from lists 204 beside a typed 200 for
/// the JWK Set operation (the newer revisions do).
fn jwks_has_no_content() -> bool {
    let text = std::fs::read_to_string(env!("AUTHLETE_NORMALISED_SPEC")).unwrap();
    let spec: serde_json::Value = serde_json::from_str(&text).unwrap();
    spec["paths"]["/api/{serviceId}/service/jwks/get"]["get"]["x-authlete-empty-success"] == json!(["204"])
}

#[tokio::test]
async fn a_success_status_the_spec_does_not_list_is_a_success_when_the_body_decodes() {
    let reissued = json!({"resultCode": "A000000", "action": "OK", "responseContent": "{}", "idToken": "eyJ"});
    let server =
        Server::sequence(vec![Reply::json(201, reissued), Reply::json(202, json!(["not", "an", "object"]))]).await;
    let c = client(&server);
    let created = reissue(&c).await.unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(created.id_token.as_deref(), Some("eyJ"));
    // Not the success type: the status, and the body's length only.
    let e = reissue(&c).await.unwrap_err();
    match &e {
        Error::Status { status, snippet, body_len, .. } => {
            assert_eq!((status.as_u16(), snippet.as_str(), *body_len), (202, "", 21));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_requests_own_headers_go_with_every_attempt_and_cannot_replace_the_token() {
    use http::{HeaderName, HeaderValue};
    let server = Server::sequence(vec![Reply::empty(503), Reply::json(200, json!({"keys": []}))]).await;
    let c = client(&server);
    c.service_jwks_get()
        .header(HeaderName::from_static("x-request-id"), HeaderValue::from_static("abc"))
        .header(http::header::AUTHORIZATION, HeaderValue::from_static("Bearer someone-else"))
        .send()
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "one retry");
    for r in &requests {
        assert_eq!(r.header("x-request-id"), Some("abc"));
        assert_eq!(r.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    }
    c.service_jwks_get().send().await.unwrap();
    assert_eq!(server.requests()[2].header("x-request-id"), None, "only that request's");
    // The message's framing is the client's.
    let e = c
        .service_jwks_get()
        .header(http::header::CONTENT_LENGTH, HeaderValue::from_static("0"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(&e, Error::InvalidRequest { message, .. } if message.contains("content-length")), "{e:?}");
    assert_eq!(server.count(), 3, "not sent");
    // A header of the app's own may be a secret: Debug names it only.
    let r = c.service_jwks_get().header(HeaderName::from_static("x-app-key"), HeaderValue::from_static("s3cret-v"));
    let shown = format!("{r:?}");
    assert!(shown.contains("x-app-key") && !shown.contains("s3cret-v"), "{shown}");
}

#[tokio::test]
async fn a_token_source_replaced_by_the_app_is_what_later_requests_carry() {
    let server = Server::always(reissue_ok()).await;
    let source = authlete::ApiTokenSource::new("first").unwrap();
    let c = Authlete::builder()
        .base_url(&server.base_url)
        .service_id("1")
        .access_token_source(source.clone())
        .build()
        .unwrap();
    reissue(&c).await.unwrap();
    source.set("second").unwrap();
    reissue(&c.clone()).await.unwrap();
    // A token that cannot be a header is refused; the source keeps its token.
    assert!(matches!(source.set("bad\ntoken"), Err(authlete::ConfigError::InvalidToken)));
    reissue(&c).await.unwrap();
    let sent: Vec<_> = server.requests().iter().map(|r| r.header("authorization").unwrap().to_string()).collect();
    assert_eq!(sent, ["Bearer first", "Bearer second", "Bearer second"]);
    assert!(!format!("{c:?}{source:?}").contains("second"), "never shown");
}

#[tokio::test]
async fn a_body_less_operation_takes_any_success_status_without_a_body() {
    // `client_delete` lists 204; Authlete answering 200 with no body is the same success.
    let server = Server::sequence(vec![Reply::empty(200), Reply::text(200, "text/plain", "deleted")]).await;
    let c = client(&server);
    let deleted = c.client_delete().client_id(7).send().await.unwrap();
    assert_eq!(deleted.status(), 200);
    let e = c.client_delete().client_id(7).send().await.unwrap_err();
    assert!(matches!(&e, Error::Status { status, body_len: 7, .. } if *status == 200), "{e:?}");
}

#[tokio::test]
async fn body_less_success_beside_a_typed_one_is_no_content() {
    let jwks = json!({"keys": []});
    let server = Server::sequence(vec![Reply::empty(204), Reply::json(200, jwks)]).await;
    let c = client(&server);
    let first = c.service_jwks_get().send().await;
    if jwks_has_no_content() {
        let none = first.unwrap();
        assert_eq!(none.status(), 204);
        // `Option<ServiceJwksGetResponse>`: `None` encodes as null.
        assert_eq!(serde_json::to_value(none.into_inner()).unwrap(), json!(null));
    } else {
        let e = first.unwrap_err();
        assert!(matches!(&e, Error::Status { status, .. } if status.as_u16() == 204), "{e:?}");
    }
    let some = c.service_jwks_get().send().await.unwrap();
    assert_eq!(some.status(), 200);
    assert!(serde_json::to_value(some.into_inner()).unwrap().is_object());
    assert_eq!(server.requests()[0].target, "/api/715948317/service/jwks/get");
}

#[tokio::test]
async fn body_less_error_is_still_an_error_with_its_status() {
    let server = Server::always(Reply::empty(404)).await;
    let e = client(&server).client_delete().client_id("123").send().await.unwrap_err();
    assert!(matches!(&e, Error::Status { status, .. } if status.as_u16() == 404), "{e:?}");
}

#[tokio::test]
async fn a_429_burst_is_retried_up_to_the_attempt_limit() {
    let server = Server::sequence(vec![Reply::empty(429), Reply::empty(429), reissue_ok()]).await;
    let r = reissue(&client(&server)).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(server.count(), 3);
    // A retry sends the same request again (built anew, not copied).
    let sent = server.requests();
    for again in &sent[1..] {
        assert_eq!((&again.method, &again.target), (&sent[0].method, &sent[0].target));
        assert_eq!(again.json(), json!({"accessToken": "at", "refreshToken": "rt"}));
        for name in ["authorization", "user-agent", "accept", "content-type"] {
            assert_eq!(again.header(name), sent[0].header(name), "{name}");
        }
    }
    assert_eq!(sent[2].header("authorization"), Some("Bearer tok-SECRET-123"));

    let always = Server::always(Reply::empty(429)).await;
    let e = reissue(&client(&always)).await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(always.count(), 3, "default max_attempts is 3");
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = Server::sequence(vec![
        Reply::json(429, json!({"resultCode": "X"})).with_header("retry-after", "1"),
        reissue_ok(),
    ])
    .await;
    let started = Instant::now();
    reissue(&client(&server)).await.unwrap();
    let waited = started.elapsed();
    assert_eq!(server.count(), 2);
    assert!(waited >= Duration::from_millis(950), "waited only {waited:?}");
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
}

#[tokio::test]
async fn retry_after_beyond_the_limit_ends_the_retries() {
    let server = Server::always(Reply::empty(503).with_header("retry-after", "3600")).await;
    let started = Instant::now();
    let e = reissue(&client(&server)).await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.count(), 1);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn gateway_errors_are_retried_for_reads_only() {
    let server = Server::sequence(vec![Reply::empty(502), Reply::json(200, json!({"keys": []}))]).await;
    let c = client(&server);
    c.service_jwks_get().send().await.unwrap();
    assert_eq!(server.count(), 2, "GET retried after 502");
}

#[tokio::test]
async fn retries_can_be_switched_off() {
    let server = Server::always(Reply::empty(503)).await;
    let c =
        Authlete::builder().base_url(&server.base_url).service_id("1").retry(RetryConfig::disabled()).build().unwrap();
    reissue(&c).await.unwrap_err();
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_slow_answer_times_out_and_a_post_is_not_resent() {
    let server = Server::always(Reply::Delayed(Duration::from_secs(5), Box::new(reissue_ok()))).await;
    let c = Authlete::builder()
        .base_url(&server.base_url)
        .service_id("1")
        .timeouts(Timeouts { attempt: Duration::from_millis(200), ..Timeouts::default() })
        .build()
        .unwrap();
    let started = Instant::now();
    let e = reissue(&c).await.unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
    assert!(e.is_retryable());
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn the_total_timeout_bounds_all_attempts() {
    let server = Server::always(Reply::Delayed(Duration::from_secs(5), Box::new(reissue_ok()))).await;
    let c = Authlete::builder()
        .base_url(&server.base_url)
        .service_id("1")
        .timeouts(Timeouts {
            attempt: Duration::from_secs(2),
            total: Duration::from_millis(300),
            ..Timeouts::default()
        })
        .build()
        .unwrap();
    let started = Instant::now();
    let e = c.service_jwks_get().send().await.unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_refused_connection_is_a_retryable_transport_error() {
    // Bind then drop: nothing listens on this port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let c = Authlete::builder().base_url(format!("http://127.0.0.1:{port}")).service_id("1").build().unwrap();
    let e = reissue(&c).await.unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    assert!(e.is_retryable());
}

#[tokio::test]
async fn the_body_size_is_capped() {
    let big = json!({"resultCode": "A", "responseContent": "x".repeat(10_000)});
    let server = Server::always(Reply::json(200, big)).await;
    let c = Authlete::builder().base_url(&server.base_url).service_id("1").max_body_bytes(1024).build().unwrap();
    let e = reissue(&c).await.unwrap_err();
    assert!(matches!(e, Error::BodyTooLarge { limit: 1024, .. }), "{e:?}");
}

#[tokio::test]
async fn a_supplied_reqwest_client_is_used() {
    let server = Server::always(reissue_ok()).await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-from-custom-client", "yes".parse().unwrap());
    let http = authlete::reqwest_client_builder().unwrap().default_headers(headers).build().unwrap();
    let c = Authlete::builder()
        .base_url(&server.base_url)
        .service_id("1")
        .access_token(TOKEN)
        .http_client(http)
        .build()
        .unwrap();
    reissue(&c).await.unwrap();
    let req = &server.requests()[0];
    assert_eq!(req.header("x-from-custom-client"), Some("yes"));
    assert_eq!(req.header("authorization"), Some("Bearer tok-SECRET-123"));
}

#[test]
fn plain_http_with_a_token_is_refused_unless_loopback_or_allowed() {
    let build = |url: &str, allow: bool| {
        Authlete::builder().base_url(url).access_token(TOKEN).allow_insecure_http(allow).build()
    };
    let e = build("http://authlete.example.com", false).unwrap_err();
    assert!(matches!(&e, ConfigError::InsecureHttp { host } if host == "authlete.example.com"), "{e:?}");
    assert!(!format!("{e}").contains(TOKEN));
    assert!(build("http://authlete.example.com", true).is_ok());
    for url in ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:2", "https://us.authlete.com"] {
        assert!(build(url, false).is_ok(), "{url}");
    }
    assert!(matches!(build("ftp://x", false), Err(ConfigError::InvalidBaseUrl { .. })));
}

#[test]
fn debug_output_never_shows_the_token() {
    let builder = Authlete::builder().access_token(TOKEN);
    assert!(!format!("{builder:?}").contains(TOKEN));
    let c = builder.build().unwrap();
    let text = format!("{c:?}");
    assert!(!text.contains(TOKEN), "{text}");
    assert!(text.contains("redacted"));
}

#[test]
fn environment_configuration_names_the_variable_at_fault() {
    // One test touches the environment, so nothing races on it.
    let vars = [authlete::ENV_BASE_URL, authlete::ENV_SERVICE_ID, authlete::ENV_ACCESS_TOKEN, authlete::ENV_BEARER];
    let clear = || vars.iter().for_each(|v| std::env::remove_var(v));
    clear();
    let e = Authlete::from_env().unwrap_err();
    assert!(format!("{e}").contains("AUTHLETE_BASE_URL"), "{e}");

    std::env::set_var(authlete::ENV_BASE_URL, "not a url");
    let e = Authlete::from_env().unwrap_err();
    assert!(matches!(e, ConfigError::InvalidEnv { var: "AUTHLETE_BASE_URL", .. }), "{e:?}");

    std::env::set_var(authlete::ENV_BASE_URL, "jp");
    let e = Authlete::from_env().unwrap_err();
    assert!(format!("{e}").contains("AUTHLETE_SERVICE_ACCESSTOKEN"), "{e}");

    std::env::set_var(authlete::ENV_BEARER, "bearer-token");
    std::env::set_var(authlete::ENV_SERVICE_ID, "42");
    let c = Authlete::from_env().unwrap();
    assert_eq!(c.base_url(), "https://jp.authlete.com");
    assert_eq!(c.service_id(), Some("42"));

    std::env::set_var(authlete::ENV_ACCESS_TOKEN, "bad\ntoken");
    let e = Authlete::from_env().unwrap_err();
    assert!(matches!(e, ConfigError::InvalidEnv { var: "AUTHLETE_SERVICE_ACCESSTOKEN", .. }), "{e:?}");
    assert!(!format!("{e} {e:?}").contains("bad\ntoken"));
    clear();
}

#[tokio::test]
async fn limits_too_large_to_add_mean_no_limit_and_never_panic() {
    let server =
        Server::sequence(vec![Reply::empty(503).with_header("retry-after", "18446744073709551615"), reissue_ok()])
            .await;
    let c = Authlete::builder()
        .base_url(&server.base_url)
        .service_id("1")
        .timeouts(Timeouts { total: Duration::MAX, ..Timeouts::default() })
        .retry(RetryConfig { max_retry_after: Duration::MAX, max_backoff: Duration::MAX, ..RetryConfig::default() })
        .build()
        .unwrap();
    // The Retry-After cannot be waited for: the 503 is the answer.
    let e = reissue(&c).await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(reissue(&c).await.unwrap().status(), 200);
}

#[tokio::test]
async fn progenitors_own_send_goes_through_the_same_transport() {
    // The escape hatch: progenitor's builder and its `send`, with the
    // client's token and retry policy (two 429s, then the answer).
    let server = Server::sequence(vec![Reply::empty(429), Reply::empty(429), reissue_ok()]).await;
    let c = client(&server);
    let raw = c.idtoken_reissue().body_map(|b| b.access_token("at").refresh_token("rt")).into_raw();
    let answer = raw.send().await.unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    assert_eq!(server.count(), 3);
    assert_eq!(server.requests()[2].header("authorization"), Some("Bearer tok-SECRET-123"));
}
