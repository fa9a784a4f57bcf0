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

/// A bounded log: past `limit` exchanges the oldest are dropped (and counted), so a
/// long-running sandbox keeps its memory bounded.
#[derive(Debug)]
pub(crate) struct Recorder {
    limit: usize,
    exchanges: VecDeque<Exchange>,
    dropped: u64,
}

impl Recorder {
    /// A recorder keeping at most `limit` exchanges.
    pub(crate) fn new(limit: usize) -> Self {
        Self { limit, exchanges: VecDeque::new(), dropped: 0 }
    }

    /// Appends one exchange.
    pub fn push(&mut self, exchange: Exchange) {
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
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.exchanges.iter().cloned().collect()
    }

    /// Takes the kept exchanges, leaving the log empty.
    pub fn take(&mut self) -> Vec<Exchange> {
        self.exchanges.drain(..).collect()
    }

    /// How many exchanges were dropped to stay within the limit.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(n: u16) -> Exchange {
        Exchange {
            operation: "getPayment".into(),
            request: RecordedRequest { method: "GET".into(), path: "/".into(), headers: BTreeMap::new(), body: None },
            response: RecordedResponse { status: n, headers: BTreeMap::new(), body: None },
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
