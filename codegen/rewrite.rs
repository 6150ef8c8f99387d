//! Rules applied to the syntax tree progenitor generates, for what cannot be
//! said in the spec. Like the normalisation rules, each is about a class of
//! generated item, never a named one. Used by `build.rs` only.
//!
//! | rule | why |
//! |---|---|
//! | [`optional_flattened_maps`] | typify's struct builders demand a value for the flattened map that keeps unknown fields (`extra`); an empty map is the right default |
//! | [`open_string_enums`] | typify's enums are closed: one value Authlete adds tomorrow would fail the whole response, and a user's exhaustive `match` would stop compiling. Each becomes `#[non_exhaustive]` with an `Unknown(UnknownValue)` variant that keeps the raw value and writes it back; `UnknownValue` has no public constructor, so equality follows the wire value |
//! | [`default_when_nothing_is_required`] | a type whose fields are all optional should have `Default` (`IdtokenReissueResponse::default()`); typify stops deriving it once the type keeps unknown fields |
//! | [`lenient_decoding`] | one field whose value does not fit its type (a number in a string, a string where the spec says an object) fails the whole answer | every object type that keeps unknown fields decodes field by field through `crate::lenient`: numbers and booleans in strings are read, anything else that does not fit leaves the field unset and is kept raw in `extra` |
//! | [`linear_builder_conversions`] | typify converts a struct builder with `Ok(Self { a: value.a?, b: value.b?, .. })`: every `?` is an exit that drops the fields not yet moved, so the code grows with the square of the field count (78,000 LLVM lines for `Service` alone) | the conversion first looks for an error without moving anything, then moves every field: the same result and first error, linear code |
//! | [`unset_messages_without_strings`] | typify's struct builders and progenitor's operation builders start every required field as an error message, `Err("no value supplied for x".to_string())`: one string allocated (and freed) per required field on every request, though the message is read only when the field stays unset | a required field starts as `Err(String::new())`, and the message, now a literal, is made where the error is read (the builder's conversion, the operation's `send`) |
//! | [`unallocated_path_segments`] | progenitor formats a path parameter with `encode_path(&x.to_string())`: two strings per parameter per call, before the URL's own | `crate::call::url::PathSegment(&x)` percent-encodes the same bytes straight into the URL |
//! | [`headers_in_the_request_chain`] | progenitor collects an operation's headers (`api-version`, header parameters) in a map of their own, then merges it into the request: two allocations and a hashed replace per request | when the map only ever receives unconditional `append`s, each becomes a `.header(name, value)` of the request builder, which appends to the request's own map |
//! | [`urls_from_the_parsed_base`] | progenitor formats each operation's URL whole, base URL included, and reqwest parses all of it again on every call: scheme, host (through IDNA), port, path, about 3 % of a call's CPU | the base URL is parsed once, when the client is built; a call writes only its path, into a string with room for it, and sets it on a copy of the parsed base (`crate::call::url::url`) |
//! | [`responses_keep_their_headers`] | progenitor's `ResponseValue::from_response`, `empty` and `stream` copy the answer's header map into the value (two allocations per call) and keep the whole response in the decoding future | the same three in `crate::decode`, which move the headers instead |
//! | [`explicit_call_context`] | a request's own timeouts and retry policy must reach the transport, and the final status come back, through progenitor's `send`, which has no parameter for them (a task-local did it: a wrapper future on every call) | `send` becomes `send_in(self, call: &CallContext)` passing `call` to the transport (`exec_in`); `send` itself remains, for progenitor's callers, as `send_in` with the client's settings |
//! | [`retries_rebuild_the_request`] | to send a request again after a refused connection or a 503, the transport kept a copy of every request (its URL, header map and body: four allocations per call) though almost none is retried | the URL and the request are built by a closure, `build`, which the transport calls again for a retry; and the request lives in a block that ends where the call is handed over, so the call's future keeps no room for it while it waits |
//! | [`secrets_redacted_in_debug`] | a derived `Debug` prints every field: `tracing::error!(?answer)`, an `unwrap()` or a `dbg!` would log end users' access and refresh tokens, client secrets, passwords, tickets and codes | a struct with a field whose name says it holds a secret ([`is_secret_name`]) and whose type is text gets a `Debug` of its own that prints that field as `<redacted N chars>`, in the schema types, their builders and the operation builders alike |
//! | [`plain_setters`] | typify's setter for an optional field wants the `Option` itself (`.client_id(Some("app".into()))`), and progenitor's cannot clear an optional parameter | `x(value)` takes anything that converts into the field's type; `set_x(Option<T>)` sets or clears it, in struct builders and operation builders alike |

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use syn::visit_mut::VisitMut;

/// Applies every rule but [`explicit_call_context`] (which `generate.rs`
/// applies last); returns the string enums it opened.
pub fn rewrite(file: &mut syn::File, json_schema: bool) -> Vec<StringEnum> {
    optional_flattened_maps(file);
    default_when_nothing_is_required(file);
    plain_setters(file);
    linear_builder_conversions(file);
    unset_messages_without_strings(file);
    unallocated_path_segments(file);
    headers_in_the_request_chain(file);
    urls_from_the_parsed_base(file);
    responses_keep_their_headers(file);
    let enums = open_string_enums(file, json_schema);
    lenient_decoding(file, &enums);
    secrets_redacted_in_debug(file);
    enums
}

/// The last words of a field name that say it holds a credential or what
/// carries one: tokens, secrets, passwords, tickets, codes (authorization,
/// device, user, pre-authorized, transaction), assertions, code verifiers,
/// key sets (a service's `jwks` holds its private keys), a request's form
/// `parameters` and an answer's `responseContent` (the token response).
const SECRET_LAST_WORDS: [&str; 10] =
    ["token", "secret", "password", "ticket", "code", "assertion", "verifier", "jwks", "parameters", "content"];

/// Pairs of consecutive words that say the same anywhere in a name
/// (`accessTokenIdentifier` is the token; `sharedKeyForSign` is a key).
const SECRET_WORD_PAIRS: [(&str, &str); 3] = [("token", "identifier"), ("shared", "key"), ("private", "key")];

/// A word before the last that says the name is not a credential after all
/// (`resultCode` is Authlete's error code).
const NOT_SECRET_BEFORE_LAST: [&str; 1] = ["result"];

