//! Every request and response type of the Authlete API, generated from the
//! spec (`types::*`), plus the names the hand-written layer relies on.
//!
//! The names below are aliases found through the operation that sends or
//! returns the type (method + path, see `generated::by_operation`), not
//! through the spec's schema names: other generators of Authlete's spec
//! inline schemas or name them differently, and these names stay the same.
//! With the vendored spec each alias is the generated type of the same name.
pub use crate::generated::types::*;

use crate::generated::by_operation as op;

/// The body of `/auth/token` (`Authlete::auth_token`).
pub type TokenRequest = op::auth_token::Body;
/// The answer of `/auth/token`.
pub type TokenResponse = op::auth_token::Success;
/// `TokenResponse::action`.
pub type TokenResponseAction = op::auth_token::Action;
/// The answer of `/auth/token/issue` (`Authlete::auth_token_issue`).
pub type TokenIssueResponse = op::auth_token_issue::Success;
/// The answer of `/auth/token/fail` (`Authlete::auth_token_fail`).
pub type TokenFailResponse = op::auth_token_fail::Success;
/// The body of `/idtoken/reissue` (`Authlete::idtoken_reissue`).
pub type IdtokenReissueRequest = op::idtoken_reissue::Body;
/// The answer of `/idtoken/reissue`.
pub type IdtokenReissueResponse = op::idtoken_reissue::Success;
/// `IdtokenReissueResponse::action`.
pub type IdtokenReissueResponseAction = op::idtoken_reissue::Action;
/// The answer of `/auth/authorization` (`Authlete::auth_authorization`).
pub type AuthorizationResponse = op::auth_authorization::Success;
/// The answer of `/auth/introspection` (`Authlete::auth_introspection`).
pub type IntrospectionResponse = op::auth_introspection::Success;
