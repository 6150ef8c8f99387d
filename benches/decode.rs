//! Decoding cost of the forward-compatible types (open enums, unknown fields
//! kept) against the plain typify types of the same spec (closed enums,
//! unknown fields dropped), in the same run.
//!
//! ```sh
//! cargo bench --features bench-baseline --bench decode [-- --rounds 15 --batch-ms 40 --only Service]
//! ```
//!
//! Payloads are built from the spec: every property of the schema gets a
//! value (objects nested to a bounded depth, arrays of two), so both types
//! decode exactly the same fields. Three answers: a small one
//! (`IdtokenReissueResponse`), a large one (`Service`) and a list
//! (`ClientGetListResponse` with 100 clients).
//!
//! The two decoders run in interleaved rounds, like the load bench: in each
//! round, a batch of each (which one goes first alternates), and the ratio
//! open / plain is taken round by round, so a machine that speeds up or
//! slows down between rounds cancels out. It prints, per answer, the median
//! ratio and its range, the median nanoseconds per decode of each, and one
//! JSON line per answer (the lines starting with `{`).

use authlete::types as open;
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};
use std::hint::black_box;
use std::time::{Duration, Instant};

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

fn component(spec: &Value, name: &str) -> Value {
    full(spec, &spec["components"]["schemas"][name], 0)
}

/// One answer to decode, both ways.
struct Case {
    name: &'static str,
    payload: Vec<u8>,
    open: fn(&[u8]) -> bool,
    plain: fn(&[u8]) -> bool,
}

fn decodes<T: DeserializeOwned>(bytes: &[u8]) -> bool {
    serde_json::from_slice::<T>(black_box(bytes)).map(black_box).is_ok()
}

/// Both types decode `payload`, to the same fields.
fn same_fields<A, B>(payload: &[u8]) -> bool
where
    A: DeserializeOwned + serde::Serialize,
    B: DeserializeOwned + serde::Serialize,
{
    let a: A = serde_json::from_slice(payload).unwrap();
    let b: B = serde_json::from_slice(payload).unwrap();
    serde_json::to_value(&a).unwrap() == serde_json::to_value(&b).unwrap()
}

/// Seconds per decode over a batch of `n`.
fn batch(decode: fn(&[u8]) -> bool, payload: &[u8], n: u64) -> f64 {
    let t0 = Instant::now();
    for _ in 0..n {
        assert!(decode(payload));
    }
    t0.elapsed().as_secs_f64() / n as f64
}

fn median_and_range(mut xs: Vec<f64>) -> (f64, f64, f64) {
    xs.sort_by(f64::total_cmp);
    (xs[xs.len() / 2], xs[0], xs[xs.len() - 1])
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let rounds: usize = arg("--rounds").and_then(|s| s.parse().ok()).unwrap_or(15);
    let batch_time = Duration::from_millis(arg("--batch-ms").and_then(|s| s.parse().ok()).unwrap_or(40));
    let spec = spec();
    let mut list = component(&spec, "client_get_list_response");
    list["clients"] = Value::Array(vec![component(&spec, "client"); 100]);
    let cases = [
        Case {
            name: "IdtokenReissueResponse",
            payload: serde_json::to_vec(&component(&spec, "idtoken_reissue_response")).unwrap(),
            open: decodes::<open::IdtokenReissueResponse>,
            plain: decodes::<plain::IdtokenReissueResponse>,
        },
        Case {
            name: "Service",
            payload: serde_json::to_vec(&component(&spec, "service")).unwrap(),
            open: decodes::<open::Service>,
            plain: decodes::<plain::Service>,
        },
        Case {
            name: "ClientGetListResponse (100 clients)",
            payload: serde_json::to_vec(&list).unwrap(),
            open: decodes::<open::ClientGetListResponse>,
            plain: decodes::<plain::ClientGetListResponse>,
        },
    ];
    assert!(same_fields::<open::IdtokenReissueResponse, plain::IdtokenReissueResponse>(&cases[0].payload));
    assert!(same_fields::<open::Service, plain::Service>(&cases[1].payload));
    assert!(same_fields::<open::ClientGetListResponse, plain::ClientGetListResponse>(&cases[2].payload));

    println!("{:<38}{:>8}{:>22}{:>14}{:>14}", "answer", "bytes", "open / plain (range)", "open ns", "plain ns");
    // `--only TEXT` runs the answers whose name contains it (for profiling).
    let only = arg("--only");
    for case in cases.iter().filter(|c| only.as_ref().is_none_or(|o| c.name.contains(o.as_str()))) {
        // A batch takes about `batch_time` for the plain decoder.
        let per = batch(case.plain, &case.payload, 50);
        let n = ((batch_time.as_secs_f64() / per) as u64).max(10);
        let (mut ratios, mut opens, mut plains) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            let (o, p) = if round % 2 == 0 {
                let o = batch(case.open, &case.payload, n);
                (o, batch(case.plain, &case.payload, n))
            } else {
                let p = batch(case.plain, &case.payload, n);
                (batch(case.open, &case.payload, n), p)
            };
            ratios.push(o / p);
            opens.push(o * 1e9);
            plains.push(p * 1e9);
        }
        let (ratio, low, high) = median_and_range(ratios);
        let (o, p) = (median_and_range(opens).0, median_and_range(plains).0);
        let range = format!("{ratio:.2} ({low:.2}-{high:.2})");
        println!("{:<38}{:>8}{:>22}{:>14.0}{:>14.0}", case.name, case.payload.len(), range, o, p);
        println!(
            "{}",
            json!({"answer": case.name, "bytes": case.payload.len(), "rounds": rounds, "batch": n,
                   "ratio_median": ratio, "ratio_min": low, "ratio_max": high, "open_ns": o, "plain_ns": p})
        );
    }
}
