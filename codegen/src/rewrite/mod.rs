//! Rules applied to the syntax tree progenitor generates, for what cannot be
//! said in the spec: one file per rule, applied in the order of [`RULES`].
//! Like the normalisation rules, each is about a class of generated item,
//! never a named one, and reports how many items it changed. Why each rule
//! exists is in ARCHITECTURE.md.

use std::collections::BTreeMap;

pub mod default_for_every_struct;
pub mod deprecated_where_dropped;
pub mod explicit_call_context;
pub mod headers_in_the_request_chain;
pub mod json_schema_behind_a_feature;
pub mod lenient_decoding;
pub mod linear_builder_conversions;
pub mod no_api_version_header;
pub mod non_exhaustive_structs;
pub mod open_string_enums;
pub mod operation_groups_behind_features;
pub mod operations_compiled_where_called;
pub mod optional_flattened_maps;
pub mod plain_setters;
pub mod required_fields_are_options;
pub mod responses_keep_their_headers;
pub mod retries_rebuild_the_request;
pub mod secrets_redacted_in_debug;
pub mod unallocated_path_segments;
pub mod unset_messages_without_strings;
pub mod urls_from_the_parsed_base;

pub use open_string_enums::StringEnum;
pub use operation_groups_behind_features::Groups;

/// The generated code as the rules see it.
pub struct Code {
    /// progenitor's output, as rewritten so far.
    pub file: syn::File,
    /// The string enums [`open_string_enums`] opened (read by later rules
    /// and by the docs).
    pub enums: Vec<StringEnum>,
    /// What the retained surface added back (rule [`deprecated_where_dropped`]).
    pub dropped: crate::retained::Dropped,
    /// Items a rule was told to change and did not find: the build fails
    /// naming them.
    pub unmatched: Vec<String>,
    /// Which operation group features compile which items (rule
    /// [`operation_groups_behind_features`], and the client layer).
    pub groups: Groups,
}

/// When a rule runs: before the documentation and the client layer read
/// progenitor's output, or after (the rules on `send` that the client
/// layer's code calls into).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Before the documentation and the client layer.
    Before,
    /// After them.
    After,
}

/// Whether a rule must change something in every spec's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Its input is what progenitor and typify produce for any spec with
    /// operations and object schemas: changing nothing means their output
    /// changed shape (an upgrade), and the build fails naming the rule.
    Always,
    /// Its input depends on the spec: changing nothing is reported only.
    WhenPresent,
}

/// One rule on the generated code.
pub struct Rule {
    /// Its name (its file's name).
    pub name: &'static str,
    /// When it runs.
    pub phase: Phase,
    /// Whether it must change something.
    pub expect: Expect,
    /// Applies it; returns how many items it changed.
    pub apply: fn(&mut Code) -> usize,
}

