//! A state and an event name the API adds after this version was generated decode, keep their
//! text and display it, through `payment()`, `events()` and the webhook verifier alike.

mod common;

use common::*;
use epayment::webhooks::{Verifier, sign};
use epayment::{EventName, State};
use serde_json::json;
use std::time::{Duration, SystemTime};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn pending_review_and_disputed_decode_through_every_path() {
    let server = server().await;
    let base = format!("/epayment/v1/payments/{REFERENCE}");
    let mut payment = adjustment(0);
    payment["paymentMethod"] = json!({"type": "WALLET"});
    payment["profile"] = json!({});
    payment["state"] = json!("PENDING_REVIEW");
    let event = json!({
        "reference": REFERENCE,
        "pspReference": "psp-9",
        "name": "DISPUTED",
        "amount": {"currency": "NOK", "value": 1000},
        "timestamp": "2026-11-27T10:00:00Z",
        "success": true,
        "idempotencyKey": null,
    });
    Mock::given(method("GET"))
        .and(path(base.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(payment))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{base}/events")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([event])))
        .mount(&server)
        .await;
    let client = client(&server);

    let got = client.payment(&reference()).await.expect("an unknown state decodes");
    assert_eq!(got.state, State::Unknown("PENDING_REVIEW".into()));
    assert_eq!(got.state.to_string(), "PENDING_REVIEW");
    assert_eq!(serde_json::to_value(&got.details.state).unwrap(), json!("PENDING_REVIEW"), "round-trips");

    let events = client.events(&reference()).await.expect("an unknown event name decodes");
    assert_eq!(events[0].name, EventName::Unknown("DISPUTED".into()));
    assert_eq!(events[0].name.to_string(), "DISPUTED");

    // The same name in a webhook delivery.
    let (secret, at) = ("webhook-secret", SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000));
    let mut delivery = event_body();
    delivery["name"] = json!("DISPUTED");
    let body = serde_json::to_vec(&delivery).unwrap();
    let headers = sign(secret, "/hooks", "shop.example", &body, at).headers("shop.example");
    let verified = Verifier::new(secret).verify("POST", "/hooks", &headers, &body, at).expect("verifies");
    assert_eq!(verified.name, EventName::Unknown("DISPUTED".into()));
    assert_eq!(serde_json::to_value(&verified.name).unwrap(), json!("DISPUTED"));
}

fn event_body() -> serde_json::Value {
    json!({
        "msn": "123456",
        "reference": REFERENCE,
        "pspReference": "psp-9",
        "name": "CAPTURED",
        "amount": {"currency": "NOK", "value": 250},
        "timestamp": "2026-11-27T10:00:00Z",
        "idempotencyKey": null,
        "success": true
    })
}
