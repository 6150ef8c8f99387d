//! Conformance against Stoplight Prism, a validating mock built from the
//! same spec by people who are not us: every operation is called through
//! the crate with minimal valid inputs; Prism must find no fault in the
//! request, and the crate must decode Prism's answer.
//!
//! Prism (pinned in tests/prism/package-lock.json) is installed by
//! tests/prism/install.sh, with Node.js from Debian if the machine has none.

mod support;
#[path = "support/tables.rs"]
mod tables;

use authlete_codegen::normalise;

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use authlete::{Authlete, RetryConfig};
use serde_json::{json, Map, Value};

use support::spec::{minimal, normalised, resolve};

struct Prism(Child, std::path::PathBuf);

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        let _ = std::fs::remove_file(&self.1);
    }
}

/// The path of the Prism binary, installed once per test process (the
/// script also locks, for test processes that run at the same time).
fn prism_installed() -> &'static str {
    static PRISM: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PRISM.get_or_init(|| {
        let root = env!("CARGO_MANIFEST_DIR");
        let install = Command::new("bash").arg(format!("{root}/tests/prism/install.sh")).output().expect("bash runs");
        assert!(install.status.success(), "installing Prism failed:\n{}", String::from_utf8_lossy(&install.stderr));
        String::from_utf8(install.stdout).unwrap().trim().to_string()
    })
}

/// Serves `doc` with Prism; `validate_requests` answers a request Prism
/// finds invalid with 422.
fn start_prism(mut doc: Value, validate_requests: bool, tag: &str) -> (Prism, String) {
    let prism = prism_installed();
    // The empty `description` OpenAPI requires on responses (the vendored
    // file holds no prose, and Prism skips responses that lack one).
    normalise::fill_response_descriptions::fill_response_descriptions(&mut doc, &mut Vec::new());
    let served = std::env::temp_dir().join(format!("authlete-prism-{tag}-{}.json", std::process::id()));
    std::fs::write(&served, serde_json::to_vec(&doc).unwrap()).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut args = vec!["mock".to_string(), "--host".into(), "127.0.0.1".into(), "--port".into(), port.to_string()];
    if validate_requests {
        args.extend(["--errors".into(), "true".into()]);
    }
    let child = Command::new(prism)
        .args(&args)
        .arg(&served)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("Prism starts");
    let guard = Prism(child, served);
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(90), "Prism did not start listening");
        std::thread::sleep(Duration::from_millis(200));
    }
    (guard, format!("http://127.0.0.1:{port}"))
}

/// Minimal valid parameters of an operation: required path, query and
/// header parameters, and the request body, keyed by the spec's names.
fn minimal_params(spec: &Value, op: &Value) -> Value {
    let mut params = Map::new();
    for p in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
        let p = resolve(spec, p);
        let required = p.get("required") == Some(&json!(true));
        if required {
            let schema = p.get("schema").cloned().unwrap_or(json!({"type": "string"}));
            let value = match (p["name"].as_str(), minimal(spec, &schema)) {
                (Some("serviceId"), _) => json!("715948317"),
                (_, Value::String(s)) if p["in"] == "path" => json!(format!("{s}1")),
                (_, v) => v,
            };
            params.insert(p["name"].as_str().unwrap().to_string(), value);
        }
    }
    if let Some(body) = op.get("requestBody") {
        let body = resolve(spec, body);
        if let Some(schema) = body.pointer("/content/application~1json/schema") {
            params.insert("body".into(), minimal(spec, schema));
        }
    }
    Value::Object(params)
}

/// The first success status the spec lists for an operation (Prism answers
/// the status a request asks for with `Prefer: code=...`).
fn success_status(op: &Value) -> String {
    let mut codes: Vec<&String> = op["responses"].as_object().unwrap().keys().filter(|c| c.starts_with('2')).collect();
    codes.sort();
    codes.first().map(|c| c.to_string()).unwrap_or_else(|| "200".into())
}

/// Calls every operation against Prism at `url`; the failures.
async fn call_every_operation(url: &str) -> (usize, Vec<String>) {
    let spec = normalised();
    let mut failures = Vec::new();
    let mut passed = 0;
    for entry in tables::OPERATIONS {
        let op = &spec["paths"][entry.path][entry.method.to_ascii_lowercase()];
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("prefer", format!("code={}", success_status(op)).parse().unwrap());
        let client = Authlete::builder()
            .base_url(url)
            .service_id("715948317")
            .access_token("conformance-token")
            .retry(RetryConfig::disabled())
            .http_client(authlete::reqwest_client_builder().unwrap().default_headers(headers).build().unwrap())
            .build()
            .unwrap();
        let params = minimal_params(&spec, op);
        // With `--errors true` a request Prism finds invalid is answered 422.
        match (entry.call_json)(&client, params.clone()).await {
            Ok(status) if (200..300).contains(&status) => passed += 1,
            Ok(status) => failures.push(format!("{} {}: status {status}", entry.method, entry.path)),
            Err(e) => failures.push(format!("{} {} with {params}: {e}", entry.method, entry.path)),
        }
    }
    (passed, failures)
}

fn assert_all_passed(passed: usize, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} of {} operations failed:\n{}",
        failures.len(),
        passed + failures.len(),
        failures.join("\n")
    );
    assert_eq!(passed, tables::OPERATIONS.len());
}

/// Prism serves the spec the crate was built from; it must find no fault
/// in any request, and the crate must decode every answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_conforms_to_prism() {
    let (_prism, url) = start_prism(support::spec::raw(), true, "built");
    let (passed, failures) = call_every_operation(&url).await;
    assert_all_passed(passed, &failures);
}

/// The upstream file as Authlete published it, examples included, served by
/// Prism (its answers are upstream's own examples, some of which contradict
/// their schema): every answer decodes. The file is the one the crate was
/// built from when that is an upstream file, else the upstream file named in
/// the vendored spec's header, from `../shared/upstream`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_decodes_the_published_examples() {
    let built = std::path::PathBuf::from(env!("AUTHLETE_SPEC_PATH"));
    let text = std::fs::read_to_string(&built).unwrap();
    let published = match text.lines().find_map(|l| l.strip_prefix("# Produced by `cargo xtask vendor-spec` from ")) {
        None => built,
        Some(name) => {
            let upstream =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/upstream").join(name.trim());
            if !upstream.exists() {
                eprintln!("{} not found: the published examples are not checked", upstream.display());
                return;
            }
            upstream
        }
    };
    let mut doc: Value = serde_norway::from_str(&std::fs::read_to_string(&published).unwrap()).unwrap();
    // What the crate retains from earlier revisions is served too (from its schema).
    let retained = env!("AUTHLETE_RETAINED_PATH");
    if !retained.is_empty() {
        let kept: Value = serde_norway::from_str(&std::fs::read_to_string(retained).unwrap()).unwrap();
        authlete_codegen::retained::merge(&mut doc, &kept);
    }
    // One upstream defect is mended first, as the crate's rules do: a
    // revision (2025-11-06) declares `subject` both in the path and in the
    // query of four operations, which no client can send as one parameter.
    let mut log = Vec::new();
    normalise::inline_path_item_parameters::inline_path_item_parameters(&mut doc, &mut log);
    normalise::reconcile_path_parameters::reconcile_path_parameters(&mut doc, &mut log);
    // Requests are checked by the test above; here only the answers matter.
    let (_prism, url) = start_prism(doc, false, "published");
    let (passed, failures) = call_every_operation(&url).await;
    eprintln!("{}: {passed} operations decoded upstream's examples", published.display());
    assert_all_passed(passed, &failures);
}
