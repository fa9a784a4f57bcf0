//! The exchanges the simulator served, in order, for the contract harness to snapshot: a log
//! bounded in count and in bytes, so that what a caller sends never decides what the
//! simulator holds.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;
use serde_json::Value;

use super::reply::Reply;
use crate::limits::Limits;

/// A request as received.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Headers, names in lower case.
    pub headers: BTreeMap<String, String>,
    /// The body: JSON when it parses, otherwise its text; `None` when empty.
    pub body: Option<Value>,
}

/// An answer as sent.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RecordedResponse {
    /// HTTP status; 0 when the connection was dropped instead.
    pub status: u16,
    /// Headers the simulator set, names in lower case.
    pub headers: BTreeMap<String, String>,
    /// The body, `None` when empty.
    pub body: Option<Value>,
}

/// One request and its answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Exchange {
    /// The operationId (`capturePayment`, ...), `fetchAuthorizationTokenUsingPost`, a
    /// Webhooks API operation, or `unexpected` for a call no route serves.
    pub operation: String,
    /// What came in.
    pub request: RecordedRequest,
    /// What went out.
    pub response: RecordedResponse,
}

/// Body bytes as JSON if they parse, as a string otherwise.
pub fn body_value(bytes: &[u8]) -> Option<Value> {
    if bytes.is_empty() {
        return None;
    }
    Some(serde_json::from_slice(bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned())))
}

/// How much of a request's body the log keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyKept {
    /// None: the request was refused before anything read it (a path nothing serves, a body
    /// over the limit).
    None,
    /// Up to [`Limits::unauthorized_body_bytes`]: the request was refused for its credentials.
    Small,
    /// Up to [`Limits::kept_body_bytes`]: anything served.
    UpToLimit,
}

/// One exchange as it is kept: the request's parts and both bodies as the bytes that went
/// over the wire. What came in is copied: hyper's header values, path and a small body are
/// slices of its read buffer, and keeping a slice would keep the whole buffer (tens of KiB a
/// request) out of the log's byte count. Headers, paths and bodies become owned text and JSON
/// only when someone reads the log.
#[derive(Clone, Debug)]
struct RawExchange {
    operation: &'static str,
    method: http::Method,
    path: String,
    headers: Vec<(http::HeaderName, bytes::Bytes)>,
    body: Kept,
    status: u16,
    response_headers: Vec<(&'static str, String)>,
    response_content_type: Option<&'static str>,
    response_body: Kept,
}

/// A body, or the size of one that was not kept.
#[derive(Clone, Debug)]
enum Kept {
    Bytes(bytes::Bytes),
    Omitted(usize),
}

impl Kept {
    /// `body` up to `limit`, copied (see [`RawExchange`]).
    fn of(body: &bytes::Bytes, limit: usize) -> Self {
        if body.len() <= limit { Kept::Bytes(bytes::Bytes::copy_from_slice(body)) } else { Kept::Omitted(body.len()) }
    }

    fn len(&self) -> usize {
        match self {
            Kept::Bytes(bytes) => bytes.len(),
            Kept::Omitted(_) => 0,
        }
    }

    fn value(&self) -> Option<Value> {
        match self {
            Kept::Bytes(bytes) => body_value(bytes),
            Kept::Omitted(size) => Some(Value::String(format!("[{size} bytes, not kept]"))),
        }
    }
}

impl RawExchange {
    /// `request` and its `reply`, the request's body kept up to `body_limit` bytes and the
    /// reply's up to `reply_limit`.
    fn new(
        operation: &'static str,
        request: &http::Request<bytes::Bytes>,
        reply: &Reply,
        body_limit: usize,
        reply_limit: usize,
    ) -> Self {
        let body = request.body();
        Self {
            operation,
            method: request.method().clone(),
            path: request.uri().path_and_query().map_or_else(|| request.uri().path().to_owned(), |p| p.to_string()),
            headers: request
                .headers()
                .iter()
                .map(|(name, value)| (name.clone(), bytes::Bytes::copy_from_slice(value.as_bytes())))
                .collect(),
            body: if body.is_empty() { Kept::Bytes(bytes::Bytes::new()) } else { Kept::of(body, body_limit) },
            status: reply.status,
            response_headers: reply.headers.clone(),
            response_content_type: reply.content_type(),
            // The simulator's own bytes (or a replay's, kept whole already): no copy needed.
            response_body: match &reply.body {
                Some(body) if body.len() > reply_limit => Kept::Omitted(body.len()),
                Some(body) => Kept::Bytes(body.clone()),
                None => Kept::Bytes(bytes::Bytes::new()),
            },
        }
    }

