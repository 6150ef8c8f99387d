//! A real OpenID relying party, the `openidconnect` crate, drives the
//! example provider (`examples/authorization_server.rs`) running on
//! `authlete_mock`'s fake: discovery, authorization code with PKCE and a
//! nonce, the token request, the ID token's ES256 signature and claims
//! verified against the served JWK Set, userinfo, a refresh whose reissued
//! ID token is verified again, the old refresh token refused, revocation,
//! and introspection that finds the token inactive. A failure names its
//! step.
//!
//! openidconnect's HTTP client here is reqwest 0.13 (the crate's own
//! `reqwest` feature would build reqwest 0.12 as well). oauth2 refuses to
//! revoke over `http://` (RFC 7009 requires TLS), so step 6 posts the RFC
//! 7009 request itself to the loopback provider.

#[path = "../examples/authorization_server.rs"]
#[allow(dead_code)]
mod example;

use std::error::Error as StdError;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthenticationFlow, CoreClaimName, CoreClaimType, CoreClient, CoreClientAuthMethod,
    CoreGrantType, CoreIdTokenClaims, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm,
    CoreJwsSigningAlgorithm, CoreResponseMode, CoreResponseType, CoreRevocableToken, CoreSubjectIdentifierType,
    CoreTokenType, CoreUserInfoClaims,
};
use openidconnect::url::{form_urlencoded, Url};
use openidconnect::{
    AccessTokenHash, AdditionalProviderMetadata, AsyncHttpClient, AuthType, AuthorizationCode, ClientId, ClientSecret,
    ConfigurationError, CsrfToken, DiscoveryError, ErrorResponse, HttpRequest, HttpResponse, IntrospectionUrl,
    IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, ProviderMetadata, RedirectUrl, RequestTokenError,
    RevocationUrl, Scope, TokenIntrospectionResponse, TokenResponse, UserInfoError,
};
use serde::{Deserialize, Serialize};

/// The provider auto-approves this user.
const EXPECTED_SUBJECT: &str = "alice";

// ---------------------------------------------------------------------------------------------
// Discovery metadata with the two RFC 7009 / RFC 7662 endpoints that core metadata lacks
// (same pattern as openidconnect-4.1.0/examples/google.rs `RevocationEndpointProviderMetadata`).
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct ExtraProviderMetadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introspection_endpoint: Option<String>,
}
impl AdditionalProviderMetadata for ExtraProviderMetadata {}

pub type TestProviderMetadata = ProviderMetadata<
    ExtraProviderMetadata,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

// ---------------------------------------------------------------------------------------------
// Async HTTP client for openidconnect backed by reqwest 0.13 (same shape as oauth2's own
// `impl AsyncHttpClient for reqwest::Client` in oauth2-5.0.0/src/reqwest_client.rs).
//   pub trait AsyncHttpClient<'c> { type Error: Error + 'static;
//       type Future: Future<Output = Result<HttpResponse, Self::Error>> + 'c;
//       fn call(&'c self, request: HttpRequest) -> Self::Future; }
// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
pub struct HttpError(String);
impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl StdError for HttpError {}

#[derive(Clone)]
pub struct ReqwestHttpClient(pub reqwest::Client);

impl<'c> AsyncHttpClient<'c> for ReqwestHttpClient {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            // http::Request<Vec<u8>> -> reqwest::Request (impl TryFrom<http::Request<T: Into<Body>>>)
            let request = reqwest::Request::try_from(request)
                .map_err(|e| HttpError(format!("cannot convert request: {}", chain(&e))))?;
            let response = self.0.execute(request).await.map_err(|e| HttpError(chain(&e)))?;
            let mut builder = openidconnect::http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let body = response.bytes().await.map_err(|e| HttpError(format!("reading body: {}", chain(&e))))?;
            builder.body(body.to_vec()).map_err(|e| HttpError(format!("building response: {e}")))
        })
    }
}

