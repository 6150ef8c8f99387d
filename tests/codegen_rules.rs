//! The generation rules' unit tests (they live beside the rules in
//! `codegen/`, which `build.rs` compiles; this target runs them).

#[path = "../codegen/normalise.rs"]
#[allow(dead_code)]
mod normalise;
#[path = "../codegen/rewrite.rs"]
#[allow(dead_code)]
mod rewrite;
#[path = "../codegen/spec.rs"]
#[allow(dead_code)]
mod spec;
#[path = "../codegen/strip.rs"]
#[allow(dead_code)]
mod strip;

#[test]
fn yaml_keys_that_look_like_numbers_become_strings() {
    let v = spec::parse("responses:\n  200: {description: ok}\n  '404': {}\n").unwrap();
    assert!(v["responses"].get("200").is_some());
    assert!(v["responses"].get("404").is_some());
}

#[test]
fn the_vendored_spec_holds_no_prose() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/authlete-api.yaml")).unwrap();
    let doc = spec::parse(&text).unwrap();
    assert_eq!(strip::count_prose(&doc), 0);
}

#[test]
fn normalising_a_real_revision_is_idempotent() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/authlete-api.yaml")).unwrap();
    let mut doc = spec::parse(&text).unwrap();
    normalise::normalise(&mut doc);
    let once = doc.clone();
    assert!(normalise::normalise(&mut doc).is_empty());
    assert_eq!(doc, once);
}

/// `(METHOD, path) → Rust method name` for one spec file, after the rules.
fn method_names(file: &std::path::Path) -> std::collections::BTreeMap<(String, String), String> {
    let mut doc = spec::parse(&std::fs::read_to_string(file).unwrap()).unwrap();
    strip::strip_prose(&mut doc);
    normalise::normalise(&mut doc);
    let mut out = std::collections::BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(name) = op.get("operationId").and_then(|v| v.as_str()) {
                out.insert((method.to_ascii_uppercase(), path.clone()), name.to_string());
            }
        }
    }
    out
}

/// Item 1 of the naming rule: the same method + path keeps its Rust name
/// across every pair of consecutive upstream revisions (`../shared/upstream`,
/// oldest first by the date in the file name). Prints the figures.
#[test]
fn method_names_are_stable_across_upstream_revisions() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/upstream"));
    let Ok(entries) = std::fs::read_dir(dir) else {
        eprintln!("{} not found: name stability not checked", dir.display());
        return;
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "need two revisions to compare");
    let mut changed = Vec::new();
    for pair in files.windows(2) {
        let (old, new) = (method_names(&pair[0]), method_names(&pair[1]));
        let common: Vec<_> = old.keys().filter(|k| new.contains_key(*k)).collect();
        let kept = common.iter().filter(|k| old[**k] == new[**k]).count();
        eprintln!(
            "{} -> {}: {kept}/{} unchanged method+path kept their name",
            pair[0].file_name().unwrap().to_string_lossy(),
            pair[1].file_name().unwrap().to_string_lossy(),
            common.len()
        );
        for k in common.iter().filter(|k| old[**k] != new[**k]) {
            changed.push(format!("{} {}: {} -> {}", k.0, k.1, old[*k], new[*k]));
        }
    }
    assert!(changed.is_empty(), "renamed: {changed:#?}");
}

