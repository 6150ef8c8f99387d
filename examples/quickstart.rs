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
//! With no `AUTHLETE_*` variables it runs against a stand-in of Authlete on
//! 127.0.0.1 (`authlete-mock`), so it needs no network or credentials. With
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
    let mut _stand_in = None;
    let authlete = match std::env::var_os(authlete::ENV_BASE_URL) {
        Some(_) => Authlete::from_env()?,
        None => {
            let mock = stand_in::start().await?;
            println!("No AUTHLETE_* variables: using a stand-in of Authlete at {}\n", mock.base_url());
            let client = mock.client();
            _stand_in = Some(mock);
            client
        }
    };
    let refresh_token = args.first().cloned().unwrap_or_else(|| "stand-in-refresh-token".into());
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
    Ok(())
}

/// Authlete's two answers of this flow, as the stand-in gives them.
mod stand_in {
    use authlete::operation::{auth_token, idtoken_reissue};
    use authlete_mock::{MockAuthlete, MockReply};

    pub async fn start() -> std::io::Result<MockAuthlete> {
        let mock = MockAuthlete::start().await?;
        mock.on::<auth_token::Builder>(
            auth_token::Success::builder()
                .result_code("A421001")
                // By wire name: older spec revisions lack this action, and the
                // example builds with them too.
                .action(auth_token::Action::from("ID_TOKEN_REISSUABLE"))
                .subject("alice")
                .access_token("Ra1bEk6mJ8vZ0gM7wVq2sXh3nLcT9oPyUdKfGiAe4Bw")
                .refresh_token("Q7pZc3xW9sLk2mN5vB8dJ1fH4gT6yR0uEaIoPqSxCz")
                .dpop_nonce("eyJ7S_zG.yH6Jh")
                .response_content(concat!(
                    r#"{"access_token":"Ra1bEk6mJ8vZ0gM7wVq2sXh3nLcT9oPyUdKfGiAe4Bw","token_type":"Bearer","#,
                    r#""expires_in":3600,"refresh_token":"Q7pZc3xW9sLk2mN5vB8dJ1fH4gT6yR0uEaIoPqSxCz"}"#
                )),
        );
        // The reissue answer depends on what the endpoint sent: the stand-in
        // signs nothing, it shows the claims it was given.
        mock.on_request::<idtoken_reissue::Builder>(|call| {
            let claims = call.body["claims"].as_str().unwrap_or("{}").to_string();
            let id_token = format!("eyJhbGciOiJub25lIn0.{}.", base64url(&claims));
            MockReply::json(
                200,
                &idtoken_reissue::Success::builder()
                    .result_code("A425001")
                    .action(idtoken_reissue::Action::Ok)
                    .id_token(id_token.clone())
                    .response_content(format!(
                        concat!(
                            r#"{{"access_token":"Ra1bEk6mJ8vZ0gM7wVq2sXh3nLcT9oPyUdKfGiAe4Bw","token_type":"Bearer","#,
                            r#""expires_in":3600,"refresh_token":"Q7pZc3xW9sLk2mN5vB8dJ1fH4gT6yR0uEaIoPqSxCz","#,
                            r#""id_token":"{}"}}"#
                        ),
                        id_token
                    ))
                    .build()
                    .expect("every field is set"),
            )
        });
        Ok(mock)
    }

    fn base64url(s: &str) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
    }
}
