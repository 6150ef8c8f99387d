//! Rule `operation_groups_behind_features` (see ARCHITECTURE.md for why, beside the other rules).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use syn::visit::Visit;

use crate::emit::client_layer::flat;

/// The start of every group feature's name, so that no tag can take the
/// name of one of the crate's other features.
pub const FEATURE_PREFIX: &str = "api-";

/// The Cargo feature of a spec tag: `Token Endpoint` → `api-token-endpoint`.
pub fn feature_of_tag(tag: &str) -> String {
    let mut slug = String::new();
    for c in tag.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    format!("{FEATURE_PREFIX}{}", slug.trim_end_matches('-'))
}

/// The features of an operation of the spec: one per tag. With `declared`
/// (the features the crate's manifest has), a tag without one is left out,
/// and an operation left with none is compiled in every build: no spec
/// revision can make an operation unreachable.
pub fn operation_features(op: &Value, declared: Option<&BTreeSet<String>>) -> BTreeSet<String> {
    op.get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(feature_of_tag)
        .filter(|f| declared.is_none_or(|d| d.contains(f)))
        .collect()
}

/// Every tag of the spec's operations, by its feature.
pub fn spec_features(spec: &Value) -> BTreeMap<String, String> {
    spec_operations(spec)
        .flat_map(|op| op.get("tags").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str))
        .map(|tag| (feature_of_tag(tag), tag.to_string()))
        .collect()
}

/// Every operation object of the spec that has an `operationId`.
pub fn spec_operations(spec: &Value) -> impl Iterator<Item = &Value> {
    spec.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter(|op| op.get("operationId").is_some())
}

/// Which features compile what: each operation builder those of its
/// operation's tags, each generated type those of the operations whose
/// request or answer contains it. An item in neither map is compiled in
/// every build (no tag, or reached by an operation without one).
#[derive(Debug, Clone, Default)]
pub struct Groups {
    ops: BTreeMap<String, BTreeSet<String>>,
    types: BTreeMap<String, BTreeSet<String>>,
}

impl Groups {
    /// The groups of progenitor's `file` for the normalised `spec`.
    ///
    /// # Errors
    /// An operation builder whose operation is not in the spec (its group
    /// would be unknown).
    pub fn new(file: &syn::File, spec: &Value, declared: Option<&BTreeSet<String>>) -> Result<Groups, String> {
        let by_id: BTreeMap<String, BTreeSet<String>> = spec_operations(spec)
            .filter_map(|op| Some((flat(op.get("operationId")?.as_str()?), operation_features(op, declared))))
            .collect();
        let type_items = module_items(&file.items, "types");
        let names: BTreeSet<String> = type_items.iter().filter_map(item_ident).collect();
        let no_ops = BTreeSet::new();
        let deps: BTreeMap<String, BTreeSet<String>> = type_items
            .iter()
            .filter_map(|item| {
                let mut m = Mentions::new(Scope::Types, &names, &no_ops);
                m.visit_item(item);
                Some((item_ident(item)?, m.types))
            })
            .collect();
        let builders = module_items(&file.items, "builder");
        let mut roots: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
        for item in builders {
            let syn::Item::Impl(imp) = item else { continue };
            let Some(builder) = last_ident(&imp.self_ty) else { continue };
            let Some(send) = imp.items.iter().find_map(|i| match i {
                syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
                _ => None,
            }) else {
                continue;
            };
            let id = crate::emit::client_layer::operation_id(send)
                .ok_or_else(|| format!("operation groups: no operation id in builder::{builder}::send"))?;
            let features = by_id
                .get(&flat(&id))
                .cloned()
                .ok_or_else(|| format!("operation groups: operation `{id}` (builder::{builder}) is not in the spec"))?;
            let mut m = Mentions::new(Scope::Builders, &names, &no_ops);
            m.visit_signature(&send.sig);
            for field in builders.iter().filter_map(|i| match i {
                syn::Item::Struct(s) if s.ident == builder => Some(s),
                _ => None,
            }) {
                m.visit_item_struct(field);
            }
            roots.insert(builder, (features, m.types));
        }
        // A type no operation reaches is in every build, and so is what it
        // contains.
        let reached: BTreeSet<&String> = closure(roots.values().flat_map(|(_, r)| r), &deps);
        let unreached: BTreeSet<String> = names.iter().filter(|n| !reached.contains(n)).cloned().collect();
        let mut types: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut always = BTreeSet::new();
        let no_features = BTreeSet::new();
        for (features, reached) in roots.values().map(|(f, r)| (f, r)).chain([(&no_features, &unreached)]) {
            for t in closure(reached, &deps) {
                if features.is_empty() {
                    always.insert(t.clone());
                } else {
                    types.entry(t.clone()).or_default().extend(features.iter().cloned());
                }
            }
        }
        types.retain(|t, _| !always.contains(t));
        let ops = roots.into_iter().filter(|(_, (f, _))| !f.is_empty()).map(|(b, (f, _))| (b, f)).collect();
        Ok(Groups { ops, types })
    }

