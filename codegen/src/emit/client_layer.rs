//! The per-operation layer between progenitor's output and our hand-written
//! client (`src/`). It is derived from progenitor's generated code itself, so
//! it follows whatever operations a spec revision has:
//!
//! - for every generated operation builder `builder::X`, an `Operation` impl
//!   (its success and error types, id, method, path, which body-less success
//!   statuses mean "no content");
//! - `impl Request<builder::X>` with one forwarding method per setter, so a
//!   request reads `authlete.x().body(..).send()`;
//! - `impl Authlete { fn x(&self) -> Request<builder::X> }`, with the service
//!   id path parameter (`serviceId`) filled from the client's configuration;
//! - `OPERATIONS`, a table of every operation (for tests and tooling).
//!
//! Used by `build.rs` only.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::visit::Visit;

use crate::normalise::{EMPTY_SUCCESS_EXTENSION, SPEC_OPERATION_ID_EXTENSION};

/// The path parameter that the client fills from its configuration.
const SERVICE_ID_SETTER: &str = "service_id";

/// `Request`'s own methods (src/request.rs): a builder setter with one of
/// these names is not forwarded (reach it with `.map(|b| b.name(..))`).
const REQUEST_METHODS: &[&str] =
    &["map", "into_raw", "timeouts", "retry", "header", "send", "operation_id", "operation_name", "pages"];

/// The query parameters and the success field that make an operation
/// paged: `start` (inclusive) and `end` (exclusive) select a window of
/// the `totalCount` items.
const PAGE_START: &str = "start";
const PAGE_END: &str = "end";
const PAGE_TOTAL_FIELD: &str = "total_count";

struct Op {
    builder: syn::Ident,
    method_name: syn::Ident,
    docs: Vec<syn::Attribute>,
    setters: Vec<syn::ImplItemFn>,
    body: Option<syn::Type>,
    success: syn::Type,
    error: syn::Type,
    operation_id: String,
}

