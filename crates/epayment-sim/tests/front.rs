//! The HTTP front under load and abuse: every queued fault is taken by exactly one request,
//! a body over the limit is refused before it is read whole, and a stopped simulator lets go
//! of its port without blocking.

use std::collections::BTreeMap;
use std::time::Duration;

mod common;

use epayment_sim::{Endpoint, Fault, Limits, LostAnswer, Simulator};
use serde_json::{Value, json};

use common::{authorized, token};

/// 120 concurrent reads, each on a connection of its own, meet a queue of 80 mixed faults on
/// one endpoint: each fault is taken exactly once, none is answered as a normal response,
/// and the other 40 reads are served.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_queued_fault_is_taken_by_exactly_one_request() {
    let sim = Simulator::start().await;
    let http = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let token = token(&sim, &http).await;
    let created = authorized(&sim, &token, http.post(format!("{}/v1/payments", sim.epayment_url())))
        .header("Idempotency-Key", "create-1")
        .json(&json!({"amount": {"currency": "NOK", "value": 1000}, "paymentMethod": {"type": "WALLET"},
            "reference": "order-1234-abcd", "userFlow": "QR"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    for _ in 0..10 {
        sim.inject(Endpoint::Get, Fault::Fail { status: 503, retry_after: None }, 1);
        sim.inject(Endpoint::Get, Fault::LoseAnswer(LostAnswer::DroppedConnection), 1);
        sim.inject(Endpoint::Get, Fault::Fail { status: 429, retry_after: Some(1) }, 1);
        sim.inject(Endpoint::Get, Fault::LoseAnswer(LostAnswer::DroppedConnection), 1);
        sim.inject(Endpoint::Get, Fault::LoseAnswer(LostAnswer::ServerError), 1);
        sim.inject(Endpoint::Get, Fault::Delay(Duration::from_millis(1)), 1);
        sim.inject(Endpoint::Get, Fault::Fail { status: 423, retry_after: None }, 1);
        sim.inject(Endpoint::Get, Fault::LoseAnswer(LostAnswer::DroppedConnection), 1);
    }
    assert_eq!(sim.pending_faults(Endpoint::Get), 80);

    let url = format!("{}/v1/payments/order-1234-abcd", sim.epayment_url());
    let calls = (0..120).map(|_| {
        let request = authorized(&sim, &token, http.get(&url));
        tokio::spawn(async move { request.send().await.map(|r| r.status().as_u16()) })
    });
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for call in calls.collect::<Vec<_>>() {
        let outcome = match call.await.unwrap() {
            Ok(status) => status.to_string(),
            Err(_) => "dropped".to_owned(),
        };
        *seen.entry(outcome).or_default() += 1;
    }
    let expected: BTreeMap<String, usize> =
        [("200", 50), ("423", 10), ("429", 10), ("500", 10), ("503", 10), ("dropped", 30)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
    assert_eq!(seen, expected, "200s include the 10 delayed reads");
    assert_eq!(sim.pending_faults(Endpoint::Get), 0);
    let recorded_drops = sim.exchanges().iter().filter(|e| e.response.status == 0).count();
    assert_eq!(recorded_drops, 30, "each dropped connection is recorded once, with status 0");
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_before_it_is_read_whole() {
    let sim = Simulator::builder().limits(Limits { body_bytes: 1024, ..Limits::default() }).start().await;
    let http = reqwest::Client::new();
    let token = token(&sim, &http).await;
    let url = format!("{}/v1/payments", sim.epayment_url());

    // Declared too long: refused on its Content-Length.
    let declared = authorized(&sim, &token, http.post(&url))
        .header("Idempotency-Key", "k1")
        .header("content-type", "application/json")
        .body(vec![b' '; 4096])
        .send()
        .await
        .unwrap();
    assert_eq!(declared.status().as_u16(), 413);
    let problem: Value = declared.json().await.unwrap();
    assert_eq!((problem["status"].as_i64(), problem["title"].as_str()), (Some(413), Some("Payload Too Large")));

    // Chunked, with no length: refused as soon as the limit is passed, while the client would
    // go on sending for a long time.
    let chunk = bytes::Bytes::from(vec![b' '; 512]);
    let endless = futures_util::stream::iter(std::iter::repeat_n(chunk, 1_000_000).map(Ok::<_, std::io::Error>));
    let chunked = authorized(&sim, &token, http.post(&url))
        .header("Idempotency-Key", "k2")
        .body(reqwest::Body::wrap_stream(endless))
        .send()
        .await;
    // The answer may arrive before the client gives up sending, or the connection closes.
    if let Ok(answer) = chunked {
        assert_eq!(answer.status().as_u16(), 413);
    }
    let statuses: Vec<u16> = sim.exchanges().iter().map(|e| e.response.status).collect();
    assert_eq!(statuses, [200, 413, 413], "the token, then both refusals, recorded");
    assert!(sim.exchanges().iter().all(|e| e.request.body.is_none()), "nothing of the bodies is kept");

    // Within the limit, the same endpoint serves as usual.
    let fine = authorized(&sim, &token, http.post(&url))
        .header("Idempotency-Key", "k3")
        .json(&json!({"amount": {"currency": "NOK", "value": 1000}, "paymentMethod": {"type": "WALLET"},
            "reference": "order-1234-abcd", "userFlow": "QR"}))
        .send()
        .await
        .unwrap();
    assert_eq!(fine.status().as_u16(), 201);
}

#[tokio::test]
async fn dropping_a_simulator_frees_its_port_without_blocking() {
    let sim = Simulator::start().await;
    let addr = sim.addr();
    let http = reqwest::Client::new();
    assert_eq!(http.get(format!("{}/nothing", sim.uri())).send().await.unwrap().status().as_u16(), 404);
    drop(sim);
    // The accept loop ends on the runtime's next turn; then the port is free again.
    let mut rebound = None;
    for _ in 0..1_000 {
        tokio::task::yield_now().await;
        if let Ok(listener) = std::net::TcpListener::bind(addr) {
            rebound = Some(listener);
            break;
        }
    }
    assert!(rebound.is_some(), "{addr} is still taken");
}

/// Another document at run time: here the effective one without the event log operation and
/// with references of at most 10 characters, as a newly published document might say.
#[tokio::test]
async fn a_simulator_routes_and_checks_with_the_document_it_is_given() {
    let mut doc: serde_json::Value = serde_json::from_str(epayment_openapi::EPAYMENT_JSON).unwrap();
    doc["paths"].as_object_mut().unwrap().remove("/v1/payments/{Reference}/events");
    doc["components"]["schemas"]["Reference"]["maxLength"] = json!(10);
    let document = epayment_openapi::ApiDocument::from_value(&doc).unwrap();
    let sim = Simulator::builder().document(document).start().await;
    let http = reqwest::Client::new();
    let token = token(&sim, &http).await;
    let events = authorized(&sim, &token, http.get(format!("{}/v1/payments/short-ref/events", sim.epayment_url())));
    assert_eq!(events.send().await.unwrap().status().as_u16(), 404, "no such operation in this document");
    let body = json!({"amount": {"currency": "NOK", "value": 1000}, "paymentMethod": {"type": "WALLET"},
        "reference": "order-1234-abcd", "userFlow": "QR"});
    let create = authorized(&sim, &token, http.post(format!("{}/v1/payments", sim.epayment_url())));
    let refused = create.header("Idempotency-Key", "k1").json(&body).send().await.unwrap();
    assert_eq!(refused.status().as_u16(), 400, "a 15-character reference breaks this document's schema");
    let problem: Value = refused.json().await.unwrap();
    assert!(problem.to_string().contains("reference"), "{problem}");
}
