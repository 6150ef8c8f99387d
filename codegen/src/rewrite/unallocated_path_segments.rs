//! Rule `unallocated_path_segments` (see ARCHITECTURE.md for why, beside the other rules).

use syn::visit_mut::VisitMut;

/// In every `format!` of the generated code, `encode_path(&x.to_string())`
/// becomes `crate::call::url::PathSegment(&x)` (same encoding, no strings).
pub fn unallocated_path_segments(file: &mut syn::File) -> usize {
    struct Fix(usize);
    impl VisitMut for Fix {
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            if mac.path.is_ident("format") {
                let text = mac.tokens.to_string();
                let rewritten = rewrite_encode_path(&text);
                if rewritten != text {
                    if let Ok(tokens) = rewritten.parse() {
                        mac.tokens = tokens;
                        self.0 += 1;
                    }
                }
            }
            syn::visit_mut::visit_macro_mut(self, mac);
        }
    }
    let mut fix = Fix(0);
    fix.visit_file_mut(file);
    fix.0
}

/// `encode_path (& x . to_string ())` → `crate :: call :: url :: PathSegment (& x)`
/// in a token string; anything else is left as it is.
pub fn rewrite_encode_path(text: &str) -> String {
    const START: &str = "encode_path (& ";
    const END: &str = " . to_string ())";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(START) {
        let after = &rest[i + START.len()..];
        let ident_len = after.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(after.len());
        let (ident, tail) = after.split_at(ident_len);
        if ident.is_empty() || !tail.starts_with(END) {
            out.push_str(&rest[..i + START.len()]);
            rest = after;
            continue;
        }
        out.push_str(&rest[..i]);
        out.push_str("crate :: call :: url :: PathSegment (& ");
        out.push_str(ident);
        out.push(')');
        rest = &tail[END.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::rewrite::test_support::*;

    #[test]
    fn path_parameters_are_formatted_without_temporary_strings() {
        let progenitor = r#"format!("{}/api/{}/client/get/{}", client.baseurl, encode_path(&service_id.to_string()), encode_path(&client_id.to_string()),)"#;
        let tokens: proc_macro2::TokenStream = progenitor.parse().unwrap();
        let rewritten = rewrite_encode_path(&tokens.to_string());
        assert!(!rewritten.contains("encode_path"), "{rewritten}");
        assert_eq!(rewritten.matches("crate :: call :: url :: PathSegment (& ").count(), 2, "{rewritten}");
        assert!(rewritten.contains("PathSegment (& client_id)"), "{rewritten}");
        // Another shape is left alone.
        let other = "encode_path (& x . as_str ())";
        assert_eq!(rewrite_encode_path(other), other);
    }
}
