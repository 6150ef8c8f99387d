//! The refresh-token flow of a token endpoint, end to end:
//! `/auth/token` answers `ID_TOKEN_REISSUABLE`, the server calls
//! `/idtoken/reissue` and sends the client its `responseContent`.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! With no `AUTHLETE_*` variables set it talks to a stand-in of Authlete that
//! it starts on 127.0.0.1 (no network needed). With `AUTHLETE_BASE_URL`,
//! `AUTHLETE_SERVICE_APIKEY` and `AUTHLETE_SERVICE_ACCESSTOKEN` set it talks
//! to that Authlete service; pass a real refresh token as the first argument.

use authlete::Authlete;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let authlete = match std::env::var_os(authlete::ENV_BASE_URL) {
        Some(_) => Authlete::from_env()?,
        None => {
            let base_url = stand_in::start().await?;
            println!("no AUTHLETE_* variables: using a stand-in of Authlete at {base_url}");
            Authlete::builder().base_url(base_url).service_id("715948317").access_token("stand-in-token").build()?
        }
    };
    let refresh_token = std::env::args().nth(1).unwrap_or_else(|| "stand-in-refresh-token".into());

    // 1. What the token endpoint received from the OAuth client, passed on.
    let form = format!("grant_type=refresh_token&refresh_token={refresh_token}");
    let token = authlete
        .auth_token_api()
        .body_map(|b| b.parameters(form).client_id(Some("my-client".into())).client_secret(Some("my-secret".into())))
        .send()
        .await?
        .into_inner();
    println!("/auth/token action: {:?}", token.action);

    // 2. ID_TOKEN_REISSUABLE: ask for a new ID token with the new tokens.
    // (Compared by wire value: older spec revisions do not list this action.)
    let action = token.action.as_ref().map(|a| a.as_str());
    let content = if action == Some("ID_TOKEN_REISSUABLE") {
        let access_token = token.jwt_access_token.clone().or(token.access_token.clone()).unwrap_or_default();
        let reissued = authlete
            .idtoken_reissue_api()
            .body_map(|b| b.access_token(access_token).refresh_token(token.refresh_token.clone().unwrap_or_default()))
            .send()
            .await?
            .into_inner();
        println!("/idtoken/reissue action: {:?}", reissued.action);
        match reissued.action.as_ref().map(|a| a.as_str()) {
            Some("OK") => reissued.response_content,
            // Fall back to /auth/token's own answer: still a valid token response.
            _ => token.response_content,
        }
    } else {
        token.response_content
    };

    // 3. The body of the token endpoint's HTTP 200 response.
    println!("token endpoint response:\n{}", content.unwrap_or_default());
    Ok(())
}

/// A stand-in of Authlete's two endpoints, answering with the crate's own types.
mod stand_in {
    use authlete::models::{IdtokenReissueResponse, IdtokenReissueResponseAction, TokenResponse};
    use axum::{routing::post, Json, Router};

    pub async fn start() -> std::io::Result<String> {
        let app = Router::new()
            .route("/api/{service_id}/auth/token", post(token))
            .route("/api/{service_id}/idtoken/reissue", post(reissue));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(url)
    }

    async fn token() -> Json<TokenResponse> {
        Json(TokenResponse {
            result_code: Some("A421001".into()),
            action: Some("ID_TOKEN_REISSUABLE".into()),
            access_token: Some("new-access-token".into()),
            refresh_token: Some("new-refresh-token".into()),
            response_content: Some(r#"{"access_token":"new-access-token","token_type":"Bearer","expires_in":3600,"refresh_token":"new-refresh-token"}"#.into()),
            ..Default::default()
        })
    }

    async fn reissue() -> Json<IdtokenReissueResponse> {
        Json(IdtokenReissueResponse {
            result_code: Some("A425001".into()),
            result_message: Some("[A425001] The ID token was reissued.".into()),
            action: Some(IdtokenReissueResponseAction::Ok),
            id_token: Some("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyIn0.".into()),
            response_content: Some(r#"{"access_token":"new-access-token","token_type":"Bearer","expires_in":3600,"refresh_token":"new-refresh-token","id_token":"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyIn0."}"#.into()),
            ..Default::default()
        })
    }
}