/// Every rule, in the order they run (within a phase).
pub const RULES: &[Rule] = &[
    Rule {
        name: "optional_flattened_maps",
        phase: Phase::Before,
        expect: Expect::Always,
        apply: |c| optional_flattened_maps::optional_flattened_maps(&mut c.file),
    },
    Rule {
        name: "required_fields_are_options",
        phase: Phase::Before,
        expect: Expect::WhenPresent,
        apply: |c| required_fields_are_options::required_fields_are_options(&mut c.file),
    },
    Rule {
        name: "default_for_every_struct",
        phase: Phase::Before,
        expect: Expect::Always,
        apply: |c| default_for_every_struct::default_for_every_struct(&mut c.file),
    },
    Rule {
        name: "non_exhaustive_structs",
        phase: Phase::Before,
        expect: Expect::Always,
        apply: |c| non_exhaustive_structs::non_exhaustive_structs(&mut c.file),
    },
    Rule {
        name: "plain_setters",
        phase: Phase::Before,
        expect: Expect::Always,
        apply: |c| plain_setters::plain_setters(&mut c.file),
    },
    Rule {
        name: "linear_builder_conversions",
        phase: Phase::Before,
        expect: Expect::Always,
        apply: |c| linear_builder_conversions::linear_builder_conversions(&mut c.file),
    },
    Rule {
        name: "unset_messages_without_strings",
        phase: Phase::Before,
        expect: Expect::Always,
        apply: |c| unset_messages_without_strings::unset_messages_without_strings(&mut c.file),
    },
    Rule {
        name: "unallocated_path_segments",
        phase: Phase::Before,
        expect: Expect::WhenPresent,
        apply: |c| unallocated_path_segments::unallocated_path_segments(&mut c.file),
    },
    Rule {
        name: "no_api_version_header",
        phase: Phase::Before,
        expect: Expect::Always,
        apply: |c| no_api_version_header::no_api_version_header(&mut c.file),
    },
    Rule {
        name: "headers_in_the_request_chain",
        phase: Phase::Before,
        expect: Expect::Always,
        apply: |c| headers_in_the_request_chain::headers_in_the_request_chain(&mut c.file),
    },
    Rule {
        name: "urls_from_the_parsed_base",
        phase: Phase::Before,
        expect: Expect::Always,
        apply: |c| urls_from_the_parsed_base::urls_from_the_parsed_base(&mut c.file),
    },
    Rule {
        name: "responses_keep_their_headers",
        phase: Phase::Before,
        expect: Expect::Always,
        apply: |c| responses_keep_their_headers::responses_keep_their_headers(&mut c.file),
    },
    Rule {
        name: "open_string_enums",
        phase: Phase::Before,
        expect: Expect::WhenPresent,
        apply: |c| {
            c.enums = open_string_enums::open_string_enums(&mut c.file);
            c.enums.len()
        },
    },
    Rule {
        name: "lenient_decoding",
        phase: Phase::Before,
        expect: Expect::Always,
        apply: |c| lenient_decoding::lenient_decoding(&mut c.file, &c.enums),
    },
    Rule {
        name: "secrets_redacted_in_debug",
        phase: Phase::Before,
        expect: Expect::WhenPresent,
        apply: |c| secrets_redacted_in_debug::secrets_redacted_in_debug(&mut c.file),
    },
    Rule {
        name: "deprecated_where_dropped",
        phase: Phase::Before,
        expect: Expect::WhenPresent,
        apply: deprecated_where_dropped::deprecated_where_dropped,
    },
    Rule {
        name: "json_schema_behind_a_feature",
        phase: Phase::Before,
        expect: Expect::Always,
        apply: |c| json_schema_behind_a_feature::json_schema_behind_a_feature(&mut c.file),
    },
    Rule {
        name: "explicit_call_context",
        phase: Phase::After,
        expect: Expect::Always,
        apply: |c| explicit_call_context::explicit_call_context(&mut c.file),
    },
    Rule {
        name: "retries_rebuild_the_request",
        phase: Phase::After,
        expect: Expect::Always,
        apply: |c| retries_rebuild_the_request::retries_rebuild_the_request(&mut c.file),
    },
    Rule {
        name: "operations_compiled_where_called",
        phase: Phase::After,
        expect: Expect::Always,
        apply: |c| operations_compiled_where_called::operations_compiled_where_called(&mut c.file),
    },
    Rule {
        name: "operation_groups_behind_features",
        phase: Phase::After,
        // A spec whose operations have no tags has no groups.
        expect: Expect::WhenPresent,
        apply: |c| operation_groups_behind_features::operation_groups_behind_features(&mut c.file, &c.groups),
    },
];

/// Applies the rules of `phase` in order, with a line each in `log`
/// (`rule <name>: <n> changed`).
///
/// # Errors
/// The rules of [`Expect::Always`] that changed nothing, by name.
pub fn apply(code: &mut Code, phase: Phase, log: &mut Vec<String>) -> Result<BTreeMap<&'static str, usize>, String> {
    let mut counts = BTreeMap::new();
    let mut silent = Vec::new();
    for rule in RULES.iter().filter(|r| r.phase == phase) {
        let changed = (rule.apply)(code);
        log.push(format!("rule {}: {changed} changed", rule.name));
        if changed == 0 && rule.expect == Expect::Always {
            silent.push(rule.name);
        }
        counts.insert(rule.name, changed);
    }
    if !code.unmatched.is_empty() {
        return Err(format!(
            "generation rules did not find what they were told to change: {}",
            code.unmatched.join("; ")
        ));
    }
    if silent.is_empty() {
        Ok(counts)
    } else {
        Err(format!(
            "generation rule(s) {} changed nothing: progenitor's or typify's output no longer has the shape they \
             rewrite (an upgrade?); fix the rule in codegen/src/rewrite/",
            silent.join(", ")
        ))
    }
}

