//! Errors: problem documents decoded leniently, bad answers reported, bad input never sent.

mod common;

use common::*;
use epayment::{Amount, Client, Currency, Environment, Error, ErrorCode, IdempotencyKey, Reference, UserFlow};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn capture_answers(answer: ResponseTemplate) -> Error {
    let server = server().await;
    Mock::given(method("POST")).and(path(CAPTURE_PATH)).respond_with(answer).mount(&server).await;
    let client = builder(&server).retry(epayment::RetryPolicy::none()).build().unwrap();
    client.capture(&reference(), Amount::nok(250)).await.unwrap_err()
}

#[tokio::test]
async fn a_problem_document_becomes_a_typed_problem() {
    let err = capture_answers(problem(400, 6090)).await;
    let p = err.problem().expect("an API error");
    assert_eq!(p.status, 400);
    assert_eq!(p.code, Some(ErrorCode::CaptureAmountTooHigh));
    assert_eq!(p.trace_id.as_deref(), Some("trace-42"));
    assert_eq!(p.detail.as_deref(), Some("refused for the test"));
    let shown = err.to_string();
    assert!(shown.contains("6090") && shown.contains("trace-42"), "{shown}");
}

#[tokio::test]
async fn validation_problems_name_the_fields() {
    let body = serde_json::json!({
        "type": "about:blank", "title": "Bad Request", "status": 400, "traceId": "t",
        "extraDetails": [{"name": "modificationAmount.value", "reason": "must be at least 0"}]
    });
    let err = capture_answers(ResponseTemplate::new(400).set_body_json(body)).await;
    let p = err.problem().unwrap();
    assert_eq!(p.code, None);
    assert_eq!(p.field_errors[0].name, "modificationAmount.value");
    assert!(err.to_string().contains("modificationAmount.value: must be at least 0"), "{err}");
}

#[tokio::test]
async fn error_bodies_that_are_garbage_empty_or_not_json_keep_the_status() {
    for answer in [
        ResponseTemplate::new(400),
        ResponseTemplate::new(400).set_body_string("<html>Bad gateway</html>"),
        ResponseTemplate::new(404).set_body_string("{\"truncated"),
        ResponseTemplate::new(409).set_body_bytes(vec![0xff, 0x00, 0xfe]),
        ResponseTemplate::new(403).set_body_json(serde_json::json!({"unexpected": [1, 2]})),
        ResponseTemplate::new(418).set_body_string("teapot"),
    ] {
        let err = capture_answers(answer).await;
        assert!(matches!(err, Error::Api(_)), "{err}");
        assert!(!err.is_retryable());
        assert!(err.status().is_some());
    }
}

#[tokio::test]
async fn an_undecodable_success_says_it_may_have_been_applied() {
    let err = capture_answers(ResponseTemplate::new(200).set_body_string("{\"amount\": oops")).await;
    match &err {
        Error::Decode { operation, status, body, .. } => {
            assert_eq!((*operation, *status), ("capturePayment", 200));
            assert!(body.contains("oops"), "{body}");
        }
        other => panic!("expected a decode error, got {other}"),
    }
    let long = "x".repeat(10_000);
    let err = capture_answers(ResponseTemplate::new(200).set_body_string(long)).await;
    let Error::Decode { body, .. } = &err else { panic!("{err}") };
    assert!(body.len() < 600, "the body is cut short: {} bytes", body.len());
}

#[tokio::test]
async fn an_answer_in_an_unknown_currency_still_decodes() {
    let mut answer = adjustment(250);
    for field in ["authorizedAmount", "cancelledAmount", "capturedAmount", "refundedAmount"] {
        answer["aggregate"][field]["currency"] = "ISK".into();
    }
    answer["amount"]["currency"] = "ISK".into();
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(CAPTURE_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(&server)
        .await;
    let done = client(&server).capture(&reference(), Amount::nok(250)).await.unwrap();
    assert_eq!(done.aggregate.captured.currency(), &Currency::Other("ISK".into()));
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    let client = client(&server);
    let r = reference();
    let errors = [
        client.capture(&r, Amount::nok(65_000_001)).await.unwrap_err(),
        client.capture(&r, Amount::nok(-1)).await.unwrap_err(),
        client.refund(&r, Amount::zero(Currency::Other("ISK".into()))).await.unwrap_err(),
        client.create_payment(&r, Amount::nok(1000)).user_flow(UserFlow::PushMessage).await.unwrap_err(),
        client.create_payment(&r, Amount::nok(1000)).await.unwrap_err(),
        client
            .create_payment(&r, Amount::nok(1000))
            .return_url("https://x.example")
            .description("ab")
            .await
            .unwrap_err(),
        client
            .create_payment(&r, Amount::nok(1000))
            .return_url("https://x.example")
            .customer_phone("12ab")
            .await
            .unwrap_err(),
        client.force_approve(&r, "not-a-phone").await.unwrap_err(),
    ];
    for err in &errors {
        assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    }
    assert!(Reference::new("short").is_err());
    assert!(IdempotencyKey::new("k".repeat(51)).is_err());
    let production = Client::builder()
        .environment(Environment::Production)
        .credentials("id", "secret", "key")
        .merchant_serial_number(MSN)
        .build()
        .unwrap();
    let err = production.force_approve(&r, "4712345678").await.unwrap_err();
    assert!(err.to_string().contains("test environment"), "{err}");
    assert!(server.received_requests().await.unwrap_or_default().is_empty(), "nothing may be sent");
}
