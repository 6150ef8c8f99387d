//! Running progenitor over a normalised spec, then the rules on its output,
//! the documentation, the client layer and the test tables.

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use serde_json::Value;

use crate::rewrite::{Code, Phase};

/// Turns a normalised spec into formatted Rust source: progenitor's client
/// after the rules, followed by our per-operation layer; and the test tables.
/// `log` gets a line per rule.
pub fn progenitor_source(
    spec: &Value,
    dropped: crate::retained::Dropped,
    declared: Option<&std::collections::BTreeSet<String>>,
    log: &mut Vec<String>,
) -> Result<Generated, String> {
    let api: openapiv3::OpenAPI =
        serde_json::from_value(spec.clone()).map_err(|e| format!("the normalised spec is not OpenAPI 3.0: {e}"))?;

    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // Our client implements `ClientHooks` (credentials, retries, limits).
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote::quote! { crate::call::transport::Transport })
        .with_map_type("::std::collections::BTreeMap");
    // Behind the crate's `schemars` feature (rule `json_schema_behind_a_feature`).
    settings.with_derive("::schemars::JsonSchema");

    // progenitor reports some unsupported constructs by panicking; turn that
    // into an error that says which rule is missing.
    let tokens = std::panic::catch_unwind(move || Generator::new(&settings).generate_tokens(&api))
        .map_err(|panic| {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            format!("progenitor panicked ({msg}): a normalisation rule is missing for this spec")
        })?
        .map_err(|e| format!("progenitor failed: {e}"))?;

    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("progenitor produced invalid Rust: {e}"))?;
    let mut code = Code { file, enums: Vec::new(), dropped, unmatched: Vec::new(), groups: Default::default() };
    crate::rewrite::apply(&mut code, Phase::Before, log)?;
    code.groups = crate::rewrite::Groups::new(&code.file, spec, declared)?;
    let undocumented = crate::emit::docs::document(&mut code.file, spec, &code.enums);
    let (layer, operation_rows) = crate::emit::client_layer::client_layer(&code.file, spec, &code.groups)?;
    let inventory = crate::emit::test_tables::inventory(&code.file, spec, &code.enums);
    // Last: the layer above calls the `send_in` these make of each `send`.
    crate::rewrite::apply(&mut code, Phase::After, log)?;
    let file = code.file;
    let source = format!(
        "{}\n// ---- per-operation client layer (authlete-codegen: emit/client_layer.rs) ----\n\n{layer}",
        prettyplease::unparse(&file)
    );
    let test_tables = format!(
        "// Tables for the crate's spec-driven tests (`include!(env!(\"AUTHLETE_TEST_TABLES\"))`).\n\n\
         {operation_rows}\n{inventory}"
    );
    Ok(Generated { source, test_tables, undocumented })
}

/// What [`progenitor_source`] makes of a spec.
pub struct Generated {
    /// The crate's generated code (`generated/authlete_api.rs`).
    pub source: String,
    /// The tables its tests include (`generated/test_tables.rs`).
    pub test_tables: String,
    /// How many public items got only the fallback doc.
    pub undocumented: usize,
}

/// The `types` module plain progenitor/typify generates (closed enums, no
/// unknown-field maps): the baseline the decode benchmark compares with.
pub fn baseline_types(spec: &Value) -> Result<String, String> {
    let api: openapiv3::OpenAPI = serde_json::from_value(spec.clone()).map_err(|e| e.to_string())?;
    let tokens = std::panic::catch_unwind(move || Generator::new(&GenerationSettings::new()).generate_tokens(&api))
        .map_err(|_| "progenitor panicked on the baseline".to_string())?
        .map_err(|e| e.to_string())?;
    let file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
    let types = file
        .items
        .into_iter()
        .find(|i| matches!(i, syn::Item::Mod(m) if m.ident == "types"))
        .ok_or("no types module")?;
    Ok(prettyplease::unparse(&syn::File { shebang: None, attrs: vec![], items: vec![types] }))
}
