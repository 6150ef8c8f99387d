//! Rule `urls_from_the_parsed_base` (see ARCHITECTURE.md for why, beside the other rules).

use super::each_send;

/// In each operation's `send`, `let url = format!("{}/path/{}", client.baseurl, a);`
/// becomes `let url = crate::call::url::url(client, format_args!("/path/{}", a));`.
/// A `format!` that does not start with the base URL is left as it is.
pub fn urls_from_the_parsed_base(file: &mut syn::File) -> usize {
    let mut changed = 0;
    each_send(file, |send| {
        for stmt in send.block.stmts.iter_mut() {
            let syn::Stmt::Local(local) = stmt else { continue };
            if !matches!(&local.pat, syn::Pat::Ident(p) if p.ident == "url") {
                continue;
            }
            let Some(init) = local.init.as_mut() else { continue };
            let syn::Expr::Macro(m) = init.expr.as_ref() else { continue };
            if !m.mac.path.is_ident("format") {
                continue;
            }
            let parser = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
            let Ok(args) = syn::parse::Parser::parse2(parser, m.mac.tokens.clone()) else { continue };
            let mut args = args.into_iter();
            let (Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(template), .. })), Some(base)) =
                (args.next(), args.next())
            else {
                continue;
            };
            let Some(path) = template.value().strip_prefix("{}").map(str::to_string) else { continue };
            if quote::quote!(#base).to_string() != "client . baseurl" {
                continue;
            }
            let rest: Vec<syn::Expr> = args.collect();
            *init.expr = syn::parse_quote!(crate::call::url::url(client, format_args!(#path #(, #rest)*)));
            changed += 1;
        }
    });
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::rewrite::test_support::*;

    #[test]
    fn urls_are_paths_set_on_the_parsed_base() {
        let mut file =
            send(r#"let url = format!("{}/api/{}/x", client.baseurl, crate::call::url::PathSegment(&id),);"#);
        urls_from_the_parsed_base(&mut file);
        let text = quote::quote!(#file).to_string();
        assert!(
            text.contains(
                r#"let url = crate :: call :: url :: url (client , format_args ! ("/api/{}/x" , crate :: call :: url :: PathSegment (& id))) ;"#
            ),
            "{text}"
        );
        // A URL that does not start with the client's base stays progenitor's.
        for other in [r#"format!("{}/x", other.baseurl)"#, r#"format!("http://h/{}", client.baseurl)"#] {
            let file: syn::File = syn::parse_str(&format!(
                "pub mod builder {{ impl<'a> Op<'a> {{ pub async fn send(self) -> R {{ let url = {other}; todo!() }} }} }}"
            ))
            .unwrap();
            assert_unchanged_by(urls_from_the_parsed_base, file);
        }
    }
}
