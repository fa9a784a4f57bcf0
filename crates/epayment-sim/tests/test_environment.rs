//! What the test environment does that the document does not say: its failing amounts, the
//! card network's capture guarantee, profile sharing and Express, the numbers its own request
//! collection sends for text fields, and (the sandbox's own) acting as the customer over HTTP.

use std::time::Duration;

mod common;

use common::{Api, MSN, Reply};
use epayment_sim::{CardNetwork, Simulator};
use reqwest::Method;
use serde_json::{Value, json};

const DAY: Duration = Duration::from_secs(86_400);

fn start() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_767_268_800, 0).unwrap()
}

async fn api_with(builder: epayment_sim::SimulatorBuilder) -> Api {
    Api::on(builder.start_at(start()).token_lifetime(1_000 * DAY).rate_limits(false).start().await).await
}

async fn api() -> Api {
    api_with(Simulator::builder()).await
}

impl Api {
    async fn create_with(&self, reference: &str, value: i64, extra: Value) -> Reply {
        let mut body = json!({"amount": {"currency": "NOK", "value": value}, "paymentMethod": {"type": "WALLET"},
            "reference": reference, "userFlow": "WEB_REDIRECT", "returnUrl": "https://shop.example/back"});
        if let (Value::Object(body), Value::Object(extra)) = (&mut body, extra) {
            body.extend(extra);
        }
        self.send(MSN, Method::POST, "/v1/payments", Some(&format!("create-{reference}")), Some(body)).await
    }

    async fn force_approve(&self, reference: &str) -> Reply {
        let body = json!({"customer": {"phoneNumber": "4712345678"}});
        self.send(MSN, Method::POST, &format!("/v1/test/payments/{reference}/approve"), None, Some(body)).await
    }

    async fn get(&self, reference: &str) -> Value {
        self.send(MSN, Method::GET, &format!("/v1/payments/{reference}"), None, None).await.body
    }

    async fn adjust(&self, reference: &str, what: &str, key: &str, value: i64) -> Reply {
        let body = json!({"modificationAmount": {"currency": "NOK", "value": value}});
        self.send(MSN, Method::POST, &format!("/v1/payments/{reference}/{what}"), Some(key), Some(body)).await
    }

