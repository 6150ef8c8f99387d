//! Rule `optional_flattened_maps` (see ARCHITECTURE.md for why, beside the other rules).

use super::{has_serde_flag, types_module};
use std::collections::BTreeSet;
use syn::visit_mut::VisitMut;

/// In `types::builder`, the `Default` of a struct builder starts a
/// `#[serde(flatten)]` field as `Ok(Default::default())` instead of
/// "no value supplied".
pub fn optional_flattened_maps(file: &mut syn::File) -> usize {
    let Some(types) = types_module(file) else { return 0 };
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
    struct Fix<'a>(&'a BTreeSet<(String, String)>, usize);
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
            struct Fields<'a>(&'a BTreeSet<(String, String)>, String, usize);
            impl VisitMut for Fields<'_> {
                fn visit_field_value_mut(&mut self, fv: &mut syn::FieldValue) {
                    if let syn::Member::Named(field) = &fv.member {
                        if self.0.contains(&(self.1.clone(), field.to_string())) {
                            fv.expr = syn::parse_quote!(Ok(Default::default()));
                            self.2 += 1;
                        }
                    }
                }
            }
            let mut fields = Fields(self.0, name, 0);
            fields.visit_item_impl_mut(imp);
            self.1 += fields.2;
        }
    }
    let mut fix = Fix(&flattened, 0);
    for item in types.iter_mut() {
        if let syn::Item::Mod(m) = item {
            if m.ident == "builder" {
                fix.visit_item_mod_mut(m);
            }
        }
    }
    fix.1
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::rewrite::test_support::*;

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
}
