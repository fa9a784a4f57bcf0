//! The simulator over HTTP, driven by plain reqwest (never the `epayment` client, so that a
//! client bug cannot hide a simulator bug).

use std::time::Duration;

mod common;

use common::MSN;
use epayment_openapi::ApiDocument;
use epayment_sim::{Endpoint, Limits, LostAnswer, Simulator};
use reqwest::Method;
use serde_json::{Value, json};

const REF: &str = "order-1234-abcd";

struct Api {
    sim: Simulator,
    http: reqwest::Client,
    token: String,
}

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Option<Value>,
}

impl Reply {
    fn code(&self) -> Option<String> {
        let details = self.body.as_ref()?.get("extraDetails")?.as_array()?;
        details.iter().find(|d| d["name"] == "ErrorCode").and_then(|d| d["reason"].as_str()).map(str::to_owned)
    }

    fn fields(&self) -> Vec<String> {
        let details = self.body.as_ref().and_then(|b| b.get("extraDetails")).and_then(Value::as_array);
        details.into_iter().flatten().filter_map(|d| d["name"].as_str()).map(str::to_owned).collect()
    }
}

async fn api_with(sim: Simulator) -> Api {
    let http = reqwest::Client::new();
    let token = common::token(&sim, &http).await;
    Api { sim, http, token }
}

/// A simulator without rate limits: these tests pin other rules, with more than five calls a
/// minute on one payment; `tests/time.rs` pins the limits.
async fn api() -> Api {
    api_with(Simulator::builder().rate_limits(false).start().await).await
}

impl Api {
    async fn send(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<Value>,
    ) -> Result<Reply, reqwest::Error> {
        let url = format!("{}{path}", self.sim.epayment_url());
        let mut request = common::authorized(&self.sim, &self.token, self.http.request(method, url));
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await?;
        Ok(Reply { status, headers, body: serde_json::from_slice(&bytes).ok() })
    }

    async fn call(&self, method: Method, path: &str, key: Option<&str>, body: Option<Value>) -> Reply {
        self.send(method, path, key, body).await.expect("an answer")
    }

    async fn create(&self, reference: &str, value: i64) -> Reply {
        let body = json!({"amount": {"currency": "NOK", "value": value}, "paymentMethod": {"type": "WALLET"},
            "reference": reference, "userFlow": "WEB_REDIRECT", "returnUrl": "https://shop.example/r"});
        self.call(Method::POST, "/v1/payments", Some(&format!("create-{reference}")), Some(body)).await
    }

    async fn authorized(&self, reference: &str, value: i64) {
        assert_eq!(self.create(reference, value).await.status, 201);
        let approve = self
            .call(
                Method::POST,
                &format!("/v1/test/payments/{reference}/approve"),
                None,
                Some(json!({"customer": {"phoneNumber": "4712345678"}})),
            )
            .await;
        assert_eq!(approve.status, 200);
    }

    async fn capture(&self, key: &str, value: i64) -> Reply {
        self.call(
            Method::POST,
            &format!("/v1/payments/{REF}/capture"),
            Some(key),
            Some(json!({"modificationAmount": {"currency": "NOK", "value": value}})),
        )
        .await
    }

    async fn captured(&self) -> i64 {
        let p = self.call(Method::GET, &format!("/v1/payments/{REF}"), None, None).await;
        p.body.unwrap()["aggregate"]["capturedAmount"]["value"].as_i64().unwrap()
    }
}

#[tokio::test]
async fn a_whole_flow_answers_as_the_document_says() {
    let api = api().await;
    api.authorized(REF, 1000).await;
    assert_eq!(api.capture("c1", 250).await.status, 200);
    let refund = api
        .call(
            Method::POST,
            &format!("/v1/payments/{REF}/refund"),
            Some("r1"),
            Some(json!({"modificationAmount": {"currency": "NOK", "value": 100}})),
        )
        .await;
    assert_eq!(refund.status, 200);
    let cancel = api.call(Method::POST, &format!("/v1/payments/{REF}/cancel"), Some("x1"), None).await;
    assert_eq!(cancel.status, 200);
    let aggregate = &cancel.body.as_ref().unwrap()["aggregate"];
    assert_eq!(aggregate["cancelledAmount"]["value"], 750);
    assert_eq!(aggregate["refundedAmount"]["value"], 100);
    assert_eq!(api.capture("c2", 1).await.code().as_deref(), Some("6070"));
    let events = api.call(Method::GET, &format!("/v1/payments/{REF}/events"), None, None).await;
    assert_eq!(events.body.unwrap().as_array().unwrap().len(), 5);
    assert_eq!(api.call(Method::GET, "/v1/payments/order-0000-none", None, None).await.status, 404);

    // Every answer the simulator sent fits the document.
    let document = ApiDocument::epayment();
    let exchanges = api.sim.exchanges();
    assert!(exchanges.len() >= 9);
    for e in exchanges.iter().filter(|e| e.operation != "fetchAuthorizationTokenUsingPost") {
        let op = document.operation(&e.operation).unwrap_or_else(|| panic!("{} is not an operation", e.operation));
        let violations = document.check_response(op, e.response.status, e.response.body.as_ref());
        assert!(violations.is_empty(), "{} {}: {violations:?}", e.operation, e.response.status);
    }
}

