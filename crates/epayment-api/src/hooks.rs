//! How the generated clients execute a request: as `reqwest` does, with each answer's body
//! read through the [`RequestContext`]'s limit.
//!
//! progenitor lets a hand-written `impl ClientHooks for Client` take precedence over the empty
//! one it generates for `&Client`, so the limit lives here, beside the generated code, and
//! applies to every operation of both clients without touching `src/generated/`.

use std::fmt;

use http_body_util::{BodyExt as _, Limited};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::ResponseBuilderExt as _;

use crate::RequestContext;

/// An answer's body was longer than the limit set with [`RequestContext::with_body_limit`].
/// Found in the source chain of the `reqwest::Error` that reading the body failed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResponseTooLarge {
    /// The limit, in bytes.
    pub limit: usize,
}

impl fmt::Display for ResponseTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the answer's body is longer than the limit of {} bytes", self.limit)
    }
}

impl std::error::Error for ResponseTooLarge {}

impl ResponseTooLarge {
    /// The limit that `error` (or an error in its source chain) reports, if reading a body
    /// failed for being too large.
    pub fn find(error: &(dyn std::error::Error + 'static)) -> Option<ResponseTooLarge> {
        let mut current = Some(error);
        while let Some(e) = current {
            if let Some(found) = e.downcast_ref::<ResponseTooLarge>() {
                return Some(*found);
            }
            current = e.source();
        }
        None
    }
}

/// Executes `request` with `context`'s body limit: the answer is handed on at once, and its
/// body fails as soon as more than the limit arrives. A declared `Content-Length` over the
/// limit fails before a byte of the body is read; one within it is all that is read, so such
/// an answer is handed on as it is.
async fn execute(
    http: &reqwest::Client,
    context: &RequestContext,
    request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let response = http.execute(request).await?;
    let Some(limit) = context.body_limit() else { return Ok(response) };
    let declared = response.content_length();
    if declared.is_some_and(|n| n <= limit as u64) {
        return Ok(response);
    }
    let declared_too_long = declared.is_some();
    let url = response.url().clone();
    let response: http::Response<reqwest::Body> = response.into();
    let (mut parts, body) = response.into_parts();
    let allowed = if declared_too_long { 0 } else { limit };
    let body = Limited::new(body, allowed).map_err(move |e| -> Box<dyn std::error::Error + Send + Sync> {
        if e.is::<http_body_util::LengthLimitError>() { Box::new(ResponseTooLarge { limit }) } else { e }
    });
    // reqwest keeps the answer's URL in an extension that only its builder sets.
    if let Ok(marked) = http::Response::builder().url(url).body(()) {
        parts.extensions.extend(marked.into_parts().0.extensions);
    }
    Ok(reqwest::Response::from(http::Response::from_parts(parts, reqwest::Body::wrap(body))))
}

macro_rules! limited_hooks {
    ($($client:path),*) => {$(
        impl ClientHooks<RequestContext> for $client {
            async fn exec(
                &self,
                request: reqwest::Request,
                _info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                execute(self.client(), self.inner(), request).await
            }
        }
    )*};
}

limited_hooks!(crate::epayment::Client, crate::access_token::Client);
