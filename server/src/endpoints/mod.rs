//! The endpoints of an OpenID Provider on top of Authlete besides the token
//! endpoint ([`TokenEndpoint`](crate::TokenEndpoint)), one file each,
//! sharing one mechanism: the request's HTTP parts go to the Authlete API,
//! and its answer becomes the HTTP response by [`AuthleteAnswer::next`].
//!
//! | endpoint | type | Authlete APIs |
//! |---|---|---|
//! | authorization | [`AuthorizationEndpoint`] | `/auth/authorization`, then `/issue` or `/fail` |
//! | pushed authorization requests | [`PushedAuthorizationEndpoint`] | `/pushed_auth_req` |
//! | revocation | [`RevocationEndpoint`] | `/auth/revocation` |
//! | a protected resource | [`ResourceServer`] | `/auth/introspection` |
//! | RFC 7662 introspection | [`StandardIntrospectionEndpoint`] | `/auth/introspection/standard` |
//! | userinfo | [`UserinfoEndpoint`] | `/auth/userinfo`, then `/issue` |
//! | discovery and JWK Set | [`DiscoveryEndpoint`] | `/service/configuration`, `/service/jwks/get` |
//!
//! Each helper is built only when the spec in use has the operations it
//! calls (the table's APIs; `cfg(authlete_operation = "..")`, from the
//! spec): one built against a spec without them leaves the helper out, and
//! the build prints one warning naming the operations.
//!
//! Device authorization and CIBA are not here yet: their answers map
//! through [`AuthleteAnswer::next`]
//! like every other.
//!
//! # Access decisions fail closed
//!
//! **A security decision is granted only on the one answer that grants
//! it.** Every helper that decides access applies this rule:
//!
//! | helper | grants on | everything else |
//! |---|---|---|
//! | [`ResourceServer::check`] | `/auth/introspection` action `OK`, with none of `usable`, `existent`, `sufficient` false or undecodable | [`Access::Denied`] |
//! | [`UserinfoEndpoint::handle`] | `/auth/userinfo` action `OK` (then the claims are issued) | no claims are issued |
//! | [`AuthorizationEndpoint::handle`] | `INTERACTION` or `NO_INTERACTION` ([`AuthorizationStep::Interaction`]: the request is valid, your session logic decides) | [`AuthorizationStep::Done`] |
//!
//! "Everything else" is every other action the spec lists, an action this
//! version of the crate does not know, and a field that did not decode
//! (kept raw by lenient decoding). It gets Authlete's own error response
//! when there is one (a 4xx or 5xx with its challenge), else a generic
//! `500 server_error` and a `tracing` warning naming the action.
//!
//! What your framework must limit before calling a helper is in the
//! [crate docs](crate#what-your-framework-must-limit).

mod discovery;
mod introspection;

pub use discovery::DiscoveryEndpoint;
pub use introspection::ResourceRequest;

with_operations! {
    all(
        authlete_operation = "auth_authorization",
        authlete_operation = "auth_authorization_issue",
        authlete_operation = "auth_authorization_fail"
    ) =>
    mod authorization;
    pub use authorization::{AuthorizationEndpoint, AuthorizationStep, Decision, Interaction};
}
with_operations! {
    any(authlete_operation = "pushed_auth_req", authlete_operation = "auth_revocation") =>
    mod client_auth;
}
with_operations! {
    authlete_operation = "pushed_auth_req" =>
    mod par;
    pub use par::PushedAuthorizationEndpoint;
}
with_operations! {
    authlete_operation = "auth_revocation" =>
    mod revocation;
    pub use revocation::RevocationEndpoint;
}
with_operations! {
    authlete_operation = "auth_introspection" =>
    pub use introspection::{Access, Grant, ResourceServer};
}
with_operations! {
    authlete_operation = "auth_introspection_standard" =>
    pub use introspection::StandardIntrospectionEndpoint;
}
with_operations! {
    all(
        authlete_operation = "auth_userinfo",
        authlete_operation = "auth_userinfo_issue",
        authlete_operation = "auth_token",
        authlete_operation = "idtoken_reissue"
    ) =>
    mod userinfo;
    pub use userinfo::UserinfoEndpoint;
}

use authlete::answer::{AuthleteAnswer, Next};
use authlete::EndpointResponse;

/// The response of an access decision that did not grant (see the module
/// docs): Authlete's error response when the answer is one, else 500.
fn denied<A: AuthleteAnswer>(answer: &A) -> EndpointResponse {
    match answer.next() {
        Next::Respond(r) if r.status().is_client_error() || r.status().is_server_error() => r,
        _ => Next::App(answer.action().unwrap_or_default().to_string()).or_server_error(),
    }
}
