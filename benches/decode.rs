//! Decoding cost of the forward-compatible types (open enums, unknown fields
//! kept) against the plain typify types of the same spec (closed enums,
//! unknown fields dropped), in the same run.
//!
//! ```sh
//! cargo bench --features bench-baseline --bench decode
//! ```
//!
//! Payloads are built from the spec: every property of the schema gets a
//! value (objects nested to a bounded depth, arrays of two), so both types
//! decode exactly the same fields.

use authlete::types as open;
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Map, Value};
use std::hint::black_box;

/// Plain typify types of the same spec (closed enums, unknown fields
/// dropped), which the build script emits with feature `bench-baseline`.
#[allow(dead_code, clippy::all)]
mod baseline {
    include!(env!("AUTHLETE_BASELINE_TYPES"));
}
use baseline::types as plain;

fn spec() -> Value {
    serde_json::from_str(&std::fs::read_to_string(env!("AUTHLETE_NORMALISED_SPEC")).unwrap()).unwrap()
}

/// A value for `schema` with every property filled.
fn full(spec: &Value, schema: &Value, depth: usize) -> Value {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return full(spec, spec.pointer(r.trim_start_matches('#')).unwrap(), depth);
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values[values.len() / 2].clone();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(first) = schema.get(key).and_then(Value::as_array).and_then(|a| a.first()) {
            return full(spec, first, depth);
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => json!("a-typical-string-value-0123456789"),
        Some("integer") => json!(1_700_000_000),
        Some("number") => json!(0.5),
        Some("boolean") => json!(true),
        Some("array") if depth < 3 => {
            let item = full(spec, schema.get("items").unwrap_or(&json!({"type": "string"})), depth + 1);
            json!([item.clone(), item])
        }
        Some("array") => json!([]),
        _ => {
            let mut out = Map::new();
            if depth < 3 {
                for (k, v) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
                    out.insert(k.clone(), full(spec, v, depth + 1));
                }
            }
            Value::Object(out)
        }
    }
}

fn payload(spec: &Value, component: &str) -> Vec<u8> {
    let v = full(spec, &spec["components"]["schemas"][component], 0);
    serde_json::to_vec(&v).unwrap()
}

fn bench(c: &mut Criterion) {
    let spec = spec();
    let reissue = payload(&spec, "idtoken_reissue_response");
    let service = payload(&spec, "service");
    // Both decode, and to the same fields.
    let a: open::Service = serde_json::from_slice(&service).unwrap();
    let b: plain::Service = serde_json::from_slice(&service).unwrap();
    assert_eq!(serde_json::to_value(&a).unwrap(), serde_json::to_value(&b).unwrap());

    let mut g = c.benchmark_group("decode");
    g.bench_function("IdtokenReissueResponse/open", |x| {
        x.iter(|| serde_json::from_slice::<open::IdtokenReissueResponse>(black_box(&reissue)).unwrap())
    });
    g.bench_function("IdtokenReissueResponse/plain", |x| {
        x.iter(|| serde_json::from_slice::<plain::IdtokenReissueResponse>(black_box(&reissue)).unwrap())
    });
    g.bench_function("Service/open", |x| {
        x.iter(|| serde_json::from_slice::<open::Service>(black_box(&service)).unwrap())
    });
    g.bench_function("Service/plain", |x| {
        x.iter(|| serde_json::from_slice::<plain::Service>(black_box(&service)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
