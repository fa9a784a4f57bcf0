//! Rule mutants over HTTP, as a mutation run's scenarios meet them: switched off, a refused
//! call goes through; a boundary moves the limit by exactly one unit; a crashing mutant is a
//! 500 that says so, and the simulator keeps serving.

mod common;

use std::time::Duration;

use chrono::{TimeZone as _, Utc};
use epayment_sim::Simulator;
use epayment_sim::mutants::{Kind, Mutant};
use serde_json::json;

use common::{Api, MSN};

async fn api_with(rule: &'static str, kind: Kind) -> Api {
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).single().expect("a date");
    // A token that outlives the clock moves below.
    let builder = Simulator::builder().start_at(start).token_lifetime(Duration::from_secs(400 * 86_400));
    Api::on(builder.mutant(Mutant { rule, kind }).start().await).await
}

async fn create(api: &Api, reference: &str, value: i64) -> u16 {
    let body = json!({"amount": {"currency": "NOK", "value": value}, "paymentMethod": {"type": "WALLET"},
        "reference": reference, "userFlow": "QR"});
    api.send(MSN, reqwest::Method::POST, "/v1/payments", Some(reference), Some(body)).await.status
}

#[tokio::test]
async fn capture_amount_off_applies_a_capture_above_what_is_left() {
    let api = api_with("capture-amount", Kind::Off).await;
    api.create_authorized("order-off").await;
    let over = api.capture_as(MSN, "order-off", "c1", 1_001).await;
    assert_eq!(over.status, 200, "{}", over.body);
    assert_eq!(over.body["aggregate"]["capturedAmount"]["value"], 1_001);
    // The same capture on a model as written is refused: the mutant is what let it through.
    let written = Api::on(Simulator::start().await).await;
    written.create_authorized("order-off").await;
    assert_eq!(written.capture_as(MSN, "order-off", "c1", 1_001).await.code(), Some("6090"));
}

#[tokio::test]
async fn a_capture_amount_boundary_lets_exactly_one_more_øre_through() {
    let api = api_with("capture-amount", Kind::Boundary).await;
    api.create_authorized("order-edge").await;
    assert_eq!(api.capture_as(MSN, "order-edge", "c1", 1_001).await.status, 200, "one øre over: through");
    api.create_authorized("order-past").await;
    assert_eq!(api.capture_as(MSN, "order-past", "c1", 1_002).await.code(), Some("6090"), "two: refused");
}

#[tokio::test]
async fn a_minimum_amount_boundary_is_one_øre_lower() {
    let api = api_with("create-minimum-amount", Kind::Boundary).await;
    assert_eq!(create(&api, "order-99", 99).await, 201);
    assert_eq!(create(&api, "order-98", 98).await, 400);
}

#[tokio::test]
async fn a_capture_deadline_boundary_is_one_second_later() {
    let api = api_with("capture-deadline", Kind::Boundary).await;
    api.create_authorized("order-late").await;
    api.create_authorized("order-later").await;
    // A Norwegian sales unit's capture period: 180 days from approval.
    api.sim.advance_clock(Duration::from_secs(180 * 86_400)).expect("the clock moves");
    assert_eq!(api.capture_as(MSN, "order-late", "c1", 100).await.status, 200, "at 180 days: still inside");
    api.sim.advance_clock(Duration::from_secs(1)).expect("the clock moves");
    assert_eq!(api.capture_as(MSN, "order-later", "c1", 100).await.code(), Some("6100"), "a second later: over");
}

#[tokio::test]
async fn a_rate_limit_boundary_allows_one_call_more_a_minute() {
    let api = api_with("rate-limits", Kind::Boundary).await;
    api.create_authorized("order-rate").await;
    let mut statuses = Vec::new();
    for n in 0..7 {
        statuses.push(api.capture_as(MSN, "order-rate", &format!("c{n}"), 1).await.status);
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 200, 429], "six a minute, not five");
}

#[tokio::test]
async fn a_crashing_mutant_is_a_500_that_says_so_and_the_simulator_keeps_serving() {
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).single().expect("a date");
    let sim = Simulator::builder().start_at(start).mutant(Mutant::crashing("capture-amount")).start().await;
    let api = Api::on(sim).await;
    api.create_authorized("order-crash").await;
    let crashed = api.capture_as(MSN, "order-crash", "c1", 100).await;
    assert_eq!(crashed.status, 500);
    let detail = crashed.body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("the simulator crashed"), "{}", crashed.body);
    let after = api.send(MSN, reqwest::Method::GET, "/v1/payments/order-crash", None, None).await;
    assert_eq!(after.status, 200, "still serving");
    assert_eq!(api.sim.crashes().len(), 1);
    assert!(api.sim.crashes()[0].contains("capture-amount"), "{:?}", api.sim.crashes());
}

#[tokio::test]
async fn only_a_simulator_built_noting_rules_notes_them() {
    let plain = Api::on(Simulator::start().await).await;
    plain.create_authorized("order-plain").await;
    assert!(plain.sim.rules_consulted().is_empty(), "the sandbox and library default note nothing");
    let noting = Api::on(Simulator::builder().noting_rules().start().await).await;
    noting.create_authorized("order-noted").await;
    assert!(noting.sim.rules_consulted().contains(&"create-reference-taken"), "{:?}", noting.sim.rules_consulted());
}
