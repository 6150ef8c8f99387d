//! DPoP-bound service access tokens (RFC 9449, feature `dpop`): the key
//! the token is bound to, and the proof each request carries.
//!
//! The JWS is jsonwebtoken's; the private JWK is read by the RustCrypto key
//! crates (`p256`, `p384`, `ed25519-dalek`, `rsa`), which check that its
//! public part matches, and handed to jsonwebtoken as DER. Nothing here
//! signs or hashes by hand.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::error::ConfigError;

/// The private key a DPoP-bound service access token is bound to, read
/// from a JWK (`AUTHLETE_DPOP_KEY`). Its algorithm is the JWK's `alg`, or
/// else the one its key type implies: `ES256` (P-256), `ES384` (P-384),
/// `EdDSA` (Ed25519), `RS256` (RSA; `PS256` and the others by `alg`).
///
/// Its `Debug` shows the algorithm and the public key's thumbprint, never
/// the private key.
///
/// Prefer an EC or Ed25519 key. RSA signing goes through the `rsa` crate
/// (0.9), which has an open advisory, RUSTSEC-2023-0071: its private-key
/// operations are not constant-time, so a party that can time many of
/// the app's signatures precisely may learn the key. ES256, ES384 and
/// EdDSA have no such advisory.
pub struct DpopKey {
    alg: Algorithm,
    key: EncodingKey,
    public: Jwk,
    thumbprint: String,
}

impl std::fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DpopKey").field("alg", &self.alg).field("jkt", &self.thumbprint).finish_non_exhaustive()
    }
}

fn invalid(reason: impl Into<String>) -> ConfigError {
    ConfigError::InvalidDpopKey { reason: reason.into() }
}

fn der_error<E>(_: E) -> ConfigError {
    invalid("the key cannot be encoded")
}

impl DpopKey {
    /// Reads a private JWK (JSON text).
    ///
    /// # Errors
    /// [`ConfigError::InvalidDpopKey`] for text that is not a JWK, a public
    /// key (no `d`), a key type or `alg` that does not fit, or a public part
    /// that does not match the private one. The message never quotes the key.
    pub fn from_jwk(text: &str) -> Result<Self, ConfigError> {
        let jwk: Value = serde_json::from_str(text).map_err(|_| invalid("not JSON"))?;
        let member = |k: &str| jwk.get(k).and_then(Value::as_str);
        let bytes = |k: &str| -> Result<Vec<u8>, ConfigError> {
            B64.decode(member(k).ok_or_else(|| invalid(format!("no \"{k}\"")))?)
                .map_err(|_| invalid(format!("\"{k}\" is not base64url")))
        };
        if member("d").is_none() {
            return Err(invalid("a public key: the JWK has no \"d\""));
        }
        let (kty, crv) = (member("kty").unwrap_or_default(), member("crv"));
        let alg = match member("alg") {
            Some(a) => a.parse::<Algorithm>().map_err(|_| invalid(format!("unknown alg {a}")))?,
            None => match (kty, crv) {
                ("EC", Some("P-256")) => Algorithm::ES256,
                ("EC", Some("P-384")) => Algorithm::ES384,
                ("OKP", Some("Ed25519")) => Algorithm::EdDSA,
                ("RSA", _) => Algorithm::RS256,
                _ => return Err(invalid(format!("key type {kty} {} is not supported", crv.unwrap_or("")))),
            },
        };
        // The EC readers take only the key's own members.
        let ec = || json!({"kty": "EC", "crv": crv, "x": jwk["x"], "y": jwk["y"], "d": jwk["d"]}).to_string();
        let (key, public) = match (kty, alg) {
            ("EC", Algorithm::ES256) => {
                use p256::pkcs8::EncodePrivateKey;
                let secret = p256::SecretKey::from_jwk_str(&ec()).map_err(|_| invalid("not a P-256 private key"))?;
                let der = secret.to_pkcs8_der().map_err(der_error)?;
                (EncodingKey::from_ec_der(der.as_bytes()), secret.public_key().to_jwk_string())
            }
            ("EC", Algorithm::ES384) => {
                use p384::pkcs8::EncodePrivateKey;
                let secret = p384::SecretKey::from_jwk_str(&ec()).map_err(|_| invalid("not a P-384 private key"))?;
                let der = secret.to_pkcs8_der().map_err(der_error)?;
                (EncodingKey::from_ec_der(der.as_bytes()), secret.public_key().to_jwk_string())
            }
            ("OKP", Algorithm::EdDSA) if crv == Some("Ed25519") => {
                use ed25519_dalek::pkcs8::EncodePrivateKey;
                let seed: [u8; 32] = bytes("d")?.try_into().map_err(|_| invalid("\"d\" is not 32 bytes"))?;
                let secret = ed25519_dalek::SigningKey::from_bytes(&seed);
                let x = B64.encode(secret.verifying_key().as_bytes());
                if member("x").is_some_and(|given| given != x) {
                    return Err(invalid("\"x\" does not match \"d\""));
                }
                let der = secret.to_pkcs8_der().map_err(der_error)?;
                (EncodingKey::from_ed_der(der.as_bytes()), json!({"kty": "OKP", "crv": "Ed25519", "x": x}).to_string())
            }
            (
                "RSA",
                Algorithm::RS256
                | Algorithm::RS384
                | Algorithm::RS512
                | Algorithm::PS256
                | Algorithm::PS384
                | Algorithm::PS512,
            ) => {
                use rsa::pkcs1::EncodeRsaPrivateKey;
                use rsa::traits::PublicKeyParts;
                let number = |k: &str| bytes(k).map(|b| rsa::BigUint::from_bytes_be(&b));
                let primes = match (member("p"), member("q")) {
                    (Some(_), Some(_)) => vec![number("p")?, number("q")?],
                    _ => Vec::new(),
                };
                let secret = rsa::RsaPrivateKey::from_components(number("n")?, number("e")?, number("d")?, primes)
                    .map_err(|_| invalid("not an RSA private key"))?;
                secret.validate().map_err(|_| invalid("not an RSA private key"))?;
                let der = secret.to_pkcs1_der().map_err(der_error)?;
                let public = json!({"kty": "RSA", "n": B64.encode(secret.n().to_bytes_be()), "e": B64.encode(secret.e().to_bytes_be())});
                (EncodingKey::from_rsa_der(der.as_bytes()), public.to_string())
            }
            _ => return Err(invalid(format!("alg {alg:?} does not fit key type {kty}"))),
        };
        let public: Jwk = serde_json::from_str(&public).map_err(|_| invalid("the public key cannot be written"))?;
        let thumbprint = public.thumbprint(jsonwebtoken::jwk::ThumbprintHash::SHA256);
        Ok(Self { alg, key, public, thumbprint })
    }

