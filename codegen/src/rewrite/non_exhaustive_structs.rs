//! Rule `non_exhaustive_structs` (see ARCHITECTURE.md for why, beside the other rules).

use super::{builder_module, types_module};
use std::collections::BTreeSet;

/// Every struct of `types` that has a typify builder is
/// `#[non_exhaustive]`, and its builder gets `build()`. A revision that
/// adds a field to a schema (most revisions do) then adds a field to a
/// type no other crate can build with a struct literal: outside the crate,
/// types are built with `X::builder().a(..).build()` or `X::default()` and
/// field assignment, and matched with `X { a, .. }`, all of which keep
/// compiling (cargo-semver-checks: `constructible_struct_adds_field`
/// no longer applies).
pub fn non_exhaustive_structs(file: &mut syn::File) -> usize {
    let Some(types) = types_module(file) else { return 0 };
    let builders: BTreeSet<String> = builder_module(types)
        .map(|b| {
            b.iter()
                .filter_map(|i| match i {
                    syn::Item::Struct(s) => Some(s.ident.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let mut marked = Vec::new();
    for item in types.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        if !builders.contains(&s.ident.to_string()) || !matches!(s.fields, syn::Fields::Named(_)) {
            continue;
        }
        if !s.attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
            s.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        }
        marked.push(s.ident.clone());
    }
    let Some(builder) = builder_module(types) else { return 0 };
    for ident in &marked {
        let doc = format!(
            "Builds the [`{ident}`](super::{ident}).\n\n# Errors\nThe first required field left unset, or the first \
             value a setter could not convert, by field name."
        );
        builder.push(syn::parse_quote! {
            impl #ident {
                #[doc = #doc]
                pub fn build(self) -> ::std::result::Result<super::#ident, super::error::ConversionError> {
                    ::std::convert::TryFrom::try_from(self)
                }
            }
        });
    }
    marked.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rewrite::test_support::*;

    #[test]
    fn structs_with_builders_are_non_exhaustive_and_buildable() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Built { pub a: Option<String> }
                pub struct Newtype(pub String);
                pub struct Plain { pub b: Option<String> }
                pub mod builder {
                    pub struct Built { a: Result<Option<String>, String> }
                }
            }
        };
        assert_eq!(non_exhaustive_structs(&mut file), 1);
        let t = text(&file);
        assert!(t.contains("# [non_exhaustive] pub struct Built"), "{t}");
        assert!(!t.contains("# [non_exhaustive] pub struct Plain"), "no builder, left alone: {t}");
        assert!(!t.contains("# [non_exhaustive] pub struct Newtype"), "{t}");
        assert!(t.contains("pub fn build (self) -> :: std :: result :: Result < super :: Built"), "{t}");
    }

    #[test]
    fn a_file_without_types_is_unchanged() {
        assert_unchanged_by(non_exhaustive_structs, syn::parse_quote! { pub mod other {} });
    }
}
