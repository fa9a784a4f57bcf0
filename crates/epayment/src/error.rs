//! One error type for every operation, and the problem documents the API answers with.

use std::fmt;
use std::time::Duration;

pub use epayment_api::ErrorCode;
use serde::Deserialize;

/// Everything an operation can fail with.
///
/// Branch on the variant, and for [`Error::Api`] on [`Problem::status`] and
/// [`Problem::code`], never on message text.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error (a problem document, or a bare status).
    #[error("{0}")]
    Api(Box<Problem>),
    /// The input was refused before anything was sent.
    #[error(transparent)]
    InvalidInput(#[from] InputError),
    /// The access token could not be had: the keys were refused, or a call was refused again
    /// with a fresh token.
    #[error("authentication failed{}: {message}", status.map(|s| format!(" (HTTP {s})")).unwrap_or_default())]
    Auth {
        /// HTTP status of the refusal, if there was an answer.
        status: Option<u16>,
        /// What went wrong; never contains a secret.
        message: String,
    },
    /// The request could not be sent or the answer not read (connection refused, reset, ...).
    /// An operation may or may not have been applied: retry with the same idempotency key, or
    /// read the payment back.
    ///
    /// Why is the error's [`source`](std::error::Error::source), with its own causes after it
    /// (print them all with an error reporter, or walk `source()`); the message of this error
    /// does not repeat them.
    #[error(
        "transport error during {operation}; it may have been applied: retry with the same idempotency key or read the payment back"
    )]
    Transport {
        /// The operation id, e.g. `capturePayment`.
        operation: &'static str,
        /// What the HTTP client reported: for the client's own calls a `reqwest::Error`,
        /// whose URL has the client secret, subscription key and token blanked wherever they
        /// stood in it.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// No answer in time. As with [`Error::Transport`], the operation may have been applied.
    #[error(
        "{operation} timed out; it may have been applied: retry with the same idempotency key or read the payment back"
    )]
    Timeout {
        /// The operation id.
        operation: &'static str,
    },
    /// [`Client::wait_for`](crate::Client::wait_for) with [`Until::Authorized`](crate::Until):
    /// the payment ended without the customer's approval (aborted, expired or terminated).
    #[error("payment {reference} ended {state} without being authorized")]
    NotAuthorized {
        /// The payment's reference.
        reference: String,
        /// The state it ended in.
        state: crate::State,
    },
    /// [`Client::wait_for`](crate::Client::wait_for): the deadline passed while the payment
    /// was still waiting for the customer.
    #[error("payment {reference} was still {state} after {} s", waited.as_secs())]
    DeadlinePassed {
        /// The payment's reference.
        reference: String,
        /// Its state at the last read.
        state: crate::State,
        /// How long was waited, on the client's sleeper's clock.
        waited: std::time::Duration,
    },
    /// The server answered with a redirect (3xx). The client follows none: a redirect would
    /// carry the keys it sends to a host other than the configured one. Never retried. As
    /// with [`Error::Transport`], the operation may have been applied where it was sent.
    #[error("{operation}: the server answered HTTP {status} redirecting to {}; no redirect is followed, so that no key reaches another host", location.as_deref().unwrap_or("nowhere"))]
    Redirect {
        /// The operation id.
        operation: &'static str,
        /// The 3xx status.
        status: u16,
        /// The start of the `Location` header (at most 200 characters), if there was one.
        location: Option<String>,
    },
    /// An answer's body was longer than the limit
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)); the
    /// rest was not read. Never retried. The operation may have been applied: read the
    /// payment back.
    #[error(
        "{operation}: the answer (HTTP {status}) is longer than {limit} bytes and was not read; it may have been applied: read the payment back"
    )]
    ResponseTooLarge {
        /// The operation id.
        operation: &'static str,
        /// HTTP status of the answer, 0 if unknown.
        status: u16,
        /// The limit, in bytes.
        limit: usize,
    },
    /// An answer that does not decode as the document says.
    #[error("{operation}: could not decode the answer (HTTP {status}): {message}; body: {body}")]
    Decode {
        /// The operation id.
        operation: &'static str,
        /// HTTP status of the answer.
        status: u16,
        /// What the decoder said.
        message: String,
        /// The start of the body (at most 512 characters), or a note that it is withheld.
        body: String,
    },
}

