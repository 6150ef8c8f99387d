//! TLS for the HTTP client the crate builds (not for one passed with
//! [`AuthleteBuilder::http_client`](crate::AuthleteBuilder::http_client)).
//!
//! rustls with the platform's certificate verifier (as reqwest would do),
//! and a crypto provider picked in this order: the process-wide default an
//! app installed (`rustls::crypto::CryptoProvider::install_default`), then
//! aws-lc-rs with feature `tls-aws-lc-rs`, then ring with feature `tls-ring`
//! (default). The crate never installs a process-wide provider itself.
//!
//! reqwest 0.13 needs a provider for any client it builds, TLS used or not:
//! with only `tls-ring` on, a plain `reqwest::Client::new()` elsewhere in
//! the app panics unless the app installed a provider or enabled reqwest's
//! `rustls` feature (its default). [`reqwest_client_builder`] gives a
//! builder set up like the crate's own client.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::CertificateDer;

use crate::ConfigError;

/// The provider of the order above, if any.
fn provider() -> Option<Arc<CryptoProvider>> {
    if let Some(installed) = CryptoProvider::get_default() {
        return Some(installed.clone());
    }
    #[cfg(feature = "tls-aws-lc-rs")]
    return Some(Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
    #[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc-rs")))]
    return Some(Arc::new(rustls::crypto::ring::default_provider()));
    #[allow(unreachable_code)]
    None
}

/// A `reqwest::ClientBuilder` with the crate's TLS set-up (the platform's
/// roots, the crypto provider chosen as described in the crate docs): for a
/// client with proxies or other settings to pass to
/// [`AuthleteBuilder::http_client`](crate::AuthleteBuilder::http_client), or
/// for other calls your app makes.
///
/// ```
/// let http = authlete::reqwest_client_builder()?.pool_max_idle_per_host(4).build()?;
/// let authlete = authlete::Authlete::builder()
///     .base_url("http://127.0.0.1:8080")
///     .access_token("token")
///     .http_client(http)
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`ConfigError::NoTlsProvider`] when no crypto provider is available.
pub fn reqwest_client_builder() -> Result<reqwest::ClientBuilder, ConfigError> {
    Ok(reqwest::Client::builder().tls_backend_preconfigured(client_config(&[])?))
}

/// A client configuration trusting the platform's roots and `extra_roots`.
pub(crate) fn client_config(extra_roots: &[CertificateDer<'static>]) -> Result<rustls::ClientConfig, ConfigError> {
    let provider = provider().ok_or(ConfigError::NoTlsProvider)?;
    let tls = |e: rustls::Error| ConfigError::Tls(e.to_string());
    let verifier = if extra_roots.is_empty() {
        rustls_platform_verifier::Verifier::new(provider.clone())
    } else {
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra_roots.iter().cloned(), provider.clone())
    }
    .map_err(tls)?;
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls)?
        // "dangerous" is rustls' name for any verifier it does not ship;
        // this one is the platform's (what reqwest itself uses).
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_client_config_offers_no_alpn_so_connections_are_http1() {
        // client.rs turns reqwest's own retry layer off because it only acts
        // on HTTP/2; an ALPN offer could negotiate HTTP/2.
        if let Ok(config) = super::client_config(&[]) {
            assert!(config.alpn_protocols.is_empty(), "{:?}", config.alpn_protocols);
        }
    }
}
