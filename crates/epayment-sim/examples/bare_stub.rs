//! The upper bound for the throughput benchmark: a bare wiremock stub that answers every
//! capture with the same canned body, with no state and no checks.
//!
//! `cargo run --release -p epayment-sim --example bare_stub -- 8087`

use std::net::TcpListener;

use serde_json::json;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::main]
async fn main() {
    let port = std::env::args().nth(1).and_then(|p| p.parse::<u16>().ok()).unwrap_or(8087);
    let listener = match TcpListener::bind(("127.0.0.1", port)) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
            std::process::exit(1);
        }
    };
    let server = MockServer::builder().listener(listener).disable_request_recording().start().await;
    let nok = |value: i64| json!({"currency": "NOK", "value": value});
    Mock::given(method("POST"))
        .and(path_regex(r"^/epayment/v1/payments/[^/]+/capture$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "amount": nok(1000), "state": "AUTHORIZED", "pspReference": "1234567890", "reference": "order-1234-abcd",
            "aggregate": {"authorizedAmount": nok(1000), "cancelledAmount": nok(0), "capturedAmount": nok(250), "refundedAmount": nok(0)},
        })))
        .mount(&server)
        .await;
    println!("bare stub listening on {}", server.uri());
    let _ = tokio::signal::ctrl_c().await;
}
