//! Exactly once under faults and concurrency, through the public `epayment` client against
//! the simulator: concurrent captures, lost answers, and a seeded chaos run.
//!
//! `CHAOS_SEED` picks another chaos run (the default is 1); the counts are printed.
//!
//! The API's rate limits are on where a test's calls are a merchant's (lost answers, the chaos
//! run): the simulator keeps a virtual clock, and the client waits out each `Retry-After` on
//! it, in no real time. The two concurrency tests turn them off: they send 50 and 150 calls to
//! one payment at once on purpose, which the API would refuse after the fifth.

use std::collections::BTreeMap;
use std::time::Duration;

use epayment::{Amount, Client, Environment, Error, ErrorCode, Reference, RetryPolicy, UserFlow};
use epayment_contract::ClockSleep;
use epayment_sim::{Endpoint, Fault, LostAnswer, Simulator, SimulatorBuilder};

const MSN: &str = "123456";

/// A simulator on a virtual clock, with the API's rate limits.
async fn limited(seed: u64) -> Simulator {
    let start = chrono::DateTime::from_timestamp(1_767_268_800, 0).expect("a time");
    SimulatorBuilder::default().seed(seed).start_at(start).start().await
}

/// A client of `sim` that waits on the simulator's clock, with room for a minute's
/// `Retry-After` in its time budget.
fn client(sim: &Simulator) -> Client {
    let c = sim.credentials();
    Client::builder()
        .environment(Environment::Custom(sim.uri()))
        .credentials(c.client_id, c.client_secret, c.subscription_key)
        .merchant_serial_number(MSN)
        .retry(
            RetryPolicy::default()
                .max_attempts(8)
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5))
                .max_elapsed(Duration::from_secs(600)),
        )
        .sleeper(ClockSleep(sim.clock()))
        .build()
        .expect("a client")
}

/// How many answers were 429s: the rate limits the client waited out.
fn rate_limited(sim: &Simulator) -> usize {
    sim.exchanges().iter().filter(|e| e.response.status == 429).count()
}

async fn authorized(sim: &Simulator, client: &Client, reference: &str, minor: i64) -> Reference {
    let reference = Reference::new(reference).expect("reference");
    client.create_payment(&reference, Amount::nok(minor)).user_flow(UserFlow::Qr).send().await.expect("created");
    sim.approve(MSN, reference.as_str()).expect("approved");
    reference
}

