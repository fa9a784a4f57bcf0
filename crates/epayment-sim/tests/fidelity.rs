//! The rules of issue "simulator fidelity", over HTTP: refusals that stick to their key, the
//! creation pspReference in answers, the create rules the schema does not say, markets, codes
//! and problem bodies, force approve, and failed events.

mod common;

use common::{Api, MSN, Reply};
use epayment_sim::{Endpoint, Fault, Scope, Simulator};
use serde_json::{Value, json};

const REF: &str = "order-1234-abcd";

/// A simulator without rate limits: these tests pin other rules, with more than five calls a
/// minute on one payment; `tests/time.rs` pins the limits.
async fn api() -> Api {
    Api::on(Simulator::builder().rate_limits(false).start().await).await
}

impl Api {
    async fn post_as(&self, msn: &str, path: &str, key: Option<&str>, body: Value) -> Reply {
        self.send(msn, reqwest::Method::POST, path, key, Some(body)).await
    }

    async fn post(&self, path: &str, key: Option<&str>, body: Value) -> Reply {
        self.post_as(MSN, path, key, body).await
    }

    async fn get(&self, path: &str) -> Value {
        self.send(MSN, reqwest::Method::GET, path, None, None).await.body
    }

    async fn create(&self, value: i64) -> Reply {
        let body = json!({"amount": {"currency": "NOK", "value": value}, "paymentMethod": {"type": "WALLET"},
            "reference": REF, "userFlow": "WEB_REDIRECT", "returnUrl": "https://shop.example/r"});
        self.post("/v1/payments", Some("create-1"), body).await
    }

    async fn capture(&self, key: &str, value: i64) -> Reply {
        let body = json!({"modificationAmount": {"currency": "NOK", "value": value}});
        self.post(&format!("/v1/payments/{REF}/capture"), Some(key), body).await
    }
}

#[tokio::test]
async fn a_domain_refusal_sticks_to_its_key_and_a_new_key_is_judged_afresh() {
    let api = api().await;
    // 404 sticks: the payment does not exist yet.
    assert_eq!(api.capture("k-404", 100).await.status, 404);
    assert_eq!(api.create(1000).await.status, 201);
    let early = api.capture("k-early", 100).await;
    assert_eq!((early.status, early.code()), (400, Some("6080")));
    api.sim.approve(MSN, REF).unwrap();
    let again = api.capture("k-early", 100).await;
    assert_eq!((again.status, again.code()), (400, Some("6080")), "the same refusal, though approved now");
    assert_eq!(api.capture("k-404", 100).await.status, 404, "the 404 too");
    assert_eq!(api.capture("k-new", 100).await.status, 200, "a new key succeeds");
    // Another body with a key whose refusal was kept is still a conflict.
    assert_eq!(api.capture("k-early", 200).await.status, 409);
}

#[tokio::test]
async fn what_clients_are_told_to_retry_is_not_kept() {
    let api = api().await;
    api.create(1000).await;
    api.sim.approve(MSN, REF).unwrap();
    for fault in [
        Fault::Fail { status: 429, retry_after: Some(1) },
        Fault::Fail { status: 423, retry_after: None },
        Fault::Fail { status: 500, retry_after: None },
        Fault::Fail { status: 503, retry_after: None },
        Fault::Refuse { status: 400, code: 6280 },
        Fault::Refuse { status: 400, code: 6160 },
    ] {
        let key = format!("k-{fault:?}").replace(|c: char| !c.is_ascii_alphanumeric(), "-");
        let key = &key[..key.len().min(50)];
        api.sim.inject(Endpoint::Capture, fault.clone(), 1);
        assert_ne!(api.capture(key, 10).await.status, 200, "{fault:?}");
        assert_eq!(api.capture(key, 10).await.status, 200, "{fault:?}: the retry with the same key is judged afresh");
    }
    // A 400 without a code (the body breaks the schema) is not kept either.
    let broken = api.post(&format!("/v1/payments/{REF}/capture"), Some("k-schema"), json!({"x": 1})).await;
    assert_eq!((broken.status, broken.code()), (400, None));
    assert_eq!(api.capture("k-schema", 10).await.status, 200);
}

