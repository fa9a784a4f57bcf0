//! What the client sends: paths, headers, bodies, and the token it fetched for them.

mod common;

use common::*;
use epayment::{Amount, IdempotencyKey, State};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn a_capture_sends_every_header_and_the_body_in_minor_units() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(CAPTURE_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(adjustment(250)))
        .mount(&server)
        .await;
    let key = IdempotencyKey::new("order-1234-capture-1").unwrap();
    let done = client(&server).capture(&reference(), Amount::nok(250)).idempotency_key(key).send().await.unwrap();
    assert_eq!(done.aggregate.captured, Amount::nok(250));
    assert_eq!(done.remaining_capturable(), Amount::nok(750));
    assert_eq!(done.state, State::Authorized);

    let token = requests_to(&server, "/accesstoken/get").await;
    assert_eq!(token.len(), 1);
    let h = &token[0].headers;
    assert_eq!(h["client_id"], CLIENT_ID);
    assert_eq!(h["client_secret"], CLIENT_SECRET);
    assert_eq!(h["ocp-apim-subscription-key"], SUBSCRIPTION_KEY);
    assert_eq!(h["merchant-serial-number"], MSN);

    let captures = requests_to(&server, CAPTURE_PATH).await;
    assert_eq!(captures.len(), 1);
    let h = &captures[0].headers;
    assert_eq!(h["authorization"], format!("Bearer {TOKEN}").as_str());
    assert_eq!(h["ocp-apim-subscription-key"], SUBSCRIPTION_KEY);
    assert_eq!(h["merchant-serial-number"], MSN);
    assert_eq!(h["idempotency-key"], "order-1234-capture-1");
    assert_eq!(h["vipps-system-name"], "acme-shop");
    assert_eq!(h["vipps-system-version"], "2.1.0");
    assert_eq!(h["vipps-system-plugin-name"], "acme-epayment");
    assert_eq!(h["vipps-system-plugin-version"], "0.9.1");
    assert_eq!(h["content-type"], "application/json");
    let body: serde_json::Value = serde_json::from_slice(&captures[0].body).unwrap();
    assert_eq!(body, json!({"modificationAmount": {"currency": "NOK", "value": 250}}));
}

#[tokio::test]
async fn each_operation_gets_a_fresh_random_key_unless_given_one() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(CAPTURE_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(adjustment(100)))
        .mount(&server)
        .await;
    let client = client(&server);
    client.capture(&reference(), Amount::nok(100)).await.unwrap();
    client.capture(&reference(), Amount::nok(100)).await.unwrap();
    let keys: Vec<String> = requests_to(&server, CAPTURE_PATH)
        .await
        .iter()
        .map(|r| r.headers["idempotency-key"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(keys.len(), 2);
    assert_ne!(keys[0], keys[1]);
    assert!(keys.iter().all(|k| IdempotencyKey::new(k.as_str()).is_ok() && k.len() == 36), "{keys:?}");
}

#[tokio::test]
async fn cancel_refund_read_and_create_hit_their_paths_with_their_bodies() {
    let server = server().await;
    let base = "/epayment/v1/payments/order-1234-abcd";
    for (verb, at, answer) in [
        ("POST", format!("{base}/cancel"), ResponseTemplate::new(200).set_body_json(adjustment(250))),
        ("POST", format!("{base}/refund"), ResponseTemplate::new(200).set_body_json(adjustment(250))),
        ("GET", base.to_owned(), ResponseTemplate::new(200).set_body_json(get_payment())),
        ("GET", format!("{base}/events"), ResponseTemplate::new(200).set_body_json(json!([event()]))),
        (
            "POST",
            "/epayment/v1/payments".to_owned(),
            ResponseTemplate::new(201)
                .set_body_json(json!({"reference": REFERENCE, "redirectUrl": "https://landing.example/x"})),
        ),
    ] {
        Mock::given(method(verb)).and(path(at)).respond_with(answer).mount(&server).await;
    }
    let client = client(&server);
    let r = reference();
    client.cancel(&r).transaction_only().await.unwrap();
    client.refund(&r, Amount::nok(100)).await.unwrap();
    let payment = client.payment(&r).await.unwrap();
    assert_eq!((payment.state, payment.amount), (State::Authorized, Amount::nok(1000)));
    let events = client.events(&r).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].amount, Amount::nok(1000));
    let created = client
        .create_payment(&r, Amount::nok(1000))
        .return_url("https://shop.example/return")
        .description("Two pairs of socks")
        .customer_phone("4712345678")
        .await
        .unwrap();
    assert_eq!(created.redirect_url.as_deref(), Some("https://landing.example/x"));

    let server = &server;
    let body = |at: String| async move {
        let r = requests_to(server, &at).await;
        serde_json::from_slice::<serde_json::Value>(&r[0].body).unwrap()
    };
    assert_eq!(body(format!("{base}/cancel")).await, json!({"cancelTransactionOnly": true}));
    assert_eq!(body(format!("{base}/refund")).await, json!({"modificationAmount": {"currency": "NOK", "value": 100}}));
    let create = body("/epayment/v1/payments".to_owned()).await;
    assert_eq!(create["amount"], json!({"currency": "NOK", "value": 1000}));
    assert_eq!(create["reference"], REFERENCE);
    assert_eq!(create["userFlow"], "WEB_REDIRECT");
    assert_eq!(create["customer"], json!({"phoneNumber": "4712345678"}));
    assert_eq!(create["paymentMethod"], json!({"type": "WALLET"}));
    assert_eq!(create["paymentDescription"], "Two pairs of socks");
    let cancel = requests_to(server, &format!("{base}/cancel")).await;
    assert!(cancel[0].headers.contains_key("idempotency-key"));
}

fn get_payment() -> serde_json::Value {
    let mut p = adjustment(0);
    p["paymentMethod"] = json!({"type": "WALLET"});
    p["profile"] = json!({});
    p
}

fn event() -> serde_json::Value {
    json!({
        "reference": REFERENCE,
        "pspReference": "psp-1",
        "name": "AUTHORIZED",
        "amount": {"currency": "NOK", "value": 1000},
        "timestamp": "2026-11-27T10:00:00Z",
        "success": true,
        "idempotencyKey": null,
    })
}

#[tokio::test]
async fn a_configured_psp_id_goes_on_every_epayment_call_and_only_then() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(CAPTURE_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(adjustment(100)))
        .mount(&server)
        .await;
    let with = builder(&server).psp_id("acme-psp-42").build().unwrap();
    with.capture(&reference(), epayment::Amount::nok(100)).await.unwrap();
    let without = client(&server);
    without.capture(&reference(), epayment::Amount::nok(100)).await.unwrap();
    let captures = requests_to(&server, CAPTURE_PATH).await;
    assert_eq!(captures[0].headers.get("psp-id").map(|v| v.to_str().unwrap()), Some("acme-psp-42"));
    assert!(captures[1].headers.get("psp-id").is_none(), "not sent unless configured");
    let token = requests_to(&server, "/accesstoken/get").await;
    assert!(token.iter().all(|t| t.headers.get("psp-id").is_none()), "an ePayment header, not the token's");
}
