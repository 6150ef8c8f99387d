//! A token endpoint on top of `/auth/token`, including the refresh-token
//! flow that reissues the ID token (`ID_TOKEN_REISSUABLE` →
//! `/idtoken/reissue`) and the password grant (`/auth/token/issue`,
//! `/auth/token/fail`).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::models::{IdtokenReissueRequest, TokenResponse};
use crate::responses::EndpointResponse;
use crate::{Authlete, Error};

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Decides the ID token reissue of a refresh token grant, from what
/// `/auth/token` said about the grant.
pub type ClaimsProvider = Arc<dyn Fn(GrantContext) -> BoxFuture<Reissue> + Send + Sync>;

/// Authenticates a resource owner for the password grant.
pub type PasswordAuthenticator = Arc<dyn Fn(PasswordCredentials) -> BoxFuture<Option<Authenticated>> + Send + Sync>;

/// Answers a grant that needs server logic (`TOKEN_EXCHANGE`, `JWT_BEARER`,
/// `NATIVE_SSO`) from Authlete's `/auth/token` answer.
pub type GrantHandler = Arc<dyn Fn(TokenResponse) -> BoxFuture<EndpointResponse> + Send + Sync>;

/// What `/auth/token` said about a grant: the subject, the client, the
/// scopes, the claims requested for the ID token, and the whole answer.
///
/// Fields are read by their wire names, so the accessors work with every
/// spec revision (a field a revision lacks reads as empty).
#[derive(Clone)]
pub struct GrantContext {
    token: Option<TokenResponse>,
    json: Map<String, Value>,
}

impl std::fmt::Debug for GrantContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The answer holds the new tokens: only what identifies the grant.
        f.debug_struct("GrantContext")
            .field("subject", &self.subject())
            .field("client_id", &self.client_id())
            .field("scopes", &self.scopes())
            .field("grant_type", &self.grant_type())
            .finish_non_exhaustive()
    }
}

impl GrantContext {
    /// The context of an `/auth/token` answer.
    pub fn new(token: TokenResponse) -> Self {
        let mut context = Self::from_answer(&token);
        context.token = Some(token);
        context
    }

    /// The context of another answer about a grant (`/auth/userinfo`, ...),
    /// read by wire names.
    pub fn from_answer<T: Serialize>(answer: &T) -> Self {
        let json = match serde_json::to_value(answer) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        Self { token: None, json }
    }

    /// Any field of the answer, by wire name (`"sessionId"`, ...).
    pub fn field(&self, wire_name: &str) -> Option<&Value> {
        self.json.get(wire_name).filter(|v| !v.is_null())
    }

    fn text(&self, wire_name: &str) -> Option<&str> {
        self.field(wire_name).and_then(Value::as_str)
    }

    fn strings(&self, wire_name: &str) -> Vec<String> {
        self.field(wire_name)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    }

    /// The end user (`subject`).
    pub fn subject(&self) -> Option<&str> {
        self.text("subject")
    }