// ---------------------------------------------------------------------------------------------
// The driver
// ---------------------------------------------------------------------------------------------

pub async fn drive(issuer: &str, client_id: &str, client_secret: &str, redirect_uri: &str) -> Result<(), String> {
    // The crate's TLS set-up (no TLS is used on loopback, but reqwest
    // needs a provider to build a client).
    let rq = authlete::reqwest_client_builder()
        .map_err(|e| format!("setup: {e}"))?
        // Never follow redirects: step 2 must see the 302, and it's the SSRF advice in the docs.
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(Duration::from_secs(15))
        .build()
        .map_err(|e| format!("setup: building reqwest client: {}", chain(&e)))?;
    let http = ReqwestHttpClient(rq.clone());

    // ---- step 1: discovery (+ JWKS fetch, done by discover_async) -----------------------------
    let issuer_url = IssuerUrl::new(issuer.to_string())
        .map_err(|e| format!("step 1 (discovery): invalid issuer URL {issuer:?}: {e}"))?;
    // discover_async fetches {issuer}/.well-known/openid-configuration, requires the document's
    // "issuer" to equal `issuer` byte-for-byte, then fetches jwks_uri.
    let metadata = TestProviderMetadata::discover_async(issuer_url, &http)
        .await
        .map_err(|e| format!("step 1 (discovery): {}", discovery_err(&e)))?;
    if metadata.jwks().keys().is_empty() {
        return Err("step 1 (discovery): JWK Set has no usable keys (malformed keys are skipped silently)".into());
    }
    if !metadata.id_token_signing_alg_values_supported().contains(&CoreJwsSigningAlgorithm::EcdsaP256Sha256) {
        return Err(format!(
            "step 1 (discovery): id_token_signing_alg_values_supported lacks ES256: {:?}",
            metadata.id_token_signing_alg_values_supported()
        ));
    }
    let extra = metadata.additional_metadata().clone();
    let revocation_endpoint = extra
        .revocation_endpoint
        .ok_or_else(|| "step 1 (discovery): no revocation_endpoint in discovery document".to_string())?;
    let introspection_endpoint = extra
        .introspection_endpoint
        .ok_or_else(|| "step 1 (discovery): no introspection_endpoint in discovery document".to_string())?;
    let revocation_url = RevocationUrl::new(revocation_endpoint.clone())
        .map_err(|e| format!("step 1 (discovery): bad revocation_endpoint: {e}"))?;
    let introspection_url = IntrospectionUrl::new(introspection_endpoint)
        .map_err(|e| format!("step 1 (discovery): bad introspection_endpoint: {e}"))?;
    let redirect_url = RedirectUrl::new(redirect_uri.to_string())
        .map_err(|e| format!("setup: bad redirect_uri {redirect_uri:?}: {e}"))?;

    // Typestate: from_provider_metadata gives <AuthUrl=Set, DeviceAuth=NotSet, Introspection=NotSet,
    // Revocation=NotSet, Token=MaybeSet, UserInfo=MaybeSet>. The two setters below flip
    // Introspection/Revocation to EndpointSet. The token/userinfo methods therefore return Result.
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(client_id.to_string()),
        Some(ClientSecret::new(client_secret.to_string())),
    )
    // BasicAuth is already oauth2's default (client_secret_basic). Set it here so the choice is visible.
    .set_auth_type(AuthType::BasicAuth)
    .set_redirect_uri(redirect_url)
    .set_revocation_url(revocation_url)
    .set_introspection_url(introspection_url);

    // client.id_token_verifier() already allows exactly the discovered
    // id_token_signing_alg_values_supported. The stand-alone IdTokenVerifier::new_* default is
    // RS256 only. Pin ES256 explicitly anyway so an RS256 token fails the test.
    // Default verifier: exp checked against now with NO leeway; iat not checked; auth_time, acr
    // and azp not required. Add a sanity check that iat isn't in the future (60 s skew).
    let verifier = client
        .id_token_verifier()
        .set_allowed_algs(vec![CoreJwsSigningAlgorithm::EcdsaP256Sha256])
        .set_issue_time_verifier_fn(|iat| {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
            if iat.timestamp() > now + 60 {
                Err(format!("iat {} is in the future (now {now})", iat.timestamp()))
            } else {
                Ok(())
            }
        });

    // ---- step 2: authorization request (PKCE S256, state, nonce) -----------------------------
    let (pkce_challenge, pkce_verifier) = PkceCodeChallenge::new_random_sha256();
    // "openid" is added automatically by openidconnect (use_openid_scope defaults to true).
    let (auth_url, csrf_token, nonce) = client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .add_scope(Scope::new("profile".to_string()))
        .add_scope(Scope::new("email".to_string()))
        .set_pkce_challenge(pkce_challenge)
        .url();

    let resp = rq
        .get(auth_url.as_str())
        .send()
        .await
        .map_err(|e| format!("step 2 (authorize): GET {auth_url}: {}", chain(&e)))?;
    if resp.status() != reqwest::StatusCode::FOUND {
        let status = resp.status();
        let body = resp.bytes().await.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
        return Err(format!("step 2 (authorize): expected 302, got {status}: {body}"));
    }
    let location = resp
        .headers()
        .get(reqwest::header::LOCATION)
        .ok_or_else(|| "step 2 (authorize): 302 without Location header".to_string())?
        .to_str()
        .map_err(|e| format!("step 2 (authorize): non-ASCII Location header: {e}"))?
        .to_string();
    let location = auth_url
        .join(&location) // also accepts a relative Location
        .map_err(|e| format!("step 2 (authorize): unparsable Location {location:?}: {e}"))?;
    let expected_redirect =
        Url::parse(redirect_uri).map_err(|e| format!("setup: bad redirect_uri {redirect_uri:?}: {e}"))?;
    if (location.scheme(), location.host_str(), location.port_or_known_default(), location.path())
        != (
            expected_redirect.scheme(),
            expected_redirect.host_str(),
            expected_redirect.port_or_known_default(),
            expected_redirect.path(),
        )
    {
        return Err(format!("step 2 (authorize): redirected to {location}, expected the redirect_uri {redirect_uri}"));
    }
    let params: Vec<(String, String)> = location.query_pairs().into_owned().collect();
    let param = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    if let Some(err) = param("error") {
        return Err(format!(
            "step 2 (authorize): provider returned error={err} error_description={:?}",
            param("error_description")
        ));
    }
    let state = param("state").ok_or_else(|| format!("step 2 (authorize): no state in redirect {location}"))?;
    if state != *csrf_token.secret() {
        return Err(format!("step 2 (authorize): state mismatch: sent {:?}, got {state:?}", csrf_token.secret()));
    }
    // RFC 9207: if the provider sends `iss` on the authorization response, it must match.
    if let Some(iss) = param("iss") {
        if iss != issuer {
            return Err(format!("step 2 (authorize): iss parameter {iss:?} != issuer {issuer:?}"));
        }
    }
    let code = param("code").ok_or_else(|| format!("step 2 (authorize): no code in redirect {location}"))?;

    // ---- step 3: token exchange + ID token verification --------------------------------------
    // 4.x: exchange_code(..) -> Result<CodeTokenRequest, ConfigurationError> (token URL is MaybeSet).
    let token_response = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| format!("step 3 (token): {e}"))?
        .set_pkce_verifier(pkce_verifier)
        .request_async(&http)
        .await
        .map_err(|e| format!("step 3 (token): {}", token_err(e)))?;
    if *token_response.token_type() != CoreTokenType::Bearer {
        return Err(format!("step 3 (token): token_type is {:?}, expected Bearer", token_response.token_type()));
    }
    let id_token =
        token_response.id_token().ok_or_else(|| "step 3 (token): token response has no id_token".to_string())?;
    // Checks: typ (if any), iss == issuer (exact string), aud contains client_id (no untrusted
    // extra aud), alg in allowed set, signature with the JWKS key (kid/alg/use filtered), exp, iat fn, nonce.
    let claims = id_token.claims(&verifier, &nonce).map_err(|e| format!("step 3 (id_token): {}", chain(&e)))?;
    check_id_token_claims("step 3 (id_token)", claims, issuer, client_id)?;
    let id_token_claims_name = claims.name().and_then(|n| n.get(None)).map(|n| n.as_str().to_owned());
    let id_token_claims_email = claims.email().map(|e| e.as_str().to_owned());
    if id_token_claims_name.is_none() {
        return Err("step 3 (id_token): no `name` claim although scope profile was granted".into());
    }
    if id_token_claims_email.is_none() {
        return Err("step 3 (id_token): no `email` claim although scope email was granted".into());
    }
    if let Some(expected) = claims.access_token_hash() {
        let alg = id_token.signing_alg().map_err(|e| format!("step 3 (at_hash): {e}"))?;
        let key = id_token.signing_key(&verifier).map_err(|e| format!("step 3 (at_hash): {e}"))?;
        let actual = AccessTokenHash::from_token(token_response.access_token(), alg, key)
            .map_err(|e| format!("step 3 (at_hash): {e}"))?;
        if actual != *expected {
            return Err(format!(
                "step 3 (at_hash): at_hash {:?} does not match the access token (computed {:?})",
                expected.as_str(),
                actual.as_str()
            ));
        }
    } else {
        return Err("step 3 (at_hash): the ID token has no at_hash".into());
    }
    let granted_scopes: Vec<String> =
        token_response.scopes().map(|v| v.iter().map(|s| s.as_str().to_owned()).collect()).unwrap_or_default();
    if ["openid", "profile", "email"].iter().any(|s| !granted_scopes.iter().any(|g| g == s)) {
        return Err(format!("step 3 (token): granted scopes {granted_scopes:?}"));
    }
    let subject = claims.subject().as_str().to_owned();
    let auth_time = claims.auth_time().map(|t| t.timestamp());
    if auth_time.is_none() {
        return Err("step 3 (id_token): no auth_time".into());
    }

    // ---- step 4: userinfo ---------------------------------------------------------------------
    // Passing Some(expected_subject) makes the library reject a different `sub`.
    let userinfo: CoreUserInfoClaims = client
        .user_info(token_response.access_token().clone(), Some(claims.subject().clone()))
        .map_err(|e| format!("step 4 (userinfo): {e}"))?
        .request_async(&http)
        .await
        .map_err(|e| format!("step 4 (userinfo): {}", userinfo_err(&e)))?;
    if userinfo.subject().as_str() != subject {
        return Err(format!("step 4 (userinfo): sub {:?} != ID token sub {subject:?}", userinfo.subject().as_str()));
    }
    let userinfo_name = userinfo.name().and_then(|n| n.get(None)).map(|n| n.as_str().to_owned());
    let userinfo_email = userinfo.email().map(|e| e.as_str().to_owned());
    if (&userinfo_name, &userinfo_email) != (&id_token_claims_name, &id_token_claims_email) {
        return Err(format!(
            "step 4 (userinfo): name and email {userinfo_name:?} {userinfo_email:?} differ from the ID token's"
        ));
    }

    // ---- step 5: refresh (rotation) ------------------------------------------------------------
    let old_refresh = token_response
        .refresh_token()
        .cloned()
        .ok_or_else(|| "step 5 (refresh): code-grant response has no refresh_token".to_string())?;
    let refreshed = client
        .exchange_refresh_token(&old_refresh)
        .map_err(|e| format!("step 5 (refresh): {e}"))?
        .request_async(&http)
        .await
        .map_err(|e| format!("step 5 (refresh): {}", token_err(e)))?;
    let new_id_token =
        refreshed.id_token().ok_or_else(|| "step 5 (refresh): refresh response has no id_token".to_string())?;
    // A reissued ID token normally has no nonce. If one is present it must be the original.
    let refreshed_claims = new_id_token
        .claims(&verifier, |n: Option<&Nonce>| -> Result<(), String> {
            match n {
                None => Ok(()),
                Some(n) if n.secret() == nonce.secret() => Ok(()),
                Some(_) => Err("refreshed ID token has a nonce different from the original".into()),
            }
        })
        .map_err(|e| format!("step 5 (refreshed id_token): {}", chain(&e)))?;
    check_id_token_claims("step 5 (refreshed id_token)", refreshed_claims, issuer, client_id)?;
    if refreshed_claims.subject().as_str() != subject {
        return Err(format!(
            "step 5 (refreshed id_token): sub {:?} != original sub {subject:?}",
            refreshed_claims.subject().as_str()
        ));
    }
    // OpenID Connect Core 12.2: a refreshed ID token keeps the authentication time.
    let refreshed_auth_time = refreshed_claims.auth_time().map(|t| t.timestamp());
    if refreshed_auth_time != auth_time {
        return Err(format!("step 5 (refreshed id_token): auth_time {refreshed_auth_time:?}, was {auth_time:?}"));
    }
    let new_refresh = refreshed
        .refresh_token()
        .ok_or_else(|| "step 5 (refresh): refresh response has no new refresh_token".to_string())?;
    let refresh_token_rotated = new_refresh.secret() != old_refresh.secret();
    if !refresh_token_rotated {
        return Err("step 5 (refresh): refresh_token was not rotated (same value returned)".into());
    }
    // Replay the OLD refresh token: must be rejected.
    let replay = client
        .exchange_refresh_token(&old_refresh)
        .map_err(|e| format!("step 5 (refresh replay): {e}"))?
        .request_async(&http)
        .await;
    match replay {
        Ok(_) => return Err("step 5 (refresh replay): the OLD refresh token was accepted again".into()),
        Err(RequestTokenError::ServerResponse(r)) if r.error().to_string() == "invalid_grant" => {}
        Err(e) => return Err(format!("step 5 (refresh replay): not invalid_grant: {}", token_err(e))),
    }

    // ---- step 6: revoke the current access token (the one from the refresh) ------------------
    let current_access = refreshed.access_token().clone();
    let active = client
        .introspect(&current_access)
        .set_token_type_hint("access_token")
        .request_async(&http)
        .await
        .map_err(|e| format!("step 6 (introspect before revoke): {}", token_err(e)))?
        .active();
    if !active {
        return Err("step 6 (introspect before revoke): the current access token is inactive".into());
    }
    match client.revoke_token(CoreRevocableToken::AccessToken(current_access.clone())) {
        Ok(request) => {
            request.request_async(&http).await.map_err(|e| format!("step 6 (revoke): {}", token_err(e)))?;
        }
        // oauth2 refuses non-https revocation endpoints (RFC 7009 "MUST be HTTPS").
        Err(ConfigurationError::InsecureUrl(_)) => {
            revoke_manually(
                &rq,
                &revocation_endpoint,
                client_id,
                client_secret,
                current_access.secret(),
                "access_token",
            )
            .await
            .map_err(|e| format!("step 6 (revoke, manual RFC 7009 POST): {e}"))?;
        }
        Err(e) => return Err(format!("step 6 (revoke): {e}")),
    }

    // ---- step 7: introspect the revoked token ------------------------------------------------
    let introspection = client
        .introspect(&current_access)
        .set_token_type_hint("access_token")
        .request_async(&http)
        .await
        .map_err(|e| format!("step 7 (introspect): {}", token_err(e)))?;
    if introspection.active() {
        return Err("step 7 (introspect): revoked access token is still active".into());
    }

    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Checks that the verifier already did, or that it does not do at all.
