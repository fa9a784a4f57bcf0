//! A clock move of any size runs everything that falls due inside it, in time order, as if
//! the time had passed second by second: each webhook retry of the schedule, expiries, the
//! unknown result decided after an hour. One jump of N seconds and N jumps of one second leave
//! the same payments, event logs and deliveries.

mod common;

use std::time::Duration;

use common::{Api, MSN};
use epayment_sim::{Delivery, Scope, Simulator};
use proptest::prelude::*;
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn start() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_767_268_800, 0).unwrap()
}

/// A receiver that answers 200, unless told to fail some deliveries first.
async fn receiver() -> MockServer {
    let receiver = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).with_priority(2).mount(&receiver).await;
    receiver
}

/// The receiver answers the next `n` deliveries with 500 (after those it was already told to).
async fn fail_next(receiver: &MockServer, n: u64) {
    let failing = Mock::given(method("POST")).respond_with(ResponseTemplate::new(500)).up_to_n_times(n);
    failing.with_priority(1).mount(receiver).await;
}

/// A simulator on a virtual clock whose every event goes to a fresh receiver.
async fn simulator() -> (Api, MockServer) {
    let receiver = receiver().await;
    let sim = Simulator::builder().start_at(start()).token_lifetime(Duration::from_secs(86_400)).start().await;
    let events = epayment_vocabulary::EventName::KNOWN.iter().map(epayment_webhooks::event_type).collect();
    sim.webhooks().register(Scope::Every, &format!("{}/hooks", receiver.uri()), events).unwrap();
    (Api::on(sim).await, receiver)
}

fn names(deliveries: &[Delivery]) -> Vec<(String, bool, u32)> {
    deliveries
        .iter()
        .map(|d| {
            let body: Value = serde_json::from_slice(&d.body).unwrap();
            (body["name"].as_str().unwrap_or_default().to_owned(), d.delivered, d.attempts)
        })
        .collect()
}

#[tokio::test]
async fn one_jump_of_ten_seconds_runs_every_retry_that_falls_due_in_it() {
    let (api, receiver) = simulator().await;
    api.create_authorized("order-0001").await;
    api.sim.webhooks().settled().await;
    assert_eq!(names(&api.sim.webhooks().deliveries()).len(), 2, "CREATED and AUTHORIZED");
    fail_next(&receiver, 2).await;
    assert_eq!(api.capture_as(MSN, "order-0001", "c1", 250).await.status, 200);
    api.sim.webhooks().settled().await;
    // Tried at +0 s and failed; the retries are due at +2 s (fails) and +4 s (delivered).
    api.sim.advance_clock(Duration::from_secs(10)).unwrap();
    api.sim.webhooks().settled().await;
    let delivered = names(&api.sim.webhooks().deliveries());
    assert_eq!(delivered.last(), Some(&("CAPTURED".to_owned(), true, 3)), "{delivered:?}");
}

#[tokio::test]
async fn a_jump_of_two_hours_runs_the_whole_early_schedule() {
    let (api, receiver) = simulator().await;
    api.create_authorized("order-0001").await;
    api.sim.webhooks().settled().await;
    // Four tries 2 s apart, then 60 s, then 120 s: the seventh try, at +188 s, is delivered.
    fail_next(&receiver, 6).await;
    assert_eq!(api.capture_as(MSN, "order-0001", "c1", 250).await.status, 200);
    api.sim.advance_clock(Duration::from_secs(2 * 3_600)).unwrap();
    api.sim.webhooks().settled().await;
    let delivered = names(&api.sim.webhooks().deliveries());
    assert_eq!(delivered.last(), Some(&("CAPTURED".to_owned(), true, 7)), "{delivered:?}");
}

/// One thing a schedule does.
#[derive(Clone, Debug)]
enum Step {
    /// Create the next payment (of three at most) of `amount` øre (201: its result is unknown
    /// for an hour).
    Create(i64),
    /// The customer approves payment `n`.
    Approve(usize),
    /// The merchant captures 1.00 NOK of payment `n`.
    Capture(usize),
    /// The receiver fails the next `n` deliveries.
    Fail(u64),
    /// Time passes, in seconds.
    Pass(u64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        prop_oneof![Just(1_000i64), Just(201)].prop_map(Step::Create),
        (0..3usize).prop_map(Step::Approve),
        (0..3usize).prop_map(Step::Capture),
        (1..8u64).prop_map(Step::Fail),
        prop_oneof![4 => 1..40u64, 1 => 550..700u64, 1 => 3_550..3_700u64].prop_map(Step::Pass),
    ]
}

/// What a run leaves: each payment's state and event log, the deliveries, the tries made.
#[derive(Debug, PartialEq)]
struct Outcome {
    payments: Vec<(Option<String>, Value)>,
    deliveries: Vec<Delivery>,
    attempts: u64,
    now: chrono::DateTime<chrono::Utc>,
}

/// Runs `steps`, moving the clock in one jump per `Pass`, or in jumps of one second each.
async fn run(steps: &[Step], second_by_second: bool) -> Outcome {
    let (api, receiver) = simulator().await;
    let mut created = 0;
    for step in steps {
        match step {
            Step::Create(_) if created == 3 => {}
            Step::Create(amount) => {
                let n = created;
                created += 1;
                let body = json!({"amount": {"currency": "NOK", "value": amount},
                    "paymentMethod": {"type": "WALLET"}, "reference": format!("order-{n:04}"), "userFlow": "QR"});
                let key = format!("create-{n}");
                let created = api.send(MSN, reqwest::Method::POST, "/v1/payments", Some(&key), Some(body)).await;
                assert_eq!(created.status, 201, "{}", created.body);
            }
            Step::Approve(n) => {
                let _ = api.sim.approve(MSN, &format!("order-{n:04}"));
            }
            Step::Capture(n) => {
                let key = format!("capture-{}", api.sim.clock().now().timestamp());
                api.capture_as(MSN, &format!("order-{n:04}"), &key, 100).await;
            }
            Step::Fail(n) => fail_next(&receiver, *n).await,
            Step::Pass(seconds) if second_by_second => {
                for _ in 0..*seconds {
                    api.sim.advance_clock(Duration::from_secs(1)).unwrap();
                    api.sim.webhooks().settled().await;
                }
            }
            Step::Pass(seconds) => api.sim.advance_clock(Duration::from_secs(*seconds)).unwrap(),
        }
        api.sim.webhooks().settled().await;
    }
    let payments = (0..3)
        .map(|n| {
            let reference = format!("order-{n:04}");
            let state = api.sim.payment(MSN, &reference).map(|p| format!("{:?}", p.state));
            let log = api.sim.events(MSN, &reference).map(|e| serde_json::to_value(e).unwrap()).unwrap_or(Value::Null);
            (state, log)
        })
        .collect();
    Outcome {
        payments,
        deliveries: api.sim.webhooks().deliveries(),
        attempts: api.sim.webhooks().attempts(),
        now: api.sim.clock().now(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn one_jump_of_n_seconds_leaves_what_n_jumps_of_one_second_leave(steps in prop::collection::vec(step(), 1..12)) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let (jumped, stepped) = runtime.block_on(async { (run(&steps, false).await, run(&steps, true).await) });
        prop_assert_eq!(jumped, stepped);
    }
}