// ---------------------------------------------------------------------------
// Syntax helpers shared by the rules

pub(crate) fn types_module(file: &mut syn::File) -> Option<&mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// The `builder` module among `items` (progenitor's operation builders at
/// the top level, typify's struct builders inside `types`).
pub(crate) fn builder_module(items: &mut [syn::Item]) -> Option<&mut Vec<syn::Item>> {
    items.iter_mut().find_map(|i| match i {
        syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// Calls `f` on every operation builder's `send`.
pub(crate) fn each_send(file: &mut syn::File, f: impl FnMut(&mut syn::ImplItemFn)) {
    each_builder_fn(file, "send", f)
}

/// Calls `f` on every operation builder's method called `name`.
pub(crate) fn each_builder_fn(file: &mut syn::File, name: &str, mut f: impl FnMut(&mut syn::ImplItemFn)) {
    let Some(builder) = builder_module(&mut file.items) else { return };
    for item in builder.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        for i in imp.items.iter_mut() {
            match i {
                syn::ImplItem::Fn(send) if send.sig.ident == name => f(send),
                _ => {}
            }
        }
    }
}

pub(crate) fn has_serde_flag(attrs: &[syn::Attribute], flag: &str) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("serde")
            && a.meta.require_list().is_ok_and(|l| l.tokens.to_string().split(',').any(|t| t.trim() == flag))
    })
}

/// Each typify builder of `builder` with its required fields and their
/// "unset" messages, read from its `Default` (typify starts a required field
/// as `Err("no value supplied for x".to_string())`).
pub(crate) fn unset_at_start(builder: &mut [syn::Item]) -> BTreeMap<String, BTreeMap<String, syn::LitStr>> {
    let mut unset = BTreeMap::new();
    for item in builder.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        let Some(name) = self_name(imp).filter(|_| is_default_impl(imp)) else { continue };
        let Some(init) = constructor_mut(imp, "default") else { continue };
        let found =
            init.fields.iter().filter_map(|fv| Some((member_name(&fv.member), literal_error(&fv.expr)?))).collect();
        unset.insert(name, found);
    }
    unset
}

/// `Err("..".to_string())` → `Some("..")` (the literal), else `None`.
pub(crate) fn literal_error(expr: &syn::Expr) -> Option<syn::LitStr> {
    let syn::Expr::Call(call) = expr else { return None };
    let syn::Expr::Path(err) = call.func.as_ref() else { return None };
    if !err.path.is_ident("Err") || call.args.len() != 1 {
        return None;
    }
    let syn::Expr::MethodCall(m) = &call.args[0] else { return None };
    let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) = m.receiver.as_ref() else { return None };
    (m.method == "to_string" && m.args.is_empty()).then(|| text.clone())
}

/// The `Self { .. }` a function of `imp` named `name` ends with.
pub(crate) fn constructor_mut<'a>(imp: &'a mut syn::ItemImpl, name: &str) -> Option<&'a mut syn::ExprStruct> {
    imp.items.iter_mut().find_map(|i| match i {
        syn::ImplItem::Fn(f) if f.sig.ident == name => match f.block.stmts.last_mut()? {
            syn::Stmt::Expr(syn::Expr::Struct(s), None) if s.path.is_ident("Self") => Some(s),
            _ => None,
        },
        _ => None,
    })
}

pub(crate) fn member_name(m: &syn::Member) -> String {
    match m {
        syn::Member::Named(i) => i.to_string(),
        syn::Member::Unnamed(i) => i.index.to_string(),
    }
}

