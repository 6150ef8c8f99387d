//! The service and its clients: `service_*` and `client_*`.

use serde_json::{json, Value};

use super::world::{wire, World};
use super::{Client, Service};
use crate::{Call, MockReply};

fn no_such_client(call: &Call) -> MockReply {
    let id = call.path_param("clientId").unwrap_or_default();
    MockReply::error(400, "MOCK_NO_SUCH_CLIENT", &format!("[authlete-mock fake] no client `{id}`"))
}

fn malformed(what: &str, e: serde_json::Error) -> MockReply {
    MockReply::error(400, "MOCK_MALFORMED", &format!("[authlete-mock fake] the body is not a {what}: {e}"))
}

pub(super) fn service_get(world: &World) -> MockReply {
    MockReply::ok(&world.service)
}

/// Replaces the service's settings with the body (a read-modify-write of
/// `service_get`'s answer); its number and API key stay.
pub(super) fn service_update(world: &mut World, call: &Call) -> MockReply {
    let mut service: Service = match serde_json::from_value(call.body.clone()) {
        Ok(s) => s,
        Err(e) => return malformed("service", e),
    };
    service.number = world.service.number;
    service.api_key = world.service.api_key;
    world.service = service;
    MockReply::ok(&world.service)
}

/// The discovery document, from the service's settings.
pub(super) fn configuration(world: &World) -> MockReply {
    let s = &world.service;
    let names = |v: &[String]| v.to_vec();
    let scopes: Vec<_> = s.supported_scopes.iter().filter_map(|s| s.name.clone()).collect();
    let grants: Vec<_> = s
        .supported_grant_types
        .iter()
        .map(|g| match wire(g).as_str() {
            "AUTHORIZATION_CODE" => "authorization_code".to_string(),
            "REFRESH_TOKEN" => "refresh_token".to_string(),
            "CLIENT_CREDENTIALS" => "client_credentials".to_string(),
            "DEVICE_CODE" => "urn:ietf:params:oauth:grant-type:device_code".to_string(),
            "CIBA" => "urn:openid:params:grant-type:ciba".to_string(),
            other => other.to_ascii_lowercase(),
        })
        .collect();
    let auth_methods: Vec<_> = s.supported_token_auth_methods.iter().map(|m| wire(m).to_ascii_lowercase()).collect();
    let mut document = json!({
        "issuer": s.issuer,
        "authorization_endpoint": s.authorization_endpoint,
        "token_endpoint": s.token_endpoint,
        "userinfo_endpoint": s.user_info_endpoint,
        "jwks_uri": s.jwks_uri,
        "revocation_endpoint": s.revocation_endpoint,
        "introspection_endpoint": s.introspection_endpoint,
        "device_authorization_endpoint": s.device_authorization_endpoint,
        "backchannel_authentication_endpoint": s.backchannel_authentication_endpoint,
        "backchannel_token_delivery_modes_supported": ["poll"],
        "scopes_supported": scopes,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": grants,
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "token_endpoint_auth_methods_supported": auth_methods,
        "revocation_endpoint_auth_methods_supported": auth_methods,
        "code_challenge_methods_supported": ["S256", "plain"],
        "claims_supported": names(&s.supported_claims),
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "authorization_response_iss_parameter_supported": false,
    });
    if let Value::Object(fields) = &mut document {
        fields.retain(|_, v| !v.is_null());
    }
    MockReply::ok(document)
}

pub(super) fn client_create(world: &mut World, call: &Call) -> MockReply {
    match serde_json::from_value::<Client>(call.body.clone()) {
        Ok(client) => MockReply::ok(world.add_client(client)),
        Err(e) => malformed("client", e),
    }
}

pub(super) fn client_get(world: &World, call: &Call) -> MockReply {
    match world.client(call.path_param("clientId").unwrap_or_default()) {
        Some(client) => MockReply::ok(client),
        None => no_such_client(call),
    }
}

/// A page of clients, `start` (default 0) to `end` (default 5, exclusive).
pub(super) fn client_list(world: &World, call: &Call) -> MockReply {
    let start = call.query_as::<usize>("start").unwrap_or(0);
    let end = call.query_as::<usize>("end").unwrap_or(5).max(start);
    let clients: Vec<&Client> = world.clients.values().skip(start).take(end - start).collect();
    MockReply::ok(json!({"start": start, "end": end, "totalCount": world.clients.len(), "clients": clients}))
}

/// Replaces a client's settings with the body; its number, creation time
/// and (when the body has none) secret stay.
pub(super) fn client_update(world: &mut World, call: &Call) -> MockReply {
    let Some(old) = world.client(call.path_param("clientId").unwrap_or_default()).cloned() else {
        return no_such_client(call);
    };
    let mut client: Client = match serde_json::from_value(call.body.clone()) {
        Ok(c) => c,
        Err(e) => return malformed("client", e),
    };
    client.client_id = old.client_id;
    client.number = old.number;
    client.created_at = old.created_at;
    client.modified_at = Some(world.now().saturating_mul(1000));
    if client.client_secret.is_none() {
        client.client_secret = old.client_secret;
    }
    let id = old.client_id.unwrap_or_default();
    world.clients.insert(id, client.clone());
    MockReply::ok(client)
}

/// Deletes a client, and every grant and token it holds.
pub(super) fn client_delete(world: &mut World, call: &Call) -> MockReply {
    let Some(id) = world.client(call.path_param("clientId").unwrap_or_default()).and_then(|c| c.client_id) else {
        return no_such_client(call);
    };
    world.clients.remove(&id);
    world.tokens.retain(|t| t.grant.client_id != id);
    world.codes.retain(|_, c| c.pending.grant.client_id != id);
    world.tickets.retain(|_, p| p.grant.client_id != id);
    MockReply::no_content()
}