    /// `#[cfg(..)]` for operation builder `builder`, if it has a group.
    pub fn op_cfg(&self, builder: &str) -> Option<syn::Attribute> {
        cfg(self.ops.get(builder).into_iter().collect())
    }

    /// `#[cfg(..)]` for generated type `name`, if it is not in every build.
    pub fn type_cfg(&self, name: &str) -> Option<syn::Attribute> {
        cfg(self.types.get(name).into_iter().collect())
    }

    /// Whether any operation is behind a feature.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Puts behind its group's features every item of `items` (in `scope`)
    /// that names a grouped type or operation builder in its own name or,
    /// for an `impl`, in its header (or, for an inherent `impl` whose header
    /// names none, in each method's signature). Returns how many items it
    /// changed.
    pub fn gate(&self, items: &mut [syn::Item], scope: Scope) -> usize {
        let type_names: BTreeSet<String> = self.types.keys().cloned().collect();
        let op_names: BTreeSet<String> = self.ops.keys().cloned().collect();
        let mut changed = 0;
        for item in items {
            let attr = match item {
                syn::Item::Struct(_) | syn::Item::Enum(_) | syn::Item::Type(_) => {
                    let name = item_ident(item).unwrap_or_default();
                    match scope {
                        Scope::Types => self.type_cfg(&name),
                        Scope::Builders => self.op_cfg(&name),
                        Scope::Top => None,
                    }
                }
                syn::Item::Impl(imp) => {
                    let mut m = Mentions::new(scope, &type_names, &op_names);
                    m.visit_type(&imp.self_ty);
                    if let Some((_, path, _)) = &imp.trait_ {
                        m.visit_path(path);
                    }
                    let attr = self.mentioned_cfg(&m);
                    if attr.is_none() && imp.trait_.is_none() {
                        for member in &mut imp.items {
                            let syn::ImplItem::Fn(f) = member else { continue };
                            let mut m = Mentions::new(scope, &type_names, &op_names);
                            m.visit_signature(&f.sig);
                            if let Some(a) = self.mentioned_cfg(&m) {
                                changed += usize::from(push_once(&mut f.attrs, a));
                            }
                        }
                    }
                    attr
                }
                // Free functions and constants of the generated modules
                // (typify's `defaults`, say) by the types they name.
                syn::Item::Fn(_) | syn::Item::Const(_) | syn::Item::Static(_) if scope != Scope::Top => {
                    let mut m = Mentions::new(scope, &type_names, &op_names);
                    match &*item {
                        syn::Item::Fn(f) => m.visit_signature(&f.sig),
                        syn::Item::Const(c) => m.visit_type(&c.ty),
                        syn::Item::Static(st) => m.visit_type(&st.ty),
                        _ => {}
                    }
                    self.mentioned_cfg(&m)
                }
                syn::Item::Mod(m) => {
                    let inner = match (scope, m.ident.to_string().as_str()) {
                        (Scope::Top, "types") | (Scope::Types, _) => Some(Scope::Types),
                        (Scope::Top, "builder") => Some(Scope::Builders),
                        _ => None,
                    };
                    if let (Some(inner), Some((_, content))) = (inner, m.content.as_mut()) {
                        changed += self.gate(content, inner);
                    }
                    None
                }
                _ => None,
            };
            if let (Some(a), Some(attrs)) = (attr, item_attrs(item)) {
                changed += usize::from(push_once(attrs, a));
            }
        }
        changed
    }