#[tokio::test]
async fn answers_carry_the_creation_psp_reference_and_events_their_own() {
    let api = api().await;
    api.create(1000).await;
    api.sim.approve(MSN, REF).unwrap();
    let captured = api.capture("k1", 250).await;
    let cancelled = api.post(&format!("/v1/payments/{REF}/cancel"), Some("k2"), json!({})).await;
    let payment = api.get(&format!("/v1/payments/{REF}")).await;
    let events = api.get(&format!("/v1/payments/{REF}/events")).await;
    let events = events.as_array().unwrap();
    let created = events[0]["pspReference"].clone();
    assert_eq!(events[0]["name"], "CREATED");
    assert_eq!(captured.body["pspReference"], created);
    assert_eq!(cancelled.body["pspReference"], created);
    assert_eq!(payment["pspReference"], created);
    let mut own: Vec<&str> = events.iter().map(|e| e["pspReference"].as_str().unwrap()).collect();
    own.dedup();
    assert_eq!(own.len(), 4, "CREATED, AUTHORIZED, CAPTURED and CANCELLED each have their own");
}

/// Each create rule the schema does not say, with the code the API answers.
#[tokio::test]
async fn create_refuses_what_the_api_refuses() {
    let api = api().await;
    let base = |currency: &str, value: i64, method: &str| {
        json!({"amount": {"currency": currency, "value": value}, "paymentMethod": {"type": method},
            "reference": REF, "userFlow": "QR"})
    };
    let with = |mut body: Value, field: &str, value: Value| {
        body[field] = value;
        body
    };
    let cases: Vec<(&str, &str, Value, u16, Option<&str>)> = vec![
        (
            "WEB_REDIRECT without returnUrl",
            MSN,
            with(base("NOK", 1000, "WALLET"), "userFlow", json!("WEB_REDIRECT")),
            400,
            Some("4140"),
        ),
        (
            "PUSH_MESSAGE without customer",
            MSN,
            with(base("NOK", 1000, "WALLET"), "userFlow", json!("PUSH_MESSAGE")),
            400,
            Some("4140"),
        ),
        (
            "an http returnUrl",
            MSN,
            with(base("NOK", 1000, "WALLET"), "returnUrl", json!("http://shop.example/r")),
            400,
            Some("4090"),
        ),
        ("SEK with WALLET", MSN, base("SEK", 1000, "WALLET"), 400, Some("5040")),
        ("USD with WALLET", MSN, base("USD", 1000, "WALLET"), 400, Some("5040")),
        ("GBP with WALLET", MSN, base("GBP", 1000, "WALLET"), 400, Some("5040")),
        ("SEK under 100 øre", MSN, base("SEK", 99, "CARD_PASSTHROUGH"), 400, Some("6010")),
        ("NOK under 100 øre", MSN, base("NOK", 99, "WALLET"), 400, Some("6010")),
        ("DKK in Norway", MSN, base("DKK", 1000, "WALLET"), 400, Some("5040")),
        ("NOK in Denmark", "223456", base("NOK", 1000, "WALLET"), 400, Some("5040")),
        ("DKK of 1 øre in Denmark", "223456", base("DKK", 1, "WALLET"), 201, None),
        ("EUR in Finland", "323456", base("EUR", 1000, "WALLET"), 201, None),
        ("SEK with CARD_PASSTHROUGH", "423456", base("SEK", 100, "CARD_PASSTHROUGH"), 201, None),
    ];
    for (i, (case, msn, body, status, code)) in cases.into_iter().enumerate() {
        // A key of its own per case: a refusal sticks to its key.
        let reply = api.post_as(msn, "/v1/payments", Some(&format!("create-{i}")), body).await;
        assert_eq!((reply.status, reply.code()), (status, code), "{case}: {}", reply.body);
    }
}