/// The words of a field name, lower case: `accessToken` and
/// `access_token` are both `["access", "token"]`.
pub fn name_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.trim_start_matches("r#").chars() {
        if c == '_' || c == '-' {
            words.extend((!current.is_empty()).then(|| std::mem::take(&mut current)));
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    words.extend((!current.is_empty()).then_some(current));
    words
}

/// Whether a field called `name` (wire name or Rust name) holds a secret:
/// its last word is one of [`SECRET_LAST_WORDS`] (unless the word before is
/// one of [`NOT_SECRET_BEFORE_LAST`]), or it has a pair of
/// [`SECRET_WORD_PAIRS`].
pub fn is_secret_name(name: &str) -> bool {
    let words = name_words(name);
    let Some(last) = words.last() else { return false };
    let before = words.len().checked_sub(2).map(|i| words[i].as_str());
    let by_last =
        SECRET_LAST_WORDS.contains(&last.as_str()) && !before.is_some_and(|b| NOT_SECRET_BEFORE_LAST.contains(&b));
    by_last || words.windows(2).any(|w| SECRET_WORD_PAIRS.contains(&(w[0].as_str(), w[1].as_str())))
}

/// Whether `ty` is text, or text in `Option`, `Vec`, `Result` (the builders'
/// fields) or JSON: the shapes `crate::private::redact::Redacted` prints. A number, a
/// flag or an enum is not a secret whatever its name
/// (`clientSecretExpiresAt`, `accessTokenDuration`).
fn is_text_type(ty: &syn::Type) -> bool {
    let Some((name, args)) = last_segment(ty) else { return false };
    match name.as_str() {
        "String" | "Value" | "Map" => true,
        "Option" | "Vec" | "Result" => args.first().is_some_and(is_text_type),
        _ => false,
    }
}

/// Every struct deriving `Debug` with a secret field (by [`is_secret_name`]
/// on its serde wire name or its Rust name, and [`is_text_type`]) gets a
/// `Debug` of its own that prints those fields through
/// `crate::private::redact::Redacted` and the others as the derive would. Applies to
/// every module of the file (schema types, their builders, operation
/// builders). Returns how many structs it changed.
pub fn secrets_redacted_in_debug(file: &mut syn::File) -> usize {
    fn in_items(items: &mut Vec<syn::Item>) -> usize {
        let mut changed = 0;
        let mut added = Vec::new();
        for item in items.iter_mut() {
            match item {
                syn::Item::Mod(m) => {
                    if let Some((_, inner)) = m.content.as_mut() {
                        changed += in_items(inner);
                    }
                }
                syn::Item::Struct(s) => {
                    if let Some(imp) = redacted_debug(s) {
                        added.push(imp);
                        changed += 1;
                    }
                }
                _ => {}
            }
        }
        items.extend(added);
        changed
    }
    in_items(&mut file.items)
}

/// For one struct: drops `Debug` from its derives and returns the `impl`
/// that replaces it; `None` (and the struct untouched) without a secret.
fn redacted_debug(s: &mut syn::ItemStruct) -> Option<syn::Item> {
    let syn::Fields::Named(fields) = &s.fields else { return None };
    let secret = |f: &syn::Field| {
        let wire = serde_rename(&f.attrs).or_else(|| f.ident.as_ref().map(ToString::to_string));
        wire.is_some_and(|w| is_secret_name(&w)) && is_text_type(&f.ty)
    };
    if !fields.named.iter().any(secret) || !derives(&s.attrs).iter().any(|d| d.ends_with("Debug")) {
        return None;
    }
    // In a type that holds secrets, a field this version does not know (or
    // a known one kept raw because it did not decode) may be one too: the
    // unknown fields print their names only.
    let secret = |f: &syn::Field| secret(f) || f.ident.as_ref().is_some_and(|i| i == "extra");
    let lines: Vec<TokenStream> = fields
        .named
        .iter()
        .filter_map(|f| {
            let ident = f.ident.as_ref()?;
            let label = ident.to_string().trim_start_matches("r#").to_string();
            Some(if secret(f) {
                quote::quote! { .field(#label, &crate::private::redact::Redacted(&self.#ident)) }
            } else {
                quote::quote! { .field(#label, &self.#ident) }
            })
        })
        .collect();
    for attr in s.attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) =
            attr.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        let kept: Vec<&syn::Path> =
            paths.iter().filter(|p| p.segments.last().is_none_or(|l| l.ident != "Debug")).collect();
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
    let ident = &s.ident;
    let label = ident.to_string();
    let (impl_generics, ty_generics, where_clause) = s.generics.split_for_impl();
    Some(syn::parse_quote! {
        impl #impl_generics ::std::fmt::Debug for #ident #ty_generics #where_clause {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label) #(#lines)* .finish()
            }
        }
    })
}

fn types_module(file: &mut syn::File) -> Option<&mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// The `builder` module among `items` (progenitor's operation builders at
/// the top level, typify's struct builders inside `types`).
fn builder_module(items: &mut [syn::Item]) -> Option<&mut Vec<syn::Item>> {
    items.iter_mut().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// Calls `f` on every operation builder's `send`.
fn each_send(file: &mut syn::File, f: impl FnMut(&mut syn::ImplItemFn)) {
    each_builder_fn(file, "send", f)
}

/// Calls `f` on every operation builder's method called `name`.
fn each_builder_fn(file: &mut syn::File, name: &str, mut f: impl FnMut(&mut syn::ImplItemFn)) {
    let Some(builder) = builder_module(&mut file.items) else { return };
    for item in builder.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        for i in imp.items.iter_mut() {
            match i {
                syn::ImplItem::Fn(send) if send.sig.ident == name => f(send),
                _ => {}
            }
        }
    }
}

fn has_serde_flag(attrs: &[syn::Attribute], flag: &str) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("serde")
            && a.meta.require_list().is_ok_and(|l| l.tokens.to_string().split(',').any(|t| t.trim() == flag))
    })
}

/// In `types::builder`, the `Default` of a struct builder starts a
/// `#[serde(flatten)]` field as `Ok(Default::default())` instead of
/// "no value supplied".
pub fn optional_flattened_maps(file: &mut syn::File) {
    let Some(types) = types_module(file) else { return };
    let mut flattened: BTreeSet<(String, String)> = BTreeSet::new();
    for item in types.iter() {
        if let syn::Item::Struct(s) = item {
            for f in &s.fields {
                if let (Some(name), true) = (&f.ident, has_serde_flag(&f.attrs, "flatten")) {
                    flattened.insert((s.ident.to_string(), name.to_string()));
                }
            }
        }
    }
    struct Fix<'a>(&'a BTreeSet<(String, String)>);
    impl VisitMut for Fix<'_> {
        fn visit_item_impl_mut(&mut self, imp: &mut syn::ItemImpl) {
            let is_default =
                imp.trait_.as_ref().is_some_and(|(_, p, _)| p.segments.last().is_some_and(|s| s.ident == "Default"));
            let Some(name) = (match imp.self_ty.as_ref() {
                syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                _ => None,
            }) else {
                return;
            };
            if !is_default {
                return;
            }
            struct Fields<'a>(&'a BTreeSet<(String, String)>, String);
            impl VisitMut for Fields<'_> {
                fn visit_field_value_mut(&mut self, fv: &mut syn::FieldValue) {
                    if let syn::Member::Named(field) = &fv.member {
                        if self.0.contains(&(self.1.clone(), field.to_string())) {
                            fv.expr = syn::parse_quote!(Ok(Default::default()));
                        }
                    }
                }
            }
            Fields(self.0, name).visit_item_impl_mut(imp);
        }
    }
    let mut fix = Fix(&flattened);
    for item in types.iter_mut() {
        if let syn::Item::Mod(m) = item {
            if m.ident == "builder" {
                fix.visit_item_mod_mut(m);
            }
        }
    }
}