    fn mentioned_cfg(&self, m: &Mentions<'_>) -> Option<syn::Attribute> {
        let sets = m.types.iter().filter_map(|t| self.types.get(t)).chain(m.ops.iter().filter_map(|o| self.ops.get(o)));
        cfg(sets.collect())
    }
}

/// `from` and every type they contain, directly or not.
fn closure<'a>(
    from: impl IntoIterator<Item = &'a String>,
    deps: &'a BTreeMap<String, BTreeSet<String>>,
) -> BTreeSet<&'a String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&String> = from.into_iter().collect();
    while let Some(t) = stack.pop() {
        if seen.insert(t) {
            stack.extend(deps.get(t).into_iter().flatten());
        }
    }
    seen
}

/// Where an item is: what a bare name in it refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The crate's top level (progenitor's `Client`, the client layer).
    Top,
    /// `types` or `types::builder`: a bare name is a generated type.
    Types,
    /// The operation builders' module: a bare name is a builder.
    Builders,
}

/// The grouped types and builders a piece of code names.
struct Mentions<'a> {
    scope: Scope,
    type_names: &'a BTreeSet<String>,
    op_names: &'a BTreeSet<String>,
    types: BTreeSet<String>,
    ops: BTreeSet<String>,
}

impl<'a> Mentions<'a> {
    fn new(scope: Scope, type_names: &'a BTreeSet<String>, op_names: &'a BTreeSet<String>) -> Self {
        Mentions { scope, type_names, op_names, types: BTreeSet::new(), ops: BTreeSet::new() }
    }
}

impl<'ast> Visit<'ast> for Mentions<'_> {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if let (Some((last, prefix)), None) = (segments.split_last(), path.leading_colon) {
            let relative = prefix.iter().all(|s| s == "super" || s == "self");
            let is_type = prefix.iter().any(|s| s == "types") || (self.scope == Scope::Types && relative);
            let is_op = !is_type
                && (prefix.iter().any(|s| s == "builder") || (self.scope == Scope::Builders && prefix.is_empty()));
            if is_type && self.type_names.contains(last) {
                self.types.insert(last.clone());
            }
            if is_op && self.op_names.contains(last) {
                self.ops.insert(last.clone());
            }
        }
        syn::visit::visit_path(self, path);
    }
}

/// `#[cfg(..)]` for an item that needs every one of `sets` (each: any of
/// its features). A set that contains another is implied by it and left
/// out; none: no attribute.
fn cfg(mut sets: Vec<&BTreeSet<String>>) -> Option<syn::Attribute> {
    sets.sort_by_key(|s| s.len());
    let mut kept: Vec<&BTreeSet<String>> = Vec::new();
    for s in sets {
        if !kept.iter().any(|k| k.is_subset(s)) {
            kept.push(s);
        }
    }
    let exprs: Vec<proc_macro2::TokenStream> = kept
        .iter()
        .map(|s| {
            let features = s.iter();
            if s.len() == 1 {
                quote::quote!(#(feature = #features)*)
            } else {
                quote::quote!(any(#(feature = #features),*))
            }
        })
        .collect();
    match exprs.as_slice() {
        [] => None,
        [one] => Some(syn::parse_quote!(#[cfg(#one)])),
        many => Some(syn::parse_quote!(#[cfg(all(#(#many),*))])),
    }
}

/// Adds `attr` unless it is there; whether it added it.
fn push_once(attrs: &mut Vec<syn::Attribute>, attr: syn::Attribute) -> bool {
    use quote::ToTokens;
    let text = attr.to_token_stream().to_string();
    if attrs.iter().any(|a| a.to_token_stream().to_string() == text) {
        return false;
    }
    attrs.push(attr);
    true
}

fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        syn::Item::Fn(i) => Some(&mut i.attrs),
        syn::Item::Const(i) => Some(&mut i.attrs),
        syn::Item::Static(i) => Some(&mut i.attrs),
        syn::Item::Struct(i) => Some(&mut i.attrs),
        syn::Item::Enum(i) => Some(&mut i.attrs),
        syn::Item::Type(i) => Some(&mut i.attrs),
        syn::Item::Impl(i) => Some(&mut i.attrs),
        _ => None,
    }
}

fn item_ident(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}

fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn module_items<'f>(items: &'f [syn::Item], name: &str) -> &'f [syn::Item] {
    items
        .iter()
        .find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| items.as_slice()),
            _ => None,
        })
        .unwrap_or_default()
}