#[test]
fn the_vendored_revision_names_the_token_endpoint_operations_plainly() {
    let names = method_names(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/authlete-api.yaml")));
    for (path, name) in [
        ("/api/{serviceId}/auth/token", "auth_token"),
        ("/api/{serviceId}/idtoken/reissue", "idtoken_reissue"),
        ("/api/{serviceId}/auth/introspection", "auth_introspection"),
    ] {
        assert_eq!(names[&("POST".to_string(), path.to_string())], name);
    }
}

#[test]
fn path_parameters_are_formatted_without_temporary_strings() {
    let progenitor = r#"format!("{}/api/{}/client/get/{}", client.baseurl, encode_path(&service_id.to_string()), encode_path(&client_id.to_string()),)"#;
    let tokens: proc_macro2::TokenStream = progenitor.parse().unwrap();
    let rewritten = rewrite::rewrite_encode_path(&tokens.to_string());
    assert!(!rewritten.contains("encode_path"), "{rewritten}");
    assert_eq!(rewritten.matches("crate :: call :: url :: PathSegment (& ").count(), 2, "{rewritten}");
    assert!(rewritten.contains("PathSegment (& client_id)"), "{rewritten}");
    // Another shape is left alone.
    let other = "encode_path (& x . as_str ())";
    assert_eq!(rewrite::rewrite_encode_path(other), other);
}

#[test]
fn required_fields_start_without_an_allocated_message() {
    // progenitor's and typify's shapes, cut down to one builder each.
    let mut file: syn::File = syn::parse_str(
        r#"
        pub mod types {
            pub mod builder {
                pub struct Req { a: Result<String, String>, b: Result<Option<String>, String> }
                impl ::std::default::Default for Req {
                    fn default() -> Self {
                        Self { a: Err("no value supplied for a".to_string()), b: Ok(Default::default()) }
                    }
                }
                impl ::std::convert::TryFrom<Req> for super::Req {
                    type Error = super::error::ConversionError;
                    fn try_from(value: Req) -> Result<Self, super::error::ConversionError> {
                        Ok(Self { a: value.a?, b: value.b? })
                    }
                }
                pub struct Odd { a: Result<String, String> }
                impl ::std::default::Default for Odd {
                    fn default() -> Self { Self { a: Err("no value supplied for a".to_string()) } }
                }
                impl ::std::convert::TryFrom<Odd> for super::Odd {
                    type Error = super::error::ConversionError;
                    fn try_from(value: Odd) -> Result<Self, super::error::ConversionError> {
                        let a = value.a?;
                        Ok(Self { a })
                    }
                }
            }
        }
        pub mod builder {
            pub struct Op<'a> { client: &'a super::Client, service_id: Result<String, String> }
            impl<'a> Op<'a> {
                pub fn new(client: &'a super::Client) -> Self {
                    Self { client: client, service_id: Err("service_id was not initialized".to_string()) }
                }
                pub async fn send(self) -> Result<(), Error<()>> {
                    let Self { client, service_id } = self;
                    let service_id = service_id.map_err(Error::InvalidRequest)?;
                    Ok(())
                }
            }
        }
        "#,
    )
    .unwrap();
    rewrite::linear_builder_conversions(&mut file);
    rewrite::unset_messages_without_strings(&mut file);
    let text = quote::quote!(#file).to_string();
    // Rewritten: the message moved to where the error is read.
    assert!(text.contains(r#"(value . a . as_ref () . err () , "no value supplied for a")"#), "{text}");
    assert!(text.contains(r#"unset_or (e , "service_id was not initialized")"#), "{text}");
    assert_eq!(text.matches("Err (:: std :: string :: String :: new ())").count(), 2, "{text}");
    // A conversion of another shape keeps its builder's allocated message,
    // since nothing would put the message back.
    assert_eq!(text.matches(r#"Err ("no value supplied for a" . to_string ())"#).count(), 1, "{text}");
}

#[test]
fn unconditional_headers_go_into_the_request_chain() {
    let send = |extra: &str| -> syn::File {
        syn::parse_str(&format!(
            r#"pub mod builder {{ impl<'a> Op<'a> {{ pub async fn send(self) -> R {{
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                header_map.append(HeaderName::from_static("api-version"), HeaderValue::from_static("1"));
                {extra}
                let mut request = client.client.get(url).header(ACCEPT, json).headers(header_map).build()?;
                Ok(request)
            }} }} }}"#
        ))
        .unwrap()
    };
    let mut plain = send("");
    rewrite::headers_in_the_request_chain(&mut plain);
    let text = quote::quote!(#plain).to_string();
    assert!(!text.contains("header_map"), "{text}");
    assert!(text.contains(r#". header (ACCEPT , json) . header (HeaderName :: from_static ("api-version") , HeaderValue :: from_static ("1")) . build ()"#), "{text}");
    // A header set under a condition keeps progenitor's map.
    let conditional = send(r#"if let Some(v) = &x { header_map.append("x-y", v.clone()); }"#);
    assert_unchanged_by(rewrite::headers_in_the_request_chain, conditional);
}

#[test]
fn send_passes_the_call_context_to_the_transport() {
    let mut file = send("let result = client.exec(request, &info).await;");
    rewrite::explicit_call_context(&mut file);
    let text = quote::quote!(#file).to_string();
    assert!(
        text.contains("pub (crate) async fn send_in (self , call : & crate :: call :: transport :: CallContext)"),
        "{text}"
    );
    assert!(text.contains("client . exec_in (request , & info , call , None)"), "{text}");
    // progenitor's `send` stays, documented, with the client's settings.
    assert!(text.contains(r#"# [doc = "Sends `GET /x`."] pub fn send (self)"#), "{text}");
    assert!(text.contains("self . send_in (& crate :: call :: transport :: NO_OVERRIDES) }"), "{text}");
}

/// An operation builder's `send` as progenitor writes it, with `body`
/// before its end.
fn send(body: &str) -> syn::File {
    syn::parse_str(&format!(
        "pub mod builder {{ impl<'a> Op<'a> {{
            ///Sends `GET /x`.
            pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {{
                {body}
                todo!()
            }}
        }} }}"
    ))
    .unwrap()
}

/// A `send_in` as `explicit_call_context` leaves it.
fn send_in(body: &str) -> syn::File {
    syn::parse_str(&format!(
        "pub mod builder {{ impl<'a> Op<'a> {{
            pub(crate) async fn send_in(self, call: &crate::call::transport::CallContext) -> Result<ResponseValue<()>, Error<()>> {{
                {body}
            }}
        }} }}"
    ))
    .unwrap()
}

