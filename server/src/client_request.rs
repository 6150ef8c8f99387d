//! [`ClientRequest`]: what an OAuth client sent to the token, PAR or
//! revocation endpoint.

/// A request of an OAuth client to an endpoint that authenticates it (token,
/// pushed authorization, revocation), as the endpoint received it: the form
/// body and the headers that carry the client's credentials and proofs.
///
/// The body is taken as given: cap its size before you read it (see
/// [What your framework must limit](crate#what-your-framework-must-limit)).
///
/// ```
/// let input = authlete_server::ClientRequest::new("grant_type=refresh_token&refresh_token=rt")
///     .authorization(Some("Basic Y2xpZW50OnNlY3JldA=="));
/// assert_eq!(input.basic_credentials(), Some(("client".into(), "secret".into())));
/// ```
#[derive(Clone, Default)]
pub struct ClientRequest {
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

impl std::fmt::Debug for ClientRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The body and the Authorization header carry secrets.
        f.debug_struct("ClientRequest")
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

impl ClientRequest {
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
