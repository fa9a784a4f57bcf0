//! The two sides of the capture benchmarks, against one local server: a capture through
//! `epayment`, and a hand-written reqwest POST with the same headers and body (with or without
//! the two the generated client adds). All decode the answer into the same generated type.

use epayment::{Adjustment, Amount, Client, Environment, Reference, RetryPolicy};
use epayment_api::epayment::types::ModificationResponse;
use epayment_api::epayment::{self as api, ClientInfo as _};
use serde_json::json;
use tokio::runtime::Runtime;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A local server answering the token and the capture, a client for it, and the runtime both
/// sides run on. The token is cached and the connection pool warm.
pub struct Capture {
    runtime: Runtime,
    _server: MockServer,
    http: reqwest::Client,
    client: Client,
    reference: Reference,
    url: String,
}

impl Capture {
    pub fn new() -> Self {
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
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
        let url = format!("{}/epayment/v1/payments/order-1234-abcd/capture", server.uri());
        let capture = Self { runtime, _server: server, http, client, reference, url };
        // Warm the token cache and the connection pool for both.
        capture.through_the_client();
        capture
    }

    /// One capture through `epayment`.
    pub fn through_the_client(&self) -> Adjustment {
        let capture = self.client.capture(&self.reference, Amount::nok(250)).send();
        self.runtime.block_on(capture).expect("capture")
    }

    /// One hand-written capture: the headers Vipps documents and the body, decoded into the
    /// same type.
    pub fn by_hand(&self) -> ModificationResponse {
        self.hand_written(&[])
    }

    /// The same, also sending the two headers the generated client adds to every request
    /// (`accept`, and progenitor's `api-version`): the same bytes as the client sends.
    pub fn by_hand_with_the_generated_headers(&self) -> ModificationResponse {
        self.hand_written(&[("accept", "application/json"), ("api-version", api::Client::api_version())])
    }

    fn hand_written(&self, extra: &[(&'static str, &'static str)]) -> ModificationResponse {
        self.runtime.block_on(async {
            let mut request = self
                .http
                .post(&self.url)
                .header("authorization", "Bearer bench-token")
                .header("ocp-apim-subscription-key", "subscription")
                .header("merchant-serial-number", "123456")
                .header("idempotency-key", uuid::Uuid::new_v4().to_string())
                .header("vipps-system-name", "bench")
                .header("vipps-system-version", "1.0");
            for (name, value) in extra {
                request = request.header(*name, *value);
            }
            let body = json!({"modificationAmount": {"currency": "NOK", "value": 250}});
            let response = request.json(&body).send().await.expect("send");
            response.json::<ModificationResponse>().await.expect("decode")
        })
    }
}