/// In `types::builder`, `TryFrom<builder::X> for X` whose body is
/// `Ok(Self { f: value.f?, .. })` becomes: the first field error (in field
/// order, as before) is returned before anything is moved; then every field
/// is moved out. A body of any other shape is left as it is. The conversion
/// is the one reader of its builder's field errors, so it also carries the
/// "unset" messages, and the builder's `Default` starts required fields as
/// `Err(String::new())` (see [`unset_messages_without_strings`]).
pub fn linear_builder_conversions(file: &mut syn::File) {
    let Some(types) = types_module(file) else { return };
    let Some(builder) = builder_module(types) else { return };
    // Each builder's required fields and their "unset" messages, from its
    // `Default` (`Err("no value supplied for x".to_string())`).
    let mut unset: BTreeMap<String, BTreeMap<String, syn::LitStr>> = BTreeMap::new();
    for item in builder.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        let Some(name) = self_name(imp).filter(|_| is_default_impl(imp)) else { continue };
        let Some(init) = constructor_mut(imp, "default") else { continue };
        let found =
            init.fields.iter().filter_map(|fv| Some((member_name(&fv.member), literal_error(&fv.expr)?))).collect();
        unset.insert(name, found);
    }
    let mut converted = BTreeSet::new();
    for item in builder.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        // `impl TryFrom<X> for super::X`: the builder is the trait's argument.
        let Some(name) = imp.trait_.as_ref().and_then(|(_, p, _)| {
            let last = p.segments.last().filter(|s| s.ident == "TryFrom")?;
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
            match args.args.first()? {
                syn::GenericArgument::Type(syn::Type::Path(t)) => t.path.segments.last().map(|s| s.ident.to_string()),
                _ => None,
            }
        }) else {
            continue;
        };
        let Some(syn::ImplItem::Fn(f)) =
            imp.items.iter_mut().find(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "try_from"))
        else {
            continue;
        };
        let Some(fields) = question_mark_fields(&f.block) else { continue };
        // Each field's error with the message for "left unset" (rule
        // `unset_messages_without_strings`: the builder starts it empty).
        let messages = unset.get(&name);
        let errors = fields.iter().map(|m| {
            let text = messages.and_then(|ms| ms.get(&member_name(m))).map_or_else(String::new, syn::LitStr::value);
            quote::quote!((value.#m.as_ref().err(), #text))
        });
        let moves = fields.iter().map(|m| quote::quote!(#m: crate::private::builder_convert::checked(value.#m)));
        f.block = syn::parse_quote!({
            if let Some(e) = crate::private::builder_convert::first_error(&[#(#errors),*]) {
                return Err(e.into());
            }
            Ok(Self { #(#moves),* })
        });
        converted.insert(name);
    }
    // The builders whose conversion now carries the messages start their
    // required fields without one.
    for item in builder.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        if !is_default_impl(imp) || !self_name(imp).is_some_and(|n| converted.contains(&n)) {
            continue;
        }
        let Some(init) = constructor_mut(imp, "default") else { continue };
        for fv in init.fields.iter_mut() {
            if literal_error(&fv.expr).is_some() {
                fv.expr = syn::parse_quote!(Err(::std::string::String::new()));
            }
        }
    }
}

/// `Err("..".to_string())` → `Some("..")` (the literal), else `None`.
fn literal_error(expr: &syn::Expr) -> Option<syn::LitStr> {
    let syn::Expr::Call(call) = expr else { return None };
    let syn::Expr::Path(err) = call.func.as_ref() else { return None };
    if !err.path.is_ident("Err") || call.args.len() != 1 {
        return None;
    }
    let syn::Expr::MethodCall(m) = &call.args[0] else { return None };
    let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) = m.receiver.as_ref() else { return None };
    (m.method == "to_string" && m.args.is_empty()).then(|| text.clone())
}

/// The `Self { .. }` a function of `imp` named `name` ends with.
fn constructor_mut<'a>(imp: &'a mut syn::ItemImpl, name: &str) -> Option<&'a mut syn::ExprStruct> {
    imp.items.iter_mut().find_map(|i| match i {
        syn::ImplItem::Fn(f) if f.sig.ident == name => match f.block.stmts.last_mut()? {
            syn::Stmt::Expr(syn::Expr::Struct(s), None) if s.path.is_ident("Self") => Some(s),
            _ => None,
        },
        _ => None,
    })
}

fn member_name(m: &syn::Member) -> String {
    match m {
        syn::Member::Named(i) => i.to_string(),
        syn::Member::Unnamed(i) => i.index.to_string(),
    }
}

/// Required fields of progenitor's operation builders start as
/// `Err(String::new())` instead of an allocated message; the message (a
/// literal) is made where the error is read. Only where that reader is
/// known: the `new` of a builder whose `send` reads the field as
/// `let x = x.map_err(Error::InvalidRequest)?;` (it becomes
/// `crate::private::builder_convert::unset_or(e, "..")`). typify's struct builders
/// get the same from [`linear_builder_conversions`], whose conversion is
/// their fields' one reader.
pub fn unset_messages_without_strings(file: &mut syn::File) {
    if let Some(builder) = builder_module(&mut file.items) {
        operation_builder_messages(builder);
    }
}

fn operation_builder_messages(builder: &mut [syn::Item]) {
    for item in builder.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        let Some(init) = constructor_mut(imp, "new") else { continue };
        let unset: BTreeMap<String, syn::LitStr> =
            init.fields.iter().filter_map(|fv| Some((member_name(&fv.member), literal_error(&fv.expr)?))).collect();
        if unset.is_empty() {
            continue;
        }
        // In `send`: `let x = x.map_err(Error::InvalidRequest)?;` for each.
        let mut rewritten = BTreeSet::new();
        for i in imp.items.iter_mut() {
            let syn::ImplItem::Fn(f) = i else { continue };
            if f.sig.ident != "send" {
                continue;
            }
            for stmt in f.block.stmts.iter_mut() {
                let syn::Stmt::Local(local) = stmt else { continue };
                let syn::Pat::Ident(bound) = &local.pat else { continue };
                let Some(text) = unset.get(&bound.ident.to_string()) else { continue };
                let Some(init) = local.init.as_mut() else { continue };
                let syn::Expr::Try(t) = init.expr.as_mut() else { continue };
                let syn::Expr::MethodCall(m) = t.expr.as_mut() else { continue };
                let reads_itself = matches!(m.receiver.as_ref(), syn::Expr::Path(p) if p.path.is_ident(&bound.ident));
                let plain = m.method == "map_err"
                    && m.args.len() == 1
                    && matches!(&m.args[0], syn::Expr::Path(p)
                        if p.path.segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>() == ["Error", "InvalidRequest"]);
                if reads_itself && plain {
                    m.args[0] = syn::parse_quote!(|e| Error::InvalidRequest(crate::private::builder_convert::unset_or(e, #text)));
                    rewritten.insert(bound.ident.to_string());
                }
            }
        }
        let Some(init) = constructor_mut(imp, "new") else { continue };
        for fv in init.fields.iter_mut() {
            if rewritten.contains(&member_name(&fv.member)) {
                fv.expr = syn::parse_quote!(Err(::std::string::String::new()));
            }
        }
    }
}

/// Whether `tokens` mention the identifier `name`.
fn mentions(tokens: TokenStream, name: &str) -> bool {
    tokens.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == name,
        proc_macro2::TokenTree::Group(g) => mentions(g.stream(), name),
        _ => false,
    })
}

/// In each operation's `send`: `let mut header_map = HeaderMap::with_capacity(n);`
/// followed only by unconditional `header_map.append(k, v);` and read once,
/// as `.headers(header_map)` of the request builder, becomes `.header(k, v)`
/// calls in its place. Any other use of the map leaves the function as it is.
pub fn headers_in_the_request_chain(file: &mut syn::File) {
    each_send(file, |send| chain_headers(&mut send.block.stmts));
}

fn chain_headers(stmts: &mut Vec<syn::Stmt>) {
    const MAP: &str = "header_map";
    let Some(start) = stmts.iter().position(|st| match st {
        syn::Stmt::Local(l) => {
            matches!(&l.pat, syn::Pat::Ident(p) if p.ident == MAP)
                && l.init.as_ref().is_some_and(|init| matches!(init.expr.as_ref(), syn::Expr::Call(c)
                    if matches!(c.func.as_ref(), syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "with_capacity"))))
        }
        _ => false,
    }) else {
        return;
    };
    // The unconditional appends that follow.
    let mut pairs = Vec::new();
    let mut end = start + 1;
    while let Some(syn::Stmt::Expr(syn::Expr::MethodCall(m), Some(_))) = stmts.get(end) {
        let on_map = matches!(m.receiver.as_ref(), syn::Expr::Path(p) if p.path.is_ident(MAP));
        if !(on_map && m.method == "append" && m.args.len() == 2) {
            break;
        }
        pairs.push((m.args[0].clone(), m.args[1].clone()));
        end += 1;
    }
    // Exactly one other statement may name the map: the request's builder.
    let users: Vec<usize> = (end..stmts.len())
        .filter(|&k| {
            let st = &stmts[k];
            mentions(quote::quote!(#st), MAP)
        })
        .collect();
    let [user] = users.as_slice() else { return };
    let syn::Stmt::Local(request) = &mut stmts[*user] else { return };
    let Some(init) = request.init.as_mut() else { return };
    struct Chain {
        pairs: Vec<(syn::Expr, syn::Expr)>,
        done: bool,
    }
    impl VisitMut for Chain {
        fn visit_expr_mut(&mut self, e: &mut syn::Expr) {
            if let syn::Expr::MethodCall(m) = e {
                let reads_map = m.method == "headers"
                    && m.args.len() == 1
                    && matches!(&m.args[0], syn::Expr::Path(p) if p.path.is_ident(MAP));
                if reads_map && !self.done {
                    let mut chained = (*m.receiver).clone();
                    for (name, value) in &self.pairs {
                        chained = syn::parse_quote!(#chained.header(#name, #value));
                    }
                    *e = chained;
                    self.done = true;
                    return;
                }
            }
            syn::visit_mut::visit_expr_mut(self, e);
        }
    }
    let mut chain = Chain { pairs, done: false };
    let mut rewritten = (*init.expr).clone();
    chain.visit_expr_mut(&mut rewritten);
    // Only when that was the map's one use.
    if chain.done && !mentions(quote::quote!(#rewritten), MAP) {
        *init.expr = rewritten;
        stmts.drain(start..end);
    }
}

/// In each operation's `send`, `let url = format!("{}/path/{}", client.baseurl, a);`
/// becomes `let url = crate::call::url::url(client, format_args!("/path/{}", a));`.
/// A `format!` that does not start with the base URL is left as it is.
pub fn urls_from_the_parsed_base(file: &mut syn::File) {
    each_send(file, |send| {
        for stmt in send.block.stmts.iter_mut() {
            let syn::Stmt::Local(local) = stmt else { continue };
            if !matches!(&local.pat, syn::Pat::Ident(p) if p.ident == "url") {
                continue;
            }
            let Some(init) = local.init.as_mut() else { continue };
            let syn::Expr::Macro(m) = init.expr.as_ref() else { continue };
            if !m.mac.path.is_ident("format") {
                continue;
            }
            let parser = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
            let Ok(args) = syn::parse::Parser::parse2(parser, m.mac.tokens.clone()) else { continue };
            let mut args = args.into_iter();
            let (Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(template), .. })), Some(base)) =
                (args.next(), args.next())
            else {
                continue;
            };
            let Some(path) = template.value().strip_prefix("{}").map(str::to_string) else { continue };
            if quote::quote!(#base).to_string() != "client . baseurl" {
                continue;
            }
            let rest: Vec<syn::Expr> = args.collect();
            *init.expr = syn::parse_quote!(crate::call::url::url(client, format_args!(#path #(, #rest)*)));
        }
    });
}

/// Every call of progenitor's `ResponseValue::from_response`, `::empty` or
/// `::stream` becomes the same function of `crate::decode`.
pub fn responses_keep_their_headers(file: &mut syn::File) {
    struct Fix;
    impl VisitMut for Fix {
        fn visit_expr_path_mut(&mut self, p: &mut syn::ExprPath) {
            let segments: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
            if let [ty, f] = segments.as_slice() {
                let replacement = match f.as_str() {
                    "from_response" => Some(quote::format_ident!("json")),
                    "empty" | "stream" => Some(quote::format_ident!("{}", f)),
                    _ => None,
                };
                if let (true, Some(f)) = (ty == "ResponseValue" && p.qself.is_none(), replacement) {
                    *p = syn::parse_quote!(crate::call::decode::#f);
                }
            }
            syn::visit_mut::visit_expr_path_mut(self, p);
        }
    }
    each_send(file, |send| Fix.visit_block_mut(&mut send.block));
}

/// Applied last, after the documentation and the client layer have read
/// progenitor's `send` (`codegen/generate.rs`).
///
/// In each operation builder whose `send` hands its request over as
/// `client.exec(request, &info)`: that `send` becomes
/// `pub(crate) async fn send_in(self, call: &crate::call::transport::CallContext)`
/// calling `client.exec_in(request, &info, call, None)`, and a new `send` (with
/// the old one's documentation) runs it with the client's own settings.
pub fn explicit_call_context(file: &mut syn::File) {
    let Some(builder) = builder_module(&mut file.items) else { return };
    struct PassCall(bool);
    impl VisitMut for PassCall {
        fn visit_expr_method_call_mut(&mut self, m: &mut syn::ExprMethodCall) {
            let on_client = matches!(m.receiver.as_ref(), syn::Expr::Path(p) if p.path.is_ident("client"));
            if on_client && m.method == "exec" && m.args.len() == 2 {
                m.method = syn::parse_quote!(exec_in);
                m.args.push(syn::parse_quote!(call));
                // No way to build the request again, until
                // `retries_rebuild_the_request` gives one.
                m.args.push(syn::parse_quote!(None));
                self.0 = true;
            }
            syn::visit_mut::visit_expr_method_call_mut(self, m);
        }
    }
    for item in builder.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        let Some(at) = imp.items.iter().position(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "send")) else {
            continue;
        };
        let syn::ImplItem::Fn(send) = &mut imp.items[at] else { continue };
        let mut pass = PassCall(false);
        pass.visit_block_mut(&mut send.block);
        if !pass.0 {
            continue;
        }
        let docs: Vec<syn::Attribute> = send.attrs.iter().filter(|a| a.path().is_ident("doc")).cloned().collect();
        send.attrs.retain(|a| !a.path().is_ident("doc"));
        send.attrs.push(syn::parse_quote!(#[doc = "`send` with this call's overrides, its status left in `call`."]));
        send.vis = syn::parse_quote!(pub(crate));
        send.sig.ident = syn::parse_quote!(send_in);
        send.sig.inputs.push(syn::parse_quote!(call: &crate::call::transport::CallContext));
        let syn::ReturnType::Type(_, output) = send.sig.output.clone() else { continue };
        // `send_in`'s own future, not an `async fn` around it: no second
        // state machine per operation to compile.
        let wrapper: syn::ImplItemFn = syn::parse_quote! {
            #(#docs)*
            pub fn send(self) -> impl ::std::future::Future<Output = #output> + 'a {
                self.send_in(&crate::call::transport::NO_OVERRIDES)
            }
        };
        imp.items.insert(at + 1, syn::ImplItem::Fn(wrapper));
    }
}

/// Applied after [`explicit_call_context`], to each `send_in` of the shape
/// progenitor writes:
///
/// ```text
/// let url = ..;
/// let mut request = client.client.METHOD(url)..build()?;
/// let info = OperationInfo { .. };
/// client.pre(&mut request, &info).await?;
/// let result = client.exec_in(request, &info, call, None).await;
/// ```
///
/// becomes
///
/// ```text
/// let build = || { let url = ..; client.client.METHOD(url)..build() };
/// let info = OperationInfo { .. };
/// let result = {
///     let mut request = build()?;
///     client.pre(&mut request, &info).await?;
///     client.exec_in(request, &info, call, Some(&build))
/// }
/// .await;
/// ```
///
/// A `send_in` of any other shape, or whose URL or request is made with a
/// `?` or a `return` (a closure cannot leave `send_in`), is left as it is:
/// the transport then keeps a copy of its request for a retry.
pub fn retries_rebuild_the_request(file: &mut syn::File) {
    each_builder_fn(file, "send_in", |send| {
        if let Some(stmts) = rebuilding(&send.block.stmts) {
            send.block.stmts = stmts;
        }
    });
}

fn local_named<'a>(stmt: &'a syn::Stmt, name: &str) -> Option<&'a syn::Local> {
    let syn::Stmt::Local(local) = stmt else { return None };
    let ident = match &local.pat {
        syn::Pat::Ident(p) => &p.ident,
        syn::Pat::Type(t) => match t.pat.as_ref() {
            syn::Pat::Ident(p) => &p.ident,
            _ => return None,
        },
        _ => return None,
    };
    (ident == name).then_some(local)
}

/// Whether `expr` holds a `?` or a `return`.
fn exits(expr: &syn::Expr) -> bool {
    struct Find(bool);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_expr_try(&mut self, _: &'ast syn::ExprTry) {
            self.0 = true;
        }
        fn visit_expr_return(&mut self, _: &'ast syn::ExprReturn) {
            self.0 = true;
        }
    }
    let mut find = Find(false);
    syn::visit::Visit::visit_expr(&mut find, expr);
    find.0
}

/// `send_in`'s statements rewritten as [`retries_rebuild_the_request`]
/// says, or `None` if they are not of that shape.
fn rebuilding(stmts: &[syn::Stmt]) -> Option<Vec<syn::Stmt>> {
    let at = stmts.iter().position(|s| local_named(s, "url").is_some())?;
    let [url, request, info, pre, result] = stmts.get(at..at + 5)? else { return None };
    let url = local_named(url, "url")?;
    let request = local_named(request, "request")?;
    local_named(info, "info")?;
    let result = local_named(result, "result")?;
    // The request's expression, without its `?`.
    let syn::Expr::Try(built) = request.init.as_ref()?.expr.as_ref() else { return None };
    let built = &built.expr;
    if exits(&url.init.as_ref()?.expr) || exits(built) {
        return None;
    }
    let is_pre = matches!(pre, syn::Stmt::Expr(e, Some(_)) if quote::quote!(#e).to_string().starts_with("client . pre (& mut request"));
    // `client.exec_in(request, &info, call, None).await`
    let syn::Expr::Await(sent) = result.init.as_ref()?.expr.as_ref() else { return None };
    let syn::Expr::MethodCall(exec) = sent.base.as_ref() else { return None };
    let rebuild = exec.args.get(3);
    if !is_pre || exec.method != "exec_in" || exec.args.len() != 4 || quote::quote!(#rebuild).to_string() != "None" {
        return None;
    }
    let mut exec = exec.clone();
    exec.args[3] = syn::parse_quote!(Some(&build));
    let attrs = &request.attrs;
    let mut out = stmts[..at].to_vec();
    out.push(syn::parse_quote! {
        let build = || {
            #url
            #built
        };
    });
    out.push(stmts[at + 2].clone());
    out.push(syn::parse_quote! {
        let result = {
            #(#attrs)*
            let mut request = build()?;
            #pre
            #exec
        }
        .await;
    });
    out.extend(stmts[at + 5..].iter().cloned());
    Some(out)
}

/// In every `format!` of the generated code, `encode_path(&x.to_string())`
/// becomes `crate::call::url::PathSegment(&x)` (same encoding, no strings).
pub fn unallocated_path_segments(file: &mut syn::File) {
    struct Fix;
    impl VisitMut for Fix {
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            if mac.path.is_ident("format") {
                let text = mac.tokens.to_string();
                let rewritten = rewrite_encode_path(&text);
                if rewritten != text {
                    if let Ok(tokens) = rewritten.parse() {
                        mac.tokens = tokens;
                    }
                }
            }
            syn::visit_mut::visit_macro_mut(self, mac);
        }
    }
    Fix.visit_file_mut(file);
}

/// `encode_path (& x . to_string ())` → `crate :: call :: url :: PathSegment (& x)`
/// in a token string; anything else is left as it is.
pub fn rewrite_encode_path(text: &str) -> String {
    const START: &str = "encode_path (& ";
    const END: &str = " . to_string ())";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(START) {
        let after = &rest[i + START.len()..];
        let ident_len = after.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(after.len());
        let (ident, tail) = after.split_at(ident_len);
        if ident.is_empty() || !tail.starts_with(END) {
            out.push_str(&rest[..i + START.len()]);
            rest = after;
            continue;
        }
        out.push_str(&rest[..i]);
        out.push_str("crate :: call :: url :: PathSegment (& ");
        out.push_str(ident);
        out.push(')');
        rest = &tail[END.len()..];
    }
    out.push_str(rest);
    out
}

/// The fields of `{ Ok(Self { f: value.f?, .. }) }`, if the block is exactly that.
fn question_mark_fields(block: &syn::Block) -> Option<Vec<syn::Member>> {
    let [syn::Stmt::Expr(syn::Expr::Call(call), None)] = block.stmts.as_slice() else { return None };
    let syn::Expr::Path(ok) = call.func.as_ref() else { return None };
    if !ok.path.is_ident("Ok") || call.args.len() != 1 {
        return None;
    }
    let syn::Expr::Struct(st) = &call.args[0] else { return None };
    if !st.path.is_ident("Self") || st.rest.is_some() {
        return None;
    }
    st.fields
        .iter()
        .map(|fv| {
            let syn::Expr::Try(t) = &fv.expr else { return None };
            let syn::Expr::Field(field) = t.expr.as_ref() else { return None };
            let from_value = matches!(field.base.as_ref(), syn::Expr::Path(p) if p.path.is_ident("value"));
            (from_value && field.member == fv.member).then(|| fv.member.clone())
        })
        .collect()
}

/// The name of an impl's self type (`impl X` / `impl Trait for X` → `X`).
pub fn self_name(imp: &syn::ItemImpl) -> Option<String> {
    match imp.self_ty.as_ref() {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn is_default_impl(imp: &syn::ItemImpl) -> bool {
    imp.trait_.as_ref().is_some_and(|(_, p, _)| p.segments.last().is_some_and(|s| s.ident == "Default"))
}

/// For every struct builder whose `Default` starts all fields as `Ok(..)`
/// (nothing required), implements `Default` for the struct itself with the
/// same initial values, unless it already has one.
pub fn default_when_nothing_is_required(file: &mut syn::File) {
    let Some(types) = types_module(file) else { return };
    let mut has_default: BTreeSet<String> = BTreeSet::new();
    for item in types.iter() {
        match item {
            syn::Item::Impl(imp) if is_default_impl(imp) => has_default.extend(self_name(imp)),
            syn::Item::Struct(s)
                if s.attrs
                    .iter()
                    .any(|a| a.path().is_ident("derive") && a.meta.to_token_stream_string().contains("Default")) =>
            {
                has_default.insert(s.ident.to_string());
            }
            _ => {}
        }
    }
    let Some(builder) = builder_module(types) else { return };
    let mut added: Vec<syn::Item> = Vec::new();
    for item in builder.iter() {
        let syn::Item::Impl(imp) = item else { continue };
        let Some(name) = self_name(imp).filter(|n| is_default_impl(imp) && !has_default.contains(n)) else { continue };
        let Some(fields) = initial_fields(imp) else { continue };
        let inits: Option<Vec<syn::FieldValue>> = fields
            .into_iter()
            .map(|mut fv| {
                let syn::Expr::Call(call) = &fv.expr else { return None };
                let is_ok = matches!(call.func.as_ref(), syn::Expr::Path(p) if p.path.is_ident("Ok"));
                if !is_ok || call.args.len() != 1 {
                    return None;
                }
                fv.expr = call.args[0].clone();
                Some(fv)
            })
            .collect();
        let Some(inits) = inits else { continue };
        let ident = syn::Ident::new(&name, proc_macro2::Span::call_site());
        added.push(syn::parse_quote! {
            impl ::std::default::Default for super::#ident {
                fn default() -> Self {
                    Self { #(#inits),* }
                }
            }
        });
    }
    builder.extend(added);
}

/// The field initialisers of `fn default() -> Self { Self { .. } }`.
fn initial_fields(imp: &syn::ItemImpl) -> Option<Vec<syn::FieldValue>> {
    imp.items.iter().find_map(|i| match i {
        syn::ImplItem::Fn(f) if f.sig.ident == "default" => match f.block.stmts.last()? {
            syn::Stmt::Expr(syn::Expr::Struct(s), None) => Some(s.fields.iter().cloned().collect()),
            _ => None,
        },
        _ => None,
    })
}

/// `U` of `Option<U>` (also `::std::option::Option<U>`).
pub fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(a) if a.args.len() == 1 => match a.args.first()? {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// `T` of `Result<T, E>`.
fn result_ok(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => match a.args.first()? {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// The name of a setter for field `field` (`r#type` → `set_type`).
pub fn set_name(field: &syn::Ident) -> syn::Ident {
    quote::format_ident!("set_{}", field.to_string().trim_start_matches("r#"))
}

/// Every builder struct (typify's in `types::builder`, progenitor's in
/// `builder`) with fields `Result<Option<U>, String>`: its setter `x`
/// takes anything that converts into `U` and sets `Some`, and a new
/// `set_x(Option<U>)` sets or clears the field. Required fields keep
/// their setter as it is.
pub fn plain_setters(file: &mut syn::File) {
    let mut modules: Vec<&mut Vec<syn::Item>> = Vec::new();
    for item in file.items.iter_mut() {
        let syn::Item::Mod(m) = item else { continue };
        let Some((_, items)) = m.content.as_mut() else { continue };
        if m.ident == "builder" {
            modules.push(items);
        } else if m.ident == "types" {
            for inner in items.iter_mut() {
                if let syn::Item::Mod(b) = inner {
                    if b.ident == "builder" {
                        if let Some((_, items)) = b.content.as_mut() {
                            modules.push(items);
                        }
                    }
                }
            }
        }
    }
    for items in modules {
        // struct name → optional fields and their inner types
        let mut optional: std::collections::BTreeMap<String, Vec<(syn::Ident, syn::Type)>> = Default::default();
        for item in items.iter() {
            let syn::Item::Struct(st) = item else { continue };
            let fields = st
                .fields
                .iter()
                .filter_map(|f| {
                    let inner = option_inner(result_ok(&f.ty)?)?;
                    Some((f.ident.clone()?, inner.clone()))
                })
                .collect();
            optional.insert(st.ident.to_string(), fields);
        }
        for item in items.iter_mut() {
            let syn::Item::Impl(imp) = item else { continue };
            if imp.trait_.is_some() {
                continue;
            }
            let Some(fields) = self_name(imp).and_then(|n| optional.get(&n)) else { continue };
            let existing: BTreeSet<String> = imp
                .items
                .iter()
                .filter_map(|i| match i {
                    syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                    _ => None,
                })
                .collect();
            let mut added: Vec<syn::ImplItem> = Vec::new();
            for (field, inner) in fields {
                if !existing.contains(&field.to_string()) {
                    continue;
                }
                // typify's setter wants `TryInto<Option<U>>`: make it `TryInto<U>`.
                for i in imp.items.iter_mut() {
                    let syn::ImplItem::Fn(f) = i else { continue };
                    if f.sig.ident != *field {
                        continue;
                    }
                    let wants_option = f.sig.generics.where_clause.as_ref().is_some_and(|w| {
                        w.predicates.iter().any(|p| quote::ToTokens::to_token_stream(p).to_string().contains("Option"))
                    });
                    if wants_option {
                        let attrs = f.attrs.clone();
                        let label = field.to_string();
                        *f = syn::parse_quote! {
                            #(#attrs)*
                            pub fn #field<T>(mut self, value: T) -> Self
                            where
                                T: ::std::convert::TryInto<#inner>,
                                T::Error: ::std::fmt::Display,
                            {
                                self.#field = value
                                    .try_into()
                                    .map(::std::option::Option::Some)
                                    .map_err(|e| format!("error converting supplied value for {}: {e}", #label));
                                self
                            }
                        };
                    }
                }
                let setter = set_name(field);
                if existing.contains(&setter.to_string()) {
                    continue;
                }
                added.push(syn::parse_quote! {
                    pub fn #setter(mut self, value: ::std::option::Option<#inner>) -> Self {
                        self.#field = Ok(value);
                        self
                    }
                });
            }
            imp.items.extend(added);
        }
    }
}

/// `(rename, default)` of a field's `#[serde(..)]`: the wire name, and
/// `Some(None)` for `default`, `Some(Some(path))` for `default = "path"`.
fn serde_field_attrs(attrs: &[syn::Attribute]) -> (Option<String>, Option<Option<syn::ExprPath>>) {
    let (mut rename, mut default) = (None, None);
    for a in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = a.parse_nested_meta(|m| {
            if m.path.is_ident("rename") {
                let lit: syn::LitStr = m.value()?.parse()?;
                rename = Some(lit.value());
            } else if m.path.is_ident("default") {
                if m.input.peek(syn::Token![=]) {
                    let lit: syn::LitStr = m.value()?.parse()?;
                    default = Some(lit.parse::<syn::ExprPath>().ok());
                } else {
                    default = Some(None);
                }
            } else if m.input.peek(syn::Token![=]) {
                let _: syn::Expr = m.value()?.parse()?;
            }
            Ok(())
        });
    }
    (rename, default)
}

/// The last path segment's name and its type arguments.
fn last_segment(ty: &syn::Type) -> Option<(String, Vec<syn::Type>)> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let args = match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
        _ => vec![],
    };
    Some((last.ident.to_string(), args))
}

/// Whether `crate::private::lenient::Lenient` is implemented for `ty` (primitives,
/// `Value`, vectors, string-keyed maps and boxes of such, and the
/// generated types in `lenient_types`).
fn has_lenient(ty: &syn::Type, lenient_types: &BTreeSet<String>) -> bool {
    let Some((name, args)) = last_segment(ty) else { return false };
    match name.as_str() {
        "String" | "bool" | "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "f32" | "f64" | "Value" => {
            args.is_empty()
        }
        "Vec" | "Box" => args.len() == 1 && has_lenient(&args[0], lenient_types),
        "Map" => args.len() == 2 && last_segment(&args[1]).is_some_and(|(n, _)| n == "Value"),
        "BTreeMap" | "HashMap" => {
            args.len() == 2
                && last_segment(&args[0]).is_some_and(|(n, _)| n == "String")
                && has_lenient(&args[1], lenient_types)
        }
        other => args.is_empty() && lenient_types.contains(other),
    }
}

/// Every object type that keeps unknown fields (a flattened `extra` map)
/// gets a `Deserialize` that reads each field through
/// `crate::private::lenient::Field`: a value that does not fit leaves an optional
/// field unset (or at its default) and is kept in `extra` under its wire
/// name; a required field that is missing or does not fit is still an
/// error. Every generated type gets `crate::private::lenient::Lenient` (objects read
/// maps directly, open enums read strings directly, the rest go through
/// `serde_json::Value`). Serialising is unchanged.
pub fn lenient_decoding(file: &mut syn::File, enums: &[StringEnum]) {
    let Some(types) = types_module(file) else { return };
    let open_enums: BTreeSet<String> = enums.iter().map(|e| e.ident.to_string()).collect();
    let is_extra =
        |f: &syn::Field| f.ident.as_ref().is_some_and(|i| i == "extra") && has_serde_flag(&f.attrs, "flatten");
    let mut objects: BTreeSet<String> = BTreeSet::new();
    let mut buffered: BTreeSet<String> = BTreeSet::new();
    let mut lenient_types: BTreeSet<String> = BTreeSet::new();
    for item in types.iter() {
        match item {
            syn::Item::Struct(s) => {
                let d = derives(&s.attrs);
                let serde_both =
                    d.iter().any(|p| p.ends_with("Deserialize")) && d.iter().any(|p| p.ends_with("Serialize"));
                if !serde_both {
                    continue;
                }
                lenient_types.insert(s.ident.to_string());
                if s.fields.iter().any(is_extra) && matches!(s.fields, syn::Fields::Named(_)) {
                    objects.insert(s.ident.to_string());
                    // A required field can still fail the object; nested in
                    // another answer, it is then read through a buffer so the
                    // failure stays local (kept raw) instead of failing the whole.
                    let has_required = s.fields.iter().any(|f| {
                        !is_extra(f) && option_inner(&f.ty).is_none() && serde_field_attrs(&f.attrs).1.is_none()
                    });
                    if has_required {
                        buffered.insert(s.ident.to_string());
                    }
                }
            }
            syn::Item::Enum(e) => {
                let d = derives(&e.attrs);
                let serde_both =
                    d.iter().any(|p| p.ends_with("Deserialize")) && d.iter().any(|p| p.ends_with("Serialize"));
                if serde_both || open_enums.contains(&e.ident.to_string()) {
                    lenient_types.insert(e.ident.to_string());
                }
            }
            _ => {}
        }
    }
    let mut added: Vec<syn::Item> = Vec::new();
    for item in types.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let name = s.ident.to_string();
        if !objects.contains(&name) {
            continue;
        }
        let ident = s.ident.clone();
        // serde's derive (in `remote` form: it builds `Self` directly) reads
        // the keys and the unknown ones into `extra`; each known field goes
        // through a decoder of ours that reads `crate::private::lenient::Field` and
        // stashes a value that does not fit, which `extra` takes at the end.
        let mut wire_fields: Vec<TokenStream> = Vec::new();
        let mut decoders: Vec<TokenStream> = Vec::new();
        for f in s.fields.iter() {
            let Some(fi) = f.ident.clone() else { continue };
            let ty = &f.ty;
            if is_extra(f) {
                wire_fields.push(quote::quote! {
                    #[serde(flatten)]
                    #fi: #ty,
                });
                continue;
            }
            let (rename, default) = serde_field_attrs(&f.attrs);
            let wire = rename.unwrap_or_else(|| fi.to_string().trim_start_matches("r#").to_string());
            let (inner, optional) = match option_inner(&f.ty) {
                Some(t) => (t.clone(), true),
                None => (f.ty.clone(), false),
            };
            let direct = has_lenient(&inner, &lenient_types);
            let read_ty: syn::Type =
                if direct { inner.clone() } else { syn::parse_quote!(crate::private::lenient::ViaValue<#inner>) };
            let unwrap = if direct { quote::quote!() } else { quote::quote!(.map(|v| v.0)) };
            let unwrap_required = if direct { quote::quote!() } else { quote::quote!(.0) };
            let decoder = quote::format_ident!("lenient_field_{}", decoders.len());
            let decoder_name = decoder.to_string();
            let read = quote::quote! {
                let field = <crate::private::lenient::Field<#read_ty> as ::serde::Deserialize>::deserialize(deserializer)?;
            };
            let (body, default_attr) = match (optional, default) {
                (true, _) => (
                    quote::quote! { Ok(crate::private::lenient::optional(field, #name, #wire) #unwrap) },
                    quote::quote!(default,),
                ),
                (false, Some(default)) => {
                    let (call, attr) = match default {
                        Some(path) => {
                            let text = quote::ToTokens::to_token_stream(&path).to_string().replace(' ', "");
                            (quote::quote!(#path), quote::quote!(default = #text,))
                        }
                        None => (quote::quote!(::std::default::Default::default), quote::quote!(default,)),
                    };
                    // The default is only left out of the output when the
                    // field skips it; otherwise a raw value kept in `extra`
                    // would be sent twice, so it stays an error.
                    let skips_default = f.attrs.iter().any(|a| {
                        a.path().is_ident("serde")
                            && quote::ToTokens::to_token_stream(a).to_string().contains("skip_serializing_if")
                    });
                    let body = if skips_default {
                        quote::quote! { Ok(crate::private::lenient::optional(field, #name, #wire) #unwrap .unwrap_or_else(#call)) }
                    } else {
                        quote::quote! {
                            match field {
                                crate::private::lenient::Field::Missing => Ok(#call()),
                                some => Ok(crate::private::lenient::required::<_, D::Error>(some, #name, #wire)? #unwrap_required),
                            }
                        }
                    };
                    (body, attr)
                }
                (false, None) => (
                    quote::quote! { Ok(crate::private::lenient::required::<_, D::Error>(field, #name, #wire)? #unwrap_required) },
                    quote::quote!(),
                ),
            };
            decoders.push(quote::quote! {
                fn #decoder<'de, D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<#ty, D::Error> {
                    #read
                    #body
                }
            });
            wire_fields.push(quote::quote! {
                #[serde(#default_attr rename = #wire, deserialize_with = #decoder_name)]
                #fi: #ty,
            });
        }
        // The struct keeps `Serialize` (and the rest); decoding is ours.
        for a in s.attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
            let kept: Vec<syn::Path> = a
                .parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                .map(|ps| {
                    ps.into_iter()
                        .filter(|p| {
                            !quote::ToTokens::to_token_stream(p).to_string().replace(' ', "").ends_with("Deserialize")
                        })
                        .collect()
                })
                .unwrap_or_default();
            *a = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
        added.push(syn::parse_quote! {
            impl<'de> ::serde::Deserialize<'de> for #ident {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    #(#decoders)*
                    #[derive(::serde::Deserialize)]
                    #[serde(remote = #name)]
                    struct Wire {
                        #(#wire_fields)*
                    }
                    let mark = crate::private::lenient::stash_mark();
                    match Wire::deserialize(deserializer) {
                        Ok(mut value) => {
                            crate::private::lenient::take_stashed(mark, Some(&mut value.extra));
                            Ok(value)
                        }
                        Err(e) => {
                            crate::private::lenient::take_stashed(mark, None);
                            Err(e)
                        }
                    }
                }
            }
        });
    }
    for name in &lenient_types {
        let ident = syn::Ident::new(name, proc_macro2::Span::call_site());
        added.push(if objects.contains(name) && !buffered.contains(name) {
            syn::parse_quote! {
                impl crate::private::lenient::Lenient for #ident {
                    fn from_map<'de, A: ::serde::de::MapAccess<'de>>(
                        map: A,
                    ) -> ::std::result::Result<crate::private::lenient::Field<Self>, A::Error> {
                        crate::private::lenient::object_from_map(map)
                    }
                }
            }
        } else if open_enums.contains(name) {
            syn::parse_quote! {
                impl crate::private::lenient::Lenient for #ident {
                    fn from_str(value: &str) -> ::std::option::Option<Self> {
                        Some(Self::from(value))
                    }
                    fn from_string(value: ::std::string::String) -> ::std::result::Result<Self, ::std::string::String> {
                        Ok(Self::from(value))
                    }
                }
            }
        } else {
            syn::parse_quote! {
                impl crate::private::lenient::Lenient for #ident {}
            }
        });
    }
    types.extend(added);
}

trait MetaString {
    fn to_token_stream_string(&self) -> String;
}

impl MetaString for syn::Meta {
    fn to_token_stream_string(&self) -> String {
        quote::ToTokens::to_token_stream(self).to_string()
    }
}

/// A string enum of the generated types: its name and `(variant, wire value)`s.
pub struct StringEnum {
    /// The type's name.
    pub ident: syn::Ident,
    /// Known variants with their wire values.
    pub variants: Vec<(syn::Ident, String)>,
    /// The variant that carries unknown values.
    pub unknown: syn::Ident,
}

/// The wire name from `#[serde(rename = "..")]`, if any.
pub fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().filter(|a| a.path().is_ident("serde")).find_map(|a| {
        let mut found = None;
        let _ = a.parse_nested_meta(|m| {
            if m.path.is_ident("rename") {
                let lit: syn::LitStr = m.value()?.parse()?;
                found = Some(lit.value());
            } else if m.input.peek(syn::Token![=]) {
                let _: syn::Expr = m.value()?.parse()?;
            }
            Ok(())
        });
        found
    })
}

fn derives(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .flat_map(|a| {
            a.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                .map(|ps| ps.iter().map(|p| quote::ToTokens::to_token_stream(p).to_string().replace(' ', "")).collect())
                .unwrap_or_else(|_| Vec::<String>::new())
        })
        .collect()
}

/// Makes every string enum of the generated types open: values the spec
/// does not list decode into an `Unknown(UnknownValue)` variant (`UnknownValue` if
/// the spec has a value called `Unknown`) and encode back unchanged. Known
/// values stay unit variants. typify's conversions are replaced by
/// infallible ones (`From<&str>`, `From<String>`, `FromStr`), and `as_str`,
/// `is_unknown` and `KNOWN` are added. Returns the enums rewritten.
pub fn open_string_enums(file: &mut syn::File, json_schema: bool) -> Vec<StringEnum> {
    let Some(types) = types_module(file) else { return vec![] };
    let mut found = Vec::new();
    for item in types.iter_mut() {
        let syn::Item::Enum(e) = item else { continue };
        let d = derives(&e.attrs);
        let is_string_enum = d.iter().any(|p| p.ends_with("Deserialize"))
            && !e.variants.is_empty()
            && e.variants.iter().all(|v| matches!(v.fields, syn::Fields::Unit))
            && !e.attrs.iter().any(|a| a.path().is_ident("serde"));
        if !is_string_enum {
            continue;
        }
        let variants: Vec<(syn::Ident, String)> = e
            .variants
            .iter()
            .map(|v| (v.ident.clone(), serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string())))
            .collect();
        let unknown_name = if variants.iter().any(|(i, _)| i == "Unknown") { "UnknownValue" } else { "Unknown" };
        let unknown = syn::Ident::new(unknown_name, proc_macro2::Span::call_site());
        for v in e.variants.iter_mut() {
            v.attrs.retain(|a| !a.path().is_ident("serde"));
        }
        e.variants.push(syn::parse_quote! {
            /// A value this version of the crate does not know, kept as sent
            /// (read it with `as_str()`). It cannot be built by hand: a value
            /// the spec lists always decodes to its own variant.
            #unknown(crate::UnknownValue)
        });
        e.attrs.retain(|a| !a.path().is_ident("derive"));
        e.attrs.push(syn::parse_quote!(#[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]));
        // Authlete adds values: a user's `match` must have a wildcard arm.
        e.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        found.push(StringEnum { ident: e.ident.clone(), variants, unknown });
    }
    // Drop typify's conversions for these enums; ours follow.
    let names: BTreeSet<String> = found.iter().map(|e| e.ident.to_string()).collect();
    types.retain(|item| match item {
        syn::Item::Impl(imp) => {
            let replaced = imp.trait_.as_ref().is_some_and(|(_, p, _)| {
                p.segments
                    .last()
                    .is_some_and(|s| ["Display", "FromStr", "TryFrom", "From"].contains(&s.ident.to_string().as_str()))
            });
            !(replaced && self_name(imp).is_some_and(|n| names.contains(&n)))
        }
        _ => true,
    });
    for e in &found {
        types.extend(enum_impls(e, json_schema));
    }
    found
}

fn enum_impls(e: &StringEnum, json_schema: bool) -> Vec<syn::Item> {
    let StringEnum { ident, variants, unknown } = e;
    let idents: Vec<&syn::Ident> = variants.iter().map(|(i, _)| i).collect();
    let values: Vec<&String> = variants.iter().map(|(_, v)| v).collect();
    let name = ident.to_string();
    let mut items: Vec<syn::Item> = vec![
        syn::parse_quote! {
            impl #ident {
                /// Every value the spec lists, as sent on the wire.
                pub const KNOWN: &'static [&'static str] = &[#(#values),*];
                /// The value as sent on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(Self::#idents => #values,)*
                        Self::#unknown(value) => value.as_str(),
                    }
                }
                /// Whether the value is one the spec does not list.
                pub fn is_unknown(&self) -> bool {
                    matches!(self, Self::#unknown(_))
                }
            }
        },
        syn::parse_quote! {
            impl ::std::fmt::Display for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
        },
        syn::parse_quote! {
            impl ::std::convert::From<&str> for #ident {
                fn from(value: &str) -> Self {
                    match value {
                        #(#values => Self::#idents,)*
                        other => Self::#unknown(crate::UnknownValue::new(other.to_string())),
                    }
                }
            }
        },
        syn::parse_quote! {
            impl ::std::convert::From<::std::string::String> for #ident {
                fn from(value: ::std::string::String) -> Self {
                    match value.as_str() {
                        #(#values => Self::#idents,)*
                        _ => Self::#unknown(crate::UnknownValue::new(value)),
                    }
                }
            }
        },
        syn::parse_quote! {
            impl ::std::convert::From<&::std::string::String> for #ident {
                fn from(value: &::std::string::String) -> Self {
                    Self::from(value.as_str())
                }
            }
        },
        syn::parse_quote! {
            impl ::std::str::FromStr for #ident {
                type Err = ::std::convert::Infallible;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    Ok(Self::from(value))
                }
            }
        },
        syn::parse_quote! {
            impl ::serde::Serialize for #ident {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }
        },
        syn::parse_quote! {
            impl<'de> ::serde::Deserialize<'de> for #ident {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    struct V;
                    impl ::serde::de::Visitor<'_> for V {
                        type Value = #ident;
                        fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            f.write_str("a string")
                        }
                        fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<#ident, E> {
                            Ok(#ident::from(value))
                        }
                        fn visit_string<E: ::serde::de::Error>(self, value: ::std::string::String) -> ::std::result::Result<#ident, E> {
                            Ok(#ident::from(value))
                        }
                    }
                    deserializer.deserialize_str(V)
                }
            }
        },
    ];
    if json_schema {
        items.push(syn::parse_quote! {
            impl ::schemars::JsonSchema for #ident {
                fn schema_name() -> ::std::string::String {
                    #name.to_string()
                }
                /// Any string: the known values are listed as examples, as the
                /// set is open.
                fn json_schema(_: &mut ::schemars::gen::SchemaGenerator) -> ::schemars::schema::Schema {
                    ::schemars::schema::SchemaObject {
                        instance_type: Some(::schemars::schema::InstanceType::String.into()),
                        metadata: Some(Box::new(::schemars::schema::Metadata {
                            examples: Self::KNOWN.iter().map(|v| ::serde_json::Value::from(*v)).collect(),
                            ..Default::default()
                        })),
                        ..Default::default()
                    }
                    .into()
                }
            }
        });
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    fn text(file: &syn::File) -> String {
        file.to_token_stream().to_string()
    }

    #[test]
    fn flattened_maps_start_empty_in_builders() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Thing {
                    pub name: String,
                    #[serde(flatten)]
                    pub extra: ::serde_json::Map<String, ::serde_json::Value>,
                }
                pub mod builder {
                    impl ::std::default::Default for Thing {
                        fn default() -> Self {
                            Self {
                                name: Err("no value supplied for name".to_string()),
                                extra: Err("no value supplied for extra".to_string()),
                            }
                        }
                    }
                }
            }
        };
        optional_flattened_maps(&mut file);
        let t = text(&file);
        assert!(t.contains("extra : Ok (Default :: default ())"), "{t}");
        assert!(t.contains("name : Err"), "required fields stay required: {t}");
    }

    #[test]
    fn types_with_nothing_required_get_default() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Optional { pub a: Option<String> }
                pub struct Required { pub b: String }
                #[derive(Default)]
                pub struct Derived { pub c: Option<String> }
                pub mod builder {
                    impl ::std::default::Default for Optional {
                        fn default() -> Self { Self { a: Ok(Default::default()) } }
                    }
                    impl ::std::default::Default for Required {
                        fn default() -> Self { Self { b: Err("no value supplied for b".to_string()) } }
                    }
                    impl ::std::default::Default for Derived {
                        fn default() -> Self { Self { c: Ok(Default::default()) } }
                    }
                }
            }
        };
        default_when_nothing_is_required(&mut file);
        let t = text(&file);
        assert_eq!(t.matches("for super :: Optional").count(), 1, "{t}");
        assert!(!t.contains("for super :: Required"), "{t}");
        assert!(!t.contains("for super :: Derived"), "already has Default: {t}");
    }

    #[test]
    fn string_enums_become_open() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
                pub enum Reason {
                    #[serde(rename = "INVALID")]
                    Invalid,
                    #[serde(rename = "UNKNOWN")]
                    Unknown,
                }
                impl ::std::fmt::Display for Reason {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { f.write_str("") }
                }
                impl ::std::convert::TryFrom<&str> for Reason {
                    type Error = String;
                    fn try_from(v: &str) -> Result<Self, String> { Err(v.into()) }
                }
                impl ::std::default::Default for Reason {
                    fn default() -> Self { Reason::Invalid }
                }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                #[serde(untagged)]
                pub enum Either { A(String), B(i64) }
            }
        };
        let enums = open_string_enums(&mut file, true);
        assert_eq!(enums.len(), 1, "only unit-variant string enums");
        assert_eq!(enums[0].unknown, "UnknownValue", "the spec already has a value named Unknown");
        let values: Vec<&str> = enums[0].variants.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(values, ["INVALID", "UNKNOWN"]);
        let t = text(&file);
        assert!(t.contains("UnknownValue (crate :: UnknownValue)"), "{t}");
        assert!(t.contains("# [non_exhaustive]"), "{t}");
        assert!(!t.contains("Copy"), "a String variant cannot be Copy: {t}");
        assert_eq!(t.matches("impl :: std :: fmt :: Display for Reason").count(), 1, "typify's Display replaced: {t}");
        assert!(!t.contains("type Error = String"), "typify's fallible conversion removed: {t}");
        assert!(t.contains("impl :: std :: default :: Default for Reason"), "other impls stay: {t}");
        assert!(t.contains("impl :: schemars :: JsonSchema for Reason"), "{t}");
        assert!(t.contains("untagged"), "non-string enums untouched: {t}");
    }
}
