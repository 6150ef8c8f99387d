//! Rule `retries_rebuild_the_request` (see ARCHITECTURE.md for why, beside the other rules).

use super::each_builder_fn;

/// Applied after [`explicit_call_context`](super::explicit_call_context), to each `send_in` of the shape
/// progenitor writes:
///
/// ```text
/// let url = ..;
/// let mut request = client.client.METHOD(url)..build()?;
/// let info = OperationInfo { .. };
/// client.pre(&mut request, &info).await?;
/// let result = client.exec_in(request, &info, call, None).await;
/// ```
///
/// becomes
///
/// ```text
/// let build = || { let url = ..; client.client.METHOD(url)..build() };
/// let info = OperationInfo { .. };
/// let result = {
///     let mut request = build()?;
///     client.pre(&mut request, &info).await?;
///     client.exec_in(request, &info, call, Some(&build))
/// }
/// .await;
/// ```
///
/// A `send_in` of any other shape, or whose URL or request is made with a
/// `?` or a `return` (a closure cannot leave `send_in`), is left as it is:
/// the transport then keeps a copy of its request for a retry.
pub fn retries_rebuild_the_request(file: &mut syn::File) -> usize {
    let mut changed = 0;
    each_builder_fn(file, "send_in", |send| {
        if let Some(stmts) = rebuilding(&send.block.stmts) {
            send.block.stmts = stmts;
            changed += 1;
        }
    });
    changed
}

fn local_named<'a>(stmt: &'a syn::Stmt, name: &str) -> Option<&'a syn::Local> {
    let syn::Stmt::Local(local) = stmt else { return None };
    let ident = match &local.pat {
        syn::Pat::Ident(p) => &p.ident,
        syn::Pat::Type(t) => match t.pat.as_ref() {
            syn::Pat::Ident(p) => &p.ident,
            _ => return None,
        },
        _ => return None,
    };
    (ident == name).then_some(local)
}

/// Whether `expr` holds a `?` or a `return`.
fn exits(expr: &syn::Expr) -> bool {
    struct Find(bool);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_expr_try(&mut self, _: &'ast syn::ExprTry) {
            self.0 = true;
        }
        fn visit_expr_return(&mut self, _: &'ast syn::ExprReturn) {
            self.0 = true;
        }
    }
    let mut find = Find(false);
    syn::visit::Visit::visit_expr(&mut find, expr);
    find.0
}

/// `send_in`'s statements rewritten as [`retries_rebuild_the_request`]
/// says, or `None` if they are not of that shape.
fn rebuilding(stmts: &[syn::Stmt]) -> Option<Vec<syn::Stmt>> {
    let at = stmts.iter().position(|s| local_named(s, "url").is_some())?;
    let [url, request, info, pre, result] = stmts.get(at..at + 5)? else { return None };
    let url = local_named(url, "url")?;
    let request = local_named(request, "request")?;
    local_named(info, "info")?;
    let result = local_named(result, "result")?;
    // The request's expression, without its `?`.
    let syn::Expr::Try(built) = request.init.as_ref()?.expr.as_ref() else { return None };
    let built = &built.expr;
    if exits(&url.init.as_ref()?.expr) || exits(built) {
        return None;
    }
    let is_pre = matches!(pre, syn::Stmt::Expr(e, Some(_)) if quote::quote!(#e).to_string().starts_with("client . pre (& mut request"));
    // `client.exec_in(request, &info, call, None).await`
    let syn::Expr::Await(sent) = result.init.as_ref()?.expr.as_ref() else { return None };
    let syn::Expr::MethodCall(exec) = sent.base.as_ref() else { return None };
    let rebuild = exec.args.get(3);
    if !is_pre || exec.method != "exec_in" || exec.args.len() != 4 || quote::quote!(#rebuild).to_string() != "None" {
        return None;
    }
    let mut exec = exec.clone();
    exec.args[3] = syn::parse_quote!(Some(&build));
    let attrs = &request.attrs;
    let mut out = stmts[..at].to_vec();
    out.push(syn::parse_quote! {
        let build = || {
            #url
            #built
        };
    });
    out.push(stmts[at + 2].clone());
    out.push(syn::parse_quote! {
        let result = {
            #(#attrs)*
            let mut request = build()?;
            #pre
            #exec
        }
        .await;
    });
    out.extend(stmts[at + 5..].iter().cloned());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::rewrite::test_support::*;

    #[test]
    fn retries_build_the_request_again_instead_of_copying_it() {
        let mut file = send_in(
            r#"let Self { client, id } = self;
            let id = id.map_err(Error::InvalidRequest)?;
            let url = crate::call::url::url(client, format_args!("/x/{}", crate::call::url::PathSegment(&id)));
            #[allow(unused_mut)]
            let mut request = client.client.get(url).header(ACCEPT, JSON).build()?;
            let info = OperationInfo { operation_id: "x" };
            client.pre(&mut request, &info).await?;
            let result = client.exec_in(request, &info, call, None).await;
            client.post(&result, &info).await?;
            let response = result?;
            todo!()"#,
        );
        retries_rebuild_the_request(&mut file);
        let text = quote::quote!(#file).to_string().replace(" ;", ";");
        // The URL and the request are made by `build`, without the `?`.
        assert!(
            text.contains("let build = | | { let url = crate :: call :: url :: url (client , format_args ! (\"/x/{}\" , crate :: call :: url :: PathSegment (& id))); client . client . get (url) . header (ACCEPT , JSON) . build () };"),
            "{text}"
        );
        // The first request is `build`'s, in a block that ends before the wait,
        // and the transport gets `build` for a retry.
        assert!(
            text.contains("let result = { # [allow (unused_mut)] let mut request = build () ?; client . pre (& mut request , & info) . await ?; client . exec_in (request , & info , call , Some (& build)) } . await;"),
            "{text}"
        );
        // What comes before and after is untouched.
        assert!(text.contains("let id = id . map_err (Error :: InvalidRequest) ?; let build"), "{text}");
        assert!(
            text.contains("} . await; client . post (& result , & info) . await ?; let response = result ?;"),
            "{text}"
        );
    }

    #[test]
    fn a_send_in_of_another_shape_keeps_its_copy_for_retries() {
        for made in [
            // Something between the request and the hand-over.
            "let mut request = client.client.get(url).build()?;
            request.headers_mut().clear();",
            // A form body can fail inside the chain: a closure could not return
            // that error from `send_in`.
            "let mut request = client.client.post(url).form_urlencoded(&body)?.build()?;",
        ] {
            let file = send_in(&format!(
                r#"let url = format!("{{}}/x", client.baseurl);
                {made}
                let info = OperationInfo {{ operation_id: "x" }};
                client.pre(&mut request, &info).await?;
                let result = client.exec_in(request, &info, call, None).await;
                todo!()"#
            ));
            assert_unchanged_by(retries_rebuild_the_request, file);
        }
    }
}
