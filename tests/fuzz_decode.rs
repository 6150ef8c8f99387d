//! Fuzzing of response decoding for every operation, through the decoder
//! the client uses (progenitor's `serde_json::from_slice` into the
//! operation's success type, and into its error type): arbitrary JSON,
//! arbitrary bytes, and mutations of a valid answer. Decoding may fail; it
//! must never panic.
//!
//! Cases per operation and decoder: `AUTHLETE_FUZZ_CASES` (default 64).
//! The total number of inputs run is printed.

#[path = "support/tables.rs"]
mod tables;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        "[A-Z_]{0,12}".prop_map(Value::String),
        ".{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("action".to_string()),
                        Just("resultCode".to_string()),
                        Just("responseContent".to_string()),
                        Just("clientId".to_string()),
                        Just("scopes".to_string()),
                        Just("keys".to_string()),
                        "[a-zA-Z]{1,10}"
                    ],
                    inner
                ),
                0..8
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Bytes: JSON text, JSON with a cut or a flipped byte, or noise.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        json_value().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        (json_value(), any::<prop::sample::Index>()).prop_map(|(v, i)| {
            let b = serde_json::to_vec(&v).unwrap();
            b[..i.index(b.len() + 1)].to_vec()
        }),
        (json_value(), any::<prop::sample::Index>(), any::<u8>()).prop_map(|(v, i, x)| {
            let mut b = serde_json::to_vec(&v).unwrap();
            let n = i.index(b.len());
            b[n] ^= x;
            b
        }),
        prop::collection::vec(any::<u8>(), 0..64),
    ]
}

#[test]
fn decoding_any_answer_never_panics() {
    let cases: u32 = std::env::var("AUTHLETE_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64);
    let mut inputs = 0u64;
    for op in tables::OPERATIONS {
        for (which, decode) in [("success", op.decode_success), ("error", op.decode_error)] {
            let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
            runner
                .run(&body(), |bytes| {
                    // A panic inside fails the run with the input that caused it.
                    let _ = decode(&bytes);
                    Ok(())
                })
                .unwrap_or_else(|e| panic!("{} ({which}): {e}", op.id));
            inputs += u64::from(cases);
        }
    }
    eprintln!("fuzz_decode: {inputs} inputs over {} operations", tables::OPERATIONS.len());
}

#[test]
fn decoders_accept_what_they_should() {
    let reissue = tables::OPERATIONS.iter().find(|o| o.name == "idtoken_reissue").unwrap();
    assert!((reissue.decode_success)(br#"{"action":"OK","idToken":"eyJ"}"#).is_ok());
    assert!((reissue.decode_success)(br#"{"action":"NEW_ACTION","unknown":1}"#).is_ok());
    // A field of the wrong type is tolerated (kept raw); a top level that is
    // not an object is not.
    assert!((reissue.decode_success)(br#"{"action":1}"#).is_ok());
    assert!((reissue.decode_success)(br#"[{"action":"OK"}]"#).is_err());
    assert!((reissue.decode_success)(br#""OK""#).is_err());
    assert!((reissue.decode_error)(br#"{"resultCode":"A","resultMessage":"m"}"#).is_ok());
    assert!((reissue.decode_success)(b"<html>").is_err());
}