fn aggregate(sim: &Simulator, reference: &Reference) -> [i64; 4] {
    let p = sim.payment(MSN, reference.as_str()).expect("the payment");
    [p.authorized, p.captured, p.cancelled, p.refunded]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_hundred_and_fifty_concurrent_captures_take_exactly_what_was_authorized() {
    let sim = Simulator::builder().rate_limits(false).start().await;
    let client = client(&sim);
    let reference = authorized(&sim, &client, "concurrent-0001", 1000).await;
    let tasks: Vec<_> = (0..150)
        .map(|_| {
            let (client, reference) = (client.clone(), reference.clone());
            tokio::spawn(async move { client.capture(&reference, Amount::nok(10)).send().await })
        })
        .collect();
    let (mut ok, mut too_high, mut other) = (0, 0, Vec::new());
    for task in tasks {
        match task.await.expect("the task") {
            Ok(_) => ok += 1,
            Err(e) if e.code() == Some(ErrorCode::CaptureAmountTooHigh) => too_high += 1,
            Err(e) => other.push(e.to_string()),
        }
    }
    assert!(other.is_empty(), "{other:?}");
    assert_eq!((ok, too_high), (100, 50));
    assert_eq!(aggregate(&sim, &reference), [1000, 1000, 0, 0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_captures_with_one_key_have_one_effect_and_one_answer() {
    let sim = Simulator::builder().rate_limits(false).start().await;
    let client = client(&sim);
    let reference = authorized(&sim, &client, "concurrent-0002", 1000).await;
    let key = epayment::IdempotencyKey::new("order-2-c1").expect("key");
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (client, reference, key) = (client.clone(), reference.clone(), key.clone());
            tokio::spawn(async move { client.capture(&reference, Amount::nok(250)).idempotency_key(key).send().await })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("the task").expect("every caller succeeds"));
    }
    assert!(answers.iter().all(|a| a == &answers[0]), "all 50 callers see the same answer");
    assert_eq!(answers[0].aggregate.captured, Amount::nok(250));
    assert_eq!(aggregate(&sim, &reference), [1000, 250, 0, 0]);
    let captured_events = sim
        .events(MSN, reference.as_str())
        .expect("events")
        .iter()
        .filter(|e| e.name == epayment_api::EventName::Captured)
        .count();
    assert_eq!(captured_events, 1);
}

#[tokio::test]
async fn a_lost_answer_is_retried_and_takes_effect_once() {
    for how in [LostAnswer::ServerError, LostAnswer::DroppedConnection] {
        let sim = limited(1).await;
        let client = client(&sim);
        let reference = authorized(&sim, &client, "lost-answer-0001", 1000).await;
        // Four captures first: the lost one and its retry are the fifth and sixth capture of
        // the minute, so the retry meets the rate limit and waits it out.
        for _ in 0..4 {
            client.capture(&reference, Amount::nok(10)).send().await.expect("a small capture");
        }

        sim.lose_next(Endpoint::Capture, how);
        let done = client.capture(&reference, Amount::nok(560)).send().await.expect("the capture succeeds");
        assert_eq!(done.aggregate.captured, Amount::nok(600), "{how:?}");
        sim.lose_next(Endpoint::Refund, how);
        client.refund(&reference, Amount::nok(100)).send().await.expect("the refund succeeds");
        sim.lose_next(Endpoint::Cancel, how);
        let cancelled = client.cancel(&reference).send().await.expect("the cancel succeeds");
        assert_eq!(cancelled.aggregate.cancelled, Amount::nok(400), "{how:?}");
        assert_eq!(aggregate(&sim, &reference), [1000, 600, 400, 100], "{how:?}");
        let events: Vec<String> =
            sim.events(MSN, reference.as_str()).expect("events").iter().map(|e| e.name.to_string()).collect();
        let captured = ["CAPTURED"; 5];
        let expected: Vec<&str> =
            ["CREATED", "AUTHORIZED"].into_iter().chain(captured).chain(["REFUNDED", "CANCELLED"]).collect();
        assert_eq!(events, expected, "{how:?}: each applied once");
        // The retry of the lost capture was the sixth capture in a minute: it waited for the
        // rate limit, on the simulator's clock, and then replayed the capture's answer.
        assert!(rate_limited(&sim) >= 1, "{how:?}: the limit was reached and waited out");
    }
}

/// What the client reported as done for one payment.
#[derive(Default, Debug)]
struct Books {
    captured: i64,
    refunded: i64,
    cancelled: i64,
    captures: usize,
    refunds: usize,
    cancels: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seeded_chaos_run_loses_no_money_and_applies_nothing_twice() {
    let seed = std::env::var("CHAOS_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(1u64);
    let mut rng = fastrand::Rng::with_seed(seed);
    let sim = limited(seed).await;
    let client = client(&sim);
    let mut payments = Vec::new();
    for i in 0..100 {
        let amount = rng.i64(100..=5_000);
        payments.push(authorized(&sim, &client, &format!("chaos-{seed}-{i:04}"), amount).await);
    }
    let mut books: BTreeMap<usize, Books> = BTreeMap::new();
    let mut faults: BTreeMap<&str, usize> = BTreeMap::new();
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    for _ in 0..1_000 {
        let p = rng.usize(0..payments.len());
        let reference = &payments[p];
        let (op, kind) = match rng.u8(0..100) {
            0..60 => (Endpoint::Capture, "capture"),
            60..85 => (Endpoint::Refund, "refund"),
            _ => (Endpoint::Cancel, "cancel"),
        };
        if rng.u8(0..100) < 30 {
            let (fault, name) = match rng.u8(0..7) {
                0 => (Fault::Fail { status: 500, retry_after: None }, "500"),
                1 => (Fault::Fail { status: 503, retry_after: None }, "503"),
                2 => (Fault::Fail { status: 423, retry_after: None }, "423"),
                3 => (Fault::Fail { status: 429, retry_after: Some(0) }, "429"),
                4 => (Fault::LoseAnswer(LostAnswer::ServerError), "lost answer (500)"),
                5 => (Fault::LoseAnswer(LostAnswer::DroppedConnection), "lost answer (dropped)"),
                _ => (Fault::Delay(Duration::from_millis(rng.u64(1..10))), "delay"),
            };
            sim.inject(op, fault, 1);
            *faults.entry(name).or_default() += 1;
        }
        let minor = rng.i64(1..=800);
        let result = match op {
            Endpoint::Capture => client.capture(reference, Amount::nok(minor)).send().await,
            Endpoint::Refund => client.refund(reference, Amount::nok(minor)).send().await,
            _ => client.cancel(reference).send().await,
        };
        let book = books.entry(p).or_default();
        match &result {
            Ok(done) => {
                match op {
                    Endpoint::Capture => (book.captured += minor, book.captures += 1),
                    Endpoint::Refund => (book.refunded += minor, book.refunds += 1),
                    _ => (book.cancelled += done.aggregate.cancelled.minor_units(), book.cancels += 1),
                };
                *outcomes.entry(format!("{kind} ok")).or_default() += 1;
            }
            Err(Error::Api(problem)) => {
                let code = problem.code.map_or(format!("HTTP {}", problem.status), |c| c.code().to_string());
                *outcomes.entry(format!("{kind} refused {code}")).or_default() += 1;
            }
            Err(e) => panic!("a {kind} failed for good despite retries: {e}"),
        }
        // Whatever happened to this call, no other fault may linger for the next one.
        sim.clear_faults();
    }
    let mut checked = 0;
    for (p, book) in &books {
        let [authorized, captured, cancelled, refunded] = aggregate(&sim, &payments[*p]);
        assert_eq!(
            (captured, refunded, cancelled),
            (book.captured, book.refunded, book.cancelled),
            "payment {p}: the books and the API differ"
        );
        assert!(
            captured + cancelled <= authorized && refunded <= captured,
            "payment {p}: {authorized} {captured} {cancelled} {refunded}"
        );
        let events = sim.events(MSN, payments[*p].as_str()).expect("events");
        let count = |name: &str| events.iter().filter(|e| e.name.to_string() == name).count();
        assert_eq!(
            (count("CAPTURED"), count("REFUNDED"), count("CANCELLED")),
            (book.captures, book.refunds, book.cancels),
            "payment {p}: each reported success applied exactly once"
        );
        checked += 1;
    }
    println!("chaos seed {seed}: 100 payments, 1000 operations, {checked} payments touched");
    println!("faults injected: {faults:?}");
    println!("outcomes: {outcomes:?}");
    println!("rate limited (429, waited out on the simulator's clock): {}", rate_limited(&sim));
}
