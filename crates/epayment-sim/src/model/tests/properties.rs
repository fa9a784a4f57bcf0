//! Random sequences of operations on one payment hold the aggregate's invariants, and a
//! replay with the same key and body changes nothing.

use epayment_api::epayment::types;
use epayment_vocabulary::Currency;
use proptest::prelude::*;

use crate::endpoint::Endpoint;
use crate::model::{Config, Model, PaymentKey};
use serde_json::{Value, json};

const MSN: &str = "123456";
const REF: &str = "order-1234-abcd";

#[derive(Clone, Debug)]
enum Action {
    Approve,
    Abort,
    Expire,
    Capture(i64),
    Refund(i64),
    Cancel(bool),
    /// Replays the n-th successful keyed call (modulo how many there were).
    Replay(usize),
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        2 => Just(Action::Approve),
        1 => Just(Action::Abort),
        1 => Just(Action::Expire),
        6 => (0i64..=1200).prop_map(Action::Capture),
        4 => (0i64..=1200).prop_map(Action::Refund),
        2 => any::<bool>().prop_map(Action::Cancel),
        3 => any::<usize>().prop_map(Action::Replay),
    ]
}

fn amount_body(v: i64) -> Value {
    json!({"modificationAmount": {"currency": "NOK", "value": v}})
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_after_every_step(amount in 100i64..=5000, actions in prop::collection::vec(action(), 1..40)) {
        let mut m = Model::new(Config::default());
        let request: types::CreatePaymentRequest = serde_json::from_value(json!({
            "amount": {"currency": "NOK", "value": amount}, "paymentMethod": {"type": "WALLET"},
            "reference": REF, "userFlow": "QR",
        })).unwrap();
        m.create(MSN, &request, None).unwrap();
        let mut done: Vec<(String, Endpoint, Value, bytes::Bytes)> = Vec::new();
        for (i, action) in actions.iter().enumerate() {
            let key = format!("key-{i}");
            let payment = PaymentKey::new(MSN, REF);
            let nok = |v| types::Amount { currency: Currency::Nok, value: v };
            let outcome = match action {
                Action::Approve => { let _ = m.approve(&payment); None }
                Action::Abort => { let _ = m.abort(&payment); None }
                Action::Expire => { let _ = m.expire(&payment); None }
                Action::Capture(v) => Some((Endpoint::Capture, amount_body(*v),
                    m.idempotent(&payment, &key, Endpoint::Capture, &amount_body(*v), |m| m.capture(&payment, &nok(*v), Some(&key))))),
                Action::Refund(v) => Some((Endpoint::Refund, amount_body(*v),
                    m.idempotent(&payment, &key, Endpoint::Refund, &amount_body(*v), |m| m.refund(&payment, &nok(*v), Some(&key))))),
                Action::Cancel(only) => {
                    let body = json!({"cancelTransactionOnly": only});
                    Some((Endpoint::Cancel, body.clone(), m.idempotent(&payment, &key, Endpoint::Cancel, &body, |m| m.cancel(&payment, *only, Some(&key)))))
                }
                Action::Replay(n) if !done.is_empty() => {
                    let (key, keyed, body, answer) = done[n % done.len()].clone();
                    let before = m.payment(&payment).cloned();
                    let replayed = m.idempotent(&payment, &key, keyed, &body, |_| -> Result<Value, _> {
                        panic!("a replay must not apply anything")
                    });
                    prop_assert_eq!(replayed.as_ref(), Ok(&answer));
                    prop_assert_eq!(m.payment(&payment).cloned(), before, "a replay changes nothing");
                    None
                }
                Action::Replay(_) => None,
            };
            if let Some((keyed, body, Ok(answer))) = outcome {
                done.push((key.clone(), keyed, body, answer));
            }
            let p = m.payment(&payment).unwrap();
            for v in [p.authorized, p.captured, p.cancelled, p.refunded] {
                prop_assert!(v >= 0, "no amount is negative: {p:?}");
            }
            prop_assert!(p.refunded <= p.captured, "refunded <= captured: {p:?}");
            if p.authorized > 0 {
                prop_assert!(p.captured <= p.authorized - p.cancelled, "captured <= authorized - cancelled: {p:?}");
            } else {
                // Never authorized: nothing captured or refunded; a cancel ended it whole.
                prop_assert_eq!((p.captured, p.refunded), (0, 0));
                prop_assert!(p.cancelled == 0 || p.cancelled == p.amount);
            }
            prop_assert!(p.authorized == 0 || p.authorized == p.amount);
        }
    }
}