    /// The JWS algorithm the proofs are signed with (`"ES256"`, ...).
    pub fn algorithm(&self) -> &'static str {
        match self.alg {
            Algorithm::HS256 => "HS256",
            Algorithm::HS384 => "HS384",
            Algorithm::HS512 => "HS512",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::PS256 => "PS256",
            Algorithm::PS384 => "PS384",
            Algorithm::PS512 => "PS512",
            Algorithm::EdDSA => "EdDSA",
        }
    }

    /// The public key's JWK thumbprint (RFC 7638, SHA-256): the `jkt` a
    /// DPoP-bound token is bound to.
    pub fn thumbprint(&self) -> &str {
        &self.thumbprint
    }

    /// A proof for one request: `htm` (`method`), `htu` (`url` without its
    /// query and fragment), `iat`, a fresh `jti`, `ath` (the token's
    /// SHA-256) and the server's `nonce` when it gave one.
    pub(crate) fn proof(&self, method: &str, url: &url::Url, token: &str, nonce: Option<&str>) -> Option<String> {
        let mut htu = url.clone();
        htu.set_query(None);
        htu.set_fragment(None);
        let iat = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let jti = format!("{:032x}", fastrand::u128(..));
        let ath = B64.encode(Sha256::digest(token.as_bytes()));
        let mut claims = json!({"htm": method, "htu": htu.as_str(), "iat": iat, "jti": jti, "ath": ath});
        if let Some(nonce) = nonce {
            claims["nonce"] = nonce.into();
        }
        let mut header = Header::new(self.alg);
        header.typ = Some("dpop+jwt".into());
        header.jwk = Some(self.public.clone());
        jsonwebtoken::encode(&header, &claims, &self.key).ok()
    }
}

/// A DPoP-bound token in use: the key, and the last nonce the server gave.
pub(crate) struct DpopState {
    key: DpopKey,
    nonce: std::sync::RwLock<Option<String>>,
}

impl DpopState {
    pub(crate) fn new(key: DpopKey) -> Self {
        Self { key, nonce: std::sync::RwLock::new(None) }
    }

    /// `Authorization: DPoP <token>` and `DPoP: <proof>` on one attempt.
    /// Without a proof (which cannot happen with a key that was read) the
    /// request goes without a token, and Authlete refuses it.
    pub(crate) fn apply(&self, request: &mut reqwest::Request, token: &str) {
        let nonce = self.nonce.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        let Some(proof) = self.key.proof(request.method().as_str(), request.url(), token, nonce.as_deref()) else {
            return;
        };
        let (Ok(mut authorization), Ok(proof)) =
            (http::HeaderValue::from_str(&format!("DPoP {token}")), http::HeaderValue::from_str(&proof))
        else {
            return;
        };
        authorization.set_sensitive(true);
        request.headers_mut().insert(http::header::AUTHORIZATION, authorization);
        request.headers_mut().insert(http::HeaderName::from_static("dpop"), proof);
    }

    /// Keeps the nonce an answer carries (`DPoP-Nonce`); whether the answer
    /// asks for the request again with it (`401` with `use_dpop_nonce`).
    pub(crate) fn observe(&self, response: &reqwest::Response) -> bool {
        let Some(nonce) = response.headers().get("dpop-nonce").and_then(|v| v.to_str().ok()) else {
            return false;
        };
        *self.nonce.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(nonce.to_string());
        response.status() == http::StatusCode::UNAUTHORIZED
            && response
                .headers()
                .get_all(http::header::WWW_AUTHENTICATE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .any(|v| v.contains("use_dpop_nonce"))
    }
}
