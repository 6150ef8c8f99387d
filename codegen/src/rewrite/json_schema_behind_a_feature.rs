//! Rule `json_schema_behind_a_feature` (see ARCHITECTURE.md for why, beside the other rules).

use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;

/// Every `schemars::JsonSchema` of the generated code (typify's derives,
/// the opened enums' impls, schemars' own helper attributes) is compiled
/// only with the `authlete` crate's `schemars` feature, so one generated
/// file serves builds with and without it.
pub fn json_schema_behind_a_feature(file: &mut syn::File) -> usize {
    let mut v = Gate { changed: 0 };
    v.visit_file_mut(file);
    v.changed
}

struct Gate {
    changed: usize,
}

fn is_json_schema(path: &syn::Path) -> bool {
    let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    names.ends_with(&["schemars".to_string(), "JsonSchema".to_string()])
}

impl Gate {
    fn gate_attrs(&mut self, attrs: &mut Vec<syn::Attribute>) {
        let mut out = Vec::with_capacity(attrs.len() + 1);
        let mut gated = false;
        for attr in attrs.drain(..) {
            if attr.path().is_ident("schemars") {
                let syn::Meta::List(list) = &attr.meta else {
                    out.push(attr);
                    continue;
                };
                let tokens = &list.tokens;
                out.push(syn::parse_quote!(#[cfg_attr(feature = "schemars", schemars(#tokens))]));
                continue;
            }
            if !attr.path().is_ident("derive") {
                out.push(attr);
                continue;
            }
            let Ok(paths) = attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated) else {
                out.push(attr);
                continue;
            };
            let (schema, rest): (Vec<_>, Vec<_>) = paths.into_iter().partition(is_json_schema);
            if schema.is_empty() {
                out.push(attr);
                continue;
            }
            if !rest.is_empty() {
                out.push(syn::parse_quote!(#[derive(#(#rest),*)]));
            }
            out.push(syn::parse_quote!(#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]));
            gated = true;
        }
        *attrs = out;
        if gated {
            self.changed += 1;
        }
    }
}

impl VisitMut for Gate {
    fn visit_item_struct_mut(&mut self, s: &mut syn::ItemStruct) {
        self.gate_attrs(&mut s.attrs);
        syn::visit_mut::visit_item_struct_mut(self, s);
    }

    fn visit_item_enum_mut(&mut self, e: &mut syn::ItemEnum) {
        self.gate_attrs(&mut e.attrs);
        syn::visit_mut::visit_item_enum_mut(self, e);
    }

    fn visit_field_mut(&mut self, f: &mut syn::Field) {
        self.gate_attrs(&mut f.attrs);
    }

    fn visit_variant_mut(&mut self, v: &mut syn::Variant) {
        self.gate_attrs(&mut v.attrs);
        syn::visit_mut::visit_variant_mut(self, v);
    }

    fn visit_item_impl_mut(&mut self, i: &mut syn::ItemImpl) {
        let gate: syn::Attribute = syn::parse_quote!(#[cfg(feature = "schemars")]);
        let gated = |a: &syn::Attribute| a.to_token_stream().to_string() == gate.to_token_stream().to_string();
        if i.trait_.as_ref().is_some_and(|(_, path, _)| is_json_schema(path)) && !i.attrs.iter().any(gated) {
            i.attrs.push(gate);
            self.changed += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_helpers_and_impls_are_gated_and_the_rest_stays() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(Clone, Debug, ::schemars::JsonSchema, PartialEq)]
                pub struct A {
                    #[schemars(length(max = 3))]
                    pub a: String,
                }
                #[derive(Clone)]
                pub struct B;
                impl ::schemars::JsonSchema for C {}
                impl ::std::fmt::Display for C {}
            }
        };
        assert_eq!(json_schema_behind_a_feature(&mut file), 2);
        let text = file.to_token_stream().to_string();
        assert!(text.contains("# [derive (Clone , Debug , PartialEq)]"), "{text}");
        assert!(text.contains("# [cfg_attr (feature = \"schemars\" , derive (:: schemars :: JsonSchema))]"), "{text}");
        assert!(text.contains("# [cfg_attr (feature = \"schemars\" , schemars (length (max = 3)))]"), "{text}");
        assert!(text.contains("# [cfg (feature = \"schemars\")] impl :: schemars :: JsonSchema for C"), "{text}");
        assert_eq!(text.matches("schemars").count(), 6, "{text}");
    }

    #[test]
    fn code_without_json_schema_is_left_alone() {
        let mut file: syn::File = syn::parse_quote! {
            #[derive(Clone)]
            pub struct B;
        };
        assert_eq!(json_schema_behind_a_feature(&mut file), 0);
    }
}
