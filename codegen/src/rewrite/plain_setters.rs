//! Rule `plain_setters` (see ARCHITECTURE.md for why, beside the other rules).

use super::{option_inner, self_name};
use std::collections::BTreeSet;

/// Every builder struct (typify's in `types::builder`, progenitor's in
/// `builder`) with fields `Result<Option<U>, String>`: its setter `x`
/// takes anything that converts into `U` and sets `Some`, and a new
/// `set_x(Option<U>)` sets or clears the field. On a field the builder
/// starts unset (`Err(..)` in its `Default`: required, made an `Option` by
/// [`required_fields_are_options`](super::required_fields_are_options)),
/// `set_x(None)` unsets it again, so converting the builder still names it.
/// Required fields of other types keep their setter as it is.
pub fn plain_setters(file: &mut syn::File) -> usize {
    let mut changed = 0;
    let mut modules: Vec<&mut Vec<syn::Item>> = Vec::new();
    for item in file.items.iter_mut() {
        let syn::Item::Mod(m) = item else { continue };
        let Some((_, items)) = m.content.as_mut() else { continue };
        if m.ident == "builder" {
            modules.push(items);
        } else if m.ident == "types" {
            for inner in items.iter_mut() {
                if let syn::Item::Mod(b) = inner {
                    if b.ident == "builder" {
                        if let Some((_, items)) = b.content.as_mut() {
                            modules.push(items);
                        }
                    }
                }
            }
        }
    }
    for items in modules {
        // struct name → optional fields and their inner types
        let mut optional: std::collections::BTreeMap<String, Vec<(syn::Ident, syn::Type)>> = Default::default();
        for item in items.iter() {
            let syn::Item::Struct(st) = item else { continue };
            let fields = st
                .fields
                .iter()
                .filter_map(|f| {
                    let inner = option_inner(result_ok(&f.ty)?)?;
                    Some((f.ident.clone()?, inner.clone()))
                })
                .collect();
            optional.insert(st.ident.to_string(), fields);
        }
        let unset_at_start = super::unset_at_start(items);
        for item in items.iter_mut() {
            let syn::Item::Impl(imp) = item else { continue };
            if imp.trait_.is_some() {
                continue;
            }
            let Some(fields) = self_name(imp).and_then(|n| optional.get(&n)) else { continue };
            let existing: BTreeSet<String> = imp
                .items
                .iter()
                .filter_map(|i| match i {
                    syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                    _ => None,
                })
                .collect();
            let mut added: Vec<syn::ImplItem> = Vec::new();
            for (field, inner) in fields {
                if !existing.contains(&field.to_string()) {
                    continue;
                }
                // typify's setter wants `TryInto<Option<U>>`: make it `TryInto<U>`.
                for i in imp.items.iter_mut() {
                    let syn::ImplItem::Fn(f) = i else { continue };
                    if f.sig.ident != *field {
                        continue;
                    }
                    let wants_option = f.sig.generics.where_clause.as_ref().is_some_and(|w| {
                        w.predicates.iter().any(|p| quote::ToTokens::to_token_stream(p).to_string().contains("Option"))
                    });
                    if wants_option {
                        let attrs = f.attrs.clone();
                        let label = field.to_string();
                        *f = syn::parse_quote! {
                            #(#attrs)*
                            pub fn #field<T>(mut self, value: T) -> Self
                            where
                                T: ::std::convert::TryInto<#inner>,
                                T::Error: ::std::fmt::Display,
                            {
                                self.#field = value
                                    .try_into()
                                    .map(::std::option::Option::Some)
                                    .map_err(|e| format!("error converting supplied value for {}: {e}", #label));
                                self
                            }
                        };
                    }
                }
                let setter = set_name(field);
                if existing.contains(&setter.to_string()) {
                    continue;
                }
                let required = self_name(imp)
                    .and_then(|n| unset_at_start.get(&n))
                    .is_some_and(|fields| fields.contains_key(&field.to_string()));
                added.push(if required {
                    syn::parse_quote! {
                        pub fn #setter(mut self, value: ::std::option::Option<#inner>) -> Self {
                            self.#field = value.map(::std::option::Option::Some).ok_or_else(::std::string::String::new);
                            self
                        }
                    }
                } else {
                    syn::parse_quote! {
                        pub fn #setter(mut self, value: ::std::option::Option<#inner>) -> Self {
                            self.#field = Ok(value);
                            self
                        }
                    }
                });
            }
            changed += added.len();
            imp.items.extend(added);
        }
    }
    changed
}

/// `T` of `Result<T, E>`.
fn result_ok(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => match a.args.first()? {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// The name of a setter for field `field` (`r#type` → `set_type`).
pub fn set_name(field: &syn::Ident) -> syn::Ident {
    quote::format_ident!("set_{}", field.to_string().trim_start_matches("r#"))
}
