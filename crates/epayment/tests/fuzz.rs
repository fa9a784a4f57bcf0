//! Bad input of every shape: none of it panics. The webhook verifier accepts only valid
//! signatures; problem and amount parsing never fail on garbage, they refuse it.

use std::time::{Duration, SystemTime};

use epayment::webhooks::{Verifier, sign};
use epayment::{Amount, IdempotencyKey, MerchantSerialNumber, Problem, Reference};
use proptest::prelude::*;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

const SECRET: &str = "fuzz-secret";

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000)
}

fn event_body() -> Vec<u8> {
    br#"{"msn":"123456","reference":"order-1234-abcd","pspReference":"p","name":"CAPTURED","amount":{"currency":"NOK","value":250},"timestamp":"2026-11-27T10:00:00Z","success":true}"#.to_vec()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn value_types_refuse_garbage_without_panicking(text in ".{0,80}", bytes in prop::collection::vec(any::<u8>(), 0..80)) {
        let lossy = String::from_utf8_lossy(&bytes).into_owned();
        for input in [&text, &lossy] {
            let _ = input.parse::<Amount>();
            let _ = Reference::new(input.as_str());
            let _ = IdempotencyKey::new(input.as_str());
            let _ = MerchantSerialNumber::new(input.as_str());
        }
        if let Ok(reference) = Reference::new(text.as_str()) {
            prop_assert!((8..=64).contains(&reference.as_str().len()));
            prop_assert!(reference.as_str().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        }
        if let Ok(amount) = text.parse::<Amount>() {
            prop_assert!(amount.validate().is_ok());
            prop_assert_eq!(amount.to_string().parse::<Amount>().ok(), Some(amount));
        }
    }

    #[test]
    fn amounts_in_range_round_trip(minor in 0i64..=65_000_000) {
        let amount = Amount::nok(minor);
        prop_assert_eq!(amount.to_string().parse::<Amount>().ok(), Some(amount));
    }

    #[test]
    fn problem_decoding_takes_any_bytes(status in 100u16..600, bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let p = Problem::from_body(status, &bytes);
        prop_assert_eq!(p.status, status);
        let _ = p.to_string();
    }

    #[test]
    fn problem_decoding_takes_any_json_shape(status in 400u16..600, json in arbitrary_json()) {
        let p = Problem::from_body(status, json.to_string().as_bytes());
        prop_assert_eq!(p.status, status);
    }

    #[test]
    fn the_verifier_refuses_every_mutation(
        index in any::<prop::sample::Index>(),
        flip in 1u8..=255,
        target in 0usize..4,
    ) {
        let body = event_body();
        let mut headers = sign(SECRET, "/hooks", "shop.example", &body, now()).headers("shop.example");
        prop_assert!(Verifier::new(SECRET).verify("POST", "/hooks", &headers, &body, now()).is_ok());
        let mut body = body;
        let mut path = "/hooks".to_owned();
        match target {
            0 => {
                let i = index.index(body.len());
                body[i] ^= flip;
            }
            1 => {
                let bytes = path.as_bytes().to_vec();
                let i = index.index(bytes.len());
                let mut bytes = bytes;
                bytes[i] ^= flip;
                path = String::from_utf8_lossy(&bytes).into_owned();
            }
            _ => {
                let name = if target == 2 { "x-ms-date" } else { "authorization" };
                let mut value = headers[name].as_bytes().to_vec();
                let i = index.index(value.len());
                value[i] ^= flip;
                match HeaderValue::from_bytes(&value) {
                    Ok(v) => { headers.insert(HeaderName::from_static(name), v); }
                    Err(_) => { headers.remove(name); }
                }
            }
        }
        prop_assert!(Verifier::new(SECRET).verify("POST", &path, &headers, &body, now()).is_err());
    }

    #[test]
    fn the_verifier_takes_any_headers_and_body(
        pairs in prop::collection::vec(("(authorization|x-ms-date|x-ms-content-sha256|host|other)", "[ -~]{0,120}"), 0..8),
        body in prop::collection::vec(any::<u8>(), 0..200),
        method in "[A-Z]{0,8}",
        path in "[ -~]{0,40}",
    ) {
        let mut headers = HeaderMap::new();
        for (name, value) in &pairs {
            if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
                headers.append(n, v);
            }
        }
        // Without the secret nobody can forge a signature: garbage never verifies.
        prop_assert!(Verifier::new(SECRET).verify(&method, &path, &headers, &body, now()).is_err());
    }
}

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        ".{0,20}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                "(type|title|status|detail|traceId|extraDetails|name|reason|[a-z]{1,6})",
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}
