//! The authorization endpoint's part: `auth_authorization`, `_issue`, `_fail`.

use serde_json::{json, Value};

use super::keys::random_token;
use super::pending::approve;
use super::world::{
    form, has, is_public, scope_claims, scope_objects, supported_scopes, Code, Grant, Pending, World, CODE_SECONDS,
};
use super::{action, body_str, oauth_error};
use crate::{Call, MockReply};

/// `BAD_REQUEST`: an error the client cannot be redirected with.
fn bad_request(description: &str) -> MockReply {
    action("BAD_REQUEST", description, json!({"responseContent": oauth_error("invalid_request", description)}))
}

/// `BAD_REQUEST` for a ticket that is not (or no longer) waiting.
fn unknown_ticket() -> MockReply {
    action(
        "BAD_REQUEST",
        "unknown ticket",
        json!({"responseContent": oauth_error("invalid_request", "unknown ticket")}),
    )
}

/// RFC 7636 §4.1–4.2: 43 to 128 unreserved characters.
fn pkce_value_is_valid(value: &str) -> bool {
    (43..=128).contains(&value.len()) && value.bytes().all(|c| c.is_ascii_alphanumeric() || b"-._~".contains(&c))
}

/// `redirect_uri` with `params` added to its query.
fn redirect(redirect_uri: &str, params: &[(&str, Option<&str>)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        if let Some(value) = value {
            query.append_pair(name, value);
        }
    }
    let separator = if redirect_uri.contains('?') { '&' } else { '?' };
    format!("{redirect_uri}{separator}{}", query.finish())
}

/// `LOCATION`: an error sent back to the client at its redirect URI.
fn error_redirect(redirect_uri: &str, state: Option<&str>, error: &str, description: &str) -> MockReply {
    let location =
        redirect(redirect_uri, &[("error", Some(error)), ("error_description", Some(description)), ("state", state)]);
    action("LOCATION", description, json!({"responseContent": location}))
}

pub(super) fn request(world: &mut World, call: &Call) -> MockReply {
    let Some(params) = form(body_str(call, "parameters").unwrap_or_default()) else {
        return bad_request("a parameter is repeated");
    };
    let get = |name: &str| params.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let Some(client) = get("client_id").and_then(|id| world.client(id)).cloned() else {
        return bad_request("unknown or missing client_id");
    };
    let redirect_uri = match get("redirect_uri") {
        Some(uri) if client.redirect_uris.iter().any(|r| r == uri) => uri.to_string(),
        Some(_) => return bad_request("redirect_uri is not registered for the client"),
        None if client.redirect_uris.len() == 1 => client.redirect_uris[0].clone(),
        None => return bad_request("redirect_uri is required: the client has not exactly one registered"),
    };
    let state = get("state");
    let fail = |error: &str, description: &str| error_redirect(&redirect_uri, state, error, description);
    if get("response_type") != Some("code") {
        return fail("unsupported_response_type", "the fake supports response_type=code only");
    }
    if !has(&world.service.supported_response_types, "CODE")
        || !has(&client.response_types, "CODE")
        || !has(&client.grant_types, "AUTHORIZATION_CODE")
    {
        return fail("unauthorized_client", "the client may not use response_type=code");
    }
    let scopes = supported_scopes(world, get("scope"));
    if scopes.iter().any(|s| s == "openid") && get("redirect_uri").is_none() {
        // OpenID Connect Core 3.1.2.1: required, even with one registered.
        return bad_request("redirect_uri is required in an OpenID Connect request");
    }
    let pkce = match (get("code_challenge"), get("code_challenge_method").unwrap_or("plain")) {
        (Some(challenge), _) if !pkce_value_is_valid(challenge) => {
            return fail("invalid_request", "code_challenge must be 43 to 128 unreserved characters")
        }
        (Some(challenge), method @ ("S256" | "plain")) => Some((challenge.to_string(), method.to_string())),
        (Some(_), _) => return fail("invalid_request", "code_challenge_method must be S256 or plain"),
        (None, _) => None,
    };
    let public = is_public(&client);
    let pkce_required = world.service.pkce_required == Some(true) || client.pkce_required == Some(true) || public;
    if pkce.is_none() && pkce_required {
        return fail("invalid_request", "code_challenge is required");
    }
    let s256_required = world.service.pkce_s256_required == Some(true) || client.pkce_s256_required == Some(true);
    if s256_required && pkce.as_ref().is_some_and(|(_, m)| m != "S256") {
        return fail("invalid_request", "code_challenge_method must be S256");
    }
    let prompts: Vec<String> =
        get("prompt").unwrap_or_default().split(' ').filter(|p| !p.is_empty()).map(str::to_ascii_uppercase).collect();
    let no_interaction = prompts.iter().any(|p| p == "NONE");
    if no_interaction && prompts.len() > 1 {
        return fail("invalid_request", "prompt=none with other values");
    }
    let ticket = random_token();
    let presented = get("client_id").unwrap_or_default().to_string();
    // What a consent page shows of the client (Authlete's limited view: no
    // secret, no redirect URIs).
    let mut shown = serde_json::to_value(&client).unwrap_or_default();
    if let Value::Object(fields) = &mut shown {
        const SHOWN: &[&str] = &[
            "clientId",
            "clientIdAlias",
            "clientIdAliasEnabled",
            "clientName",
            "clientNames",
            "clientType",
            "number",
            "createdAt",
            "modifiedAt",
            "description",
            "logoUri",
            "policyUri",
            "tosUri",
            "pkceRequired",
            "pkceS256Required",
        ];
        fields.retain(|name, _| SHOWN.contains(&name.as_str()));
    }
    let mut answer = json!({
        "ticket": ticket,
        "client": shown,
        "clientIdAliasUsed": presented != client.client_id.unwrap_or_default().to_string(),
        "scopes": scope_objects(world, &scopes),
        "display": "PAGE",
        "claimsAtUserInfo": scope_claims(world, &scopes),
    });
    if !prompts.is_empty() {
        answer["prompts"] = json!(prompts);
        answer["lowestPrompt"] = json!(prompts[0]);
    }
    if let Some(hint) = get("login_hint") {
        answer["loginHint"] = hint.into();
    }
    let pending = Pending {
        grant: Grant { client_key: presented, ..Grant::new(&client, scopes) },
        redirect_uri: redirect_uri.clone(),
        redirect_uri_given: get("redirect_uri").is_some(),
        state: state.map(str::to_string),
        nonce: get("nonce").map(str::to_string),
        pkce,
    };
    world.tickets.insert(ticket, pending);
    let what = if no_interaction { "NO_INTERACTION" } else { "INTERACTION" };
    action(what, "the request is valid; the user decides", answer)
}

