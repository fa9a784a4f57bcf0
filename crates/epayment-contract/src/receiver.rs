//! A webhook receiver for one scenario: a loopback HTTP server that answers each delivery with
//! 200 (or 500, as many times as a step asked) and keeps it, raw, for the steps to verify.
//!
//! Not a wiremock `MockServer`: that verifies its mocks with a blocking call when dropped,
//! which on a runtime worker stalls the scenarios that share it. This one stops without
//! blocking.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::sync::watch;

/// One delivery as it arrived.
#[derive(Clone, Debug)]
pub struct Received {
    /// The request method.
    pub method: String,
    /// Path and query.
    pub path_and_query: String,
    /// Every header, as sent.
    pub headers: http::HeaderMap,
    /// The raw body.
    pub body: Bytes,
    /// The status the receiver answered with.
    pub status: u16,
}

/// A running receiver; dropping it stops it.
#[derive(Debug)]
pub struct WebhookReceiver {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    failures_left: Arc<AtomicUsize>,
    stop: watch::Sender<bool>,
}

impl WebhookReceiver {
    /// Listens on a free loopback port.
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let (stop, mut stopped) = watch::channel(false);
        let kept = received.clone();
        let failures_left: Arc<AtomicUsize> = Arc::default();
        let failing = failures_left.clone();
        tokio::spawn(async move {
            loop {
                let stream = tokio::select! {
                    accepted = listener.accept() => match accepted {
                        Ok((stream, _)) => stream,
                        Err(_) => continue,
                    },
                    _ = stopped.wait_for(|s| *s) => return,
                };
                let (kept, failing) = (kept.clone(), failing.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                        let (kept, failing) = (kept.clone(), failing.clone());
                        async move {
                            let (parts, body) = request.into_parts();
                            let body = body.collect().await?.to_bytes();
                            let path_and_query = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
                            let fail =
                                failing.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
                            let status = if fail { 500 } else { 200 };
                            let delivery = Received {
                                method: parts.method.to_string(),
                                path_and_query,
                                headers: parts.headers,
                                body,
                                status,
                            };
                            kept.lock().unwrap_or_else(PoisonError::into_inner).push(delivery);
                            let mut response = hyper::Response::new(Full::new(Bytes::new()));
                            *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or_default();
                            Ok::<_, hyper::Error>(response)
                        }
                    });
                    // A sender that breaks off mid-request is the simulator's retry to make.
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        Ok(Self { addr, received, failures_left, stop })
    }

    /// The URL of `path` on this receiver, e.g. `http://127.0.0.1:41234/webhooks/vipps`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Answers the next `n` deliveries with 500.
    pub fn fail_next(&self, n: usize) {
        self.failures_left.store(n, Ordering::SeqCst);
    }

    /// Every delivery so far, oldest first, failed ones included.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}
