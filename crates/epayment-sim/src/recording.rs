//! The exchanges the simulator served, in order, for the contract harness to snapshot.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;
use serde_json::Value;

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

/// One exchange as it is kept: the request's parts and both bodies as the bytes that went
/// over the wire (reference-counted, so keeping them copies nothing). Headers, paths and
/// bodies become owned text and JSON only when someone reads the log.
#[derive(Clone, Debug)]
pub(crate) struct RawExchange {
    pub(crate) operation: &'static str,
    pub(crate) method: http::Method,
    pub(crate) uri: http::Uri,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: bytes::Bytes,
    pub(crate) status: u16,
    pub(crate) response_headers: Vec<(&'static str, String)>,
    pub(crate) response_content_type: Option<&'static str>,
    pub(crate) response_body: bytes::Bytes,
}

impl RawExchange {
    fn to_exchange(&self) -> Exchange {
        let headers = self
            .headers
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let path = self.uri.path_and_query().map_or_else(|| self.uri.path().to_owned(), |p| p.to_string());
        let mut response_headers: BTreeMap<String, String> =
            self.response_headers.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        if let Some(content_type) = self.response_content_type {
            response_headers.insert("content-type".into(), content_type.into());
        }
        Exchange {
            operation: self.operation.to_owned(),
            request: RecordedRequest { method: self.method.to_string(), path, headers, body: body_value(&self.body) },
            response: RecordedResponse {
                status: self.status,
                headers: response_headers,
                body: body_value(&self.response_body),
            },
        }
    }
}

/// A bounded log: past `limit` exchanges the oldest are dropped (and counted), so a
/// long-running sandbox keeps its memory bounded.
#[derive(Debug)]
pub(crate) struct Recorder {
    limit: usize,
    exchanges: VecDeque<RawExchange>,
    dropped: u64,
}

impl Recorder {
    /// A recorder keeping at most `limit` exchanges.
    pub(crate) fn new(limit: usize) -> Self {
        Self { limit, exchanges: VecDeque::new(), dropped: 0 }
    }

    /// Appends one exchange.
    pub(crate) fn push(&mut self, exchange: RawExchange) {
        if self.limit == 0 {
            self.dropped += 1;
            return;
        }
        if self.exchanges.len() == self.limit {
            self.exchanges.pop_front();
            self.dropped += 1;
        }
        self.exchanges.push_back(exchange);
    }

    /// The kept exchanges, oldest first.
    pub(crate) fn exchanges(&self) -> Vec<Exchange> {
        self.exchanges.iter().map(RawExchange::to_exchange).collect()
    }

    /// Takes the kept exchanges, leaving the log empty.
    pub(crate) fn take(&mut self) -> Vec<Exchange> {
        self.exchanges.drain(..).map(|e| e.to_exchange()).collect()
    }

    /// How many exchanges were dropped to stay within the limit.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(n: u16) -> RawExchange {
        RawExchange {
            operation: "getPayment",
            method: http::Method::GET,
            uri: http::Uri::from_static("/v1/payments/x?a=1"),
            headers: http::HeaderMap::new(),
            body: bytes::Bytes::new(),
            status: n,
            response_headers: vec![("retry-after", "3".into())],
            response_content_type: Some("application/json"),
            response_body: bytes::Bytes::from_static(b"{\"a\":1}"),
        }
    }

    #[test]
    fn keeps_the_newest_within_the_limit() {
        let mut r = Recorder::new(2);
        for n in 1..=5 {
            r.push(exchange(n));
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
    fn bodies_are_json_when_they_parse() {
        assert_eq!(body_value(b""), None);
        assert_eq!(body_value(b"{\"a\":1}"), Some(serde_json::json!({"a": 1})));
        assert_eq!(body_value(b"nope"), Some(Value::String("nope".into())));
    }
}
