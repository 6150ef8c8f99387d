//! The endpoint helpers against the typed mock of Authlete: what reaches
//! Authlete, and the HTTP response each answer becomes.

use authlete::operation::{
    auth_authorization, auth_authorization_fail, auth_authorization_issue, auth_introspection,
    auth_introspection_standard, auth_revocation, auth_userinfo, auth_userinfo_issue, pushed_auth_req,
    service_configuration, service_jwks_get,
};
use authlete_mock::{MockAuthlete, MockReply};
use authlete_server::endpoints::{
    Access, Approval, AuthorizationEndpoint, AuthorizationStep, Decision, DiscoveryEndpoint,
    PushedAuthorizationEndpoint, ResourceRequest, ResourceServer, RevocationEndpoint, StandardIntrospectionEndpoint,
    UserinfoEndpoint,
};
use authlete_server::{ClaimsDecision, ClientRequest, GrantContext};
use serde_json::json;

fn basic() -> ClientRequest {
    ClientRequest::new("response_type=code&client_id=app").authorization(Some("Basic YXBwOnNlY3JldA=="))
}

#[tokio::test]
async fn par_answers_created_with_the_request_uri() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on_request::<pushed_auth_req::Builder>(|_| {
        MockReply::json(
            200,
            &json!({"action": "CREATED", "responseContent": "{\"request_uri\":\"urn:r\"}", "dpopNonce": "n1"}),
        )
    });
    let r = PushedAuthorizationEndpoint::new(mock.client()).handle(basic()).await.unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (201, "{\"request_uri\":\"urn:r\"}"));
    assert_eq!(r.headers()["dpop-nonce"], "n1");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let sent = &mock.calls_to::<pushed_auth_req::Builder>()[0].body;
    assert_eq!(
        (sent["parameters"].as_str(), sent["clientId"].as_str()),
        (Some("response_type=code&client_id=app"), Some("app"))
    );
    assert_eq!(sent["clientSecret"], "secret");
}

#[tokio::test]
async fn revocation_succeeds_without_content_and_challenges_basic_clients() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on_request::<auth_revocation::Builder>(|_| MockReply::json(200, &json!({"action": "OK"})));
    let endpoint = RevocationEndpoint::new(mock.client());
    let r = endpoint.handle(ClientRequest::new("token=t")).await.unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (200, ""));
    mock.on_request::<auth_revocation::Builder>(|_| {
        MockReply::json(200, &json!({"action": "INVALID_CLIENT", "responseContent": "{\"error\":\"invalid_client\"}"}))
    });
    let r = endpoint.handle(basic()).await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(r.headers()["www-authenticate"], r#"Basic realm="token""#);
    let r = endpoint.handle(ClientRequest::new("token=t&client_id=app")).await.unwrap();
    assert_eq!(r.status().as_u16(), 400, "no Basic: no challenge");
}

#[tokio::test]
async fn a_resource_server_checks_tokens_scopes_and_dpop() {
    let mock = MockAuthlete::start().await.unwrap();
    let rs = ResourceServer::new(mock.client()).required_scopes(["read"]).realm("api");
    let mut headers = http::HeaderMap::new();
    let none = rs.check(ResourceRequest::from_http(&http::Method::GET, "https://api/x", &headers)).await.unwrap();
    let Access::Denied(r) = none else { panic!("no token must be denied") };
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Bearer realm=\"api\"");
    assert!(mock.calls().is_empty(), "no token: Authlete is not asked");

    mock.on_request::<auth_introspection::Builder>(|_| {
        MockReply::json(200, &json!({"action": "OK", "subject": "alice"}))
    });
    headers.insert("authorization", "DPoP at-1".parse().unwrap());
    headers.insert("dpop", "proof".parse().unwrap());
    let granted = rs.check(ResourceRequest::from_http(&http::Method::GET, "https://api/x", &headers)).await.unwrap();
    let Access::Granted(token) = granted else { panic!("granted") };
    assert_eq!(token.subject.as_deref(), Some("alice"));
    assert!(token.headers().is_empty(), "no nonce from Authlete, no header");
    let sent = &mock.calls_to::<auth_introspection::Builder>()[0].body;
    assert_eq!(
        sent,
        &json!({"token": "at-1", "scopes": ["read"], "dpop": "proof", "htm": "GET", "htu": "https://api/x"})
    );

    mock.on_request::<auth_introspection::Builder>(|_| {
        MockReply::json(200, &json!({"action": "FORBIDDEN", "responseContent": "Bearer error=\"insufficient_scope\""}))
    });
    let Access::Denied(r) =
        rs.check(ResourceRequest::from_http(&http::Method::GET, "https://api/x", &headers)).await.unwrap()
    else {
        panic!("denied")
    };
    assert_eq!((r.status().as_u16(), r.body()), (403, ""));
    assert_eq!(r.headers()["www-authenticate"], "Bearer error=\"insufficient_scope\"");
}

