//! The device flow and CIBA helpers against the typed mock of Authlete:
//! what reaches Authlete, the HTTP responses, and decisions that grant on
//! exactly one answer (every other action the spec lists, an unknown one
//! and a missing one do not).

use authlete::answer::AuthleteAnswer;
use authlete::operation::{
    backchannel_authentication, backchannel_authentication_complete, backchannel_authentication_fail,
    backchannel_authentication_issue, device_authorization, device_complete, device_verification,
};
use authlete_mock::{MockAuthlete, MockReply};
use authlete_server::endpoints::{
    Approval, BackchannelAuthenticationEndpoint, BackchannelCompletion, BackchannelStep, DeviceAuthorizationEndpoint,
    DeviceCompletion, DeviceVerification, Outcome, UserCode,
};
use authlete_server::ClientRequest;
use serde_json::json;

fn every_action<A: AuthleteAnswer>() -> Vec<Option<&'static str>> {
    listed(A::ACTIONS)
}

/// Every action the spec lists, one it does not, and none.
fn listed(known: &'static [&'static str]) -> Vec<Option<&'static str>> {
    known.iter().map(|a| Some(*a)).chain([Some("NEW_ACTION_FROM_2027"), None]).collect()
}

fn reply(action: Option<&str>, extra: serde_json::Value) -> MockReply {
    let mut body = extra;
    if let Some(a) = action {
        body["action"] = json!(a);
    }
    MockReply::json(200, &body)
}

fn basic(body: &str) -> ClientRequest {
    ClientRequest::new(body).authorization(Some("Basic YXBwOnNlY3JldA=="))
}

#[tokio::test]
async fn device_authorization_answers_the_codes_and_challenges_basic_clients() {
    let mock = MockAuthlete::start().await.unwrap();
    let endpoint = DeviceAuthorizationEndpoint::new(mock.client());
    let codes =
        r#"{"device_code":"dc","user_code":"WDJB-MJHT","verification_uri":"https://op/device","expires_in":600}"#;
    mock.on_request::<device_authorization::Builder>(move |_| reply(Some("OK"), json!({"responseContent": codes})));
    let r = endpoint.handle(basic("scope=openid")).await.unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (200, codes));
    let sent = &mock.calls_to::<device_authorization::Builder>()[0].body;
    assert_eq!((sent["parameters"].as_str(), sent["clientId"].as_str()), (Some("scope=openid"), Some("app")));

    mock.on_request::<device_authorization::Builder>(|_| {
        reply(Some("UNAUTHORIZED"), json!({"responseContent": "{\"error\":\"invalid_client\"}"}))
    });
    let r = endpoint.handle(basic("scope=openid")).await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(r.headers()["www-authenticate"], r#"Basic realm="token""#, "a client that tried Basic is challenged");
    let r = endpoint.handle(ClientRequest::new("scope=openid&client_id=app")).await.unwrap();
    assert_eq!(r.status().as_u16(), 400, "no Basic: a 400, as a 401 must carry a challenge");
    assert!(r.headers().get("www-authenticate").is_none());
}

#[tokio::test]
async fn a_user_code_lets_the_user_decide_only_when_valid() {
    let mock = MockAuthlete::start().await.unwrap();
    let verification = DeviceVerification::new(mock.client());
    for action in listed(device_verification::Action::KNOWN) {
        mock.on_request::<device_verification::Builder>(move |_| reply(action, json!({"clientName": "TV"})));
        let check = verification.check("WDJB-MJHT").await.unwrap();
        match (action, &check) {
            (Some("VALID"), UserCode::Valid(answer)) => assert_eq!(answer.client_name.as_deref(), Some("TV")),
            (Some("EXPIRED"), UserCode::Expired) | (Some("NOT_EXIST"), UserCode::NotFound) => {}
            (Some("VALID" | "EXPIRED" | "NOT_EXIST"), other) => panic!("{action:?} gave {other:?}"),
            (_, UserCode::Failed(_)) => {}
            (_, other) => panic!("{action:?} gave {other:?}, not Failed"),
        }
    }
    assert_eq!(mock.calls_to::<device_verification::Builder>()[0].body["userCode"], "WDJB-MJHT");
}

#[tokio::test]
async fn a_device_decision_is_done_only_on_success() {
    let mock = MockAuthlete::start().await.unwrap();
    let verification = DeviceVerification::new(mock.client());
    for action in listed(device_complete::Action::KNOWN) {
        mock.on_request::<device_complete::Builder>(move |_| reply(action, json!({})));
        let approval = Approval::new("alice").with_acr("urn:acr:silver").with_auth_time(1_700_000_000);
        let done = verification.complete("WDJB-MJHT", Outcome::Approved(approval)).await.unwrap();
        let expected = match action {
            Some("SUCCESS") => DeviceCompletion::Done,
            Some("USER_CODE_EXPIRED") => DeviceCompletion::Expired,
            Some("USER_CODE_NOT_EXIST") => DeviceCompletion::NotFound,
            other => DeviceCompletion::Failed(other.unwrap_or_default().to_string()),
        };
        assert_eq!(done, expected, "{action:?}");
    }
    let sent = &mock.calls_to::<device_complete::Builder>()[0].body;
    assert_eq!(
        (sent["result"].as_str(), sent["subject"].as_str(), sent["acr"].as_str(), sent["authTime"].as_i64()),
        (Some("AUTHORIZED"), Some("alice"), Some("urn:acr:silver"), Some(1_700_000_000))
    );
    mock.on_request::<device_complete::Builder>(|_| reply(Some("SUCCESS"), json!({})));
    let denied = verification.complete("WDJB-MJHT", Outcome::Denied(None)).await.unwrap();
    assert_eq!(denied, DeviceCompletion::Done);
    assert_eq!(mock.calls().last().unwrap().body["result"], "ACCESS_DENIED");
}

