//! A token endpoint in axum, built on `authlete_server::TokenEndpoint`.
//!
//! ```sh
//! cargo run -p authlete-server --example token_endpoint --features axum            # one demo request, then exit
//! cargo run -p authlete-server --example token_endpoint --features axum -- --serve # keep serving on 127.0.0.1:8080
//! ```
//!
//! Without `AUTHLETE_*` variables it uses the stand-in `authlete_mock`.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;

use authlete::operation::{auth_token, idtoken_reissue};
use authlete::{Authlete, EndpointResponse};
use authlete_mock::MockAuthlete;
use authlete_server::{ClientRequest, TokenEndpoint};

/// POST /token
async fn token(
    State(endpoint): State<TokenEndpoint>,
    headers: HeaderMap,
    body: String,
) -> Result<EndpointResponse, authlete_server::Error> {
    let input = ClientRequest::from_http(&headers, body, Some("http://127.0.0.1:8080/token"));
    endpoint.handle(input).await
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let serve = std::env::args().any(|a| a == "--serve");
    let mut _mock = None;
    let authlete = match std::env::var_os(authlete::ENV_BASE_URL) {
        Some(_) => Authlete::from_env()?,
        None => {
            let mock = MockAuthlete::start().await?;
            mock.on::<auth_token::Builder>(
                auth_token::Success::builder()
                    // By wire name: older spec revisions lack this action, and the
                    // example builds with them too.
                    .action(auth_token::Action::from("ID_TOKEN_REISSUABLE"))
                    .access_token("at")
                    .refresh_token("rt")
                    .subject("alice")
                    .response_content(r#"{"access_token":"at","refresh_token":"rt"}"#),
            );
            mock.on::<idtoken_reissue::Builder>(
                idtoken_reissue::Success::builder()
                    .action(idtoken_reissue::Action::Ok)
                    .response_content(r#"{"access_token":"at","refresh_token":"rt","id_token":"eyJ"}"#),
            );
            let client = mock.client();
            _mock = Some(mock);
            client
        }
    };
    let endpoint = TokenEndpoint::new(authlete);
    let app = Router::new().route("/token", post(token)).with_state(endpoint);
    let addr = if serve { "127.0.0.1:8080" } else { "127.0.0.1:0" };
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let url = format!("http://{}/token", listener.local_addr()?);
    if serve {
        println!("token endpoint on {url}");
        axum::serve(listener, app).await?;
        return Ok(());
    }
    tokio::spawn(async move { axum::serve(listener, app).await });
    let response = authlete::reqwest_client_builder()?
        .build()?
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=refresh_token&refresh_token=rt")
        .send()
        .await?;
    println!("POST {url} → {}", response.status());
    println!("cache-control: {:?}", response.headers().get("cache-control"));
    println!("{}", response.text().await?);
    Ok(())
}