    /// The client's id (`clientId`), as text.
    pub fn client_id(&self) -> Option<String> {
        match self.field("clientId")? {
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }

    /// The client id alias (`clientIdAlias`), if the client has one.
    pub fn client_id_alias(&self) -> Option<&str> {
        self.text("clientIdAlias")
    }

    /// The scopes granted (`scopes`).
    pub fn scopes(&self) -> Vec<String> {
        self.strings("scopes")
    }

    /// The claims the client requested for the ID token
    /// (`requestedIdTokenClaims`): the ones a reissued ID token should carry.
    pub fn requested_id_token_claims(&self) -> Vec<String> {
        self.strings("requestedIdTokenClaims")
    }

    /// The claims the client requested from the userinfo endpoint (the
    /// `claims` list of a `/auth/userinfo` answer).
    pub fn requested_userinfo_claims(&self) -> Vec<String> {
        self.strings("claims")
    }

    /// The grant type (`grantType`), e.g. `REFRESH_TOKEN`.
    pub fn grant_type(&self) -> Option<&str> {
        self.text("grantType")
    }

    /// The whole `/auth/token` answer, when the context comes from one.
    pub fn token_response(&self) -> Option<&TokenResponse> {
        self.token.as_ref()
    }
}

/// The claims provider's decision about one ID token reissue.
#[derive(Debug, Clone)]
pub enum Reissue {
    /// Reissue the ID token with these claims and options.
    With(ReissueClaims),
    /// Do not reissue: answer with `/auth/token`'s own token response (the
    /// new tokens, without a new ID token), as Authlete's Java handler does.
    Skip,
    /// The grant must not succeed (a deleted or locked user): the access
    /// token `/auth/token` just issued is deleted and the client gets
    /// `400 invalid_grant`.
    Deny,
}

impl Reissue {
    /// Reissue with `claims` and nothing else set.
    pub fn claims(claims: Map<String, Value>) -> Self {
        Reissue::With(ReissueClaims { claims, ..ReissueClaims::default() })
    }
}

/// What a reissued ID token carries besides what Authlete puts in it.
#[derive(Debug, Clone, Default)]
pub struct ReissueClaims {
    /// Claims of the end user (`claims`), e.g. `name`, `email`.
    pub claims: Map<String, Value>,
    /// A `sub` to use instead of the subject (`sub`), e.g. a pairwise one.
    pub sub: Option<String>,
    /// Parameters for the ID token's JWS header (`idtHeaderParams`).
    pub idt_header_params: Option<Map<String, Value>>,
    /// How to write the `aud` claim (`idTokenAudType`).
    pub id_token_aud_type: Option<IdTokenAudType>,
}

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

/// Where a proxy in front of the token endpoint puts the client certificate
/// of a mutual-TLS connection it terminated. Reading such headers is only
/// safe behind a proxy that sets them and strips them from client requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyCertHeaders {
    /// RFC 9440: `Client-Cert` (`:<base64 DER>:`) and `Client-Cert-Chain`
    /// (a list of such values).
    Rfc9440,
    /// One header holding the PEM certificate, URL-encoded or not, as nginx's
    /// `$ssl_client_escaped_cert` or many proxies' `X-Ssl-Cert` (give its
    /// name); no chain.
    Pem(&'static str),
}

/// A token request as the token endpoint received it.
///
/// ```
/// let input = authlete::TokenRequestInput::new("grant_type=refresh_token&refresh_token=rt")
///     .authorization(Some("Basic Y2xpZW50OnNlY3JldA=="));
/// assert_eq!(input.basic_credentials(), Some(("client".into(), "secret".into())));
/// ```
#[derive(Clone, Default)]
pub struct TokenRequestInput {
    /// The form-encoded request body, as received.
    pub body: String,
    /// The `Authorization` header.
    pub authorization: Option<String>,
    /// The `DPoP` header.
    pub dpop: Option<String>,
    /// The HTTP method for DPoP (`htm`), normally `POST`.
    pub htm: Option<String>,
    /// The endpoint URL for DPoP (`htu`).
    pub htu: Option<String>,
    /// The client certificate (PEM) of a mutual-TLS connection.
    pub client_certificate: Option<String>,
    /// The certificate chain (PEM) of a mutual-TLS connection.
    pub client_certificate_path: Vec<String>,
    /// The `OAuth-Client-Attestation` header (attestation-based client
    /// authentication).
    pub client_attestation: Option<String>,
    /// The `OAuth-Client-Attestation-PoP` header.
    pub client_attestation_pop: Option<String>,
}

impl std::fmt::Debug for TokenRequestInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The body and the Authorization header carry secrets.
        f.debug_struct("TokenRequestInput")
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("authorization", &self.authorization.as_ref().map(|_| "<redacted>"))
            .field("dpop", &self.dpop.is_some())
            .field("htm", &self.htm)
            .field("htu", &self.htu)
            .field("client_certificate", &self.client_certificate.is_some())
            .field("client_attestation", &self.client_attestation.is_some())
            .finish_non_exhaustive()
    }
}

