//! Rule `deprecated_where_dropped` (see ARCHITECTURE.md for why, beside the other rules).

use super::{builder_module, last_segment, option_inner, serde_rename, types_module, Code};
use crate::retained::Dropped;

/// The items `openapi/retained.yaml` added back (an operation, a type, a
/// field or an enum value that an earlier revision of the spec had and the
/// current one lacks) are `#[deprecated = "not in Authlete's spec since
/// <revision>; ..."]`: the client method (and, through the client layer,
/// `Authlete`'s), the type, the field with its builder setters, the enum
/// variant. An item the spec marks that the generated code does not have
/// fails the build, naming it.
pub fn deprecated_where_dropped(code: &mut Code) -> usize {
    let dropped: Dropped = code.dropped.clone();
    let mut found = 0;
    let mut missing = Vec::new();
    let note = |when: &str| -> syn::Attribute {
        let text = format!("not in Authlete's spec since {when}; kept until this crate's next major version");
        syn::parse_quote!(#[deprecated = #text])
    };
    for (id, when) in &dropped.operations {
        let mut hit = false;
        for item in code.file.items.iter_mut() {
            let syn::Item::Impl(imp) = item else { continue };
            if imp.trait_.is_some() || !matches!(imp.self_ty.as_ref(), syn::Type::Path(p) if p.path.is_ident("Client"))
            {
                continue;
            }
            for i in imp.items.iter_mut() {
                if let syn::ImplItem::Fn(f) = i {
                    if f.sig.ident == id {
                        f.attrs.push(note(when));
                        hit = true;
                    }
                }
            }
        }
        tally(hit, &mut found, &mut missing, || format!("operation `{id}`"));
    }
    let Some(types) = types_module(&mut code.file) else {
        code.unmatched.extend(missing);
        return found;
    };
    for (ty, when) in &dropped.types {
        let hit = types.iter_mut().any(|item| match item {
            syn::Item::Struct(s) if s.ident == ty => {
                s.attrs.push(note(when));
                true
            }
            syn::Item::Enum(e) if e.ident == ty => {
                e.attrs.push(note(when));
                true
            }
            _ => false,
        });
        tally(hit, &mut found, &mut missing, || format!("type `{ty}`"));
    }
    for (ty, wire, when) in &dropped.fields {
        let field = field_mut(types, ty, wire).map(|f| {
            f.attrs.push(note(when));
            f.ident.clone()
        });
        if let Some(Some(ident)) = &field {
            // The builder's setters of the field.
            let setters = [ident.to_string(), super::plain_setters::set_name(ident).to_string()];
            for item in builder_module(types).into_iter().flatten() {
                let syn::Item::Impl(imp) = item else { continue };
                if imp.trait_.is_some() || super::self_name(imp).as_deref() != Some(ty.as_str()) {
                    continue;
                }
                for i in imp.items.iter_mut() {
                    if let syn::ImplItem::Fn(f) = i {
                        if setters.contains(&f.sig.ident.to_string()) {
                            f.attrs.push(note(when));
                        }
                    }
                }
            }
        }
        tally(field.is_some(), &mut found, &mut missing, || format!("field `{ty}.{wire}`"));
    }
    for (ty, field, value, when) in &dropped.values {
        let enum_name = match field {
            None => Some(ty.clone()),
            Some(wire) => field_mut(types, ty, wire).and_then(|f| {
                let inner = option_inner(&f.ty).cloned().unwrap_or_else(|| f.ty.clone());
                last_segment(&inner).map(|(name, _)| name)
            }),
        };
        let variant = enum_name.as_ref().and_then(|name| {
            code.enums
                .iter()
                .find(|e| e.ident == name)
                .and_then(|e| e.variants.iter().find(|(_, v)| v == value).map(|(i, _)| i.clone()))
        });
        let hit = match (&enum_name, variant) {
            (Some(name), Some(variant)) => types.iter_mut().any(|item| match item {
                syn::Item::Enum(e) if e.ident == name => {
                    e.variants.iter_mut().find(|v| v.ident == variant).map(|v| v.attrs.push(note(when))).is_some()
                }
                _ => false,
            }),
            _ => false,
        };
        tally(hit, &mut found, &mut missing, || {
            format!("enum value `{ty}{}`: {value}", field.as_ref().map(|f| format!(".{f}")).unwrap_or_default())
        });
    }
    code.unmatched
        .extend(missing.into_iter().map(|m| format!("deprecated_where_dropped: {m} is retained but not generated")));
    found
}

fn tally(hit: bool, found: &mut usize, missing: &mut Vec<String>, what: impl FnOnce() -> String) {
    if hit {
        *found += 1;
    } else {
        missing.push(what());
    }
}

/// The field of struct `ty` whose wire name is `wire`.
fn field_mut<'a>(types: &'a mut [syn::Item], ty: &str, wire: &str) -> Option<&'a mut syn::Field> {
    types.iter_mut().find_map(|item| match item {
        syn::Item::Struct(s) if s.ident == ty => s.fields.iter_mut().find(|f| {
            serde_rename(&f.attrs)
                .or_else(|| f.ident.as_ref().map(|i| i.to_string().trim_start_matches("r#").to_string()))
                .as_deref()
                == Some(wire)
        }),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rewrite::test_support::*;

    fn code(dropped: Dropped) -> Code {
        let file: syn::File = syn::parse_quote! {
            impl Client { pub fn info(&self) -> builder::Info<'_> { todo!() } }
            pub mod types {
                pub struct Gone { pub a: Option<String> }
                pub struct Resp {
                    #[serde(rename = "oldField")]
                    pub old_field: Option<String>,
                    #[serde(rename = "tokenType")]
                    pub token_type: Option<TokenType>,
                }
                pub enum TokenType { #[serde(rename = "A")] A, #[serde(rename = "B")] B }
                pub mod builder {
                    pub struct Resp {}
                    impl Resp {
                        pub fn old_field<T>(self, value: T) -> Self { self }
                        pub fn set_old_field(self, value: Option<String>) -> Self { self }
                    }
                }
            }
        };
        let enums = vec![crate::rewrite::StringEnum {
            ident: syn::parse_quote!(TokenType),
            variants: vec![(syn::parse_quote!(A), "A".into()), (syn::parse_quote!(B), "B".into())],
            unknown: syn::parse_quote!(Unknown),
        }];
        Code { file, enums, dropped, unmatched: vec![], groups: Default::default() }
    }

    #[test]
    fn each_kind_of_retained_item_is_deprecated() {
        let rev = "rev-2".to_string();
        let mut c = code(Dropped {
            operations: vec![("info".into(), rev.clone())],
            types: vec![("Gone".into(), rev.clone())],
            fields: vec![("Resp".into(), "oldField".into(), rev.clone())],
            values: vec![("Resp".into(), Some("tokenType".into()), "B".into(), rev.clone())],
        });
        assert_eq!(deprecated_where_dropped(&mut c), 4);
        assert!(c.unmatched.is_empty(), "{:?}", c.unmatched);
        let t = text(&c.file);
        assert_eq!(t.matches("# [deprecated = \"not in Authlete's spec since rev-2").count(), 6, "{t}");
        assert!(t.contains("since rev-2; kept until this crate's next major version\"] pub fn info"), "{t}");
        assert!(t.contains("major version\"] B"), "{t}");
        assert!(!t.contains("major version\"] A"), "{t}");
    }

    #[test]
    fn a_retained_item_the_code_lacks_fails_loudly() {
        let mut c = code(Dropped { operations: vec![("nowhere".into(), "r".into())], ..Dropped::default() });
        assert_eq!(deprecated_where_dropped(&mut c), 0);
        assert_eq!(c.unmatched.len(), 1, "{:?}", c.unmatched);
        let mut none = code(Dropped::default());
        assert_eq!(deprecated_where_dropped(&mut none), 0);
        assert!(none.unmatched.is_empty());
    }
}
