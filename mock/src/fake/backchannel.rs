//! CIBA in poll mode: `backchannel_authentication`, its `_issue`, `_fail`
//! and `_complete`, and the token endpoint's CIBA grant.

use std::collections::HashMap;

use serde_json::json;

use super::keys::random_token;
use super::pending::{decide_once, redeem, Decision, Polled, Refused};
use super::token::authenticate;
use super::world::{form, has, scope_objects, supported_scopes, Grant, World};
use super::{action, body_str, oauth_error};
use crate::{Call, MockReply};

/// A backchannel authentication request, from its ticket to the user's
/// decision.
pub(super) struct BackchannelRequest {
    ticket: String,
    auth_req_id: Option<String>,
    grant: Grant,
    expires_at: i64,
    decision: Decision,
}

impl Polled for BackchannelRequest {
    fn polled_by(&self) -> Option<&str> {
        self.auth_req_id.as_deref()
    }
    fn grant(&self) -> &Grant {
        &self.grant
    }
    fn decision(&self) -> Decision {
        self.decision
    }
    fn expires_at(&self) -> i64 {
        self.expires_at
    }
    fn record(&mut self, grant: Grant, decision: Decision) {
        (self.grant, self.decision) = (grant, decision);
    }
}

fn error(status_action: &str, error: &str, description: &str) -> MockReply {
    action(status_action, description, json!({"responseContent": oauth_error(error, description)}))
}

/// The request of the body's ticket, with or without an `auth_req_id`.
fn by_ticket<'w>(world: &'w mut World, call: &Call, issued: bool) -> Option<&'w mut BackchannelRequest> {
    let ticket = body_str(call, "ticket");
    world.backchannel.iter_mut().find(|r| Some(r.ticket.as_str()) == ticket && r.auth_req_id.is_some() == issued)
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
    let scopes = supported_scopes(world, params.get("scope").map(String::as_str));
    if !scopes.iter().any(|s| s == "openid") {
        return error("BAD_REQUEST", "invalid_scope", "CIBA requires the openid scope");
    }
    let hints: Vec<(&str, &String)> =
        [("LOGIN_HINT", "login_hint"), ("ID_TOKEN_HINT", "id_token_hint"), ("LOGIN_HINT_TOKEN", "login_hint_token")]
            .into_iter()
            .filter_map(|(kind, name)| params.get(name).map(|v| (kind, v)))
            .collect();
    let [(hint_type, hint)] = hints.as_slice() else {
        let message = "exactly one of login_hint, id_token_hint and login_hint_token is required";
        return error("BAD_REQUEST", "invalid_request", message);
    };
    // An ID token hint must be one of the service's own ID tokens; its
    // subject is the user (CIBA Core §7.1).
    let sub = match *hint_type {
        "ID_TOKEN_HINT" => match world.key.verified(hint, &world.issuer()) {
            Some(claims) => claims["sub"].as_str().map(str::to_string),
            None => {
                return error("BAD_REQUEST", "invalid_request", "the id_token_hint is not an ID token of this service")
            }
        },
        _ => None,
    };
    let duration = world.duration(world.service.backchannel_auth_req_id_duration.map(i64::from), 600);
    let request = BackchannelRequest {
        ticket: random_token(),
        auth_req_id: None,
        grant: Grant::new(&client, scopes),
        expires_at: world.now().saturating_add(duration),
        decision: Decision::Pending,
    };
    let mut fields = json!({
        "ticket": request.ticket,
        "clientId": request.grant.client_id,
        "scopes": scope_objects(world, &request.grant.scopes),
        "hint": hint,
        "hintType": hint_type,
        "deliveryMode": "POLL",
    });
    if let Some(sub) = sub {
        fields["sub"] = sub.into();
    }
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
    let Some(request) = by_ticket(world, call, false).filter(|r| r.expires_at > now) else {
        return action("INVALID_TICKET", "unknown, used or expired ticket", json!({}));
    };
    let auth_req_id = random_token();
    request.auth_req_id = Some(auth_req_id.clone());
    let expires_in = request.expires_at - now;
    let content = json!({"auth_req_id": auth_req_id, "expires_in": expires_in, "interval": interval});
    let fields = json!({
        "responseContent": content.to_string(),
        "authReqId": auth_req_id,
        "expiresIn": expires_in,
        "interval": interval,
    });
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
    let description = body_str(call, "errorDescription").unwrap_or("the request was refused");
    // The reasons' errors are CIBA Core §13's names in lower case.
    match body_str(call, "reason").unwrap_or_default() {
        "ACCESS_DENIED" => error("FORBIDDEN", "access_denied", description),
        "SERVER_ERROR" => error("INTERNAL_SERVER_ERROR", "server_error", description),
        "" => error("BAD_REQUEST", "invalid_request", description),
        other => error("BAD_REQUEST", &other.to_ascii_lowercase(), description),
    }
}

pub(super) fn complete(world: &mut World, call: &Call) -> MockReply {
    let now = world.now();
    let Some(request) = by_ticket(world, call, true) else {
        return action("SERVER_ERROR", "unknown ticket, or no auth_req_id issued for it", json!({}));
    };
    match decide_once(request, now, call) {
        Ok(()) => {
            let fields = json!({"authReqId": request.auth_req_id});
            action("NO_ACTION", "poll mode: the client polls the token endpoint", fields)
        }
        Err(Refused::Expired) => action("SERVER_ERROR", "the request has expired", json!({})),
        Err(Refused::DecidedAlready) => action("SERVER_ERROR", "the user has decided already", json!({})),
        Err(Refused::Invalid(message)) => action("SERVER_ERROR", &message, json!({})),
    }
}

pub(super) fn token(world: &mut World, params: &HashMap<String, String>, client_id: i64) -> MockReply {
    redeem(world, |w| &mut w.backchannel, params.get("auth_req_id"), client_id, "CIBA")
}
