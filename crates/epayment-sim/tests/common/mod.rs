//! What the simulator's HTTP tests and benchmarks share: a token from the simulator's own
//! access-token endpoint, and the headers every ePayment call carries.

#![allow(dead_code)] // Each test binary uses its own part of this.

use epayment_sim::Simulator;
use serde_json::Value;

/// The merchant serial number the tests act as.
pub const MSN: &str = "123456";

/// A bearer token from `POST /accesstoken/get` with the simulator's keys.
pub async fn token(sim: &Simulator, http: &reqwest::Client) -> String {
    token_for(sim, http, &sim.credentials()).await
}

/// A bearer token from `POST /accesstoken/get` with the keys `c` (a tenant's, say).
pub async fn token_for(sim: &Simulator, http: &reqwest::Client, c: &epayment_sim::TestCredentials) -> String {
    let answer: Value = http
        .post(format!("{}/accesstoken/get", sim.uri()))
        .header("client_id", &c.client_id)
        .header("client_secret", &c.client_secret)
        .header("Ocp-Apim-Subscription-Key", &c.subscription_key)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("a token")
        .json()
        .await
        .expect("a token body");
    answer["access_token"].as_str().expect("access_token").to_owned()
}

/// `request` with the bearer token, the subscription key and the merchant serial number.
pub fn authorized(sim: &Simulator, token: &str, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    authorized_as(sim, token, MSN, request)
}

/// `request` as [`authorized`] makes it, for the sales unit `msn`.
pub fn authorized_as(
    sim: &Simulator,
    token: &str,
    msn: &str,
    request: reqwest::RequestBuilder,
) -> reqwest::RequestBuilder {
    request
        .header("Authorization", format!("Bearer {token}"))
        .header("Ocp-Apim-Subscription-Key", sim.credentials().subscription_key)
        .header("Merchant-Serial-Number", msn)
}

/// A simulator with a token, for tests that speak HTTP to it.
pub struct Api {
    /// The simulator.
    pub sim: Simulator,
    /// A plain HTTP client (never the `epayment` client: a client bug must not hide a
    /// simulator bug).
    pub http: reqwest::Client,
    /// A bearer token from the simulator.
    pub token: String,
}

/// An answer, its body parsed as JSON (`Null` when it is not).
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// `Retry-After`, if the answer had one.
    pub retry_after: Option<String>,
    /// The body.
    pub body: Value,
}

impl Reply {
    /// The `ErrorCode` of a problem document.
    pub fn code(&self) -> Option<&str> {
        let details = self.body.get("extraDetails")?.as_array()?;
        details.iter().find(|d| d["name"] == "ErrorCode").and_then(|d| d["reason"].as_str())
    }
}

impl Api {
    /// A token for `sim`.
    pub async fn on(sim: Simulator) -> Self {
        let http = reqwest::Client::new();
        let token = token(&sim, &http).await;
        Self { sim, http, token }
    }

    /// Sends `method path` (below the ePayment base) as sales unit `msn`.
    pub async fn send(
        &self,
        msn: &str,
        method: reqwest::Method,
        path: &str,
        key: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let url = format!("{}{path}", self.sim.epayment_url());
        let mut request = authorized_as(&self.sim, &self.token, msn, self.http.request(method, url));
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = request.send().await.expect("an answer");
        let status = answer.status().as_u16();
        let retry_after = answer.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let bytes = answer.bytes().await.expect("a body");
        Reply { status, retry_after, body: serde_json::from_slice(&bytes).unwrap_or(Value::Null) }
    }

    /// Creates a payment of 10.00 NOK as sales unit `msn`, and approves it as the customer.
    pub async fn create_authorized_as(&self, msn: &str, reference: &str) {
        let body = serde_json::json!({"amount": {"currency": "NOK", "value": 1000},
            "paymentMethod": {"type": "WALLET"}, "reference": reference, "userFlow": "QR"});
        let key = format!("create-{reference}");
        let created = self.send(msn, reqwest::Method::POST, "/v1/payments", Some(&key), Some(body)).await;
        assert_eq!(created.status, 201, "{}", created.body);
        self.sim.approve(msn, reference).expect("approved");
    }

    /// [`Api::create_authorized_as`] for [`MSN`].
    pub async fn create_authorized(&self, reference: &str) {
        self.create_authorized_as(MSN, reference).await;
    }

    /// Captures `value` øre of `reference` as sales unit `msn`, with Idempotency-Key `key`.
    pub async fn capture_as(&self, msn: &str, reference: &str, key: &str, value: i64) -> Reply {
        let body = serde_json::json!({"modificationAmount": {"currency": "NOK", "value": value}});
        self.send(msn, reqwest::Method::POST, &format!("/v1/payments/{reference}/capture"), Some(key), Some(body)).await
    }
}

/// A webhook receiver that answers every POST with 200.
pub async fn receiver() -> wiremock::MockServer {
    let receiver = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(wiremock::ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    receiver
}
