//! The generated surface as users type it: plain setters and how to clear
//! them, required fields reported by name, per-request timeouts and retry
//! policy, paged list operations, typed mock recordings and open enums.

mod support;

use std::time::{Duration, Instant};

use authlete::operation::{auth_token, client_get, client_get_list};
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
async fn a_models_own_id_is_a_path_parameter() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on::<client_get::Builder>(client_get::Success::builder().client_id(42));
    serve_clients(&mock, 43, true);
    let c = mock.client();
    let listed = c.client_get_list().start(42).end(43).send().await.unwrap();
    let id: i64 = listed.clients[0].client_id.unwrap();
    let client = c.client_get().client_id(id).send().await.unwrap();
    // and the answer's id feeds the next call as it is
    c.client_get().client_id(client.client_id.unwrap()).send().await.unwrap();
    c.client_get().client_id("42").send().await.unwrap();
    let paths: Vec<_> = mock.calls_to::<client_get::Builder>().iter().map(|c| c.path.clone()).collect();
    assert_eq!(paths, vec!["/api/mock-service/client/get/42"; 3]);
}

#[tokio::test]
async fn a_responder_that_panics_fails_its_call_only() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on_request::<client_get::Builder>(|call| {
        assert_ne!(call.path_param("clientId"), Some("1"), "a bug in the test's script");
        MockReply::ok(client_get::Success::default())
    });
    let c = mock.client();
    assert!(c.client_get().client_id(1).send().await.is_err());
    c.client_get().client_id(2).send().await.unwrap();
    let recorded: Vec<_> = mock.calls_to::<client_get::Builder>().iter().map(|c| c.path.clone()).collect();
    assert_eq!(recorded, ["/api/mock-service/client/get/2"]);
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

/// `start`/`end` of a mock call.
fn window(call: &authlete_mock::Call) -> (i64, i64) {
    (call.query_as("start").unwrap_or(0), call.query_as("end").unwrap_or(0))
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

/// A mock list of `total` clients answering each window, with
/// `totalCount` when `with_total`.
fn serve_clients(mock: &MockAuthlete, total: i64, with_total: bool) {
    mock.on_request::<client_get_list::Builder>(move |call| {
        let (start, end) = window(call);
        let clients: Vec<_> = (start..end.min(total)).map(|i| json!({"clientId": i})).collect();
        let mut page = json!({"clients": clients, "start": start, "end": end});
        if with_total {
            page["totalCount"] = json!(total);
        }
        MockReply::json(200, &page)
    });
}

#[tokio::test]
async fn items_walk_every_element_across_pages_as_a_stream() {
    use futures_util::StreamExt;
    let mock = MockAuthlete::start().await.unwrap();
    serve_clients(&mock, 8, true);
    let authlete = mock.client();
    let ids: Vec<_> = authlete.client_get_list().pages(3).items().map(|c| c.unwrap().client_id).collect().await;
    assert_eq!(ids, (0..8).map(Some).collect::<Vec<_>>());
    let all = authlete.client_get_list().pages(5).items().collect_all().await.unwrap();
    assert_eq!(all.len(), 8);
    // A stream of pages too, and one that can move to another task.
    let pages = tokio::spawn(async move { authlete.client_get_list().pages(4).count().await }).await.unwrap();
    assert_eq!(pages, 2);
}

#[tokio::test]
async fn without_a_total_count_the_walk_goes_on_until_a_short_page() {
    let mock = MockAuthlete::start().await.unwrap();
    serve_clients(&mock, 7, false);
    let authlete = mock.client();
    let all = authlete.client_get_list().pages(3).items().collect_all().await.unwrap();
    assert_eq!(all.len(), 7, "not only the first page");
    let windows: Vec<_> = mock.calls_to::<client_get_list::Builder>().iter().map(|c| window(c)).collect();
    assert_eq!(windows, [(0, 3), (3, 6), (6, 9)]);
}

#[tokio::test]
async fn an_exact_last_page_without_a_total_count_ends_at_the_empty_one_after_it() {
    let mock = MockAuthlete::start().await.unwrap();
    serve_clients(&mock, 6, false);
    let all = mock.client().client_get_list().pages(3).items().collect_all().await.unwrap();
    assert_eq!(all.len(), 6);
    assert_eq!(mock.calls_to::<client_get_list::Builder>().len(), 3, "two full pages, then an empty one");
}

#[tokio::test]
async fn items_stop_at_an_error_and_yield_it() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on_request::<client_get_list::Builder>(|_| {
        MockReply::json(500, &json!({"resultCode": "A001", "resultMessage": "x"}))
    });
    let e = mock.client().client_get_list().pages(3).items().collect_all().await.unwrap_err();
    assert_eq!(e.result_code(), Some("A001"));
    assert_eq!(mock.calls_to::<client_get_list::Builder>().len(), 1);
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
