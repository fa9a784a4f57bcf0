//! The model's rules, one table row per rule: the state a payment is brought to, the
//! operation tried, and the status and error code the API answers with.

use epayment_api::epayment::types;
use epayment_vocabulary::Currency;
use epayment_vocabulary::State;
use serde_json::json;

use crate::endpoint::Endpoint;
use crate::model::{ApiError, Config, Model, PaymentKey, SalesUnit};

mod properties;

const MSN: &str = "123456";
const REF: &str = "order-1234-abcd";

/// The payment `reference` of sales unit `msn`.
fn at(msn: &str, reference: &str) -> PaymentKey {
    PaymentKey::new(msn, reference)
}

/// The payment most tests look at.
fn payment() -> PaymentKey {
    at(MSN, REF)
}

fn nok(value: i64) -> types::Amount {
    types::Amount { currency: Currency::Nok, value }
}

fn create_request(reference: &str, value: i64) -> types::CreatePaymentRequest {
    serde_json::from_value(json!({
        "amount": {"currency": "NOK", "value": value},
        "paymentMethod": {"type": "WALLET"},
        "reference": reference,
        "userFlow": "WEB_REDIRECT",
        "returnUrl": "https://shop.example/return",
    }))
    .expect("a valid request")
}

/// A model with a 10.00 NOK payment brought along `steps`.
fn payment_after(steps: &[Step]) -> Model {
    let mut m = Model::new(Config::default());
    m.create(MSN, &create_request(REF, 1000), Some("k-create")).expect("create");
    for (i, step) in steps.iter().enumerate() {
        let key = format!("k-{i}");
        let done = match step {
            Step::Approve => m.approve(&payment()),
            Step::Abort => m.abort(&payment()),
            Step::Expire => m.expire(&payment()),
            Step::Capture(v) => m.capture(&payment(), &nok(*v), Some(&key)).map(drop),
            Step::Refund(v) => m.refund(&payment(), &nok(*v), Some(&key)).map(drop),
            Step::Cancel => m.cancel(&payment(), false, Some(&key)).map(drop),
        };
        done.unwrap_or_else(|e| panic!("step {step:?}: {e:?}"));
    }
    m
}

#[derive(Clone, Copy, Debug)]
enum Step {
    Approve,
    Abort,
    Expire,
    Capture(i64),
    Refund(i64),
    Cancel,
}

#[derive(Clone, Copy, Debug)]
enum Try {
    Capture(i64),
    Refund(i64),
    Cancel { transaction_only: bool },
    Approve,
}

fn attempt(m: &mut Model, t: Try) -> Result<(), ApiError> {
    match t {
        Try::Capture(v) => m.capture(&payment(), &nok(v), Some("k-try")).map(drop),
        Try::Refund(v) => m.refund(&payment(), &nok(v), Some("k-try")).map(drop),
        Try::Cancel { transaction_only } => m.cancel(&payment(), transaction_only, Some("k-try")).map(drop),
        Try::Approve => m.force_approve(&payment()),
    }
}

