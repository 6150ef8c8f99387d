//! Rule `responses_keep_their_headers` (see ARCHITECTURE.md for why, beside the other rules).

use super::each_send;
use syn::visit_mut::VisitMut;

/// Every call of progenitor's `ResponseValue::from_response`, `::empty` or
/// `::stream` becomes the same function of `crate::decode`.
pub fn responses_keep_their_headers(file: &mut syn::File) -> usize {
    struct Fix(usize);
    impl VisitMut for Fix {
        fn visit_expr_path_mut(&mut self, p: &mut syn::ExprPath) {
            let segments: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
            if let [ty, f] = segments.as_slice() {
                let replacement = match f.as_str() {
                    "from_response" => Some(quote::format_ident!("json")),
                    "empty" | "stream" => Some(quote::format_ident!("{}", f)),
                    _ => None,
                };
                if let (true, Some(f)) = (ty == "ResponseValue" && p.qself.is_none(), replacement) {
                    *p = syn::parse_quote!(crate::call::decode::#f);
                    self.0 += 1;
                }
            }
            syn::visit_mut::visit_expr_path_mut(self, p);
        }
    }
    let mut fix = Fix(0);
    each_send(file, |send| fix.visit_block_mut(&mut send.block));
    fix.0
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::rewrite::test_support::*;

    #[test]
    fn responses_are_decoded_by_functions_that_keep_their_headers() {
        let mut file: syn::File = syn::parse_str(
            r#"pub mod builder { impl<'a> Op<'a> {
                pub async fn send(self) -> Result<ResponseValue<T>, Error<E>> {
                    match response.status().as_u16() {
                        200u16 => ResponseValue::from_response(response).await,
                        204u16 => Ok(ResponseValue::empty(response)),
                        206u16 => Ok(ResponseValue::stream(response)),
                        400u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            } }"#,
        )
        .unwrap();
        responses_keep_their_headers(&mut file);
        let text = quote::quote!(#file).to_string();
        assert!(!text.contains("ResponseValue ::"), "{text}");
        assert!(text.contains("200u16 => crate :: call :: decode :: json (response) . await"), "{text}");
        assert!(text.contains("204u16 => Ok (crate :: call :: decode :: empty (response))"), "{text}");
        assert!(text.contains("206u16 => Ok (crate :: call :: decode :: stream (response))"), "{text}");
        assert!(text.contains("ErrorResponse (crate :: call :: decode :: json (response) . await ?)"), "{text}");
    }
}
