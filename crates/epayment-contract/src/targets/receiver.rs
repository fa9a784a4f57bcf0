//! A webhook receiver for one scenario: a loopback HTTP server that answers each delivery with
//! 200 (or 500, as many times as a step asked) and keeps it, raw, for the steps to verify.
//!
//! Not a wiremock `MockServer`: that verifies its mocks with a blocking call when dropped,
//! which on a runtime worker stalls the scenarios that share it. This one stops without
//! blocking.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use http_body_util::BodyExt as _;

use crate::targets::loopback::{LoopbackServer, respond};

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
    /// When it arrived, by the receiver's clock (the scenario's: its signature is checked
    /// at this time, so that a later clock move does not make an accepted delivery stale).
    pub at: std::time::SystemTime,
}

/// A running receiver; dropping it stops it.
#[derive(Debug)]
pub struct WebhookReceiver {
    server: LoopbackServer,
    received: Arc<Mutex<Vec<Received>>>,
    failures_left: Arc<AtomicUsize>,
}

/// The time by a receiver's clock.
type Now = Arc<dyn Fn() -> std::time::SystemTime + Send + Sync>;

impl WebhookReceiver {
    /// Listens on a free loopback port; `now` tells the time each delivery arrives at.
    pub async fn start_on(now: Now) -> std::io::Result<Self> {
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let failures_left: Arc<AtomicUsize> = Arc::default();
        let (kept, failing) = (received.clone(), failures_left.clone());
        let server = LoopbackServer::start(move |request: hyper::Request<hyper::body::Incoming>| {
            let (kept, failing, now) = (kept.clone(), failing.clone(), now.clone());
            async move {
                let (parts, body) = request.into_parts();
                // A delivery that breaks off mid-body is the simulator's to retry.
                let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                let path_and_query = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
                let fail = failing.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
                let status = if fail { 500 } else { 200 };
                let (method, headers, at) = (parts.method.to_string(), parts.headers, now());
                let delivery = Received { method, path_and_query, headers, body, status, at };
                kept.lock().unwrap_or_else(PoisonError::into_inner).push(delivery);
                respond(status, Bytes::new())
            }
        })
        .await?;
        Ok(Self { server, received, failures_left })
    }

    /// The URL of `path` on this receiver, e.g. `http://127.0.0.1:41234/webhooks/vipps`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.uri())
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
