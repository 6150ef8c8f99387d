//! TLS for the HTTP client the crate builds (not for one passed with
//! [`AuthleteBuilder::http_client`](crate::AuthleteBuilder::http_client)).
//!
//! rustls with the platform's certificate verifier (as reqwest would do),
//! and a crypto provider picked in this order: the process-wide default an
//! app installed (`rustls::crypto::CryptoProvider::install_default`), then
//! aws-lc-rs with feature `tls-aws-lc-rs`, then ring with feature `tls-ring`
//! (default). The crate never installs a process-wide provider itself.

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
