//! Dynamic client registration and grant management against the typed mock
//! of Authlete: what reaches Authlete and the responses its answers become.

use authlete::operation::{
    client_registration, client_registration_delete, client_registration_get, client_registration_update, gm,
};
use authlete_mock::{MockAuthlete, MockReply};
use authlete_server::endpoints::{ClientRegistrationEndpoint, GrantManagementEndpoint, ResourceRequest};
use serde_json::json;

fn answer(action: &str, content: Option<&str>) -> MockReply {
    let mut body = json!({"action": action});
    if let Some(c) = content {
        body["responseContent"] = c.into();
    }
    MockReply::json(200, &body)
}

#[tokio::test]
async fn registration_creates_reads_updates_and_deletes_with_the_statuses_of_rfc_7591_and_7592() {
    let mock = MockAuthlete::start().await.unwrap();
    let endpoint = ClientRegistrationEndpoint::new(mock.client());
    let created =
        r#"{"client_id":"c1","registration_access_token":"rat","registration_client_uri":"https://op/register/c1"}"#;
    mock.on_request::<client_registration::Builder>(move |_| answer("CREATED", Some(created)));
    mock.on_request::<client_registration_get::Builder>(|_| answer("OK", Some(r#"{"client_id":"c1"}"#)));
    mock.on_request::<client_registration_update::Builder>(|_| answer("UPDATED", Some(r#"{"client_id":"c1"}"#)));
    mock.on_request::<client_registration_delete::Builder>(|_| answer("DELETED", None));

    let r = endpoint.register(r#"{"redirect_uris":["https://app/cb"]}"#.into(), Some("iat")).await.unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (201, created));
    let sent = &mock.calls_to::<client_registration::Builder>()[0].body;
    assert_eq!(
        (sent["json"].as_str(), sent["token"].as_str()),
        (Some(r#"{"redirect_uris":["https://app/cb"]}"#), Some("iat"))
    );
    let open = endpoint.register("{}".into(), None).await.unwrap();
    assert_eq!(open.status().as_u16(), 201);
    assert!(mock.calls_to::<client_registration::Builder>()[1].body.get("token").is_none());

    assert_eq!(endpoint.read("c1", Some("rat")).await.unwrap().status().as_u16(), 200);
    let sent = &mock.calls_to::<client_registration_get::Builder>()[0].body;
    assert_eq!((sent["clientId"].as_str(), sent["token"].as_str()), (Some("c1"), Some("rat")));
    assert_eq!(endpoint.update("c1", Some("rat"), "{}".into()).await.unwrap().status().as_u16(), 200);
    let deleted = endpoint.delete("c1", Some("rat")).await.unwrap();
    assert_eq!((deleted.status().as_u16(), deleted.body()), (204, ""));
}

#[tokio::test]
async fn a_bad_or_missing_registration_token_gets_a_bearer_challenge() {
    let mock = MockAuthlete::start().await.unwrap();
    let endpoint = ClientRegistrationEndpoint::new(mock.client());
    mock.on_request::<client_registration_get::Builder>(|_| {
        answer("UNAUTHORIZED", Some(r#"{"error":"invalid_token"}"#))
    });
    let r = endpoint.read("c1", Some("wrong")).await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Bearer error=\"invalid_token\"");
    let r = endpoint.delete("c1", None).await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["www-authenticate"].to_str().unwrap()), (401, "Bearer"));
    assert!(mock.calls_to::<client_registration_delete::Builder>().is_empty(), "no token: Authlete not asked");
    mock.on_request::<client_registration_update::Builder>(|_| {
        answer("BAD_REQUEST", Some(r#"{"error":"invalid_client_metadata"}"#))
    });
    let r = endpoint.update("c1", Some("rat"), "{}".into()).await.unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (400, r#"{"error":"invalid_client_metadata"}"#));
}

fn gm_request(token: Option<&str>) -> ResourceRequest {
    let mut headers = http::HeaderMap::new();
    if let Some(t) = token {
        headers.insert("authorization", format!("Bearer {t}").parse().unwrap());
    }
    ResourceRequest::from_http(&http::Method::GET, "https://op.example/grants/g1", &headers)
}

#[tokio::test]
async fn grant_management_queries_and_revokes_and_puts_challenges_in_the_header() {
    let mock = MockAuthlete::start().await.unwrap();
    let grants = GrantManagementEndpoint::new(mock.client());
    mock.on_request::<gm::Builder>(|call| match call.body["gmAction"].as_str() {
        Some("QUERY") => answer("OK", Some(r#"{"scopes":[{"scope":"openid"}]}"#)),
        _ => answer("NO_CONTENT", None),
    });
    let r = grants.query(gm_request(Some("at")), "g1").await.unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (200, r#"{"scopes":[{"scope":"openid"}]}"#));
    let sent = &mock.calls_to::<gm::Builder>()[0].body;
    assert_eq!((sent["accessToken"].as_str(), sent["grantId"].as_str()), (Some("at"), Some("g1")));
    assert_eq!(grants.revoke(gm_request(Some("at")), "g1").await.unwrap().status().as_u16(), 204);
    assert_eq!(mock.calls_to::<gm::Builder>()[1].body["gmAction"], "REVOKE");

    for (action, status) in [("UNAUTHORIZED", 401), ("FORBIDDEN", 403), ("NOT_FOUND", 404)] {
        mock.on_request::<gm::Builder>(move |_| answer(action, Some("Bearer error=\"invalid_grant\"")));
        let r = grants.query(gm_request(Some("at")), "g1").await.unwrap();
        assert_eq!((r.status().as_u16(), r.body()), (status, ""), "{action}: the challenge is not a body");
        assert_eq!(r.headers()["www-authenticate"], "Bearer error=\"invalid_grant\"", "{action}");
    }
    mock.on_request::<gm::Builder>(|_| answer("CALLER_ERROR", None));
    assert_eq!(grants.query(gm_request(Some("at")), "g1").await.unwrap().status().as_u16(), 500);
    let calls = mock.calls_to::<gm::Builder>().len();
    let r = grants.query(gm_request(None), "g1").await.unwrap();
    assert_eq!(
        (r.status().as_u16(), r.headers()["www-authenticate"].to_str().unwrap()),
        (401, "Bearer realm=\"grants\"")
    );
    assert_eq!(mock.calls_to::<gm::Builder>().len(), calls, "no token: Authlete not asked");
}

#[tokio::test]
async fn a_credential_issuer_serves_its_metadata_and_offers_by_reference() {
    use authlete::operation::{vci_jwks, vci_metadata, vci_offer_info};
    use authlete_server::endpoints::CredentialIssuerEndpoint;
    let mock = MockAuthlete::start().await.unwrap();
    let issuer = CredentialIssuerEndpoint::new(mock.client());
    mock.on_request::<vci_metadata::Builder>(|_| answer("OK", Some(r#"{"credential_issuer":"https://op"}"#)));
    let r = issuer.metadata().await.unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (200, r#"{"credential_issuer":"https://op"}"#));
    mock.on_request::<vci_jwks::Builder>(|_| answer("NOT_FOUND", Some(r#"{"error":"not_found"}"#)));
    assert_eq!(issuer.jwks().await.unwrap().status().as_u16(), 404);

    let offer = r#"{"credential_issuer":"https://op","credential_configuration_ids":["pid"]}"#;
    mock.on_request::<vci_offer_info::Builder>(move |call| match call.body["identifier"].as_str() {
        Some("o1") => {
            MockReply::json(200, &json!({"action": "OK", "info": {"identifier": "o1", "credentialOffer": offer}}))
        }
        Some("o2") => MockReply::json(200, &json!({"action": "OK", "info": {"identifier": "o2"}})),
        Some("gone") => answer("NOT_FOUND", None),
        _ => answer("CALLER_ERROR", None),
    });
    let r = issuer.credential_offer("o1").await.unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (200, offer));
    assert_eq!(r.headers()["content-type"], "application/json;charset=UTF-8");
    assert_eq!(issuer.credential_offer("o2").await.unwrap().status().as_u16(), 500, "OK without an offer is no answer");
    assert_eq!(issuer.credential_offer("gone").await.unwrap().status().as_u16(), 404);
    assert_eq!(issuer.credential_offer("x").await.unwrap().status().as_u16(), 500);
}

#[tokio::test]
async fn federation_serves_entity_statements_and_reads_registrations_by_content_type() {
    use authlete::operation::{federation_configuration, federation_registration};
    use authlete_server::endpoints::FederationEndpoint;
    let mock = MockAuthlete::start().await.unwrap();
    let federation = FederationEndpoint::new(mock.client());
    mock.on_request::<federation_configuration::Builder>(|_| answer("OK", Some("eyJ.entity.statement")));
    let r = federation.configuration().await.unwrap();
    assert_eq!((r.status().as_u16(), r.body()), (200, "eyJ.entity.statement"));
    assert_eq!(r.headers()["content-type"], "application/entity-statement+jwt");
    mock.on_request::<federation_registration::Builder>(|_| answer("OK", Some("eyJ.registered")));
    federation.registration("eyJ.rp.configuration".into(), Some("application/entity-statement+jwt")).await.unwrap();
    federation
        .registration("[\"eyJ.a\",\"eyJ.b\"]".into(), Some("Application/Trust-Chain+JSON; charset=utf-8"))
        .await
        .unwrap();
    let sent = mock.calls_to::<federation_registration::Builder>();
    assert_eq!(sent[0].body["entityConfiguration"], "eyJ.rp.configuration");
    assert!(sent[0].body.get("trustChain").is_none());
    assert_eq!(sent[1].body["trustChain"], "[\"eyJ.a\",\"eyJ.b\"]");
    mock.on_request::<federation_registration::Builder>(|_| {
        answer("BAD_REQUEST", Some(r#"{"error":"invalid_request"}"#))
    });
    let r = federation.registration("x".into(), None).await.unwrap();
    assert_eq!(
        (r.status().as_u16(), r.headers()["content-type"].to_str().unwrap()),
        (400, "application/json;charset=UTF-8")
    );
}

#[tokio::test]
async fn a_registration_without_an_initial_token_is_challenged_without_an_error_code() {
    let mock = MockAuthlete::start().await.unwrap();
    mock.on_request::<client_registration::Builder>(|_| answer("UNAUTHORIZED", Some(r#"{"error":"invalid_token"}"#)));
    let endpoint = ClientRegistrationEndpoint::new(mock.client());
    let r = endpoint.register("{}".into(), None).await.unwrap();
    assert_eq!(r.headers()["www-authenticate"], "Bearer");
    let r = endpoint.register("{}".into(), Some("expired")).await.unwrap();
    assert_eq!(r.headers()["www-authenticate"], "Bearer error=\"invalid_token\"");
}