#[tokio::test]
async fn a_granted_dpop_request_carries_the_next_nonce() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on_request::<auth_introspection::Builder>(|_| {
        MockReply::json(200, &json!({"action": "OK", "subject": "alice", "dpopNonce": "n-2"}))
    });
    let mut headers = http::HeaderMap::new();
    headers.insert("authorization", "DPoP at-1".parse().unwrap());
    headers.insert("dpop", "proof".parse().unwrap());
    let rs = ResourceServer::new(mock.client());
    let Access::Granted(grant) =
        rs.check(ResourceRequest::from_http(&http::Method::GET, "https://api/x", &headers)).await.unwrap()
    else {
        panic!("granted")
    };
    assert_eq!(grant.headers()["dpop-nonce"], "n-2");
    assert_eq!(grant.answer().subject.as_deref(), Some("alice"));
    // A nonce that cannot be a header value is left out rather than sent broken.
    mock.on_request::<auth_introspection::Builder>(|_| {
        MockReply::json(200, &json!({"action": "OK", "dpopNonce": "bad\nnonce"}))
    });
    let Access::Granted(grant) =
        rs.check(ResourceRequest::from_http(&http::Method::GET, "https://api/x", &headers)).await.unwrap()
    else {
        panic!("granted")
    };
    assert!(grant.headers().get("dpop-nonce").is_none());
}

#[tokio::test]
async fn standard_introspection_can_answer_a_jwt() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on_request::<auth_introspection_standard::Builder>(|_| {
        MockReply::json(200, &json!({"action": "JWT", "responseContent": "eyJ.x.y"}))
    });
    let r = StandardIntrospectionEndpoint::new(mock.client())
        .handle("token=t".into(), Some("application/token-introspection+jwt"))
        .await
        .unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (200, "eyJ.x.y"));
    assert_eq!(r.headers()["content-type"], "application/token-introspection+jwt");
    assert_eq!(
        mock.calls_to::<auth_introspection_standard::Builder>()[0].body["httpAcceptHeader"],
        "application/token-introspection+jwt"
    );
}

#[tokio::test]
async fn standard_introspection_sends_its_options_and_never_shows_its_keys() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on_request::<auth_introspection_standard::Builder>(|_| {
        MockReply::json(200, &json!({"action": "OK", "responseContent": "{\"active\":false}"}))
    });
    let endpoint = StandardIntrospectionEndpoint::new(mock.client())
        .resource_server_uri("https://rs.example")
        .with_hidden_properties(true)
        .jwt_signing_algorithm("HS256")
        .shared_key_for_signing("hmac-secret-1")
        .jwt_encryption("A128KW", "A128GCM")
        .shared_key_for_encryption("aes-secret-2")
        .public_key_for_encryption(r#"{"kty":"EC"}"#);
    let r = endpoint.handle("token=t".into(), None).await.unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (200, "{\"active\":false}"));
    assert_eq!(
        mock.calls_to::<auth_introspection_standard::Builder>()[0].body,
        json!({
            "parameters": "token=t", "rsUri": "https://rs.example", "withHiddenProperties": true,
            "introspectionSignAlg": "HS256", "sharedKeyForSign": "hmac-secret-1",
            "introspectionEncryptionAlg": "A128KW", "introspectionEncryptionEnc": "A128GCM",
            "sharedKeyForEncryption": "aes-secret-2", "publicKeyForEncryption": "{\"kty\":\"EC\"}"
        })
    );
    let shown = format!("{endpoint:?}");
    assert!(shown.contains("https://rs.example") && shown.contains("HS256"), "{shown}");
    assert!(!shown.contains("hmac-secret-1") && !shown.contains("aes-secret-2"), "{shown}");
}

#[tokio::test]
async fn userinfo_asks_the_claims_provider_then_issues() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on_request::<auth_userinfo::Builder>(|_| {
        MockReply::json(200, &json!({"action": "OK", "subject": "alice", "claims": ["name"], "scopes": ["openid"]}))
    });
    mock.on_request::<auth_userinfo_issue::Builder>(|call| {
        MockReply::json(
            200,
            &json!({"action": "JSON", "responseContent": call.body["claims"].as_str().unwrap_or("{}")}),
        )
    });
    let endpoint = UserinfoEndpoint::new(mock.client()).claims_provider(|grant: GrantContext| async move {
        assert_eq!(grant.requested_userinfo_claims(), ["name"]);
        let mut claims = serde_json::Map::new();
        claims.insert("name".into(), format!("User {}", grant.subject().unwrap()).into());
        ClaimsDecision::claims(claims)
    });
    let mut headers = http::HeaderMap::new();
    headers.insert("authorization", "Bearer at-2".parse().unwrap());
    let request = ResourceRequest::from_http(&http::Method::GET, "https://as/userinfo", &headers);
    let r = endpoint.handle(request.clone()).await.unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (200, r#"{"name":"User alice"}"#));
    assert_eq!(mock.calls_to::<auth_userinfo_issue::Builder>()[0].body["token"], "at-2");

    let deny = UserinfoEndpoint::new(mock.client()).claims_provider(|_: GrantContext| async { ClaimsDecision::Deny });
    let r = deny.handle(request.clone()).await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert!(r.headers()["www-authenticate"].to_str().unwrap().contains("invalid_token"));

    mock.on_request::<auth_userinfo::Builder>(|_| {
        MockReply::json(200, &json!({"action": "UNAUTHORIZED", "responseContent": "Bearer error=\"invalid_token\""}))
    });
    let r = endpoint.handle(request).await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Bearer error=\"invalid_token\"");
}