    /// About what keeping it costs, in bytes.
    fn weight(&self) -> usize {
        let headers: usize = self.headers.iter().map(|(k, v)| k.as_str().len() + v.len() + 32).sum();
        let replied: usize = self.response_headers.iter().map(|(k, v)| k.len() + v.len() + 32).sum();
        256 + self.path.len() + headers + replied + self.body.len() + self.response_body.len()
    }

    fn to_exchange(&self) -> Exchange {
        let headers = self
            .headers
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v).into_owned()))
            .collect();
        let path = self.path.clone();
        let mut response_headers: BTreeMap<String, String> =
            self.response_headers.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        if let Some(content_type) = self.response_content_type {
            response_headers.insert("content-type".into(), content_type.into());
        }
        Exchange {
            operation: self.operation.to_owned(),
            request: RecordedRequest { method: self.method.to_string(), path, headers, body: self.body.value() },
            response: RecordedResponse {
                status: self.status,
                headers: response_headers,
                body: self.response_body.value(),
            },
        }
    }
}

/// A bounded log: past [`Limits::record_limit`] exchanges, or [`Limits::record_bytes`] bytes
/// kept, the oldest are dropped (and counted), so a long-running sandbox keeps its memory
/// bounded.
#[derive(Debug)]
pub(crate) struct ExchangeLog {
    limit: usize,
    byte_limit: usize,
    kept_body: usize,
    unauthorized_body: usize,
    bytes: usize,
    exchanges: VecDeque<(usize, RawExchange)>,
    dropped: u64,
}

impl ExchangeLog {
    /// An empty log within `limits`.
    pub(crate) fn new(limits: &Limits) -> Self {
        Self {
            limit: limits.record_limit,
            byte_limit: limits.record_bytes,
            kept_body: limits.kept_body_bytes,
            unauthorized_body: limits.unauthorized_body_bytes,
            bytes: 0,
            exchanges: VecDeque::new(),
            dropped: 0,
        }
    }

    /// Logs `request` and its `reply`, with as much of the request's body as `kept` says.
    pub(crate) fn record(
        &mut self,
        operation: &'static str,
        request: &http::Request<bytes::Bytes>,
        reply: &Reply,
        kept: BodyKept,
    ) {
        let exchange = self.raw(operation, request, reply, kept);
        self.push(exchange);
    }

    /// The exchange as the log keeps it.
    fn raw(
        &self,
        operation: &'static str,
        request: &http::Request<bytes::Bytes>,
        reply: &Reply,
        kept: BodyKept,
    ) -> RawExchange {
        let body_limit = match kept {
            BodyKept::None => 0,
            BodyKept::Small => self.unauthorized_body,
            BodyKept::UpToLimit => self.kept_body,
        };
        RawExchange::new(operation, request, reply, body_limit, self.kept_body)
    }

    /// Appends one exchange, dropping the oldest to make room.
    fn push(&mut self, exchange: RawExchange) {
        let weight = exchange.weight();
        if self.limit == 0 || weight > self.byte_limit {
            self.dropped += 1;
            return;
        }
        while self.exchanges.len() >= self.limit || self.bytes + weight > self.byte_limit {
            let Some((oldest, _)) = self.exchanges.pop_front() else { break };
            self.bytes -= oldest;
            self.dropped += 1;
        }
        self.bytes += weight;
        self.exchanges.push_back((weight, exchange));
    }

    /// The kept exchanges, oldest first.
    pub(crate) fn exchanges(&self) -> Vec<Exchange> {
        self.exchanges.iter().map(|(_, e)| e.to_exchange()).collect()
    }

    /// Takes the kept exchanges, leaving the log empty.
    pub(crate) fn take(&mut self) -> Vec<Exchange> {
        self.bytes = 0;
        self.exchanges.drain(..).map(|(_, e)| e.to_exchange()).collect()
    }

    /// How many exchanges were dropped to stay within the limits.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }

