//! Secrets stay out of Debug output, errors (and the errors in their source chains) and logs;
//! the tracing span tells what happened.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use epayment::{Amount, Client, Environment, Error, RetryPolicy};
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

/// The errors of `error`'s source chain, itself first.
fn chain<'a>(error: &'a (dyn std::error::Error + 'static)) -> Vec<&'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(error), |e| e.source()).collect()
}

#[tokio::test]
async fn a_refused_connection_keeps_its_causes_and_a_url_that_held_keys_shows_none() {
    // Nothing listens on this port, and the host root's path quotes the keys, as a careless
    // configuration might: reqwest's error names the URL it failed to send to.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let client = Client::builder()
        .environment(Environment::Custom(format!("http://127.0.0.1:{port}/{SUBSCRIPTION_KEY}/{CLIENT_SECRET}")))
        .credentials(CLIENT_ID, CLIENT_SECRET, SUBSCRIPTION_KEY)
        .merchant_serial_number(MSN)
        .retry(RetryPolicy::default().max_attempts(2).initial_backoff(std::time::Duration::from_millis(1)))
        .build()
        .unwrap();
    let err = client.capture(&reference(), Amount::nok(250)).await.unwrap_err();

    assert!(matches!(err, Error::Transport { operation: "fetchAuthorizationTokenUsingPost", .. }), "{err:?}");
    let causes = chain(&err);
    let sent = causes[1].downcast_ref::<reqwest::Error>().expect("the source is reqwest's error");
    assert!(sent.is_connect(), "{sent:?}");
    let url = sent.url().expect("reqwest's error keeps the URL").as_str();
    assert!(url.contains("REDACTED") && url.ends_with("/accesstoken/get"), "{url}");
    let refused = causes.iter().find_map(|e| e.downcast_ref::<std::io::Error>()).expect("the OS's refusal, at the end");
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
    // The message says what happened; the causes are the source's to tell, not repeated.
    assert!(!err.to_string().contains("connect"), "{err}");

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("retrying") && logs.contains("onnection refused"),
        "the retry's line names the cause: {logs}"
    );
    for text in [every_text(&err), logs] {
        for secret in [CLIENT_SECRET, SUBSCRIPTION_KEY] {
            assert!(!text.contains(secret), "{secret} leaked into: {text}");
        }
    }
}

#[tokio::test]
async fn a_connection_dropped_under_a_capture_keeps_its_causes_and_shows_no_key_or_token() {
    // The token comes; the capture's connection is closed without an answer.
    let uri = raw_server(in_turn(vec![raw_token(TOKEN, "3600")]), in_turn(vec![Vec::new()])).await;
    let client = Client::builder()
        .environment(Environment::Custom(uri))
        .credentials(CLIENT_ID, CLIENT_SECRET, SUBSCRIPTION_KEY)
        .merchant_serial_number(MSN)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.capture(&reference(), Amount::nok(250)).await.unwrap_err();

    assert!(matches!(err, Error::Transport { operation: "capturePayment", .. }), "{err:?}");
    assert!(err.is_retryable());
    let causes = chain(&err);
    assert!(causes[1].is::<reqwest::Error>(), "{err:?}");
    assert!(causes.len() > 2, "reqwest's own causes follow it: {err:?}");
    let shown = every_text(&err);
    for secret in [CLIENT_SECRET, SUBSCRIPTION_KEY, TOKEN] {
        assert!(!shown.contains(secret), "{secret} leaked into: {shown}");
    }
}
