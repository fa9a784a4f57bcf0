//! The rules that live in time, on a virtual clock: expiry, capture, cancel and refund
//! deadlines per market, rate limits, the sandbox's clock endpoints, and webhook delivery as
//! the Webhooks API does it (order, holding back, retries for 7 days, registrations).

mod common;

use std::time::Duration;

use common::{Api, MSN, Reply, authorized_as};
use epayment_sim::{Scope, Simulator};
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

const REF: &str = "order-1234-abcd";
const DAY: Duration = Duration::from_secs(86_400);

fn start() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_767_268_800, 0).unwrap()
}

/// A simulator on a virtual clock, whose tokens outlive the months these tests skip through.
async fn virtual_sim(rate_limits: bool) -> Simulator {
    Simulator::builder().start_at(start()).token_lifetime(1_000 * DAY).rate_limits(rate_limits).start().await
}

impl Api {
    async fn create(&self, msn: &str, currency: &str) -> Reply {
        let body = json!({"amount": {"currency": currency, "value": 1000}, "paymentMethod": {"type": "WALLET"},
            "reference": REF, "userFlow": "QR"});
        self.send(msn, reqwest::Method::POST, "/v1/payments", Some(&format!("create-{msn}")), Some(body)).await
    }

    async fn modify(&self, msn: &str, what: &str, key: &str, currency: &str, value: i64) -> Reply {
        let body = json!({"modificationAmount": {"currency": currency, "value": value}});
        self.send(msn, reqwest::Method::POST, &format!("/v1/payments/{REF}/{what}"), Some(key), Some(body)).await
    }

    async fn get(&self) -> Reply {
        self.send(MSN, reqwest::Method::GET, &format!("/v1/payments/{REF}"), None, None).await
    }
}

#[tokio::test]
async fn a_created_payment_expires_after_ten_minutes_with_its_event_and_webhook() {
    let receiver = common::receiver().await;
    let api = Api::on(virtual_sim(true).await).await;
    let events = vec!["epayments.payment.expired.v1".to_owned()];
    api.sim.webhooks().register(Scope::Every, &format!("{}/hooks", receiver.uri()), events).unwrap();
    assert_eq!(api.create(MSN, "NOK").await.status, 201);
    api.sim.advance_clock(Duration::from_secs(599)).unwrap();
    assert_eq!(api.get().await.body["state"], "CREATED", "a second short");
    api.sim.advance_clock(Duration::from_secs(1)).unwrap();
    assert_eq!(api.get().await.body["state"], "EXPIRED");
    let log = api.send(MSN, reqwest::Method::GET, &format!("/v1/payments/{REF}/events"), None, None).await;
    let expired = log.body.as_array().unwrap().iter().find(|e| e["name"] == "EXPIRED").expect("an EXPIRED event");
    assert_eq!(expired["timestamp"], "2026-01-01T12:10:00Z", "at the moment it expired");
    let delivered = api.sim.webhooks().wait_for(1).await;
    let payload: Value = serde_json::from_slice(&delivered[0].body).unwrap();
    assert_eq!((payload["name"].as_str(), delivered[0].delivered), (Some("EXPIRED"), true));
    // An expired payment cannot be approved.
    assert!(api.sim.approve(MSN, REF).is_err());
}

#[tokio::test]
async fn captures_and_cancels_end_with_the_sales_units_capture_period_and_refunds_after_a_year() {
    let api = Api::on(virtual_sim(false).await).await;
    // Norway: 180 days.
    api.create(MSN, "NOK").await;
    api.sim.approve(MSN, REF).unwrap();
    api.sim.advance_clock(179 * DAY).unwrap();
    assert_eq!(api.modify(MSN, "capture", "c1", "NOK", 250).await.status, 200);
    api.sim.advance_clock(DAY).unwrap();
    let late = api.modify(MSN, "capture", "c2", "NOK", 250).await;
    assert_eq!((late.status, late.code()), (400, Some("6100")));
    let cancel = api.send(MSN, reqwest::Method::POST, &format!("/v1/payments/{REF}/cancel"), Some("x1"), None).await;
    assert_eq!((cancel.status, cancel.code()), (400, Some("6030")));
    // Refunds go on until 365 days after approval.
    api.sim.advance_clock(184 * DAY).unwrap();
    assert_eq!(api.modify(MSN, "refund", "r1", "NOK", 100).await.status, 200);
    api.sim.advance_clock(DAY).unwrap();
    let refund = api.modify(MSN, "refund", "r2", "NOK", 100).await;
    assert_eq!((refund.status, refund.code()), (400, Some("6220")));

    // Denmark: 14 days.
    assert_eq!(api.create("223456", "DKK").await.status, 201);
    api.sim.approve("223456", REF).unwrap();
    api.sim.advance_clock(13 * DAY).unwrap();
    assert_eq!(api.modify("223456", "capture", "d1", "DKK", 100).await.status, 200);
    api.sim.advance_clock(DAY).unwrap();
    assert_eq!(api.modify("223456", "capture", "d2", "DKK", 100).await.code(), Some("6100"));

    // Finland with late capture: 180 days, as in Norway.
    api.sim.update_sales_unit("323456", |unit| unit.late_capture(true));
    assert_eq!(api.create("323456", "EUR").await.status, 201);
    api.sim.approve("323456", REF).unwrap();
    api.sim.advance_clock(179 * DAY).unwrap();
    assert_eq!(api.modify("323456", "capture", "f1", "EUR", 100).await.status, 200);
    api.sim.advance_clock(DAY).unwrap();
    assert_eq!(api.modify("323456", "capture", "f2", "EUR", 100).await.code(), Some("6100"));
}

