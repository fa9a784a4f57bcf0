//! Shared fixtures: a wiremock server with a token endpoint, and a client pointed at it.
#![allow(dead_code, reason = "each test file uses a different part")]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use epayment::{Client, ClientBuilder, Environment, Reference, RetryPolicy};
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const CLIENT_ID: &str = "client-id-1";
pub const CLIENT_SECRET: &str = "client-secret-DO-NOT-LEAK";
pub const SUBSCRIPTION_KEY: &str = "subscription-key-DO-NOT-LEAK";
pub const TOKEN: &str = "access-token-DO-NOT-LEAK";
pub const MSN: &str = "123456";
pub const REFERENCE: &str = "order-1234-abcd";
pub const CAPTURE_PATH: &str = "/epayment/v1/payments/order-1234-abcd/capture";

pub fn reference() -> Reference {
    Reference::new(REFERENCE).expect("valid reference")
}

/// The access-token answer, with a lifetime in seconds.
pub fn token_answer(token: &str, lifetime: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "token_type": "Bearer",
        "expires_in": lifetime.to_string(),
        "ext_expires_in": lifetime.to_string(),
        "expires_on": "4102444800",
        "not_before": "1700000000",
        "resource": "00000002-0000-0000-c000-000000000000",
        "access_token": token,
    }))
}

/// A server whose token endpoint hands out [`TOKEN`] for an hour.
pub async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/accesstoken/get"))
        .respond_with(token_answer(TOKEN, 3600))
        .named("token")
        .mount(&server)
        .await;
    server
}

/// A client for `server` with fast retries (real waits stay in milliseconds).
pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .environment(Environment::Custom(server.uri()))
        .credentials(CLIENT_ID, CLIENT_SECRET, SUBSCRIPTION_KEY)
        .merchant_serial_number(MSN)
        .system("acme-shop", "2.1.0")
        .plugin("acme-epayment", "0.9.1")
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)).max_backoff(Duration::from_millis(5)))
}

pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("valid configuration")
}

/// The ModificationResponse of a payment of 10.00 NOK with `captured` øre captured.
pub fn adjustment(captured: i64) -> serde_json::Value {
    let nok = |value: i64| json!({"currency": "NOK", "value": value});
    json!({
        "amount": nok(1000),
        "state": "AUTHORIZED",
        "aggregate": {
            "authorizedAmount": nok(1000),
            "cancelledAmount": nok(0),
            "capturedAmount": nok(captured),
            "refundedAmount": nok(0),
        },
        "pspReference": "psp-1",
        "reference": REFERENCE,
    })
}

/// A problem document with an error code.
pub fn problem(status: u16, code: u32) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "type": "https://example.invalid/errors",
        "title": "Refused",
        "status": status,
        "detail": "refused for the test",
        "traceId": "trace-42",
        "extraDetails": [{"name": "ErrorCode", "reason": code.to_string()}],
    }))
}

/// The requests `server` received at `at`.
pub async fn requests_to(server: &MockServer, at: &str) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default().into_iter().filter(|r| r.url.path() == at).collect()
}

/// A sleeper on a simulated clock: it returns at once and notes how long it was asked to wait.
#[derive(Debug, Default, Clone)]
pub struct SimulatedSleep {
    pub asked: std::sync::Arc<std::sync::Mutex<Vec<Duration>>>,
}

impl epayment::AsyncSleep for SimulatedSleep {
    fn sleep(&self, duration: Duration) -> epayment::Sleep {
        self.asked.lock().unwrap().push(duration);
        Box::pin(std::future::ready(()))
    }

    fn is_real_time(&self) -> bool {
        false
    }
}

/// Raw answers, whatever bytes they are, written as they are, in turn.
pub type Raw = Arc<Mutex<std::iter::Cycle<std::vec::IntoIter<Vec<u8>>>>>;

pub fn in_turn(answers: Vec<Vec<u8>>) -> Raw {
    Arc::new(Mutex::new(answers.into_iter().cycle()))
}

/// A server that answers the token endpoint with the `token` answers and every other request
/// with the `other` answers, each in turn, closing the connection after each (an empty answer
/// closes it without a word).
pub async fn raw_server(token: Raw, other: Raw) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (token, other) = (token.clone(), other.clone());
            tokio::spawn(async move {
                let to_token = read_head(&mut stream).await.contains("/accesstoken/get");
                let answer = if to_token { token.lock().unwrap().next() } else { other.lock().unwrap().next() };
                let answer = answer.unwrap_or_default();
                let _ = stream.write_all(&answer).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    uri
}

/// The request line and headers of what a client sends on `stream`, as far as it sends them.
pub async fn read_head(stream: &mut tokio::net::TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 65_536 {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// A raw token answer that decodes, handing out `token` with a lifetime of any text
/// (`"18446744073709551615"`, say).
pub fn raw_token(token: &str, expires_in: &str) -> Vec<u8> {
    let body = format!(
        r#"{{"token_type":"Bearer","expires_in":{expires_in:?},"ext_expires_in":"3600","expires_on":"0","not_before":"0","resource":"r","access_token":{token:?}}}"#
    );
    format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len())
        .into_bytes()
}

/// Everything an error shows: the `Display` and `Debug` of it and of each error in its source
/// chain, one a line.
pub fn every_text(error: &(dyn std::error::Error + 'static)) -> String {
    let mut shown = String::new();
    let mut next = Some(error);
    while let Some(e) = next {
        shown.push_str(&format!("{e}\n{e:?}\n"));
        next = e.source();
    }
    shown
}
