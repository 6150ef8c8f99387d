//! The seed module, `authlete::idtoken`: the `/idtoken/reissue` types, the
//! request built from `/auth/token`'s answer, and the HTTP responses the
//! token endpoint's answers become.

use authlete::answer::{AuthleteAnswer, SERVER_ERROR_BODY};
use authlete::idtoken::{IdtokenAudType, IdtokenReissueRequest, IdtokenReissueResponse};
use authlete::operation::{auth_token, auth_token_fail, auth_token_issue};
use authlete::EndpointResponse;
use serde_json::json;

const TOKEN_CONTENT: &str = r#"{"access_token":"at","refresh_token":"rt"}"#;
const REISSUED_CONTENT: &str = r#"{"access_token":"at","refresh_token":"rt","id_token":"eyJ.new"}"#;
const SECRET_MESSAGE: &str = "[A999] internal detail for the operator only";

fn assert_token_headers(r: &EndpointResponse) {
    assert_eq!(r.headers()["content-type"], "application/json;charset=UTF-8");
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["pragma"], "no-cache");
}

fn reissue_response(action: &str) -> IdtokenReissueResponse {
    IdtokenReissueResponse::builder()
        .result_code("A999")
        .result_message(SECRET_MESSAGE)
        .action(action)
        .response_content(REISSUED_CONTENT)
        .id_token("eyJ.new")
        .build()
        .unwrap()
}

#[test]
fn the_seed_type_is_the_operations_type_and_its_default_is_empty() {
    fn same(r: authlete::operation::idtoken_reissue::Success) -> IdtokenReissueResponse {
        r
    }
    let d = same(IdtokenReissueResponse::default());
    assert_eq!(serde_json::to_value(&d).unwrap(), json!({}));
    let decoded: IdtokenReissueResponse = serde_json::from_value(json!({
        "resultCode": "A", "resultMessage": "m", "action": "OK", "responseContent": "{}", "idToken": "eyJ"
    }))
    .unwrap();
    assert_eq!(decoded.id_token.as_deref(), Some("eyJ"));
    assert!(decoded.is_reissued());
}

#[test]
fn reissue_actions_map_to_http_responses() {
    let ok = reissue_response("OK").to_http_response();
    assert_eq!((ok.status().as_u16(), ok.body()), (200, REISSUED_CONTENT));
    assert_token_headers(&ok);

    let ise = reissue_response("INTERNAL_SERVER_ERROR").to_http_response();
    assert_eq!((ise.status().as_u16(), ise.body()), (500, REISSUED_CONTENT));
    assert_token_headers(&ise);

    for action in ["CALLER_ERROR", "A_NEW_ACTION_OF_2027"] {
        let r = reissue_response(action).to_http_response();
        assert_eq!(r.status().as_u16(), 500, "{action}");
        assert_eq!(r.body(), SERVER_ERROR_BODY);
        assert!(!r.body().contains("A999"), "Authlete's message must not leak");
        assert_token_headers(&r);
    }
    let none = IdtokenReissueResponse::default().to_http_response();
    assert_eq!(none.status().as_u16(), 500);
}

fn token_response(action: &str) -> auth_token::Success {
    auth_token::Success::builder()
        .action(action)
        .response_content(TOKEN_CONTENT)
        .result_message(SECRET_MESSAGE)
        .build()
        .unwrap()
}