#[tokio::test]
async fn each_operation_has_its_own_limit_and_the_sixth_call_in_a_minute_is_429_with_retry_after() {
    let api = Api::on(virtual_sim(true).await).await;
    assert_eq!(api.create(MSN, "NOK").await.status, 201);
    api.sim.approve(MSN, REF).unwrap(); // the customer's: not counted
    // Refusals and replays count: a capture of too much, and a replay of the first capture.
    assert_eq!(api.modify(MSN, "capture", "c1", "NOK", 10).await.status, 200);
    assert_eq!(api.modify(MSN, "capture", "c1", "NOK", 10).await.status, 200);
    assert_eq!(api.modify(MSN, "capture", "c2", "NOK", 5000).await.code(), Some("6090"));
    assert_eq!(api.modify(MSN, "capture", "c3", "NOK", 10).await.status, 200);
    assert_eq!(api.modify(MSN, "capture", "c4", "NOK", 10).await.status, 200);
    let limited = api.modify(MSN, "capture", "c5", "NOK", 10).await;
    assert_eq!((limited.status, limited.retry_after.as_deref()), (429, Some("60")), "{}", limited.body);
    // Refunds have a limit of their own: two within the same minute pass.
    for key in ["r1", "r2"] {
        let refund = api.modify(MSN, "refund", key, "NOK", 5).await;
        assert_eq!(refund.status, 200, "{key}: {}", refund.body);
    }
    api.sim.advance_clock(Duration::from_secs(59)).unwrap();
    assert_eq!(api.modify(MSN, "capture", "c5", "NOK", 10).await.status, 429, "not yet");
    api.sim.advance_clock(Duration::from_secs(1)).unwrap();
    let done = api.modify(MSN, "capture", "c5", "NOK", 10).await;
    assert_eq!(done.status, 200, "the 429 was not kept for the key: {}", done.body);
    // Another payment's calls are counted apart, and force approve (test only) not at all:
    // after its create and five force approves, five captures still fit in the minute.
    assert_eq!(api.create("223456", "DKK").await.status, 201);
    let path = format!("/v1/test/payments/{REF}/approve");
    for _ in 0..5 {
        api.send("223456", reqwest::Method::POST, &path, None, Some(json!({"token": "t"}))).await;
    }
    for n in 0..5 {
        let capture = api.modify("223456", "capture", &format!("d{n}"), "DKK", 10).await;
        assert_eq!(capture.status, 200, "capture {n}: {}", capture.body);
    }
    assert_eq!(api.modify("223456", "capture", "d5", "DKK", 10).await.status, 429);
}

#[tokio::test]
async fn reads_are_limited_to_120_a_minute_and_limits_can_be_turned_off() {
    let api = Api::on(virtual_sim(true).await).await;
    api.create(MSN, "NOK").await;
    for n in 0..120 {
        assert_eq!(api.get().await.status, 200, "read {n}");
    }
    let limited = api.get().await;
    assert_eq!(limited.status, 429);
    assert!(limited.retry_after.is_some());
    // The same reference read as another sales unit is counted apart: a sandbox's subscription
    // key is everyone's, and one merchant's reads must not use up another's.
    let path = format!("/v1/payments/{REF}");
    let other = api.send("223456", reqwest::Method::GET, &path, None, None).await;
    assert_eq!(other.status, 404, "another sales unit's reads of the reference still count apart: {}", other.body);

    let off = Api::on(virtual_sim(false).await).await;
    off.create(MSN, "NOK").await;
    for n in 0..10 {
        assert_eq!(off.modify(MSN, "capture", &format!("k{n}"), "NOK", 1).await.code(), Some("6080"), "call {n}");
    }
    for _ in 0..130 {
        assert_eq!(off.get().await.status, 200);
    }
}