    /// A sandbox customer action over HTTP: `approve`, `abort`, `expire`, `refuse-consent`.
    async fn customer(&self, reference: &str, action: &str) -> (u16, Value) {
        let url = format!("{}/sim/v1/payments/{reference}/{action}", self.sim.uri());
        let answer = common::authorized(&self.sim, &self.token, self.http.post(url)).send().await.unwrap();
        (answer.status().as_u16(), answer.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn each_failing_test_amount_declines_the_approval_and_the_payment_waits_for_the_customer() {
    let api = api().await;
    for (value, code) in [
        (151, "10010"),
        (182, "10010"),
        (183, "10010"),
        (184, "10070"),
        (186, "10040"),
        (187, "10040"),
        (197, "10030"),
        (202, "10030"),
    ] {
        let reference = format!("test-amount-{value}");
        assert_eq!(api.create_with(&reference, value, json!({})).await.status, 201);
        let declined = api.force_approve(&reference).await;
        assert_eq!((declined.status, declined.code()), (400, Some(code)), "{value}: {}", declined.body);
        assert_eq!(api.get(&reference).await["state"], "CREATED", "{value}");
        // The customer's own approval in the app is declined the same way.
        let in_app = api.sim.approve(MSN, &reference).unwrap_err();
        assert_eq!(in_app.code.map(|c| c.to_string()).as_deref(), Some(code), "{value}");
    }
    api.sim.advance_clock(Duration::from_secs(600)).unwrap();
    assert_eq!(api.get("test-amount-151").await["state"], "EXPIRED", "it expires as any payment left alone");
    // An ordinary amount is approved, and the Norway-only amounts pass in Denmark.
    assert_eq!(api.create_with("test-amount-152", 152, json!({})).await.status, 201);
    assert_eq!(api.force_approve("test-amount-152").await.status, 200);
}

#[tokio::test]
async fn an_unknown_result_is_pending_for_an_hour_then_authorized() {
    let api = api().await;
    assert_eq!(api.create_with("test-amount-201", 201, json!({})).await.status, 201);
    assert_eq!(api.force_approve("test-amount-201").await.status, 200);
    api.sim.advance_clock(Duration::from_secs(59 * 60)).unwrap();
    assert_eq!(api.get("test-amount-201").await["state"], "CREATED", "unknown for an hour, and not expired");
    api.sim.advance_clock(Duration::from_secs(60)).unwrap();
    let decided = api.get("test-amount-201").await;
    assert_eq!(decided["state"], "AUTHORIZED");
    let events = api.sim.events(MSN, "test-amount-201").unwrap();
    assert_eq!(events[1].timestamp - start(), chrono::TimeDelta::hours(1), "authorized when it was decided");
}

#[tokio::test]
async fn the_refund_test_amounts_fail_with_their_codes_and_all_of_it_can_be_turned_off() {
    let api = api().await;
    api.create_authorized("refund-amounts-1").await;
    assert_eq!(api.adjust("refund-amounts-1", "capture", "c1", 1000).await.status, 200);
    let no_account = api.adjust("refund-amounts-1", "refund", "r1", 123).await;
    assert_eq!((no_account.status, no_account.code()), (400, Some("5100")));
    let expired = api.adjust("refund-amounts-1", "refund", "r2", 124).await;
    assert_eq!((expired.status, expired.code()), (400, Some("6220")));
    assert_eq!(api.adjust("refund-amounts-1", "refund", "r3", 125).await.status, 200);

    let off = api_with(Simulator::builder().test_amounts(false)).await;
    assert_eq!(off.create_with("test-amount-151", 151, json!({})).await.status, 201);
    assert_eq!(off.force_approve("test-amount-151").await.status, 200);
    assert_eq!(off.adjust("test-amount-151", "capture", "c1", 151).await.status, 200);
    assert_eq!(off.adjust("test-amount-151", "refund", "r1", 123).await.status, 200);
}

#[tokio::test]
async fn the_capture_guarantee_is_announced_and_a_capture_after_it_fails_when_the_issuer_released() {
    let api = api_with(Simulator::builder().issuer_releases_reservations(true)).await;
    api.create_authorized("guaranteed-visa").await;
    let until = api.get("guaranteed-visa").await["captureGuaranteedUntil"].as_str().unwrap().to_owned();
    assert_eq!(until, "2026-01-08T12:00:00Z", "Visa: seven days after approval");
    api.sim.set_card_network(CardNetwork::Mastercard);
    api.create_authorized("guaranteed-mastercard").await;
    assert_eq!(api.get("guaranteed-mastercard").await["captureGuaranteedUntil"], "2026-01-31T12:00:00Z");
    api.sim.advance_clock(8 * DAY).unwrap();
    let released = api.adjust("guaranteed-visa", "capture", "c1", 100).await;
    assert_eq!((released.status, released.code()), (400, Some("6260")), "{}", released.body);
    assert_eq!(api.adjust("guaranteed-mastercard", "capture", "c1", 100).await.status, 200, "still guaranteed");
    // Past the capture deadline the deadline's code wins.
    api.sim.advance_clock(180 * DAY).unwrap();
    assert_eq!(api.adjust("guaranteed-mastercard", "capture", "c2", 100).await.code(), Some("6100"));

    // By default the issuer keeps the reservation: a late capture is a charge that succeeds.
    let kept = api_with(Simulator::builder()).await;
    kept.create_authorized("guarantee-kept").await;
    kept.sim.advance_clock(8 * DAY).unwrap();
    assert_eq!(kept.adjust("guarantee-kept", "capture", "c1", 100).await.status, 200);
}

#[tokio::test]
async fn profile_sharing_gives_the_sub_and_details_after_consent_and_a_refusal_aborts() {
    let api = api().await;
    let bad_scope = api.create_with("profile-bad", 1000, json!({"profile": {"scope": "name shoeSize"}})).await;
    assert_eq!((bad_scope.status, bad_scope.code()), (400, Some("4080")));
    let scope = json!({"profile": {"scope": "name email phoneNumber birthDate"}});
    assert_eq!(api.create_with("profile-1", 1000, scope.clone()).await.status, 201);
    assert!(api.get("profile-1").await["profile"].get("sub").is_none(), "nothing before consent");
    assert_eq!(api.force_approve("profile-1").await.status, 200);
    let shared = api.get("profile-1").await;
    assert!(shared["profile"]["sub"].as_str().is_some_and(|s| s.len() == 36), "{shared}");
    assert_eq!(shared["userDetails"]["firstName"], "Ada");
    assert_eq!(shared["userDetails"]["dateOfBirth"], "1990-01-31");
    assert!(shared["userDetails"].get("addresses").is_none_or(|a| a == &json!([])), "no address asked for");
    let problems = epayment_openapi::ApiDocument::epayment().check_component("GetPaymentResponse", &shared);
    assert_eq!(problems, []);

    assert_eq!(api.create_with("profile-2", 1000, scope).await.status, 201);
    let (status, answer) = api.customer("profile-2", "refuse-consent").await;
    assert_eq!((status, answer["state"].as_str()), (200, Some("ABORTED")));
}

fn express(extra: Value) -> Value {
    let mut shipping = json!({"fixedOptions": [{"brand": "POSTEN", "type": "PICKUP_POINT", "isDefault": true,
        "options": [{"id": "pickup-1", "name": "Pick-up point", "amount": {"currency": "NOK", "value": 4900}, "isDefault": true}]}]});
    if let (Value::Object(shipping), Value::Object(extra)) = (&mut shipping, extra) {
        shipping.extend(extra);
    }
    json!({"profile": {"scope": "phoneNumber email address name"}, "shipping": shipping})
}

#[tokio::test]
async fn express_takes_its_exact_scope_and_one_kind_of_options_and_is_never_force_approved() {
    let api = api().await;
    let narrow = json!({"profile": {"scope": "name address"}, "shipping": express(json!({}))["shipping"]});
    assert_eq!(api.create_with("express-narrow", 1000, narrow).await.code(), Some("4080"));
    let both = express(json!({"dynamicOptions": {"callbackUrl": "https://shop.example/shipping"}}));
    assert_eq!(api.create_with("express-both", 1000, both).await.code(), Some("4140"));
    assert_eq!(api.create_with("express-1", 1000, express(json!({}))).await.status, 201);
    let forced = api.force_approve("express-1").await;
    assert_eq!((forced.status, forced.code()), (400, Some("10060")));
    let (status, _) = api.customer("express-1", "approve").await;
    assert_eq!(status, 200, "the customer approves in the app");
    let paid = api.get("express-1").await;
    assert_eq!(paid["shippingDetails"]["shippingOptionId"], "pickup-1");
    assert_eq!(paid["shippingDetails"]["address"]["country"], "NO");
    assert_eq!(paid["userDetails"]["email"], "ada.testesen@example.com");
    // allowedCountries: the first address in an allowed country; none is a failed approval.
    assert_eq!(api.create_with("express-dk", 1000, express(json!({"allowedCountries": ["DK"]}))).await.status, 201);
    assert_eq!(api.customer("express-dk", "approve").await.0, 200);
    assert_eq!(api.get("express-dk").await["shippingDetails"]["address"]["country"], "DK");
    assert_eq!(api.create_with("express-se", 1000, express(json!({"allowedCountries": ["SE"]}))).await.status, 201);
    let (status, refused) = api.customer("express-se", "approve").await;
    assert_eq!((status, refused["extraDetails"][0]["reason"].as_str()), (400, Some("10010")), "{refused}");
}

#[tokio::test]
async fn the_authorized_webhook_carries_the_guarantee_and_what_was_shared() {
    let receiver = common::receiver().await;
    let api = api().await;
    let events = vec!["epayments.payment.authorized.v1".to_owned()];
    api.sim.webhooks().register(epayment_sim::Scope::Every, &format!("{}/h", receiver.uri()), events).unwrap();
    assert_eq!(api.create_with("webhook-express", 1000, express(json!({}))).await.status, 201);
    assert_eq!(api.customer("webhook-express", "approve").await.0, 200);
    let delivered = api.sim.webhooks().wait_for(1).await;
    let body: Value = serde_json::from_slice(&delivered[0].body).unwrap();
    assert_eq!(body["captureGuaranteedUntil"], "2026-01-08T12:00:00Z");
    assert_eq!(body["shippingDetails"]["shippingOptionId"], "pickup-1");
    assert!(body["sub"].is_string() && body["userDetails"]["firstName"] == "Ada", "{body}");
    let problems = epayment_openapi::ApiDocument::epayment().check_component("WebhookEvent", &body);
    assert_eq!(problems, []);
}

#[tokio::test]
async fn numbers_for_the_reference_and_phone_number_are_taken_as_their_text() {
    let api = api().await;
    let body = json!({"amount": {"currency": "NOK", "value": 1000}, "paymentMethod": {"type": "WALLET"},
        "reference": 1234561701234567890u64, "userFlow": "PUSH_MESSAGE", "customer": {"phoneNumber": 4712345678u64}});
    let created = api.send(MSN, Method::POST, "/v1/payments", Some("numbers-1"), Some(body)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["reference"], "1234561701234567890", "answered as text");
    let approve = json!({"customer": {"phoneNumber": 4712345678u64}});
    let approved =
        api.send(MSN, Method::POST, "/v1/test/payments/1234561701234567890/approve", None, Some(approve)).await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    // Elsewhere a number for text is still refused, and the log keeps what was sent.
    let fraction = json!({"amount": {"currency": "NOK", "value": 1000}, "paymentMethod": {"type": "WALLET"},
        "reference": 12.5, "userFlow": "QR"});
    assert_eq!(api.send(MSN, Method::POST, "/v1/payments", Some("numbers-2"), Some(fraction)).await.status, 400);
    let logged = api.sim.exchanges().into_iter().find(|e| e.operation == "createPayment").unwrap();
    assert_eq!(logged.request.body.unwrap()["reference"], json!(1234561701234567890u64));
}

#[tokio::test]
async fn the_sandbox_acts_as_the_customer_over_http_with_the_merchants_credentials() {
    let api = api().await;
    for (reference, action, state) in [
        ("customer-act-1", "approve", "AUTHORIZED"),
        ("customer-act-2", "abort", "ABORTED"),
        ("customer-act-3", "expire", "EXPIRED"),
    ] {
        assert_eq!(api.create_with(reference, 1000, json!({})).await.status, 201);
        let (status, answer) = api.customer(reference, action).await;
        assert_eq!((status, answer["state"].as_str()), (200, Some(state)), "{action}: {answer}");
    }
    let (status, _) = api.customer("customer-act-1", "abort").await;
    assert_eq!(status, 400, "an authorized payment cannot be aborted");
    let no_token =
        api.http.post(format!("{}/sim/v1/payments/customer-act-1/approve", api.sim.uri())).send().await.unwrap();
    assert_eq!(no_token.status().as_u16(), 401);
}

#[tokio::test]
async fn a_sandbox_like_production_has_no_force_approve_and_no_test_amounts() {
    let api = api_with(Simulator::builder().like_production(true)).await;
    // 1.51 NOK fails on purpose in the test environment; production knows no such amount.
    assert_eq!(api.create_with("like-production-1", 151, json!({})).await.status, 201);
    let refused = api.force_approve("like-production-1").await;
    assert_eq!(refused.status, 404, "{:?}", refused.body);
    assert!(refused.body["detail"].as_str().is_some_and(|d| d.contains("production")), "{:?}", refused.body);
    assert_eq!(api.get("like-production-1").await["state"], "CREATED", "force approve changed nothing");
    // A person in the app (the customer endpoint) approves it.
    assert_eq!(api.customer("like-production-1", "approve").await.0, 200);
    assert_eq!(api.get("like-production-1").await["state"], "AUTHORIZED");
}