    /// About how many bytes the kept exchanges hold.
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A log with the default limits, but at most `limit` exchanges and `bytes` bytes.
    fn log(limit: usize, bytes: usize) -> ExchangeLog {
        ExchangeLog::new(&Limits { record_limit: limit, record_bytes: bytes, ..Limits::default() })
    }

    fn exchange(n: u16, body: &'static [u8], kept: BodyKept) -> RawExchange {
        let request = http::Request::builder().uri("/v1/payments/x?a=1").body(bytes::Bytes::from_static(body)).unwrap();
        let mut reply = Reply::json_bytes(n, bytes::Bytes::from_static(b"{\"a\":1}"));
        reply.headers.push(("retry-after", "3".into()));
        log(1, 1).raw("getPayment", &request, &reply, kept)
    }

    #[test]
    fn what_is_kept_is_copied_out_of_the_buffer_it_was_read_into() {
        // As hyper reads a request: its header value and its small body are slices of one
        // large read buffer, which a kept slice would keep whole.
        let buffer = bytes::Bytes::from(vec![b'x'; 1 << 20]);
        let inside = |b: &[u8]| buffer.as_ptr_range().contains(&b.as_ptr());
        let request = http::Request::builder()
            .uri("/v1/payments/x")
            .header("idempotency-key", http::HeaderValue::from_maybe_shared(buffer.slice(0..40)).unwrap())
            .body(buffer.slice(100..200))
            .unwrap();
        let raw = log(1, 1).raw("getPayment", &request, &Reply::empty(200), BodyKept::UpToLimit);
        assert!(raw.headers.iter().all(|(_, value)| !inside(value)), "a header value keeps the buffer");
        assert!(matches!(&raw.body, Kept::Bytes(body) if body.len() == 100 && !inside(body)), "the body keeps it");
    }

    #[test]
    fn keeps_the_newest_within_the_limit() {
        let mut r = log(2, 1 << 20);
        for n in 1..=5 {
            r.push(exchange(n, b"", BodyKept::UpToLimit));
        }
        let kept: Vec<u16> = r.exchanges().iter().map(|e| e.response.status).collect();
        assert_eq!(kept, [4, 5]);
        let read = &r.exchanges()[0];
        assert_eq!((read.request.path.as_str(), read.request.body.as_ref()), ("/v1/payments/x?a=1", None));
        assert_eq!(read.response.body, Some(serde_json::json!({"a": 1})));
        assert_eq!(read.response.headers["retry-after"], "3");
        assert_eq!(read.response.headers["content-type"], "application/json");
        assert_eq!(r.dropped(), 3);
        assert_eq!(r.take().len(), 2);
        assert!(r.exchanges().is_empty());
    }

    #[test]
    fn keeps_the_newest_within_the_byte_limit_and_no_body_it_should_not() {
        static BIG: [u8; 100_000] = [b'x'; 100_000];
        let mut bounded = log(1_000, 8 << 10);
        for n in 1..=50 {
            bounded.push(exchange(n, b"{\"small\":true}", BodyKept::UpToLimit));
        }
        assert!(bounded.bytes() <= 8 << 10, "{}", bounded.bytes());
        assert!(bounded.exchanges().len() < 50 && bounded.dropped() > 0);
        assert_eq!(bounded.exchanges().last().unwrap().response.status, 50, "the newest stay");
        for (kept, shown) in [
            (BodyKept::None, "[100000 bytes, not kept]"),
            (BodyKept::Small, "[100000 bytes, not kept]"),
            (BodyKept::UpToLimit, "[100000 bytes, not kept]"),
        ] {
            let e = exchange(200, &BIG, kept);
            assert!(e.weight() < 2 << 10, "{kept:?}: {}", e.weight());
            assert_eq!(e.to_exchange().request.body, Some(Value::String(shown.into())));
        }
        let none = exchange(401, b"{\"a\":1}", BodyKept::None).to_exchange();
        assert_eq!(none.request.body, Some(Value::String("[7 bytes, not kept]".into())));
        let small = exchange(401, b"{\"a\":1}", BodyKept::Small).to_exchange();
        assert_eq!(small.request.body, Some(serde_json::json!({"a": 1})));
    }

    #[test]
    fn bodies_are_json_when_they_parse() {
        assert_eq!(body_value(b""), None);
        assert_eq!(body_value(b"{\"a\":1}"), Some(serde_json::json!({"a": 1})));
        assert_eq!(body_value(b"nope"), Some(Value::String("nope".into())));
    }
}