#[tokio::test]
async fn discovery_and_jwks_are_served_as_published() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on_request::<service_configuration::Builder>(|_| MockReply::json(200, &json!({"issuer": "https://as"})));
    mock.on_request::<service_jwks_get::Builder>(|_| MockReply::raw(204, "application/json", ""));
    let d = DiscoveryEndpoint::new(mock.client());
    let c = d.configuration().await.unwrap();
    assert_eq!((c.status().as_u16(), c.body()), (200, r#"{"issuer":"https://as"}"#));
    assert_eq!(c.headers()["cache-control"], "max-age=300");
    let j = d.jwks().await.unwrap();
    assert_eq!(j.body(), r#"{"keys":[]}"#);
}

#[tokio::test]
async fn authorization_waits_for_the_user_then_redirects() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on_request::<auth_authorization::Builder>(|_| {
        MockReply::json(200, &json!({"action": "INTERACTION", "ticket": "t-1", "scopes": [{"name": "openid"}]}))
    });
    mock.on_request::<auth_authorization_issue::Builder>(|_| {
        MockReply::json(200, &json!({"action": "LOCATION", "responseContent": "https://client/cb?code=c"}))
    });
    mock.on_request::<auth_authorization_fail::Builder>(|_| {
        MockReply::json(200, &json!({"action": "LOCATION", "responseContent": "https://client/cb?error=access_denied"}))
    });
    let endpoint = AuthorizationEndpoint::new(mock.client());
    let AuthorizationStep::Interaction(i) = endpoint.handle("response_type=code&client_id=app".into()).await.unwrap()
    else {
        panic!("interaction")
    };
    assert_eq!((i.ticket(), i.scopes(), i.no_interaction), (Some("t-1"), vec!["openid".to_string()], false));
    let mut claims = serde_json::Map::new();
    claims.insert("name".into(), "Alice".into());
    let r = endpoint
        .finish("t-1", Decision::Approve(Approval::new("alice").with_claims(claims).with_auth_time(1_700_000_000)))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 302);
    assert_eq!(r.headers()["location"], "https://client/cb?code=c");
    assert_eq!(
        mock.calls_to::<auth_authorization_issue::Builder>()[0].body,
        json!({"ticket": "t-1", "subject": "alice", "claims": "{\"name\":\"Alice\"}", "authTime": 1_700_000_000})
    );
    let r = endpoint.finish("t-1", Decision::Deny("DENIED".into())).await.unwrap();
    assert_eq!(r.headers()["location"], "https://client/cb?error=access_denied");
    assert_eq!(
        mock.calls_to::<auth_authorization_fail::Builder>()[0].body,
        json!({"ticket": "t-1", "reason": "DENIED"})
    );

    mock.on_request::<auth_authorization::Builder>(|_| {
        MockReply::json(200, &json!({"action": "BAD_REQUEST", "responseContent": "{\"error\":\"invalid_request\"}"}))
    });
    let AuthorizationStep::Done(r) = endpoint.handle("x".into()).await.unwrap() else { panic!("done") };
    assert_eq!((r.status().as_u16(), r.body()), (400, "{\"error\":\"invalid_request\"}"));
}

