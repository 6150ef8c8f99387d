//! Rule `secrets_redacted_in_debug` (see ARCHITECTURE.md for why, beside the other rules).

use super::{derives, last_segment, serde_rename};
use proc_macro2::TokenStream;

/// Every struct deriving `Debug` with a secret field (by [`is_secret_name`]
/// on its serde wire name or its Rust name, and `is_text_type`) gets a
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

/// The last words of a field name that say it holds a credential or what
/// carries one: tokens, secrets, passwords, tickets, codes (authorization,
/// device, user, pre-authorized, transaction), assertions, code verifiers,
/// key sets (a service's `jwks` holds its private keys), a request's form
/// `parameters`, an answer's `responseContent` (the token response) and
/// hints (CIBA's `hint` may be a `login_hint_token`).
pub const SECRET_LAST_WORDS: [&str; 11] =
    ["token", "secret", "password", "ticket", "code", "assertion", "verifier", "jwks", "parameters", "content", "hint"];

/// Pairs of consecutive words that say the same anywhere in a name
/// (`accessTokenIdentifier` is the token; `sharedKeyForSign` is a key;
/// CIBA's `authReqId` is what the client polls the token endpoint with).
pub const SECRET_WORD_PAIRS: [(&str, &str); 4] =
    [("token", "identifier"), ("shared", "key"), ("private", "key"), ("req", "id")];

/// A word before the last that says the name is not a credential after all
/// (`resultCode` is Authlete's error code).
pub const NOT_SECRET_BEFORE_LAST: [&str; 1] = ["result"];

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

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::rewrite::test_support::*;

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
            "authReqId",
            "hint",
            "loginHint",
        ] {
            assert!(is_secret_name(name), "{name} is a secret");
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
            assert!(!is_secret_name(name), "{name} is no secret");
        }
        assert_eq!(name_words("accessTokenIdentifier"), ["access", "token", "identifier"]);
        assert_eq!(name_words("r#client_ID"), ["client", "id"]);
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
        assert_eq!(secrets_redacted_in_debug(&mut file), 2);
        let text = quote::quote!(#file).to_string().replace(' ', "");
        assert!(text.contains("#[derive(Clone,Default)]pubstructAnswer"), "{text}");
        assert!(
            text.contains(r#".field("access_token",&crate::private::redact::Redacted(&self.access_token))"#),
            "{text}"
        );
        assert!(text.contains(r#".field("client_secret_expires_at",&self.client_secret_expires_at)"#), "{text}");
        assert!(text.contains(r#".field("subject",&self.subject)"#), "{text}");
        assert!(text.contains(r#".field("extra",&crate::private::redact::Redacted(&self.extra))"#), "{text}");
        assert!(text.contains("#[derive(Clone,Debug)]pubstructPlain"), "untouched: {text}");
        assert!(text.contains("impl<'a>::std::fmt::DebugforDelete<'a>"), "{text}");
    }
}