fn check_id_token_claims(step: &str, claims: &CoreIdTokenClaims, issuer: &str, client_id: &str) -> Result<(), String> {
    if claims.subject().as_str() != EXPECTED_SUBJECT {
        return Err(format!("{step}: sub is {:?}, expected {EXPECTED_SUBJECT:?}", claims.subject().as_str()));
    }
    if claims.issuer().as_str() != issuer {
        return Err(format!("{step}: iss {:?} != {issuer:?}", claims.issuer().as_str()));
    }
    if !claims.audiences().iter().any(|a| a.as_str() == client_id) {
        return Err(format!("{step}: aud does not contain {client_id:?}"));
    }
    // The library doesn't check azp at all. If present it must be our client_id.
    if let Some(azp) = claims.authorized_party() {
        if azp.as_str() != client_id {
            return Err(format!("{step}: azp {:?} != {client_id:?}", azp.as_str()));
        }
    }
    Ok(())
}

/// RFC 7009 revocation by hand (client_secret_basic, credentials form-urlencoded first per
/// RFC 6749 §2.3.1, like oauth2's endpoint_request does). reqwest 0.13's `.form()` sits behind
/// its "form" feature, so the body is encoded with `url::form_urlencoded`.
async fn revoke_manually(
    rq: &reqwest::Client,
    url: &str,
    client_id: &str,
    client_secret: &str,
    token: &str,
    hint: &str,
) -> Result<(), String> {
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("token", token)
        .append_pair("token_type_hint", hint)
        .finish();
    let user: String = form_urlencoded::byte_serialize(client_id.as_bytes()).collect();
    let pass: String = form_urlencoded::byte_serialize(client_secret.as_bytes()).collect();
    let resp = rq
        .post(url)
        .basic_auth(user, Some(pass))
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(reqwest::header::ACCEPT, "application/json")
        .body(body)
        .send()
        .await
        .map_err(|e| chain(&e))?;
    let status = resp.status();
    if status != reqwest::StatusCode::OK {
        let text = resp.bytes().await.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
        return Err(format!("HTTP {status}: {text}"));
    }
    Ok(())
}

