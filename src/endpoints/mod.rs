//! The endpoints of an OpenID Provider on top of Authlete, one file each,
//! sharing one mechanism: the request's HTTP parts go to the Authlete API,
//! and its answer becomes the HTTP response by
//! [`AuthleteAnswer::next`](crate::answer::AuthleteAnswer::next). The token
//! endpoint is [`TokenEndpoint`](crate::TokenEndpoint).
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
//! Device authorization and CIBA are not here yet: their answers map
//! through [`AuthleteAnswer::next`](crate::answer::AuthleteAnswer::next)
//! like every other.

mod authorization;
mod client_auth;
mod discovery;
mod introspection;
mod par;
mod revocation;
mod userinfo;

pub use authorization::{AuthorizationEndpoint, AuthorizationStep, Decision, Interaction};
pub use discovery::DiscoveryEndpoint;
pub use introspection::{Access, ResourceRequest, ResourceServer, StandardIntrospectionEndpoint};
pub use par::PushedAuthorizationEndpoint;
pub use revocation::RevocationEndpoint;
pub use userinfo::UserinfoEndpoint;

use crate::answer::Next;
use crate::responses::EndpointResponse;

/// The response to send; an answer that asks for logic this endpoint does
/// not have becomes a generic 500 (and a warning).
fn respond(next: Next) -> EndpointResponse {
    match next {
        Next::Respond(r) => r,
        Next::App(action) => {
            #[cfg(feature = "tracing")]
            tracing::warn!(target: "authlete", action, "an action this endpoint has no logic for: answering 500");
            #[cfg(not(feature = "tracing"))]
            let _ = action;
            EndpointResponse::server_error()
        }
    }
}
