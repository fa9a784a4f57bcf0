//! Retries: what is retried, that a retry repeats key and body byte for byte, and the bounds.

mod common;

use std::time::Duration;

use common::*;
use epayment::{Amount, Error, ErrorCode, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Answers the first `n` captures with `first`, the rest with a successful capture.
async fn capture_fails_first(server: &MockServer, n: u64, first: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(CAPTURE_PATH))
        .respond_with(first)
        .up_to_n_times(n)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(CAPTURE_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(adjustment(250)))
        .with_priority(2)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_retried_capture_repeats_key_and_body_byte_for_byte() {
    let server = server().await;
    capture_fails_first(&server, 2, ResponseTemplate::new(503)).await;
    let done = client(&server).capture(&reference(), Amount::nok(250)).await.unwrap();
    assert_eq!(done.aggregate.captured, Amount::nok(250));
    let sent = requests_to(&server, CAPTURE_PATH).await;
    assert_eq!(sent.len(), 3);
    for retry in &sent[1..] {
        assert_eq!(retry.headers["idempotency-key"], sent[0].headers["idempotency-key"]);
        assert_eq!(retry.body, sent[0].body);
    }
}

#[tokio::test]
async fn each_retryable_status_and_code_is_retried() {
    for first in [
        ResponseTemplate::new(423),
        ResponseTemplate::new(429),
        ResponseTemplate::new(500),
        ResponseTemplate::new(502),
        ResponseTemplate::new(503),
        ResponseTemplate::new(504),
        problem(400, 6160),
        problem(400, 6280),
    ] {
        let server = server().await;
        capture_fails_first(&server, 1, first).await;
        client(&server).capture(&reference(), Amount::nok(250)).await.unwrap();
        assert_eq!(requests_to(&server, CAPTURE_PATH).await.len(), 2);
    }
}

#[tokio::test]
async fn other_client_errors_are_never_retried() {
    for (status, code) in [(400, Some(6090)), (400, None), (403, None), (404, None), (409, Some(4010))] {
        let server = server().await;
        let answer = match code {
            Some(code) => problem(status, code),
            None => ResponseTemplate::new(status),
        };
        capture_fails_first(&server, 1, answer).await;
        let err = client(&server).capture(&reference(), Amount::nok(250)).await.unwrap_err();
        assert_eq!(err.status(), Some(status), "{err}");
        assert_eq!(err.code().map(ErrorCode::code), code);
        assert!(!err.is_retryable());
        assert_eq!(requests_to(&server, CAPTURE_PATH).await.len(), 1, "{status} {code:?}");
    }
}

#[tokio::test]
async fn retries_stop_after_the_configured_attempts() {
    let server = server().await;
    capture_fails_first(&server, 100, ResponseTemplate::new(503)).await;
    let client = builder(&server)
        .retry(RetryPolicy::default().max_attempts(3).initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    let err = client.capture(&reference(), Amount::nok(250)).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(requests_to(&server, CAPTURE_PATH).await.len(), 3);

    let server = self::server().await;
    capture_fails_first(&server, 1, ResponseTemplate::new(503)).await;
    let once = builder(&server).retry(RetryPolicy::none()).build().unwrap();
    assert!(once.capture(&reference(), Amount::nok(250)).await.is_err());
    assert_eq!(requests_to(&server, CAPTURE_PATH).await.len(), 1);
}

#[tokio::test]
async fn a_timeout_is_retried_with_the_same_key() {
    let server = server().await;
    capture_fails_first(&server, 1, ResponseTemplate::new(200).set_delay(Duration::from_secs(5))).await;
    let client = builder(&server).timeout(Duration::from_millis(200)).build().unwrap();
    let done = client.capture(&reference(), Amount::nok(250)).await.unwrap();
    assert_eq!(done.aggregate.captured, Amount::nok(250));
    let sent = requests_to(&server, CAPTURE_PATH).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].headers["idempotency-key"], sent[1].headers["idempotency-key"]);

    let server = self::server().await;
    capture_fails_first(&server, 100, ResponseTemplate::new(200).set_delay(Duration::from_secs(5))).await;
    let client = builder(&server).timeout(Duration::from_millis(100)).retry(RetryPolicy::none()).build().unwrap();
    let err = client.capture(&reference(), Amount::nok(250)).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { operation: "capturePayment" }), "{err}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_refused_connection_is_a_retryable_transport_error() {
    // Bind a port, then free it: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = epayment::Client::builder()
        .environment(epayment::Environment::Custom(format!("http://127.0.0.1:{port}")))
        .credentials(CLIENT_ID, CLIENT_SECRET, SUBSCRIPTION_KEY)
        .merchant_serial_number(MSN)
        .retry(RetryPolicy::default().max_attempts(2).initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    let err = client.capture(&reference(), Amount::nok(250)).await.unwrap_err();
    assert!(matches!(err, Error::Transport { operation: "fetchAuthorizationTokenUsingPost", .. }), "{err}");
    assert!(err.is_retryable());
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_without_real_sleeping() {
    let server = server().await;
    capture_fails_first(&server, 1, ResponseTemplate::new(429).insert_header("Retry-After", "7")).await;
    // Paused time advances to the next timer whenever the runtime is idle; no request
    // timeout or pool timer may be pending, or it would fire while the server answers.
    let http = reqwest::Client::builder().pool_idle_timeout(None).build().unwrap();
    // Nor may the time budget put a deadline on the attempt: it is lifted here.
    let unbounded = RetryPolicy::default().initial_backoff(Duration::from_millis(1)).max_elapsed(Duration::MAX);
    let client = builder(&server).without_timeout().retry(unbounded).http_client(http).build().unwrap();
    let (virtual_start, real_start) = (tokio::time::Instant::now(), std::time::Instant::now());
    client.capture(&reference(), Amount::nok(250)).await.unwrap();
    let waited = virtual_start.elapsed();
    assert!(waited >= Duration::from_secs(7) && waited < Duration::from_secs(8), "{waited:?}");
    assert!(real_start.elapsed() < Duration::from_secs(5), "the wait was slept for real");
    assert_eq!(requests_to(&server, CAPTURE_PATH).await.len(), 2);
}

#[tokio::test]
async fn a_pluggable_sleeper_honours_retry_after_on_its_own_clock() {
    let server = server().await;
    capture_fails_first(&server, 1, ResponseTemplate::new(429).insert_header("Retry-After", "60")).await;
    let sleeper = SimulatedSleep::default();
    let patient = RetryPolicy::default().max_elapsed(Duration::from_secs(120));
    let client = builder(&server).retry(patient).sleeper(sleeper.clone()).build().unwrap();
    let real_start = std::time::Instant::now();
    client.capture(&reference(), Amount::nok(250)).await.unwrap();
    assert_eq!(*sleeper.asked.lock().unwrap(), [Duration::from_secs(60)], "the Retry-After, on the sleeper");
    assert!(real_start.elapsed() < Duration::from_secs(5), "no real minute went by");

    // The retry budget is counted on the sleeper's clock: a minute's wait does not fit in the
    // default 30 s, though no real time passes.
    let impatient = common::server().await;
    capture_fails_first(&impatient, 1, ResponseTemplate::new(429).insert_header("Retry-After", "60")).await;
    let sleeper = SimulatedSleep::default();
    let client = builder(&impatient).sleeper(sleeper.clone()).build().unwrap();
    let err = client.capture(&reference(), Amount::nok(250)).await.unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert!(sleeper.asked.lock().unwrap().is_empty());
}
