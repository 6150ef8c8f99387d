//! # authlete
//!
//! A Rust client for the [Authlete](https://www.authlete.com) API, the
//! OAuth 2.0 / OpenID Connect backend. Every operation of Authlete's OpenAPI
//! spec is generated at build time (see `build.rs` and the
//! `authlete-codegen` crate); this hand-written layer adds the client
//! configuration, typed errors, timeouts and retries.
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
//! The endpoints of an OpenID Provider built on this client (token endpoint
//! with the ID token reissue, authorization, userinfo, ...) are the crate
//! `authlete-server`; a typed stand-in of Authlete for tests is
//! `authlete-mock`.
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
//! use authlete::types::Service;
//! let sent = serde_json::json!({"serviceName": "s", "supportedScopes": ["openid"]});
//! let service: Service = serde_json::from_value(sent.clone()).unwrap();
//! assert_eq!(service.service_name.as_deref(), Some("s"));
//! assert_eq!(service.extra["supportedScopes"], serde_json::json!(["openid"])); // kept raw
//! assert_eq!(serde_json::to_value(&service).unwrap(), sent); // sent back unchanged
//! ```
//!
//! # Where things are
//! - [`Authlete`] / [`AuthleteBuilder`]: the client (region or base URL,
//!   service id, token, [`Timeouts`], [`RetryConfig`]);
//! - [`Request`] / [`Response`]: one call; [`Pages`] / [`Items`]: a paged list as a stream;
//! - [`Error`]: every failure, typed;
//! - [`types`]: every schema type of the spec; [`operation`]: what belongs
//!   to one operation (`operation::auth_token::{Body, Success, Action}`),
//!   under names that do not depend on the spec's schema names;
//! - [`answer`]: Authlete's `action` + `responseContent` answers as the HTTP
//!   responses your endpoints send ([`EndpointResponse`]);
//! - `idtoken`: the ID token reissue of a refresh-token grant;
//! - [`raw`]: progenitor's generated client itself (the escape hatch).
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod answer;
mod call;
mod client;
mod error;
mod generated;
// Needs `/auth/token` and `/idtoken/reissue` (see build.rs: `authlete_operation`).
#[cfg(all(authlete_operation = "auth_token", authlete_operation = "idtoken_reissue"))]
pub mod idtoken;
mod private;
mod unknown;

pub use answer::EndpointResponse;
pub use call::{operations, ApiOperation, Items, Operation, Paged, PagedItems, Pages, Request, Response};
pub use client::config::{ApiAccessToken, Region, RetryConfig, Timeouts, DEFAULT_MAX_BODY_BYTES};
pub use client::credentials::ApiTokenSource;
#[cfg(feature = "dpop")]
pub use client::dpop::DpopKey;
pub use client::tls::reqwest_client_builder;
pub use client::{Authlete, AuthleteBuilder, ENV_ACCESS_TOKEN, ENV_BASE_URL, ENV_BEARER, ENV_DPOP_KEY, ENV_SERVICE_ID};
pub use error::{ConfigError, DecodeError, Error, TransportError, SNIPPET_BYTES};
pub use unknown::UnknownValue;

/// Every request and response type of the spec, by its schema name
/// (generated; see the [crate docs](crate) for how answers are decoded).
/// `types::builder` builds them field by field; `types::error` is the
/// error of a builder conversion.
pub mod types {
    pub use crate::generated::types::*;
}

pub use generated::operation;

/// progenitor's generated client underneath [`Authlete`]: every operation
/// with the spec's exact parameters and progenitor's own error type
/// ([`Authlete::raw`]). It shares the client's token, timeouts, retries and
/// body limit; types from `progenitor_client` appear here and nowhere else.
pub mod raw {
    pub use crate::generated::{builder, ByteStream, Client, ClientInfo, Error, ResponseValue};
}

/// The README's example compiles (checked by `cargo test --doc`).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