#[tokio::test]
async fn the_sandbox_clock_is_read_and_moved_through_its_own_endpoints() {
    let sim = Simulator::start().await; // the system clock, as the sandbox runs
    let http = reqwest::Client::new();
    let token = common::token(&sim, &http).await;
    let clock = format!("{}/sim/v1/clock", sim.uri());
    let advance = format!("{clock}/advance");
    let read = |request: reqwest::RequestBuilder| async move {
        let now: Value = request.send().await.unwrap().json().await.unwrap();
        chrono::DateTime::parse_from_rfc3339(now["now"].as_str().unwrap_or_else(|| panic!("{now}"))).unwrap()
    };
    let before = read(common::authorized(&sim, &token, http.get(&clock))).await;
    let moved = common::authorized(&sim, &token, http.post(&advance)).json(&json!({"days": 15})).send().await.unwrap();
    assert_eq!(moved.status().as_u16(), 200);
    // Fifteen days on, the token of an hour has expired: a new one.
    let token = common::token(&sim, &http).await;
    let after = read(common::authorized(&sim, &token, http.get(&clock))).await;
    let moved_by = after - before;
    assert!(
        moved_by >= chrono::Duration::days(15) && moved_by < chrono::Duration::days(15) + chrono::Duration::minutes(1)
    );
    let refused =
        common::authorized(&sim, &token, http.post(&advance)).json(&json!({"weeks": 1})).send().await.unwrap();
    assert_eq!(refused.status().as_u16(), 400);
    // Without the token neither reads nor moves it.
    assert_eq!(http.get(&clock).send().await.unwrap().status().as_u16(), 401);
    let anonymous = http.post(&advance).json(&json!({"days": 1})).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let still = read(common::authorized(&sim, &token, http.get(&clock))).await;
    assert!(still - after < chrono::Duration::minutes(1), "an anonymous advance moved nothing");
}

/// A receiver that answers 500 to deliveries whose body contains `failing`, 200 to the rest.
async fn receiver_failing(failing: &str) -> MockServer {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_string_contains(failing))
        .respond_with(ResponseTemplate::new(500))
        .with_priority(1)
        .mount(&receiver)
        .await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).with_priority(2).mount(&receiver).await;
    receiver
}

