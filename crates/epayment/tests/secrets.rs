//! Secrets stay out of Debug output, errors and logs; the tracing span tells what happened.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use epayment::Amount;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_in_logs_debug_or_errors_and_the_span_names_the_operation() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = server().await;
    Mock::given(method("POST"))
        .and(path(CAPTURE_PATH))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(CAPTURE_PATH))
        .respond_with(problem(400, 6090))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = client(&server);
    let key = epayment::IdempotencyKey::new("order-1234-c9").unwrap();
    let err = client.capture(&reference(), Amount::nok(250)).idempotency_key(key).await.unwrap_err();

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let shown = [format!("{client:?}"), format!("{err}"), format!("{err:?}"), logs.clone()];
    for text in &shown {
        for secret in [CLIENT_SECRET, SUBSCRIPTION_KEY, TOKEN] {
            assert!(!text.contains(secret), "{secret} leaked into: {text}");
        }
    }
    for field in [
        "operation=\"capturePayment\"",
        "reference=\"order-1234-abcd\"",
        "idempotency_key=\"order-1234-c9\"",
        "attempt=2",
        "status=400",
        "trace_id=\"trace-42\"",
    ] {
        assert!(logs.contains(field), "{field} missing from the span:\n{logs}");
    }
    assert!(logs.contains("retrying with the same idempotency key"), "{logs}");
}

#[tokio::test]
async fn a_server_that_repeats_a_secret_back_does_not_get_it_into_errors_or_logs() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    // A problem whose words echo what the request carried: key, secret and token.
    let echoed = format!("key {SUBSCRIPTION_KEY}, secret {CLIENT_SECRET}, token {TOKEN}");
    let echo = |status: u16| {
        ResponseTemplate::new(status).set_body_json(serde_json::json!({
            "type": format!("https://x/{SUBSCRIPTION_KEY}"), "title": echoed, "detail": echoed,
            "instance": echoed, "traceId": "t", "status": status,
            "extraDetails": [{"name": SUBSCRIPTION_KEY, "reason": echoed}],
        }))
    };
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(CAPTURE_PATH))
        .respond_with(echo(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).and(path(CAPTURE_PATH)).respond_with(echo(400)).with_priority(2).mount(&server).await;
    let err = client(&server).capture(&reference(), Amount::nok(250)).await.unwrap_err();

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("retrying"), "the 503 was logged: {logs}");
    for text in [format!("{err}"), format!("{err:?}"), logs] {
        for secret in [CLIENT_SECRET, SUBSCRIPTION_KEY, TOKEN] {
            assert!(!text.contains(secret), "{secret} leaked into: {text}");
        }
    }
    assert!(format!("{err:?}").contains("[REDACTED]"), "the words are kept, the secrets blanked: {err:?}");
}
