//! Rule `unset_messages_without_strings` (see ARCHITECTURE.md for why, beside the other rules).

use super::{builder_module, constructor_mut, literal_error, member_name};
use std::collections::{BTreeMap, BTreeSet};

/// Required fields of progenitor's operation builders start as
/// `Err(String::new())` instead of an allocated message; the message (a
/// literal) is made where the error is read. Only where that reader is
/// known: the `new` of a builder whose `send` reads the field as
/// `let x = x.map_err(Error::InvalidRequest)?;` (it becomes
/// `crate::private::builder_convert::unset_or(e, "..")`). typify's struct builders
/// get the same from [`linear_builder_conversions`](super::linear_builder_conversions), whose conversion is
/// their fields' one reader.
pub fn unset_messages_without_strings(file: &mut syn::File) -> usize {
    builder_module(&mut file.items).map_or(0, |builder| operation_builder_messages(builder))
}

fn operation_builder_messages(builder: &mut [syn::Item]) -> usize {
    let mut changed = 0;
    for item in builder.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        let Some(init) = constructor_mut(imp, "new") else { continue };
        let unset: BTreeMap<String, syn::LitStr> =
            init.fields.iter().filter_map(|fv| Some((member_name(&fv.member), literal_error(&fv.expr)?))).collect();
        if unset.is_empty() {
            continue;
        }
        // In `send`: `let x = x.map_err(Error::InvalidRequest)?;` for each.
        let mut rewritten = BTreeSet::new();
        for i in imp.items.iter_mut() {
            let syn::ImplItem::Fn(f) = i else { continue };
            if f.sig.ident != "send" {
                continue;
            }
            for stmt in f.block.stmts.iter_mut() {
                let syn::Stmt::Local(local) = stmt else { continue };
                let syn::Pat::Ident(bound) = &local.pat else { continue };
                let Some(text) = unset.get(&bound.ident.to_string()) else { continue };
                let Some(init) = local.init.as_mut() else { continue };
                let syn::Expr::Try(t) = init.expr.as_mut() else { continue };
                let syn::Expr::MethodCall(m) = t.expr.as_mut() else { continue };
                let reads_itself = matches!(m.receiver.as_ref(), syn::Expr::Path(p) if p.path.is_ident(&bound.ident));
                let plain = m.method == "map_err"
                    && m.args.len() == 1
                    && matches!(&m.args[0], syn::Expr::Path(p)
                        if p.path.segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>() == ["Error", "InvalidRequest"]);
                if reads_itself && plain {
                    m.args[0] = syn::parse_quote!(|e| Error::InvalidRequest(crate::private::builder_convert::unset_or(e, #text)));
                    rewritten.insert(bound.ident.to_string());
                }
            }
        }
        let Some(init) = constructor_mut(imp, "new") else { continue };
        for fv in init.fields.iter_mut() {
            if rewritten.contains(&member_name(&fv.member)) {
                fv.expr = syn::parse_quote!(Err(::std::string::String::new()));
                changed += 1;
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::rewrite::test_support::*;

    #[test]
    fn required_fields_start_without_an_allocated_message() {
        // progenitor's and typify's shapes, cut down to one builder each.
        let mut file: syn::File = syn::parse_str(
            r#"
            pub mod types {
                pub mod builder {
                    pub struct Req { a: Result<String, String>, b: Result<Option<String>, String> }
                    impl ::std::default::Default for Req {
                        fn default() -> Self {
                            Self { a: Err("no value supplied for a".to_string()), b: Ok(Default::default()) }
                        }
                    }
                    impl ::std::convert::TryFrom<Req> for super::Req {
                        type Error = super::error::ConversionError;
                        fn try_from(value: Req) -> Result<Self, super::error::ConversionError> {
                            Ok(Self { a: value.a?, b: value.b? })
                        }
                    }
                    pub struct Odd { a: Result<String, String> }
                    impl ::std::default::Default for Odd {
                        fn default() -> Self { Self { a: Err("no value supplied for a".to_string()) } }
                    }
                    impl ::std::convert::TryFrom<Odd> for super::Odd {
                        type Error = super::error::ConversionError;
                        fn try_from(value: Odd) -> Result<Self, super::error::ConversionError> {
                            let a = value.a?;
                            Ok(Self { a })
                        }
                    }
                }
            }
            pub mod builder {
                pub struct Op<'a> { client: &'a super::Client, service_id: Result<String, String> }
                impl<'a> Op<'a> {
                    pub fn new(client: &'a super::Client) -> Self {
                        Self { client: client, service_id: Err("service_id was not initialized".to_string()) }
                    }
                    pub async fn send(self) -> Result<(), Error<()>> {
                        let Self { client, service_id } = self;
                        let service_id = service_id.map_err(Error::InvalidRequest)?;
                        Ok(())
                    }
                }
            }
            "#,
        )
        .unwrap();
        super::super::linear_builder_conversions::linear_builder_conversions(&mut file);
        unset_messages_without_strings(&mut file);
        let text = quote::quote!(#file).to_string();
        // Rewritten: the message moved to where the error is read.
        assert!(text.contains(r#"(value . a . as_ref () . err () , "no value supplied for a")"#), "{text}");
        assert!(text.contains(r#"unset_or (e , "service_id was not initialized")"#), "{text}");
        assert_eq!(text.matches("Err (:: std :: string :: String :: new ())").count(), 2, "{text}");
        // A conversion of another shape keeps its builder's allocated message,
        // since nothing would put the message back.
        assert_eq!(text.matches(r#"Err ("no value supplied for a" . to_string ())"#).count(), 1, "{text}");
    }
}
