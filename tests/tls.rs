//! TLS of the client the crate builds: a loopback HTTPS stand-in whose
//! certificate comes from a test certificate authority. Trusted through
//! `add_root_certificate`, the call succeeds; without it, the certificate
//! is refused before anything is sent.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::ServerConfig;

/// A test CA (DER) and a server config for 127.0.0.1 signed by it.
fn certificates() -> (Vec<u8>, ServerConfig) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    let leaf_cert = leaf.signed_by(&leaf_key, &ca_cert, &ca_key).unwrap();
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(leaf_cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .unwrap();
    (ca_cert.der().to_vec(), config)
}

/// Serves HTTPS on 127.0.0.1; each connection gets one answer. Returns the
/// port and a channel of the request heads received.
async fn serve(config: ServerConfig) -> (u16, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let tx = tx.clone();
            tokio::spawn(async move {
                // A refused certificate ends the handshake here.
                let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = tx.send(String::from_utf8_lossy(&head).into_owned());
                let body = r#"{"action":"OK","idToken":"eyJ.reissued"}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (port, rx)
}

fn client(port: u16, ca: Option<Vec<u8>>) -> authlete::Authlete {
    let mut builder = authlete::Authlete::builder()
        .base_url(format!("https://127.0.0.1:{port}"))
        .service_id("715948317")
        .access_token("tls-test-token")
        .retry(authlete::RetryConfig::disabled());
    if let Some(ca) = ca {
        builder = builder.add_root_certificate(ca);
    }
    builder.build().unwrap()
}

#[tokio::test]
async fn https_with_a_trusted_root_works() {
    let (ca, config) = certificates();
    let (port, mut heads) = serve(config).await;
    let answer = client(port, Some(ca))
        .idtoken_reissue()
        .body_map(|b| b.access_token("at").refresh_token("rt"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.id_token.as_deref(), Some("eyJ.reissued"));
    let head = heads.recv().await.unwrap();
    assert!(head.starts_with("POST /api/715948317/idtoken/reissue HTTP/1.1"), "{head}");
    assert!(head.to_ascii_lowercase().contains("authorization: bearer tls-test-token"), "{head}");
}

#[tokio::test]
async fn an_unknown_certificate_authority_is_refused() {
    let (_, config) = certificates();
    let (port, mut heads) = serve(config).await;
    let err = client(port, None)
        .idtoken_reissue()
        .body_map(|b| b.access_token("at").refresh_token("rt"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, authlete::Error::Transport { .. }), "{err:?}");
    // Nothing (no token) reached the server.
    assert!(heads.try_recv().is_err());
}