#[tokio::test]
async fn problems_look_like_the_apis() {
    let api = api().await;
    api.create(1000).await;
    let refused = api.capture("k1", 100).await;
    assert_eq!(refused.body["instance"], format!("/v1/payments/{REF}/capture"), "without the /epayment base");
    assert_eq!(refused.body["title"], "Cannot capture before the payment is authorized");
    let no_code = api.post(&format!("/v1/payments/{REF}/capture"), Some("k2"), json!({})).await;
    assert_eq!(no_code.body["title"], "Bad Request");
    // Both spellings of the token path.
    let c = api.sim.credentials();
    for path in ["/accesstoken/get", "/accessToken/get"] {
        let answer = api
            .http
            .post(format!("{}{path}", api.sim.uri()))
            .header("client_id", &c.client_id)
            .header("client_secret", &c.client_secret)
            .header("Ocp-Apim-Subscription-Key", &c.subscription_key)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 200, "{path}");
    }
}

#[tokio::test]
async fn force_approve_checks_its_body_and_the_state_and_fails_as_told() {
    let api = api().await;
    api.create(1000).await;
    let path = format!("/v1/test/payments/{REF}/approve");
    let empty = api.post(&path, None, json!({})).await;
    assert_eq!((empty.status, empty.code()), (400, Some("4140")));
    let bad_number = api.post(&path, None, json!({"customer": {"phoneNumber": "12"}})).await;
    assert_eq!((bad_number.status, bad_number.code()), (400, None), "the schema refuses it");
    api.sim.inject(Endpoint::ForceApprove, Fault::Refuse { status: 400, code: 10050 }, 1);
    let no_cards = api.post(&path, None, json!({"customer": {"phoneNumber": "4712345678"}})).await;
    assert_eq!((no_cards.status, no_cards.code()), (400, Some("10050")));
    assert_eq!(api.get(&format!("/v1/payments/{REF}")).await["state"], "CREATED", "nothing applied");
    assert_eq!(api.post(&path, None, json!({"token": "test-customer-token"})).await.status, 200);
    let twice = api.post(&path, None, json!({"token": "test-customer-token"})).await;
    assert_eq!((twice.status, twice.code()), (400, Some("10010")), "only a payment awaiting the customer");
}

#[tokio::test]
async fn a_failed_capture_is_logged_and_delivered_with_success_false() {
    let receiver = common::receiver().await;
    let api = api().await;
    let events = ["epayments.payment.captured.v1", "epayments.payment.authorized.v1"].map(str::to_owned).to_vec();
    api.sim.webhooks().register(Scope::SalesUnit(MSN.into()), &format!("{}/hooks", receiver.uri()), events).unwrap();
    api.create(1000).await;
    api.sim.approve(MSN, REF).unwrap();
    api.sim.inject(Endpoint::Capture, Fault::Refuse { status: 400, code: 6280 }, 1);
    assert_eq!(api.capture("k1", 250).await.code(), Some("6280"));
    let log = api.get(&format!("/v1/payments/{REF}/events")).await;
    let captured = log.as_array().unwrap().iter().find(|e| e["name"] == "CAPTURED").expect("a CAPTURED event");
    assert_eq!((captured["success"].as_bool(), captured["amount"]["value"].as_i64()), (Some(false), Some(250)));
    let payment = api.get(&format!("/v1/payments/{REF}")).await;
    assert_eq!(payment["aggregate"]["capturedAmount"]["value"], 0, "nothing was captured");

    let deliveries = api.sim.webhooks().wait_for(2).await;
    let payloads: Vec<Value> = deliveries.iter().map(|d| serde_json::from_slice(&d.body).unwrap()).collect();
    let authorized = payloads.iter().find(|p| p["name"] == "AUTHORIZED").unwrap();
    assert_eq!(authorized["idempotencyKey"], "create-1", "AUTHORIZED carries the create call's key");
    let failed = payloads.iter().find(|p| p["name"] == "CAPTURED").unwrap();
    assert_eq!((failed["success"].as_bool(), failed["idempotencyKey"].as_str()), (Some(false), Some("k1")));
    // The client's webhook crate reads it.
    let event: epayment_webhooks::WebhookEvent = serde_json::from_value(failed.clone()).unwrap();
    assert!(!event.success);
}