pub(super) fn issue(world: &mut World, call: &Call) -> MockReply {
    let Some(pending) = body_str(call, "ticket").and_then(|t| world.tickets.get(t)) else { return unknown_ticket() };
    let grant = match approve(&pending.grant, call) {
        Ok(grant) => grant,
        Err(message) => return MockReply::error(400, "MOCK_MALFORMED", &format!("[authlete-mock fake] {message}")),
    };
    let Some(mut pending) = body_str(call, "ticket").and_then(|t| world.tickets.remove(t)) else {
        return unknown_ticket();
    };
    pending.grant = grant;
    let code = random_token();
    let location = redirect(&pending.redirect_uri, &[("code", Some(&code)), ("state", pending.state.as_deref())]);
    let expires_at = world.now().saturating_add(CODE_SECONDS);
    world.codes.insert(code.clone(), Code { pending, expires_at });
    action("LOCATION", "a code is issued", json!({"responseContent": location, "authorizationCode": code}))
}

pub(super) fn fail(world: &mut World, call: &Call) -> MockReply {
    let Some(pending) = body_str(call, "ticket").and_then(|t| world.tickets.remove(t)) else { return unknown_ticket() };
    // Authlete's reasons (AuthorizationFailRequest.Reason) and their errors.
    let error = match body_str(call, "reason").unwrap_or_default() {
        "NOT_LOGGED_IN"
        | "MAX_AGE_NOT_SUPPORTED"
        | "EXCEEDS_MAX_AGE"
        | "DIFFERENT_SUBJECT"
        | "ACR_NOT_SATISFIED"
        | "NOT_AUTHENTICATED" => "login_required",
        "CONSENT_REQUIRED" => "consent_required",
        "INTERACTION_REQUIRED" => "interaction_required",
        "ACCOUNT_SELECTION_REQUIRED" => "account_selection_required",
        "INVALID_TARGET" => "invalid_target",
        "SERVER_ERROR" => "server_error",
        "DENIED" | "UNKNOWN" => "access_denied",
        other => {
            let message = format!("[authlete-mock fake] `{other}` is not a reason Authlete knows");
            return MockReply::error(400, "MOCK_MALFORMED", &message);
        }
    };
    let description = body_str(call, "description").unwrap_or("the request was refused");
    error_redirect(&pending.redirect_uri, pending.state.as_deref(), error, description)
}
