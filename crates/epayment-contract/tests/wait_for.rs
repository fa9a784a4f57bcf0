//! `Client::wait_for` against the simulator, on its virtual clock: the client's waits move the
//! clock, and no real time passes.

use std::time::Duration;

use epayment::{Amount, Client, Environment, Error, Reference, State, Until, UserFlow};
use epayment_contract::ClockSleep;
use epayment_sim::Simulator;

const MSN: &str = "123456";

fn start() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_767_268_800, 0).expect("a time")
}

async fn setup() -> (Simulator, Client, Reference) {
    let sim = Simulator::builder().start_at(start()).start().await;
    let c = sim.credentials();
    let client = Client::builder()
        .environment(Environment::Custom(sim.uri()))
        .credentials(c.client_id, c.client_secret, c.subscription_key)
        .merchant_serial_number(MSN)
        .sleeper(ClockSleep(sim.clock()))
        .build()
        .expect("a client");
    let reference = Reference::new("wait-order-0001").expect("a reference");
    client.create_payment(&reference, Amount::nok(1000)).user_flow(UserFlow::Qr).send().await.expect("created");
    (sim, client, reference)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_who_approves_after_a_while_is_waited_for() {
    let (sim, client, reference) = setup().await;
    // The customer approves 40 s after the payment was created, on the simulator's clock.
    let customer = tokio::spawn({
        let clock = sim.clock();
        async move { clock.sleep_until(start() + chrono::Duration::seconds(40)).await }
    });
    let waiting = client.wait_for(&reference, Until::Authorized, Duration::from_secs(300));
    let real = std::time::Instant::now();
    let (payment, ()) = tokio::join!(waiting, async {
        customer.await.expect("the customer");
        sim.approve(MSN, reference.as_str()).expect("approved");
    });
    let payment = payment.expect("authorized in time");
    assert_eq!(payment.state, State::Authorized);
    let passed = sim.clock().now() - start();
    assert!(passed >= chrono::Duration::seconds(40) && passed < chrono::Duration::seconds(80), "{passed}");
    assert!(real.elapsed() < Duration::from_secs(5), "no real waiting");
    let reads = sim.exchanges().iter().filter(|e| e.operation == "getPayment").count();
    assert!(reads < 20, "{reads} reads: the polls back off");
    assert!(sim.exchanges().iter().all(|e| e.response.status != 429), "under the read limit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_who_never_acts_is_a_typed_timeout_or_an_expiry() {
    let (sim, client, reference) = setup().await;
    let err = client.wait_for(&reference, Until::Authorized, Duration::from_secs(120)).await.unwrap_err();
    match err {
        Error::DeadlinePassed { state, waited, .. } => {
            assert_eq!(state, State::Created);
            assert!(waited >= Duration::from_secs(120) && waited < Duration::from_secs(130), "{waited:?}");
        }
        other => panic!("expected the deadline to pass: {other}"),
    }
    // Ten minutes after creation the payment expires: waiting for approval ends there.
    let err = client.wait_for(&reference, Until::Authorized, Duration::from_secs(3_600)).await.unwrap_err();
    assert!(matches!(err, Error::NotAuthorized { state: State::Expired, .. }), "{err}");
    let passed = sim.clock().now() - start();
    assert!(passed >= chrono::Duration::minutes(10) && passed < chrono::Duration::minutes(11), "{passed}");
    // Waiting for any final state returns the expired payment.
    let done = client.wait_for(&reference, Until::Final, Duration::from_secs(1)).await.expect("final");
    assert_eq!(done.state, State::Expired);
}
