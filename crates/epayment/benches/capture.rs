//! The cost of the wrapper: a capture through `epayment` against a hand-written reqwest POST
//! with the same headers and body, side by side in one run, against the same local server.
//! Both decode the answer into the same generated type. The ratio goes in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use epayment::{Amount, Client, Environment, Reference, RetryPolicy};
use epayment_api::epayment::types::ModificationResponse;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn side_by_side(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    let nok = |value: i64| json!({"currency": "NOK", "value": value});
    let answer = json!({
        "amount": nok(1000), "state": "AUTHORIZED", "pspReference": "psp-1", "reference": "order-1234-abcd",
        "aggregate": {"authorizedAmount": nok(1000), "cancelledAmount": nok(0), "capturedAmount": nok(250), "refundedAmount": nok(0)},
    });
    let server = runtime.block_on(async {
        // No request log: it would grow through the run and slow whichever side runs second.
        let server = MockServer::builder().disable_request_recording().start().await;
        Mock::given(method("POST"))
            .and(path("/accesstoken/get"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "token_type": "Bearer", "expires_in": "3600", "ext_expires_in": "3600", "expires_on": "0",
                "not_before": "0", "resource": "r", "access_token": "bench-token",
            })))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/epayment/v1/payments/order-1234-abcd/capture"))
            .respond_with(ResponseTemplate::new(200).set_body_json(answer))
            .mount(&server)
            .await;
        server
    });
    let http = reqwest::Client::new();
    let client = Client::builder()
        .environment(Environment::Custom(server.uri()))
        .credentials("id", "secret", "subscription")
        .merchant_serial_number("123456")
        .system("bench", "1.0")
        .retry(RetryPolicy::none())
        .http_client(http.clone())
        .build()
        .expect("client");
    let reference = Reference::new("order-1234-abcd").expect("reference");
    // Warm the token cache and the connection pool for both.
    runtime.block_on(client.capture(&reference, Amount::nok(250)).send()).expect("warm-up capture");
    let url = format!("{}/epayment/v1/payments/order-1234-abcd/capture", server.uri());

    let mut group = c.benchmark_group("capture");
    group.bench_function("epayment client", |b| {
        b.iter(|| runtime.block_on(client.capture(&reference, Amount::nok(250)).send()).expect("capture"))
    });
    group.bench_function("hand-written reqwest", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let response = http
                    .post(&url)
                    .header("authorization", "Bearer bench-token")
                    .header("ocp-apim-subscription-key", "subscription")
                    .header("merchant-serial-number", "123456")
                    .header("idempotency-key", uuid::Uuid::new_v4().to_string())
                    .header("vipps-system-name", "bench")
                    .header("vipps-system-version", "1.0")
                    .json(&json!({"modificationAmount": {"currency": "NOK", "value": 250}}))
                    .send()
                    .await
                    .expect("send");
                response.json::<ModificationResponse>().await.expect("decode")
            })
        })
    });
    group.finish();
}

criterion_group!(benches, side_by_side);
criterion_main!(benches);