#[test]
fn retries_build_the_request_again_instead_of_copying_it() {
    let mut file = send_in(
        r#"let Self { client, id } = self;
        let id = id.map_err(Error::InvalidRequest)?;
        let url = crate::call::url::url(client, format_args!("/x/{}", crate::call::url::PathSegment(&id)));
        #[allow(unused_mut)]
        let mut request = client.client.get(url).header(ACCEPT, JSON).build()?;
        let info = OperationInfo { operation_id: "x" };
        client.pre(&mut request, &info).await?;
        let result = client.exec_in(request, &info, call, None).await;
        client.post(&result, &info).await?;
        let response = result?;
        todo!()"#,
    );
    rewrite::retries_rebuild_the_request(&mut file);
    let text = quote::quote!(#file).to_string().replace(" ;", ";");
    // The URL and the request are made by `build`, without the `?`.
    assert!(
        text.contains("let build = | | { let url = crate :: call :: url :: url (client , format_args ! (\"/x/{}\" , crate :: call :: url :: PathSegment (& id))); client . client . get (url) . header (ACCEPT , JSON) . build () };"),
        "{text}"
    );
    // The first request is `build`'s, in a block that ends before the wait,
    // and the transport gets `build` for a retry.
    assert!(
        text.contains("let result = { # [allow (unused_mut)] let mut request = build () ?; client . pre (& mut request , & info) . await ?; client . exec_in (request , & info , call , Some (& build)) } . await;"),
        "{text}"
    );
    // What comes before and after is untouched.
    assert!(text.contains("let id = id . map_err (Error :: InvalidRequest) ?; let build"), "{text}");
    assert!(
        text.contains("} . await; client . post (& result , & info) . await ?; let response = result ?;"),
        "{text}"
    );
}

#[test]
fn a_send_in_of_another_shape_keeps_its_copy_for_retries() {
    for made in [
        // Something between the request and the hand-over.
        "let mut request = client.client.get(url).build()?;
        request.headers_mut().clear();",
        // A form body can fail inside the chain: a closure could not return
        // that error from `send_in`.
        "let mut request = client.client.post(url).form_urlencoded(&body)?.build()?;",
    ] {
        let file = send_in(&format!(
            r#"let url = format!("{{}}/x", client.baseurl);
            {made}
            let info = OperationInfo {{ operation_id: "x" }};
            client.pre(&mut request, &info).await?;
            let result = client.exec_in(request, &info, call, None).await;
            todo!()"#
        ));
        assert_unchanged_by(rewrite::retries_rebuild_the_request, file);
    }
}

#[test]
fn responses_are_decoded_by_functions_that_keep_their_headers() {
    let mut file: syn::File = syn::parse_str(
        r#"pub mod builder { impl<'a> Op<'a> {
            pub async fn send(self) -> Result<ResponseValue<T>, Error<E>> {
                match response.status().as_u16() {
                    200u16 => ResponseValue::from_response(response).await,
                    204u16 => Ok(ResponseValue::empty(response)),
                    206u16 => Ok(ResponseValue::stream(response)),
                    400u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }
        } }"#,
    )
    .unwrap();
    rewrite::responses_keep_their_headers(&mut file);
    let text = quote::quote!(#file).to_string();
    assert!(!text.contains("ResponseValue ::"), "{text}");
    assert!(text.contains("200u16 => crate :: call :: decode :: json (response) . await"), "{text}");
    assert!(text.contains("204u16 => Ok (crate :: call :: decode :: empty (response))"), "{text}");
    assert!(text.contains("206u16 => Ok (crate :: call :: decode :: stream (response))"), "{text}");
    assert!(text.contains("ErrorResponse (crate :: call :: decode :: json (response) . await ?)"), "{text}");
}

#[test]
fn urls_are_paths_set_on_the_parsed_base() {
    let mut file = send(r#"let url = format!("{}/api/{}/x", client.baseurl, crate::call::url::PathSegment(&id),);"#);
    rewrite::urls_from_the_parsed_base(&mut file);
    let text = quote::quote!(#file).to_string();
    assert!(
        text.contains(
            r#"let url = crate :: call :: url :: url (client , format_args ! ("/api/{}/x" , crate :: call :: url :: PathSegment (& id))) ;"#
        ),
        "{text}"
    );
    // A URL that does not start with the client's base stays progenitor's.
    for other in [r#"format!("{}/x", other.baseurl)"#, r#"format!("http://h/{}", client.baseurl)"#] {
        let file: syn::File = syn::parse_str(&format!(
            "pub mod builder {{ impl<'a> Op<'a> {{ pub async fn send(self) -> R {{ let url = {other}; todo!() }} }} }}"
        ))
        .unwrap();
        assert_unchanged_by(rewrite::urls_from_the_parsed_base, file);
    }
}

/// A rule leaves `file`, which is not of the shape it rewrites, as it is.
fn assert_unchanged_by(rule: fn(&mut syn::File), mut file: syn::File) {
    let before = quote::quote!(#file).to_string();
    rule(&mut file);
    assert_eq!(quote::quote!(#file).to_string(), before);
}

#[test]
fn secret_names_are_told_by_their_words() {
    for name in [
        "accessToken",
        "refresh_token",
        "jwtAccessToken",
        "clientSecret",
        "newClientSecret",
        "password",
        "ticket",
        "authorizationCode",
        "userCode",
        "preAuthorizedCode",
        "codeVerifier",
        "assertion",
        "jwks",
        "federationJwks",
        "parameters",
        "responseContent",
        "access_token_identifier",
        "sharedKeyForSign",
        "apiSecret",
    ] {
        assert!(rewrite::is_secret_name(name), "{name} is a secret");
    }
    for name in [
        "resultCode",
        "tokenType",
        "accessTokenDuration",
        "clientSecretExpiresAt",
        "jwksUri",
        "subject",
        "clientId",
        "key",
        "apiKey",
        "userCodeLength",
        "dpopNonce",
        "",
    ] {
        assert!(!rewrite::is_secret_name(name), "{name} is no secret");
    }
    assert_eq!(rewrite::name_words("accessTokenIdentifier"), ["access", "token", "identifier"]);
    assert_eq!(rewrite::name_words("r#client_ID"), ["client", "id"]);
}

#[test]
fn structs_with_secret_text_fields_print_them_redacted() {
    let mut file: syn::File = syn::parse_quote! {
        pub mod types {
            #[derive(Clone, Debug, Default)]
            pub struct Answer {
                #[serde(rename = "accessToken")]
                pub access_token: Option<String>,
                #[serde(rename = "clientSecretExpiresAt")]
                pub client_secret_expires_at: Option<i64>,
                pub subject: Option<String>,
                #[serde(flatten)]
                pub extra: ::serde_json::Map<String, ::serde_json::Value>,
            }
            #[derive(Clone, Debug)]
            pub struct Plain {
                pub subject: Option<String>,
            }
        }
        pub mod builder {
            #[derive(Debug, Clone)]
            pub struct Delete<'a> {
                client: &'a super::Client,
                access_token_identifier: Result<String, String>,
            }
        }
    };
    assert_eq!(rewrite::secrets_redacted_in_debug(&mut file), 2);
    let text = quote::quote!(#file).to_string().replace(' ', "");
    assert!(text.contains("#[derive(Clone,Default)]pubstructAnswer"), "{text}");
    assert!(text.contains(r#".field("access_token",&crate::private::redact::Redacted(&self.access_token))"#), "{text}");
    assert!(text.contains(r#".field("client_secret_expires_at",&self.client_secret_expires_at)"#), "{text}");
    assert!(text.contains(r#".field("subject",&self.subject)"#), "{text}");
    assert!(text.contains(r#".field("extra",&crate::private::redact::Redacted(&self.extra))"#), "{text}");
    assert!(text.contains("#[derive(Clone,Debug)]pubstructPlain"), "untouched: {text}");
    assert!(text.contains("impl<'a>::std::fmt::DebugforDelete<'a>"), "{text}");
}
