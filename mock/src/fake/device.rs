//! The device authorization grant (RFC 8628): `device_authorization`,
//! `device_verification`, `device_complete`, and the token endpoint's
//! device code grant.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::keys::random_token;
use super::token::{authenticate, bad_request, issue_for};
use super::world::{form, has, Decision, Grant, World};
use super::{action, body_str};
use crate::{Call, MockReply};

/// A device's request, from its codes to the user's decision.
pub(super) struct DeviceRequest {
    pub(super) device_code: String,
    pub(super) user_code: String,
    pub(super) grant: Grant,
    pub(super) expires_at: i64,
    pub(super) decision: Decision,
}

/// A user code as RFC 8628 §6.1 suggests: 8 consonants, `XXXX-XXXX`.
fn user_code() -> String {
    const ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
    let letters: String =
        random_token().bytes().take(8).map(|b| ALPHABET[b as usize % ALPHABET.len()] as char).collect();
    format!("{}-{}", &letters[..4], &letters[4..])
}

pub(super) fn authorization(world: &mut World, call: &Call) -> MockReply {
    let unauthorized = |e: MockReply| {
        // The token endpoint's INVALID_CLIENT is this endpoint's UNAUTHORIZED.
        let mut body: Value = serde_json::from_slice(&e.body).unwrap_or_default();
        body["action"] = "UNAUTHORIZED".into();
        MockReply::ok(body)
    };
    let Some(params) = form(body_str(call, "parameters").unwrap_or_default()) else {
        return action(
            "BAD_REQUEST",
            "a parameter is repeated",
            json!({"responseContent": super::oauth_error("invalid_request", "a parameter is repeated")}),
        );
    };
    let client = match authenticate(world, call, &params) {
        Ok(c) => c,
        Err(e) => return unauthorized(e),
    };
    if !world.supports_grant("DEVICE_CODE") || !has(&client.grant_types, "DEVICE_CODE") {
        return action(
            "BAD_REQUEST",
            "the client may not use the device flow",
            json!({"responseContent": super::oauth_error("unauthorized_client", "the device code grant is not allowed")}),
        );
    }
    let scopes = requested_scopes(world, &params);
    let now = world.now();
    let duration = world.duration(world.service.device_flow_code_duration.map(i64::from), 600);
    let interval = world.duration(world.service.device_flow_polling_interval.map(i64::from), 5);
    let issuer = world.issuer();
    let verification_uri = world.service.device_verification_uri.clone().unwrap_or_else(|| format!("{issuer}/device"));
    let request = DeviceRequest {
        device_code: random_token(),
        user_code: user_code(),
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
    let complete = format!("{verification_uri}?user_code={}", request.user_code);
    let content = json!({
        "device_code": request.device_code,
        "user_code": request.user_code,
        "verification_uri": verification_uri,
        "verification_uri_complete": complete,
        "expires_in": duration,
        "interval": interval,
    });
    let fields = json!({
        "responseContent": content.to_string(),
        "clientId": request.grant.client_id,
        "clientName": client.client_name,
        "deviceCode": request.device_code,
        "userCode": request.user_code,
        "verificationUri": verification_uri,
        "verificationUriComplete": complete,
        "expiresIn": duration,
        "interval": interval,
        "scopes": scope_objects(world, &scopes),
    });
    world.devices.push(request);
    action("OK", "device and user codes are issued", without_nulls(fields))
}

pub(super) fn verification(world: &World, call: &Call) -> MockReply {
    let now = world.now();
    let Some(request) = world.devices.iter().find(|d| Some(d.user_code.as_str()) == body_str(call, "userCode")) else {
        return action("NOT_EXIST", "unknown user code", json!({}));
    };
    if request.expires_at <= now {
        return action("EXPIRED", "the user code has expired", json!({}));
    }
    if !matches!(request.decision, Decision::Pending) {
        return action("NOT_EXIST", "the user code has been used", json!({}));
    }
    let client = world.clients.get(&request.grant.client_id);
    let fields = json!({
        "clientId": request.grant.client_id,
        "clientName": client.and_then(|c| c.client_name.clone()),
        "scopes": scope_objects(world, &request.grant.scopes),
        "expiresAt": request.expires_at * 1000,
    });
    action("VALID", "the user code waits for the user's decision", without_nulls(fields))
}

pub(super) fn complete(world: &mut World, call: &Call) -> MockReply {
    let now = world.now();
    let Some(request) = world.devices.iter_mut().find(|d| Some(d.user_code.as_str()) == body_str(call, "userCode"))
    else {
        return action("USER_CODE_NOT_EXIST", "unknown user code", json!({}));
    };
    if request.expires_at <= now {
        return action("USER_CODE_EXPIRED", "the user code has expired", json!({}));
    }
    match decide(&mut request.grant, call) {
        Ok(decision) => {
            request.decision = decision;
            action("SUCCESS", "the decision is recorded", json!({}))
        }
        Err(message) => action("INVALID_REQUEST", &message, json!({})),
    }
}

/// The decision of a `/device/complete` or `/backchannel/authentication/complete`.
pub(super) fn decide(grant: &mut Grant, call: &Call) -> Result<Decision, String> {
    match body_str(call, "result") {
        Some("AUTHORIZED") => {
            let subject = body_str(call, "subject").filter(|s| !s.is_empty()).ok_or("`subject` is required")?;
            grant.subject = Some(body_str(call, "sub").unwrap_or(subject).to_string());
            grant.auth_time = call.body.get("authTime").and_then(Value::as_i64).filter(|t| *t > 0);
            if let Some(claims) = body_str(call, "claims") {
                grant.claims = serde_json::from_str(claims).map_err(|_| "`claims` is not a JSON object".to_string())?;
            }
            if let Some(scopes) = call.body.get("scopes").and_then(Value::as_array) {
                grant.scopes.retain(|s| scopes.iter().any(|n| n == s));
            }
            Ok(Decision::Approved)
        }
        Some("ACCESS_DENIED") => Ok(Decision::Denied),
        Some("TRANSACTION_FAILED") => Ok(Decision::Failed),
        _ => Err("`result` must be AUTHORIZED, ACCESS_DENIED or TRANSACTION_FAILED".into()),
    }
}

/// The token endpoint's answer to a poll for a decision: tokens once
/// approved (and the request is spent), the RFC 8628 §3.5 errors before.
pub(super) fn poll(world: &mut World, grant: Grant, decision: &Decision, expired: bool, grant_type: &str) -> MockReply {
    match decision {
        _ if expired => bad_request("expired_token", "the request has expired"),
        Decision::Pending => bad_request("authorization_pending", "the user has not decided yet"),
        Decision::Denied => bad_request("access_denied", "the user refused"),
        Decision::Failed => bad_request("access_denied", "the transaction failed"),
        Decision::Approved => issue_for(world, grant, None, grant_type),
    }
}

pub(super) fn token(world: &mut World, params: &HashMap<String, String>, client_id: i64) -> MockReply {
    let now = world.now();
    let Some(index) = params.get("device_code").and_then(|c| world.devices.iter().position(|d| &d.device_code == c))
    else {
        return bad_request("invalid_grant", "unknown device code");
    };
    if world.devices[index].grant.client_id != client_id {
        return bad_request("invalid_grant", "the device code was issued to another client");
    }
    let request = &world.devices[index];
    let (expired, pending) = (request.expires_at <= now, matches!(request.decision, Decision::Pending));
    if pending && !expired {
        return poll(world, request.grant.clone(), &Decision::Pending, false, "DEVICE_CODE");
    }
    let request = world.devices.remove(index);
    poll(world, request.grant, &request.decision, expired, "DEVICE_CODE")
}

/// The requested scopes the service supports.
pub(super) fn requested_scopes(world: &World, params: &HashMap<String, String>) -> Vec<String> {
    params
        .get("scope")
        .map(|s| s.split(' ').filter(|s| !s.is_empty() && world.supports_scope(s)).map(str::to_string).collect())
        .unwrap_or_default()
}

/// The service's scope objects of these names.
pub(super) fn scope_objects(world: &World, names: &[String]) -> Vec<Value> {
    world
        .service
        .supported_scopes
        .iter()
        .filter(|s| s.name.as_ref().is_some_and(|n| names.contains(n)))
        .map(|s| serde_json::to_value(s).unwrap_or_default())
        .collect()
}

fn without_nulls(mut fields: Value) -> Value {
    if let Value::Object(map) = &mut fields {
        map.retain(|_, v| !v.is_null());
    }
    fields
}
