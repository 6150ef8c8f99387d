//! Protecting a resource with Authlete's introspection (`/auth/introspection`),
//! and RFC 7662 introspection for resource servers (`/auth/introspection/standard`).

use serde_json::{Map, Value};

use authlete::answer::AuthleteAnswer;
#[cfg(authlete_operation = "auth_introspection")]
use authlete::operation::auth_introspection::Success as IntrospectionResponse;
use authlete::Authlete;
use authlete::EndpointResponse;

use crate::Error;

/// A request to a protected resource, as far as the token is concerned.
#[derive(Clone, Default)]
pub struct ResourceRequest {
    /// The access token, from `Authorization: Bearer …` or `DPoP …`.
    pub access_token: Option<String>,
    /// The token came with the `DPoP` scheme.
    pub dpop_scheme: bool,
    /// The `DPoP` proof header.
    pub dpop: Option<String>,
    /// The HTTP method (`htm` of the proof).
    pub htm: String,
    /// The resource's URL (`htu` of the proof).
    pub htu: String,
    /// The client certificate of a mutual-TLS connection (certificate-bound
    /// tokens, RFC 8705).
    pub client_certificate: Option<String>,
}

impl std::fmt::Debug for ResourceRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResourceRequest")
            .field("access_token", &self.access_token.as_ref().map(|_| "<redacted>"))
            .field("dpop_scheme", &self.dpop_scheme)
            .field("htm", &self.htm)
            .field("htu", &self.htu)
            .finish_non_exhaustive()
    }
}

impl ResourceRequest {
    /// From the HTTP parts: the token from `Authorization` (`Bearer` or
    /// `DPoP` scheme, any case), the `DPoP` proof, the method and the
    /// resource's public URL. Several `DPoP` headers are joined, so the
    /// proof does not verify (RFC 9449 §4.3 asks for exactly one).
    pub fn from_http(method: &http::Method, url: &str, headers: &http::HeaderMap) -> Self {
        let authorization = headers.get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::trim);
        let (scheme, token) = authorization
            .and_then(|a| a.split_once(char::is_whitespace))
            .map(|(s, t)| (s.to_ascii_lowercase(), t.trim().to_string()))
            .unwrap_or_default();
        let access_token = (matches!(scheme.as_str(), "bearer" | "dpop") && !token.is_empty()).then_some(token);
        Self {
            access_token,
            dpop_scheme: scheme == "dpop",
            dpop: crate::client_request::header_text(headers, "dpop"),
            htm: method.as_str().to_string(),
            htu: url.to_string(),
            client_certificate: None,
        }
    }

    /// The answer to a request that cannot be checked with Authlete: no
    /// token at all (RFC 6750 §3.1: a challenge without an error code), or
    /// the `DPoP` scheme without a proof (RFC 9449 §7.1). `None` when the
    /// request can go to Authlete.
    pub(crate) fn refused_locally(&self, realm: &str) -> Option<EndpointResponse> {
        let scheme = if self.dpop_scheme { "DPoP" } else { "Bearer" };
        let challenge = if self.access_token.is_none() {
            format!("{scheme} realm=\"{realm}\"")
        } else if self.dpop_scheme && self.dpop.is_none() {
            format!(
                "DPoP realm=\"{realm}\", error=\"invalid_dpop_proof\", error_description=\"A DPoP proof is required.\""
            )
        } else {
            return None;
        };
        Some(EndpointResponse::challenge(http::StatusCode::UNAUTHORIZED, &challenge))
    }

    /// `dpop`, `htm`, `htu`, `clientCertificate` by wire name.
    pub(crate) fn fields(&self) -> Map<String, Value> {
        let mut m = Map::new();
        if let Some(d) = &self.dpop {
            m.insert("dpop".into(), d.clone().into());
            m.insert("htm".into(), self.htm.clone().into());
            m.insert("htu".into(), self.htu.clone().into());
        }
        if let Some(c) = &self.client_certificate {
            m.insert("clientCertificate".into(), c.clone().into());
        }
        m
    }
}

/// The outcome of checking a request to a protected resource: granted only
/// on `/auth/introspection`'s `OK` (see the [module docs](super) for the
/// rule).
#[cfg(authlete_operation = "auth_introspection")]
#[derive(Debug, Clone)]
pub enum Access {
    /// The token is valid and has the scopes: serve the resource, with
    /// [`Grant::headers`] on the response. The grant dereferences to the
    /// answer, which says who and what (`subject`, `clientId`, `scopes`, ...).
    Granted(Grant),
    /// Send this response (401, 400, 403 or 500, with `WWW-Authenticate`
    /// where the answer has a challenge).
    Denied(EndpointResponse),
}

