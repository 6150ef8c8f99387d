//! What the flows that wait for a user share: the user's approval, the
//! decision of a device or CIBA request, and the token endpoint's answer to
//! a client polling for it.

use serde_json::{Map, Value};

use super::body_str;
use super::token::{bad_request, issue_for};
use super::world::{Grant, World};
use crate::{Call, MockReply};

/// Where a device or CIBA request stands.
#[derive(Clone, Copy)]
pub(super) enum Decision {
    Pending,
    Approved,
    Denied,
    Failed,
}

/// A request a client polls the token endpoint for.
pub(super) trait Polled {
    /// The value the client polls with (`device_code`, `auth_req_id`).
    fn polled_by(&self) -> Option<&str>;
    fn grant(&self) -> &Grant;
    fn decision(&self) -> Decision;
    fn expires_at(&self) -> i64;
    /// Keeps the user's decision and the grant as approved.
    fn record(&mut self, grant: Grant, decision: Decision);
}

/// `grant` as the user approved it: the subject, the ID token's `sub`, the
/// authentication time, the claims and the scopes (narrowed only) of the
/// request body. An error message when the body is not an approval.
pub(super) fn approve(grant: &Grant, call: &Call) -> Result<Grant, String> {
    let mut grant = grant.clone();
    let subject = body_str(call, "subject").filter(|s| !s.is_empty()).ok_or("`subject` is required")?;
    grant.subject = Some(subject.to_string());
    grant.id_token_sub = body_str(call, "sub").filter(|s| !s.is_empty()).map(str::to_string);
    grant.auth_time = call.body.get("authTime").and_then(Value::as_i64).filter(|t| *t > 0);
    if let Some(claims) = body_str(call, "claims") {
        grant.claims = serde_json::from_str::<Map<String, Value>>(claims)
            .map_err(|_| "`claims` is not a JSON object".to_string())?;
    }
    if let Some(scopes) = call.body.get("scopes").and_then(Value::as_array) {
        grant.scopes.retain(|s| scopes.iter().any(|n| n == s));
    }
    Ok(grant)
}

/// The decision of a `/device/complete` or `/backchannel/authentication/complete`
/// body, and the grant it approves.
/// Why the user's decision was not recorded.
pub(super) enum Refused {
    Expired,
    DecidedAlready,
    Invalid(String),
}

/// Records the user's decision in `call` on `request`: once, and only before
/// it expires.
pub(super) fn decide_once(request: &mut impl Polled, now: i64, call: &Call) -> Result<(), Refused> {
    if request.expires_at() <= now {
        return Err(Refused::Expired);
    }
    if !matches!(request.decision(), Decision::Pending) {
        return Err(Refused::DecidedAlready);
    }
    let (grant, decision) = decide(request.grant(), call).map_err(Refused::Invalid)?;
    request.record(grant, decision);
    Ok(())
}

fn decide(grant: &Grant, call: &Call) -> Result<(Grant, Decision), String> {
    match body_str(call, "result") {
        Some("AUTHORIZED") => Ok((approve(grant, call)?, Decision::Approved)),
        Some("ACCESS_DENIED") => Ok((grant.clone(), Decision::Denied)),
        Some("TRANSACTION_FAILED") => Ok((grant.clone(), Decision::Failed)),
        _ => Err("`result` must be AUTHORIZED, ACCESS_DENIED or TRANSACTION_FAILED".into()),
    }
}

/// The token endpoint's answer to a poll (RFC 8628 §3.5, CIBA Core §11):
/// `authorization_pending` until the user decides, then the tokens or the
/// refusal, after which the request is spent.
pub(super) fn redeem<R: Polled>(
    world: &mut World,
    requests: fn(&mut World) -> &mut Vec<R>,
    polled_by: Option<&String>,
    client_id: i64,
    grant_type: &str,
) -> MockReply {
    let now = world.now();
    let Some(index) =
        requests(world).iter().position(|r| r.polled_by().is_some() && r.polled_by() == polled_by.map(String::as_str))
    else {
        return bad_request("invalid_grant", "unknown or spent request");
    };
    let request = &requests(world)[index];
    if request.grant().client_id != client_id {
        return bad_request("invalid_grant", "the request was made by another client");
    }
    let (expired, decision) = (request.expires_at() <= now, request.decision());
    if matches!(decision, Decision::Pending) && !expired {
        return bad_request("authorization_pending", "the user has not decided yet");
    }
    let request = requests(world).remove(index);
    match decision {
        _ if expired => bad_request("expired_token", "the request has expired"),
        Decision::Approved => issue_for(world, request.grant().clone(), None, grant_type),
        Decision::Denied => bad_request("access_denied", "the user refused"),
        Decision::Failed | Decision::Pending => bad_request("access_denied", "the transaction failed"),
    }
}