#[test]
fn token_actions_map_to_http_responses() {
    let cases = [
        ("OK", false, 200, TOKEN_CONTENT),
        ("ID_TOKEN_REISSUABLE", false, 200, TOKEN_CONTENT),
        ("BAD_REQUEST", false, 400, TOKEN_CONTENT),
        ("INVALID_CLIENT", false, 400, TOKEN_CONTENT),
        ("INVALID_CLIENT", true, 401, TOKEN_CONTENT),
        ("INTERNAL_SERVER_ERROR", false, 500, TOKEN_CONTENT),
        // Grants that need the server's logic (authlete-server's token
        // endpoint answers them), and actions this version does not know.
        ("PASSWORD", false, 500, SERVER_ERROR_BODY),
        ("TOKEN_EXCHANGE", false, 500, SERVER_ERROR_BODY),
        ("JWT_BEARER", false, 500, SERVER_ERROR_BODY),
        ("NATIVE_SSO", false, 500, SERVER_ERROR_BODY),
        ("SOMETHING_NEW", false, 500, SERVER_ERROR_BODY),
    ];
    for (action, basic, status, body) in cases {
        let token = token_response(action);
        let r = match token.next_after_client_auth(basic) {
            authlete::answer::Next::Respond(r) => r,
            authlete::answer::Next::App(_) => token.to_http_response(),
        };
        assert_eq!((r.status().as_u16(), r.body()), (status, body), "{action} basic={basic}");
        assert_token_headers(&r);
        let challenge = r.headers().get("www-authenticate").map(|v| v.to_str().unwrap());
        let expected = (status == 401).then_some(r#"Basic realm="token""#);
        assert_eq!(challenge, expected, "{action}");
        assert!(r.headers().get("dpop-nonce").is_none());
    }
    let with_nonce = auth_token::Success::builder().dpop_nonce("n-123").build().unwrap();
    assert_eq!(with_nonce.to_http_response().headers()["dpop-nonce"], "n-123");
}

#[test]
fn issue_and_fail_answers_map_to_http_responses() {
    let issue = |a: &str| auth_token_issue::Success::builder().action(a).response_content("{}").build().unwrap();
    assert_eq!(issue("OK").to_http_response().status().as_u16(), 200);
    assert_eq!(issue("INTERNAL_SERVER_ERROR").to_http_response().status().as_u16(), 500);
    assert_eq!(issue("CALLER_ERROR").to_http_response().body(), SERVER_ERROR_BODY);
    let fail = |a: &str| auth_token_fail::Success::builder().action(a).response_content("{}").build().unwrap();
    assert_eq!(fail("BAD_REQUEST").to_http_response().status().as_u16(), 400);
    assert_eq!(fail("INTERNAL_SERVER_ERROR").to_http_response().status().as_u16(), 500);
    assert_eq!(fail("NEW").to_http_response().body(), SERVER_ERROR_BODY);
}

#[test]
fn the_reissue_request_is_built_from_the_token_response() {
    let mut token = auth_token::Success::builder()
        .access_token("opaque")
        .jwt_access_token("eyJ.jwt")
        .refresh_token("rt")
        .build()
        .unwrap();
    let req = IdtokenReissueRequest::from_token_response(&token).unwrap();
    assert_eq!((req.access_token.as_deref(), req.refresh_token.as_deref()), (Some("eyJ.jwt"), Some("rt")));
    token.jwt_access_token = None;
    assert_eq!(IdtokenReissueRequest::from_token_response(&token).unwrap().access_token.as_deref(), Some("opaque"));

    #[derive(serde::Serialize)]
    struct Claims {
        name: &'static str,
        email_verified: bool,
    }
    let req = IdtokenReissueRequest::from_token_response(&token)
        .unwrap()
        .with_claims(&Claims { name: "Alice", email_verified: true })
        .unwrap()
        .with_idt_header_params(&json!({"kid": "k1"}))
        .unwrap()
        .with_sub("alice-pairwise")
        .with_id_token_aud_type(IdtokenAudType::String);
    let mut sent = serde_json::to_value(&req).unwrap();
    // JSON in strings: compared as JSON (key order is serde_json's choice).
    let claims: serde_json::Value = serde_json::from_str(sent["claims"].as_str().unwrap()).unwrap();
    assert_eq!(claims, json!({"name": "Alice", "email_verified": true}));
    sent["claims"] = json!("checked");
    assert_eq!(
        sent,
        json!({
            "accessToken": "opaque", "refreshToken": "rt", "sub": "alice-pairwise", "idTokenAudType": "string",
            "claims": "checked", "idtHeaderParams": r#"{"kid":"k1"}"#
        })
    );

    let not_object = IdtokenReissueRequest::from_token_response(&token).unwrap().with_claims(&json!(["a"]));
    assert!(matches!(not_object, Err(authlete::Error::InvalidRequest { .. })));
    token.refresh_token = None;
    assert!(IdtokenReissueRequest::from_token_response(&token).is_err());
}