/// A granted request: Authlete's introspection answer, and the headers the
/// resource's response must carry. Dereferences to the answer.
///
/// The headers hold `DPoP-Nonce` when Authlete gave a nonce for a
/// DPoP-bound token (RFC 9449 §9: a resource server that requires nonces
/// sends the next one on its successful responses too):
///
/// ```
/// # fn demo(grant: authlete_server::endpoints::Grant) -> (http::HeaderMap, String) {
/// let body = format!("hello, {}", grant.subject.as_deref().unwrap_or("?"));
/// // An axum handler can return this pair: a `HeaderMap` is a response part.
/// (grant.headers().clone(), body)
/// # }
/// ```
#[cfg(authlete_operation = "auth_introspection")]
#[derive(Debug, Clone)]
pub struct Grant {
    answer: Box<IntrospectionResponse>,
    headers: http::HeaderMap,
}

#[cfg(authlete_operation = "auth_introspection")]
impl Grant {
    fn new(answer: IntrospectionResponse) -> Self {
        let mut headers = http::HeaderMap::new();
        if let Some(nonce) = answer.dpop_nonce().and_then(|n| http::HeaderValue::from_str(n).ok()) {
            headers.insert("dpop-nonce", nonce);
        }
        Self { answer: Box::new(answer), headers }
    }

    /// The headers to put on the resource's response (`DPoP-Nonce`, when
    /// there is one).
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }

    /// Authlete's introspection answer.
    pub fn answer(&self) -> &IntrospectionResponse {
        &self.answer
    }

    /// The answer, owned.
    pub fn into_answer(self) -> IntrospectionResponse {
        *self.answer
    }
}

#[cfg(authlete_operation = "auth_introspection")]
impl std::ops::Deref for Grant {
    type Target = IntrospectionResponse;
    fn deref(&self) -> &IntrospectionResponse {
        &self.answer
    }
}

/// The flags of an introspection answer that must not be `false` (nor a
/// value that did not decode) for access to be granted.
#[cfg(authlete_operation = "auth_introspection")]
const GRANT_FLAGS: [&str; 3] = ["usable", "existent", "sufficient"];

/// Whether an `/auth/introspection` answer grants access: action `OK`, and
/// no [`GRANT_FLAGS`] flag false or undecodable. Read by wire name, so that a
/// value kept raw (it did not decode) is seen, and every revision builds.
#[cfg(authlete_operation = "auth_introspection")]
fn grants(answer: &IntrospectionResponse) -> bool {
    if answer.action() != Some("OK") {
        return false;
    }
    let Ok(Value::Object(json)) = serde_json::to_value(answer) else { return false };
    GRANT_FLAGS.iter().all(|flag| matches!(json.get(*flag), None | Some(Value::Null) | Some(Value::Bool(true))))
}

/// Checks the access token of requests to a protected resource.
///
/// ```no_run
/// # async fn demo(client: authlete::Authlete, headers: http::HeaderMap) -> Result<(), authlete_server::Error> {
/// use authlete_server::endpoints::{Access, ResourceRequest, ResourceServer};
/// let rs = ResourceServer::new(client).required_scopes(["read"]);
/// let request = ResourceRequest::from_http(&http::Method::GET, "https://api.example.com/items", &headers);
/// match rs.check(request).await? {
///     Access::Granted(token) => println!("serving {:?}", token.subject),
///     Access::Denied(response) => { let _ = response; /* send it */ }
/// }
/// # Ok(()) }
/// ```
#[cfg(authlete_operation = "auth_introspection")]
#[derive(Debug, Clone)]
pub struct ResourceServer {
    client: Authlete,
    scopes: Vec<String>,
    realm: String,
}

#[cfg(authlete_operation = "auth_introspection")]
impl ResourceServer {
    /// A resource server using `client`, requiring no particular scope.
    pub fn new(client: Authlete) -> Self {
        Self { client, scopes: Vec::new(), realm: "resource".into() }
    }

    /// Scopes every token must have (`403 insufficient_scope` otherwise).
    pub fn required_scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, scopes: I) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The realm of challenges sent without Authlete (no token at all).
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = realm.into();
        self
    }

    /// Checks one request.
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn check(&self, request: ResourceRequest) -> Result<Access, Error> {
        if let Some(refused) = request.refused_locally(&self.realm) {
            return Ok(Access::Denied(refused));
        }
        let token = request.access_token.clone().unwrap_or_default();
        let mut fields = request.fields();
        if !self.scopes.is_empty() {
            fields.insert("scopes".into(), self.scopes.clone().into());
        }
        let answer =
            self.client.auth_introspection().body_map(move |b| b.token(token).extra(fields)).send().await?.into_inner();
        Ok(if grants(&answer) { Access::Granted(Grant::new(answer)) } else { Access::Denied(super::denied(&answer)) })
    }
}

