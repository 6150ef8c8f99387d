//! Rules applied to the syntax tree progenitor generates, for what cannot be
//! said in the spec. Like the normalisation rules, each is about a class of
//! generated item, never a named one. Used by `build.rs` only.
//!
//! | rule | why |
//! |---|---|
//! | [`optional_flattened_maps`] | typify's struct builders demand a value for the flattened map that keeps unknown fields (`extra`); an empty map is the right default |
//! | [`default_when_nothing_is_required`] | a type whose fields are all optional should have `Default` (`IdtokenReissueResponse::default()`); typify stops deriving it once the type keeps unknown fields |

use std::collections::BTreeSet;

use syn::visit_mut::VisitMut;

/// Applies every rule.
pub fn rewrite(file: &mut syn::File) {
    optional_flattened_maps(file);
    default_when_nothing_is_required(file);
}

fn types_module(file: &mut syn::File) -> Option<&mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
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

fn self_name(imp: &syn::ItemImpl) -> Option<String> {
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
    let Some(builder) = types.iter_mut().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return;
    };
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

trait MetaString {
    fn to_token_stream_string(&self) -> String;
}

impl MetaString for syn::Meta {
    fn to_token_stream_string(&self) -> String {
        quote::ToTokens::to_token_stream(self).to_string()
    }
}
