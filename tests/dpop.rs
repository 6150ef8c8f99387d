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
const ES256: &str = r#"{"kty": "EC", "crv": "P-256", "x": "eA-ZrJ355M5TWEa3Zsc6ly23gXFUpu0V60K3QHcUxTU", "y": "kjcUkVKNXzyKIHmsftHyx0PR_4FgRVVfRNXGJOryeSU", "d": "9Q0U_hbqLbRLBDxC72oGoebt_JCxGB1uRECrusmSr0s"}"#;
const EDDSA: &str = r#"{"kty": "OKP", "crv": "Ed25519", "x": "OFcGTNNz1XCoogSWD7CW_B8LeLJ8nHneepTwXAFKVfU", "d": "7eJJ4qi0nz18K7SgSfoJY_KD-bLSbXoX0lsl0lRToBU"}"#;
const RS256: &str = r#"{"kty": "RSA", "n": "qtXpnNbhLsFmb4EjCKd77NpYM8NVWYw76y7alamq3ecLRT9OF6nhg3cv8RglxUzcdx3GMokrt3din1fMmH37xIKoiLb1iXrc2YH_P4_O8rru0pqyDY_S4Jasnjvj4beZ99tisyomXiCLQa-Lh2SIJqh7UHdH7SCHkpu_TiX0eFRFLodrslWNGLJ_LLo85Z53mQta9JiDRIt6c0n7SkBe4MqbSz-z96MLq0a1WtC0ezpMtbe_MM6mqYgXTfBT4kC6Oj2idOwkwuAHBX92WNzkcQIMzQjB2sq9sSsGgfbY5MEoO_wVqhuZfyOr0hlXz0jvUq6x31uj3KWR9pE1OHm7fw", "e": "AQAB", "d": "UK21WULufAym087cCYcPTEw39Qb9-v-MGWvtm8CepGCScgfzjJ_HlAHPVYz4SYIcnCSNKLcFoYXZwM02HzSTZVRPQ3S95xXSNuZ6i3B4mFyv01_U6fkb6sGkKkmE1WEs1ZRGIiOsLi4wYrtrEAXqRr3kS5wJdXM0LSJgtm3P7QMX-NZvDojjzgO6eA_G378neEL_FQexda8wkOXC6I6XQpEC1EVNnJp5M5ApqeduKPG6sb_EU8p5S00FvNgmDuCIqOr4w4YnrTpX-tSIa3hjKfU3KLHpvgXZxKPHVNlgMCb69DeCNJhS7JGGaZaLhKE4piTdNk2N2BXn2Tg2OJml", "p": "7vuF2ZdVelY3HUg1uZ5EAqMn3Gc5bqnSdc4iVx92sa1pbC3Q5uo_Gaq65NDH3MO4XqTRsErR1i4zCosAYzfEaHCevRpmlMxJydl56blR-1GsaTSzfFJgPHbuBaTUiJVnzEji285Prz-2qIMGBavRBpKtgaqGJhJhOiZGul0CFAM", "q": "twAe_a8TqrWOXoofoAAoNqwq7JEgdMInqAGAumNI791KKkELbIicuXS3go9mBfQe2yOT-6324haYWYsbYHZXfi0IEQMUc2BIsnZmSj21qwI6yoVBANk6B7Rvgu-1diIwIsPirMoAk9Cy_x1JniReaphFIXok96fhWkhMC9ERB9U", "dp": "u8Rbsk65FlnPC-7EZ4b2IKxYkU95TH2Zon3HdXR_KbL6dci5rfS2h1Ahb86qecY9gf810bG3lPTPnaUBNPOIGhcCYcnwd1DbWQDKTN0SkMfnEvIZY8DFZDx9X2nWo0ngOB28QL-k1CjXNyda__GzVdrBAHQe2qLuSWXxhFO3Ykk", "dq": "nEfeL4d0pDSogNQ0bc-0h_xALAdEUHH-q9ucs5BWmYHB9JPXzbhdH4Qts7ICztLMBxk7J5RJYospUE8b8iUeUwLiAKVAscdoTgAPGxfYLVKaIpnqCW95v1q4YHmV3m0T7pya2DUqiRGRy4yXchZdC2s-nnhRWa5lJVTYnL7ObIE", "qi": "UCs-kYJlUW_yVMieEnaIq8b_iUkuq5PRWrXs6qmQyeNC5DTGZc3eobfs7pOL2D0dnwEI8FJpykM2SeZeYJ3KR0n8TnLVHIMkOkGF2_JzRwZe_k_nm2YZgwlI_I5hs_JLY9giQD5kJ9bhVlDkdZj2A68mWb2Ty0CvYfihGEixl8U"}"#;

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