/// Every item of progenitor's output that belongs to an operation group
/// (rule [`Groups::gate`] on the whole file).
pub fn operation_groups_behind_features(file: &mut syn::File, groups: &Groups) -> usize {
    groups.gate(&mut file.items, Scope::Top)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    fn spec() -> Value {
        serde_json::json!({
            "paths": {
                "/a": { "post": { "operationId": "a_op", "tags": ["Token Endpoint"] } },
                "/b": { "get": { "operationId": "b_op", "tags": ["Client Management", "Token Endpoint"] } },
                "/c": { "get": { "operationId": "c_op" } }
            }
        })
    }

    fn file() -> syn::File {
        syn::parse_quote! {
            pub mod types {
                pub struct Shared { pub inner: Option<Inner> }
                pub struct Inner { pub x: i64 }
                pub struct OnlyA { pub shared: Shared }
                pub struct Free { pub x: i64 }
                pub struct Everywhere { pub x: i64 }
                impl From<&OnlyA> for OnlyA { fn from(v: &OnlyA) -> Self { todo!() } }
                pub mod defaults {
                    pub(super) fn only_a_shared() -> super::Shared { todo!() }
                    pub(super) fn default_u64<T, const V: u64>() -> T { todo!() }
                }
                pub mod builder {
                    pub struct OnlyA { shared: Result<super::Shared, String> }
                    impl From<super::OnlyA> for OnlyA { fn from(v: super::OnlyA) -> Self { todo!() } }
                }
            }
            pub struct Client { client: Inner }
            impl Client {
                pub fn new() -> Self { todo!() }
                pub fn a_op(&self) -> builder::AOp<'_> { todo!() }
                pub fn b_op(&self) -> builder::BOp<'_> { todo!() }
                pub fn c_op(&self) -> builder::COp<'_> { todo!() }
            }
            pub mod builder {
                use super::types;
                pub struct AOp<'a> { client: &'a super::Client, body: Result<types::builder::OnlyA, String> }
                impl<'a> AOp<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Shared>, Error<types::Everywhere>> {
                        let info = OperationInfo { operation_id: "a_op" };
                        todo!()
                    }
                }
                pub struct BOp<'a> { client: &'a super::Client }
                impl<'a> BOp<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Inner>, Error<types::Everywhere>> {
                        let info = OperationInfo { operation_id: "b_op" };
                        todo!()
                    }
                }
                pub struct COp<'a> { client: &'a super::Client }
                impl<'a> COp<'a> {
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<types::Everywhere>> {
                        let info = OperationInfo { operation_id: "c_op" };
                        todo!()
                    }
                }
            }
        }
    }

    fn text_of(file: &syn::File) -> String {
        file.to_token_stream().to_string()
    }

    #[test]
    fn tags_become_prefixed_kebab_case_features() {
        assert_eq!(feature_of_tag("Token Endpoint"), "api-token-endpoint");
        assert_eq!(feature_of_tag("CIBA"), "api-ciba");
        assert_eq!(feature_of_tag("  Jose  Object / v2 "), "api-jose-object-v2");
        let features = spec_features(&spec());
        assert_eq!(features.keys().collect::<Vec<_>>(), ["api-client-management", "api-token-endpoint"]);
    }

    #[test]
    fn types_follow_the_operations_that_reach_them() {
        let mut f = file();
        let groups = Groups::new(&f, &spec(), None).unwrap();
        let cfg_of = |t: &str| groups.type_cfg(t).map(|a| a.to_token_stream().to_string());
        let token = Some("# [cfg (feature = \"api-token-endpoint\")]".to_string());
        assert_eq!(cfg_of("OnlyA"), token);
        // Reached from `a_op`'s answer and (through `Shared`) `b_op`'s: the
        // union of both operations' features.
        assert_eq!(
            cfg_of("Inner"),
            Some("# [cfg (any (feature = \"api-client-management\" , feature = \"api-token-endpoint\"))]".into())
        );
        // `c_op` has no tag: what it reaches is in every build, and so is
        // what no operation reaches.
        assert_eq!(cfg_of("Everywhere"), None);
        assert_eq!(cfg_of("Free"), None);
        // A builder field `client: &super::Client` is not the type `Client`.
        let changed = operation_groups_behind_features(&mut f, &groups);
        let text = text_of(&f);
        assert!(text.contains("# [cfg (feature = \"api-token-endpoint\")] pub struct OnlyA { pub shared"), "{text}");
        assert!(text.contains("# [cfg (feature = \"api-token-endpoint\")] impl From < & OnlyA > for OnlyA"), "{text}");
        assert!(text.contains("# [cfg (feature = \"api-token-endpoint\")] impl From < super :: OnlyA >"), "{text}");
        assert!(text.contains("# [cfg (feature = \"api-token-endpoint\")] pub fn a_op"), "{text}");
        assert!(text.contains("# [cfg (feature = \"api-token-endpoint\")] pub struct AOp"), "{text}");
        assert!(text.contains("# [cfg (feature = \"api-token-endpoint\")] impl < 'a > AOp"), "{text}");
        assert!(text.contains("pub fn new"), "{text}");
        assert!(!text.contains("] pub fn new"), "{text}");
        assert!(!text.contains("] pub fn c_op"), "{text}");
        assert!(!text.contains("] pub struct Free"), "{text}");
        // typify's default functions follow the type they return.
        assert!(text.contains("# [cfg (feature = \"api-token-endpoint\")] pub (super) fn only_a_shared"), "{text}");
        assert!(!text.contains("] pub (super) fn default_u64"), "{text}");
        // Applied twice, it changes nothing more.
        assert!(changed > 0);
        assert_eq!(operation_groups_behind_features(&mut f, &groups), 0);
    }

    #[test]
    fn a_tag_the_manifest_does_not_declare_compiles_its_operations_everywhere() {
        let f = file();
        let declared: BTreeSet<String> = ["api-client-management".to_string()].into();
        let groups = Groups::new(&f, &spec(), Some(&declared)).unwrap();
        assert!(groups.op_cfg("AOp").is_none());
        assert_eq!(
            groups.op_cfg("BOp").map(|a| a.to_token_stream().to_string()),
            Some("# [cfg (feature = \"api-client-management\")]".into())
        );
        // `OnlyA` is reached by `a_op`, now in every build.
        assert!(groups.type_cfg("OnlyA").is_none());
    }

    #[test]
    fn a_builder_whose_operation_the_spec_lacks_fails_naming_it() {
        let mut spec = spec();
        spec["paths"]["/a"]["post"]["operationId"] = "renamed".into();
        let e = Groups::new(&file(), &spec, None).unwrap_err();
        assert!(e.contains("`a_op`") && e.contains("AOp"), "{e}");
    }

    #[test]
    fn a_type_no_operation_reaches_is_everywhere_with_what_it_contains() {
        let mut f = file();
        if let syn::Item::Mod(m) = &mut f.items[0] {
            m.content.as_mut().unwrap().1.push(syn::parse_quote!(
                pub struct Orphan {
                    pub a: Option<OnlyA>,
                }
            ));
        }
        let groups = Groups::new(&f, &spec(), None).unwrap();
        assert!(groups.type_cfg("Orphan").is_none());
        assert!(groups.type_cfg("OnlyA").is_none());
        assert!(groups.type_cfg("Inner").is_none(), "contained in OnlyA, through Shared");
    }

    #[test]
    fn an_impl_naming_two_groups_needs_both() {
        let a: BTreeSet<String> = ["api-a".to_string()].into();
        let ab: BTreeSet<String> = ["api-a".to_string(), "api-b".to_string()].into();
        let c: BTreeSet<String> = ["api-c".to_string()].into();
        let text = |sets| cfg(sets).map(|a| a.to_token_stream().to_string());
        assert_eq!(text(vec![&ab, &a]), Some("# [cfg (feature = \"api-a\")]".into()));
        assert_eq!(text(vec![&a, &c]), Some("# [cfg (all (feature = \"api-a\" , feature = \"api-c\"))]".into()));
        assert_eq!(text(vec![]), None);
    }
}
