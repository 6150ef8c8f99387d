//! What resource servers and the provider's own token endpoints ask of
//! tokens: introspection (Authlete's and RFC 7662), revocation, userinfo.

use serde_json::{json, Map, Value};

use super::token::authenticate;
use super::world::{form, scope_claims, TokenPair, World};
use super::{action, body_str, oauth_error};
use crate::{Call, MockReply};

/// The `WWW-Authenticate` value of a refused resource request.
fn challenge(error: &str, description: &str) -> String {
    format!("Bearer error=\"{error}\",error_description=\"{description}\"")
}

fn unauthorized(description: &str) -> MockReply {
    let fields =
        json!({"responseContent": challenge("invalid_token", description), "usable": false, "existent": false});
    action("UNAUTHORIZED", description, fields)
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// `/auth/introspection`: may this access token be used, with these scopes,
/// for this subject?
pub(super) fn introspection(world: &World, call: &Call) -> MockReply {
    let Some(token) = body_str(call, "token").filter(|t| !t.is_empty()) else {
        let content = challenge("invalid_request", "no access token");
        return action("BAD_REQUEST", "no access token", json!({"responseContent": content}));
    };
    let Some(pair) = world.access_token(token) else { return unauthorized("unknown, revoked or expired access token") };
    let grant = &pair.grant;
    let mut fields = json!({
        "existent": true,
        "usable": true,
        "clientId": grant.client_id,
        "scopes": grant.scopes,
        "expiresAt": pair.access_expires_at.saturating_mul(1000),
        "refreshable": pair.refresh_token.is_some(),
    });
    if let Some(subject) = &grant.subject {
        fields["subject"] = subject.clone().into();
    }
    let required = strings(call.body.get("scopes"));
    let missing: Vec<&String> = required.iter().filter(|s| !grant.scopes.contains(s)).collect();
    if !missing.is_empty() {
        fields["sufficient"] = false.into();
        let scope = required.join(" ");
        fields["responseContent"] =
            format!("Bearer error=\"insufficient_scope\",error_description=\"a scope is missing\",scope=\"{scope}\"")
                .into();
        return action("FORBIDDEN", "the token lacks a required scope", fields);
    }
    fields["sufficient"] = true.into();
    if let Some(subject) = body_str(call, "subject") {
        if grant.subject.as_deref() != Some(subject) {
            fields["responseContent"] = challenge("invalid_token", "the token is for another subject").into();
            return action("FORBIDDEN", "the token is for another subject", fields);
        }
    }
    action("OK", "the access token is usable", fields)
}

/// RFC 7662's answer for an access or refresh token.
pub(super) fn standard_introspection(world: &World, call: &Call) -> MockReply {
    let Some(params) = form(body_str(call, "parameters").unwrap_or_default()) else {
        let content = oauth_error("invalid_request", "a parameter is repeated");
        return action("BAD_REQUEST", "a parameter is repeated", json!({"responseContent": content}));
    };
    let Some(token) = params.get("token").filter(|t| !t.is_empty()) else {
        let content = oauth_error("invalid_request", "no token");
        return action("BAD_REQUEST", "no token", json!({"responseContent": content}));
    };
    // Both lookups return live tokens only.
    let found = world
        .access_token(token)
        .map(|p| (p, p.access_expires_at))
        .or_else(|| world.refresh_token(token).map(|i| &world.tokens[i]).map(|p| (p, p.refresh_expires_at)));
    let content = match found {
        Some((pair, expires_at)) => {
            let mut content = json!({
                "active": true,
                "scope": pair.grant.scopes.join(" "),
                "client_id": pair.grant.client_key,
                "exp": expires_at,
                "iat": pair.issued_at,
                "iss": world.issuer(),
                "token_type": "Bearer",
            });
            if let Some(subject) = &pair.grant.subject {
                content["sub"] = subject.clone().into();
            }
            content
        }
        _ => json!({"active": false}),
    };
    action("OK", "introspected", json!({"responseContent": content.to_string()}))
}

/// RFC 7009: revokes the access token or refresh token, and the other of
/// its pair.
pub(super) fn revocation(world: &mut World, call: &Call) -> MockReply {
    let Some(params) = form(body_str(call, "parameters").unwrap_or_default()) else {
        let content = oauth_error("invalid_request", "a parameter is repeated");
        return action("BAD_REQUEST", "a parameter is repeated", json!({"responseContent": content}));
    };
    let client = match authenticate(world, call, &params) {
        Ok(c) => c,
        Err(reply) => return reply,
    };
    let Some(token) = params.get("token").filter(|t| !t.is_empty()) else {
        let content = oauth_error("invalid_request", "no token");
        return action("BAD_REQUEST", "no token", json!({"responseContent": content}));
    };
    let position =
        world.tokens.iter().position(|t| &t.access_token == token || t.refresh_token.as_ref() == Some(token));
    if let Some(i) = position {
        if Some(world.tokens[i].grant.client_id) != client.client_id {
            let content = oauth_error("invalid_grant", "the token was issued to another client");
            return action(
                "BAD_REQUEST",
                "the token was issued to another client",
                json!({"responseContent": content}),
            );
        }
        world.tokens.remove(i);
    }
    // An unknown token is not an error (RFC 7009, 2.2).
    action("OK", "revoked", json!({"responseContent": ""}))
}

/// The live access token of a userinfo request with `openid`, or the answer
/// refusing it.
fn userinfo_token<'w>(world: &'w World, call: &Call) -> Result<&'w TokenPair, MockReply> {
    let Some(token) = body_str(call, "token").filter(|t| !t.is_empty()) else {
        let content = challenge("invalid_token", "no access token");
        return Err(action("BAD_REQUEST", "no access token", json!({"responseContent": content})));
    };
    let Some(pair) = world.access_token(token) else {
        let content = challenge("invalid_token", "unknown, revoked or expired access token");
        return Err(action(
            "UNAUTHORIZED",
            "unknown, revoked or expired access token",
            json!({"responseContent": content}),
        ));
    };
    if !pair.grant.scopes.iter().any(|s| s == "openid") || pair.grant.subject.is_none() {
        let content = "Bearer error=\"insufficient_scope\",scope=\"openid\"";
        return Err(action("FORBIDDEN", "the token has no openid scope", json!({"responseContent": content})));
    }
    Ok(pair)
}

