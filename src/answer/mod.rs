//! Every Authlete answer of the protocol APIs becomes an HTTP response.
//!
//! Authlete's protocol APIs answer with an `action` and a `responseContent`
//! that the authorization server turns into its own response. Every
//! generated type with those two fields implements [`AuthleteAnswer`] (a
//! rule of the generator, not a list), and [`AuthleteAnswer::next`] applies
//! one mapping to all of them:
//!
//! | action | HTTP response |
//! |---|---|
//! | `OK`, `UPDATED`, `JSON` | 200, `responseContent` as the JSON body — or, for OpenID Federation's answers (operations under a `federation` path segment), as `application/entity-statement+jwt` |
//! | `ID_TOKEN_REISSUABLE` | 200, `responseContent` as the JSON body: the new tokens without a new ID token (call `/idtoken/reissue` first for one) |
//! | `CREATED` | 201, JSON body |
//! | `ACCEPTED` | 202, JSON body |
//! | `NO_CONTENT`, `DELETED` | 204, no body |
//! | `BAD_REQUEST`, `UNAUTHORIZED`, `FORBIDDEN`, `NOT_FOUND`, `PAYLOAD_TOO_LARGE`, `INTERNAL_SERVER_ERROR` | 400, 401, 403, 404, 413, 500 with the JSON body — or, for a protected resource (userinfo, introspection for resource servers, grant management), an empty body and `WWW-Authenticate: <responseContent>` |
//! | `INVALID_CLIENT` | 401 with `WWW-Authenticate: Basic realm="..."` when the client used HTTP Basic, else 400; JSON body. A client endpoint's `UNAUTHORIZED` (device authorization, CIBA) gets the same challenge after HTTP Basic |
//! | `LOCATION` | 302, `Location: <responseContent>` (the redirect back to the client) |
//! | `FORM` | 200, `responseContent` as an HTML page (the auto-submitting form of `response_mode=form_post`) |
//! | `JWT` | 200, `responseContent` as a JWT: `application/jwt`, or `application/token-introspection+jwt` for introspection (RFC 9701) |
//! | `CALLER_ERROR`, `AUTHLETE_ERROR`, `SERVER_ERROR` | 500 with a generic `server_error` body: the detail is a bug on our side or Authlete's, not something the client can use |
//! | `INTERACTION`, `NO_INTERACTION`, `USER_IDENTIFICATION`, `PASSWORD`, `TOKEN_EXCHANGE`, `JWT_BEARER`, `NATIVE_SSO`, `INVALID_TICKET`, `NO_ACTION`, `NOTIFICATION`; `OK` of a protected resource | [`Next::App`]: the server's own logic decides (user interaction, a grant it handles, serving the resource) |
//! | an action this version does not know | 500 `server_error`, and a `tracing` warning |
//!
//! Every response carries `Cache-Control: no-store` and `Pragma: no-cache`,
//! and `DPoP-Nonce` when the answer has one.
//!
//! [`AuthleteAnswer::to_http_response`] is the same mapping for a caller
//! with no logic of its own: `Next::App` becomes a generic 500 (the
//! endpoint helpers of `authlete-server` handle those actions).

use http::header::{HeaderValue, LOCATION};
use http::StatusCode;

mod response;

pub use response::{EndpointResponse, INVALID_CLIENT_BODY, JSON_UTF8, SERVER_ERROR_BODY, UNSUPPORTED_GRANT_TYPE_BODY};

