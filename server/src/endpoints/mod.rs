//! The endpoints of an OpenID Provider on top of Authlete besides the token
//! endpoint ([`TokenEndpoint`](crate::TokenEndpoint)), one file each,
//! sharing one mechanism: the request's HTTP parts go to the Authlete API,
//! and its answer becomes the HTTP response by [`AuthleteAnswer::next`].
//!
//! | endpoint | type | Authlete APIs | what your app provides |
//! |---|---|---|---|
//! | authorization | [`AuthorizationEndpoint`] | `/auth/authorization`, then `/issue` or `/fail` | login and consent pages, the [`Decision`] |
//! | pushed authorization requests | [`PushedAuthorizationEndpoint`] | `/pushed_auth_req` | the request's form and client authentication |
//! | revocation | [`RevocationEndpoint`] | `/auth/revocation` | the request's form and client authentication |
//! | a protected resource | [`ResourceServer`] | `/auth/introspection` | the resource, served on [`Access::Granted`] |
//! | RFC 7662 introspection | [`StandardIntrospectionEndpoint`] | `/auth/introspection/standard` | the resource server's authentication |
//! | userinfo | [`UserinfoEndpoint`] | `/auth/userinfo`, then `/issue` | the user's claims ([`ClaimsProvider`](crate::ClaimsProvider)) |
//! | discovery and JWK Set | [`DiscoveryEndpoint`] | `/service/configuration`, `/service/jwks/get` | nothing |
//! | device authorization (RFC 8628) | [`DeviceAuthorizationEndpoint`] | `/device/authorization` | the request's form and client authentication |
//! | device verification (the user's browser) | [`DeviceVerification`] | `/device/verification`, then `/device/complete` | login, the page showing the request, the [`Outcome`] |
//! | CIBA backchannel authentication | [`BackchannelAuthenticationEndpoint`] | `/backchannel/authentication`, then `/issue` or `/fail`, and `/complete` | the user named by the hint, asking them on their device, the [`Outcome`]; in ping and push modes, sending the notification |
//! | dynamic client registration and management (RFC 7591, 7592) | [`ClientRegistrationEndpoint`] | `/client/registration`, `/get`, `/update`, `/delete` | the JSON body and the bearer token |
//! | OpenID Federation entity configuration and explicit registration | [`FederationEndpoint`] | `/federation/configuration`, `/federation/registration` | the request's body and content type |
//! | grant management (FAPI) | [`GrantManagementEndpoint`] | `/gm` | the grant id from the path |
//! | credential issuer metadata, JWT issuer metadata, JWK Set, offers by reference (OID4VCI) | [`CredentialIssuerEndpoint`] | `/vci/metadata`, `/vci/jwtissuer`, `/vci/jwks`, `/vci/offer/info` | the offer's identifier from the URI |
//! | token (every grant, device and CIBA polling included) | [`TokenEndpoint`](crate::TokenEndpoint) | `/auth/token`, `/idtoken/reissue`, `/auth/token/issue`, `/auth/token/fail` | the password check, the user's claims |
//!
//! Each helper is built only when the spec in use has the operations it
//! calls (the table's APIs; `cfg(authlete_operation = "..")`, from the
//! spec): one built against a spec without them leaves the helper out, and
//! the build prints one warning naming the operations.
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
//! | [`DeviceVerification::check`] | `/device/verification` action `VALID` ([`UserCode::Valid`]: the user may decide) | `Expired`, `NotFound`, `Failed` |
//! | [`DeviceVerification::complete`] | `/device/complete` action `SUCCESS` ([`DeviceCompletion::Done`]) | `Expired`, `NotFound`, `Failed` |
//! | [`BackchannelAuthenticationEndpoint::handle`] | `USER_IDENTIFICATION` ([`BackchannelStep::IdentifyUser`]) | [`BackchannelStep::Done`] |
//! | [`BackchannelAuthenticationEndpoint::complete`] | `NO_ACTION` (poll), or `NOTIFICATION` with its endpoint, token and body | [`BackchannelCompletion::Failed`] |
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
    pub use authorization::{AuthorizationEndpoint, AuthorizationStep, Decision, Interaction, Session};
}
with_operations! {
    any(
        authlete_operation = "pushed_auth_req",
        authlete_operation = "auth_revocation",
        authlete_operation = "device_authorization",
        authlete_operation = "backchannel_authentication"
    ) =>
    mod client_auth;
}
with_operations! {
    any(
        authlete_operation = "auth_authorization_issue",
        authlete_operation = "device_complete",
        authlete_operation = "backchannel_authentication_complete"
    ) =>
    mod approval;
    pub use approval::Approval;
}
with_operations! {
    any(authlete_operation = "device_complete", authlete_operation = "backchannel_authentication_complete") =>
    pub use approval::Outcome;
}
with_operations! {
    authlete_operation = "device_authorization" =>
    mod device_authorization;
    pub use device_authorization::DeviceAuthorizationEndpoint;
}
with_operations! {
    all(authlete_operation = "device_verification", authlete_operation = "device_complete") =>
    mod device_verification;
    pub use device_verification::{DeviceCompletion, DeviceVerification, UserCode};
}
with_operations! {
    all(
        authlete_operation = "client_registration",
        authlete_operation = "client_registration_get",
        authlete_operation = "client_registration_update",
        authlete_operation = "client_registration_delete"
    ) =>
    mod registration;
    pub use registration::ClientRegistrationEndpoint;
}
with_operations! {
    all(authlete_operation = "federation_configuration", authlete_operation = "federation_registration") =>
    mod federation;
    pub use federation::FederationEndpoint;
}
with_operations! {
    authlete_operation = "gm" =>
    mod grant_management;
    pub use grant_management::GrantManagementEndpoint;
}
with_operations! {
    all(
        authlete_operation = "vci_metadata",
        authlete_operation = "vci_jwtissuer",
        authlete_operation = "vci_jwks",
        authlete_operation = "vci_offer_info"
    ) =>
    mod credential_issuer;
    pub use credential_issuer::CredentialIssuerEndpoint;
}
with_operations! {
    all(
        authlete_operation = "backchannel_authentication",
        authlete_operation = "backchannel_authentication_issue",
        authlete_operation = "backchannel_authentication_fail",
        authlete_operation = "backchannel_authentication_complete"
    ) =>
    mod ciba;
    pub use ciba::{BackchannelAuthenticationEndpoint, BackchannelCompletion, BackchannelRequest, BackchannelStep};
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
