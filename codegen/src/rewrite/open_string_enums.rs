//! Rule `open_string_enums` (see ARCHITECTURE.md for why, beside the other rules).

use super::{derives, self_name, serde_rename, types_module};
use std::collections::BTreeSet;

/// Makes every string enum of the generated types open: values the spec
/// does not list decode into an `Unknown(UnknownValue)` variant (`UnknownValue` if
/// the spec has a value called `Unknown`) and encode back unchanged. Known
/// values stay unit variants. typify's conversions are replaced by
/// infallible ones (`From<&str>`, `From<String>`, `FromStr`), and `as_str`,
/// `is_unknown` and `KNOWN` are added. Returns the enums rewritten.
pub fn open_string_enums(file: &mut syn::File) -> Vec<StringEnum> {
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
        types.extend(enum_impls(e));
    }
    found
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

fn enum_impls(e: &StringEnum) -> Vec<syn::Item> {
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
    // Behind the crate's `schemars` feature (rule `json_schema_behind_a_feature`).
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
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::rewrite::test_support::*;

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
        let enums = open_string_enums(&mut file);
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