/// An answer of Authlete's protocol APIs (`action` + `responseContent`).
/// Implemented by the generator for every such type of the spec.
pub trait AuthleteAnswer {
    /// Whether the answer is about a protected resource: its error
    /// `responseContent` is a `WWW-Authenticate` challenge.
    const CHALLENGE: bool;
    /// The media type of a `JWT` answer.
    const JWT_MEDIA_TYPE: &'static str;
    /// The media type of a success's content when it is not JSON (OpenID
    /// Federation's entity statements: `application/entity-statement+jwt`).
    const SUCCESS_MEDIA_TYPE: Option<&'static str> = None;
    /// The actions the spec lists for this type.
    const ACTIONS: &'static [&'static str];
    /// The action, as sent on the wire.
    fn action(&self) -> Option<&str>;
    /// `responseContent`.
    fn response_content(&self) -> Option<&str>;
    /// `dpopNonce`, where the type has it.
    fn dpop_nonce(&self) -> Option<&str>;

    /// What to do with this answer: the HTTP response to send, or the
    /// server's own logic.
    ///
    /// ```
    /// use authlete::answer::{AuthleteAnswer, Next};
    /// use authlete::operation::pushed_auth_req;
    /// let created = pushed_auth_req::Success::builder()
    ///     .action(pushed_auth_req::Action::Created)
    ///     .response_content(r#"{"request_uri":"urn:x","expires_in":60}"#)
    ///     .build()?;
    /// let Next::Respond(r) = created.next() else { unreachable!() };
    /// assert_eq!(r.status(), 201);
    /// # Ok::<(), authlete::types::error::ConversionError>(())
    /// ```
    fn next(&self) -> Next {
        next(self, None)
    }

    /// [`next`](Self::next) for an endpoint the client authenticates to:
    /// `INVALID_CLIENT` (and a client endpoint's `UNAUTHORIZED`) is a 401
    /// with a Basic challenge when the client tried HTTP Basic, and
    /// otherwise a 400 (RFC 6749 §5.2), since a 401 must carry a challenge
    /// (RFC 9110 §15.5.2).
    fn next_after_client_auth(&self, client_used_basic: bool) -> Next {
        next(self, Some(client_used_basic))
    }

    /// The HTTP response for this answer, when the caller has no logic of
    /// its own: [`next`](Self::next), with [`Next::App`] as a generic
    /// `500 server_error` (and a `tracing` warning naming the action).
    ///
    /// ```
    /// use authlete::{answer::AuthleteAnswer, operation::idtoken_reissue};
    /// let ok = idtoken_reissue::Success::builder().action(idtoken_reissue::Action::Ok).response_content(r#"{"id_token":"eyJ"}"#).build()?;
    /// assert_eq!(ok.to_http_response().status(), 200);
    /// let caller_error = idtoken_reissue::Success::builder().action(idtoken_reissue::Action::CallerError).build()?;
    /// assert_eq!(caller_error.to_http_response().body(), authlete::answer::SERVER_ERROR_BODY);
    /// # Ok::<(), authlete::types::error::ConversionError>(())
    /// ```
    fn to_http_response(&self) -> EndpointResponse {
        self.next().or_server_error()
    }
}

/// What an answer asks of the server.
#[derive(Debug, Clone)]
pub enum Next {
    /// Send this response.
    Respond(EndpointResponse),
    /// The server's own logic decides; the action that says so.
    App(String),
}

impl Next {
    /// The response to send when the caller has no logic for the answer:
    /// [`Next::App`] becomes a generic `500 server_error`, with a `tracing`
    /// warning naming the action.
    ///
    /// ```
    /// use authlete::answer::Next;
    /// assert_eq!(Next::App("PASSWORD".into()).or_server_error().status(), 500);
    /// ```
    pub fn or_server_error(self) -> EndpointResponse {
        match self {
            Next::Respond(r) => r,
            Next::App(action) => {
                #[cfg(feature = "tracing")]
                tracing::warn!(target: "authlete", action, "an action with no logic to handle it: answering 500");
                #[cfg(not(feature = "tracing"))]
                let _ = action;
                EndpointResponse::server_error()
            }
        }
    }
}

/// How an action becomes a response (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mapping {
    /// This status, with the content as the body (or, for a protected
    /// resource's error, as `WWW-Authenticate`).
    Status(u16),
    /// 204 without a body.
    NoContent,
    /// 401 with a Basic challenge or 400.
    InvalidClient,
    /// 500 with a generic body.
    ServerError,
    /// 302 to the content.
    Location,
    /// 200 with the content as HTML.
    Form,
    /// 200 with the content as a JWT.
    Jwt,
    /// The server's own logic.
    App,
}

