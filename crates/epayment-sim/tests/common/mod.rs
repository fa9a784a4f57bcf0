//! What the simulator's HTTP tests and benchmarks share: a token from the simulator's own
//! access-token endpoint, and the headers every ePayment call carries.

#![allow(dead_code)] // Each test binary uses its own part of this.

use epayment_sim::Simulator;
use serde_json::Value;

/// The merchant serial number the tests act as.
pub const MSN: &str = "123456";

/// A bearer token from `POST /accesstoken/get` with the simulator's keys.
pub async fn token(sim: &Simulator, http: &reqwest::Client) -> String {
    let c = sim.credentials();
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
