//! The token endpoint helpers: every action, header and fallback rule, end
//! to end against the typed mock of Authlete.

use authlete::idtoken::{IdtokenAudType, IdtokenReissueResponse};
use authlete::operation::{
    auth_token, auth_token_delete_by_access_token_identifier, auth_token_fail, auth_token_issue, idtoken_reissue,
};
use authlete::EndpointResponse;
use authlete_mock::{MockAuthlete, MockReply};
use authlete_server::{
    Authenticated, ClaimsDecision, ClientRequest, Error, GrantContext, ProxyCertHeaders, TokenEndpoint, TokenProperty,
    UserClaims,
};

type TokenResponse = auth_token::Success;
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

fn token_response(action: &str) -> TokenResponse {
    TokenResponse::builder()
        .action(action)
        .response_content(TOKEN_CONTENT)
        .result_message(SECRET_MESSAGE)
        .build()
        .unwrap()
}

fn reissuable() -> TokenResponse {
    TokenResponse::builder()
        .action("ID_TOKEN_REISSUABLE")
        .subject("alice")
        .access_token("opaque")
        .jwt_access_token("eyJ.jwt")
        .refresh_token("rt")
        .dpop_nonce("nonce-1")
        .response_content(TOKEN_CONTENT)
        .build()
        .unwrap()
}

fn refresh_request() -> ClientRequest {
    // client:secret, with a form-encoded ':' in the secret.
    ClientRequest::new("grant_type=refresh_token&refresh_token=rt")
        .authorization(Some("Basic Y2xpZW50OnNlJTNBY3JldA=="))
        .dpop(Some("dpop-proof"), Some("https://as.example.com/token"))
        .client_certificate(Some("-----BEGIN CERTIFICATE-----leaf"), vec!["-----BEGIN CERTIFICATE-----ca".into()])
}

fn endpoint(mock: &MockAuthlete) -> TokenEndpoint {
    TokenEndpoint::new(mock.client()).claims_provider(|grant: GrantContext| async move {
        let mut m = serde_json::Map::new();
        m.insert("name".into(), format!("name of {}", grant.subject().unwrap_or("?")).into());
        ClaimsDecision::claims(m)
    })
}

