//! Every Authlete answer of the spec in use (a response schema with
//! `action` and `responseContent`) is an `AuthleteAnswer`, and every action
//! it lists has a mapping to an HTTP response (or to the server's logic).

mod support;
#[path = "support/tables.rs"]
mod tables;

use authlete::answer::{mapping, AuthleteAnswer, Mapping, Next};
use serde_json::Value;
use support::spec::{normalised, resolve};

/// `(schema, actions)` of every answer schema of the spec.
fn answer_schemas(spec: &Value) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        let Some(props) = schema.get("properties").and_then(Value::as_object) else { continue };
        let (Some(action), true) = (props.get("action"), props.contains_key("responseContent")) else { continue };
        let actions = resolve(spec, action)
            .get("enum")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        out.push((name.clone(), actions));
    }
    out
}

#[test]
fn every_answer_type_of_the_spec_is_an_authlete_answer() {
    let spec = normalised();
    let in_spec = answer_schemas(&spec);
    assert!(!in_spec.is_empty());
    let generated = tables::ANSWERS;
    // The generator finds them by the same rule, through the operations that
    // return them; every answer schema of this spec is returned by one.
    assert_eq!(generated.len(), in_spec.len(), "{generated:?}");
    for (_, actions, _) in generated {
        assert!(!actions.is_empty());
    }
}

#[test]
fn every_action_of_every_answer_has_a_mapping() {
    let spec = normalised();
    let mut missing = Vec::new();
    let mut checked = 0;
    for (schema, actions) in answer_schemas(&spec) {
        for action in actions {
            checked += 1;
            if mapping(&action).is_none() {
                missing.push(format!("{schema}: {action}"));
            }
        }
    }
    assert!(missing.is_empty(), "actions without a mapping:\n{}", missing.join("\n"));
    eprintln!("answers: {checked} actions of {} answer types mapped", answer_schemas(&spec).len());
    assert!(mapping("AN_ACTION_OF_2027").is_none());
}

#[test]
fn protected_resources_are_found_by_rule() {
    // Userinfo and introspection check an access token: their errors are
    // challenges. PAR authenticates a client: its errors are JSON.
    let protected: Vec<&str> =
        tables::ANSWERS.iter().filter(|(_, _, challenge)| *challenge).map(|(t, ..)| *t).collect();
    assert!(protected.contains(&"UserinfoResponse"), "{protected:?}");
    assert!(protected.contains(&"IntrospectionResponse"), "{protected:?}");
    assert!(!protected.contains(&"PushedAuthorizationResponse"), "{protected:?}");
    assert!(!protected.contains(&"TokenResponse"), "{protected:?}");

    let unauthorized = authlete::types::UserinfoResponse::builder()
        .action("UNAUTHORIZED")
        .response_content(r#"Bearer error="invalid_token""#)
        .build()
        .unwrap();
    let Next::Respond(r) = unauthorized.next() else { panic!() };
    assert_eq!((r.status().as_u16(), r.body()), (401, ""));
    assert_eq!(r.headers()["www-authenticate"], r#"Bearer error="invalid_token""#);
    assert_eq!(mapping("LOCATION"), Some(Mapping::Location));
}

#[test]
fn standard_introspection_jwts_have_their_own_media_type() {
    let jwt = authlete::types::StandardIntrospectionResponse::builder()
        .action("JWT")
        .response_content("eyJ.x.y")
        .build()
        .unwrap();
    let Next::Respond(r) = jwt.next() else { panic!() };
    assert_eq!(r.headers()["content-type"], "application/token-introspection+jwt");
    let userinfo_jwt =
        authlete::types::UserinfoIssueResponse::builder().action("JWT").response_content("eyJ.x.y").build().unwrap();
    let Next::Respond(r) = userinfo_jwt.next() else { panic!() };
    assert_eq!(r.headers()["content-type"], "application/jwt");
}

#[test]
fn federation_entity_statements_are_served_as_such_and_their_errors_as_json() {
    use authlete::operation::{federation_configuration, federation_registration};
    let configuration =
        federation_configuration::Success::builder().action("OK").response_content("eyJ.es.sig").build().unwrap();
    let Next::Respond(r) = configuration.next() else { panic!() };
    assert_eq!((r.status().as_u16(), r.body()), (200, "eyJ.es.sig"));
    assert_eq!(r.headers()["content-type"], "application/entity-statement+jwt");
    let registered =
        federation_registration::Success::builder().action("OK").response_content("eyJ.reg.sig").build().unwrap();
    let Next::Respond(r) = registered.next() else { panic!() };
    assert_eq!(r.headers()["content-type"], "application/entity-statement+jwt");
    let not_found = federation_configuration::Success::builder()
        .action("NOT_FOUND")
        .response_content(r#"{"error":"not_found"}"#)
        .build()
        .unwrap();
    let Next::Respond(r) = not_found.next() else { panic!() };
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(r.headers()["content-type"], "application/json;charset=UTF-8");
    // Other answers' successes stay JSON.
    let par = authlete::types::PushedAuthorizationResponse::builder()
        .action("CREATED")
        .response_content("{}")
        .build()
        .unwrap();
    let Next::Respond(r) = par.next() else { panic!() };
    assert_eq!(r.headers()["content-type"], "application/json;charset=UTF-8");
}

#[test]
fn a_client_endpoints_failed_client_authentication_challenges_only_basic() {
    // Device authorization's `UNAUTHORIZED` is its client authentication
    // failing: 401 with a Basic challenge after Basic, 400 otherwise (a 401
    // must carry a challenge), and left as mapped where no client
    // authenticates.
    let unauthorized = authlete::operation::device_authorization::Success::builder()
        .action("UNAUTHORIZED")
        .response_content(r#"{"error":"invalid_client"}"#)
        .build()
        .unwrap();
    let Next::Respond(basic) = unauthorized.next_after_client_auth(true) else { panic!() };
    assert_eq!(basic.status().as_u16(), 401);
    assert_eq!(basic.headers()["www-authenticate"], r#"Basic realm="token""#);
    let Next::Respond(post) = unauthorized.next_after_client_auth(false) else { panic!() };
    assert_eq!((post.status().as_u16(), post.body()), (400, r#"{"error":"invalid_client"}"#));
    assert!(post.headers().get("www-authenticate").is_none());
    let Next::Respond(plain) = unauthorized.next() else { panic!() };
    assert_eq!(plain.status().as_u16(), 401);
}