/// "outer: cause: cause ..." from an error's source() chain.
fn chain(e: &(dyn StdError + 'static)) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

fn token_err<RE, T>(e: RequestTokenError<RE, T>) -> String
where
    RE: StdError + 'static,
    T: ErrorResponse + 'static,
{
    match e {
        RequestTokenError::ServerResponse(r) => format!("server returned error response: {r}"),
        RequestTokenError::Parse(pe, body) => {
            format!("failed to parse server response: {pe}; body: {}", String::from_utf8_lossy(&body))
        }
        other => chain(&other),
    }
}

fn discovery_err(e: &DiscoveryError<HttpError>) -> String {
    match e {
        DiscoveryError::Response(status, body, msg) => {
            format!("{msg} (HTTP {status}; body: {})", String::from_utf8_lossy(body))
        }
        other => chain(other),
    }
}

fn userinfo_err(e: &UserInfoError<HttpError>) -> String {
    match e {
        UserInfoError::Response(status, body, msg) => {
            format!("{msg} (HTTP {status}; body: {})", String::from_utf8_lossy(body))
        }
        other => chain(other),
    }
}

#[tokio::test]
async fn an_openid_client_verifies_the_example_provider_on_the_fake() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let fake = example::start_fake(&issuer).await.unwrap();
    let provider = std::sync::Arc::new(example::Provider::new(fake.client(), issuer.clone()));
    tokio::spawn(async move { axum::serve(listener, example::router(provider)).await });
    if let Err(failure) = drive(&issuer, example::CLIENT_ID, example::CLIENT_SECRET, example::REDIRECT_URI).await {
        panic!("{failure}");
    }
    // The provider's answers came from the fake's world, not from a script.
    let reissued = fake.calls_to::<authlete::operation::idtoken_reissue::Builder>();
    assert_eq!(reissued.len(), 1);
    assert_eq!(reissued[0].response["action"], "OK");
}
