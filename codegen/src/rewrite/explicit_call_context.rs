//! Rule `explicit_call_context` (see ARCHITECTURE.md for why, beside the other rules).

use super::builder_module;
use syn::visit_mut::VisitMut;

/// Applied last, after the documentation and the client layer have read
/// progenitor's `send` (`codegen/generate.rs`).
///
/// In each operation builder whose `send` hands its request over as
/// `client.exec(request, &info)`: that `send` becomes
/// `pub(crate) async fn send_in(self, call: &crate::call::transport::CallContext)`
/// calling `client.exec_in(request, &info, call, None)`, and a new `send` (with
/// the old one's documentation) runs it with the client's own settings.
pub fn explicit_call_context(file: &mut syn::File) -> usize {
    let Some(builder) = builder_module(&mut file.items) else { return 0 };
    let mut changed = 0;
    struct PassCall(bool);
    impl VisitMut for PassCall {
        fn visit_expr_method_call_mut(&mut self, m: &mut syn::ExprMethodCall) {
            let on_client = matches!(m.receiver.as_ref(), syn::Expr::Path(p) if p.path.is_ident("client"));
            if on_client && m.method == "exec" && m.args.len() == 2 {
                m.method = syn::parse_quote!(exec_in);
                m.args.push(syn::parse_quote!(call));
                // No way to build the request again, until
                // `retries_rebuild_the_request` gives one.
                m.args.push(syn::parse_quote!(None));
                self.0 = true;
            }
            syn::visit_mut::visit_expr_method_call_mut(self, m);
        }
    }
    for item in builder.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        let Some(at) = imp.items.iter().position(|i| matches!(i, syn::ImplItem::Fn(f) if f.sig.ident == "send")) else {
            continue;
        };
        let syn::ImplItem::Fn(send) = &mut imp.items[at] else { continue };
        let mut pass = PassCall(false);
        pass.visit_block_mut(&mut send.block);
        if !pass.0 {
            continue;
        }
        let docs: Vec<syn::Attribute> = send.attrs.iter().filter(|a| a.path().is_ident("doc")).cloned().collect();
        send.attrs.retain(|a| !a.path().is_ident("doc"));
        send.attrs.push(syn::parse_quote!(#[doc = "`send` with this call's overrides, its status left in `call`."]));
        send.vis = syn::parse_quote!(pub(crate));
        send.sig.ident = syn::parse_quote!(send_in);
        send.sig.inputs.push(syn::parse_quote!(call: &crate::call::transport::CallContext));
        let syn::ReturnType::Type(_, output) = send.sig.output.clone() else { continue };
        // `send_in`'s own future, not an `async fn` around it: no second
        // state machine per operation to compile.
        let wrapper: syn::ImplItemFn = syn::parse_quote! {
            #(#docs)*
            pub fn send(self) -> impl ::std::future::Future<Output = #output> + 'a {
                self.send_in(&crate::call::transport::NO_OVERRIDES)
            }
        };
        imp.items.insert(at + 1, syn::ImplItem::Fn(wrapper));
        changed += 1;
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::rewrite::test_support::*;

    #[test]
    fn send_passes_the_call_context_to_the_transport() {
        let mut file = send("let result = client.exec(request, &info).await;");
        explicit_call_context(&mut file);
        let text = quote::quote!(#file).to_string();
        assert!(
            text.contains("pub (crate) async fn send_in (self , call : & crate :: call :: transport :: CallContext)"),
            "{text}"
        );
        assert!(text.contains("client . exec_in (request , & info , call , None)"), "{text}");
        // progenitor's `send` stays, documented, with the client's settings.
        assert!(text.contains(r#"# [doc = "Sends `GET /x`."] pub fn send (self)"#), "{text}");
        assert!(text.contains("self . send_in (& crate :: call :: transport :: NO_OVERRIDES) }"), "{text}");
    }
}
