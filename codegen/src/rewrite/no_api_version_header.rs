//! Rule `no_api_version_header` (see ARCHITECTURE.md for why, beside the other rules).

use super::{call_of, each_send};

/// The header progenitor adds to every request, valued with the spec's
/// `info.version`.
const NAME: &str = "api-version";

/// In each operation's `send`: removes progenitor's
/// `header_map.append(HeaderName::from_static("api-version"), ...)`.
/// Returns how many operations lost it.
pub fn no_api_version_header(file: &mut syn::File) -> usize {
    let mut changed = 0;
    each_send(file, |send| {
        let before = send.block.stmts.len();
        send.block.stmts.retain(|st| !appends_api_version(st));
        changed += usize::from(send.block.stmts.len() != before);
    });
    changed
}

/// Whether `st` is `<map>.append(<path>::from_static("api-version"), <value>);`.
fn appends_api_version(st: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(syn::Expr::MethodCall(m), Some(_)) = st else { return false };
    if m.method != "append" || m.args.len() != 2 {
        return false;
    }
    let Some(name) = call_of(&m.args[0], "from_static") else { return false };
    name.args.len() == 1
        && matches!(&name.args[0], syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) if s.value() == NAME)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rewrite::test_support::*;

    const APPEND: &str = r#"header_map.append(::reqwest::header::HeaderName::from_static("api-version"), ::reqwest::header::HeaderValue::from_static(super::Client::api_version()));"#;

    #[test]
    fn the_api_version_append_goes_and_the_other_headers_stay() {
        let mut file = send(&format!(
            r#"let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
               {APPEND}
               if let Some(v) = &self.x {{ header_map.append("x-y", v.clone()); }}
               header_map.append(HeaderName::from_static("x-z"), HeaderValue::from_static("1"));"#
        ));
        assert_eq!(no_api_version_header(&mut file), 1);
        let text = text(&file);
        assert!(!text.contains("api-version"), "{text}");
        assert!(text.contains(r#""x-y""#) && text.contains(r#"from_static ("x-z")"#), "{text}");
    }

    #[test]
    fn a_send_without_it_is_left_as_it_is() {
        assert_unchanged_by(
            no_api_version_header,
            send(
                r#"let mut header_map = HeaderMap::with_capacity(1usize); header_map.append(HeaderName::from_static("x-api-version"), v);"#,
            ),
        );
    }
}