#[tokio::test]
async fn refresh_with_reissue_end_to_end() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on::<auth_token::Builder>(reissuable());
    mock.on::<idtoken_reissue::Builder>(reissue_response("OK"));
    let r = endpoint(&mock).handle(refresh_request()).await.unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (200, REISSUED_CONTENT));
    assert_token_headers(&r);
    assert_eq!(r.headers()["dpop-nonce"], "nonce-1", "carried over from /auth/token");

    let token_call = &mock.calls_to::<auth_token::Builder>()[0];
    assert_eq!(token_call.path, "/api/mock-service/auth/token");
    assert_eq!(token_call.headers["authorization"], "Bearer mock-access-token");
    assert_eq!(
        token_call.body,
        json!({"parameters": "grant_type=refresh_token&refresh_token=rt", "clientId": "client",
               "clientSecret": "se:cret", "dpop": "dpop-proof", "htm": "POST", "htu": "https://as.example.com/token",
               "clientCertificate": "-----BEGIN CERTIFICATE-----leaf",
               "clientCertificatePath": ["-----BEGIN CERTIFICATE-----ca"]})
    );
    let reissue_call = &mock.calls_to::<idtoken_reissue::Builder>()[0];
    assert_eq!(
        reissue_call.body,
        json!({"accessToken": "eyJ.jwt", "refreshToken": "rt", "claims": r#"{"name":"name of alice"}"#})
    );
}

#[tokio::test]
async fn a_failed_reissue_falls_back_to_the_token_response() {
    for reissue in [
        MockReply::json(200, &reissue_response("CALLER_ERROR")),
        MockReply::json(200, &reissue_response("INTERNAL_SERVER_ERROR")),
        MockReply::raw(502, "text/html", "<html>bad gateway</html>"),
        MockReply::error(400, "A001", "bad request"),
    ] {
        let mock = MockAuthlete::start().await.unwrap();
        mock.on::<auth_token::Builder>(reissuable());
        mock.on_request::<idtoken_reissue::Builder>(move |_| reissue.clone());
        let r = endpoint(&mock).handle(refresh_request()).await.unwrap();
        assert_eq!((r.status().as_u16(), r.body()), (200, TOKEN_CONTENT));
        assert_eq!(r.headers()["dpop-nonce"], "nonce-1");
        assert_eq!(mock.calls_to::<idtoken_reissue::Builder>().len(), 1);
    }
}

#[tokio::test]
async fn strict_mode_returns_the_failure_with_the_tokens_to_send() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on::<auth_token::Builder>(reissuable());
    let strict = endpoint(&mock).reissue_fallback(false);
    for (reissue, why) in [
        (MockReply::json(200, &reissue_response("CALLER_ERROR")), "CALLER_ERROR"),
        (MockReply::json(200, &reissue_response("INTERNAL_SERVER_ERROR")), "INTERNAL_SERVER_ERROR"),
        (MockReply::raw(502, "text/html", "<html/>"), "502"),
    ] {
        mock.on_request::<idtoken_reissue::Builder>(move |_| reissue.clone());
        match strict.handle(refresh_request()).await.unwrap_err() {
            Error::ReissueFailed { reason, fallback } => {
                assert!(reason.contains(why), "{reason}");
                // The tokens /auth/token issued are not lost.
                assert_eq!((fallback.status().as_u16(), fallback.body()), (200, TOKEN_CONTENT));
                assert_token_headers(&fallback);
            }
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn a_reissue_ok_without_content_is_a_failure_and_falls_back() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on::<auth_token::Builder>(reissuable());
    mock.on::<idtoken_reissue::Builder>(IdtokenReissueResponse::builder().action("OK"));
    let r = endpoint(&mock).handle(refresh_request()).await.unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (200, TOKEN_CONTENT));
}

#[tokio::test]
async fn the_claims_provider_sees_the_grant_and_sets_every_reissue_option() {
    let mock = MockAuthlete::start().await.unwrap();
    let mut token = reissuable();
    token.extra.insert("clientId".into(), json!(1234));
    token.extra.insert("scopes".into(), json!(["openid", "profile"]));
    token.extra.insert("requestedIdTokenClaims".into(), json!(["name", "email"]));
    // Into the typed fields where this revision has them.
    let token: TokenResponse = serde_json::from_value(serde_json::to_value(&token).unwrap()).unwrap();
    mock.on::<auth_token::Builder>(token);
    mock.on::<idtoken_reissue::Builder>(reissue_response("OK"));
    let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
    let record = seen.clone();
    let endpoint = TokenEndpoint::new(mock.client()).claims_provider(move |grant: GrantContext| {
        *record.lock().unwrap() = Some((
            grant.subject().map(str::to_string),
            grant.client_id(),
            grant.scopes(),
            grant.requested_id_token_claims(),
        ));
        async move {
            let mut claims = serde_json::Map::new();
            claims.insert("email".into(), "alice@example.com".into());
            let mut header = serde_json::Map::new();
            header.insert("kid".into(), "k1".into());
            ClaimsDecision::Provide(
                UserClaims::new(claims)
                    .with_sub("pairwise-123")
                    .with_idt_header_params(header)
                    .with_id_token_aud_type(IdtokenAudType::String),
            )
        }
    });
    let r = endpoint.handle(refresh_request()).await.unwrap();
    assert_eq!(r.body(), REISSUED_CONTENT);
    assert_eq!(
        seen.lock().unwrap().clone().unwrap(),
        (
            Some("alice".to_string()),
            Some(1234),
            vec!["openid".to_string(), "profile".to_string()],
            vec!["name".to_string(), "email".to_string()]
        )
    );
    assert_eq!(
        mock.calls_to::<idtoken_reissue::Builder>()[0].body,
        json!({"accessToken": "eyJ.jwt", "refreshToken": "rt", "claims": r#"{"email":"alice@example.com"}"#,
               "sub": "pairwise-123", "idtHeaderParams": r#"{"kid":"k1"}"#, "idTokenAudType": "string"})
    );
}

#[tokio::test]
async fn the_claims_provider_can_skip_the_reissue_or_deny_the_grant() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on::<auth_token::Builder>(reissuable());
    mock.on::<idtoken_reissue::Builder>(reissue_response("OK"));
    mock.on_request::<auth_token_delete_by_access_token_identifier::Builder>(|_| {
        MockReply::raw(204, "application/json", "")
    });
    let skip = TokenEndpoint::new(mock.client()).claims_provider(|_: GrantContext| async { ClaimsDecision::Skip });
    let r = skip.handle(refresh_request()).await.unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (200, TOKEN_CONTENT), "the tokens, no new ID token");
    assert!(mock.calls_to::<idtoken_reissue::Builder>().is_empty());

    let deny = TokenEndpoint::new(mock.client()).claims_provider(|_: GrantContext| async { ClaimsDecision::Deny });
    let r = deny.handle(refresh_request()).await.unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (400, authlete_server::INVALID_GRANT_BODY));
    assert_eq!(r.headers()["dpop-nonce"], "nonce-1");
    let deleted = mock.calls_to::<auth_token_delete_by_access_token_identifier::Builder>();
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].path, "/api/mock-service/auth/token/delete/opaque", "the new access token is deleted");
    assert!(mock.calls_to::<idtoken_reissue::Builder>().is_empty());
}