impl TokenRequestInput {
    /// A request with this form body.
    pub fn new(body: impl Into<String>) -> Self {
        Self { body: body.into(), htm: Some("POST".into()), ..Self::default() }
    }

    /// From the parts of an HTTP request; `htu` is the endpoint's public URL.
    /// Reads `Authorization`, `DPoP`, `OAuth-Client-Attestation` and
    /// `OAuth-Client-Attestation-PoP`. A client certificate comes from your
    /// TLS layer ([`client_certificate`](Self::client_certificate)) or, behind
    /// a proxy, from its headers
    /// ([`client_certificate_from_proxy`](Self::client_certificate_from_proxy)).
    pub fn from_http(headers: &http::HeaderMap, body: impl Into<String>, htu: Option<&str>) -> Self {
        let text = |name: &str| header_text(headers, name);
        Self {
            body: body.into(),
            authorization: text("authorization"),
            dpop: text("dpop"),
            client_attestation: text("oauth-client-attestation"),
            client_attestation_pop: text("oauth-client-attestation-pop"),
            htm: Some("POST".into()),
            htu: htu.map(str::to_string),
            ..Self::default()
        }
    }

    /// Sets the `Authorization` header.
    pub fn authorization(mut self, value: Option<&str>) -> Self {
        self.authorization = value.map(str::to_string);
        self
    }

    /// Sets the `DPoP` header, `htm` and `htu`.
    pub fn dpop(mut self, proof: Option<&str>, htu: Option<&str>) -> Self {
        self.dpop = proof.map(str::to_string);
        self.htu = htu.map(str::to_string);
        self
    }

    /// The client certificate and its chain, for mutual TLS.
    pub fn client_certificate(mut self, pem: Option<&str>, chain: Vec<String>) -> Self {
        self.client_certificate = pem.map(str::to_string);
        self.client_certificate_path = chain;
        self
    }

    /// The client certificate and chain a TLS-terminating proxy passed in
    /// headers (an explicit opt-in: trust these headers only behind a proxy
    /// that sets them and removes them from client requests). Headers that
    /// are absent or cannot be read leave the certificate unset, and so does
    /// a certificate header that appears more than once: one of them came
    /// from the client (a proxy that appends instead of replacing).
    ///
    /// ```
    /// use authlete::{ProxyCertHeaders, TokenRequestInput};
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("client-cert", ":MIIBCg==:".parse().unwrap());
    /// let input = TokenRequestInput::from_http(&headers, "grant_type=client_credentials", None)
    ///     .client_certificate_from_proxy(&headers, ProxyCertHeaders::Rfc9440);
    /// assert!(input.client_certificate.unwrap().starts_with("-----BEGIN CERTIFICATE-----\nMIIBCg=="));
    /// ```
    pub fn client_certificate_from_proxy(mut self, headers: &http::HeaderMap, source: ProxyCertHeaders) -> Self {
        // Exactly one value, or none at all.
        let header = |name: &str| {
            let mut values = headers.get_all(name).iter();
            match (values.next(), values.next()) {
                (Some(v), None) => v.to_str().ok().map(str::trim),
                _ => None,
            }
        };
        let repeated = |name: &str| headers.get_all(name).iter().nth(1).is_some();
        if matches!(source, ProxyCertHeaders::Rfc9440) && (repeated("client-cert") || repeated("client-cert-chain")) {
            self.client_certificate = None;
            self.client_certificate_path = Vec::new();
            return self;
        }
        match source {
            ProxyCertHeaders::Rfc9440 => {
                self.client_certificate = header("client-cert").and_then(der_item_to_pem);
                self.client_certificate_path = header("client-cert-chain")
                    .map(|chain| chain.split(',').filter_map(der_item_to_pem).collect())
                    .unwrap_or_default();
            }
            ProxyCertHeaders::Pem(name) => {
                self.client_certificate = header(name).and_then(pem_from_header);
            }
        }
        self
    }

