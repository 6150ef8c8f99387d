//! Rules applied to the syntax tree progenitor generates, for what cannot be
//! said in the spec. Like the normalisation rules, each is about a class of
//! generated item, never a named one. Used by `build.rs` only.
//!
//! | rule | why |
//! |---|---|
//! | [`optional_flattened_maps`] | typify's struct builders demand a value for the flattened map that keeps unknown fields (`extra`); an empty map is the right default |

use std::collections::BTreeSet;

use syn::visit_mut::VisitMut;

/// Applies every rule.
pub fn rewrite(file: &mut syn::File) {
    optional_flattened_maps(file);
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
