//! Arbitrary requests against the core: always an answer, never a 5xx, every refusal a
//! problem document that fits the schema.

use bytes::Bytes;
use epayment_openapi::ApiDocument;
use proptest::prelude::*;

use super::tenants::{TenantState, Tenants};
use super::{ExchangeLog, Outcome, SimulatedApi};
use crate::delivery::{RetrySchedule, WebhookDispatcher};
use crate::limits::Limits;
use crate::model::{Config, Model};

fn api() -> (SimulatedApi, String, tokio::runtime::Runtime) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let webhooks = {
        let _entered = runtime.enter();
        WebhookDispatcher::new(1, RetrySchedule::Api, crate::clock::Clock::system())
    };
    let tenant = TenantState::new(None, Model::new(Config::default()), webhooks);
    let tenants = Tenants::new(vec![tenant]).expect("one tenant");
    let api = SimulatedApi::new(
        ApiDocument::epayment().clone(),
        tenants,
        ExchangeLog::new(&Limits { record_limit: 100, record_bytes: 1 << 20, ..Limits::default() }),
    );
    let token = api.with_model(|m| {
        let c = m.credentials().clone();
        m.issue_token(Some(&c.client_id), Some(&c.client_secret), Some(&c.subscription_key))
    });
    (api, token.expect("a token").access_token, runtime)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

    /// Whatever comes in, the answer is a success or a problem document that fits the
    /// document's Problem schema, and never a 5xx (no fault was injected).
    #[test]
    fn every_request_gets_an_answer_or_a_problem(
        method in "(GET|POST|PUT|DELETE|PATCH)",
        path in prop_oneof![
            "/epayment/v1/payments(/[a-zA-Z0-9%_-]{0,70}(/(capture|refund|cancel|events|approve|x)))?",
            "/epayment/v1/test/payments/[a-zA-Z0-9-]{0,70}/approve",
            "/[a-z/]{0,30}",
            "/accesstoken/get",
            "/webhooks/v1/webhooks(/[a-z0-9-]{0,10})?",
            "/sim/v1/clock(/advance)?",
        ],
        authorized in any::<bool>(),
        headers in prop::collection::vec(("(merchant-serial-number|idempotency-key|ocp-apim-subscription-key|vipps-system-name|content-type)", "[ -~]{0,60}"), 0..6),
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..120),
            Just(br#"{"modificationAmount":{"currency":"NOK","value":100}}"#.to_vec()),
            Just(br#"{"amount":{"currency":"NOK","value":1000},"paymentMethod":{"type":"WALLET"},"reference":"fuzz-order-0001","userFlow":"QR"}"#.to_vec()),
            Just(br#"{"cancelTransactionOnly":"yes"}"#.to_vec()),
            (prop::sample::select(vec!["seconds", "minutes", "hours", "days"]), any::<u64>())
                .prop_map(|(unit, n)| format!(r#"{{"{unit}":{n}}}"#).into_bytes()),
        ],
    ) {
        let (api, token, _runtime) = api();
        let mut request = http::Request::builder().method(method.as_str()).uri(path.as_str());
        if authorized {
            request = request.header("authorization", format!("Bearer {token}"));
            request = request.header("ocp-apim-subscription-key", "sim-subscription-key");
            request = request.header("merchant-serial-number", "123456");
        }
        for (name, value) in &headers {
            if let (Ok(n), Ok(v)) = (http::HeaderName::from_bytes(name.as_bytes()), http::HeaderValue::from_str(value)) {
                request = request.header(n, v);
            }
        }
        let Ok(request) = request.body(Bytes::from(body)) else { return Ok(()) };
        let Outcome::Respond(answer) = api.answer(&request) else {
            return Err(TestCaseError::fail("no fault was injected"));
        };
        prop_assert!(answer.status < 500, "{} for {} {}", answer.status, request.method(), request.uri());
        if answer.status >= 400 {
            let body: serde_json::Value = serde_json::from_slice(&answer.body.expect("a problem body")).expect("JSON");
            let violations = ApiDocument::epayment().check_component("Problem", &body);
            prop_assert!(violations.is_empty(), "{violations:?}: {body}");
        }
    }
}