    /// Whether the client authenticated with HTTP Basic (the
    /// `Authorization` scheme is `Basic`, whether or not it decodes).
    pub fn uses_basic(&self) -> bool {
        self.authorization.as_deref().is_some_and(|v| {
            let v = v.trim();
            v.split_once(char::is_whitespace).map_or(v, |(scheme, _)| scheme).eq_ignore_ascii_case("basic")
        })
    }

    /// `(client_id, client_secret)` of an HTTP Basic `Authorization` header;
    /// `None` when there is none or it does not decode.
    ///
    /// The scheme is case-insensitive and may be followed by any amount of
    /// whitespace (RFC 9110 §11); Base64 with or without padding is read.
    /// The id and the secret are then form-decoded (`%XX` and `+`), because
    /// RFC 6749 §2.3.1 has clients form-encode them before Base64: a secret
    /// with `:` or `%` in it only survives that way.
    pub fn basic_credentials(&self) -> Option<(String, String)> {
        use base64::Engine;
        if !self.uses_basic() {
            return None;
        }
        let (_, encoded) = self.authorization.as_deref()?.trim().split_once(char::is_whitespace)?;
        let lenient = base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        );
        let decoded = lenient.decode(encoded.trim()).ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (id, secret) = text.split_once(':')?;
        // RFC 6749 §2.3.1: both were form-urlencoded before Base64.
        let unescape = |s: &str| {
            percent_encoding::percent_decode_str(&s.replace('+', " ")).decode_utf8().ok().map(|c| c.into_owned())
        };
        Some((unescape(id)?, unescape(secret)?))
    }
}

/// Every value of header `name`, joined with `, `; `None` when it is absent.
///
/// Every value is passed on, never dropped: several `DPoP` headers are
/// joined and a value that is not text is passed lossily, so that Authlete
/// rejects the proof (RFC 9449 §4.3) instead of the request silently
/// becoming a plain bearer one.
pub(crate) fn header_text(headers: &http::HeaderMap, name: &str) -> Option<String> {
    let values: Vec<String> =
        headers.get_all(name).iter().map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()).collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// An RFC 8941 byte sequence (`:<base64>:`) holding a DER certificate, as PEM.
fn der_item_to_pem(item: &str) -> Option<String> {
    use base64::Engine;
    let b64 = item.trim().strip_prefix(':')?.strip_suffix(':')?;
    let der = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    pem(&der)
}

/// A PEM certificate from a header: URL-decoded if it is, and with its line
/// breaks restored if the proxy folded them into spaces. Anything between
/// the markers that is not Base64 gives `None`.
pub(crate) fn pem_from_header(value: &str) -> Option<String> {
    use base64::Engine;
    let decoded = percent_encoding::percent_decode_str(value).decode_utf8().ok()?;
    let body = decoded
        .trim()
        .strip_prefix("-----BEGIN CERTIFICATE-----")?
        .trim_end()
        .strip_suffix("-----END CERTIFICATE-----")?;
    let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let der = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    pem(&der)
}

/// A DER certificate as PEM (64 Base64 characters a line); `None` when empty.
fn pem(der: &[u8]) -> Option<String> {
    use base64::Engine;
    if der.is_empty() {
        return None;
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 64);
    out.push_str("-----BEGIN CERTIFICATE-----\n");
    // Base64 output is ASCII: every 64-byte chunk is text.
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    Some(out)
}

/// The value of `idTokenAudType`: how the `aud` claim of the reissued ID
/// token is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdTokenAudType {
    /// An array of strings (Authlete's default).
    Array,
    /// A single string.
    String,
}

