//! The generated surface as users type it: plain setters and how to clear
//! them, required fields reported by name, per-request timeouts and retry
//! policy, paged list operations, typed mock recordings and open enums.

mod support;

use std::time::{Duration, Instant};

use authlete::operation::{auth_token, client_get_list};
use authlete::{Authlete, Error, RetryConfig, Timeouts};
use authlete_mock::{MockAuthlete, MockReply};
use serde_json::json;
use support::{Reply, Server};

fn client(server: &Server) -> Authlete {
    Authlete::builder()
        .base_url(&server.base_url)
        .service_id("1")
        .retry(RetryConfig { initial_backoff: Duration::from_millis(10), ..RetryConfig::default() })
        .build()
        .unwrap()
}

#[tokio::test]
async fn optional_fields_take_plain_values_and_set_none_clears_them() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on::<auth_token::Builder>(auth_token::Success::builder().action("OK"));
    let c = mock.client();
    c.auth_token().body_map(|b| b.parameters("grant_type=x").client_id("app").dpop("proof")).send().await.unwrap();
    c.auth_token()
        .body_map(|b| b.parameters("grant_type=x").client_id("app").set_client_id(None))
        .send()
        .await
        .unwrap();
    let calls = mock.calls_to::<auth_token::Builder>();
    let first = calls[0].request.as_ref().expect("typed request body");
    assert_eq!(first.client_id.as_deref(), Some("app"));
    assert_eq!(first.dpop.as_deref(), Some("proof"));
    assert_eq!(calls[0].body["clientId"], "app", "raw JSON still there");
    assert!(calls[1].body.get("clientId").is_none(), "cleared: {}", calls[1].body);
}

#[tokio::test]
async fn query_parameters_take_plain_values_and_can_be_cleared() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on::<client_get_list::Builder>(client_get_list::Success::builder().clients(vec![]));
    let c = mock.client();
    c.client_get_list().developer("dev").start(5).send().await.unwrap();
    c.client_get_list().developer("dev").set_developer(None).send().await.unwrap();
    let calls = mock.calls_to::<client_get_list::Builder>();
    assert!(calls[0].path.contains("developer=dev") && calls[0].path.contains("start=5"), "{}", calls[0].path);
    assert!(!calls[1].path.contains("developer"), "{}", calls[1].path);
}

#[tokio::test]
async fn a_missing_required_field_names_the_field_and_the_operation() {
    let server = Server::always(Reply::json(200, json!({}))).await;
    let e = client(&server).idtoken_reissue().body_map(|b| b.access_token("at")).send().await.unwrap_err();
    match &e {
        Error::InvalidRequest { operation, message } => {
            assert_eq!(*operation, "idtoken_reissue");
            assert!(message.contains("refresh_token"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.count(), 0, "refused before sending");
}

#[tokio::test]
async fn a_request_can_switch_retries_off_for_itself() {
    let server = Server::always(Reply::empty(503)).await;
    let c = client(&server);
    c.service_jwks_get().retry(RetryConfig::disabled()).send().await.unwrap_err();
    assert_eq!(server.count(), 1, "this request: one attempt");
    c.service_jwks_get().send().await.unwrap_err();
    assert_eq!(server.count(), 4, "the client's policy is unchanged: three more");
}

#[tokio::test]
async fn a_request_can_have_its_own_timeouts() {
    let server = Server::always(Reply::Delayed(Duration::from_secs(5), Box::new(Reply::json(200, json!({}))))).await;
    let c = client(&server);
    let started = Instant::now();
    let e = c
        .service_jwks_get()
        .timeouts(Timeouts {
            attempt: Duration::from_millis(100),
            total: Duration::from_millis(250),
            ..Default::default()
        })
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

/// `start`/`end` from a mock call's query string.
fn window(call: &authlete_mock::Call) -> (i64, i64) {
    let query = call.path.split_once('?').map(|(_, q)| q).unwrap_or("");
    let get = |k: &str| {
        query.split('&').find_map(|kv| kv.strip_prefix(&format!("{k}="))).and_then(|v| v.parse().ok()).unwrap_or(0)
    };
    (get("start"), get("end"))
}

#[tokio::test]
async fn pages_walk_a_list_to_its_total_count() {
    let mock = MockAuthlete::start().await.unwrap();
    let total = 7;
    mock.on_request::<client_get_list::Builder>(move |call| {
        let (start, end) = window(call);
        let clients: Vec<_> = (start..end.min(total)).map(|i| json!({"clientId": i})).collect();
        MockReply::json(200, &json!({"clients": clients, "start": start, "end": end, "totalCount": total}))
    });
    let authlete = mock.client();
    let mut pages = authlete.client_get_list().developer("d").pages(3);
    let mut seen = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        seen.extend(page.clients.iter().map(|c| c.client_id));
    }
    assert_eq!(seen, (0..total).map(Some).collect::<Vec<_>>());
    let windows: Vec<_> = mock.calls_to::<client_get_list::Builder>().iter().map(|c| window(c)).collect();
    assert_eq!(windows, [(0, 3), (3, 6), (6, 9)]);
    assert!(
        mock.calls_to::<client_get_list::Builder>().iter().all(|c| c.path.contains("developer=d")),
        "other parameters kept"
    );
}

#[tokio::test]
async fn pages_stop_at_an_error_and_yield_it() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on_request::<client_get_list::Builder>(|_| {
        MockReply::json(500, &json!({"resultCode": "A001", "resultMessage": "x"}))
    });
    let authlete = mock.client();
    let mut pages = authlete.client_get_list().pages(10);
    assert!(pages.next().await.unwrap().is_err());
    assert!(pages.next().await.is_none());
}

#[test]
fn enums_compare_by_wire_value_and_keep_unknown_ones() {
    assert_eq!(auth_token::Action::from("OK"), auth_token::Action::Ok);
    let novel: auth_token::Action = serde_json::from_value(json!("NEW_IN_2027")).unwrap();
    assert!(novel.is_unknown());
    assert_eq!(novel.as_str(), "NEW_IN_2027");
    assert_eq!(novel, auth_token::Action::from("NEW_IN_2027"));
    assert_ne!(novel, auth_token::Action::Ok);
    assert_eq!(serde_json::to_value(&novel).unwrap(), json!("NEW_IN_2027"));
}
