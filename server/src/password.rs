//! The password grant: your check of the resource owner's credentials.

use std::future::Future;

use serde::Serialize;

use crate::claims::{BoxFuture, GrantContext};

/// The resource owner's credentials of a password grant, and the grant.
#[derive(Clone)]
pub struct PasswordCredentials {
    /// `username` of the token request; `None` when the request had none.
    pub username: Option<String>,
    /// `password` of the token request; `None` when the request had none.
    pub password: Option<String>,
    /// What `/auth/token` said about the grant.
    pub grant: GrantContext,
}

impl std::fmt::Debug for PasswordCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordCredentials").field("username", &self.username).finish_non_exhaustive()
    }
}

/// A resource owner the password authenticator accepted.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// The subject (the user's identifier at your server).
    pub subject: String,
    /// Properties to attach to the access token (`/auth/token/issue`'s
    /// `properties`); hidden ones are not shown to the client.
    pub properties: Vec<TokenProperty>,
}

impl From<String> for Authenticated {
    fn from(subject: String) -> Self {
        Self { subject, properties: Vec::new() }
    }
}

impl From<&str> for Authenticated {
    fn from(subject: &str) -> Self {
        Self::from(subject.to_string())
    }
}

/// An extra property of an access token (Authlete's `Property`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenProperty {
    /// The name.
    pub key: String,
    /// The value.
    pub value: String,
    /// Whether it is kept from the client (not in the token response).
    pub hidden: bool,
}

/// Checks the resource owner's credentials of a password grant
/// ([`TokenEndpoint::password_authenticator`](crate::TokenEndpoint::password_authenticator)):
/// `Some` with the subject when they are right.
///
/// Any `Fn(PasswordCredentials) -> impl Future<Output = Option<S>>` is one,
/// where `S` is a `String`, a `&'static str` or [`Authenticated`] (with
/// token properties).
pub trait PasswordAuthenticator: Send + Sync {
    /// The user the credentials belong to, or `None`.
    fn authenticate(&self, credentials: PasswordCredentials) -> BoxFuture<'_, Option<Authenticated>>;
}

impl<F, Fut, S> PasswordAuthenticator for F
where
    F: Fn(PasswordCredentials) -> Fut + Send + Sync,
    Fut: Future<Output = Option<S>> + Send + 'static,
    S: Into<Authenticated>,
{
    fn authenticate(&self, credentials: PasswordCredentials) -> BoxFuture<'_, Option<Authenticated>> {
        let outcome = self(credentials);
        Box::pin(async move { outcome.await.map(Into::into) })
    }
}
