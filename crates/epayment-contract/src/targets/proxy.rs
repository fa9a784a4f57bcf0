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
    let answered = match request.send().await {
        Ok(answer) => {
            let (status, headers) = (answer.status().as_u16(), answer.headers().clone());
            read_within_limit(answer).await.map(|bytes| (status, headers, bytes))
        }
        Err(_) => None,
    };
    let (status, mut headers, answer) = answered.unwrap_or((502, http::HeaderMap::new(), Bytes::new()));
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

/// The answer's body, or `None` when it fails or would pass [`BODY_LIMIT`]: read a chunk at a
/// time, so that a target sending gigabytes (or without end) costs no more than the limit.
async fn read_within_limit(mut answer: reqwest::Response) -> Option<Bytes> {
    if answer.content_length().is_some_and(|declared| declared > BODY_LIMIT as u64) {
        return None;
    }
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = answer.chunk().await.ok()? {
        if body.len() + chunk.len() > BODY_LIMIT {
            return None;
        }
        body.extend_from_slice(&chunk);
    }
    Some(body.freeze())
}

/// The operation a request is for, named as the simulator names it.
fn operation(method: &str, path: &str) -> String {
    Endpoint::of_request(ApiDocument::epayment(), method, path).map_or("unexpected", Endpoint::id).to_owned()
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    use super::*;

    /// A target that answers every request with a chunked body that never ends.
    async fn endless_target() -> String {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.expect("a loopback port");
        let root = format!("http://{}", listener.local_addr().expect("its address"));
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut request = [0_u8; 4096];
                    let _ = stream.read(&mut request).await;
                    let head =
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                    if stream.write_all(head.as_bytes()).await.is_err() {
                        return;
                    }
                    let chunk = format!("10000\r\n{}\r\n", " ".repeat(0x10000));
                    // Until the proxy hangs up: it must, at its limit.
                    while stream.write_all(chunk.as_bytes()).await.is_ok() {}
                });
            }
        });
        root
    }

    #[tokio::test]
    async fn a_target_that_sends_without_end_gets_a_502_at_the_limit_not_the_runs_memory() {
        let proxy = RecordingProxy::start(&endless_target().await).await.expect("the proxy");
        let asked = reqwest::get(format!("{}/epayment/v1/payments/ref-1", proxy.uri()));
        let answer = tokio::time::timeout(Duration::from_secs(30), asked)
            .await
            .expect("the proxy gives up at its limit, not at the target's end")
            .expect("an answer");
        assert_eq!(answer.status(), 502);
        let exchanges = proxy.take_exchanges();
        assert_eq!(exchanges.len(), 1);
        assert_eq!(exchanges[0].response.status, 502);
    }

    #[tokio::test]
    async fn a_declared_length_over_the_limit_is_refused_before_reading() {
        let big = Bytes::from(vec![b' '; BODY_LIMIT + 1]);
        let target = LoopbackServer::start(move |_| {
            let big = big.clone();
            async move { respond(200, big) }
        })
        .await
        .expect("a target");
        let proxy = RecordingProxy::start(&target.uri()).await.expect("the proxy");
        let answer = reqwest::get(format!("{}/epayment/v1/payments/ref-1", proxy.uri())).await.expect("an answer");
        assert_eq!(answer.status(), 502);
        let small =
            LoopbackServer::start(|_| async { respond(200, Bytes::from_static(b"{}")) }).await.expect("a target");
        let proxy = RecordingProxy::start(&small.uri()).await.expect("the proxy");
        let answer = reqwest::get(format!("{}/epayment/v1/payments/ref-1", proxy.uri())).await.expect("an answer");
        assert_eq!((answer.status().as_u16(), answer.text().await.ok()), (200, Some("{}".to_owned())));
    }
}
