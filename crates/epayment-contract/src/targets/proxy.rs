//! A recording proxy for remote targets: the scenario's client talks to it on loopback, it
//! forwards each request to the target as it came and the answer back as it came, and keeps
//! both as an exchange in the simulator's own form. So a remote run has what an embedded one
//! has: exchanges under their steps, contract checks of every request and answer, and the steps
//! that read them (`1 call got status 429`). Keys and tokens pass through as they must; the
//! reports show the exchanges redacted, as they do the simulator's.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use epayment_openapi::ApiDocument;
use epayment_sim::{Endpoint, Exchange, RecordedRequest, RecordedResponse};
use http_body_util::{BodyExt as _, Limited};

use crate::targets::loopback::{LoopbackServer, respond};

/// The largest body forwarded either way, as the client's own limit.
const BODY_LIMIT: usize = 4 << 20;

/// The answer headers kept in a recorded exchange: those the simulator sets, so that the two
/// kinds of target record alike (its `Sim-Rule` names the rule that refused, for `--compare`).
const KEPT_HEADERS: [&str; 4] = ["content-type", "retry-after", "allow", epayment_sim::ApiError::RULE_HEADER];

/// A running proxy to one target; dropping it stops it.
#[derive(Debug)]
pub struct RecordingProxy {
    server: LoopbackServer,
    log: Arc<Mutex<Vec<Exchange>>>,
}

impl RecordingProxy {
    /// Listens on a free loopback port and forwards to `upstream` (a host root URL).
    pub async fn start(upstream: &str) -> std::io::Result<Self> {
        let log: Arc<Mutex<Vec<Exchange>>> = Arc::default();
        let (kept, upstream) = (log.clone(), upstream.trim_end_matches('/').to_owned());
        let server = LoopbackServer::start(move |request| {
            let (kept, upstream) = (kept.clone(), upstream.clone());
            async move {
                let (parts, body) = request.into_parts();
                let body = match Limited::new(body, BODY_LIMIT).collect().await {
                    Ok(body) => body.to_bytes(),
                    Err(_) => return respond(413, Bytes::new()),
                };
                let (exchange, status, headers, answer) = forward(&upstream, &parts, body).await;
                kept.lock().unwrap_or_else(PoisonError::into_inner).push(exchange);
                let mut response = respond(status, answer);
                *response.headers_mut() = headers;
                response
            }
        })
        .await?;
        Ok(Self { server, log })
    }

    /// The proxy's root: give it to the client as its environment.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Takes the exchanges recorded so far, oldest first.
    pub fn take_exchanges(&self) -> Vec<Exchange> {
        std::mem::take(&mut *self.log.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// One client for every proxy's forwarding; it follows no redirect (the keys go along).
fn http() -> reqwest::Client {
    static POOL: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap_or_else(|e| panic!("the recording proxy's HTTP client: {e}"))
    })
    .clone()
}

/// Forwards one request; its exchange, and the answer to hand back (502 without a body when
/// the target could not be reached or answered too much).
async fn forward(upstream: &str, parts: &http::request::Parts, body: Bytes) -> (Exchange, u16, http::HeaderMap, Bytes) {
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let mut request = http().request(parts.method.clone(), format!("{upstream}{path}")).body(body.clone());
    for (name, value) in &parts.headers {
        if !matches!(name.as_str(), "host" | "content-length" | "connection" | "transfer-encoding") {
            request = request.header(name, value);
        }
    }
    let (status, mut headers, answer) = match request.send().await {
        Ok(answer) => {
            let (status, headers) = (answer.status().as_u16(), answer.headers().clone());
            match answer.bytes().await {
                Ok(bytes) if bytes.len() <= BODY_LIMIT => (status, headers, bytes),
                _ => (502, http::HeaderMap::new(), Bytes::new()),
            }
        }
        Err(_) => (502, http::HeaderMap::new(), Bytes::new()),
    };
    for hop in ["connection", "transfer-encoding", "content-length"] {
        headers.remove(hop);
    }
    let exchange = Exchange {
        operation: operation(parts.method.as_str(), parts.uri.path()),
        request: RecordedRequest {
            method: parts.method.to_string(),
            path,
            headers: parts
                .headers
                .iter()
                .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .collect(),
            body: epayment_sim::body_value(&body),
        },
        response: RecordedResponse {
            status,
            headers: KEPT_HEADERS
                .iter()
                .filter_map(|name| {
                    headers.get(*name).map(|v| ((*name).to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                })
                .collect::<BTreeMap<_, _>>(),
            body: epayment_sim::body_value(&answer),
        },
    };
    (exchange, status, headers, answer)
}

/// The operation a request is for, named as the simulator names it.
fn operation(method: &str, path: &str) -> String {
    Endpoint::of_request(ApiDocument::epayment(), method, path).map_or("unexpected", Endpoint::id).to_owned()
}