/// The mapping of `action`; `None` for an action this version does not know.
pub fn mapping(action: &str) -> Option<Mapping> {
    Some(match action {
        "OK" | "UPDATED" | "JSON" | "ID_TOKEN_REISSUABLE" => Mapping::Status(200),
        "CREATED" => Mapping::Status(201),
        "ACCEPTED" => Mapping::Status(202),
        "NO_CONTENT" | "DELETED" => Mapping::NoContent,
        "BAD_REQUEST" => Mapping::Status(400),
        "UNAUTHORIZED" => Mapping::Status(401),
        "FORBIDDEN" => Mapping::Status(403),
        "NOT_FOUND" => Mapping::Status(404),
        "PAYLOAD_TOO_LARGE" => Mapping::Status(413),
        "INTERNAL_SERVER_ERROR" => Mapping::Status(500),
        "INVALID_CLIENT" => Mapping::InvalidClient,
        "CALLER_ERROR" | "AUTHLETE_ERROR" | "SERVER_ERROR" => Mapping::ServerError,
        "LOCATION" => Mapping::Location,
        "FORM" => Mapping::Form,
        "JWT" => Mapping::Jwt,
        "INTERACTION"
        | "NO_INTERACTION"
        | "USER_IDENTIFICATION"
        | "PASSWORD"
        | "TOKEN_EXCHANGE"
        | "JWT_BEARER"
        | "NATIVE_SSO"
        | "INVALID_TICKET"
        | "NO_ACTION"
        | "NOTIFICATION" => Mapping::App,
        _ => return None,
    })
}

/// `client_used_basic`: `None` where no client authenticates, otherwise
/// whether it tried HTTP Basic.
fn next<A: AuthleteAnswer + ?Sized>(answer: &A, client_auth: Option<bool>) -> Next {
    let client_used_basic = client_auth == Some(true);
    let action = answer.action().unwrap_or_default();
    let content = answer.response_content();
    let response = match mapping(action) {
        Some(Mapping::App) => return Next::App(action.to_string()),
        // A protected resource's OK without content: the token is good, the
        // server carries on (serves the resource, collects the claims).
        Some(Mapping::Status(200)) if A::CHALLENGE && content.is_none() => return Next::App(action.to_string()),
        Some(Mapping::Status(status)) if status >= 400 && A::CHALLENGE && A::ACTIONS.contains(&"UNAUTHORIZED") => {
            challenge(status_code(status), content)
        }
        Some(Mapping::Status(status)) => {
            // A client endpoint's `UNAUTHORIZED` (device authorization,
            // CIBA) is its client authentication failing: treated as
            // `INVALID_CLIENT` is.
            let status = match status_code(status) {
                StatusCode::UNAUTHORIZED if client_auth == Some(false) => StatusCode::BAD_REQUEST,
                status => status,
            };
            let r = match content {
                Some(body) if status.is_success() && A::SUCCESS_MEDIA_TYPE.is_some() => {
                    EndpointResponse::new(status, body.to_string(), A::SUCCESS_MEDIA_TYPE)
                }
                Some(body) => EndpointResponse::json(status, body),
                None if status.is_success() => EndpointResponse::json(status, ""),
                None => EndpointResponse::server_error(),
            };
            if status == StatusCode::UNAUTHORIZED && client_used_basic {
                r.with_basic_challenge()
            } else {
                r
            }
        }
        Some(Mapping::NoContent) => EndpointResponse::new(StatusCode::NO_CONTENT, String::new(), None),
        Some(Mapping::InvalidClient) => {
            let status = if client_used_basic { StatusCode::UNAUTHORIZED } else { StatusCode::BAD_REQUEST };
            let r = match content {
                Some(body) => EndpointResponse::json(status, body),
                None => EndpointResponse::server_error(),
            };
            if client_used_basic {
                r.with_basic_challenge()
            } else {
                r
            }
        }
        Some(Mapping::ServerError) => EndpointResponse::server_error(),
        Some(Mapping::Location) => match content.and_then(|c| HeaderValue::from_str(c).ok()) {
            Some(location) => {
                let mut r = EndpointResponse::new(StatusCode::FOUND, String::new(), None);
                r.headers_mut().insert(LOCATION, location);
                r
            }
            None => EndpointResponse::server_error(),
        },
        Some(Mapping::Form) => match content {
            Some(html) => EndpointResponse::new(StatusCode::OK, html.to_string(), Some("text/html;charset=UTF-8")),
            None => EndpointResponse::server_error(),
        },
        Some(Mapping::Jwt) => match content {
            Some(jwt) => EndpointResponse::new(StatusCode::OK, jwt.to_string(), Some(A::JWT_MEDIA_TYPE)),
            None => EndpointResponse::server_error(),
        },
        None => {
            #[cfg(feature = "tracing")]
            tracing::warn!(target: "authlete", action, "an action this version of the crate does not know: answering 500");
            EndpointResponse::server_error()
        }
    };
    Next::Respond(response.with_dpop_nonce(answer.dpop_nonce()))
}

