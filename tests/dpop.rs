//! DPoP-bound service access tokens (feature `dpop`): the proof each
//! request carries, checked with jsonwebtoken against the key's public part,
//! and the one resend a `use_dpop_nonce` answer asks for.

mod support;

use std::time::{SystemTime, UNIX_EPOCH};

use authlete::{Authlete, DpopKey, Error, RetryConfig};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use support::{Reply, Server};

// Keys made for these tests only.
const ES256: &str = include_str!("keys/es256.jwk");
const EDDSA: &str = include_str!("keys/eddsa.jwk");
const RS256: &str = include_str!("keys/rs256.jwk");

const TOKEN: &str = "dpop-bound-token";

fn client(server: &Server, jwk: &str) -> Authlete {
    Authlete::builder()
        .base_url(&server.base_url)
        .service_id("1")
        .access_token(TOKEN)
        .dpop_key(DpopKey::from_jwk(jwk).unwrap())
        .retry(RetryConfig::disabled())
        .build()
        .unwrap()
}

fn reissued() -> Reply {
    Reply::json(200, json!({"action": "OK", "responseContent": "{}"}))
}

async fn reissue(c: &Authlete) -> Result<authlete::Response<authlete::idtoken::IdtokenReissueResponse>, Error> {
    c.idtoken_reissue().body_map(|b| b.access_token("at").refresh_token("rt")).send().await
}

/// The proof's header and claims, after checking its signature with the
/// public key its header carries.
fn verified(proof: &str) -> (jsonwebtoken::Header, Value) {
    let header = jsonwebtoken::decode_header(proof).unwrap();
    let jwk = header.jwk.clone().expect("the public key in the header");
    let mut validation = Validation::new(header.alg);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_aud = false;
    let claims = jsonwebtoken::decode::<Value>(proof, &DecodingKey::from_jwk(&jwk).unwrap(), &validation)
        .expect("a valid signature")
        .claims;
    (header, claims)
}

#[tokio::test]
async fn each_request_carries_a_proof_signed_with_the_keys_own_algorithm() {
    for (jwk, alg) in [(ES256, Algorithm::ES256), (EDDSA, Algorithm::EdDSA), (RS256, Algorithm::RS256)] {
        let server = Server::always(reissued()).await;
        let c = client(&server, jwk);
        reissue(&c).await.unwrap();
        reissue(&c).await.unwrap();
        let requests = server.requests();
        let mut jtis = Vec::new();
        for r in &requests {
            assert_eq!(r.header("authorization"), Some(format!("DPoP {TOKEN}").as_str()));
            let (header, claims) = verified(r.header("dpop").expect("a proof"));
            assert_eq!(header.alg, alg);
            assert_eq!(header.typ.as_deref(), Some("dpop+jwt"));
            let public = serde_json::to_value(header.jwk.unwrap()).unwrap();
            assert!(public.get("d").is_none() && public.get("p").is_none(), "{public}");
            assert_eq!(claims["htm"], "POST");
            assert_eq!(claims["htu"], format!("{}/api/1/idtoken/reissue", server.base_url));
            assert_eq!(claims["ath"], B64.encode(Sha256::digest(TOKEN)));
            let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
            assert!(claims["iat"].as_u64().unwrap().abs_diff(now) < 60, "{claims}");
            assert!(claims.get("nonce").is_none());
            jtis.push(claims["jti"].as_str().unwrap().to_string());
        }
        assert_ne!(jtis[0], jtis[1], "a fresh jti per proof");
    }
}

#[tokio::test]
async fn a_use_dpop_nonce_answer_gets_the_request_once_more_with_the_nonce() {
    let asks = Reply::empty(401)
        .with_header("www-authenticate", r#"DPoP error="use_dpop_nonce", error_description="nonce""#)
        .with_header("dpop-nonce", "n-1");
    let server = Server::sequence(vec![asks.clone(), reissued(), reissued()]).await;
    let c = client(&server, ES256);
    // A POST, with retries off: the server did not act on it.
    reissue(&c).await.unwrap();
    reissue(&c).await.unwrap();
    let nonces: Vec<_> =
        server.requests().iter().map(|r| verified(r.header("dpop").unwrap()).1.get("nonce").cloned()).collect();
    assert_eq!(nonces, [None, Some(json!("n-1")), Some(json!("n-1"))], "asked for, then kept");

    // Asked again after the nonce was sent: once per call, then the 401.
    let server = Server::always(asks).await;
    let e = reissue(&client(&server, ES256)).await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(server.count(), 2);
}

#[test]
fn a_key_that_cannot_sign_is_refused_without_quoting_it() {
    let mut public: Value = serde_json::from_str(ES256).unwrap();
    let d = public.as_object_mut().unwrap().remove("d").unwrap();
    let e = DpopKey::from_jwk(&public.to_string()).unwrap_err();
    assert!(e.to_string().contains("public key"), "{e}");

    let mut mismatched: Value = serde_json::from_str(EDDSA).unwrap();
    mismatched["x"] = json!(B64.encode([7u8; 32]));
    let e = DpopKey::from_jwk(&mismatched.to_string()).unwrap_err();
    assert!(e.to_string().contains("does not match"), "{e}");

    let mut wrong_alg: Value = serde_json::from_str(ES256).unwrap();
    wrong_alg["alg"] = json!("RS256");
    let e = DpopKey::from_jwk(&wrong_alg.to_string()).unwrap_err();
    assert!(!e.to_string().contains(d.as_str().unwrap()), "{e}");

    let key = DpopKey::from_jwk(ES256).unwrap();
    assert_eq!(key.algorithm(), "ES256");
    assert!(!format!("{key:?}").contains(d.as_str().unwrap()));
    assert_eq!(DpopKey::from_jwk(RS256).unwrap().algorithm(), "RS256");
    assert_eq!(DpopKey::from_jwk(EDDSA).unwrap().algorithm(), "EdDSA");
}
