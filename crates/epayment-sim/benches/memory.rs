//! Memory of the embedded simulator under requests that keep nothing: 200,000 calls of Get
//! payment and of unknown paths, in-process as tests run it, with the resident size sampled
//! every 20,000. After warm-up (the record log filling to its limit, allocator pools) it
//! should stay flat: the front keeps nothing of a request, and the simulator keeps only the
//! last `Limits::record_limit` exchanges.
//!
//! `cargo bench -p epayment-sim --bench memory` (Linux: reads /proc/self/statm). Exits 1 if
//! the resident size grows by more than 10 % between the first sample after warm-up and the
//! last. Figures go in BENCHMARKS.md.

use std::process::ExitCode;

use epayment_sim::{Limits, Simulator};
use serde_json::json;

#[path = "../tests/common/mod.rs"]
mod common;

/// Requests in all, unless `MEMORY_REQUESTS` says otherwise.
const TOTAL: usize = 200_000;
const SAMPLE_EVERY: usize = 20_000;
const TASKS: usize = 8;

fn resident_kib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let total = std::env::var("MEMORY_REQUESTS").ok().and_then(|n| n.parse().ok()).unwrap_or(TOTAL);
    // The simulator's own default record limit unless `MEMORY_RECORD_LIMIT` says otherwise.
    // 200,000 reads of one payment: far past the API's 120 a minute, so the limits are off.
    let mut builder = Simulator::builder().rate_limits(false);
    if let Some(limit) = std::env::var("MEMORY_RECORD_LIMIT").ok().and_then(|n| n.parse().ok()) {
        builder = builder.limits(Limits { record_limit: limit, ..Limits::default() });
    }
    let sim = builder.start().await;
    let http = reqwest::Client::new();
    let token = common::token(&sim, &http).await;
    let get = |path: String| common::authorized(&sim, &token, http.get(format!("{}{path}", sim.uri())));
    let body = json!({"amount": {"currency": "NOK", "value": 1000}, "paymentMethod": {"type": "WALLET"},
        "reference": "order-1234-abcd", "userFlow": "QR"});
    let create = common::authorized(&sim, &token, http.post(format!("{}/v1/payments", sim.epayment_url())))
        .header("Idempotency-Key", "memory-create")
        .json(&body)
        .send()
        .await
        .expect("created");
    assert_eq!(create.status().as_u16(), 201);

    println!("{:>9}  {:>12}", "requests", "resident KiB");
    let mut samples = Vec::new();
    let mut done = 0;
    while done < total {
        let batch = (0..TASKS).map(|t| {
            let requests: Vec<_> = (0..SAMPLE_EVERY / TASKS)
                .map(|i| {
                    // Half reads of the payment, half calls of paths nothing serves.
                    let path = if (i + t) % 2 == 0 {
                        "/epayment/v1/payments/order-1234-abcd".to_owned()
                    } else {
                        format!("/nothing/here/{i}")
                    };
                    get(path)
                })
                .collect();
            tokio::spawn(async move {
                for request in requests {
                    let answer = request.send().await.expect("an answer");
                    let status = answer.status().as_u16();
                    assert!(status == 200 || status == 404, "{status}");
                    let _ = answer.bytes().await;
                }
            })
        });
        for task in batch.collect::<Vec<_>>() {
            task.await.expect("the task ran");
        }
        done += SAMPLE_EVERY;
        let kib = resident_kib().unwrap_or(0);
        samples.push(kib);
        println!("{done:>9}  {kib:>12}");
    }
    let (first, last) = (samples[1], samples[samples.len() - 1]);
    let growth = (last as f64 - first as f64) / first as f64 * 100.0;
    println!("after warm-up ({} requests): {first} KiB -> {last} KiB ({growth:+.1} %)", 2 * SAMPLE_EVERY);
    println!("exchanges kept: {} (dropped {})", sim.exchanges().len(), sim.dropped_exchanges());
    if growth > 10.0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