/// `status`, no body, `WWW-Authenticate: content` (RFC 6750 §3).
fn challenge(status: StatusCode, content: Option<&str>) -> EndpointResponse {
    match content {
        Some(c) => EndpointResponse::challenge(status, c),
        None => EndpointResponse::new(status, String::new(), None),
    }
}

/// The table's statuses are all valid; a wrong one would answer 500.
fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct A(&'static str, Option<&'static str>);
    impl AuthleteAnswer for A {
        const CHALLENGE: bool = false;
        const JWT_MEDIA_TYPE: &'static str = "application/jwt";
        const ACTIONS: &'static [&'static str] = &["OK"];
        fn action(&self) -> Option<&str> {
            Some(self.0)
        }
        fn response_content(&self) -> Option<&str> {
            self.1
        }
        fn dpop_nonce(&self) -> Option<&str> {
            Some("n")
        }
    }
    struct Protected(&'static str, Option<&'static str>);
    impl AuthleteAnswer for Protected {
        const CHALLENGE: bool = true;
        const JWT_MEDIA_TYPE: &'static str = "application/jwt";
        const ACTIONS: &'static [&'static str] = &["OK", "UNAUTHORIZED"];
        fn action(&self) -> Option<&str> {
            Some(self.0)
        }
        fn response_content(&self) -> Option<&str> {
            self.1
        }
        fn dpop_nonce(&self) -> Option<&str> {
            None
        }
    }

    fn respond(n: Next) -> EndpointResponse {
        match n {
            Next::Respond(r) => r,
            Next::App(a) => panic!("app: {a}"),
        }
    }

    #[test]
    fn redirects_forms_and_jwts_carry_their_content_where_it_belongs() {
        let r = respond(A("LOCATION", Some("https://client/cb?code=x")).next());
        assert_eq!(r.status().as_u16(), 302);
        assert_eq!(r.headers()["location"], "https://client/cb?code=x");
        let r = respond(A("FORM", Some("<html/>")).next());
        assert_eq!((r.status().as_u16(), r.body()), (200, "<html/>"));
        assert_eq!(r.headers()["content-type"], "text/html;charset=UTF-8");
        let r = respond(A("JWT", Some("eyJ")).next());
        assert_eq!(r.headers()["content-type"], "application/jwt");
        assert_eq!(r.headers()["dpop-nonce"], "n");
        assert_eq!(r.headers()["cache-control"], "no-store");
    }

    #[test]
    fn protected_resources_answer_with_challenges() {
        let r = respond(Protected("UNAUTHORIZED", Some(r#"Bearer error="invalid_token""#)).next());
        assert_eq!((r.status().as_u16(), r.body()), (401, ""));
        assert_eq!(r.headers()["www-authenticate"], r#"Bearer error="invalid_token""#);
        assert!(matches!(Protected("OK", None).next(), Next::App(a) if a == "OK"));
        let ok = respond(Protected("OK", Some("{}")).next());
        assert_eq!((ok.status().as_u16(), ok.body()), (200, "{}"));
    }

    #[test]
    fn client_errors_and_unknown_actions() {
        let basic = respond(A("INVALID_CLIENT", Some("{}")).next_after_client_auth(true));
        assert_eq!(basic.status().as_u16(), 401);
        assert!(basic.headers().contains_key("www-authenticate"));
        assert_eq!(respond(A("INVALID_CLIENT", Some("{}")).next()).status().as_u16(), 400);
        let caller = respond(A("CALLER_ERROR", Some("secret detail")).next());
        assert_eq!((caller.status().as_u16(), caller.body()), (500, SERVER_ERROR_BODY));
        assert_eq!(respond(A("NEW_IN_2027", Some("x")).next()).status().as_u16(), 500);
        assert_eq!(respond(A("DELETED", None).next()).status().as_u16(), 204);
        assert!(matches!(A("INTERACTION", None).next(), Next::App(_)));
    }
}
