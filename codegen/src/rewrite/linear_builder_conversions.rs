//! Rule `linear_builder_conversions` (see ARCHITECTURE.md for why, beside the other rules).

use super::{builder_module, constructor_mut, is_default_impl, literal_error, member_name, self_name, types_module};
use std::collections::BTreeSet;

/// In `types::builder`, `TryFrom<builder::X> for X` whose body is
/// `Ok(Self { f: value.f?, .. })` becomes: the first field error (in field
/// order, as before) is returned before anything is moved; then every field
/// is moved out. A body of any other shape is left as it is. The conversion
/// is the one reader of its builder's field errors, so it also carries the
/// "unset" messages, and the builder's `Default` starts required fields as
/// `Err(String::new())` (see [`unset_messages_without_strings`](super::unset_messages_without_strings)).
pub fn linear_builder_conversions(file: &mut syn::File) -> usize {
    let Some(types) = types_module(file) else { return 0 };
    let Some(builder) = builder_module(types) else { return 0 };
    let unset = super::unset_at_start(builder);
    let mut converted = BTreeSet::new();
    for item in builder.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        // `impl TryFrom<X> for super::X`: the builder is the trait's argument.
        let Some(name) = imp.trait_.as_ref().and_then(|(_, p, _)| {
            let last = p.segments.last().filter(|s| s.ident == "TryFrom")?;
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
            match args.args.first()? {
                syn::GenericArgument::Type(syn::Type::Path(t)) => t.path.segments.last().map(|s| s.ident.to_string()),
                _ => None,
            }
        }) else {
            continue;
        };
        let Some(syn::ImplItem::Fn(f)) =
            imp.items.iter_mut().find(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "try_from"))
        else {
            continue;
        };
        let Some(fields) = question_mark_fields(&f.block) else { continue };
        // Each field's error with the message for "left unset" (rule
        // `unset_messages_without_strings`: the builder starts it empty).
        let messages = unset.get(&name);
        let errors = fields.iter().map(|m| {
            let text = messages.and_then(|ms| ms.get(&member_name(m))).map_or_else(String::new, syn::LitStr::value);
            quote::quote!((value.#m.as_ref().err(), #text))
        });
        let moves = fields.iter().map(|m| quote::quote!(#m: crate::private::builder_convert::checked(value.#m)));
        f.block = syn::parse_quote!({
            if let Some(e) = crate::private::builder_convert::first_error(&[#(#errors),*]) {
                return Err(e.into());
            }
            Ok(Self { #(#moves),* })
        });
        converted.insert(name);
    }
    // The builders whose conversion now carries the messages start their
    // required fields without one.
    for item in builder.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        if !is_default_impl(imp) || !self_name(imp).is_some_and(|n| converted.contains(&n)) {
            continue;
        }
        let Some(init) = constructor_mut(imp, "default") else { continue };
        for fv in init.fields.iter_mut() {
            if literal_error(&fv.expr).is_some() {
                fv.expr = syn::parse_quote!(Err(::std::string::String::new()));
            }
        }
    }
    converted.len()
}

/// The fields of `{ Ok(Self { f: value.f?, .. }) }`, if the block is exactly that.
fn question_mark_fields(block: &syn::Block) -> Option<Vec<syn::Member>> {
    let [syn::Stmt::Expr(syn::Expr::Call(call), None)] = block.stmts.as_slice() else { return None };
    let syn::Expr::Path(ok) = call.func.as_ref() else { return None };
    if !ok.path.is_ident("Ok") || call.args.len() != 1 {
        return None;
    }
    let syn::Expr::Struct(st) = &call.args[0] else { return None };
    if !st.path.is_ident("Self") || st.rest.is_some() {
        return None;
    }
    st.fields
        .iter()
        .map(|fv| {
            let syn::Expr::Try(t) = &fv.expr else { return None };
            let syn::Expr::Field(field) = t.expr.as_ref() else { return None };
            let from_value = matches!(field.base.as_ref(), syn::Expr::Path(p) if p.path.is_ident("value"));
            (from_value && field.member == fv.member).then(|| fv.member.clone())
        })
        .collect()
}
