//! The fixture spec (`tests/fixture/spec.yaml`, with the retained items of
//! `tests/fixture/retained.yaml`) gives every rule something to do; what the generator makes of it is checked in
//! (`tests/fixture/generated.rs`) so that a change of a rule, of progenitor
//! or of typify shows as a diff in review. `AUTHLETE_UPDATE_GOLDEN=1 cargo
//! test -p authlete-codegen --test golden` writes the new output.

use authlete_codegen::{generate_with_retained, normalise, rewrite, Options};

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixture/generated.rs");

fn fixture() -> authlete_codegen::Output {
    generate_with_retained(
        include_str!("fixture/spec.yaml"),
        Some(include_str!("fixture/retained.yaml")),
        &Options::default(),
    )
    .expect("the fixture generates")
}

#[test]
fn the_fixture_generates_the_checked_in_output() {
    let output = fixture();
    if std::env::var_os("AUTHLETE_UPDATE_GOLDEN").is_some() {
        std::fs::write(GOLDEN, &output.source).unwrap();
    }
    let golden = std::fs::read_to_string(GOLDEN).unwrap();
    if let Some((n, (ours, theirs))) = output.source.lines().zip(golden.lines()).enumerate().find(|(_, (a, b))| a != b)
    {
        panic!("line {}: generated\n  {ours}\nchecked in\n  {theirs}\n(AUTHLETE_UPDATE_GOLDEN=1 to accept)", n + 1);
    }
    assert_eq!(output.source.lines().count(), golden.lines().count(), "the output's length changed");
}

#[test]
fn every_rule_changes_something_in_the_fixture() {
    let log = fixture().log;
    for rule in rewrite::RULES {
        let line = log.iter().find(|l| l.starts_with(&format!("rule {}: ", rule.name))).unwrap();
        assert!(!line.ends_with(": 0 changed"), "{line}");
    }
    for rule in normalise::RULES {
        assert!(
            log.iter().any(|l| l.starts_with(&format!("{}: ", rule.name))),
            "{} logged nothing: {log:#?}",
            rule.name
        );
    }
}

#[test]
fn a_rule_that_must_apply_and_changes_nothing_fails_naming_it() {
    let mut code = rewrite::Code {
        file: syn::parse_quote! { pub mod types {} },
        enums: Vec::new(),
        dropped: Default::default(),
        unmatched: Vec::new(),
        groups: Default::default(),
    };
    let e = rewrite::apply(&mut code, rewrite::Phase::After, &mut Vec::new()).unwrap_err();
    assert!(e.contains("explicit_call_context") && e.contains("retries_rebuild_the_request"), "{e}");
}