pub(super) fn userinfo(world: &World, call: &Call) -> MockReply {
    let pair = match userinfo_token(world, call) {
        Ok(p) => p,
        Err(reply) => return reply,
    };
    let fields = json!({
        "subject": pair.grant.subject,
        "clientId": pair.grant.client_id,
        "scopes": pair.grant.scopes,
        "claims": scope_claims(world, &pair.grant.scopes),
        "token": pair.access_token,
    });
    action("OK", "the access token is usable", fields)
}

/// The userinfo response: `sub` and, of the claims given, those requested.
pub(super) fn userinfo_issue(world: &World, call: &Call) -> MockReply {
    let pair = match userinfo_token(world, call) {
        Ok(p) => p,
        Err(reply) => return reply,
    };
    let given = match body_str(call, "claims").map(serde_json::from_str::<Map<String, Value>>) {
        None => Map::new(),
        Some(Ok(claims)) => claims,
        Some(Err(_)) => {
            return MockReply::error(400, "MOCK_MALFORMED", "[authlete-mock fake] `claims` is not a JSON object")
        }
    };
    let requested = scope_claims(world, &pair.grant.scopes);
    let mut content: Map<String, Value> = given.into_iter().filter(|(name, _)| requested.contains(name)).collect();
    let sub = body_str(call, "sub").map(str::to_string).or_else(|| pair.grant.subject.clone());
    content.insert("sub".into(), sub.into());
    action("JSON", "the userinfo response", json!({"responseContent": Value::Object(content).to_string()}))
}
