//! What a generated client adds to each request, and what it notes of each answer.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// Extra headers and a timeout for every request of one generated `Client`, and a note of the
/// last answer's status and headers.
///
/// The headers typically hold `Authorization: Bearer <token>`, which the documents declare as
/// a security scheme rather than a parameter. Values marked sensitive (see
/// [`RequestContext::with_sensitive_header`]) print as `Sensitive` in `Debug` output, so a
/// client can be logged without leaking its token.
///
/// The note exists because progenitor's error for an answer whose body does not decode keeps
/// neither the status nor the headers (`Retry-After`, for one); [`RequestContext::last_answer`]
/// has them. Clones share the note.
#[derive(Clone, Debug, Default)]
pub struct RequestContext {
    headers: HeaderMap,
    timeout: Option<Duration>,
    last_answer: Arc<Mutex<Option<Answer>>>,
}

/// The status and headers of an answer, as the post-hook saw them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
}

impl RequestContext {
    /// A context that adds nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name: value` to every request, replacing a header of that name.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Like [`with_header`](Self::with_header), with the value marked sensitive: hidden from
    /// `Debug` output and from HTTP/2 header compression tables.
    pub fn with_sensitive_header(self, name: HeaderName, mut value: HeaderValue) -> Self {
        value.set_sensitive(true);
        self.with_header(name, value)
    }

    /// Sets a timeout on every request, whatever the `reqwest::Client` was built with.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The headers this context adds.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The status and headers of the last answer received through this context, if any.
    pub fn last_answer(&self) -> Option<Answer> {
        self.last_answer.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The generated clients' pre-hook: adds the headers and the timeout to `request`.
    pub fn apply(&self, request: &mut reqwest::Request) {
        for (name, value) in &self.headers {
            request.headers_mut().insert(name, value.clone());
        }
        if let Some(timeout) = self.timeout {
            *request.timeout_mut() = Some(timeout);
        }
    }

    /// The generated clients' post-hook: notes the answer's status and headers.
    pub fn observe(&self, result: &reqwest::Result<reqwest::Response>) {
        let answer = result.as_ref().ok().map(|r| Answer { status: r.status(), headers: r.headers().clone() });
        *self.last_answer.lock().unwrap_or_else(PoisonError::into_inner) = answer;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::AUTHORIZATION;

    #[test]
    fn sensitive_values_are_added_but_never_printed() {
        let ctx = RequestContext::new()
            .with_sensitive_header(AUTHORIZATION, HeaderValue::from_static("Bearer secret-token"))
            .with_header(HeaderName::from_static("x-extra"), HeaderValue::from_static("1"))
            .with_timeout(Duration::from_secs(3));
        let mut request = reqwest::Request::new(reqwest::Method::GET, "http://127.0.0.1/".parse().unwrap());
        request.headers_mut().insert(AUTHORIZATION, HeaderValue::from_static("Bearer old"));
        ctx.apply(&mut request);
        assert_eq!(request.headers()[AUTHORIZATION], "Bearer secret-token");
        assert_eq!(request.headers()["x-extra"], "1");
        assert_eq!(request.timeout(), Some(&Duration::from_secs(3)));
        let debug = format!("{ctx:?}");
        assert!(!debug.contains("secret-token"), "{debug}");
        assert!(debug.contains("x-extra"), "{debug}");
    }
}
