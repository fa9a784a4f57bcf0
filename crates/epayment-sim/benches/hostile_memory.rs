//! The standalone sandbox's memory under what a hostile or careless client sends: the release
//! binary started as a process of its own (its defaults, its allocator), its resident size
//! read from /proc/<pid>/status (Linux):
//!
//! - 2,000 request bodies of 1 MiB, sent without a token (half to a capture, half to a path
//!   nothing serves), with the resident size after the first and the second thousand: the log
//!   keeps no body of such requests, so the second thousand must not grow it further;
//! - 2,000 large bodies sent with a token, which the API takes: creates with `metadata` of
//!   5 x 200 KB (the document allows it) and captures of payments that do not exist with a
//!   1 MB field more, each kept by the idempotency store (the review's probe: 4,000 such
//!   requests took the sandbox to 7.4 GiB when the store kept request bodies);
//! - what one payment costs (created, approved by force approve, captured), to document the
//!   retention setting's bound.
//!
//! `cargo bench -p epayment-sim --bench hostile_memory`. Exits 1 if the sandbox passes 160 MiB
//! resident after either kind of bodies, or grows by more than 8 MiB over a second thousand.
//! Figures go in BENCHMARKS.md.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitCode, Stdio};

use serde_json::{Value, json};

const BODY: usize = 1 << 20;
const BOUND_KIB: u64 = 160 << 10;
const PLATEAU_KIB: u64 = 8 << 10;
const PAYMENTS: usize = 10_000;

/// Kills the sandbox however the bench ends.
struct Sandbox(Child);

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap_or_default();
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0)
}

async fn bodies(http: &reqwest::Client, base: &str, from: usize, to: usize) -> Result<(), String> {
    let body = bytes::Bytes::from(vec![b'x'; BODY]);
    for n in from..to {
        let path = if n % 2 == 0 {
            format!("/nothing/here/{n}")
        } else {
            "/epayment/v1/payments/order-1234-abcd/capture".into()
        };
        let status = http.post(format!("{base}{path}")).body(body.clone()).send().await.map(|a| a.status().as_u16());
        if !matches!(status, Ok(401 | 404)) {
            return Err(format!("{path}: {status:?}"));
        }
    }
    Ok(())
}