#[tokio::test]
async fn a_failed_delivery_holds_back_its_payments_later_events_and_is_retried_on_the_clock() {
    // AUTHORIZED of the payment at 123456 fails; its CAPTURED must wait. The other payment's
    // events go on meanwhile.
    let receiver = receiver_failing("\"AUTHORIZED\"").await;
    let api = Api::on(virtual_sim(false).await).await;
    let events = ["epayments.payment.authorized.v1", "epayments.payment.captured.v1"].map(str::to_owned).to_vec();
    api.sim.webhooks().register(Scope::Every, &format!("{}/hooks", receiver.uri()), events.clone()).unwrap();
    api.create(MSN, "NOK").await;
    api.sim.approve(MSN, REF).unwrap();
    api.modify(MSN, "capture", "c1", "NOK", 100).await;
    api.sim.webhooks().wait_for_attempts(1).await;
    assert!(api.sim.webhooks().deliveries().is_empty(), "AUTHORIZED failed; CAPTURED waits behind it");
    // The retry comes 2 s later on the simulator's clock, not before.
    api.sim.advance_clock(Duration::from_secs(1)).unwrap();
    tokio::task::yield_now().await;
    assert_eq!(api.sim.webhooks().attempts(), 1);
    api.sim.advance_clock(Duration::from_secs(1)).unwrap();
    api.sim.webhooks().wait_for_attempts(2).await;
    assert!(api.sim.webhooks().deliveries().is_empty(), "still failing, still held back");

    // The receiver recovers: AUTHORIZED goes through on its next try, then CAPTURED.
    receiver.reset().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&receiver).await;
    api.sim.advance_clock(Duration::from_secs(2)).unwrap();
    let delivered = api.sim.webhooks().wait_for(2).await;
    let names: Vec<String> = delivered
        .iter()
        .map(|d| serde_json::from_slice::<Value>(&d.body).unwrap()["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["AUTHORIZED", "CAPTURED"], "in order");
    assert_eq!((delivered[0].attempts, delivered[0].delivered), (3, true));
}

#[tokio::test]
async fn a_delivery_that_keeps_failing_is_given_up_after_seven_days() {
    let receiver = receiver_failing("").await;
    let api = Api::on(virtual_sim(false).await).await;
    let events = vec!["epayments.payment.created.v1".to_owned()];
    api.sim.webhooks().register(Scope::Every, &format!("{}/hooks", receiver.uri()), events).unwrap();
    api.create(MSN, "NOK").await;
    // Step the clock through the schedule: an hour at a time (each move runs every try that
    // falls due in it), a day once hourly tries are over; bounded in steps, not in time.
    for _ in 0..200 {
        api.sim.webhooks().settled().await;
        if !api.sim.webhooks().deliveries().is_empty() {
            break;
        }
        let elapsed = api.sim.clock().now() - start();
        api.sim
            .advance_clock(if elapsed < chrono::Duration::days(1) { Duration::from_secs(3_600) } else { DAY })
            .unwrap();
    }
    let given_up = api.sim.webhooks().deliveries();
    assert_eq!(given_up.len(), 1);
    assert!(!given_up[0].delivered, "given up, not delivered");
    let elapsed = api.sim.clock().now() - start();
    assert!(elapsed >= chrono::Duration::days(6) && elapsed <= chrono::Duration::days(8), "after {elapsed}");
    assert!(given_up[0].attempts > 10, "{} tries", given_up[0].attempts);
}

#[tokio::test]
async fn registrations_need_https_are_scoped_by_sales_unit_and_limited_to_25() {
    let receiver = common::receiver().await;
    let api = Api::on(virtual_sim(false).await).await;
    let register = |msn: &str, url: &str, event: &str| {
        let url_of_api = format!("{}/webhooks/v1/webhooks", api.sim.uri());
        let request = authorized_as(&api.sim, &api.token, msn, api.http.post(url_of_api));
        request.json(&json!({"url": url, "events": [event]})).send()
    };
    // Refunds never happen in this test, so nothing is ever sent to these hosts.
    let refunded = "epayments.payment.refunded.v1";
    assert_eq!(
        register(MSN, "http://shop.example/hooks", refunded).await.unwrap().status().as_u16(),
        400,
        "plain http"
    );
    for n in 0..25 {
        let url = format!("https://shop.example/hooks/{n}");
        assert_eq!(register(MSN, &url, refunded).await.unwrap().status().as_u16(), 201);
    }
    let over = register(MSN, "https://shop.example/hooks/26", refunded).await.unwrap();
    assert_eq!(over.status().as_u16(), 400, "the 26th");
    let other_unit = register("223456", "https://shop.example/hooks/26", refunded).await.unwrap();
    assert_eq!(other_unit.status().as_u16(), 201, "another unit");

    // A loopback receiver registered for the Danish unit hears only the Danish payment.
    let local = format!("{}/dk", receiver.uri());
    let created = "epayments.payment.created.v1";
    assert_eq!(register("223456", &local, created).await.unwrap().status().as_u16(), 201);
    api.create(MSN, "NOK").await;
    api.create("223456", "DKK").await;
    let _ = api.sim.webhooks().wait_for(1).await;
    let to_local: Vec<Value> =
        receiver.received_requests().await.unwrap().iter().map(|r| serde_json::from_slice(&r.body).unwrap()).collect();
    assert_eq!(to_local.len(), 1);
    assert_eq!(to_local[0]["msn"], "223456");
}

#[tokio::test]
async fn a_registration_that_fails_for_two_weeks_is_deleted() {
    let receiver = receiver_failing("").await;
    let api = Api::on(virtual_sim(false).await).await;
    let events = vec!["epayments.payment.created.v1".to_owned()];
    api.sim.webhooks().register(Scope::Every, &format!("{}/hooks", receiver.uri()), events).unwrap();
    api.create(MSN, "NOK").await;
    let mut second_created = false;
    for _ in 0..400 {
        api.sim.webhooks().settled().await;
        if api.sim.webhooks().registrations().is_empty() {
            break;
        }
        let elapsed = api.sim.clock().now() - start();
        // The first event is given up after 7 days; a later one keeps the endpoint failing
        // until it has failed for two weeks (its own tries end 7 days after its first).
        if elapsed >= chrono::Duration::days(8) && !second_created {
            let body = json!({"amount": {"currency": "NOK", "value": 1000}, "paymentMethod": {"type": "WALLET"},
                "reference": "order-5678-efgh", "userFlow": "QR"});
            let created = api.send(MSN, reqwest::Method::POST, "/v1/payments", Some("create-2"), Some(body)).await;
            assert_eq!(created.status, 201);
            second_created = true;
            continue;
        }
        api.sim
            .advance_clock(if elapsed < chrono::Duration::days(1) { Duration::from_secs(3_600) } else { DAY })
            .unwrap();
    }
    assert!(api.sim.webhooks().registrations().is_empty(), "the failing registration was deleted");
    let elapsed = api.sim.clock().now() - start();
    assert!(elapsed >= chrono::Duration::days(14) && elapsed <= chrono::Duration::days(16), "after {elapsed}");
    let outcomes: Vec<bool> = api.sim.webhooks().deliveries().iter().map(|d| d.delivered).collect();
    assert_eq!(outcomes, [false, false], "both events given up");
}
