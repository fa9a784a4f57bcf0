//! A server that redirects, stalls, lies in its headers or sends gigabytes: the client sends
//! its keys to no other host, never panics, never outlives its time budget, and reads no more
//! than its limit.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use epayment::{Amount, Error, RetryPolicy};
use tokio::io::AsyncWriteExt as _;
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server that takes every request and writes down what it got: where a redirect points.
async fn elsewhere() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any()).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    server
}

fn redirect(status: u16, to: &MockServer) -> ResponseTemplate {
    ResponseTemplate::new(status).insert_header("location", format!("{}/steal", to.uri()).as_str())
}

#[tokio::test]
async fn a_redirect_from_the_token_endpoint_sends_no_key_elsewhere() {
    for status in [301, 302, 303, 307, 308] {
        let thief = elsewhere().await;
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/accesstoken/get"))
            .respond_with(redirect(status, &thief))
            .mount(&server)
            .await;
        let err = client(&server).capture(&reference(), Amount::nok(250)).await.unwrap_err();
        match &err {
            Error::Redirect { operation, status: got, location } => {
                assert_eq!((*operation, *got), ("fetchAuthorizationTokenUsingPost", status));
                assert_eq!(location.as_deref(), Some(format!("{}/steal", thief.uri()).as_str()));
            }
            other => panic!("{status}: expected a redirect error, got {other:?}"),
        }
        assert!(!err.is_retryable());
        assert_eq!(thief.received_requests().await.unwrap().len(), 0, "{status}: the keys went to another host");
        assert_eq!(requests_to(&server, "/accesstoken/get").await.len(), 1, "{status}: not retried");
        let shown = err.to_string();
        assert!(!shown.contains(CLIENT_SECRET) && !shown.contains(SUBSCRIPTION_KEY), "{shown}");
    }
}

#[tokio::test]
async fn a_redirected_capture_is_neither_followed_nor_retried() {
    for status in [301, 302, 307, 308] {
        let thief = elsewhere().await;
        let server = server().await;
        Mock::given(method("POST")).and(path(CAPTURE_PATH)).respond_with(redirect(status, &thief)).mount(&server).await;
        let err = client(&server).capture(&reference(), Amount::nok(250)).await.unwrap_err();
        assert!(matches!(err, Error::Redirect { operation: "capturePayment", .. }), "{err:?}");
        assert_eq!(err.status(), Some(status));
        assert_eq!(thief.received_requests().await.unwrap().len(), 0, "{status}: re-sent to another host");
        assert_eq!(requests_to(&server, CAPTURE_PATH).await.len(), 1);
    }
}

#[tokio::test]
async fn a_retry_after_of_any_size_ends_the_call_without_a_panic() {
    let far_future = "Fri, 31 Dec 9999 23:59:59 GMT";
    for retry_after in ["18446744073709551615", "99999999999999999999999", far_future, "-1", "soon"] {
        let server = server().await;
        // A first refusal asks for two seconds: the huge wait comes on top of time spent.
        Mock::given(method("POST"))
            .and(path(CAPTURE_PATH))
            .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "2"))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path(CAPTURE_PATH))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", retry_after))
            .with_priority(2)
            .mount(&server)
            .await;
        let sleeper = SimulatedSleep::default();
        let client = builder(&server).sleeper(sleeper.clone()).build().unwrap();
        let err = client.capture(&reference(), Amount::nok(250)).await.unwrap_err();
        assert_eq!(err.status(), Some(429), "{retry_after}");
        let waited: Duration = sleeper.asked.lock().unwrap().iter().sum();
        assert!(waited < Duration::from_secs(30), "{retry_after}: waited {waited:?}, past the budget");
        assert!(waited >= Duration::from_secs(2), "{retry_after}: the first Retry-After was not honoured");
    }
}

/// A listener that accepts connections and never answers.
async fn silent_server() -> (String, TcpListener) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    (format!("http://{}", listener.local_addr().unwrap()), listener)
}

#[tokio::test(start_paused = true)]
async fn a_server_that_never_answers_cannot_make_a_call_outlive_its_budget() {
    // The listener is never polled: connections are queued by the kernel and never answered.
    let (uri, _listener) = silent_server().await;
    let client = epayment::Client::builder()
        .environment(epayment::Environment::Custom(uri))
        .credentials(CLIENT_ID, CLIENT_SECRET, SUBSCRIPTION_KEY)
        .merchant_serial_number(MSN)
        .build()
        .unwrap();
    let start = tokio::time::Instant::now();
    let err = client.capture(&reference(), Amount::nok(250)).await.unwrap_err();
    let took = start.elapsed();
    assert!(matches!(err, Error::Timeout { .. } | Error::Transport { .. }), "{err:?}");
    // The default budget is 30 s and each attempt 20 s: the second attempt gets what is left.
    assert!(took <= Duration::from_secs(31), "the call took {took:?} of tokio's clock");
}

#[tokio::test(start_paused = true)]
async fn calls_that_wait_together_for_a_token_nobody_gives_all_end_within_their_budget() {
    let (uri, _listener) = silent_server().await;
    let client = epayment::Client::builder()
        .environment(epayment::Environment::Custom(uri))
        .credentials(CLIENT_ID, CLIENT_SECRET, SUBSCRIPTION_KEY)
        .merchant_serial_number(MSN)
        .build()
        .unwrap();
    // One fetches the token, the others wait for it: the wait counts against their budgets.
    let start = tokio::time::Instant::now();
    let calls: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let err = client.capture(&reference(), Amount::nok(250)).await.unwrap_err();
                (err, start.elapsed())
            })
        })
        .collect();
    for call in calls {
        let (err, took) = call.await.unwrap();
        assert!(matches!(err, Error::Timeout { .. } | Error::Transport { .. }), "{err:?}");
        assert!(took <= Duration::from_secs(31), "a call took {took:?} of tokio's clock");
    }
}

