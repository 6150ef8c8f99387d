//! Rule `headers_in_the_request_chain` (see ARCHITECTURE.md for why, beside the other rules).

use super::{call_of, each_send};
use proc_macro2::TokenStream;
use syn::visit_mut::VisitMut;

/// In each operation's `send`: `let mut header_map = HeaderMap::with_capacity(n);`
/// followed only by unconditional `header_map.append(k, v);` and read once,
/// as `.headers(header_map)` of the request builder, becomes `.header(k, v)`
/// calls in its place. Any other use of the map leaves the function as it is.
pub fn headers_in_the_request_chain(file: &mut syn::File) -> usize {
    let mut changed = 0;
    each_send(file, |send| changed += usize::from(chain_headers(&mut send.block.stmts)));
    changed
}

/// Whether it rewrote the statements.
fn chain_headers(stmts: &mut Vec<syn::Stmt>) -> bool {
    const MAP: &str = "header_map";
    let Some(start) = stmts.iter().position(|st| match st {
        syn::Stmt::Local(l) => {
            matches!(&l.pat, syn::Pat::Ident(p) if p.ident == MAP)
                && l.init.as_ref().is_some_and(|init| call_of(&init.expr, "with_capacity").is_some())
        }
        _ => false,
    }) else {
        return false;
    };
    // The unconditional appends that follow.
    let mut pairs = Vec::new();
    let mut end = start + 1;
    while let Some(syn::Stmt::Expr(syn::Expr::MethodCall(m), Some(_))) = stmts.get(end) {
        let on_map = matches!(m.receiver.as_ref(), syn::Expr::Path(p) if p.path.is_ident(MAP));
        if !(on_map && m.method == "append" && m.args.len() == 2) {
            break;
        }
        pairs.push((m.args[0].clone(), m.args[1].clone()));
        end += 1;
    }
    // Exactly one other statement may name the map: the request's builder.
    let users: Vec<usize> = (end..stmts.len())
        .filter(|&k| {
            let st = &stmts[k];
            mentions(quote::quote!(#st), MAP)
        })
        .collect();
    let [user] = users.as_slice() else { return false };
    let syn::Stmt::Local(request) = &mut stmts[*user] else { return false };
    let Some(init) = request.init.as_mut() else { return false };
    struct Chain {
        pairs: Vec<(syn::Expr, syn::Expr)>,
        done: bool,
    }
    impl VisitMut for Chain {
        fn visit_expr_mut(&mut self, e: &mut syn::Expr) {
            if let syn::Expr::MethodCall(m) = e {
                let reads_map = m.method == "headers"
                    && m.args.len() == 1
                    && matches!(&m.args[0], syn::Expr::Path(p) if p.path.is_ident(MAP));
                if reads_map && !self.done {
                    let mut chained = (*m.receiver).clone();
                    for (name, value) in &self.pairs {
                        chained = syn::parse_quote!(#chained.header(#name, #value));
                    }
                    *e = chained;
                    self.done = true;
                    return;
                }
            }
            syn::visit_mut::visit_expr_mut(self, e);
        }
    }
    let mut chain = Chain { pairs, done: false };
    let mut rewritten = (*init.expr).clone();
    chain.visit_expr_mut(&mut rewritten);
    // Only when that was the map's one use.
    if chain.done && !mentions(quote::quote!(#rewritten), MAP) {
        *init.expr = rewritten;
        stmts.drain(start..end);
        return true;
    }
    false
}

/// Whether `tokens` mention the identifier `name`.
fn mentions(tokens: TokenStream, name: &str) -> bool {
    tokens.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == name,
        proc_macro2::TokenTree::Group(g) => mentions(g.stream(), name),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::rewrite::test_support::*;

    #[test]
    fn unconditional_headers_go_into_the_request_chain() {
        let send = |extra: &str| -> syn::File {
            syn::parse_str(&format!(
                r#"pub mod builder {{ impl<'a> Op<'a> {{ pub async fn send(self) -> R {{
                    let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                    header_map.append(HeaderName::from_static("api-version"), HeaderValue::from_static("1"));
                    {extra}
                    let mut request = client.client.get(url).header(ACCEPT, json).headers(header_map).build()?;
                    Ok(request)
                }} }} }}"#
            ))
            .unwrap()
        };
        let mut plain = send("");
        headers_in_the_request_chain(&mut plain);
        let text = quote::quote!(#plain).to_string();
        assert!(!text.contains("header_map"), "{text}");
        assert!(text.contains(r#". header (ACCEPT , json) . header (HeaderName :: from_static ("api-version") , HeaderValue :: from_static ("1")) . build ()"#), "{text}");
        // A header set under a condition keeps progenitor's map.
        let conditional = send(r#"if let Some(v) = &x { header_map.append("x-y", v.clone()); }"#);
        assert_unchanged_by(headers_in_the_request_chain, conditional);
    }
}
