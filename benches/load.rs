//! Calls per second and CPU per call of the crate's `/idtoken/reissue` call
//! against a hand-written reqwest + serde call of the same request, in the
//! same process and run, against a server on 127.0.0.1 (nginx with canned
//! answers, started by `benches/load/run.sh`).
//!
//! ```sh
//! cargo bench --bench load -- --url http://127.0.0.1:PORT [--duration 5] [--max-calls 500000] [--concurrency 1,64]
//! ```
//!
//! Prints one JSON line per (client, concurrency), like the peer SDK scripts
//! in `benches/load/peers/`. Every loop is bounded by time and by count.
//!
//! With `--features dpop` and `--dpop`, it compares the crate's bearer call
//! with the same call made with DPoP-bound tokens (an ES256 and an Ed25519
//! key, a proof signed per call) instead of raw reqwest.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use authlete::Authlete;

/// The system allocator, counting allocations: each client's allocations
/// per call go into its line (one relaxed add per allocation, the same for
/// every client).
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract, passed on unchanged.
        unsafe { std::alloc::System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: as above.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { std::alloc::System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Process CPU time (user + system) from /proc/self/stat.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line (11 and 12 here).
    let ticks: u64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0)
        + fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
    let hz = 100; // USER_HZ on Linux
    Duration::from_millis(ticks * 1000 / hz)
}

/// The request a hand-written client serialises on each call.
#[derive(serde::Serialize)]
struct RawReissueRequest<'a> {
    #[serde(rename = "accessToken")]
    access_token: &'a str,
    #[serde(rename = "refreshToken")]
    refresh_token: &'a str,
}

/// The answer's fields the raw client decodes (same as the crate's type,
/// without forward compatibility).
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct RawReissueResponse {
    #[serde(rename = "resultCode")]
    result_code: Option<String>,
    #[serde(rename = "resultMessage")]
    result_message: Option<String>,
    action: Option<String>,
    #[serde(rename = "responseContent")]
    response_content: Option<String>,
    #[serde(rename = "idToken")]
    id_token: Option<String>,
}

#[derive(Clone, Copy)]
struct Bounds {
    seconds: f64,
    max_calls: u64,
}

