//! What a generated client adds to each request, and what it notes of each answer.

use std::cell::RefCell;
use std::future::Future;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};

/// Extra headers and a timeout for every request of one generated `Client`.
///
/// The headers typically hold `Authorization: Bearer <token>`, which the documents declare as
/// a security scheme rather than a parameter. Values marked sensitive (see
/// [`RequestContext::with_sensitive_header`]) print as `Sensitive` in `Debug` output, so a
/// client can be logged without leaking its token.
///
/// A call made inside [`RequestContext::noting`] also gets a note of its own answer's status and
/// `Retry-After`, because progenitor's error for an answer whose body does not decode keeps
/// neither. The note is per call, not per client: concurrent calls on one
/// client (the normal way to use it) each see their own answer.
#[derive(Clone, Debug, Default)]
pub struct RequestContext {
    headers: HeaderMap,
    timeout: Option<Duration>,
    body_limit: Option<usize>,
}

tokio::task_local! {
    /// The answer of the call running in this task, for [`RequestContext::noting`].
    static NOTE: RefCell<Option<Answer>>;
}

/// What an error needs of an answer, as the post-hook saw it: its status and `Retry-After`.
/// Only these are kept (not every header): the note is taken on every call, and read only
/// when one fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// HTTP status.
    pub status: StatusCode,
    /// The `Retry-After` header, if the answer was not a success (2xx) and had one.
    pub retry_after: Option<HeaderValue>,
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

    /// Reads at most `bytes` of each answer's body: a longer one fails the call with a
    /// [`ResponseTooLarge`](crate::ResponseTooLarge) error (inside progenitor's
    /// `ResponseBodyError`) as soon as the limit is passed, without reading the rest, so that
    /// a hostile or broken server cannot make the caller hold gigabytes. No limit unless set.
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = Some(bytes);
        self
    }

    /// The headers this context adds.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body limit, if one is set.
    pub fn body_limit(&self) -> Option<usize> {
        self.body_limit
    }

    /// Runs `call` (a generated operation's `send()`) and returns its output with the status
    /// and `Retry-After` of the answer it received, if it received one.
    pub async fn noting<F: Future>(call: F) -> (F::Output, Option<Answer>) {
        NOTE.scope(RefCell::new(None), async move {
            let output = call.await;
            (output, NOTE.with(|note| note.borrow_mut().take()))
        })
        .await
    }

    /// The generated clients' pre-hook: adds the headers and the timeout to `request`.
    /// Public only because the generated code calls it.
    #[doc(hidden)]
    pub fn apply(&self, request: &mut reqwest::Request) {
        for (name, value) in &self.headers {
            request.headers_mut().insert(name, value.clone());
        }
        if let Some(timeout) = self.timeout {
            *request.timeout_mut() = Some(timeout);
        }
    }

    /// The generated clients' post-hook: notes the answer's status and `Retry-After` for the call
    /// running in this task, if it runs inside [`RequestContext::noting`].
    /// Public only because the generated code calls it.
    #[doc(hidden)]
    pub fn observe(&self, result: &reqwest::Result<reqwest::Response>) {
        let answer = result.as_ref().ok().map(|r| {
            let status = r.status();
            // A success is never retried: its Retry-After would not be read.
            let retry_after = if status.is_success() { None } else { r.headers().get(RETRY_AFTER).cloned() };
            Answer { status, retry_after }
        });
        // Outside `noting` there is no one to tell.
        let _ = NOTE.try_with(|note| *note.borrow_mut() = answer);
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
