//! The fake service's signing key: ES256, made fresh for each fake, its
//! public half served as the service's JWK Set.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use p256::pkcs8::EncodePrivateKey;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub(super) struct SigningKey {
    encoding: EncodingKey,
    decoding: Option<DecodingKey>,
    kid: String,
    public: Value,
}

impl SigningKey {
    /// A new P-256 key from the operating system's random source.
    pub(super) fn generate() -> Self {
        let secret = p256::SecretKey::random(&mut rand_core::OsRng);
        let der = secret.to_pkcs8_der().expect("a P-256 key encodes as PKCS#8");
        let public: Value = serde_json::from_str(&secret.public_key().to_jwk_string()).unwrap_or_default();
        // RFC 7638 thumbprint: the required members in lexical order.
        let thumbprint_input = json!({"crv": public["crv"], "kty": public["kty"], "x": public["x"], "y": public["y"]});
        let kid = URL_SAFE_NO_PAD.encode(Sha256::digest(thumbprint_input.to_string()));
        let mut public = public;
        public["kid"] = kid.clone().into();
        public["alg"] = "ES256".into();
        public["use"] = "sig".into();
        let decoding = serde_json::from_value(public.clone()).ok().and_then(|jwk| DecodingKey::from_jwk(&jwk).ok());
        Self { encoding: EncodingKey::from_ec_der(der.as_bytes()), decoding, kid, public }
    }

    /// The JWK Set with the public key.
    pub(super) fn jwks(&self) -> Value {
        json!({"keys": [self.public]})
    }

    /// A JWS (compact, ES256) of `claims`.
    pub(super) fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).expect("a JSON object signs with a valid ES256 key")
    }
}

impl SigningKey {
    /// The claims of a JWS this key signed for `issuer`, expired or not
    /// (an `id_token_hint` may be): `None` when it does not verify.
    pub(super) fn verified(&self, jws: &str, issuer: &str) -> Option<Value> {
        let mut validation = Validation::new(Algorithm::ES256);
        validation.set_issuer(&[issuer]);
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        jsonwebtoken::decode::<Value>(jws, self.decoding.as_ref()?, &validation).ok().map(|d| d.claims)
    }
}

/// `at_hash`: the left half of the token's SHA-256, base64url.
pub(super) fn token_hash(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(&Sha256::digest(token.as_bytes())[..16])
}

/// PKCE (RFC 7636): whether `verifier` answers `challenge` by `method`.
pub(super) fn pkce_matches(method: &str, challenge: &str, verifier: &str) -> bool {
    match method {
        "S256" => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge,
        "plain" => verifier == challenge,
        _ => false,
    }
}

/// A new credential: 32 random bytes, base64url.
pub(super) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_7636_example_verifier_matches_its_challenge() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert!(pkce_matches("S256", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", verifier));
        assert!(!pkce_matches("S256", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cX", verifier));
        assert!(pkce_matches("plain", verifier, verifier));
        assert!(!pkce_matches("S512", verifier, verifier));
    }

    #[test]
    fn tokens_are_fresh_and_url_safe() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }

    #[test]
    fn the_published_key_is_public_and_named_by_its_thumbprint() {
        let key = SigningKey::generate();
        let jwk = &key.jwks()["keys"][0];
        assert_eq!(
            (jwk["kty"].as_str(), jwk["crv"].as_str(), jwk["alg"].as_str()),
            (Some("EC"), Some("P-256"), Some("ES256"))
        );
        assert!(jwk.get("d").is_none(), "no private part: {jwk}");
        assert_eq!(jwk["kid"].as_str(), Some(key.kid.as_str()));
        let header = key.sign(&json!({"sub": "alice"})).split('.').next().map(str::to_string).unwrap();
        let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap();
        assert_eq!((header["alg"].as_str(), header["kid"].as_str()), (Some("ES256"), Some(key.kid.as_str())));
        let signed = key.sign(&json!({"iss": "https://op", "sub": "alice", "exp": 1}));
        assert_eq!(key.verified(&signed, "https://op").map(|c| c["sub"].clone()), Some(json!("alice")));
        assert!(key.verified(&signed, "https://other").is_none());
        assert!(SigningKey::generate().verified(&signed, "https://op").is_none(), "another key");
    }
}