impl IdtokenReissueRequest {
    /// The request `/idtoken/reissue` expects after an `/auth/token` answer
    /// of `ID_TOKEN_REISSUABLE`: `accessToken` is the answer's
    /// `jwtAccessToken` when present, else its `accessToken`; `refreshToken`
    /// is copied.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when the answer has no access or refresh token.
    ///
    /// ```
    /// use authlete::models::{IdtokenReissueRequest, TokenResponse};
    /// let token = TokenResponse {
    ///     access_token: Some("opaque".into()),
    ///     jwt_access_token: Some("eyJ.jwt".into()),
    ///     refresh_token: Some("rt".into()),
    ///     ..Default::default()
    /// };
    /// let req = IdtokenReissueRequest::from_token_response(&token)?
    ///     .with_claims(&serde_json::json!({"name": "Alice"}))?;
    /// assert_eq!(req.access_token, "eyJ.jwt");
    /// assert_eq!(req.claims.as_deref(), Some(r#"{"name":"Alice"}"#));
    /// # Ok::<(), authlete::Error>(())
    /// ```
    pub fn from_token_response(token: &TokenResponse) -> Result<Self, Error> {
        let invalid = |message: &str| Error::InvalidRequest { operation: "idtoken_reissue", message: message.into() };
        let access_token = token
            .jwt_access_token
            .clone()
            .or_else(|| token.access_token.clone())
            .ok_or_else(|| invalid("the token response has no access token"))?;
        let refresh_token =
            token.refresh_token.clone().ok_or_else(|| invalid("the token response has no refresh token"))?;
        // Through the generated builder, so fields a new revision adds keep
        // their defaults.
        Self::builder()
            .access_token(access_token)
            .refresh_token(refresh_token)
            .try_into()
            .map_err(|e: crate::models::error::ConversionError| invalid(&e.to_string()))
    }

    /// Claims to embed in the ID token: any value that serialises to a JSON
    /// object (a `serde_json::Map`, a struct).
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when `claims` is not a JSON object.
    pub fn with_claims<T: Serialize + ?Sized>(mut self, claims: &T) -> Result<Self, Error> {
        self.claims = Some(json_object(claims, "claims")?);
        Ok(self)
    }

    /// Parameters to add to the ID token's JWS header: any value that
    /// serialises to a JSON object.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when `params` is not a JSON object.
    pub fn with_idt_header_params<T: Serialize + ?Sized>(mut self, params: &T) -> Result<Self, Error> {
        self.idt_header_params = Some(json_object(params, "idtHeaderParams")?);
        Ok(self)
    }

    /// The `sub` claim to use instead of the token's subject.
    pub fn with_sub(mut self, sub: impl Into<String>) -> Self {
        self.sub = Some(sub.into());
        self
    }

    /// How to write the `aud` claim.
    pub fn with_id_token_aud_type(mut self, aud: IdTokenAudType) -> Self {
        self.id_token_aud_type = Some(match aud {
            IdTokenAudType::Array => "array".into(),
            IdTokenAudType::String => "string".into(),
        });
        self
    }
}

fn json_object<T: Serialize + ?Sized>(value: &T, what: &str) -> Result<String, Error> {
    let invalid = |message: String| Error::InvalidRequest { operation: "idtoken_reissue", message };
    match serde_json::to_value(value) {
        Ok(v @ Value::Object(_)) => Ok(v.to_string()),
        Ok(_) => Err(invalid(format!("{what} must serialise to a JSON object"))),
        Err(e) => Err(invalid(format!("{what} cannot be serialised: {e}"))),
    }
}

