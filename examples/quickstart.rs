//! The main job of an authorization server's token endpoint, end to end,
//! with the client alone: a refresh-token request → `/auth/token` answers
//! `ID_TOKEN_REISSUABLE` → `/idtoken/reissue` → the HTTP response for the
//! OAuth client. (`authlete-server`'s `TokenEndpoint` does all of this, and
//! the password grant, client authentication headers and strict mode.)
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! With no `AUTHLETE_*` variables it runs against `authlete-mock`'s fake of
//! Authlete on 127.0.0.1, so it needs no network or credentials; its ID
//! tokens are signed (ES256) and the quick start verifies the one it gets. With
//! `AUTHLETE_BASE_URL`, `AUTHLETE_SERVICE_APIKEY` and
//! `AUTHLETE_SERVICE_ACCESSTOKEN` set it talks to that service; then pass a
//! real refresh token (and `client_id:client_secret`) as arguments.

use authlete::answer::AuthleteAnswer;
use authlete::idtoken::IdtokenReissueRequest;
use authlete::Authlete;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Kept alive while the flow runs.
    let mut fake = None;
    let mut stand_in_refresh_token = None;
    let authlete = match std::env::var_os(authlete::ENV_BASE_URL) {
        Some(_) => Authlete::from_env()?,
        None => {
            let (stand_in, tokens) = stand_in::start().await?;
            println!(
                "No AUTHLETE_* variables: Authlete is played by authlete-mock's fake at {}\n",
                stand_in.base_url()
            );
            stand_in_refresh_token = tokens.refresh_token().map(str::to_string);
            let client = stand_in.client();
            fake = Some(stand_in);
            client
        }
    };
    let refresh_token = args.first().cloned().or(stand_in_refresh_token).unwrap_or_default();
    let client = args.get(1).cloned().unwrap_or_else(|| "my-client:my-secret".into());
    let (client_id, client_secret) = client.split_once(':').unwrap_or((client.as_str(), ""));

    // 1. What the OAuth client sent to the token endpoint goes to /auth/token.
    let parameters = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "refresh_token")
        .append_pair("refresh_token", &refresh_token)
        .finish();
    let token = authlete
        .auth_token()
        .body_map(|b| b.parameters(parameters).client_id(client_id).client_secret(client_secret))
        .send()
        .await?
        .into_inner();

    // 2. ID_TOKEN_REISSUABLE: reissue the ID token with the user's claims
    //    (your user store decides them from the grant's subject).
    let response = if token.action() == Some("ID_TOKEN_REISSUABLE") {
        let subject = token.subject.clone().unwrap_or_default();
        let mut claims = serde_json::Map::new();
        claims.insert("name".into(), format!("User {subject}").into());
        let request = IdtokenReissueRequest::from_token_response(&token)?.with_claims(&claims)?;
        let reissued = authlete.idtoken_reissue().body(request).send().await?;
        if reissued.is_reissued() {
            reissued.to_http_response()
        } else {
            // The new tokens without a new ID token: never drop them, the
            // refresh token may have been rotated.
            token.to_http_response()
        }
    } else {
        // 3. Any other answer: the response Authlete prepared.
        token.to_http_response()
    };

    // The HTTP response of the token endpoint.
    let response = response.with_dpop_nonce(token.dpop_nonce.as_deref());
    println!("HTTP/1.1 {}", response.status());
    for (name, value) in response.headers() {
        println!("{name}: {}", value.to_str().unwrap_or("<binary>"));
    }
    println!("\n{}", response.body());

    // On the fake, the ID token verifies with the service's JWK Set.
    let body: serde_json::Value = serde_json::from_str(response.body()).unwrap_or_default();
    if let (Some(fake), Some(id_token)) = (&fake, body["id_token"].as_str()) {
        let claims = stand_in::verify(fake, id_token)?;
        println!(
            "\nThe ID token verifies (ES256, the service's JWK Set): sub={} name={}",
            claims["sub"], claims["name"]
        );
    }
    Ok(())
}

/// Authlete, played by `authlete_mock`'s fake: a service that signs ID
/// tokens with its own ES256 key, one client, and tokens as if alice had
/// signed in to it with the scopes `openid profile`.
mod stand_in {
    use authlete_mock::{FakeAuthlete, FakeTokens};

    pub async fn start() -> std::io::Result<(FakeAuthlete, FakeTokens)> {
        let fake = FakeAuthlete::start("https://op.example").await?;
        let client = fake.add_client(
            authlete::types::Client::builder()
                .client_id_alias("my-client")
                .client_secret("my-secret")
                .redirect_uris(vec!["https://app.example/cb".to_string()]),
        );
        let tokens = fake.issue_tokens(client.client_id.unwrap_or_default(), "alice", &["openid", "profile"]);
        Ok((fake, tokens))
    }

    /// The claims of `id_token` if it verifies with the fake's JWK Set.
    pub fn verify(fake: &FakeAuthlete, id_token: &str) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
        let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(fake.jwks()["keys"][0].clone())?;
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
        validation.set_audience(&["my-client"]);
        validation.set_issuer(&["https://op.example"]);
        let key = jsonwebtoken::DecodingKey::from_jwk(&jwk)?;
        Ok(jsonwebtoken::decode::<serde_json::Value>(id_token, &key, &validation)?.claims)
    }
}