async fn run<F, Fut>(name: &str, concurrency: usize, bounds: Bounds, call: F)
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    // `--only NAME` runs one client (for profiling).
    if arg("--only").is_some_and(|only| only != name) {
        return;
    }
    // Warm-up: connections opened, caches filled.
    for _ in 0..200 {
        call().await;
    }
    let calls = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(bounds.seconds);
    let cpu0 = cpu_time();
    let allocations0 = ALLOCATIONS.load(Ordering::Relaxed);
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (call, calls, errors) = (call.clone(), calls.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline && calls.fetch_add(1, Ordering::Relaxed) < bounds.max_calls {
                if !call().await {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let seconds = t0.elapsed().as_secs_f64();
    let cpu = (cpu_time() - cpu0).as_secs_f64();
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - allocations0;
    let n = calls.load(Ordering::Relaxed).min(bounds.max_calls);
    println!(
        "{}",
        serde_json::json!({
            "client": name, "version": env!("CARGO_PKG_VERSION"), "concurrency": concurrency,
            "calls": n, "errors": errors.load(Ordering::Relaxed), "seconds": seconds,
            "calls_per_sec": n as f64 / seconds, "cpu_seconds": cpu, "cpu_us_per_call": cpu * 1e6 / n as f64,
            "allocations_per_call": allocations as f64 / n as f64
        })
    );
}

/// The hand-written call: the same request and check as the crate's.
async fn raw_call(raw: &reqwest::Client, endpoint: &str, user_agent: &str) -> bool {
    let sent = raw
        .post(endpoint)
        .header("authorization", "Bearer bench-token")
        .header("accept", "application/json")
        .header("user-agent", user_agent)
        .json(&RawReissueRequest { access_token: "at", refresh_token: "rt" })
        .send()
        .await;
    let Ok(response) = sent else { return false };
    let Ok(bytes) = response.bytes().await else { return false };
    serde_json::from_slice::<RawReissueResponse>(&bytes).is_ok_and(|r| r.action.as_deref() == Some("OK"))
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    // `cargo bench` passes `--bench`; without --url there is nothing to do.
    let Some(url) = arg("--url") else {
        eprintln!("load: no --url given; run benches/load/run.sh");
        return;
    };
    let bounds = Bounds {
        seconds: arg("--duration").and_then(|s| s.parse().ok()).unwrap_or(5.0),
        max_calls: arg("--max-calls").and_then(|s| s.parse().ok()).unwrap_or(500_000),
    };
    let concurrencies: Vec<usize> = arg("--concurrency")
        .map(|s| s.split(',').filter_map(|c| c.parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 64]);
    // One thread: client CPU is what is compared, and nginx needs the other core.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let crate_client = Authlete::builder()
            .base_url(&url)
            .service_id("715948317")
            .access_token("bench-token")
            // Defaults: retries and timeouts on, as users get them.
            .build()
            .unwrap();
        let raw = authlete::reqwest_client_builder().unwrap().build().unwrap();
        // The same hand-written call on a client with the crate's default
        // attempt timeout: what the timer alone costs, measured in the same
        // run (not the baseline of the targets).
        let raw_with_timeout =
            authlete::reqwest_client_builder().unwrap().timeout(authlete::Timeouts::default().attempt).build().unwrap();
        let endpoint = format!("{url}/api/715948317/idtoken/reissue");
        // Copied into every call, as the literals of the other headers are.
        let agent: &'static str = Box::leak(authlete::user_agent().into_boxed_str());
        let rounds: usize = arg("--rounds").and_then(|s| s.parse().ok()).unwrap_or(3);
        if std::env::args().any(|a| a == "--dpop") {
            return dpop_rounds(&url, crate_client, &concurrencies, rounds, bounds).await;
        }
        // Rounds alternate the clients so that none always runs on a warmer
        // machine; report.py takes each one's median round.
        for &c in &concurrencies {
            for _ in 0..rounds {
                run_crate("authlete-rust", &crate_client, c, bounds).await;
                for (name, raw) in [("raw-reqwest", &raw), ("raw-reqwest-timeout", &raw_with_timeout)] {
                    let (raw, endpoint) = (raw.clone(), endpoint.clone());
                    run(name, c, bounds, move || {
                        let (raw, endpoint) = (raw.clone(), endpoint.clone());
                        async move { raw_call(&raw, &endpoint, agent).await }
                    })
                    .await;
                }
            }
        }
    });
}

/// The crate's call, as users make it.
async fn run_crate(name: &str, client: &Authlete, concurrency: usize, bounds: Bounds) {
    let client = client.clone();
    run(name, concurrency, bounds, move || {
        let client = client.clone();
        async move {
            match client.idtoken_reissue().body_map(|b| b.access_token("at").refresh_token("rt")).send().await {
                Ok(r) => r.is_reissued(),
                Err(_) => false,
            }
        }
    })
    .await;
}

/// The crate's bearer call against the same call with DPoP-bound tokens,
/// alternating. nginx ignores the proofs: what is measured is the client's
/// side, a proof signed and attached per call.
#[cfg(feature = "dpop")]
async fn dpop_rounds(url: &str, bearer: Authlete, concurrencies: &[usize], rounds: usize, bounds: Bounds) {
    let with_key = |jwk: &str| {
        Authlete::builder()
            .base_url(url)
            .service_id("715948317")
            .access_token("bench-token")
            .dpop_key(authlete::DpopKey::from_jwk(jwk).unwrap())
            .build()
            .unwrap()
    };
    let es256 = with_key(include_str!("../tests/keys/es256.jwk"));
    let eddsa = with_key(include_str!("../tests/keys/eddsa.jwk"));
    for &c in concurrencies {
        for _ in 0..rounds {
            run_crate("authlete-rust-bearer", &bearer, c, bounds).await;
            run_crate("authlete-rust-dpop-es256", &es256, c, bounds).await;
            run_crate("authlete-rust-dpop-eddsa", &eddsa, c, bounds).await;
        }
    }
}

#[cfg(not(feature = "dpop"))]
async fn dpop_rounds(_: &str, _: Authlete, _: &[usize], _: usize, _: Bounds) {
    eprintln!("load: --dpop needs `cargo bench --features dpop`");
}