/// A token endpoint: give it the raw token request, get the HTTP response.
///
/// - `ID_TOKEN_REISSUABLE` (refresh token grant of a service with
///   `idTokenReissuable`): the [claims provider](Self::claims_provider)
///   sees the grant ([`GrantContext`]: subject, client, scopes, requested
///   claims) and decides: reissue with claims, `sub`, JWS header parameters
///   and `aud` style ([`Reissue::With`]); answer without a new ID token
///   ([`Reissue::Skip`]); or refuse the grant ([`Reissue::Deny`]: the new
///   access token is deleted and the client gets `invalid_grant`). Without a
///   provider the ID token is reissued with no extra claims. The reissue's
///   `responseContent` is the answer. If the reissue fails (transport error,
///   `CALLER_ERROR`, `INTERNAL_SERVER_ERROR`, `OK` without content), the
///   answer is `/auth/token`'s own `responseContent` — the new tokens,
///   without a new ID token — and a warning is logged; see
///   [`reissue_fallback`](Self::reissue_fallback) for the strict mode.
/// - `PASSWORD`: the [password authenticator](Self::password_authenticator)
///   checks the credentials; then `/auth/token/issue` (with the
///   authenticator's `properties`) or `/auth/token/fail`.
/// - `TOKEN_EXCHANGE`, `JWT_BEARER`, `NATIVE_SSO`: the
///   [grant handler](Self::grant_handler) if one is set, else
///   `unsupported_grant_type`.
/// - everything else: [`TokenResponse::to_http_response`].
///
/// A `DPoP-Nonce` from `/auth/token` is carried to the final response. The
/// client's credentials (Basic), DPoP proof, certificate and attestation
/// headers all reach `/auth/token` from [`TokenRequestInput`].
///
/// Where this differs from Authlete's Java handler (`TokenRequestHandler` of
/// authlete-java-jaxrs), on purpose:
/// - `INVALID_CLIENT` is `401` with `WWW-Authenticate: Basic` only when the
///   client tried HTTP Basic; otherwise `400`. RFC 6749 §5.2 asks for 401
///   and a challenge when the client authenticated through the
///   `Authorization` header, and allows 400 otherwise; a challenge to a
///   client that never used Basic invites it to try.
/// - Grants the server does not handle (no authenticator or grant handler)
///   are answered `400 unsupported_grant_type` rather than raising an
///   error, as RFC 6749 §5.2 names that case.
/// - `ID_TOKEN_REISSUABLE` reissues the ID token (the Java handler answers
///   with `/auth/token`'s content and leaves reissue to the application).
#[derive(Clone)]
pub struct TokenEndpoint {
    client: Authlete,
    claims: Option<ClaimsProvider>,
    password: Option<PasswordAuthenticator>,
    grants: Option<GrantHandler>,
    reissue_fallback: bool,
}

impl std::fmt::Debug for TokenEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenEndpoint")
            .field("client", &self.client)
            .field("claims_provider", &self.claims.is_some())
            .field("password_authenticator", &self.password.is_some())
            .field("grant_handler", &self.grants.is_some())
            .field("reissue_fallback", &self.reissue_fallback)
            .finish()
    }
}

/// The body of a refused grant.
pub const INVALID_GRANT_BODY: &str = r#"{"error":"invalid_grant","error_description":"The grant is no longer valid."}"#;

impl TokenEndpoint {
    /// A token endpoint using `client`, with no callbacks and the reissue
    /// fallback on.
    pub fn new(client: Authlete) -> Self {
        Self { client, claims: None, password: None, grants: None, reissue_fallback: true }
    }

