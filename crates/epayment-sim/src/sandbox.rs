//! The standalone sandbox's HTTP front: a plain hyper server around the same core as the
//! wiremock transport (routing, faults, checks, model, recording).
//!
//! Why not the `MockServer` itself: every wiremock mock keeps a copy of every request it
//! matched, for its own verification, and nothing turns that off. In tests that is a few
//! hundred requests; in a sandbox that runs for days it is memory without bound (about a
//! kilobyte a request, and a third of the CPU time spent growing the heap under load). This
//! front keeps nothing but what the simulator itself decides to keep.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::sync::watch;

use crate::server::{Outcome, Shared, content_type, serve_any};

/// A running sandbox. [`Sandbox::stop`] (or dropping it) stops accepting connections.
pub struct Sandbox {
    pub(crate) addr: SocketAddr,
    pub(crate) control: crate::Control,
    pub(crate) stop: watch::Sender<bool>,
}

impl std::ops::Deref for Sandbox {
    type Target = crate::Control;
    fn deref(&self) -> &crate::Control {
        &self.control
    }
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("addr", &self.addr).finish_non_exhaustive()
    }
}

impl Sandbox {
    /// The host root, e.g. `http://127.0.0.1:8085`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The ePayment API's base URL (`{uri}/epayment`).
    pub fn epayment_url(&self) -> String {
        format!("{}{}", self.uri(), crate::EPAYMENT_PREFIX)
    }

    /// Stops accepting connections.
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Accepts connections on `listener` until `stop` turns true.
pub(crate) async fn run(listener: tokio::net::TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // A failed accept (out of file descriptors, say) loses that one connection only.
                Err(_) => continue,
            },
            _ = stop.wait_for(|stopped| *stopped) => return,
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| serve(shared.clone(), request));
            // A connection that breaks mid-request is the client's business.
            let _ = http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

async fn serve(
    shared: Arc<Shared>,
    request: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, std::io::Error> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map_err(std::io::Error::other)?.to_bytes();
    let host = parts.headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let url = wiremock::http::Url::parse(&format!("http://{host}{target}"))
        .or_else(|_| wiremock::http::Url::parse(&format!("http://localhost{target}")))
        .map_err(std::io::Error::other)?;
    let request = wiremock::Request { url, method: parts.method, headers: parts.headers, body: body.to_vec() };
    let answer = match serve_any(&shared, &request) {
        Outcome::Answer(answer) => answer,
        Outcome::Drop => {
            return Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "injected fault: connection dropped"));
        }
    };
    if let Some(delay) = answer.delay {
        tokio::time::sleep(delay).await;
    }
    let mut response = hyper::Response::builder().status(answer.status);
    for (name, value) in &answer.headers {
        response = response.header(*name, value.as_str());
    }
    let bytes = match &answer.body {
        Some(body) => {
            response = response.header("content-type", content_type(&answer));
            serde_json::to_vec(body).unwrap_or_default()
        }
        None => Vec::new(),
    };
    response.body(Full::new(Bytes::from(bytes))).map_err(std::io::Error::other)
}