#[tokio::test]
async fn a_backchannel_request_reaches_the_app_only_on_user_identification() {
    let mock = MockAuthlete::start().await.unwrap();
    let endpoint = BackchannelAuthenticationEndpoint::new(mock.client());
    for action in every_action::<backchannel_authentication::Success>() {
        let extra = json!({"ticket": "t1", "hint": "alice@example.com", "hintType": "LOGIN_HINT", "responseContent": "{\"error\":\"invalid_request\"}"});
        mock.on_request::<backchannel_authentication::Builder>(move |_| reply(action, extra.clone()));
        match (action, endpoint.handle(basic("login_hint=alice%40example.com&scope=openid")).await.unwrap()) {
            (Some("USER_IDENTIFICATION"), BackchannelStep::IdentifyUser(request)) => {
                assert_eq!((request.ticket(), request.hint()), (Some("t1"), Some("alice@example.com")));
                assert_eq!(request.hint_type().as_deref(), Some("LOGIN_HINT"));
            }
            (Some("USER_IDENTIFICATION"), other) => panic!("USER_IDENTIFICATION gave {other:?}"),
            (_, BackchannelStep::IdentifyUser(_)) => panic!("{action:?} reached the app"),
            (Some("UNAUTHORIZED"), BackchannelStep::Done(r)) => {
                assert_eq!(r.status().as_u16(), 401);
                assert_eq!(r.headers()["www-authenticate"], r#"Basic realm="token""#);
            }
            (_, BackchannelStep::Done(r)) => {
                assert!(r.status().is_client_error() || r.status().is_server_error(), "{action:?}: {r:?}")
            }
        }
    }
}

#[tokio::test]
async fn issue_and_fail_answer_the_client_and_completion_says_what_to_send() {
    let mock = MockAuthlete::start().await.unwrap();
    let endpoint = BackchannelAuthenticationEndpoint::new(mock.client());
    let issued = r#"{"auth_req_id":"r1","expires_in":120,"interval":5}"#;
    mock.on_request::<backchannel_authentication_issue::Builder>(move |_| {
        reply(Some("OK"), json!({"responseContent": issued}))
    });
    let r = endpoint.issue("t1").await.unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (200, issued));
    mock.on_request::<backchannel_authentication_issue::Builder>(|_| reply(Some("INVALID_TICKET"), json!({})));
    assert_eq!(endpoint.issue("t1").await.unwrap().status().as_u16(), 500);

    let refused = r#"{"error":"unknown_user_id"}"#;
    mock.on_request::<backchannel_authentication_fail::Builder>(move |_| {
        reply(Some("BAD_REQUEST"), json!({"responseContent": refused}))
    });
    let r = endpoint.fail("t1", "UNKNOWN_USER_ID").await.unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (400, refused));
    assert_eq!(mock.calls().last().unwrap().body["reason"], "UNKNOWN_USER_ID");

    for action in every_action::<backchannel_authentication_complete::Success>() {
        let extra = json!({"clientNotificationEndpoint": "https://rp/cb", "clientNotificationToken": "cnt-secret", "responseContent": "{\"auth_req_id\":\"r1\"}"});
        mock.on_request::<backchannel_authentication_complete::Builder>(move |_| reply(action, extra.clone()));
        let done = endpoint.complete("t1", Outcome::Approved(Approval::new("alice"))).await.unwrap();
        match (action, &done) {
            (Some("NO_ACTION"), BackchannelCompletion::Polled) => {}
            (Some("NOTIFICATION"), BackchannelCompletion::Notify { endpoint, token, body }) => {
                assert_eq!(
                    (endpoint.as_str(), token.as_str(), body.as_str()),
                    ("https://rp/cb", "cnt-secret", "{\"auth_req_id\":\"r1\"}")
                );
                assert!(!format!("{done:?}").contains("cnt-secret"), "Debug hides the token");
            }
            (_, BackchannelCompletion::Failed(_)) if !matches!(action, Some("NO_ACTION" | "NOTIFICATION")) => {}
            (_, other) => panic!("{action:?} gave {other:?}"),
        }
    }
    // A notification without its endpoint or token cannot be sent: failed.
    mock.on_request::<backchannel_authentication_complete::Builder>(|_| {
        reply(Some("NOTIFICATION"), json!({"responseContent": "{}"}))
    });
    let done = endpoint.complete("t1", Outcome::Failed(Some("no answer".into()))).await.unwrap();
    assert!(matches!(done, BackchannelCompletion::Failed(_)), "{done:?}");
    let calls = mock.calls();
    let sent = &calls.last().unwrap().body;
    assert_eq!(
        (sent["result"].as_str(), sent["errorDescription"].as_str()),
        (Some("TRANSACTION_FAILED"), Some("no answer"))
    );
}
