//! Headers added to every request a generated client sends.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// Extra headers for every request of one generated `Client`, typically
/// `Authorization: Bearer <token>`, which the documents declare as a security scheme rather
/// than a parameter.
///
/// Values marked sensitive (see [`RequestContext::with_sensitive_header`]) print as
/// `Sensitive` in `Debug` output, so a client can be logged without leaking its token.
#[derive(Clone, Debug, Default)]
pub struct RequestContext {
    headers: HeaderMap,
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

    /// The headers this context adds.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The generated clients' pre-hook: adds the headers to `request`.
    pub fn apply(&self, request: &mut reqwest::Request) {
        for (name, value) in &self.headers {
            request.headers_mut().insert(name, value.clone());
        }
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
            .with_header(HeaderName::from_static("x-extra"), HeaderValue::from_static("1"));
        let mut request = reqwest::Request::new(reqwest::Method::GET, "http://127.0.0.1/".parse().unwrap());
        request.headers_mut().insert(AUTHORIZATION, HeaderValue::from_static("Bearer old"));
        ctx.apply(&mut request);
        assert_eq!(request.headers()[AUTHORIZATION], "Bearer secret-token");
        assert_eq!(request.headers()["x-extra"], "1");
        let debug = format!("{ctx:?}");
        assert!(!debug.contains("secret-token"), "{debug}");
        assert!(debug.contains("x-extra"), "{debug}");
    }
}