#[tokio::test]
async fn prompt_none_is_approved_only_for_a_fresh_consented_login_of_the_named_user() {
    use authlete_server::endpoints::Session;
    let mock = MockAuthlete::start().await.unwrap();
    let endpoint = AuthorizationEndpoint::new(mock.client());
    let now = 1_700_000_000;
    let interaction = |action: &'static str, parameters: &'static str, extra: serde_json::Value| {
        let mut body = json!({"action": action, "ticket": "t", "scopes": [{"name": "openid"}, {"name": "email"}], "claims": ["name"]});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        mock.on_request::<auth_authorization::Builder>(move |_| MockReply::json(200, &body));
        let endpoint = endpoint.clone();
        async move {
            match endpoint.handle(parameters.into()).await.unwrap() {
                AuthorizationStep::Interaction(i) => i,
                other => panic!("{other:?}"),
            }
        }
    };
    let none = |extra| interaction("NO_INTERACTION", "prompt=none", extra);
    let consented =
        || Session::logged_in("alice", now - 60).with_consented_scopes(vec!["openid".into(), "email".into()]);
    let reason = |d: Decision| match d {
        Decision::Deny(r) => r,
        Decision::Approve(a) => format!("approved {}", a.subject()),
    };
    let plain = none(json!({})).await;
    assert!(plain.no_interaction);
    assert_eq!(reason(plain.decide_silently(&consented(), now)), "approved alice");
    assert_eq!(reason(plain.decide_silently(&Session::default(), now)), "NOT_LOGGED_IN");
    let partly = Session::logged_in("alice", now - 60).with_consented_scopes(vec!["openid".into()]);
    assert_eq!(reason(plain.decide_silently(&partly, now)), "CONSENT_REQUIRED", "no silent issue without consent");
    let asking = interaction("INTERACTION", "prompt=consent", json!({})).await;
    assert_eq!(reason(asking.decide_silently(&consented(), now)), "INTERACTION_REQUIRED", "not prompt=none");
    for named in [json!({"subject": "bob"}), json!({"grantSubject": "bob"})] {
        assert_eq!(reason(none(named).await.decide_silently(&consented(), now)), "DIFFERENT_SUBJECT");
    }
    // Authlete answers maxAge 0 for max_age=0 and for none: the request says which.
    let absent = none(json!({"maxAge": 0})).await;
    assert_eq!(absent.requested_max_age, None);
    assert_eq!(reason(absent.decide_silently(&consented(), now)), "approved alice");
    let zero = interaction("NO_INTERACTION", "prompt=none&max_age=0", json!({"maxAge": 0})).await;
    assert_eq!(zero.requested_max_age, Some(0));
    assert_eq!(reason(zero.decide_silently(&consented(), now)), "EXCEEDS_MAX_AGE", "max_age=0 is not absent");
    let in_object = none(json!({"maxAge": 0, "requestObjectPayload": "{\"max_age\":0}"})).await;
    assert_eq!(in_object.requested_max_age, Some(0));
    let hour = none(json!({"maxAge": 3600})).await;
    assert_eq!(reason(hour.decide_silently(&consented(), now)), "approved alice");
    let mut unknown_time = consented();
    unknown_time.auth_time = None;
    assert_eq!(reason(hour.decide_silently(&unknown_time, now)), "EXCEEDS_MAX_AGE");
    let future = Session::logged_in("alice", now + 600).with_consented_scopes(vec!["openid".into(), "email".into()]);
    assert_eq!(reason(hour.decide_silently(&future, now)), "EXCEEDS_MAX_AGE", "a login in the future");
    let essential = none(json!({"acrs": ["urn:gold"], "acrEssential": true})).await;
    assert_eq!(reason(essential.decide_silently(&consented().with_acr("urn:silver"), now)), "ACR_NOT_SATISFIED");
    let voluntary = none(json!({"acrs": ["urn:gold"]})).await;
    assert_eq!(reason(voluntary.decide_silently(&consented().with_acr("urn:silver"), now)), "approved alice");
    for beyond in [
        json!({"dynamicScopes": [{"name": "payment", "value": "payment:1"}]}),
        json!({"resources": ["https://rs.example"]}),
        json!({"authorizationDetails": {"elements": [{"type": "payment_initiation"}]}}),
        json!({"gmAction": "MERGE"}),
        json!({"scopes": [{"name": "openid"}, {"description": "no name"}]}),
    ] {
        let request = none(beyond.clone()).await;
        assert_eq!(reason(request.decide_silently(&consented(), now)), "CONSENT_REQUIRED", "{beyond}");
    }
    // The approval goes to /auth/authorization/issue with the session's
    // facts, and only the claims Authlete listed.
    let mut claims = serde_json::Map::new();
    claims.insert("name".into(), "Alice".into());
    claims.insert("birthdate".into(), "1990-01-01".into());
    mock.on_request::<auth_authorization_issue::Builder>(|_| {
        MockReply::json(200, &json!({"action": "LOCATION", "responseContent": "https://app/cb?code=c"}))
    });
    let session = consented().with_acr("urn:gold").with_claims(claims);
    endpoint.finish("t", essential.decide_silently(&session, now)).await.unwrap();
    let sent = &mock.calls_to::<auth_authorization_issue::Builder>()[0].body;
    assert_eq!(
        (sent["subject"].as_str(), sent["acr"].as_str(), sent["authTime"].as_i64()),
        (Some("alice"), Some("urn:gold"), Some(now - 60))
    );
    assert_eq!(sent["claims"], "{\"name\":\"Alice\"}");
}
