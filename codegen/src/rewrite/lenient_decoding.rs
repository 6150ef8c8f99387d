//! Rule `lenient_decoding` (see ARCHITECTURE.md for why, beside the other rules).

use super::{derives, has_serde_flag, last_segment, open_string_enums::StringEnum, option_inner, types_module};
use proc_macro2::TokenStream;
use std::collections::{BTreeMap, BTreeSet};

/// Every object type that keeps unknown fields (a flattened `extra` map)
/// gets a `Deserialize` that reads each field through
/// `crate::private::lenient::Field`: a value that does not fit leaves an optional
/// field unset (or at its default) and is kept in `extra` under its wire
/// name; a required field that is missing or does not fit is still an
/// error. Every generated type gets `crate::private::lenient::Lenient` (objects read
/// maps directly, open enums read strings directly, the rest go through
/// `serde_json::Value`). Serialising is unchanged.
pub fn lenient_decoding(file: &mut syn::File, enums: &[StringEnum]) -> usize {
    let Some(types) = types_module(file) else { return 0 };
    let open_enums: BTreeSet<String> = enums.iter().map(|e| e.ident.to_string()).collect();
    let is_extra =
        |f: &syn::Field| f.ident.as_ref().is_some_and(|i| i == "extra") && has_serde_flag(&f.attrs, "flatten");
    let mut objects: BTreeSet<String> = BTreeSet::new();
    let mut buffered: BTreeSet<String> = BTreeSet::new();
    let mut lenient_types: BTreeSet<String> = BTreeSet::new();
    for item in types.iter() {
        match item {
            syn::Item::Struct(s) => {
                let d = derives(&s.attrs);
                let serde_both =
                    d.iter().any(|p| p.ends_with("Deserialize")) && d.iter().any(|p| p.ends_with("Serialize"));
                if !serde_both {
                    continue;
                }
                lenient_types.insert(s.ident.to_string());
                if s.fields.iter().any(is_extra) && matches!(s.fields, syn::Fields::Named(_)) {
                    objects.insert(s.ident.to_string());
                    // A required field can still fail the object; nested in
                    // another answer, it is then read through a buffer so the
                    // failure stays local (kept raw) instead of failing the whole.
                    let has_required = s.fields.iter().any(|f| {
                        !is_extra(f) && option_inner(&f.ty).is_none() && serde_field_attrs(&f.attrs).1.is_none()
                    });
                    if has_required {
                        buffered.insert(s.ident.to_string());
                    }
                }
            }
            syn::Item::Enum(e) => {
                let d = derives(&e.attrs);
                let serde_both =
                    d.iter().any(|p| p.ends_with("Deserialize")) && d.iter().any(|p| p.ends_with("Serialize"));
                if serde_both || open_enums.contains(&e.ident.to_string()) {
                    lenient_types.insert(e.ident.to_string());
                }
            }
            _ => {}
        }
    }
    let mut added: Vec<syn::Item> = Vec::new();
    for item in types.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let name = s.ident.to_string();
        if !objects.contains(&name) {
            continue;
        }
        let ident = s.ident.clone();
        // A visitor of our own: each key is matched to a field's number
        // without copying it, each known field is read into a
        // `crate::private::lenient::Field` slot, an unknown key goes
        // straight into `extra`, and a value that does not fit joins it
        // when the object is built.
        let mut slots: Vec<TokenStream> = Vec::new();
        let mut arms: Vec<TokenStream> = Vec::new();
        let mut by_length: BTreeMap<usize, Vec<TokenStream>> = BTreeMap::new();
        let mut values: Vec<TokenStream> = Vec::new();
        let mut extra_field: Option<syn::Ident> = None;
        for f in s.fields.iter() {
            let Some(fi) = f.ident.clone() else { continue };
            if is_extra(f) {
                assert!(
                    last_segment(&f.ty).is_some_and(|(n, _)| n == "Map"),
                    "rule lenient_decoding: `{name}.extra` is not a `serde_json::Map`; the decoder puts raw values in one"
                );
                extra_field = Some(fi);
                continue;
            }
            let (rename, default) = serde_field_attrs(&f.attrs);
            let wire = rename.unwrap_or_else(|| fi.to_string().trim_start_matches("r#").to_string());
            let (inner, optional) = match option_inner(&f.ty) {
                Some(t) => (t.clone(), true),
                None => (f.ty.clone(), false),
            };
            let direct = has_lenient(&inner, &lenient_types);
            let read_ty: syn::Type =
                if direct { inner.clone() } else { syn::parse_quote!(crate::private::lenient::ViaValue<#inner>) };
            let unwrap = if direct { quote::quote!() } else { quote::quote!(.map(|v| v.0)) };
            let unwrap_required = if direct { quote::quote!() } else { quote::quote!(.0) };
            let slot = quote::format_ident!("field_{}", slots.len());
            let number = proc_macro2::Literal::usize_unsuffixed(slots.len());
            slots.push(quote::quote! {
                let mut #slot: crate::private::lenient::Field<#read_ty> = crate::private::lenient::Field::Missing;
            });
            arms.push(quote::quote! {
                crate::private::lenient::Key::Known(#number) => crate::private::lenient::read(&mut map, &mut #slot, #wire)?,
            });
            by_length
                .entry(wire.len())
                .or_default()
                .push(quote::quote!(#wire => ::std::option::Option::Some(#number),));
            let value = match (optional, default) {
                (true, _) => {
                    quote::quote! { crate::private::lenient::optional(#slot, &mut kept, #name, #wire) #unwrap }
                }
                (false, Some(default)) => {
                    let call = match default {
                        Some(path) => quote::quote!(#path),
                        None => quote::quote!(::std::default::Default::default),
                    };
                    // The default is only left out of the output when the
                    // field skips it; otherwise a raw value kept in `extra`
                    // would be sent twice, so it stays an error.
                    let skips_default = f.attrs.iter().any(|a| {
                        a.path().is_ident("serde")
                            && quote::ToTokens::to_token_stream(a).to_string().contains("skip_serializing_if")
                    });
                    if skips_default {
                        quote::quote! { crate::private::lenient::optional(#slot, &mut kept, #name, #wire) #unwrap .unwrap_or_else(#call) }
                    } else {
                        quote::quote! {
                            match #slot {
                                crate::private::lenient::Field::Missing => #call(),
                                some => crate::private::lenient::required::<_, __A::Error>(some, #name, #wire)? #unwrap_required,
                            }
                        }
                    }
                }
                (false, None) => {
                    quote::quote! { crate::private::lenient::required::<_, __A::Error>(#slot, #name, #wire)? #unwrap_required }
                }
            };
            values.push(quote::quote!(#fi: #value,));
        }
        let extra_field = extra_field.expect("an object type keeps an `extra` map");
        // Keys are told apart by length first: one comparison of a number
        // instead of one of a string for every field of another length.
        let length_arms = by_length.iter().map(|(len, names)| {
            let len = proc_macro2::Literal::usize_unsuffixed(*len);
            quote::quote! { #len => match key { #(#names)* _ => ::std::option::Option::None }, }
        });
        let expecting = format!("an object ({name})");
        // The visitor's own names start with `__`, as serde's do: a schema
        // type may be called `Visitor` or `A`.
        // The struct keeps `Serialize` (and the rest); decoding is ours.
        for a in s.attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
            let kept: Vec<syn::Path> = a
                .parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                .map(|ps| {
                    ps.into_iter()
                        .filter(|p| {
                            !quote::ToTokens::to_token_stream(p).to_string().replace(' ', "").ends_with("Deserialize")
                        })
                        .collect()
                })
                .unwrap_or_default();
            *a = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
        added.push(syn::parse_quote! {
            impl<'de> ::serde::Deserialize<'de> for #ident {
                fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                    struct __Visitor;
                    impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                        type Value = #ident;
                        fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            f.write_str(#expecting)
                        }
                        fn visit_map<__A: ::serde::de::MapAccess<'de>>(self, mut map: __A) -> ::std::result::Result<#ident, __A::Error> {
                            fn index(key: &str) -> ::std::option::Option<usize> {
                                match key.len() {
                                    #(#length_arms)*
                                    _ => ::std::option::Option::None,
                                }
                            }
                            let mut kept = ::serde_json::Map::new();
                            #(#slots)*
                            while let ::std::option::Option::Some(key) = map.next_key_seed(crate::private::lenient::KeySeed(index))? {
                                match key {
                                    #(#arms)*
                                    crate::private::lenient::Key::Known(_) => {
                                        map.next_value::<::serde::de::IgnoredAny>()?;
                                    }
                                    crate::private::lenient::Key::Unknown(name) => crate::private::lenient::keep(&mut map, &mut kept, name)?,
                                }
                            }
                            ::std::result::Result::Ok(#ident {
                                #(#values)*
                                #extra_field: kept,
                            })
                        }
                    }
                    deserializer.deserialize_map(__Visitor)
                }
            }
        });
    }
    for name in &lenient_types {
        let ident = syn::Ident::new(name, proc_macro2::Span::call_site());
        added.push(if objects.contains(name) && !buffered.contains(name) {
            syn::parse_quote! {
                impl crate::private::lenient::Lenient for #ident {
                    fn from_map<'de, A: ::serde::de::MapAccess<'de>>(
                        map: A,
                    ) -> ::std::result::Result<crate::private::lenient::Field<Self>, A::Error> {
                        crate::private::lenient::object_from_map(map)
                    }
                }
            }
        } else if open_enums.contains(name) {
            syn::parse_quote! {
                impl crate::private::lenient::Lenient for #ident {
                    fn from_str(value: &str) -> ::std::option::Option<Self> {
                        Some(Self::from(value))
                    }
                    fn from_string(value: ::std::string::String) -> ::std::result::Result<Self, ::std::string::String> {
                        Ok(Self::from(value))
                    }
                }
            }
        } else {
            syn::parse_quote! {
                impl crate::private::lenient::Lenient for #ident {}
            }
        });
    }
    types.extend(added);
    objects.len()
}

/// `(rename, default)` of a field's `#[serde(..)]`: the wire name, and
/// `Some(None)` for `default`, `Some(Some(path))` for `default = "path"`.
fn serde_field_attrs(attrs: &[syn::Attribute]) -> (Option<String>, Option<Option<syn::ExprPath>>) {
    let (mut rename, mut default) = (None, None);
    for a in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = a.parse_nested_meta(|m| {
            if m.path.is_ident("rename") {
                let lit: syn::LitStr = m.value()?.parse()?;
                rename = Some(lit.value());
            } else if m.path.is_ident("default") {
                if m.input.peek(syn::Token![=]) {
                    let lit: syn::LitStr = m.value()?.parse()?;
                    default = Some(lit.parse::<syn::ExprPath>().ok());
                } else {
                    default = Some(None);
                }
            } else if m.input.peek(syn::Token![=]) {
                let _: syn::Expr = m.value()?.parse()?;
            }
            Ok(())
        });
    }
    (rename, default)
}

/// Whether `crate::private::lenient::Lenient` is implemented for `ty` (primitives,
/// `Value`, vectors, string-keyed maps and boxes of such, and the
/// generated types in `lenient_types`).
fn has_lenient(ty: &syn::Type, lenient_types: &BTreeSet<String>) -> bool {
    let Some((name, args)) = last_segment(ty) else { return false };
    match name.as_str() {
        "String" | "bool" | "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "f32" | "f64" | "Value" => {
            args.is_empty()
        }
        "Vec" | "Box" => args.len() == 1 && has_lenient(&args[0], lenient_types),
        "Map" => args.len() == 2 && last_segment(&args[1]).is_some_and(|(n, _)| n == "Value"),
        "BTreeMap" | "HashMap" => {
            args.len() == 2
                && last_segment(&args[0]).is_some_and(|(n, _)| n == "String")
                && has_lenient(&args[1], lenient_types)
        }
        other => args.is_empty() && lenient_types.contains(other),
    }
}
