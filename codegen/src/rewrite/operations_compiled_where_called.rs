//! Rule `operations_compiled_where_called` (see ARCHITECTURE.md for why, beside the other rules).

use super::builder_module;

/// Every operation builder's `send` and `send_in` is `#[inline]`: a
/// function no app calls is then not compiled into the library, and with it
/// neither the operation's response decoding (instantiated per deserializer
/// and optimised in release builds) nor its transport future.
pub fn operations_compiled_where_called(file: &mut syn::File) -> usize {
    let Some(builder) = builder_module(&mut file.items) else { return 0 };
    let mut changed = 0;
    for item in builder.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        for item in &mut imp.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            if (f.sig.ident == "send" || f.sig.ident == "send_in")
                && !f.attrs.iter().any(|a| a.path().is_ident("inline"))
            {
                f.attrs.push(syn::parse_quote!(#[inline]));
                changed += 1;
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn send_and_send_in_are_inline_and_nothing_else() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                impl<'a> X<'a> {
                    pub fn body(self) -> Self { self }
                    pub(crate) async fn send_in(self, call: &C) -> R { todo!() }
                    pub fn send(self) -> impl Future<Output = R> + 'a { self.send_in(&N) }
                }
            }
        };
        assert_eq!(operations_compiled_where_called(&mut file), 2);
        let text = file.to_token_stream().to_string();
        assert!(text.contains("# [inline] pub (crate) async fn send_in"), "{text}");
        assert!(text.contains("# [inline] pub fn send (self)"), "{text}");
        assert!(!text.contains("# [inline] pub fn body"), "{text}");
        // Applied twice, it changes nothing more.
        assert_eq!(operations_compiled_where_called(&mut file), 0);
    }
}
