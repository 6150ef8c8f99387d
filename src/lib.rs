//! # authlete
//!
//! A Rust client for the [Authlete](https://www.authlete.com) API, the
//! OAuth 2.0 / OpenID Connect backend. Every operation of Authlete's OpenAPI
//! spec is generated at build time (see `build.rs` and `codegen/`); this
//! hand-written layer adds the client configuration, typed errors, timeouts
//! and retries.
//!
//! ```no_run
//! # async fn demo() -> Result<(), authlete::Error> {
//! let authlete = authlete::Authlete::from_env()?;
//! let reissued = authlete
//!     .idtoken_reissue()
//!     .body_map(|b| b.access_token("at").refresh_token("rt"))
//!     .send()
//!     .await?;
//! println!("{:?}", reissued.action);
//! # Ok(()) }
//! ```
//!
//! # Reading Authlete's answers: what is tolerated
//!
//! An answer never fails whole because one field drifted from the spec:
//! - a value the spec does not list for an enum decodes to the enum's
//!   unknown variant and is sent back unchanged ([`UnknownValue`]);
//! - a field the spec does not list is kept in the type's `extra` map;
//! - a number or boolean sent as a string (`"42"`, `"true"`) is read as one;
//! - any other value that does not fit its field (a string where the spec
//!   says an object, an object where it says a number, a list with one such
//!   entry) leaves the typed field unset (`None`, or its empty default) and is
//!   kept in `extra` under the field's wire name, so a read-modify-write
//!   sends it back as it came. A `tracing` warning (target `authlete`) names
//!   the type and the field, never the value, which may be a secret: that is
//!   how to notice.
//!
//! What is still [`Error::Decode`]: a body that is not JSON, a top level
//! that is not the expected shape (a list where an object belongs), or a
//! field the spec marks required that is missing or does not fit. Requests
//! are not affected: the crate sends exactly the types you build.
//!
//! ```
//! use authlete::models::Service;
//! let sent = serde_json::json!({"serviceName": "s", "supportedScopes": ["openid"]});
//! let service: Service = serde_json::from_value(sent.clone()).unwrap();
//! assert_eq!(service.service_name.as_deref(), Some("s"));
//! assert_eq!(service.extra["supportedScopes"], serde_json::json!(["openid"])); // kept raw
//! assert_eq!(serde_json::to_value(&service).unwrap(), sent); // sent back unchanged
//! ```
//!
//! Where things are:
//! - [`Authlete`] / [`AuthleteBuilder`]: the client (region or base URL,
//!   service id, token, [`Timeouts`], [`RetryConfig`]);
//! - [`Request`] / [`Response`]: one call;
//! - [`TokenEndpoint`], [`EndpointResponse`] and the `to_http_response`
//!   helpers on Authlete's answers: your token endpoint, including the
//!   refresh-token flow that reissues the ID token;
//! - [`Error`]: every failure, typed;
//! - [`models`]: every request/response type of the spec;
//! - [`generated`]: progenitor's output itself (the escape hatch).
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod answer;
mod builder_convert;
mod client;
mod config;
// For generated code: a spec revision may have no operation that answers
// in one of these ways (no streamed body, say).
#[allow(dead_code)]
mod decode;
pub mod endpoints;
mod error;
pub mod generated;
mod lenient;
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;
pub mod models;
mod redact;
mod request;
mod responses;
mod tls;
mod token_endpoint;
mod transport;
mod unknown;

pub use client::{Authlete, AuthleteBuilder, ENV_ACCESS_TOKEN, ENV_BASE_URL, ENV_BEARER, ENV_SERVICE_ID};
pub use config::{AccessToken, Region, RetryConfig, Timeouts, DEFAULT_MAX_BODY_BYTES};
pub use error::{ConfigError, DecodeError, Error, SNIPPET_BYTES};
pub use models::{IdtokenReissueRequest, IdtokenReissueResponse, IdtokenReissueResponseAction};
#[cfg(feature = "mock")]
#[doc(hidden)]
pub use request::operations_checked;
#[doc(hidden)]
pub use request::{operation_table, OperationEntry};
pub use request::{operations, Operation, Paged, Pages, Request, Response};
pub use responses::{EndpointResponse, INVALID_CLIENT_BODY, JSON_UTF8, SERVER_ERROR_BODY, UNSUPPORTED_GRANT_TYPE_BODY};
pub use tls::reqwest_client_builder;
pub use token_endpoint::{
    Authenticated, ClaimsProvider, GrantContext, GrantHandler, IdTokenAudType, PasswordAuthenticator,
    PasswordCredentials, ProxyCertHeaders, Reissue, ReissueClaims, TokenEndpoint, TokenProperty, TokenRequestInput,
    INVALID_GRANT_BODY,
};
pub use unknown::UnknownValue;

/// The README's example compiles (checked by `cargo test --doc`).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
