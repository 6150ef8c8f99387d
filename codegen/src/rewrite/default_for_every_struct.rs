//! Rule `default_for_every_struct` (see ARCHITECTURE.md for why, beside the other rules).

use super::{builder_module, is_default_impl, self_name, types_module, MetaString};
use std::collections::BTreeSet;

/// Every struct with a typify builder implements `Default` (unless it
/// already does), with its builder's initial values: `Ok(v)` gives `v`,
/// and a field the builder starts unset (required) is empty — an `Option`
/// after [`required_fields_are_options`](super::required_fields_are_options),
/// or an empty list or map. Whether a type has `Default` does not depend on
/// what its spec requires, so `Type { x, ..Default::default() }` inside the
/// crate and `Default` + field assignment outside it keep building when a
/// spec revision requires a field or stops requiring one.
pub fn default_for_every_struct(file: &mut syn::File) -> usize {
    let Some(types) = types_module(file) else { return 0 };
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
    let Some(builder) = builder_module(types) else { return 0 };
    let mut added: Vec<syn::Item> = Vec::new();
    for item in builder.iter() {
        let syn::Item::Impl(imp) = item else { continue };
        let Some(name) = self_name(imp).filter(|n| is_default_impl(imp) && !has_default.contains(n)) else { continue };
        let Some(fields) = initial_fields(imp) else { continue };
        let inits: Option<Vec<syn::FieldValue>> = fields
            .into_iter()
            .map(|mut fv| {
                let syn::Expr::Call(call) = &fv.expr else { return None };
                let outcome = match call.func.as_ref() {
                    syn::Expr::Path(p) => p.path.get_ident().map(ToString::to_string),
                    _ => None,
                }?;
                match outcome.as_str() {
                    "Ok" if call.args.len() == 1 => fv.expr = call.args[0].clone(),
                    "Err" => fv.expr = syn::parse_quote!(::std::default::Default::default()),
                    _ => return None,
                }
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
    let changed = added.len();
    builder.extend(added);
    changed
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

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::rewrite::test_support::*;

    #[test]
    fn every_struct_gets_default() {
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
        default_for_every_struct(&mut file);
        let t = text(&file);
        assert_eq!(t.matches("for super :: Optional").count(), 1, "{t}");
        assert!(t.contains("for super :: Required"), "{t}");
        assert!(t.contains("b : :: std :: default :: Default :: default ()"), "{t}");
        assert!(!t.contains("for super :: Derived"), "already has Default: {t}");
    }
}