#[tokio::test]
async fn attestation_headers_reach_auth_token() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on::<auth_token::Builder>(token_response("OK"));
    let mut headers = http::HeaderMap::new();
    headers.insert("oauth-client-attestation", "eyJ.attestation".parse().unwrap());
    headers.insert("OAuth-Client-Attestation-PoP", "eyJ.pop".parse().unwrap());
    let input = ClientRequest::from_http(&headers, "grant_type=client_credentials", None);
    TokenEndpoint::new(mock.client()).handle(input).await.unwrap();
    let body = &mock.calls_to::<auth_token::Builder>()[0].body;
    assert_eq!(body["oauthClientAttestation"], "eyJ.attestation");
    assert_eq!(body["oauthClientAttestationPop"], "eyJ.pop");
}

#[tokio::test]
async fn password_grant_goes_through_the_authenticator() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on::<auth_token::Builder>(
        TokenResponse::builder().action("PASSWORD").ticket("ticket-1").username("alice").password("wonderland"),
    );
    mock.on::<auth_token_issue::Builder>(
        auth_token_issue::Success::builder().action("OK").response_content("{\"issued\":true}"),
    );
    mock.on::<auth_token_fail::Builder>(
        auth_token_fail::Success::builder().action("BAD_REQUEST").response_content("{\"error\":\"invalid_grant\"}"),
    );
    let endpoint = TokenEndpoint::new(mock.client()).password_authenticator(
        |c: authlete_server::PasswordCredentials| async move {
            (c.username.as_deref() == Some("alice") && c.password.as_deref() == Some("wonderland")).then(|| {
                Authenticated {
                    subject: "subject-alice".into(),
                    properties: vec![TokenProperty { key: "plan".into(), value: "gold".into(), hidden: true }],
                }
            })
        },
    );
    let input = ClientRequest::new("grant_type=password&username=alice&password=wonderland");
    let r = endpoint.handle(input.clone()).await.unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (200, "{\"issued\":true}"));
    assert_eq!(
        mock.calls_to::<auth_token_issue::Builder>()[0].body,
        json!({"ticket": "ticket-1", "subject": "subject-alice",
               "properties": [{"key": "plan", "value": "gold", "hidden": true}]})
    );

    mock.on::<auth_token::Builder>(
        TokenResponse::builder().action("PASSWORD").ticket("ticket-2").username("alice").password("wrong"),
    );
    let r = endpoint.handle(input.clone()).await.unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (400, "{\"error\":\"invalid_grant\"}"));
    assert_eq!(
        mock.calls_to::<auth_token_fail::Builder>()[0].body,
        json!({"ticket": "ticket-2", "reason": "INVALID_RESOURCE_OWNER_CREDENTIALS"})
    );

    let no_auth = TokenEndpoint::new(mock.client()).handle(input).await.unwrap();
    assert_eq!((no_auth.status().as_u16(), no_auth.body()), (400, authlete::answer::UNSUPPORTED_GRANT_TYPE_BODY));
    assert_eq!(
        mock.calls_to::<auth_token_issue::Builder>().len() + mock.calls_to::<auth_token_fail::Builder>().len(),
        2
    );
}