/// Emits the layer (Rust source) for progenitor's `file`, using the
/// normalised `spec` for each operation's method, path and extensions.
/// Also returns the tables the spec-driven tests include
/// (`AUTHLETE_TEST_TABLES`): they name everything by its public path, so no
/// user's build compiles them.
pub fn client_layer(
    file: &syn::File,
    spec: &Value,
    groups: &crate::rewrite::Groups,
) -> Result<(String, String), String> {
    let builders = builder_module(file)?;
    let methods = client_methods(file);
    let mut ops = Vec::new();
    for item in builders {
        let syn::Item::Impl(imp) = item else { continue };
        let Some(builder) = self_ident(&imp.self_ty) else { continue };
        let Some(send) = impl_fn(imp, "send") else { continue };
        let (success, error) =
            send_types(send).ok_or_else(|| format!("unexpected `send` signature on builder::{builder}"))?;
        let operation_id =
            operation_id(send).ok_or_else(|| format!("no operation id found in builder::{builder}::send"))?;
        let (method_name, docs) = methods
            .iter()
            .find(|(_, _, b)| b == builder)
            .map(|(m, d, _)| (m.clone(), d.clone()))
            .ok_or_else(|| format!("no client method returns builder::{builder}"))?;
        let setters = imp
            .items
            .iter()
            .filter_map(|i| match i {
                syn::ImplItem::Fn(f) if f.sig.ident != "send" && f.sig.receiver().is_some() => Some(f.clone()),
                _ => None,
            })
            .collect();
        let body = body_type(builders, builder);
        ops.push(Op { builder: builder.clone(), method_name, docs, setters, body, success, error, operation_id });
    }
    if ops.is_empty() {
        return Err("progenitor generated no operations".into());
    }
    let index = operation_index(spec);
    let mut out = TokenStream::new();
    let mut table = Vec::new();
    let mut test_rows = Vec::new();
    for op in &ops {
        // progenitor reports the id in snake case (`updateAuthorizationTicket`
        // → `update_authorization_ticket`): match letters and digits only.
        let (id, http_method, path, empty, _) = index
            .iter()
            .find(|(.., name)| flat(name) == flat(&op.operation_id))
            .cloned()
            .ok_or_else(|| format!("operation `{}` is not in the spec", op.operation_id))?;
        out.extend(operation_items(op, &id, &http_method, &path, &empty));
        out.extend(paged_impl(op, file, &empty));
        let m = &op.method_name;
        let name_str = m.to_string();
        let builder = &op.builder;
        let set_params: Vec<TokenStream> = op
            .setters
            .iter()
            .filter_map(|f| {
                let value_type = public_type(setter_value_type(f)?);
                let setter = &f.sig.ident;
                let flat_name = flat(&setter.to_string());
                Some(quote! {
                    if let Some(v) = json_param(&params, #flat_name) {
                        request = request.#setter(from_json::<#value_type>(#id, v)?);
                    }
                })
            })
            .collect();
        // An operation without parameters does not read them.
        let params_arg = if set_params.is_empty() { format_ident!("_params") } else { format_ident!("params") };
        let operation = quote! { ::authlete::raw::builder::#builder<'static> };
        let decode_success = decoder(&op.success, quote! { <#operation as ::authlete::Operation>::Success });
        let decode_error = decoder(&op.error, quote! { <#operation as ::authlete::Operation>::ErrorBody });
        let cfg = groups.op_cfg(&op.builder.to_string());
        table.push(quote! {
            #cfg
            crate::ApiOperation { name: #name_str, id: #id, method: #http_method, path: #path }
        });
        test_rows.push(quote! {
            OperationRow {
                id: #id,
                name: #name_str,
                method: #http_method,
                path: #path,
                check: |client| ::authlete::Request::operation_id(&client.#m()),
                decode_success: #decode_success,
                decode_error: #decode_error,
                call_json: |client, #params_arg| ::std::boxed::Box::pin(async move {
                    #[allow(unused_mut)]
                    let mut request = client.#m();
                    #(#set_params)*
                    Ok(request.send().await?.status().as_u16())
                }),
            }
        });
    }
    out.extend(by_operation(&ops, file, groups));
    let (answers, answer_rows) = answers(&ops, file, spec, &index);
    out.extend(answers);
    let count = table.len();
    out.extend(quote! {
        /// Every operation of the spec this crate was built from that this
        /// build's features compile.
        pub(crate) const OPERATIONS: &[crate::ApiOperation] = &[#(#table),*];
    });
    let mut file: syn::File = syn::parse2(out).map_err(|e| format!("client layer is not valid Rust: {e}"))?;
    groups.gate(&mut file.items, crate::rewrite::operation_groups_behind_features::Scope::Top);
    let answer_count = answer_rows.len();
    let tests: syn::File = syn::parse2(quote! {
        /// One operation, and what the spec-driven tests do with it.
        #[derive(Clone, Copy)]
        pub struct OperationRow {
            /// The spec's `operationId`.
            pub id: &'static str,
            /// The Rust method name.
            pub name: &'static str,
            /// HTTP method, upper case.
            pub method: &'static str,
            /// Path template.
            pub path: &'static str,
            /// Builds the operation's request from a client and returns its
            /// id: compiles only if the client has the method.
            pub check: fn(&::authlete::Authlete) -> &'static str,
            /// Decodes a success body as the client does.
            pub decode_success: fn(&[u8]) -> ::std::result::Result<(), ::std::string::String>,
            /// Decodes a documented error body as the client does.
            pub decode_error: fn(&[u8]) -> ::std::result::Result<(), ::std::string::String>,
            /// Sends the operation with parameters from a JSON object (keys:
            /// the spec's parameter names, and `body`); yields the success status.
            pub call_json: for<'a> fn(
                &'a ::authlete::Authlete,
                ::serde_json::Value,
            ) -> ::std::pin::Pin<::std::boxed::Box<dyn ::std::future::Future<
                Output = ::std::result::Result<u16, ::authlete::Error>> + Send + 'a>>,
        }

        /// The value for parameter `flat_name` (letters and digits, lower
        /// case) in a JSON object keyed by the spec's names.
        fn json_param(params: &::serde_json::Value, flat_name: &str) -> ::std::option::Option<::serde_json::Value> {
            params.as_object()?.iter().find_map(|(k, v)| {
                let flat: ::std::string::String =
                    k.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
                (flat == flat_name).then(|| v.clone())
            })
        }

        /// Decodes a parameter value, as an invalid-request error if it does not fit.
        fn from_json<T: ::serde::de::DeserializeOwned>(
            operation: &'static str,
            v: ::serde_json::Value,
        ) -> ::std::result::Result<T, ::authlete::Error> {
            ::serde_json::from_value(v)
                .map_err(|e| ::authlete::Error::InvalidRequest { operation, message: e.to_string() })
        }

        /// Every operation of the spec the crate was built from.
        pub const OPERATIONS: [OperationRow; #count] = [#(#test_rows),*];

        /// Every type that implements `AuthleteAnswer`: `(type, actions,
        /// protected resource)`.
        pub const ANSWERS: [(&str, &[&str], bool); #answer_count] = [#(#answer_rows),*];
    })
    .map_err(|e| format!("test tables are not valid Rust: {e}"))?;
    Ok((prettyplease::unparse(&file), prettyplease::unparse(&tests)))
}

/// `ty` as the tests outside the crate name it: `types::X` is
/// `::authlete::types::X`, `ByteStream` is `::authlete::raw::ByteStream`.
fn public_type(mut ty: syn::Type) -> syn::Type {
    struct Qualify;
    impl syn::visit_mut::VisitMut for Qualify {
        fn visit_type_path_mut(&mut self, p: &mut syn::TypePath) {
            syn::visit_mut::visit_type_path_mut(self, p);
            let first = p.path.segments.first().map(|s| s.ident.to_string());
            if p.qself.is_none() && p.path.leading_colon.is_none() {
                match first.as_deref() {
                    Some("types") => *p = syn::parse_quote!(::authlete::#p),
                    Some("ByteStream") => *p = syn::parse_quote!(::authlete::raw::#p),
                    _ => {}
                }
            }
        }
    }
    syn::visit_mut::VisitMut::visit_type_mut(&mut Qualify, &mut ty);
    ty
}

/// The type of field `field` of struct `types::name`, without its `Option`.
fn field_type(file: &syn::File, name: &syn::Type, field: &str) -> Option<syn::Type> {
    let (_, ty) = struct_fields(file, name).into_iter().find(|(f, _)| *f == field)?;
    let inner = crate::rewrite::option_inner(ty).unwrap_or(ty);
    // A type of the `types` module, named from inside `operation::x`.
    let syn::Type::Path(p) = inner else { return None };
    let last = &p.path.segments.last()?.ident;
    Some(syn::parse_quote!(super::super::types::#last))
}

/// The request body schema of an operation, resolved.
fn request_schema<'a>(spec: &'a Value, op: &'a Value) -> Option<&'a Value> {
    let schema = op.pointer("/requestBody/content")?.as_object()?.values().next()?.get("schema")?;
    let mut s = schema;
    for _ in 0..8 {
        match s.get("$ref").and_then(Value::as_str).and_then(|r| spec.pointer(r.trim_start_matches('#'))) {
            Some(t) => s = t,
            None => break,
        }
    }
    Some(s)
}

/// `impl crate::answer::AuthleteAnswer` for every success type with an
/// `action` and a `responseContent`: Authlete's answers that the
/// authorization server turns into its own HTTP response. Found by those
/// two fields, not by a list. What `responseContent` means comes from the
/// operations that return the type:
/// - a request that must carry the access token being checked (a required
///   `token` or `accessToken`) makes it a protected-resource answer: on
///   errors `responseContent` is a `WWW-Authenticate` challenge;
/// - a request that negotiates the format (`httpAcceptHeader`) makes a
///   `JWT` answer a token introspection JWT (RFC 9701); otherwise a JWT is
///   `application/jwt`;
/// - an operation under a `federation` path segment is OpenID Federation's:
///   its success content is an entity statement, served as
///   `application/entity-statement+jwt` (its errors stay JSON).
fn answers(
    ops: &[Op],
    file: &syn::File,
    spec: &Value,
    index: &[(String, String, String, Vec<u16>, String)],
) -> (TokenStream, Vec<TokenStream>) {
    let mut by_type: std::collections::BTreeMap<String, (syn::Type, syn::Ident, bool, bool, bool, bool)> =
        Default::default();
    for op in ops {
        let (Some(action), Some(_)) =
            (field_type(file, &op.success, "action"), field_type(file, &op.success, "response_content"))
        else {
            continue;
        };
        // `super::super::types::X` → `X`
        let syn::Type::Path(action) = action else { continue };
        let Some(action) = action.path.segments.last().map(|s| s.ident.clone()) else { continue };
        let name = op.method_name.to_string();
        let indexed = index.iter().find(|(.., n)| flat(n) == flat(&name));
        let spec_op = indexed.and_then(|(_, m, p, ..)| {
            spec.pointer(&format!("/paths/{}/{}", p.replace('~', "~0").replace('/', "~1"), m.to_ascii_lowercase()))
        });
        let federation = indexed.is_some_and(|(_, _, p, ..)| p.split('/').any(|segment| segment == "federation"));
        let request = spec_op.and_then(|o| request_schema(spec, o));
        let required: Vec<&str> = request
            .and_then(|r| r.get("required"))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let challenge = required.iter().any(|r| *r == "token" || *r == "accessToken");
        let negotiates = request.and_then(|r| r.pointer("/properties/httpAcceptHeader")).is_some();
        let success = &op.success;
        let key = quote! { #success }.to_string();
        let entry = by_type.entry(key).or_insert((op.success.clone(), action, false, false, false, false));
        entry.2 |= challenge;
        entry.3 |= negotiates;
        entry.4 |= struct_fields(file, &op.success).iter().any(|(f, _)| *f == "dpop_nonce");
        entry.5 |= federation;
    }
    let impls = by_type.values().map(|(ty, action, challenge, negotiates, nonce, federation)| {
        let jwt = if *negotiates { "application/token-introspection+jwt" } else { "application/jwt" };
        let success_media_type = if *federation {
            quote! { ::std::option::Option::Some("application/entity-statement+jwt") }
        } else {
            quote! { ::std::option::Option::None }
        };
        let nonce = if *nonce {
            quote! { self.dpop_nonce.as_deref() }
        } else {
            quote! { None }
        };
        quote! {
            impl crate::answer::AuthleteAnswer for #ty {
                const CHALLENGE: bool = #challenge;
                const JWT_MEDIA_TYPE: &'static str = #jwt;
                const SUCCESS_MEDIA_TYPE: ::std::option::Option<&'static str> = #success_media_type;
                const ACTIONS: &'static [&'static str] = types::#action::KNOWN;
                fn action(&self) -> ::std::option::Option<&str> {
                    self.action.as_ref().map(|a| a.as_str())
                }
                fn response_content(&self) -> ::std::option::Option<&str> {
                    self.response_content.as_deref()
                }
                fn dpop_nonce(&self) -> ::std::option::Option<&str> {
                    #nonce
                }
            }
        }
    });
    let rows = by_type
        .values()
        .map(|(ty, action, challenge, ..)| {
            let name = quote! { #ty }.to_string().replace("types :: ", "").replace(' ', "");
            quote! { (#name, ::authlete::types::#action::KNOWN, #challenge) }
        })
        .collect();
    (quote! { #(#impls)* }, rows)
}

/// `operation::<method name>::{Builder, Body, Success, ErrorBody, Action}`: the
/// types of each operation, named by the operation (its method and path)
/// rather than by the schema. The hand-written layer reaches the types it
/// needs this way, so it builds from any generator's spec, whatever its
/// schemas are called or whether they are inline.
fn by_operation(ops: &[Op], file: &syn::File, groups: &crate::rewrite::Groups) -> TokenStream {
    let modules = ops.iter().map(|op| {
        let m = &op.method_name;
        let qualify = |ty: &syn::Type| -> TokenStream {
            match ty {
                syn::Type::Path(p) if p.path.segments.first().is_some_and(|s| s.ident == "types") => {
                    quote! { super::super::#ty }
                }
                other => quote! { #other },
            }
        };
        let body = op.body.as_ref().map(|b| {
            let b = qualify(b);
            quote! {
                /// The request body.
                pub type Body = #b;
            }
        });
        let success = qualify(&op.success);
        let error = qualify(&op.error);
        let action = field_type(file, &op.success, "action").map(|a| {
            quote! {
                /// The type of the success body's `action`.
                pub type Action = #a;
            }
        });
        let enums = success_enum_fields(file, &op.success).into_iter().map(|(field, alias, ty)| {
            let doc = format!("The type of the success body's `{field}`.");
            quote! {
                #[doc = #doc]
                pub type #alias = super::super::types::#ty;
            }
        });
        let doc = format!("The types of [`Authlete::{m}`](crate::Authlete::{m}).");
        let builder = &op.builder;
        let cfg = groups.op_cfg(&builder.to_string());
        quote! {
            #[doc = #doc]
            #cfg
            pub mod #m {
                #[allow(unused_imports)]
                use super::super::{ByteStream, types};
                /// The request builder ([`Request`](crate::Request) wraps it).
                pub type Builder<'a> = super::super::builder::#builder<'a>;
                #body
                /// The success body.
                pub type Success = #success;
                /// The documented error body.
                pub type ErrorBody = #error;
                #action
                #(#enums)*
            }
        }
    });
    quote! {
        /// What belongs to one operation, by the operation's method name on
        /// [`Authlete`](crate::Authlete): its request builder, body, success
        /// and error types and action (`operation::auth_token::Success`).
        /// These names stay when the spec's schema names change (other
        /// generators inline or rename schemas).
        pub mod operation {
            #(#modules)*
        }
    }
}

/// The success body's fields whose type is one of the generated enums
/// (`Option` or not), but `action`: `(field, alias, enum)`, the alias being
/// the field's name in UpperCamelCase (`grant_type` → `GrantType`). A field
/// whose alias would be one of the module's other names, or another
/// field's alias, is left out.
fn success_enum_fields(file: &syn::File, success: &syn::Type) -> Vec<(String, syn::Ident, syn::Ident)> {
    use heck::ToUpperCamelCase;
    // The module's other names, and what it imports.
    let mut taken: std::collections::HashSet<String> =
        ["Builder", "Body", "Success", "ErrorBody", "Action", "ByteStream", "types"].map(String::from).into();
    let enums: std::collections::HashSet<String> = type_items(file)
        .filter_map(|i| match i {
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for (field, ty) in struct_fields(file, success) {
        let ty = crate::rewrite::option_inner(ty).unwrap_or(ty);
        let syn::Type::Path(p) = ty else { continue };
        let Some(last) = p.path.segments.last().filter(|s| s.arguments.is_empty()) else { continue };
        let name = field.to_string().trim_start_matches("r#").to_string();
        let alias = name.to_upper_camel_case();
        if p.path.segments.len() == 1 && enums.contains(&last.ident.to_string()) && taken.insert(alias.clone()) {
            out.push((name, format_ident!("{}", alias), last.ident.clone()));
        }
    }
    out
}

/// `types::X` for a builder whose `body` field is `Result<types::builder::X, String>`.
fn body_type(builders: &[syn::Item], builder: &syn::Ident) -> Option<syn::Type> {
    builders.iter().find_map(|i| match i {
        syn::Item::Struct(s) if s.ident == *builder => s.fields.iter().find_map(|f| {
            if f.ident.as_ref()? != "body" {
                return None;
            }
            let inner = generic_args(&f.ty).into_iter().next()?;
            let syn::Type::Path(p) = &inner else { return Some(inner) };
            if !p.path.segments.iter().any(|s| s.ident == "builder") {
                return Some(inner);
            }
            let last = p.path.segments.last()?.ident.clone();
            Some(syn::parse_quote!(types::#last))
        }),
        _ => None,
    })
}

/// The items of the generated `types` module.
fn type_items(file: &syn::File) -> impl Iterator<Item = &syn::Item> {
    file.items
        .iter()
        .find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .into_iter()
        .flatten()
}

/// The names of the `types` module's structs and enums.
fn type_names(file: &syn::File) -> std::collections::HashSet<String> {
    type_items(file)
        .filter_map(|i| match i {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// The fields of the struct `types::name`, by name and type.
fn struct_fields<'f>(file: &'f syn::File, name: &syn::Type) -> Vec<(&'f syn::Ident, &'f syn::Type)> {
    let Some(ident) = (match name {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.clone()),
        _ => None,
    }) else {
        return Vec::new();
    };
    type_items(file)
        .find_map(|i| match i {
            syn::Item::Struct(s) if s.ident == ident => {
                Some(s.fields.iter().filter_map(|f| Some((f.ident.as_ref()?, &f.ty))).collect())
            }
            _ => None,
        })
        .unwrap_or_default()
}

/// The element type of `Vec<T>` (any path ending in `Vec`), named from the
/// layer's module: a type of the generated `types` module (one of
/// `local`) gets `types::`.
fn vec_element(ty: &syn::Type, local: &std::collections::HashSet<String>) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Vec" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    let Some(syn::GenericArgument::Type(element)) = args.args.first() else { return None };
    Some(match element {
        syn::Type::Path(e)
            if e.qself.is_none()
                && e.path.segments.len() == 1
                && local.contains(&e.path.segments[0].ident.to_string()) =>
        {
            syn::parse_quote!(types::#e)
        }
        other => other.clone(),
    })
}

/// `impl Paged` for an operation with `start`/`end` setters whose success
/// type has `totalCount`, and `impl PagedItems` when that type has exactly
/// one list: found by this rule, never by a list of operations.
fn paged_impl(op: &Op, file: &syn::File, empty: &[u16]) -> TokenStream {
    let has = |n: &str| op.setters.iter().any(|s| s.sig.ident == n);
    let fields = struct_fields(file, &op.success);
    if !(has(PAGE_START) && has(PAGE_END) && fields.iter().any(|(f, _)| *f == PAGE_TOTAL_FIELD)) {
        return TokenStream::new();
    }
    let local = type_names(file);
    let lists: Vec<_> = fields.iter().filter_map(|(f, ty)| Some((*f, vec_element(ty, &local)?))).collect();
    let list = match lists.as_slice() {
        [one] => Some(one),
        _ => None,
    };
    let builder = &op.builder;
    let (start, end, total) =
        (format_ident!("{}", PAGE_START), format_ident!("{}", PAGE_END), format_ident!("{}", PAGE_TOTAL_FIELD));
    // The success value as `Option<&Success>`, whatever the output's shape.
    let success = if empty.is_empty() {
        quote! { ::std::option::Option::Some(output) }
    } else {
        quote! { output.as_ref() }
    };
    let page_len = match list {
        Some((field, _)) => quote! { #success.map(|o| o.#field.len()) },
        None => quote! { { let _ = output; ::std::option::Option::None } },
    };
    let items = list.map(|(field, element)| {
        let take = if empty.is_empty() {
            quote! { output.#field }
        } else {
            quote! { output.map(|o| o.#field).unwrap_or_default() }
        };
        quote! {
            impl<'a> crate::PagedItems for builder::#builder<'a> {
                type Item = #element;
                fn into_items(output: Self::Output) -> ::std::vec::Vec<#element> {
                    #take
                }
            }
        }
    });
    quote! {
        impl<'a> crate::Paged for builder::#builder<'a> {
            fn window(self, start: u32, end: u32) -> Self {
                self.#start(start).#end(end)
            }
            fn total_count(output: &Self::Output) -> ::std::option::Option<u32> {
                #success.and_then(|o| o.#total).and_then(|t| u32::try_from(t).ok())
            }
            fn page_len(output: &Self::Output) -> ::std::option::Option<usize> {
                #page_len
            }
        }
        #items
    }
}

fn builder_module(file: &syn::File) -> Result<&Vec<syn::Item>, String> {
    file.items
        .iter()
        .find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| "progenitor output has no `builder` module".to_string())
}

/// `(method name, doc attributes, builder ident)` for each `impl Client`
/// method that returns `builder::X`.
fn client_methods(file: &syn::File) -> Vec<(syn::Ident, Vec<syn::Attribute>, syn::Ident)> {
    let mut out = Vec::new();
    for item in &file.items {
        let syn::Item::Impl(imp) = item else { continue };
        if self_ident(&imp.self_ty).is_none_or(|i| i != "Client") || imp.trait_.is_some() {
            continue;
        }
        for f in imp.items.iter().filter_map(|i| match i {
            syn::ImplItem::Fn(f) => Some(f),
            _ => None,
        }) {
            let syn::ReturnType::Type(_, ty) = &f.sig.output else { continue };
            let syn::Type::Path(p) = ty.as_ref() else { continue };
            let segs: Vec<_> = p.path.segments.iter().collect();
            if segs.len() == 2 && segs[0].ident == "builder" {
                let docs = f
                    .attrs
                    .iter()
                    .filter(|a| a.path().is_ident("doc") || a.path().is_ident("deprecated"))
                    .cloned()
                    .collect();
                out.push((f.sig.ident.clone(), docs, segs[1].ident.clone()));
            }
        }
    }
    out
}

fn self_ident(ty: &syn::Type) -> Option<&syn::Ident> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| &s.ident),
        _ => None,
    }
}

fn impl_fn<'a>(imp: &'a syn::ItemImpl, name: &str) -> Option<&'a syn::ImplItemFn> {
    imp.items.iter().find_map(|i| match i {
        syn::ImplItem::Fn(f) if f.sig.ident == name => Some(f),
        _ => None,
    })
}

/// The type arguments of a path type's last segment (`Result<A, B>` → `[A, B]`).
pub fn generic_args(ty: &syn::Type) -> Vec<syn::Type> {
    let syn::Type::Path(p) = ty else { return vec![] };
    let Some(last) = p.path.segments.last() else { return vec![] };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return vec![] };
    args.args
        .iter()
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

/// From `Result<ResponseValue<S>, Error<E>>`, `(S, E)`.
fn send_types(send: &syn::ImplItemFn) -> Option<(syn::Type, syn::Type)> {
    let syn::ReturnType::Type(_, ty) = &send.sig.output else { return None };
    let [ok, err] = <[syn::Type; 2]>::try_from(generic_args(ty)).ok()?;
    let success = generic_args(&ok).into_iter().next()?;
    let error = generic_args(&err).into_iter().next().unwrap_or_else(|| syn::parse_quote!(()));
    Some((success, error))
}

/// The string in `OperationInfo { operation_id: "..." }` inside `send`.
pub(crate) fn operation_id(send: &syn::ImplItemFn) -> Option<String> {
    struct Finder(Option<String>);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_expr_struct(&mut self, node: &'ast syn::ExprStruct) {
            if node.path.is_ident("OperationInfo") {
                for field in &node.fields {
                    if let (syn::Member::Named(n), syn::Expr::Lit(lit)) = (&field.member, &field.expr) {
                        if let (true, syn::Lit::Str(s)) = (n == "operation_id", &lit.lit) {
                            self.0 = Some(s.value());
                        }
                    }
                }
            }
            syn::visit::visit_expr_struct(self, node);
        }
    }
    let mut finder = Finder(None);
    finder.visit_block(&send.block);
    finder.0
}

/// `(spec operationId, METHOD, path, empty-success statuses, normalised
/// operationId)` for every operation. The spec's own id is the one upstream
/// documents; an operation without one is known by its Rust name.
fn operation_index(spec: &Value) -> Vec<(String, String, String, Vec<u16>, String)> {
    let mut out = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else { return out };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for (method, op) in item {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else { continue };
            let empty = op
                .get(EMPTY_SUCCESS_EXTENSION)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|s| s.as_str()?.parse().ok()).collect())
                .unwrap_or_default();
            let spec_id = op.get(SPEC_OPERATION_ID_EXTENSION).and_then(Value::as_str).unwrap_or(id);
            out.push((spec_id.to_string(), method.to_ascii_uppercase(), path.clone(), empty, id.to_string()));
        }
    }
    out
}

/// `()` or progenitor's `ByteStream`: a body that is not decoded as JSON.
fn is_raw(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Tuple(t) => t.elems.is_empty(),
        syn::Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "ByteStream"),
        _ => false,
    }
}

/// `fn(&[u8]) -> Result<(), String>` decoding a body as `ty` the way
/// progenitor does (`serde_json::from_slice`); raw and empty bodies always pass.
fn decoder(ty: &syn::Type, public: TokenStream) -> TokenStream {
    if is_raw(ty) {
        quote! { |_| Ok(()) }
    } else {
        quote! { |bytes| ::serde_json::from_slice::<#public>(bytes).map(|_| ()).map_err(|e| e.to_string()) }
    }
}

/// `T` of a setter `fn x<V>(self, value: V) where V: TryInto<T>`.
fn setter_value_type(f: &syn::ImplItemFn) -> Option<syn::Type> {
    let pred = f.sig.generics.where_clause.as_ref()?.predicates.first()?;
    let syn::WherePredicate::Type(pt) = pred else { return None };
    pt.bounds.iter().find_map(|b| match b {
        syn::TypeParamBound::Trait(t) => {
            let last = t.path.segments.last()?;
            if last.ident != "TryInto" {
                return None;
            }
            match &last.arguments {
                syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
                    syn::GenericArgument::Type(t) => Some(t.clone()),
                    _ => None,
                }),
                _ => None,
            }
        }
        _ => None,
    })
}

/// An id's letters and digits, lower case: how progenitor's snake-case ids
/// and the spec's match.
pub(crate) fn flat(id: &str) -> String {
    id.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

fn operation_items(op: &Op, operation_id: &str, http_method: &str, path: &str, empty: &[u16]) -> TokenStream {
    let Op { builder, method_name, docs, setters, success, error, .. } = op;
    let method_str = method_name.to_string();
    let body_ty = op.body.as_ref().map_or_else(|| quote! { () }, |b| quote! { #b });
    let (output, wrap, no_content) = if empty.is_empty() {
        (quote! { #success }, quote! { success }, quote! { None })
    } else {
        (
            quote! { ::std::option::Option<#success> },
            quote! { Some(success) },
            quote! { matches!(status, #(#empty)|*).then_some(None) },
        )
    };
    let prefill = setters.iter().any(|s| s.sig.ident == SERVICE_ID_SETTER).then(|| {
        let setter = format_ident!("{}", SERVICE_ID_SETTER);
        quote! {
            let builder = match self.service_id() {
                Some(id) => builder.#setter(id.to_string()),
                None => builder,
            };
        }
    });
    let forwarders = setters.iter().filter(|f| !REQUEST_METHODS.contains(&f.sig.ident.to_string().as_str())).map(|f| {
        let attrs = f.attrs.iter().filter(|a| a.path().is_ident("doc"));
        let mut sig = f.sig.clone();
        // `mut self` in the builder; plain `self` here.
        for input in sig.inputs.iter_mut() {
            if let syn::FnArg::Receiver(r) = input {
                r.mutability = None;
            }
        }
        let name = &sig.ident;
        if is_path_parameter(path, &name.to_string()) && setter_value_type(f).is_some_and(|t| is_string(&t)) {
            // A path parameter is a segment of text: anything `Display` (a
            // model's numeric id, say), not only what converts to `String`.
            return quote! {
                #(#attrs)*
                pub fn #name(self, value: impl ::std::fmt::Display) -> Self {
                    let value = value.to_string();
                    self.map(move |b| b.#name(value))
                }
            };
        }
        let args = sig.inputs.iter().filter_map(|i| match i {
            syn::FnArg::Typed(t) => match t.pat.as_ref() {
                syn::Pat::Ident(id) => Some(id.ident.clone()),
                _ => None,
            },
            _ => None,
        });
        quote! {
            #(#attrs)*
            pub #sig {
                self.map(move |b| b.#name(#(#args),*))
            }
        }
    });
    let is_stream =
        matches!(error, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "ByteStream"));
    let error_body = if is_stream {
        quote! { crate::call::ErrorBody::Stream(body) }
    } else {
        quote! { crate::call::ErrorBody::Json(::serde_json::to_value(body).unwrap_or_default()) }
    };
    let no_content_arg = if empty.is_empty() {
        quote! { _status }
    } else {
        quote! { status }
    };
    // An answer with a success status the spec does not list is decoded
    // as the operation's JSON success type, if it has one.
    let unit = matches!(success, syn::Type::Tuple(t) if t.elems.is_empty());
    let (bytes_arg, decode_success) = if unit {
        // A body-less success (a delete): any 2xx without a body.
        (quote! { bytes }, quote! { bytes.is_empty().then_some(()) })
    } else if is_raw(success) {
        (quote! { _bytes }, quote! { None })
    } else {
        (quote! { bytes }, quote! { ::serde_json::from_slice(bytes).ok() })
    };
    quote! {
        impl crate::Authlete {
            #(#docs)*
            pub fn #method_name(&self) -> crate::Request<builder::#builder<'_>> {
                let builder = self.raw().#method_name();
                #prefill
                crate::Request::new(builder)
            }
        }

        impl<'a> crate::Request<builder::#builder<'a>> {
            #(#forwarders)*
        }

        impl<'a> crate::Operation for builder::#builder<'a> {
            type Success = #success;
            type Output = #output;
            type ErrorBody = #error;
            type Body = #body_ty;
            const ID: &'static str = #operation_id;
            const NAME: &'static str = #method_str;
            const METHOD: &'static str = #http_method;
            const PATH: &'static str = #path;
            // `#[inline]` throughout: compiled where an app calls the
            // operation, not for every operation in the library (rule
            // `operations_compiled_where_called` does the same for `send`).
            #[inline]
            fn send_raw(
                self,
                call: &crate::call::transport::CallContext,
            ) -> impl ::std::future::Future<
                Output = ::std::result::Result<ResponseValue<#success>, Error<#error>>,
            > + Send {
                self.send_in(call)
            }
            #[inline]
            fn error_body(body: #error) -> crate::call::ErrorBody {
                #error_body
            }
            #[inline]
            fn output(success: #success) -> #output {
                #wrap
            }
            #[inline]
            fn no_content(#no_content_arg: u16) -> ::std::option::Option<#output> {
                #no_content
            }
            #[inline]
            fn decode_success(#bytes_arg: &[u8]) -> ::std::option::Option<#success> {
                #decode_success
            }
        }
    }
}

/// Whether `setter` sets a parameter of the path template `path`
/// (`{clientId}` is set by `client_id`).
fn is_path_parameter(path: &str, setter: &str) -> bool {
    path.split('{').skip(1).filter_map(|p| p.split_once('}')).any(|(name, _)| crate::normalise::snake(name) == setter)
}

/// `String`, however it is spelled.
fn is_string(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "String"))
}
