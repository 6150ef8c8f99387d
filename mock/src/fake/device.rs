//! The device authorization grant (RFC 8628): `device_authorization`,
//! `device_verification`, `device_complete`, and the token endpoint's
//! device code grant.

use std::collections::HashMap;

use serde_json::json;

use super::keys::random_token;
use super::pending::{decide_once, redeem, Decision, Polled, Refused};
use super::token::authenticate;
use super::world::{form, has, scope_objects, supported_scopes, without_nulls, Grant, World};
use super::{action, body_str, oauth_error};
use crate::{Call, MockReply};

/// A device's request, from its codes to the user's decision.
pub(super) struct DeviceRequest {
    device_code: String,
    user_code: String,
    grant: Grant,
    expires_at: i64,
    decision: Decision,
}

impl Polled for DeviceRequest {
    fn polled_by(&self) -> Option<&str> {
        Some(&self.device_code)
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

/// A user code as RFC 8628 §6.1 suggests: 8 consonants, `XXXX-XXXX`.
fn user_code() -> String {
    const ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
    let letters: String =
        random_token().bytes().take(8).map(|b| ALPHABET[b as usize % ALPHABET.len()] as char).collect();
    format!("{}-{}", &letters[..4], &letters[4..])
}

/// A user code as typed: case and separators do not matter (RFC 8628 §6.1).
fn normalised(code: &str) -> String {
    code.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

/// The request of the body's `userCode`.
fn by_user_code<'w>(world: &'w mut World, call: &Call) -> Option<&'w mut DeviceRequest> {
    let typed = normalised(body_str(call, "userCode").unwrap_or_default());
    world.devices.iter_mut().find(|d| !typed.is_empty() && normalised(&d.user_code) == typed)
}

pub(super) fn authorization(world: &mut World, call: &Call) -> MockReply {
    let Some(params) = form(body_str(call, "parameters").unwrap_or_default()) else {
        let content = oauth_error("invalid_request", "a parameter is repeated");
        return action("BAD_REQUEST", "a parameter is repeated", json!({"responseContent": content}));
    };
    let client = match authenticate(world, call, &params) {
        Ok(c) => c,
        // The token endpoint's INVALID_CLIENT is this endpoint's UNAUTHORIZED.
        Err(_) => {
            let content = oauth_error("invalid_client", "client authentication failed");
            return action("UNAUTHORIZED", "client authentication failed", json!({"responseContent": content}));
        }
    };
    if !world.supports_grant("DEVICE_CODE") || !has(&client.grant_types, "DEVICE_CODE") {
        let content = oauth_error("unauthorized_client", "the device code grant is not allowed");
        return action("BAD_REQUEST", "the client may not use the device flow", json!({"responseContent": content}));
    }
    let scopes = supported_scopes(world, params.get("scope").map(String::as_str));
    let duration = world.duration(world.service.device_flow_code_duration.map(i64::from), 600);
    let interval = world.duration(world.service.device_flow_polling_interval.map(i64::from), 5);
    let issuer = world.issuer();
    let verification_uri = world.service.device_verification_uri.clone().unwrap_or_else(|| format!("{issuer}/device"));
    let request = DeviceRequest {
        device_code: random_token(),
        user_code: user_code(),
        grant: Grant::new(&client, scopes),
        expires_at: world.now().saturating_add(duration),
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
        "scopes": scope_objects(world, &request.grant.scopes),
    });
    world.devices.push(request);
    action("OK", "device and user codes are issued", without_nulls(fields))
}

pub(super) fn verification(world: &mut World, call: &Call) -> MockReply {
    let now = world.now();
    let Some(request) = by_user_code(world, call) else { return action("NOT_EXIST", "unknown user code", json!({})) };
    if request.expires_at <= now {
        return action("EXPIRED", "the user code has expired", json!({}));
    }
    if !matches!(request.decision, Decision::Pending) {
        return action("NOT_EXIST", "the user code has been used", json!({}));
    }
    let (client_id, scopes, expires_at) = (request.grant.client_id, request.grant.scopes.clone(), request.expires_at);
    let client_name = world.clients.get(&client_id).and_then(|c| c.client_name.clone());
    let fields = json!({
        "clientId": client_id,
        "clientName": client_name,
        "scopes": scope_objects(world, &scopes),
        "expiresAt": expires_at.saturating_mul(1000),
    });
    action("VALID", "the user code waits for the user's decision", without_nulls(fields))
}

pub(super) fn complete(world: &mut World, call: &Call) -> MockReply {
    let now = world.now();
    let Some(request) = by_user_code(world, call) else {
        return action("USER_CODE_NOT_EXIST", "unknown user code", json!({}));
    };
    match decide_once(request, now, call) {
        Ok(()) => action("SUCCESS", "the decision is recorded", json!({})),
        Err(Refused::Expired) => action("USER_CODE_EXPIRED", "the user code has expired", json!({})),
        Err(Refused::DecidedAlready) => action("USER_CODE_NOT_EXIST", "the user has decided already", json!({})),
        Err(Refused::Invalid(message)) => action("INVALID_REQUEST", &message, json!({})),
    }
}

pub(super) fn token(world: &mut World, params: &HashMap<String, String>, client_id: i64) -> MockReply {
    redeem(world, |w| &mut w.devices, params.get("device_code"), client_id, "DEVICE_CODE")
}