#[tokio::test]
async fn a_missing_wrong_or_expired_token_is_401() {
    let api = api().await;
    api.authorized(REF, 1000).await;
    let path = format!("{}/v1/payments/{REF}", api.sim.epayment_url());
    let key = api.sim.credentials().subscription_key;
    let status = |r: reqwest::Response| r.status().as_u16();
    let no_token = api
        .http
        .get(&path)
        .header("Ocp-Apim-Subscription-Key", &key)
        .header("Merchant-Serial-Number", MSN)
        .send()
        .await
        .unwrap();
    assert_eq!(status(no_token), 401);
    let wrong = api
        .http
        .get(&path)
        .header("Authorization", "Bearer forged")
        .header("Ocp-Apim-Subscription-Key", &key)
        .header("Merchant-Serial-Number", MSN)
        .send()
        .await
        .unwrap();
    assert_eq!(status(wrong), 401);
    let wrong_key = api
        .http
        .get(&path)
        .header("Authorization", format!("Bearer {}", api.token))
        .header("Ocp-Apim-Subscription-Key", "nope")
        .header("Merchant-Serial-Number", MSN)
        .send()
        .await
        .unwrap();
    assert_eq!(status(wrong_key), 401);
    assert_eq!(api.call(Method::GET, &format!("/v1/payments/{REF}"), None, None).await.status, 200);
    api.sim.expire_tokens();
    assert_eq!(api.call(Method::GET, &format!("/v1/payments/{REF}"), None, None).await.status, 401);
    let bad_secret = api
        .http
        .post(format!("{}/accesstoken/get", api.sim.uri()))
        .header("client_id", "sim-client-id")
        .header("client_secret", "wrong")
        .header("Ocp-Apim-Subscription-Key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(status(bad_secret), 401);
}

#[tokio::test]
async fn requests_that_break_the_document_are_400_naming_each_field() {
    let api = api().await;
    api.authorized(REF, 1000).await;
    let bad_body = api.capture("c1", -5).await;
    assert_eq!(bad_body.status, 400);
    assert!(bad_body.fields().contains(&"modificationAmount.value".to_owned()), "{:?}", bad_body.fields());
    assert_eq!(bad_body.code(), None);
    let bad_currency = api
        .call(
            Method::POST,
            &format!("/v1/payments/{REF}/capture"),
            Some("c2"),
            Some(json!({"modificationAmount": {"currency": "XYZ", "value": 5}})),
        )
        .await;
    assert!(bad_currency.fields().contains(&"modificationAmount.currency".to_owned()), "{:?}", bad_currency.fields());
    let no_key = api
        .call(
            Method::POST,
            &format!("/v1/payments/{REF}/capture"),
            None,
            Some(json!({"modificationAmount": {"currency": "NOK", "value": 5}})),
        )
        .await;
    assert!(no_key.fields().contains(&"Idempotency-Key".to_owned()), "{:?}", no_key.fields());
    let short_ref = api.call(Method::GET, "/v1/payments/short", None, None).await;
    assert!(short_ref.fields().contains(&"Reference".to_owned()), "{:?}", short_ref.fields());
    let not_json = common::authorized(
        &api.sim,
        &api.token,
        api.http.post(format!("{}/v1/payments/{REF}/capture", api.sim.epayment_url())),
    )
    .header("Ocp-Apim-Subscription-Key", api.sim.credentials().subscription_key)
    .header("Merchant-Serial-Number", MSN)
    .header("Idempotency-Key", "c3")
    .body("{not json")
    .send()
    .await
    .unwrap();
    assert_eq!(not_json.status().as_u16(), 400);
    assert_eq!(api.captured().await, 0, "nothing was applied");
}

#[tokio::test]
async fn the_same_key_replays_and_another_body_is_409() {
    let api = api().await;
    api.authorized(REF, 1000).await;
    let first = api.capture("order-1-c1", 250).await;
    let again = api.capture("order-1-c1", 250).await;
    assert_eq!((first.status, again.status), (200, 200));
    assert_eq!(first.body, again.body);
    assert_eq!(api.captured().await, 250);
    let conflict = api.capture("order-1-c1", 300).await;
    assert_eq!((conflict.status, conflict.code().as_deref()), (409, Some("4010")));
    assert_eq!(api.captured().await, 250);
}

#[tokio::test]
async fn injected_failures_apply_nothing_and_lost_answers_are_replayed() {
    let api = api().await;
    api.authorized(REF, 1000).await;
    api.sim.fail_next(Endpoint::Capture, 2, 503);
    assert_eq!(api.capture("k1", 100).await.status, 503);
    assert_eq!(api.capture("k1", 100).await.status, 503);
    assert_eq!(api.captured().await, 0);
    assert_eq!(api.capture("k1", 100).await.status, 200);

    api.sim.inject(Endpoint::Capture, epayment_sim::Fault::Fail { status: 429, retry_after: Some(3) }, 1);
    let limited = api.capture("k2", 100).await;
    assert_eq!((limited.status, limited.headers["retry-after"].to_str().unwrap()), (429, "3"));

    api.sim.lose_next(Endpoint::Capture, LostAnswer::ServerError);
    assert_eq!(api.capture("k3", 100).await.status, 500);
    assert_eq!(api.captured().await, 200, "applied before the answer was lost");
    let retry = api.capture("k3", 100).await;
    assert_eq!(retry.status, 200);
    assert_eq!(api.captured().await, 200, "the retry was replayed, not applied again");

    api.sim.lose_next(Endpoint::Capture, LostAnswer::DroppedConnection);
    assert!(
        api.send(
            Method::POST,
            &format!("/v1/payments/{REF}/capture"),
            Some("k4"),
            Some(json!({"modificationAmount": {"currency": "NOK", "value": 100}}))
        )
        .await
        .is_err()
    );
    assert_eq!(api.captured().await, 300);
    assert_eq!(api.capture("k4", 100).await.status, 200);
    assert_eq!(api.captured().await, 300);

    api.sim.inject(Endpoint::Get, epayment_sim::Fault::Delay(Duration::from_millis(200)), 1);
    let started = std::time::Instant::now();
    assert_eq!(api.captured().await, 300);
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn a_full_capture_only_sales_unit_refuses_part_captures() {
    let api = api().await;
    api.authorized(REF, 1000).await;
    api.sim.update_sales_unit(MSN, |unit| unit.full_capture_only(true));
    assert_eq!(api.capture("k1", 250).await.code().as_deref(), Some("6140"));
    assert_eq!(api.capture("k2", 1000).await.status, 200);
}

#[tokio::test]
async fn calls_no_route_serves_are_404_problems_recorded_as_unexpected() {
    let api = api().await;
    let reply = api.call(Method::GET, "/v2/nothing-here", None, None).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.body.unwrap()["status"], 404);
    let unexpected = api.sim.unexpected();
    assert_eq!(unexpected.len(), 1);
    assert_eq!(unexpected[0].request.path, "/epayment/v2/nothing-here");
}

#[tokio::test]
async fn the_recording_is_ordered_and_bounded() {
    let api = api_with(
        Simulator::builder().rate_limits(false).limits(Limits { record_limit: 3, ..Limits::default() }).start().await,
    )
    .await;
    api.authorized(REF, 1000).await;
    api.capture("k1", 1).await;
    let kept = api.sim.exchanges();
    let ops: Vec<_> = kept.iter().map(|e| e.operation.as_str()).collect();
    assert_eq!(ops, ["createPayment", "forceApprove", "capturePayment"]);
    assert_eq!(api.sim.dropped_exchanges(), 1, "the token call was dropped");
    assert_eq!(kept[2].request.headers["idempotency-key"], "k1");
    assert_eq!(kept[2].response.status, 200);
}

#[tokio::test]
async fn webhooks_are_signed_delivered_in_order_and_retried() {
    let receiver = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(wiremock::ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&receiver)
        .await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(wiremock::ResponseTemplate::new(200))
        .with_priority(2)
        .mount(&receiver)
        .await;
    let sim = Simulator::builder().rate_limits(false).webhook_retries(3, Duration::from_millis(10)).start().await;
    let api = api_with(sim).await;
    let registered = common::authorized(&api.sim, &api.token, api.http.post(format!("{}/webhooks/v1/webhooks", api.sim.uri())))
        .json(&json!({"url": format!("{}/hooks?shop=1", receiver.uri()), "events": ["epayments.payment.captured.v1", "epayments.payment.authorized.v1"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status().as_u16(), 201);
    let registered: Value = registered.json().await.unwrap();
    let secret = registered["secret"].as_str().unwrap().to_owned();

    api.authorized(REF, 1000).await;
    api.capture("k1", 250).await;
    let deliveries = api.sim.webhooks().wait_for(2).await;
    assert_eq!(deliveries[0].event_type, "epayments.payment.authorized.v1");
    assert_eq!((deliveries[0].attempts, deliveries[0].delivered), (2, true), "retried after the 500");
    assert_eq!(deliveries[1].event_type, "epayments.payment.captured.v1");

    let received = receiver.received_requests().await.unwrap();
    let last = received.last().unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    for (name, value) in &last.headers {
        headers.append(name.clone(), value.clone());
    }
    let event = epayment_webhooks::Verifier::new(secret)
        .verify("POST", "/hooks?shop=1", &headers, &last.body, std::time::SystemTime::now())
        .expect("a valid signature");
    assert_eq!(event.event_type(), "epayments.payment.captured.v1");
    assert_eq!(event.amount, epayment_webhooks::EventAmount { currency: "NOK".into(), value: 250 });
    assert_eq!(event.msn, MSN);

    let list: Value =
        common::authorized(&api.sim, &api.token, api.http.get(format!("{}/webhooks/v1/webhooks", api.sim.uri())))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(list["webhooks"].as_array().unwrap().len(), 1);
    assert!(list.to_string().find(&registered["secret"].as_str().unwrap()[..16]).is_none(), "the secret is shown once");
    let id = registered["id"].as_str().unwrap();
    let deleted = common::authorized(
        &api.sim,
        &api.token,
        api.http.delete(format!("{}/webhooks/v1/webhooks/{id}", api.sim.uri())),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(deleted.status().as_u16(), 204);
}

#[tokio::test]
async fn a_simulator_on_a_chosen_listener_serves_faults_replays_and_recording() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let sandbox = Simulator::builder().rate_limits(false).serve(listener).unwrap();
    assert_eq!(sandbox.addr(), addr);
    let api = api_with(sandbox).await;
    api.authorized(REF, 1000).await;
    assert_eq!(api.capture("k1", 100).await.status, 200);
    assert_eq!(api.capture("k1", 100).await.status, 200, "replayed");
    assert_eq!(api.capture("k1", 200).await.status, 409);
    api.sim.lose_next(Endpoint::Capture, LostAnswer::DroppedConnection);
    let body = json!({"modificationAmount": {"currency": "NOK", "value": 100}});
    assert!(api.send(Method::POST, &format!("/v1/payments/{REF}/capture"), Some("k2"), Some(body)).await.is_err());
    assert_eq!(api.captured().await, 200, "applied before the connection dropped");
    assert_eq!(api.capture("k2", 100).await.status, 200);
    assert_eq!(api.captured().await, 200);
    api.sim.fail_next(Endpoint::Get, 1, 503);
    assert_eq!(api.call(Method::GET, &format!("/v1/payments/{REF}"), None, None).await.status, 503);
    assert_eq!(api.call(Method::GET, "/v2/nothing", None, None).await.status, 404);
    assert_eq!(api.sim.unexpected().len(), 1);
    let ops: Vec<_> = api.sim.exchanges().iter().map(|e| e.operation.clone()).collect();
    assert_eq!(ops.iter().filter(|o| *o == "capturePayment").count(), 5);
}

#[tokio::test]
async fn another_method_on_an_operations_path_is_405_with_allow() {
    let api = api().await;
    let reply = api.call(Method::DELETE, &format!("/v1/payments/{REF}/capture"), None, None).await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.headers["allow"], "POST");
    assert_eq!(api.sim.unexpected().len(), 1);
}