#[tokio::test(start_paused = true)]
async fn a_wait_for_a_server_that_never_answers_ends_at_its_deadline() {
    let (uri, _listener) = silent_server().await;
    let client = epayment::Client::builder()
        .environment(epayment::Environment::Custom(uri))
        .credentials(CLIENT_ID, CLIENT_SECRET, SUBSCRIPTION_KEY)
        .merchant_serial_number(MSN)
        .build()
        .unwrap();
    let start = tokio::time::Instant::now();
    let waited = client.wait_for(&reference(), epayment::Until::Authorized, Duration::from_secs(2)).await;
    let took = start.elapsed();
    assert!(matches!(waited, Err(Error::Timeout { .. } | Error::Transport { .. })), "{waited:?}");
    assert!(took <= Duration::from_millis(2_100), "a 2 s wait took {took:?} of tokio's clock (the read had 30 s)");
}

#[tokio::test]
async fn each_attempt_gets_only_what_is_left_of_the_budget_on_the_sleepers_clock() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(CAPTURE_PATH))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(CAPTURE_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(adjustment(250)).set_delay(Duration::from_secs(60)))
        .with_priority(2)
        .mount(&server)
        .await;
    let sleeper = SimulatedSleep::default();
    let budget = RetryPolicy::default().max_elapsed(Duration::from_millis(1_600));
    let client = builder(&server).retry(budget).sleeper(sleeper.clone()).build().unwrap();
    let real = std::time::Instant::now();
    let call = client.capture(&reference(), Amount::nok(250));
    let err =
        tokio::time::timeout(Duration::from_secs(15), call).await.expect("the 20 s attempt timeout did not shrink");
    assert!(matches!(err, Err(Error::Timeout { operation: "capturePayment" })), "{err:?}");
    assert_eq!(*sleeper.asked.lock().unwrap(), [Duration::from_secs(1)]);
    // The second attempt had what was left of 1.6 s after a 1 s wait on the sleeper's clock.
    assert!(real.elapsed() < Duration::from_secs(2), "{:?}", real.elapsed());
}

#[tokio::test]
async fn a_body_over_the_limit_fails_typed() {
    let server = server().await;
    let big = vec![b'x'; 3 << 20];
    Mock::given(method("POST"))
        .and(path(CAPTURE_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_raw(big.clone(), "application/json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/epayment/v1/payments/order-1234-abcd"))
        .respond_with(ResponseTemplate::new(500).set_body_raw(big, "application/json"))
        .mount(&server)
        .await;
    let client = builder(&server).max_response_bytes(1 << 20).build().unwrap();
    let err = client.capture(&reference(), Amount::nok(250)).await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { operation: "capturePayment", status: 200, limit: 1_048_576 }),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    // An error answer is not read whole either, nor read again by a retry.
    let err = client.payment(&reference()).await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { status: 500, .. }), "{err:?}");
    assert_eq!(requests_to(&server, "/epayment/v1/payments/order-1234-abcd").await.len(), 1);
}

/// A server that answers the token endpoint properly and every other request with `head`
/// followed by an endless body; returns its URL and how many body bytes it got written.
async fn endless_body(head: &'static str) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let written = Arc::new(AtomicUsize::new(0));
    let count = written.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let count = count.clone();
            tokio::spawn(async move {
                let request = read_head(&mut stream).await;
                if request.contains("/accesstoken/get") {
                    let _ = stream.write_all(&raw_token("t", "3600")).await;
                    return;
                }
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let mut chunk = vec![b'7'; 64 << 10];
                if head.contains("chunked") {
                    // Each chunk framed: its size in hex, the bytes, a line end.
                    chunk = [b"10000\r\n".as_slice(), &chunk, b"\r\n"].concat();
                }
                while stream.write_all(&chunk).await.is_ok() {
                    count.fetch_add(chunk.len(), Ordering::SeqCst);
                }
            });
        }
    });
    (uri, written)
}

#[tokio::test]
async fn an_endless_body_is_cut_off_at_the_limit_without_reading_the_rest() {
    for head in [
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000000000\r\n\r\n",
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n",
    ] {
        let (uri, written) = endless_body(head).await;
        let client = epayment::Client::builder()
            .environment(epayment::Environment::Custom(uri))
            .credentials(CLIENT_ID, CLIENT_SECRET, SUBSCRIPTION_KEY)
            .merchant_serial_number(MSN)
            .max_response_bytes(256 << 10)
            .build()
            .unwrap();
        let err = client.payment(&reference()).await.unwrap_err();
        assert!(
            matches!(err, Error::ResponseTooLarge { limit: 262_144, .. } | Error::Transport { .. }),
            "{head}: {err:?}"
        );
        if head.contains("chunked") || head.ends_with("application/json\r\n\r\n") {
            assert!(matches!(err, Error::ResponseTooLarge { .. }), "{head}: {err:?}");
        }
        // What the server got written before the client hung up: the limit, plus what the
        // kernel's socket buffers took. Not the 100 GB it offered.
        let sent = written.load(Ordering::SeqCst);
        assert!(sent < 64 << 20, "{head}: {sent} bytes were taken");
    }
}
