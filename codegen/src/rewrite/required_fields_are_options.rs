//! Rule `required_fields_are_options` (see ARCHITECTURE.md for why, beside the other rules).

use super::{builder_module, constructor_mut, last_segment, member_name, self_name};
use super::{option_inner, types_module};
use std::collections::{BTreeMap, BTreeSet};

/// A field's Rust type does not say whether the spec lists it as required:
/// typify types a required field `T` and an optional one `Option<T>`, so a
/// spec that relaxes a request field (or tightens one) would change the
/// type. For every struct of `types` with a typify builder, each field the
/// builder's `Default` starts as `Err(..)` (typify's mark of a required
/// field) and whose type is not already absent-able (`Option`, `Vec`, a
/// map) becomes `Option<T>`, skipped when `None` on the wire, as optional
/// fields are (a required list or map reads absent as empty: `#[serde(default)]`).
/// The builder keeps checking it: its field becomes
/// `Result<Option<T>, String>` still starting unset, its setter sets
/// `Some`, and converting a struct back into a builder leaves a `None`
/// field unset (`set_x(None)` unsets too: rule `plain_setters`).
pub fn required_fields_are_options(file: &mut syn::File) -> usize {
    let Some(types) = types_module(file) else { return 0 };
    // Each builder's required fields (the `Err(..)` of its `Default`).
    let required = builder_module(types).map(|b| super::unset_at_start(b)).unwrap_or_default();
    // The model structs: `T` → `Option<T>`.
    let mut wrapped: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in types.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let Some(names) = required.get(&s.ident.to_string()) else { continue };
        let syn::Fields::Named(fields) = &mut s.fields else { continue };
        for f in fields.named.iter_mut() {
            let Some(ident) = f.ident.as_ref().map(ToString::to_string) else { continue };
            if !names.contains_key(&ident) {
                continue;
            }
            if absent_able(&f.ty) {
                // A required list or map absent on the wire is empty, as an optional one.
                if option_inner(&f.ty).is_none() && !super::has_serde_flag(&f.attrs, "default") {
                    add_to_serde(&mut f.attrs, quote::quote!(default));
                }
                continue;
            }
            let ty = f.ty.clone();
            f.ty = syn::parse_quote!(::std::option::Option<#ty>);
            skip_when_none(&mut f.attrs);
            wrapped.entry(s.ident.to_string()).or_default().insert(ident);
        }
    }
    let Some(builder) = builder_module(types) else { return 0 };
    let mut changed = 0;
    for item in builder.iter_mut() {
        match item {
            // The builder's field: `Result<T, String>` → `Result<Option<T>, String>`.
            syn::Item::Struct(s) => {
                let Some(names) = wrapped.get(&s.ident.to_string()) else { continue };
                for f in s.fields.iter_mut() {
                    if f.ident.as_ref().is_some_and(|i| names.contains(&i.to_string())) {
                        if let Some(ok) = result_ok_mut(&mut f.ty) {
                            let inner = ok.clone();
                            *ok = syn::parse_quote!(::std::option::Option<#inner>);
                            changed += 1;
                        }
                    }
                }
            }
            syn::Item::Impl(imp) => {
                let Some(names) = self_name(imp).and_then(|n| wrapped.get(&n)) else { continue };
                if imp.trait_.is_none() {
                    // Setters: `value.try_into().map_err(..)` → `.map(Some)` before `map_err`.
                    for i in imp.items.iter_mut() {
                        let syn::ImplItem::Fn(f) = i else { continue };
                        if names.contains(&f.sig.ident.to_string()) {
                            wrap_setter(f);
                        }
                    }
                } else if is_from_model(imp) {
                    let Some(init) = constructor_mut(imp, "from") else { continue };
                    for fv in init.fields.iter_mut() {
                        let field = member_name(&fv.member);
                        if names.contains(&field) {
                            let syn::Member::Named(ident) = &fv.member else { continue };
                            fv.expr = syn::parse_quote!(
                                value.#ident.map(::std::option::Option::Some).ok_or_else(::std::string::String::new)
                            );
                        }
                    }
                }
            }
            _ => {}
        }
    }
    changed
}

/// `Option<_>`, `Vec<_>` or a map: absent on the wire is a value of the type.
fn absent_able(ty: &syn::Type) -> bool {
    option_inner(ty).is_some()
        || last_segment(ty).is_some_and(|(name, _)| matches!(name.as_str(), "Vec" | "BTreeMap" | "HashMap" | "Map"))
}

fn skip_when_none(attrs: &mut Vec<syn::Attribute>) {
    add_to_serde(attrs, quote::quote!(skip_serializing_if = "::std::option::Option::is_none"));
}

fn add_to_serde(attrs: &mut Vec<syn::Attribute>, skip: proc_macro2::TokenStream) {
    for a in attrs.iter_mut() {
        if !a.path().is_ident("serde") {
            continue;
        }
        if let syn::Meta::List(list) = &mut a.meta {
            let tokens = list.tokens.clone();
            list.tokens = quote::quote!(#tokens, #skip);
            return;
        }
    }
    attrs.push(syn::parse_quote!(#[serde(#skip)]));
}

fn result_ok_mut(ty: &mut syn::Type) -> Option<&mut syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last_mut()?;
    if last.ident != "Result" {
        return None;
    }
    match &mut last.arguments {
        syn::PathArguments::AngleBracketed(a) => match a.args.first_mut()? {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// `self.x = value.try_into().map_err(..)` → `self.x = value.try_into().map(Some).map_err(..)`.
fn wrap_setter(f: &mut syn::ImplItemFn) {
    for stmt in f.block.stmts.iter_mut() {
        let syn::Stmt::Expr(syn::Expr::Assign(assign), _) = stmt else { continue };
        let syn::Expr::MethodCall(map_err) = assign.right.as_mut() else { continue };
        if map_err.method != "map_err" {
            continue;
        }
        let receiver = map_err.receiver.clone();
        map_err.receiver = syn::parse_quote!(#receiver.map(::std::option::Option::Some));
    }
}

/// `impl From<super::X> for X` (a model into its builder).
fn is_from_model(imp: &syn::ItemImpl) -> bool {
    imp.trait_.as_ref().is_some_and(|(_, p, _)| p.segments.last().is_some_and(|s| s.ident == "From"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rewrite::test_support::*;

    fn typify_shape() -> syn::File {
        syn::parse_quote! {
            pub mod types {
                pub struct Req {
                    #[serde(rename = "accessToken")]
                    pub access_token: ::std::string::String,
                    pub scopes: ::std::vec::Vec<::std::string::String>,
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub sub: ::std::option::Option<::std::string::String>,
                }
                pub mod builder {
                    pub struct Req {
                        access_token: ::std::result::Result<::std::string::String, ::std::string::String>,
                        scopes: ::std::result::Result<::std::vec::Vec<::std::string::String>, ::std::string::String>,
                        sub: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                    }
                    impl ::std::default::Default for Req {
                        fn default() -> Self {
                            Self {
                                access_token: Err("no value supplied for access_token".to_string()),
                                scopes: Err("no value supplied for scopes".to_string()),
                                sub: Ok(Default::default()),
                            }
                        }
                    }
                    impl Req {
                        pub fn access_token<T>(mut self, value: T) -> Self
                        where T: ::std::convert::TryInto<::std::string::String>, T::Error: ::std::fmt::Display {
                            self.access_token = value.try_into().map_err(|e| format!("error: {e}"));
                            self
                        }
                    }
                    impl ::std::convert::From<super::Req> for Req {
                        fn from(value: super::Req) -> Self {
                            Self { access_token: Ok(value.access_token), scopes: Ok(value.scopes), sub: Ok(value.sub) }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn required_scalars_become_options_and_stay_checked() {
        let mut file = typify_shape();
        assert_eq!(required_fields_are_options(&mut file), 1);
        let t = text(&file);
        assert!(t.contains("pub access_token : :: std :: option :: Option < :: std :: string :: String >"), "{t}");
        assert!(t.contains("rename = \"accessToken\" , skip_serializing_if"), "{t}");
        assert!(
            t.contains(
                "access_token : :: std :: result :: Result < :: std :: option :: Option < :: std :: string :: String >"
            ),
            "{t}"
        );
        assert!(t.contains("value . try_into () . map (:: std :: option :: Option :: Some) . map_err"), "{t}");
        assert!(
            t.contains("access_token : value . access_token . map (:: std :: option :: Option :: Some) . ok_or_else"),
            "{t}"
        );
        // Still unset until set: the builder checks it.
        assert!(t.contains("access_token : Err (\"no value supplied for access_token\""), "{t}");
        // A required list is already absent-able: its type stays, absent reads as empty.
        assert!(t.contains("# [serde (default)] pub scopes : :: std :: vec :: Vec"), "{t}");
        assert!(t.contains("scopes : Ok (value . scopes)"), "{t}");
    }

    #[test]
    fn structs_without_required_fields_are_left_alone() {
        let file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Opt { pub a: ::std::option::Option<String> }
                pub mod builder {
                    impl ::std::default::Default for Opt {
                        fn default() -> Self { Self { a: Ok(Default::default()) } }
                    }
                }
            }
        };
        assert_unchanged_by(required_fields_are_options, file);
    }
}
