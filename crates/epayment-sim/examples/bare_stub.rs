//! The upper bound for the throughput benchmark: a bare stub on the same kind of front as the
//! simulator (hyper, HTTP/1.1, keep-alive, mimalloc) that answers every request with the same
//! canned capture answer, with no routing, no state and no checks.
//!
//! `cargo run --release -p epayment-sim --example bare_stub -- 8087`

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ANSWER: &str = r#"{"amount":{"currency":"NOK","value":1000},"state":"AUTHORIZED","pspReference":"1234567890","reference":"order-1234-abcd","aggregate":{"authorizedAmount":{"currency":"NOK","value":1000},"cancelledAmount":{"currency":"NOK","value":0},"capturedAmount":{"currency":"NOK","value":250},"refundedAmount":{"currency":"NOK","value":0}}}"#;

#[tokio::main]
async fn main() {
    let port = std::env::args().nth(1).and_then(|p| p.parse::<u16>().ok()).unwrap_or(8087);
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {e}");
            std::process::exit(1);
        }
    };
    println!("bare stub listening on http://127.0.0.1:{port}");
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        tokio::spawn(async move {
            let service = service_fn(|request: hyper::Request<hyper::body::Incoming>| async move {
                // Read the body as the simulator does, then answer without looking at it.
                let _ = request.into_body().collect().await;
                let mut response = hyper::Response::new(Full::new(Bytes::from_static(ANSWER.as_bytes())));
                response
                    .headers_mut()
                    .insert("content-type", hyper::header::HeaderValue::from_static("application/json"));
                Ok::<_, Infallible>(response)
            });
            let _ = http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), service).await;
        });
    }
}