/// Starts the release sandbox (`--no-rate-limits`: the payments part creates and captures
/// thousands in a minute); returns it, its pid and its base URL.
fn sandbox() -> (Sandbox, u32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_epayment-sim"))
        .args(["--port", "0", "--no-rate-limits"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the sandbox starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("the URL line");
    let base = line.trim().trim_start_matches("epayment-sim listening on ").to_owned();
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let pid = child.id();
    (Sandbox(child), pid, base)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let (_bodies_sandbox, pid, base) = sandbox();
    let http = reqwest::Client::new();

    let start = resident_kib(pid);
    if let Err(e) = bodies(&http, &base, 0, 1_000).await {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    let first = resident_kib(pid);
    if let Err(e) = bodies(&http, &base, 1_000, 2_000).await {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    let second = resident_kib(pid);
    println!(
        "bodies of 1 MiB without a token: resident {start} KiB at start, {first} KiB after 1,000, {second} KiB after 2,000"
    );

    // Large bodies the API takes, with a token: what the idempotency store keeps of them.
    let (_kept_sandbox, pid, base) = sandbox();
    let bearer = bearer_token(&http, &base).await;
    let kept_start = resident_kib(pid);
    if let Err(e) = kept_bodies(&http, &base, &bearer, 0, 500).await {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    let kept_first = resident_kib(pid);
    if let Err(e) = kept_bodies(&http, &base, &bearer, 500, 1_000).await {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    let kept_second = resident_kib(pid);
    println!(
        "creates with 1 MB of metadata and 404'd captures with a 1 MB field, with a token: resident {kept_start} KiB at start, {kept_first} KiB after 1,000, {kept_second} KiB after 2,000"
    );

    // A sandbox of its own for the payments, so that the allocator's pages from the bodies do
    // not hide what payments cost.
    let (_payments_sandbox, pid, base) = sandbox();
    let bearer = bearer_token(&http, &base).await;
    if let Err(e) = payments(&http, &base, pid, &bearer).await {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    let over = |a: u64, b: u64| a > BOUND_KIB || b > BOUND_KIB || b.saturating_sub(a) > PLATEAU_KIB;
    if over(first, second) || over(kept_first, kept_second) {
        eprintln!(
            "the bodies left the sandbox at {first} KiB and {second} KiB, or {kept_first} KiB and {kept_second} KiB: over the bound"
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// A bearer token from the sandbox at `base`, with its built-in keys.
async fn bearer_token(http: &reqwest::Client, base: &str) -> String {
    let token: Value = http
        .post(format!("{base}/accesstoken/get"))
        .header("client_id", "sim-client-id")
        .header("client_secret", "sim-client-secret")
        .header("Ocp-Apim-Subscription-Key", "sim-subscription-key")
        .send()
        .await
        .expect("a token")
        .json()
        .await
        .expect("a token body");
    format!("Bearer {}", token["access_token"].as_str().unwrap_or_default())
}

/// Creates with 5 x 200 KB of metadata and captures of missing payments with a 1 MB field,
/// numbered `from..to` (each number one of each).
async fn kept_bodies(http: &reqwest::Client, base: &str, bearer: &str, from: usize, to: usize) -> Result<(), String> {
    let large = "m".repeat(200_000);
    let metadata: serde_json::Map<String, Value> = (0..5).map(|n| (format!("k{n}"), json!(large))).collect();
    let extra = large.repeat(5);
    for n in from..to {
        let create = json!({"amount": {"currency": "NOK", "value": 1000}, "paymentMethod": {"type": "WALLET"},
            "reference": format!("kept-{n:08}"), "userFlow": "QR", "metadata": metadata});
        let capture = json!({"modificationAmount": {"currency": "NOK", "value": 100}, "extra": extra});
        for (path, body, expected) in [
            ("/epayment/v1/payments".to_owned(), create, 201),
            (format!("/epayment/v1/payments/missing-{n:08}/capture"), capture, 404),
        ] {
            let status = http
                .post(format!("{base}{path}"))
                .header("Authorization", bearer)
                .header("Ocp-Apim-Subscription-Key", "sim-subscription-key")
                .header("Merchant-Serial-Number", "123456")
                .header("Idempotency-Key", format!("key-{n}"))
                .json(&body)
                .send()
                .await
                .map(|a| a.status().as_u16());
            if status.as_ref().ok() != Some(&expected) {
                return Err(format!("{path}: {status:?}"));
            }
        }
    }
    Ok(())
}

/// Runs the payments part of the bench; see `main`.
async fn payments(http: &reqwest::Client, base: &str, pid: u32, bearer: &str) -> Result<(), String> {
    let call = |path: String, key: Option<String>, body: Value| {
        let mut request = http
            .post(format!("{base}/epayment{path}"))
            .header("Authorization", bearer)
            .header("Ocp-Apim-Subscription-Key", "sim-subscription-key")
            .header("Merchant-Serial-Number", "123456")
            .json(&body);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        request.send()
    };
    let before = resident_kib(pid);
    for n in 0..PAYMENTS {
        let reference = format!("memory-payment-{n:08}");
        let create = json!({"amount": {"currency": "NOK", "value": 1000}, "paymentMethod": {"type": "WALLET"},
            "reference": reference, "userFlow": "QR"});
        let created = call("/v1/payments".into(), Some(format!("c-{n}")), create).await.map(|a| a.status().as_u16());
        let approve = json!({"customer": {"phoneNumber": "4712345678"}});
        let approved =
            call(format!("/v1/test/payments/{reference}/approve"), None, approve).await.map(|a| a.status().as_u16());
        let capture = json!({"modificationAmount": {"currency": "NOK", "value": 250}});
        let captured = call(format!("/v1/payments/{reference}/capture"), Some(format!("k-{n}")), capture)
            .await
            .map(|a| a.status().as_u16());
        if (created.as_ref().ok(), approved.as_ref().ok(), captured.as_ref().ok())
            != (Some(&201), Some(&200), Some(&200))
        {
            return Err(format!("payment {n}: {created:?} {approved:?} {captured:?}"));
        }
    }
    let after = resident_kib(pid);
    let per_payment = after.saturating_sub(before) as f64 / PAYMENTS as f64;
    println!(
        "{PAYMENTS} payments (created, approved, captured): resident {before} KiB -> {after} KiB, {per_payment:.1} KiB a payment"
    );
    Ok(())
}