    /// Decides each ID token reissue, from the grant.
    ///
    /// ```no_run
    /// # fn demo(client: authlete::Authlete) {
    /// use authlete::{Reissue, TokenEndpoint};
    /// let endpoint = TokenEndpoint::new(client).claims_provider(|grant| async move {
    ///     match grant.subject() {
    ///         Some("deleted-user") => Reissue::Deny,
    ///         Some(subject) => {
    ///             let mut claims = serde_json::Map::new();
    ///             if grant.requested_id_token_claims().iter().any(|c| c == "name") {
    ///                 claims.insert("name".into(), format!("User {subject}").into());
    ///             }
    ///             Reissue::claims(claims)
    ///         }
    ///         None => Reissue::Skip,
    ///     }
    /// });
    /// # }
    /// ```
    pub fn claims_provider<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(GrantContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Reissue> + Send + 'static,
    {
        self.claims = Some(Arc::new(move |grant| Box::pin(f(grant))));
        self
    }

    /// Checks the resource owner's credentials of a password grant: `Some`
    /// with the subject (a `String`, or [`Authenticated`] with token
    /// properties) when they are right.
    pub fn password_authenticator<F, Fut, A>(mut self, f: F) -> Self
    where
        F: Fn(PasswordCredentials) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Option<A>> + Send + 'static,
        A: Into<Authenticated>,
    {
        let f = Arc::new(f);
        self.password = Some(Arc::new(move |c| {
            let fut = f(c);
            Box::pin(async move { fut.await.map(Into::into) })
        }));
        self
    }

    /// Answers `TOKEN_EXCHANGE`, `JWT_BEARER` and `NATIVE_SSO`.
    pub fn grant_handler<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(TokenResponse) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = EndpointResponse> + Send + 'static,
    {
        self.grants = Some(Arc::new(move |t| Box::pin(f(t))));
        self
    }

    /// Whether a failed reissue falls back to `/auth/token`'s own response
    /// (default `true`).
    ///
    /// With `false` (strict mode), [`handle`](Self::handle) returns
    /// [`Error::ReissueFailed`] instead, which carries that same fallback
    /// response: by the time the reissue fails, `/auth/token` has issued new
    /// tokens and may have rotated the refresh token, so a response that
    /// drops them would lock the client out. Strict mode lets you log,
    /// alert or count the failure and still send the tokens.
    pub fn reissue_fallback(mut self, on: bool) -> Self {
        self.reissue_fallback = on;
        self
    }

    /// Handles one token request.
    ///
    /// # Errors
    /// Failures to reach Authlete for `/auth/token` (or for the follow-up
    /// call when no fallback applies); [`Error::ReissueFailed`] in strict
    /// mode. Answer the former with a 500 (with the `axum` feature, `Error`
    /// does that as `IntoResponse`); send the latter's `fallback`.
    pub async fn handle(&self, input: TokenRequestInput) -> Result<EndpointResponse, Error> {
        let client_used_basic = input.uses_basic();
        let basic = input.basic_credentials();
        if client_used_basic && basic.is_none() {
            // RFC 6749 §5.2: failed client authentication through the
            // Authorization header is a 401 with a challenge.
            return Ok(EndpointResponse::invalid_client_basic());
        }
        let (client_id, client_secret) = basic.map_or((None, None), |(i, s)| (Some(i), Some(s)));
        // Sent by wire name through the unknown-fields map, so that the
        // helper builds with every revision: `clientCertificatePath` changed
        // type between revisions (a string, then a list), and the attestation
        // fields are missing from older ones.
        let mut extra = Map::new();
        if !input.client_certificate_path.is_empty() {
            extra.insert("clientCertificatePath".into(), input.client_certificate_path.into());
        }
        if let Some(jwt) = input.client_attestation {
            extra.insert("oauthClientAttestation".into(), jwt.into());
        }
        if let Some(jwt) = input.client_attestation_pop {
            extra.insert("oauthClientAttestationPop".into(), jwt.into());
        }
        let token = self
            .client
            .auth_token()
            .body_map(move |b| {
                b.parameters(input.body)
                    .set_client_id(client_id)
                    .set_client_secret(client_secret)
                    .set_dpop(input.dpop)
                    .set_htm(input.htm)
                    .set_htu(input.htu)
                    .set_client_certificate(input.client_certificate)
                    .extra(extra)
            })
            .send()
            .await?
            .into_inner();
        let nonce = token.dpop_nonce.clone();
        let action = token.action.as_ref().map(ToString::to_string).unwrap_or_default();
        let response = match action.as_str() {
            "ID_TOKEN_REISSUABLE" => self.reissue(token).await?,
            "PASSWORD" => match &self.password {
                Some(auth) => self.password_grant(auth, token).await?,
                None => EndpointResponse::unsupported_grant_type(),
            },
            "TOKEN_EXCHANGE" | "JWT_BEARER" | "NATIVE_SSO" => match &self.grants {
                Some(handler) => handler(token).await,
                None => EndpointResponse::unsupported_grant_type(),
            },
            _ => return Ok(token.to_http_response(client_used_basic)),
        };
        Ok(response.with_dpop_nonce(nonce.as_deref()))
    }

    async fn reissue(&self, token: TokenResponse) -> Result<EndpointResponse, Error> {
        let fallback = token.to_http_response(false);
        let grant = GrantContext::new(token.clone());
        let decision = match &self.claims {
            Some(provider) => provider(grant.clone()).await,
            None => Reissue::With(ReissueClaims::default()),
        };
        let extra = match decision {
            Reissue::With(extra) => extra,
            Reissue::Skip => return Ok(fallback),
            Reissue::Deny => return Ok(self.deny(&token).await),
        };
        let request = IdtokenReissueRequest::from_token_response(&token).and_then(|r| {
            let r = if extra.claims.is_empty() { r } else { r.with_claims(&extra.claims)? };
            let r = match &extra.idt_header_params {
                Some(p) => r.with_idt_header_params(p)?,
                None => r,
            };
            let r = match extra.sub {
                Some(sub) => r.with_sub(sub),
                None => r,
            };
            Ok(match extra.id_token_aud_type {
                Some(aud) => r.with_id_token_aud_type(aud),
                None => r,
            })
        });
        let failure = match request {
            Ok(request) => match self.client.idtoken_reissue().body(request).send().await {
                // `OK` without content would be an empty answer: a failure.
                Ok(r) if r.is_ok() && r.response_content.is_some() => return Ok(r.to_http_response()),
                Ok(r) => format!("action {}", r.action.as_ref().map(ToString::to_string).unwrap_or_default()),
                Err(e) => e.to_string(),
            },
            Err(e) => e.to_string(),
        };
        if self.reissue_fallback {
            warn_fallback(&failure);
            Ok(fallback)
        } else {
            Err(Error::ReissueFailed { reason: failure, fallback: Box::new(fallback) })
        }
    }

    /// A refused grant: the access token just issued is deleted, and the
    /// client is told its grant is invalid.
    async fn deny(&self, token: &TokenResponse) -> EndpointResponse {
        if let Some(at) = token.access_token.clone() {
            let deleted =
                self.client.auth_token_delete_by_access_token_identifier().access_token_identifier(at).send().await;
            if let Err(e) = deleted {
                warn_not_deleted(&e.to_string());
            }
        }
        EndpointResponse::json(http::StatusCode::BAD_REQUEST, INVALID_GRANT_BODY)
    }

    async fn password_grant(
        &self,
        auth: &PasswordAuthenticator,
        token: TokenResponse,
    ) -> Result<EndpointResponse, Error> {
        let ticket = token.ticket.clone().unwrap_or_default();
        let credentials = PasswordCredentials {
            username: token.username.clone(),
            password: token.password.clone(),
            grant: GrantContext::new(token),
        };
        match auth(credentials).await {
            Some(user) => {
                let mut extra = Map::new();
                if !user.properties.is_empty() {
                    extra.insert("properties".into(), serde_json::to_value(&user.properties).unwrap_or_default());
                }
                Ok(self
                    .client
                    .auth_token_issue()
                    .body_map(|b| b.ticket(ticket).subject(user.subject).extra(extra))
                    .send()
                    .await?
                    .to_http_response())
            }
            None => Ok(self
                .client
                .auth_token_fail()
                .body_map(|b| b.ticket(ticket).reason("INVALID_RESOURCE_OWNER_CREDENTIALS"))
                .send()
                .await?
                .to_http_response()),
        }
    }
}

fn warn_fallback(why: &str) {
    #[cfg(feature = "tracing")]
    tracing::warn!(target: "authlete", reason = why, "ID token reissue failed; answering with /auth/token's response");
    #[cfg(not(feature = "tracing"))]
    let _ = why;
}

fn warn_not_deleted(why: &str) {
    #[cfg(feature = "tracing")]
    tracing::warn!(target: "authlete", reason = why, "the access token of a denied grant could not be deleted");
    #[cfg(not(feature = "tracing"))]
    let _ = why;
}