/// A rule: its name, the steps before, the operation tried, the status, the code, and the
/// FIDELITY.md row the refusal names (the `Sim-Rule` header of its answer).
type Refusal = (&'static str, &'static [Step], Try, u16, Option<u32>, &'static str);

#[test]
fn each_rule_refuses_with_its_status_and_code() {
    use Step::*;
    let cases: &[Refusal] = &[
        ("capture before approval", &[], Try::Capture(100), 400, Some(6080), "capture-before-authorization"),
        ("capture more than authorized", &[Approve], Try::Capture(1001), 400, Some(6090), "capture-amount"),
        ("capture more than is left", &[Approve, Capture(600)], Try::Capture(401), 400, Some(6090), "capture-amount"),
        (
            "capture after a full capture",
            &[Approve, Capture(1000)],
            Try::Capture(1),
            400,
            Some(6090),
            "capture-after-full-capture",
        ),
        (
            "capture after a cancel",
            &[Approve, Capture(250), Cancel],
            Try::Capture(1),
            400,
            Some(6070),
            "capture-after-cancel",
        ),
        ("capture after a cancel before approval", &[Cancel], Try::Capture(1), 400, Some(6070), "capture-terminated"),
        ("capture an aborted payment", &[Abort], Try::Capture(1), 400, Some(6200), "capture-final-state"),
        ("capture an expired payment", &[Expire], Try::Capture(1), 400, Some(6200), "capture-final-state"),
        ("capture zero", &[Approve], Try::Capture(0), 400, Some(4040), "modification-amount"),
        ("refund before approval", &[], Try::Refund(1), 400, Some(6020), "refund-before-authorization"),
        ("refund more than captured", &[Approve, Capture(300)], Try::Refund(301), 400, Some(6150), "refund-amount"),
        (
            "refund more than is left",
            &[Approve, Capture(300), Refund(200)],
            Try::Refund(101),
            400,
            Some(6150),
            "refund-amount",
        ),
        ("refund nothing captured", &[Approve], Try::Refund(1), 400, Some(6150), "refund-amount"),
        ("refund an aborted payment", &[Abort], Try::Refund(1), 400, Some(6210), "refund-final-state"),
        (
            "cancel a fully captured payment",
            &[Approve, Capture(1000)],
            Try::Cancel { transaction_only: false },
            400,
            Some(6040),
            "cancel-fully-captured",
        ),
        (
            "cancel authorized, transaction only",
            &[Approve],
            Try::Cancel { transaction_only: true },
            400,
            Some(6060),
            "cancel-transaction-only",
        ),
        (
            "cancel an aborted payment",
            &[Abort],
            Try::Cancel { transaction_only: false },
            400,
            Some(6050),
            "cancel-never-reserved",
        ),
        (
            "cancel an expired payment",
            &[Expire],
            Try::Cancel { transaction_only: false },
            400,
            Some(6050),
            "cancel-never-reserved",
        ),
        ("cancel twice", &[Approve, Cancel], Try::Cancel { transaction_only: false }, 400, Some(6190), "cancel-twice"),
        (
            "cancel a terminated payment",
            &[Cancel],
            Try::Cancel { transaction_only: false },
            400,
            Some(6190),
            "cancel-twice",
        ),
        ("approve twice", &[Approve], Try::Approve, 400, Some(10010), "approve-only-created"),
    ];
    for (name, steps, t, status, code, rule) in cases {
        let mut m = payment_after(steps);
        let before = m.payment(&payment()).cloned();
        let err = attempt(&mut m, *t).expect_err(name);
        assert_eq!((err.status, err.code, err.rule), (*status, *code, Some(*rule)), "{name}: {err:?}");
        assert_eq!(m.payment(&payment()).cloned(), before, "{name}: a refusal changes nothing");
    }
}

#[test]
fn the_aggregate_follows_captures_refunds_and_cancels() {
    use Step::*;
    let cases: &[(&str, &[Step], State, [i64; 4])] = &[
        ("created", &[], State::Created, [0, 0, 0, 0]),
        ("authorized", &[Approve], State::Authorized, [1000, 0, 0, 0]),
        ("full capture", &[Approve, Capture(1000)], State::Authorized, [1000, 1000, 0, 0]),
        (
            "partial captures",
            &[Approve, Capture(250), Capture(250), Capture(500)],
            State::Authorized,
            [1000, 1000, 0, 0],
        ),
        ("cancel after a partial capture", &[Approve, Capture(250), Cancel], State::Authorized, [1000, 250, 750, 0]),
        ("cancel before approval", &[Cancel], State::Terminated, [0, 0, 1000, 0]),
        ("refunds", &[Approve, Capture(1000), Refund(100), Refund(900)], State::Authorized, [1000, 1000, 0, 1000]),
        ("abort", &[Abort], State::Aborted, [0, 0, 0, 0]),
        ("expire", &[Expire], State::Expired, [0, 0, 0, 0]),
    ];
    for (name, steps, state, [authorized, captured, cancelled, refunded]) in cases {
        let m = payment_after(steps);
        let p = m.payment(&payment()).unwrap();
        assert_eq!(p.state, *state, "{name}");
        assert_eq!(
            [p.authorized, p.captured, p.cancelled, p.refunded],
            [*authorized, *captured, *cancelled, *refunded],
            "{name}"
        );
    }
}

#[test]
fn unknown_references_and_other_merchants_get_404_5090() {
    let mut m = payment_after(&[Step::Approve]);
    let err = m.capture(&at(MSN, "order-9999-zzzz"), &nok(1), Some("k")).unwrap_err();
    assert_eq!((err.status, err.code), (404, Some(5090)));
    let err = m.capture(&at("654321", REF), &nok(1), Some("k")).unwrap_err();
    assert_eq!((err.status, err.code), (404, Some(5090)), "the right reference under another MSN");
    assert_eq!(m.get(&at("654321", REF)).unwrap_err().status, 404);
    assert_eq!(m.events(&at(MSN, "order-9999-zzzz")).unwrap_err().code, Some(5090));
}

#[test]
fn references_are_unique_per_merchant_and_small_amounts_refused() {
    let mut m = payment_after(&[]);
    let err = m.create(MSN, &create_request(REF, 1000), Some("k2")).unwrap_err();
    assert_eq!((err.status, err.code), (409, Some(4150)));
    assert!(m.create("654321", &create_request(REF, 1000), Some("k3")).is_ok(), "another MSN may use it");
    let err = m.create(MSN, &create_request("order-5555-small", 99), Some("k4")).unwrap_err();
    assert_eq!((err.status, err.code), (400, Some(6010)));
}

#[test]
fn a_full_capture_only_sales_unit_refuses_partial_captures() {
    let mut m = payment_after(&[Step::Approve]);
    m.set_sales_unit(MSN, SalesUnit::new(crate::Market::Norway).full_capture_only(true));
    let err = m.capture(&payment(), &nok(250), Some("k")).unwrap_err();
    assert_eq!((err.status, err.code), (400, Some(6140)));
    assert!(m.capture(&payment(), &nok(1000), Some("k2")).is_ok());
}

#[test]
fn a_currency_other_than_the_payments_is_refused() {
    let mut m = payment_after(&[Step::Approve]);
    let eur = types::Amount { currency: Currency::Eur, value: 100 };
    assert_eq!(m.capture(&payment(), &eur, Some("k")).unwrap_err().code, Some(4040));
}

#[test]
fn idempotent_retries_replay_and_conflicts_are_409() {
    let mut m = payment_after(&[Step::Approve]);
    let body = json!({"modificationAmount": {"currency": "NOK", "value": 250}});
    let k = "order-1-c1";
    let capture = |m: &mut Model| m.capture(&payment(), &nok(250), Some("order-1-c1"));
    let first = m.idempotent(&payment(), k, Endpoint::Capture, &body, capture).unwrap();
    let again = m.idempotent(&payment(), k, Endpoint::Capture, &body, capture).unwrap();
    assert_eq!(first, again, "the first answer, replayed");
    assert_eq!(m.payment(&payment()).unwrap().captured, 250, "captured once");
    let other = json!({"modificationAmount": {"currency": "NOK", "value": 300}});
    let err = m
        .idempotent(&payment(), k, Endpoint::Capture, &other, |m| m.capture(&payment(), &nok(300), Some("x")))
        .unwrap_err();
    assert_eq!((err.status, err.code), (409, Some(4010)));
    let err = m
        .idempotent(&payment(), k, Endpoint::Refund, &body, |m| m.refund(&payment(), &nok(250), Some("x")))
        .unwrap_err();
    assert_eq!((err.status, err.code), (409, Some(4020)));
    assert_eq!(m.payment(&payment()).unwrap().captured, 250);
}

#[test]
fn every_event_has_its_own_psp_reference_and_the_log_is_ordered() {
    let m = payment_after(&[Step::Approve, Step::Capture(250), Step::Refund(100), Step::Cancel]);
    let events = m.events(&payment()).unwrap();
    let names: Vec<_> = events.iter().map(|e| e.name.to_string()).collect();
    assert_eq!(names, ["CREATED", "AUTHORIZED", "CAPTURED", "REFUNDED", "CANCELLED"]);
    let mut psp: Vec<_> = events.iter().map(|e| e.psp_reference.0.clone()).collect();
    psp.sort();
    psp.dedup();
    assert_eq!(psp.len(), events.len());
    assert_eq!(events[2].amount.value, 250);
    assert_eq!(events[4].amount.value, 750, "the cancel released what was not captured");
    assert_eq!(events[2].idempotency_key.as_deref().map(|k| k.to_string()), Some("k-1".into()));
}

#[test]
fn the_same_seed_gives_the_same_ids() {
    let ids = |seed| {
        let mut m = Model::new(Config { seed, ..Config::default() });
        m.create(MSN, &create_request(REF, 1000), None).unwrap();
        m.approve(&payment()).unwrap();
        m.events(&payment()).unwrap().iter().map(|e| e.psp_reference.0.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(7), ids(7));
    assert_ne!(ids(7), ids(8));
}

#[test]
fn tokens_expire_on_the_injected_clock() {
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-27T10:00:00Z").unwrap().to_utc();
    let config = Config { start: Some(start), token_lifetime: std::time::Duration::from_secs(60), ..Config::default() };
    let mut m = Model::new(config);
    let c = m.credentials().clone();
    let token = m.issue_token(Some(&c.client_id), Some(&c.client_secret), Some(&c.subscription_key)).unwrap();
    let bearer = format!("Bearer {}", token.access_token);
    assert!(m.check_bearer(Some(&bearer)).is_ok());
    m.advance(std::time::Duration::from_secs(61)).unwrap();
    assert_eq!(m.check_bearer(Some(&bearer)).unwrap_err().status, 401);
    assert_eq!(m.check_bearer(None).unwrap_err().status, 401);
    assert_eq!(m.check_bearer(Some("Basic abc")).unwrap_err().status, 401);
    assert_eq!(m.check_bearer(Some("Bearer forged")).unwrap_err().status, 401);
    assert_eq!(m.issue_token(Some("x"), Some(&c.client_secret), Some(&c.subscription_key)).unwrap_err().status, 401);
}

#[test]
fn only_payments_still_waiting_for_the_customer_expire() {
    let start = chrono::DateTime::from_timestamp(1_767_268_800, 0).unwrap();
    let mut m = Model::new(Config { start: Some(start), ..Config::default() });
    for reference in ["order-0001-wait", "order-0002-okay", "order-0003-stop"] {
        m.create(MSN, &create_request(reference, 1000), None).expect("created");
    }
    m.advance(std::time::Duration::from_secs(300)).unwrap();
    m.approve(&at(MSN, "order-0002-okay")).unwrap();
    m.cancel(&at(MSN, "order-0003-stop"), false, None).unwrap();
    m.advance(std::time::Duration::from_secs(300)).unwrap();
    let state = |m: &Model, r: &str| m.payment(&at(MSN, r)).unwrap().state.clone();
    assert_eq!(state(&m, "order-0001-wait"), State::Expired);
    assert_eq!(state(&m, "order-0002-okay"), State::Authorized);
    assert_eq!(state(&m, "order-0003-stop"), State::Terminated);
    let expired_events =
        m.events(&at(MSN, "order-0002-okay")).unwrap().iter().filter(|e| e.name.to_string() == "EXPIRED").count();
    assert_eq!(expired_events, 0);
}
