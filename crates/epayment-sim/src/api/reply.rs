//! What the core hands the transport: a reply to write, when, or none at all.

use std::time::Duration;

use bytes::Bytes;

/// What the transport does with one request.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Send this reply.
    Respond(Reply),
    /// Send this reply after waiting (an injected delay; the operation was applied).
    RespondAfter(Duration, Reply),
    /// Close the connection without a reply (the operation was applied).
    DropConnection,
}

/// A reply before the transport writes it. The body is serialised once, here: the front
/// writes these bytes and the exchange log keeps them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Option<Bytes>,
}

impl Reply {
    pub(crate) fn json(status: u16, body: &impl serde::Serialize) -> Self {
        // Serialising the simulator's own values cannot fail: they are plain data.
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        Self { status, headers: Vec::new(), body: Some(Bytes::from(bytes)) }
    }

    /// A reply whose body is already JSON bytes (a kept answer, replayed or first sent).
    pub(crate) fn json_bytes(status: u16, body: Bytes) -> Self {
        Self { status, headers: Vec::new(), body: Some(body) }
    }

    pub(crate) fn empty(status: u16) -> Self {
        Self { status, headers: Vec::new(), body: None }
    }

    /// The content type of its body, if it has one: problems are `application/problem+json`.
    pub(crate) fn content_type(&self) -> Option<&'static str> {
        self.body.as_ref()?;
        Some(if self.status >= 400 { "application/problem+json" } else { "application/json" })
    }
}
