//! The verification of a device flow's user code in the user's browser
//! (RFC 8628 §3.3), and the user's decision.

use authlete::operation::{device_complete, device_verification};
use authlete::Authlete;

use super::approval::Outcome;
use crate::Error;

/// The verification URI's side: the user types the user code in a browser
/// where they are logged in, sees what the device asks for, and decides.
///
/// ```no_run
/// # async fn demo(client: authlete::Authlete, user_code: &str) -> Result<(), authlete_server::Error> {
/// use authlete_server::endpoints::{Approval, DeviceVerification, Outcome, UserCode};
/// let verification = DeviceVerification::new(client);
/// match verification.check(user_code).await? {
///     UserCode::Valid(request) => {
///         // Show the client and `request.scopes`; when the logged-in user approves:
///         let done = verification.complete(user_code, Outcome::Approved(Approval::new("alice"))).await?;
///         let _ = done.is_done(); // tell the user to return to the device
///     }
///     other => { let _ = other; /* "unknown or expired code": ask again */ }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct DeviceVerification {
    client: Authlete,
}

/// What a user code is (`/device/verification`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum UserCode {
    /// `VALID`: the request waits for the user's decision; the answer has
    /// the client, the scopes, the claims and ACRs asked for.
    Valid(Box<device_verification::Success>),
    /// `EXPIRED`.
    Expired,
    /// `NOT_EXIST`.
    NotFound,
    /// Anything else (`INTERNAL_SERVER_ERROR`, an action this version does
    /// not know, an answer that did not decode): no decision can be taken.
    Failed(String),
}

/// What `/device/complete` said of the decision.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeviceCompletion {
    /// `SUCCESS`: the device gets its tokens (or its refusal) on its next poll.
    Done,
    /// `USER_CODE_EXPIRED`.
    Expired,
    /// `USER_CODE_NOT_EXIST`.
    NotFound,
    /// Anything else (`INVALID_REQUEST`, `SERVER_ERROR`, an unknown action).
    Failed(String),
}

impl DeviceCompletion {
    /// Whether the decision was recorded.
    pub fn is_done(&self) -> bool {
        *self == DeviceCompletion::Done
    }
}

impl DeviceVerification {
    /// The verification step using `client`.
    pub fn new(client: Authlete) -> Self {
        Self { client }
    }

    /// Looks the user code up. Only `VALID` lets the user decide.
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn check(&self, user_code: &str) -> Result<UserCode, Error> {
        let user_code = user_code.to_string();
        let answer = self.client.device_verification().body_map(|b| b.user_code(user_code)).send().await?.into_inner();
        let action = answer.action.as_ref().map(|a| a.as_str().to_string()).unwrap_or_default();
        Ok(match action.as_str() {
            "VALID" => UserCode::Valid(Box::new(answer)),
            "EXPIRED" => UserCode::Expired,
            "NOT_EXIST" => UserCode::NotFound,
            _ => UserCode::Failed(action),
        })
    }

    /// Records the user's decision for the user code. Only `SUCCESS` is
    /// [`DeviceCompletion::Done`].
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn complete(&self, user_code: &str, outcome: Outcome) -> Result<DeviceCompletion, Error> {
        let (result, subject, fields) = outcome.fields();
        let user_code = user_code.to_string();
        let answer: device_complete::Success = self
            .client
            .device_complete()
            .body_map(move |b| b.user_code(user_code).result(result).subject(subject).extra(fields))
            .send()
            .await?
            .into_inner();
        let action = answer.action.as_ref().map(|a| a.as_str().to_string()).unwrap_or_default();
        Ok(match action.as_str() {
            "SUCCESS" => DeviceCompletion::Done,
            "USER_CODE_EXPIRED" => DeviceCompletion::Expired,
            "USER_CODE_NOT_EXIST" => DeviceCompletion::NotFound,
            _ => DeviceCompletion::Failed(action),
        })
    }
}