#[tokio::test]
async fn grants_that_need_server_logic_go_to_the_handler() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on::<auth_token::Builder>(TokenResponse::builder().action("TOKEN_EXCHANGE"));
    let input = ClientRequest::new("grant_type=urn:ietf:params:oauth:grant-type:token-exchange");
    let r = TokenEndpoint::new(mock.client()).handle(input.clone()).await.unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (400, authlete::answer::UNSUPPORTED_GRANT_TYPE_BODY));

    let handled = TokenEndpoint::new(mock.client())
        .grant_handler(|t: TokenResponse| async move {
            assert_eq!(t.action.unwrap().as_str(), "TOKEN_EXCHANGE");
            EndpointResponse::json(http::StatusCode::OK, "{\"exchanged\":true}")
        })
        .handle(input)
        .await
        .unwrap();
    assert_eq!(handled.body(), "{\"exchanged\":true}");
}

#[tokio::test]
async fn an_unreachable_authlete_is_an_error() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on_request::<auth_token::Builder>(|_| MockReply::error(500, "A001101", "Authlete Server error."));
    let e = TokenEndpoint::new(mock.client()).handle(refresh_request()).await.unwrap_err();
    let authlete_server::Error::Authlete(e) = e else { panic!("{e:?}") };
    assert_eq!(e.result_code(), Some("A001101"));
}

#[cfg(feature = "axum")]
#[tokio::test]
async fn axum_responses_keep_status_headers_and_body() {
    use authlete::answer::AuthleteAnswer;
    use axum::response::IntoResponse;
    let r = reissue_response("OK").to_http_response().into_response();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let e = Error::from(authlete::Error::InvalidRequest { operation: "x", message: SECRET_MESSAGE.into() });
    let e = e.into_response();
    assert_eq!(e.status(), 500);
    let body = axum::body::to_bytes(e.into_body(), 1 << 16).await.unwrap();
    assert_eq!(body, authlete::answer::SERVER_ERROR_BODY.as_bytes());
}

#[tokio::test]
async fn unreadable_basic_credentials_are_a_401_without_calling_authlete() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on::<auth_token::Builder>(token_response("OK"));
    // Not Base64; "foobar" has no colon; no credentials at all.
    for header in ["Basic !!!not-base64", "Basic Zm9vYmFy", "basic"] {
        let r = TokenEndpoint::new(mock.client())
            .handle(ClientRequest::new("grant_type=client_credentials").authorization(Some(header)))
            .await
            .unwrap();
        assert_eq!((r.status().as_u16(), r.body()), (401, authlete::answer::INVALID_CLIENT_BODY), "{header}");
        assert_eq!(r.headers()["www-authenticate"], r#"Basic realm="token""#);
    }
    assert!(mock.calls().is_empty());
}

#[test]
fn basic_credentials_are_form_decoded_in_full() {
    use base64::Engine;
    // Client id "my client", secret "a&b=c:d%", form-encoded before Base64.
    let encoded = base64::engine::general_purpose::STANDARD.encode("my+client:a%26b%3Dc%3Ad%25");
    let input = ClientRequest::new("").authorization(Some(&format!("Basic {encoded}")));
    assert_eq!(input.basic_credentials(), Some(("my client".into(), "a&b=c:d%".into())));
}

#[test]
fn every_dpop_header_is_passed_on() {
    let mut headers = http::HeaderMap::new();
    headers.append("dpop", "proof-1".parse().unwrap());
    headers.append("dpop", "proof-2".parse().unwrap());
    let input = ClientRequest::from_http(&headers, "grant_type=x", None);
    assert_eq!(input.dpop.as_deref(), Some("proof-1, proof-2"), "Authlete sees (and rejects) both");
    assert_eq!(ClientRequest::from_http(&http::HeaderMap::new(), "", None).dpop, None);
}

