//! The token endpoint's part: `auth_token` and `idtoken_reissue`, and the
//! client authentication the revocation endpoint shares.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::keys::pkce_matches;
use super::world::{form, has, is_public, supported_scopes, wire, Grant, TokenPair, World};
use super::Client;
use super::{action, body_str, oauth_error};
use crate::{Call, MockReply};

pub(super) fn bad_request(error: &str, description: &str) -> MockReply {
    action("BAD_REQUEST", description, json!({"responseContent": oauth_error(error, description)}))
}

fn invalid_client(description: &str) -> MockReply {
    action("INVALID_CLIENT", description, json!({"responseContent": oauth_error("invalid_client", description)}))
}

/// The client a token or revocation request authenticates as: by the
/// credentials of its `Authorization: Basic` header (which the endpoint
/// passes as `clientId`/`clientSecret`) or of its form, by the method the
/// client registered. An `INVALID_CLIENT` answer otherwise.
pub(super) fn authenticate(world: &World, call: &Call, params: &HashMap<String, String>) -> Result<Client, MockReply> {
    let header = body_str(call, "clientId").map(|id| (id, body_str(call, "clientSecret")));
    let form_id = params.get("client_id").map(String::as_str);
    let form_secret = params.get("client_secret").map(String::as_str);
    let (id, secret, method) = match (header, form_secret) {
        (Some(_), Some(_)) => return Err(invalid_client("more than one client authentication method")),
        (Some((id, secret)), None) => {
            if form_id.is_some_and(|f| f != id) {
                return Err(invalid_client("client_id differs from the authenticated client"));
            }
            (id, secret, "CLIENT_SECRET_BASIC")
        }
        (None, Some(secret)) => (form_id.unwrap_or_default(), Some(secret), "CLIENT_SECRET_POST"),
        (None, None) => match form_id {
            Some(id) => (id, None, "NONE"),
            None => return Err(invalid_client("no client authentication")),
        },
    };
    let Some(client) = world.client(id) else { return Err(invalid_client("unknown client")) };
    let public = is_public(client);
    let registered = client.token_auth_method.as_ref().map(wire).unwrap_or_else(|| "CLIENT_SECRET_BASIC".into());
    let authenticated = if public {
        method == "NONE"
    } else {
        method == registered && secret.is_some() && secret == client.client_secret.as_deref()
    };
    if authenticated {
        Ok(client.clone())
    } else {
        Err(invalid_client("client authentication failed"))
    }
}

/// The JSON body of a token response.
fn token_content(world: &World, pair: &TokenPair, id_token: Option<&str>) -> String {
    let mut content = json!({
        "access_token": pair.access_token,
        "token_type": "Bearer",
        "expires_in": pair.access_expires_at - world.now(),
        "scope": pair.grant.scopes.join(" "),
    });
    if let Some(rt) = &pair.refresh_token {
        content["refresh_token"] = rt.clone().into();
    }
    if let Some(id_token) = id_token {
        content["id_token"] = id_token.into();
    }
    content.to_string()
}

/// The fields of `auth_token`'s answer that describe the tokens.
fn token_fields(pair: &TokenPair, grant_type: &str, content: String, id_token: Option<&str>) -> Value {
    let mut fields = json!({
        "responseContent": content,
        "grantType": grant_type,
        "clientId": pair.grant.client_id,
        "clientIdAlias": pair.grant.client_key,
        "scopes": pair.grant.scopes,
        "accessToken": pair.access_token,
        "accessTokenExpiresAt": pair.access_expires_at.saturating_mul(1000),
        "accessTokenDuration": pair.access_expires_at - pair.issued_at,
    });
    if let Some(subject) = &pair.grant.subject {
        fields["subject"] = subject.clone().into();
    }
    if let Some(rt) = &pair.refresh_token {
        fields["refreshToken"] = rt.clone().into();
        fields["refreshTokenExpiresAt"] = pair.refresh_expires_at.saturating_mul(1000).into();
        fields["refreshTokenDuration"] = (pair.refresh_expires_at - pair.issued_at).into();
    }
    if let Some(id_token) = id_token {
        fields["idToken"] = id_token.into();
    }
    fields
}