/// The name of an impl's self type (`impl X` / `impl Trait for X` → `X`).
pub fn self_name(imp: &syn::ItemImpl) -> Option<String> {
    match imp.self_ty.as_ref() {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `impl Default for X` of a type of this module (not `for super::X`, the
/// model's `Default` that rule `default_for_every_struct` writes beside its builder's).
pub(crate) fn is_default_impl(imp: &syn::ItemImpl) -> bool {
    let local = matches!(imp.self_ty.as_ref(), syn::Type::Path(p) if p.path.segments.len() == 1);
    local && imp.trait_.as_ref().is_some_and(|(_, p, _)| p.segments.last().is_some_and(|s| s.ident == "Default"))
}

/// `U` of `Option<U>` (also `::std::option::Option<U>`).
pub fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(a) if a.args.len() == 1 => match a.args.first()? {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// `expr` as a call of a function whose path ends in `name`
/// (`HeaderMap::with_capacity(..)`, `HeaderName::from_static(..)`).
pub(crate) fn call_of<'a>(expr: &'a syn::Expr, name: &str) -> Option<&'a syn::ExprCall> {
    match expr {
        syn::Expr::Call(c) if matches!(c.func.as_ref(), syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name)) => {
            Some(c)
        }
        _ => None,
    }
}

/// The last path segment's name and its type arguments.
pub(crate) fn last_segment(ty: &syn::Type) -> Option<(String, Vec<syn::Type>)> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let args = match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
        _ => vec![],
    };
    Some((last.ident.to_string(), args))
}

/// The wire name from `#[serde(rename = "..")]`, if any.
pub fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().filter(|a| a.path().is_ident("serde")).find_map(|a| {
        let mut found = None;
        let _ = a.parse_nested_meta(|m| {
            if m.path.is_ident("rename") {
                let lit: syn::LitStr = m.value()?.parse()?;
                found = Some(lit.value());
            } else if m.input.peek(syn::Token![=]) {
                let _: syn::Expr = m.value()?.parse()?;
            }
            Ok(())
        });
        found
    })
}

pub(crate) fn derives(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .flat_map(|a| {
            a.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                .map(|ps| ps.iter().map(|p| quote::ToTokens::to_token_stream(p).to_string().replace(' ', "")).collect())
                .unwrap_or_else(|_| Vec::<String>::new())
        })
        .collect()
}

trait MetaString {
    fn to_token_stream_string(&self) -> String;
}

impl MetaString for syn::Meta {
    fn to_token_stream_string(&self) -> String {
        quote::ToTokens::to_token_stream(self).to_string()
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    /// The file as tokens, for `contains` checks.
    pub(crate) fn text(file: &syn::File) -> String {
        quote::ToTokens::to_token_stream(file).to_string()
    }

    /// An operation builder's `send` as progenitor writes it, with `body`
    /// before its end.
    pub(crate) fn send(body: &str) -> syn::File {
        syn::parse_str(&format!(
            "pub mod builder {{ impl<'a> Op<'a> {{
                ///Sends `GET /x`.
                pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {{
                    {body}
                    todo!()
                }}
            }} }}"
        ))
        .unwrap()
    }

    /// A `send_in` as `explicit_call_context` leaves it.
    pub(crate) fn send_in(body: &str) -> syn::File {
        syn::parse_str(&format!(
            "pub mod builder {{ impl<'a> Op<'a> {{
                pub(crate) async fn send_in(self, call: &crate::call::transport::CallContext) -> Result<ResponseValue<()>, Error<()>> {{
                    {body}
                }}
            }} }}"
        ))
        .unwrap()
    }

    /// A rule leaves `file`, which is not of the shape it rewrites, as it is.
    pub(crate) fn assert_unchanged_by(rule: fn(&mut syn::File) -> usize, mut file: syn::File) {
        let before = quote::quote!(#file).to_string();
        assert_eq!(rule(&mut file), 0, "a rule that changes nothing reports nothing");
        assert_eq!(quote::quote!(#file).to_string(), before);
    }
}