impl Error {
    /// This error with each of `secrets` blanked wherever a server's words put it (a problem
    /// that repeats the subscription key, a body shown for a decode error, a `Location`):
    /// errors are logged and shown, secrets must not be.
    pub(crate) fn without_secrets(mut self, secrets: &[&str]) -> Self {
        let scrub = |text: &mut String| {
            for secret in secrets.iter().filter(|s| !s.is_empty()) {
                if text.contains(secret) {
                    *text = text.replace(secret, "[REDACTED]");
                }
            }
        };
        match &mut self {
            Error::Api(p) => {
                let Problem { title, detail, trace_id, instance, type_uri, field_errors, .. } = &mut **p;
                [title, detail, trace_id, instance, type_uri].into_iter().flatten().for_each(scrub);
                for field in field_errors {
                    scrub(&mut field.name);
                    scrub(&mut field.reason);
                }
            }
            Error::Decode { message, body, .. } => {
                scrub(message);
                scrub(body);
            }
            Error::Redirect { location: Some(location), .. } => scrub(location),
            Error::Auth { message, .. } => scrub(message),
            Error::Transport { source, .. } => {
                // reqwest's error shows the request's URL; below it come the connection's
                // errors, which know nothing of the request.
                if let Some(url) = source.downcast_mut::<reqwest::Error>().and_then(reqwest::Error::url_mut) {
                    let mut shown = url.as_str().to_owned();
                    scrub(&mut shown);
                    if shown != url.as_str() {
                        blank_url(url, &shown);
                    }
                }
            }
            _ => {}
        }
        self
    }

    /// Whether a retry with the same idempotency key and body may succeed: transport errors,
    /// timeouts, HTTP 423, 429, 500, 502, 503, 504, and error codes 6160 and 6280.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Api(problem) => problem.is_retryable(),
            Error::InvalidInput(_)
            | Error::Auth { .. }
            | Error::Decode { .. }
            | Error::Redirect { .. }
            | Error::ResponseTooLarge { .. }
            | Error::NotAuthorized { .. }
            | Error::DeadlinePassed { .. } => false,
        }
    }

    /// The problem document, for [`Error::Api`].
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Error::Api(p) => Some(p),
            _ => None,
        }
    }

    /// The API's error code, for [`Error::Api`] answers that carry one.
    pub fn code(&self) -> Option<ErrorCode> {
        self.problem().and_then(|p| p.code)
    }

    /// The HTTP status, for errors that got an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(p) => Some(p.status),
            Error::Auth { status, .. } => *status,
            Error::Decode { status, .. } | Error::Redirect { status, .. } => Some(*status),
            Error::ResponseTooLarge { status, .. } => (*status != 0).then_some(*status),
            _ => None,
        }
    }
}

/// Sets `url` to `shown`, its text with the secrets blanked; where that is no URL (a secret in
/// the host), to its scheme and a placeholder host alone.
fn blank_url(url: &mut reqwest::Url, shown: &str) {
    *url = match reqwest::Url::parse(shown) {
        Ok(blanked) => blanked,
        Err(_) => {
            let mut bare = url.clone();
            bare.set_path("");
            bare.set_query(None);
            bare.set_fragment(None);
            if bare.set_host(Some("redacted.invalid")).is_err() || bare.set_port(None).is_err() {
                return;
            }
            bare
        }
    };
}