pub(super) fn token(world: &mut World, call: &Call) -> MockReply {
    let Some(params) = form(body_str(call, "parameters").unwrap_or_default()) else {
        return bad_request("invalid_request", "a parameter is repeated");
    };
    let grant_type = params.get("grant_type").cloned().unwrap_or_default();
    let grant = match grant_type.as_str() {
        "authorization_code" => "AUTHORIZATION_CODE",
        "refresh_token" => "REFRESH_TOKEN",
        "client_credentials" => "CLIENT_CREDENTIALS",
        "urn:ietf:params:oauth:grant-type:device_code" => "DEVICE_CODE",
        "urn:openid:params:grant-type:ciba" => "CIBA",
        "" => return bad_request("invalid_request", "grant_type is missing"),
        _ => {
            return bad_request(
                "unsupported_grant_type",
                "the fake supports authorization_code, refresh_token, client_credentials, device_code and ciba",
            )
        }
    };
    if !world.supports_grant(grant) {
        return bad_request("unsupported_grant_type", "the service does not support the grant type");
    }
    let client = match authenticate(world, call, &params) {
        Ok(c) => c,
        Err(reply) => return reply,
    };
    if !has(&client.grant_types, grant) {
        return bad_request("unauthorized_client", "the client may not use the grant type");
    }
    let client_id = client.client_id.unwrap_or_default();
    match grant {
        "AUTHORIZATION_CODE" => code_grant(world, &params, client_id),
        "REFRESH_TOKEN" => refresh_grant(world, &params, client_id),
        "DEVICE_CODE" => super::device::token(world, &params, client_id),
        "CIBA" => super::backchannel::token(world, &params, client_id),
        _ => client_credentials(world, &params, &client),
    }
}

fn code_grant(world: &mut World, params: &HashMap<String, String>, client_id: i64) -> MockReply {
    let Some(code) = params.get("code").and_then(|c| world.codes.remove(c)) else {
        return bad_request("invalid_grant", "unknown or used code");
    };
    let pending = code.pending;
    if pending.grant.client_id != client_id {
        return bad_request("invalid_grant", "the code was issued to another client");
    }
    if code.expires_at <= world.now() {
        return bad_request("invalid_grant", "the code has expired");
    }
    if pending.redirect_uri_given && params.get("redirect_uri") != Some(&pending.redirect_uri) {
        return bad_request("invalid_grant", "redirect_uri differs from the authorization request's");
    }
    let verifier = params.get("code_verifier");
    match (&pending.pkce, verifier) {
        (Some((challenge, method)), Some(verifier)) if pkce_matches(method, challenge, verifier) => {}
        (None, None) => {}
        _ => return bad_request("invalid_grant", "the code_verifier does not match the code_challenge"),
    }
    issue_for(world, pending.grant, pending.nonce.as_deref(), "AUTHORIZATION_CODE")
}

/// Tokens for an approved grant, with an ID token when `openid` was granted:
/// the `OK` answer.
pub(super) fn issue_for(world: &mut World, grant: Grant, nonce: Option<&str>, grant_type: &str) -> MockReply {
    let openid = grant.scopes.iter().any(|s| s == "openid");
    world.issue(grant);
    let pair = world.tokens.last().expect("just issued");
    let id_token = openid.then(|| world.id_token(&pair.grant, nonce, &pair.access_token, &Map::new()));
    let content = token_content(world, pair, id_token.as_deref());
    action("OK", "tokens are issued", token_fields(pair, grant_type, content, id_token.as_deref()))
}

