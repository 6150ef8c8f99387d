//! CIBA in poll mode: `backchannel_authentication`, its `_issue`, `_fail`
//! and `_complete`, and the token endpoint's CIBA grant.

use std::collections::HashMap;

use serde_json::{json, Map};

use super::device::{decide, poll, requested_scopes, scope_objects};
use super::keys::random_token;
use super::token::{authenticate, bad_request};
use super::world::{form, has, Decision, Grant, World};
use super::{action, body_str, oauth_error};
use crate::{Call, MockReply};

/// A backchannel authentication request, from its ticket to the user's
/// decision.
pub(super) struct BackchannelRequest {
    pub(super) ticket: String,
    pub(super) auth_req_id: Option<String>,
    pub(super) grant: Grant,
    pub(super) expires_at: i64,
    pub(super) decision: Decision,
}

fn error(status_action: &str, error: &str, description: &str) -> MockReply {
    action(status_action, description, json!({"responseContent": oauth_error(error, description)}))
}

pub(super) fn authentication(world: &mut World, call: &Call) -> MockReply {
    let Some(params) = form(body_str(call, "parameters").unwrap_or_default()) else {
        return error("BAD_REQUEST", "invalid_request", "a parameter is repeated");
    };
    let client = match authenticate(world, call, &params) {
        Ok(c) => c,
        Err(_) => return error("UNAUTHORIZED", "invalid_client", "client authentication failed"),
    };
    if !world.supports_grant("CIBA") || !has(&client.grant_types, "CIBA") {
        return error("BAD_REQUEST", "unauthorized_client", "the client may not use CIBA");
    }
    let scopes = requested_scopes(world, &params);
    if !scopes.iter().any(|s| s == "openid") {
        return error("BAD_REQUEST", "invalid_scope", "CIBA requires the openid scope");
    }
    let hints: Vec<(&str, &String)> =
        [("LOGIN_HINT", "login_hint"), ("ID_TOKEN_HINT", "id_token_hint"), ("LOGIN_HINT_TOKEN", "login_hint_token")]
            .into_iter()
            .filter_map(|(kind, name)| params.get(name).map(|v| (kind, v)))
            .collect();
    let [(hint_type, hint)] = hints.as_slice() else {
        return error(
            "BAD_REQUEST",
            "invalid_request",
            "exactly one of login_hint, id_token_hint and login_hint_token is required",
        );
    };
    let now = world.now();
    let duration = world.duration(world.service.backchannel_auth_req_id_duration.map(i64::from), 600);
    let request = BackchannelRequest {
        ticket: random_token(),
        auth_req_id: None,
        grant: Grant {
            client_id: client.client_id.unwrap_or_default(),
            client_key: super::client_key(&client),
            subject: None,
            scopes: scopes.clone(),
            claims: Map::new(),
            auth_time: None,
        },
        expires_at: now + duration,
        decision: Decision::Pending,
    };
    let mut fields = json!({
        "ticket": request.ticket,
        "clientId": request.grant.client_id,
        "scopes": scope_objects(world, &scopes),
        "hint": hint,
        "hintType": hint_type,
        "deliveryMode": "POLL",
    });
    if let Some(name) = &client.client_name {
        fields["clientName"] = name.clone().into();
    }
    if let Some(message) = params.get("binding_message") {
        fields["bindingMessage"] = message.clone().into();
    }
    world.backchannel.push(request);
    action("USER_IDENTIFICATION", "identify the user from the hint", fields)
}

pub(super) fn issue(world: &mut World, call: &Call) -> MockReply {
    let interval = world.duration(world.service.backchannel_polling_interval.map(i64::from), 5);
    let now = world.now();
    let Some(request) = world
        .backchannel
        .iter_mut()
        .find(|r| Some(r.ticket.as_str()) == body_str(call, "ticket") && r.auth_req_id.is_none())
    else {
        return action("INVALID_TICKET", "unknown or used ticket", json!({}));
    };
    let auth_req_id = random_token();
    request.auth_req_id = Some(auth_req_id.clone());
    let expires_in = request.expires_at - now;
    let content = json!({"auth_req_id": auth_req_id, "expires_in": expires_in, "interval": interval});
    let fields = json!({"responseContent": content.to_string(), "authReqId": auth_req_id, "expiresIn": expires_in, "interval": interval});
    action("OK", "an auth_req_id is issued", fields)
}

pub(super) fn fail(world: &mut World, call: &Call) -> MockReply {
    let ticket = body_str(call, "ticket");
    let Some(index) =
        world.backchannel.iter().position(|r| Some(r.ticket.as_str()) == ticket && r.auth_req_id.is_none())
    else {
        return error("BAD_REQUEST", "invalid_request", "unknown or used ticket");
    };
    world.backchannel.remove(index);
    let reason = body_str(call, "reason").unwrap_or_default();
    let description = body_str(call, "errorDescription").unwrap_or("the request was refused");
    match reason {
        "ACCESS_DENIED" => error("FORBIDDEN", "access_denied", description),
        "SERVER_ERROR" => action(
            "INTERNAL_SERVER_ERROR",
            description,
            json!({"responseContent": oauth_error("server_error", description)}),
        ),
        other => error("BAD_REQUEST", &other.to_ascii_lowercase(), description),
    }
}

pub(super) fn complete(world: &mut World, call: &Call) -> MockReply {
    let Some(request) = world
        .backchannel
        .iter_mut()
        .find(|r| Some(r.ticket.as_str()) == body_str(call, "ticket") && r.auth_req_id.is_some())
    else {
        return action("SERVER_ERROR", "unknown ticket, or no auth_req_id issued for it", json!({}));
    };
    match decide(&mut request.grant, call) {
        Ok(decision) => {
            request.decision = decision;
            action(
                "NO_ACTION",
                "poll mode: the client polls the token endpoint",
                json!({"authReqId": request.auth_req_id}),
            )
        }
        Err(message) => action("SERVER_ERROR", &message, json!({})),
    }
}

pub(super) fn token(world: &mut World, params: &HashMap<String, String>, client_id: i64) -> MockReply {
    let now = world.now();
    let id = params.get("auth_req_id");
    let Some(index) = world.backchannel.iter().position(|r| r.auth_req_id.as_ref().is_some_and(|a| Some(a) == id))
    else {
        return bad_request("invalid_grant", "unknown auth_req_id");
    };
    if world.backchannel[index].grant.client_id != client_id {
        return bad_request("invalid_grant", "the auth_req_id was issued to another client");
    }
    let request = &world.backchannel[index];
    let (expired, pending) = (request.expires_at <= now, matches!(request.decision, Decision::Pending));
    if pending && !expired {
        return poll(world, request.grant.clone(), &Decision::Pending, false, "CIBA");
    }
    let request = world.backchannel.remove(index);
    poll(world, request.grant, &request.decision, expired, "CIBA")
}