/// An error and each of its sources, joined with `: `: what a log line shows of an error.
pub(crate) struct ErrorChain<'a>(pub(crate) &'a (dyn std::error::Error + 'static));

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

/// Input refused before a request was sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field} {value:?}: {reason}")]
pub struct InputError {
    field: &'static str,
    value: String,
    reason: String,
}

impl InputError {
    pub(crate) fn new(field: &'static str, value: impl AsRef<str>, reason: &str) -> Self {
        Self { field, value: cut(value.as_ref(), 80), reason: reason.to_owned() }
    }

    /// Which input: `amount`, `reference`, `idempotency key`, ...
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// Why it was refused.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

/// An error answer of the API: an RFC 7807 problem document, read leniently (any field may be
/// missing; the status always comes from the HTTP answer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// HTTP status.
    pub status: u16,
    /// Short name of the error.
    pub title: Option<String>,
    /// What went wrong this time.
    pub detail: Option<String>,
    /// Give this to Vipps MobilePay support.
    pub trace_id: Option<String>,
    /// The request the problem is about.
    pub instance: Option<String>,
    /// Link describing the kind of error.
    pub type_uri: Option<String>,
    /// The error code from `extraDetails`, if any.
    pub code: Option<ErrorCode>,
    /// The other `extraDetails` entries: for validation problems, the fields at fault.
    pub field_errors: Vec<FieldError>,
    /// How long the API asked us to wait (`Retry-After`), if it did.
    pub retry_after: Option<Duration>,
}

/// One `extraDetails` entry other than the error code: for a validation problem, a bad field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field (or detail) name.
    pub name: String,
    /// What is wrong with it.
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireProblem {
    #[serde(rename = "type")]
    type_uri: Option<String>,
    title: Option<String>,
    detail: Option<String>,
    trace_id: Option<String>,
    instance: Option<String>,
    extra_details: Option<Vec<WireDetail>>,
}

#[derive(Deserialize)]
struct WireDetail {
    name: Option<String>,
    reason: Option<serde_json::Value>,
}

impl Problem {
    /// A problem with nothing but a status, for answers without a readable body.
    pub fn bare(status: u16) -> Self {
        Self {
            status,
            title: None,
            detail: None,
            trace_id: None,
            instance: None,
            type_uri: None,
            code: None,
            field_errors: Vec::new(),
            retry_after: None,
        }
    }

    /// Reads a problem document. A body that is empty, not JSON, or not a problem gives a bare
    /// problem with the status, never an error: the status alone is enough to act on.
    pub fn from_body(status: u16, body: &[u8]) -> Self {
        let Ok(wire) = serde_json::from_slice::<WireProblem>(body) else {
            return Self::bare(status);
        };
        let mut code = None;
        let mut field_errors = Vec::new();
        for d in wire.extra_details.into_iter().flatten() {
            let name = d.name.unwrap_or_default();
            let reason = match d.reason {
                Some(serde_json::Value::String(s)) => s,
                Some(other) => other.to_string(),
                None => String::new(),
            };
            match (name.as_str(), reason.trim().parse::<u32>()) {
                ("ErrorCode", Ok(n)) if code.is_none() => code = Some(ErrorCode::from_code(n)),
                _ => field_errors.push(FieldError { name, reason }),
            }
        }
        Self {
            status,
            title: wire.title,
            detail: wire.detail,
            trace_id: wire.trace_id,
            instance: wire.instance,
            type_uri: wire.type_uri,
            code,
            field_errors,
            retry_after: None,
        }
    }

    /// Whether the same request may succeed later: HTTP 423, 429, 500, 502, 503, 504, or codes
    /// 6160 (busy) and 6280 (capture failed, retry).
    pub fn is_retryable(&self) -> bool {
        matches!(self.status, 423 | 429 | 500 | 502 | 503 | 504) || self.code.is_some_and(ErrorCode::is_retryable)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the API refused the request (HTTP {}", self.status)?;
        if let Some(code) = self.code {
            write!(f, ", error {}: {}", code.code(), code.meaning())?;
        }
        f.write_str(")")?;
        match (&self.title, &self.detail) {
            (_, Some(detail)) => write!(f, ": {detail}")?,
            (Some(title), None) => write!(f, ": {title}")?,
            (None, None) => {}
        }
        for e in &self.field_errors {
            write!(f, "; {}: {}", e.name, e.reason)?;
        }
        if let Some(trace) = &self.trace_id {
            write!(f, " [traceId {trace}]")?;
        }
        Ok(())
    }
}

/// At most `max` characters of `text`, with a note of how much was cut.
pub(crate) fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}… ({} more bytes)", &text[..i], text.len() - i),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_with_a_code_and_field_errors() {
        let body = br#"{"type":"https://developer.vippsmobilepay.com/docs/APIs/epayment-api/api-guide/errors",
            "title":"Bad Request","status":400,"detail":"Capture amount too high","traceId":"abc-123",
            "instance":"/v1/payments/x/capture",
            "extraDetails":[{"name":"ErrorCode","reason":"6090"},{"name":"modificationAmount","reason":"too high"}]}"#;
        let p = Problem::from_body(400, body);
        assert_eq!(p.code, Some(ErrorCode::CaptureAmountTooHigh));
        assert_eq!(p.trace_id.as_deref(), Some("abc-123"));
        assert_eq!(p.instance.as_deref(), Some("/v1/payments/x/capture"));
        assert_eq!(p.field_errors, [FieldError { name: "modificationAmount".into(), reason: "too high".into() }]);
        assert!(!p.is_retryable());
        let shown = p.to_string();
        assert!(shown.contains("HTTP 400") && shown.contains("6090") && shown.contains("abc-123"), "{shown}");
    }

    #[test]
    fn bodies_that_are_not_problems_give_the_status_alone() {
        for body in [&b""[..], b"not json", b"[1,2]", b"null", b"{\"extraDetails\": 5}", &[0xff, 0xfe]] {
            let p = Problem::from_body(503, body);
            assert_eq!(p, Problem::bare(503));
            assert!(p.is_retryable());
        }
    }

    #[test]
    fn codes_map_both_ways_and_unknown_ones_are_kept() {
        // Every code of the facts sheet has a variant of its own.
        let facts = [
            3010, 4010, 4020, 4040, 4050, 4060, 4070, 4080, 4090, 4100, 4110, 4120, 4130, 4140, 4150, 4160, 5010, 5020,
            5030, 5040, 5050, 5060, 5070, 5080, 5090, 5100, 6010, 6020, 6030, 6040, 6050, 6060, 6070, 6080, 6090, 6100,
            6110, 6120, 6130, 6140, 6150, 6160, 6170, 6180, 6190, 6200, 6210, 6220, 6230, 6250, 6260, 6280, 7010,
            10010, 10020, 10030, 10040, 10050, 10060, 10070,
        ];
        for n in facts {
            assert_eq!(ErrorCode::from_code(n).code(), n);
            assert!(!matches!(ErrorCode::from_code(n), ErrorCode::Other(_)), "{n}");
        }
        assert_eq!(ErrorCode::from_code(10030), ErrorCode::ForceApproveIdentificationRequired);
        assert_eq!(ErrorCode::from_code(7777), ErrorCode::Other(7777));
    }

    #[test]
    fn retryable_codes_are_retryable_whatever_the_status() {
        let mut p = Problem::bare(400);
        assert!(!p.is_retryable());
        p.code = Some(ErrorCode::PaymentBusy);
        assert!(p.is_retryable());
        p.code = Some(ErrorCode::CaptureFailedRetryLater);
        assert!(p.is_retryable());
        for status in [423, 429, 500, 502, 503, 504] {
            assert!(Problem::bare(status).is_retryable(), "{status}");
        }
        for status in [400, 401, 403, 404, 409, 422] {
            assert!(!Problem::bare(status).is_retryable(), "{status}");
        }
    }

    #[test]
    fn a_url_keeps_what_is_not_secret_or_else_its_scheme_alone_and_a_placeholder_host() {
        let blanked = |url: &str| {
            let mut url = reqwest::Url::parse(url).unwrap();
            let shown = url.as_str().replace("sub-key", "[REDACTED]");
            blank_url(&mut url, &shown);
            url.to_string()
        };
        assert_eq!(blanked("http://127.0.0.1:8/sub-key/x?k=sub-key"), "http://127.0.0.1:8/[REDACTED]/x?k=[REDACTED]");
        assert_eq!(blanked("http://sub-key.example:8/sub-key?k=1#f"), "http://redacted.invalid/");
    }

    #[test]
    fn cut_keeps_short_text_and_marks_long_text() {
        assert_eq!(cut("abc", 5), "abc");
        assert_eq!(cut("abcdef", 3), "abc… (3 more bytes)");
        assert_eq!(cut("ææææ", 2), "ææ… (4 more bytes)");
    }
}