#[tokio::test]
async fn a_password_grant_without_username_or_password_passes_none() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on::<auth_token::Builder>(TokenResponse::builder().action("PASSWORD").ticket("t"));
    mock.on::<auth_token_fail::Builder>(
        auth_token_fail::Success::builder().action("BAD_REQUEST").response_content("{}"),
    );
    let seen = std::sync::Arc::new(std::sync::Mutex::new(None));
    let record = seen.clone();
    let endpoint =
        TokenEndpoint::new(mock.client()).password_authenticator(move |c: authlete_server::PasswordCredentials| {
            *record.lock().unwrap() = Some((c.username.clone(), c.password.clone()));
            async { None::<String> }
        });
    endpoint.handle(ClientRequest::new("grant_type=password")).await.unwrap();
    assert_eq!(seen.lock().unwrap().clone(), Some((None, None)));
}

#[test]
fn basic_scheme_is_case_insensitive_with_any_whitespace_and_optional_padding() {
    use base64::Engine;
    let unpadded = base64::engine::general_purpose::STANDARD_NO_PAD.encode("client:s");
    assert!(!unpadded.ends_with('='));
    let padded = base64::engine::general_purpose::STANDARD.encode("client:s");
    for header in [format!("bAsIc {unpadded}"), format!("Basic \t  {unpadded}"), format!("BASIC {padded}")] {
        let input = ClientRequest::new("").authorization(Some(&header));
        assert!(input.uses_basic(), "{header}");
        assert_eq!(input.basic_credentials(), Some(("client".into(), "s".into())), "{header}");
    }
}

#[test]
fn client_certificates_come_from_proxy_headers_only_when_asked() {
    use base64::Engine;
    let der = vec![0x30u8; 100];
    let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
    let mut headers = http::HeaderMap::new();
    headers.insert("client-cert", format!(":{b64}:").parse().unwrap());
    headers.insert("client-cert-chain", format!(":{b64}:, :{b64}:").parse().unwrap());
    let plain = ClientRequest::from_http(&headers, "", None);
    assert_eq!(plain.client_certificate, None, "never without the opt-in");

    let input = plain.clone().client_certificate_from_proxy(&headers, ProxyCertHeaders::Rfc9440);
    let pem = input.client_certificate.unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n") && pem.ends_with("-----END CERTIFICATE-----\n"), "{pem}");
    assert!(pem.lines().all(|l| l.len() <= 64), "{pem}");
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    assert_eq!(base64::engine::general_purpose::STANDARD.decode(body).unwrap(), der);
    assert_eq!(input.client_certificate_path.len(), 2);

    // nginx's $ssl_client_escaped_cert: URL-encoded PEM.
    let escaped = url::form_urlencoded::byte_serialize(pem.as_bytes()).collect::<String>().replace('+', "%20");
    headers.insert("x-ssl-cert", escaped.parse().unwrap());
    let from_pem = plain.clone().client_certificate_from_proxy(&headers, ProxyCertHeaders::Pem("x-ssl-cert"));
    assert_eq!(from_pem.client_certificate.as_deref(), Some(pem.as_str()));
    // A PEM whose line breaks a proxy folded into spaces.
    headers.insert("x-ssl-cert", pem.replace('\n', " ").trim().parse().unwrap());
    let folded = plain.clone().client_certificate_from_proxy(&headers, ProxyCertHeaders::Pem("x-ssl-cert"));
    assert_eq!(folded.client_certificate.as_deref(), Some(pem.as_str()));
    // Azure App Service's X-ARR-ClientCert: Base64 DER, no markers.
    headers.insert("x-arr-clientcert", b64.parse().unwrap());
    let arr = plain.clone().client_certificate_from_proxy(&headers, ProxyCertHeaders::Base64Der("x-arr-clientcert"));
    assert_eq!(arr.client_certificate.as_deref(), Some(pem.as_str()));
    // Not Base64, or a PEM where Base64 DER was promised: no certificate.
    for value in ["not base64!", pem.replace('\n', " ").trim()] {
        headers.insert("x-arr-clientcert", value.parse().unwrap());
        let input =
            plain.clone().client_certificate_from_proxy(&headers, ProxyCertHeaders::Base64Der("x-arr-clientcert"));
        assert_eq!(input.client_certificate, None, "{value}");
    }
}
