//! # authlete-server
//!
//! The endpoints of an OpenID Provider built on the [`authlete`] client:
//! each helper takes the parts of an HTTP request your framework received,
//! calls the Authlete APIs the flow needs, and gives back the
//! [`EndpointResponse`](authlete::EndpointResponse) to send. Authlete's own
//! libraries split the same way (authlete-java-common under
//! authlete-java-jaxrs).
//!
//! | endpoint | helper | Authlete APIs | what your server provides |
//! |---|---|---|---|
//! | token | [`TokenEndpoint`] | `/auth/token`; `/idtoken/reissue`; `/auth/token/issue`, `/auth/token/fail`; `/auth/token/delete` | user claims ([`ClaimsProvider`]), the password check ([`PasswordAuthenticator`]), other grants ([`GrantHandler`]) |
//! | authorization | [`endpoints::AuthorizationEndpoint`] | `/auth/authorization`, then `/issue` or `/fail` | the login and consent page, the [`Decision`](endpoints::Decision) |
//! | pushed authorization requests | [`endpoints::PushedAuthorizationEndpoint`] | `/pushed_auth_req` | — |
//! | revocation | [`endpoints::RevocationEndpoint`] | `/auth/revocation` | — |
//! | a protected resource | [`endpoints::ResourceServer`] | `/auth/introspection` | the required scopes |
//! | RFC 7662 introspection | [`endpoints::StandardIntrospectionEndpoint`] | `/auth/introspection/standard` | the resource servers' authentication |
//! | userinfo | [`endpoints::UserinfoEndpoint`] | `/auth/userinfo`, then `/issue` | user claims ([`ClaimsProvider`]) |
//! | discovery and JWK Set | [`endpoints::DiscoveryEndpoint`] | `/service/configuration`, `/service/jwks/get` | — |
//!
//! ```no_run
//! use authlete_server::{ClaimsDecision, ClientRequest, ProxyCertHeaders, TokenEndpoint};
//!
//! # async fn demo(headers: http::HeaderMap, body: String) -> Result<(), authlete_server::Error> {
//! let endpoint = TokenEndpoint::new(authlete::Authlete::from_env()?)
//!     .claims_provider(|grant: authlete_server::GrantContext| async move {
//!         match grant.subject() {
//!             Some(subject) => ClaimsDecision::claims(serde_json::Map::from_iter([("name".into(), subject.into())])),
//!             None => ClaimsDecision::Skip,
//!         }
//!     });
//! let input = ClientRequest::from_http(&headers, body, Some("https://as.example.com/token"))
//!     .client_certificate_from_proxy(&headers, ProxyCertHeaders::Rfc9440);
//! let response = endpoint.handle(input).await?; // status, headers (no-store, DPoP-Nonce, ...) and body
//! # let _ = response; Ok(()) }
//! ```
//!
//! Every access decision fails closed (see [`endpoints`]), and no helper
//! logs or prints a token, secret, code or ticket.
//!
//! # What your framework must limit
//!
//! The helpers take the request's parts as you give them: they read no
//! socket and set no limit of their own. Before calling one:
//! - cap the body size (axum: `DefaultBodyLimit`, 2 MB by default; token,
//!   PAR and revocation requests are a few kilobytes, so 64 KiB is ample);
//! - route only the methods the endpoint allows (`POST` for token, PAR,
//!   revocation and introspection; `GET`/`POST` for authorization and
//!   userinfo);
//! - check `Content-Type: application/x-www-form-urlencoded` where a form
//!   body is expected (RFC 6749 §3.2);
//! - authenticate the callers of the introspection endpoint (resource
//!   servers), which must not answer strangers.
//!
//! # Helpers and the spec
//!
//! A helper is built only when the `authlete` client's spec has the
//! operations it calls: the build script reads them from `authlete`'s
//! (`links` metadata) and sets `cfg(authlete_operation = "..")`. With a spec
//! of your own (`AUTHLETE_OPENAPI_SPEC`) that lacks one, the helper is left
//! out and the build prints one warning naming the operations.
//!
//! # Features
//!
//! - `axum`: `IntoResponse` for [`Error`] (and, through `authlete/axum`,
//!   for `EndpointResponse`), so a handler can return
//!   `Result<EndpointResponse, authlete_server::Error>`.
//! - `tracing` (default): warnings for what the helpers answer 500 to.
//! - `tls-ring` (default) / `tls-aws-lc-rs`: the client's TLS crypto
//!   provider (`authlete`'s features of the same names).
#![warn(missing_docs)]
// With a helper left out (build.rs), what only it used is unused: not a defect.
#![cfg_attr(not(authlete_helpers_complete), allow(dead_code, unused_imports))]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The items after `=>`, each built only when the spec in use has the
/// operations the `cfg` before it names (`cfg(authlete_operation = "..")`,
/// set by build.rs from the spec): a helper that needs an operation the
/// spec lacks is left out.
macro_rules! with_operations {
    ($cfg:meta => $($item:item)*) => { $(#[cfg($cfg)] $item)* };
}

mod client_request;
pub mod endpoints;
mod error;
mod proxy_cert;

pub use client_request::ClientRequest;
pub use error::Error;
pub use proxy_cert::ProxyCertHeaders;

with_operations! {
    all(authlete_operation = "auth_token", authlete_operation = "idtoken_reissue") =>
    mod claims;
    mod password;
    pub use claims::{BoxFuture, ClaimsDecision, ClaimsProvider, GrantContext, RequestedClaim, UserClaims};
    pub use password::{Authenticated, PasswordAuthenticator, PasswordCredentials, TokenProperty};
}

with_operations! {
    all(authlete_operation = "auth_token", authlete_operation = "idtoken_reissue", authlete_operation = "auth_introspection") =>
    pub use claims::GrantType;
}

with_operations! {
    all(
        authlete_operation = "auth_token",
        authlete_operation = "auth_token_issue",
        authlete_operation = "auth_token_fail",
        authlete_operation = "idtoken_reissue",
        authlete_operation = "auth_token_delete_by_access_token_identifier"
    ) =>
    mod token;
    pub use token::{GrantHandler, TokenEndpoint, INVALID_GRANT_BODY};
}