fn refresh_grant(world: &mut World, params: &HashMap<String, String>, client_id: i64) -> MockReply {
    let Some(index) = params.get("refresh_token").and_then(|t| world.refresh_token(t)) else {
        return bad_request("invalid_grant", "unknown, used or expired refresh token");
    };
    if world.tokens[index].grant.client_id != client_id {
        return bad_request("invalid_grant", "the refresh token was issued to another client");
    }
    // The refresh token's scopes stay; only the access token's narrow.
    let refresh_scopes = world.tokens[index].refresh_scopes.clone();
    let mut grant = world.tokens[index].grant.clone();
    grant.scopes = refresh_scopes.clone();
    if let Some(scope) = params.get("scope") {
        let asked: Vec<String> = scope.split(' ').filter(|s| !s.is_empty()).map(str::to_string).collect();
        if asked.iter().any(|s| !refresh_scopes.contains(s)) {
            return bad_request("invalid_scope", "a scope the grant does not hold");
        }
        grant.scopes = asked;
    }
    let kept = world.service.refresh_token_kept == Some(true);
    let old = world.tokens.remove(index);
    world.issue(grant);
    let pair = world.tokens.last_mut().expect("just issued");
    pair.refresh_scopes = refresh_scopes;
    if kept {
        pair.refresh_token = old.refresh_token;
        pair.refresh_expires_at = old.refresh_expires_at;
    }
    let pair = world.tokens.last().expect("just issued");
    let content = token_content(world, pair, None);
    let mut fields = token_fields(pair, "REFRESH_TOKEN", content, None);
    let reissuable = world.service.id_token_reissuable == Some(true) && pair.grant.scopes.iter().any(|s| s == "openid");
    if reissuable {
        action("ID_TOKEN_REISSUABLE", "tokens are issued; an ID token may be reissued", fields)
    } else {
        fields["previousRefreshTokenUsed"] = false.into();
        action("OK", "tokens are issued", fields)
    }
}

fn client_credentials(world: &mut World, params: &HashMap<String, String>, client: &Client) -> MockReply {
    if is_public(client) {
        return bad_request("unauthorized_client", "a public client may not use client_credentials");
    }
    let mut scopes = supported_scopes(world, params.get("scope").map(String::as_str));
    scopes.retain(|s| s != "openid");
    world.issue(Grant::new(client, scopes));
    let pair = world.tokens.last().expect("just issued");
    let content = token_content(world, pair, None);
    action("OK", "an access token is issued", token_fields(pair, "CLIENT_CREDENTIALS", content, None))
}

/// `/idtoken/reissue`: a new ID token for the tokens of an
/// `ID_TOKEN_REISSUABLE` answer, with the user's claims.
pub(super) fn reissue(world: &mut World, call: &Call) -> MockReply {
    let (access_token, refresh_token) = (body_str(call, "accessToken"), body_str(call, "refreshToken"));
    let live = access_token.and_then(|t| world.access_token(t));
    let Some(pair) = live.filter(|t| refresh_token.is_some() && t.refresh_token.as_deref() == refresh_token) else {
        return action("CALLER_ERROR", "the access token and refresh token are not a live pair", json!({}));
    };
    if !pair.grant.scopes.iter().any(|s| s == "openid") {
        return action("CALLER_ERROR", "the grant has no openid scope", json!({}));
    }
    let claims = match body_str(call, "claims").map(serde_json::from_str::<Map<String, Value>>) {
        None => Map::new(),
        Some(Ok(claims)) => claims,
        Some(Err(_)) => return action("CALLER_ERROR", "`claims` is not a JSON object", json!({})),
    };
    let mut grant = pair.grant.clone();
    if let Some(sub) = body_str(call, "sub").filter(|s| !s.is_empty()) {
        grant.id_token_sub = Some(sub.to_string());
    }
    let id_token = world.id_token(&grant, None, &pair.access_token, &claims);
    let content = token_content(world, pair, Some(&id_token));
    action("OK", "the ID token is reissued", json!({"responseContent": content, "idToken": id_token}))
}
