//! Tables of what was generated, for tests driven by the spec: every open
//! string enum with a decode/encode round trip, and a dispatch from a
//! component schema's name to its type. Emitted as `inventory` into the
//! test tables (`AUTHLETE_TEST_TABLES`), which only the crate's own tests
//! include.

use quote::quote;
use serde_json::Value;

use crate::rewrite::StringEnum;

use crate::emit::docs::type_name;

/// `file` is progenitor's output after the rewrite rules.
pub fn inventory(file: &syn::File, spec: &Value, enums: &[StringEnum]) -> String {
    let structs: Vec<String> = file
        .items
        .iter()
        .find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .map(|items| {
            items
                .iter()
                .filter_map(|i| match i {
                    syn::Item::Struct(s) => Some(s.ident.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let enum_rows = enums.iter().map(|e| {
        let ident = &e.ident;
        let name = ident.to_string();
        quote! {
            EnumEntry {
                name: #name,
                known: ::authlete::types::#ident::KNOWN,
                round_trip: |wire| {
                    let v: ::authlete::types::#ident = ::serde_json::from_value(::serde_json::Value::from(wire))
                        .map_err(|e| e.to_string())?;
                    let back = ::serde_json::to_value(&v).map_err(|e| e.to_string())?;
                    Ok((back, v.is_unknown()))
                },
            }
        }
    });
    let components: Vec<(String, syn::Ident)> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .keys()
                .filter_map(|k| {
                    let t = type_name(k);
                    structs.contains(&t).then(|| (k.clone(), syn::Ident::new(&t, proc_macro2::Span::call_site())))
                })
                .collect()
        })
        .unwrap_or_default();
    let arms = components.iter().map(|(k, t)| quote! { #k => Some(round_trip::<::authlete::types::#t>(value)), });
    let count = enums.len();
    let out = quote! {
        /// The generated types, for spec-driven tests.
        pub mod inventory {
            /// One open string enum.
            pub struct EnumEntry {
                /// The type's name.
                pub name: &'static str,
                /// The values the spec lists.
                pub known: &'static [&'static str],
                /// Decodes a wire value and encodes it again: `(encoded, is_unknown)`.
                pub round_trip: fn(&str) -> ::std::result::Result<(::serde_json::Value, bool), ::std::string::String>,
            }

            /// Every string enum of the generated types.
            pub const ENUMS: [EnumEntry; #count] = [#(#enum_rows),*];

            fn round_trip<T: ::serde::de::DeserializeOwned + ::serde::Serialize>(
                value: ::serde_json::Value,
            ) -> ::std::result::Result<::serde_json::Value, ::std::string::String> {
                let decoded: T = ::serde_json::from_value(value).map_err(|e| e.to_string())?;
                ::serde_json::to_value(&decoded).map_err(|e| e.to_string())
            }

            /// Decodes `value` as the type of component schema `component`
            /// and encodes it again; `None` if that schema has no struct type.
            pub fn round_trip_component(
                component: &str,
                value: ::serde_json::Value,
            ) -> ::std::option::Option<::std::result::Result<::serde_json::Value, ::std::string::String>> {
                match component {
                    #(#arms)*
                    _ => None,
                }
            }
        }
    };
    let file: syn::File = syn::parse2(out).expect("inventory is valid Rust");
    prettyplease::unparse(&file)
}