/// RFC 7662 token introspection, for resource servers that ask the
/// authorization server about tokens. Authenticate the resource server
/// yourself before calling [`handle`](Self::handle): the endpoint must not
/// answer strangers.
#[cfg(authlete_operation = "auth_introspection_standard")]
#[derive(Clone)]
pub struct StandardIntrospectionEndpoint {
    client: Authlete,
    /// Request fields by wire name, sent with every request (so that a
    /// revision without one of them still builds).
    options: Map<String, Value>,
}

/// Options that hold keys: their values are never shown.
#[cfg(authlete_operation = "auth_introspection_standard")]
const KEY_OPTIONS: [&str; 3] = ["sharedKeyForSign", "sharedKeyForEncryption", "publicKeyForEncryption"];

#[cfg(authlete_operation = "auth_introspection_standard")]
impl std::fmt::Debug for StandardIntrospectionEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let options: Map<String, Value> = self
            .options
            .iter()
            .map(|(k, v)| (k.clone(), if KEY_OPTIONS.contains(&k.as_str()) { "<redacted>".into() } else { v.clone() }))
            .collect();
        f.debug_struct("StandardIntrospectionEndpoint")
            .field("client", &self.client)
            .field("options", &options)
            .finish()
    }
}

#[cfg(authlete_operation = "auth_introspection_standard")]
impl StandardIntrospectionEndpoint {
    /// An introspection endpoint using `client`, with Authlete's defaults
    /// for everything below.
    ///
    /// ```
    /// # fn demo(client: authlete::Authlete) {
    /// use authlete_server::endpoints::StandardIntrospectionEndpoint;
    /// let endpoint = StandardIntrospectionEndpoint::new(client)
    ///     .resource_server_uri("https://api.example.com")
    ///     .with_hidden_properties(false)
    ///     .jwt_signing_algorithm("ES256");
    /// # }
    /// ```
    pub fn new(client: Authlete) -> Self {
        Self { client, options: Map::new() }
    }

    fn option(mut self, wire_name: &str, value: impl Into<Value>) -> Self {
        self.options.insert(wire_name.into(), value.into());
        self
    }

    /// Include the token's hidden properties in the answer
    /// (`withHiddenProperties`; Authlete's default: no).
    pub fn with_hidden_properties(self, yes: bool) -> Self {
        self.option("withHiddenProperties", yes)
    }

    /// The URI of the resource server asking (`rsUri`): in a JWT answer it
    /// is the audience, and Authlete uses it to find the resource server's
    /// own settings.
    pub fn resource_server_uri(self, uri: impl Into<String>) -> Self {
        self.option("rsUri", uri.into())
    }

    /// The algorithm that signs a JWT answer (`introspectionSignAlg`, e.g.
    /// `ES256`; Authlete's default when unset).
    pub fn jwt_signing_algorithm(self, alg: impl Into<String>) -> Self {
        self.option("introspectionSignAlg", alg.into())
    }

    /// Encrypt a JWT answer: the key management algorithm
    /// (`introspectionEncryptionAlg`, e.g. `ECDH-ES+A256KW`) and the content
    /// encryption (`introspectionEncryptionEnc`, e.g. `A256GCM`).
    pub fn jwt_encryption(self, alg: impl Into<String>, enc: impl Into<String>) -> Self {
        self.option("introspectionEncryptionAlg", alg.into()).option("introspectionEncryptionEnc", enc.into())
    }

    /// The shared key for an HMAC-signed JWT answer (`sharedKeyForSign`).
    /// Never shown by `Debug`.
    pub fn shared_key_for_signing(self, key: impl Into<String>) -> Self {
        self.option("sharedKeyForSign", key.into())
    }

    /// The shared key for a JWT answer encrypted with a symmetric algorithm
    /// (`sharedKeyForEncryption`). Never shown by `Debug`.
    pub fn shared_key_for_encryption(self, key: impl Into<String>) -> Self {
        self.option("sharedKeyForEncryption", key.into())
    }

    /// The resource server's public key (a JWK) for a JWT answer encrypted
    /// with an asymmetric algorithm (`publicKeyForEncryption`).
    pub fn public_key_for_encryption(self, jwk: impl Into<String>) -> Self {
        self.option("publicKeyForEncryption", jwk.into())
    }

    /// Handles one introspection request: its form body, and its `Accept`
    /// header (`application/token-introspection+jwt` asks for a signed JWT
    /// answer, RFC 9701).
    ///
    /// # Errors
    /// Failures to reach Authlete.
    pub async fn handle(&self, form_body: String, accept: Option<&str>) -> Result<EndpointResponse, Error> {
        let mut fields = self.options.clone();
        if let Some(a) = accept {
            fields.insert("httpAcceptHeader".into(), a.into());
        }
        let answer = self
            .client
            .auth_introspection_standard()
            .body_map(move |b| b.parameters(form_body).extra(fields))
            .send()
            .await?
            .into_inner();
        Ok(answer.next().or_server_error())
    }
}
