//! Client certificates of mutual TLS that a TLS-terminating proxy passes
//! in headers (an explicit opt-in).

use crate::ClientRequest;

/// Where a proxy in front of the token endpoint puts the client certificate
/// of a mutual-TLS connection it terminated. Reading such headers is only
/// safe behind a proxy that sets them and strips them from client requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProxyCertHeaders {
    /// RFC 9440: `Client-Cert` (`:<base64 DER>:`) and `Client-Cert-Chain`
    /// (a list of such values).
    Rfc9440,
    /// One header holding the PEM certificate, URL-encoded or not, as nginx's
    /// `$ssl_client_escaped_cert` or many proxies' `X-Ssl-Cert` (give its
    /// name); no chain.
    Pem(&'static str),
    /// One header holding the certificate as Base64 DER without PEM markers,
    /// as Azure App Service's `X-ARR-ClientCert` (give its name); no chain.
    Base64Der(&'static str),
}

impl ClientRequest {
    /// The client certificate and chain a TLS-terminating proxy passed in
    /// headers (an explicit opt-in: trust these headers only behind a proxy
    /// that sets them and removes them from client requests). Headers that
    /// are absent or cannot be read leave the certificate unset, and so does
    /// a certificate header that appears more than once: one of them came
    /// from the client (a proxy that appends instead of replacing).
    ///
    /// ```
    /// use authlete_server::{ClientRequest, ProxyCertHeaders};
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("client-cert", ":MIIBCg==:".parse().unwrap());
    /// let input = ClientRequest::from_http(&headers, "grant_type=client_credentials", None)
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
            ProxyCertHeaders::Base64Der(name) => {
                self.client_certificate = header(name).and_then(der_to_pem);
            }
        }
        self
    }
}

/// An RFC 8941 byte sequence (`:<base64>:`) holding a DER certificate, as PEM.
fn der_item_to_pem(item: &str) -> Option<String> {
    der_to_pem(item.trim().strip_prefix(':')?.strip_suffix(':')?)
}

/// Base64 DER (no markers, no line breaks) as PEM.
fn der_to_pem(b64: &str) -> Option<String> {
    use base64::Engine;
    let der = base64::engine::general_purpose::STANDARD.decode(b64.trim()).ok()?;
    pem(&der)
}

/// A PEM certificate from a header: URL-decoded if it is, and with its line
/// breaks restored if the proxy folded them into spaces. Anything between
/// the markers that is not Base64 gives `None`.
fn pem_from_header(value: &str) -> Option<String> {
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
