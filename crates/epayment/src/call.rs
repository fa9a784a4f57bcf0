//! One call of an operation, from its first attempt to its last: the tracing span, each
//! attempt's token and deadline, and the retry decision between attempts.
//!
//! An operation builds its whole request in one closure (see [`crate::ops`]); a [`Call`] runs
//! that closure once per attempt against the generated client of the current token, so every
//! attempt sends the same key and the same body.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use epayment_api::RequestContext;
use epayment_api::epayment as api;
use tracing::{Instrument as _, field};

use crate::answer::{Body, translate};
use crate::client::{Client, Session};
use crate::error::{Error, ErrorChain};
use crate::ids::{IdempotencyKey, Reference};
use crate::sleep::Stopwatch;

/// What an operation's request gives: the generated builder's `send()`, boxed (a future
/// that borrows the generated client it was built from).
pub(crate) type Sending<'c, T, E> =
    Pin<Box<dyn Future<Output = Result<api::ResponseValue<T>, api::Error<E>>> + Send + 'c>>;

/// A call of one operation about one payment, before it is sent.
#[must_use = "nothing is sent until .send()"]
pub(crate) struct Call<'a> {
    client: &'a Client,
    id: &'static str,
    reference: &'a Reference,
    idempotency_key: Option<&'a IdempotencyKey>,
    within: Option<Duration>,
}

/// Why one attempt failed: the API refused the token (worth one retry with a new one), or
/// anything else.
enum Failure {
    Unauthorized(Arc<Session>, Error),
    Other(Error),
}

impl Client {
    /// A call of operation `id` (one of the generated `operation_ids`) about `reference`.
    pub(crate) fn call<'a>(&'a self, id: &'static str, reference: &'a Reference) -> Call<'a> {
        Call { client: self, id, reference, idempotency_key: None, within: None }
    }
}

impl<'a> Call<'a> {
    /// The idempotency key the request carries, for the span.
    pub(crate) fn idempotency_key(mut self, key: &'a IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }

    /// The longest the whole call may take, retries included, where that is less than the
    /// retry budget (a read within [`Client::wait_for`]'s deadline).
    pub(crate) fn within(mut self, limit: Option<Duration>) -> Self {
        self.within = limit;
        self
    }

    /// Sends `request` until it succeeds, fails for good, or the retry policy is spent.
    /// `request` builds the operation's request from the generated client it is given (which
    /// adds the token, the system headers, Psp-Id and the body limit) and must build the same
    /// request each time: the same idempotency key and the same body.
    pub(crate) async fn send<T, E>(self, mut request: impl FnMut(&api::Client) -> Sending<'_, T, E>) -> Result<T, Error>
    where
        E: serde::Serialize,
    {
        let span = tracing::info_span!(
            "epayment",
            operation = self.id,
            reference = self.reference.as_str(),
            idempotency_key = field::Empty,
            attempt = field::Empty,
            status = field::Empty,
            trace_id = field::Empty,
        );
        if let Some(key) = self.idempotency_key {
            span.record("idempotency_key", key.as_str());
        }
        let (client, id, within) = (self.client, self.id, self.within);
        let retry = &client.inner.retry;
        let shown = span.clone();
        async move {
            // The retry budget is a deadline, counted on the sleeper's clock.
            let mut clock = Stopwatch::start(client.sleeper());
            let mut attempt = 0;
            let mut renewed_token = false;
            loop {
                attempt += 1;
                shown.record("attempt", attempt);
                // Each attempt's timeout shrinks to what is left of the budget.
                let elapsed = clock.elapsed();
                let left = left_within(retry.time_left(elapsed), within, elapsed);
                let timeout = match (client.inner.timeout, left) {
                    (Some(own), Some(left)) => Some(own.min(left)),
                    (own, left) => own.or(left),
                };
                if timeout.is_some_and(|t| t.is_zero()) {
                    return Err(Error::Timeout { operation: id });
                }
                let error = match self.attempt(timeout, &mut request, &shown).await {
                    Ok(value) => return Ok(value),
                    Err(Failure::Unauthorized(session, error)) => {
                        client.inner.tokens.invalidate(&session).await;
                        if !renewed_token {
                            // The token may have expired early: fetch a new one and try once more.
                            renewed_token = true;
                            tracing::debug!("the API refused the token; fetching a new one");
                            attempt -= 1;
                            continue;
                        }
                        return Err(Error::Auth {
                            status: Some(401),
                            message: format!("{id} was refused with a freshly fetched token: {error}"),
                        });
                    }
                    Err(Failure::Other(error)) => error,
                };
                if !error.is_retryable() {
                    return Err(error);
                }
                let retry_after = error.problem().and_then(|p| p.retry_after);
                let Some(wait) = retry.next_wait(attempt, clock.elapsed(), retry_after) else {
                    return Err(error);
                };
                if within.is_some_and(|within| clock.elapsed().saturating_add(wait) >= within) {
                    return Err(error);
                }
                let wait_ms = wait.as_millis() as u64;
                tracing::warn!(error = %ErrorChain(&error), wait_ms, "retrying with the same idempotency key");
                clock.sleep(wait).await;
            }
        }
        .instrument(span)
        .await
    }

    /// One attempt within `timeout`: the token (waiting for another call's fetch counts
    /// too, so that however many calls wait for one token, none outlives its budget), the
    /// request, and reading its answer.
    async fn attempt<T, E>(
        &self,
        timeout: Option<Duration>,
        request: &mut impl FnMut(&api::Client) -> Sending<'_, T, E>,
        span: &tracing::Span,
    ) -> Result<T, Failure>
    where
        E: serde::Serialize,
    {
        let attempt = async {
            let session = self.client.session().await.map_err(Failure::Other)?;
            let (outcome, answered) = RequestContext::noting(request(&session.epayment)).await;
            match outcome {
                Ok(answer) => {
                    span.record("status", answer.status().as_u16());
                    Ok(answer.into_inner())
                }
                Err(e) => {
                    // Boxed: errors are rare, and inline they would make every call's future larger.
                    let error = Box::pin(translate(self.id, e, answered, Body::Show)).await;
                    let error = error.without_secrets(&self.client.secrets(Some(&session)));
                    if let Some(status) = error.status() {
                        span.record("status", status);
                    }
                    if let Some(trace_id) = error.problem().and_then(|p| p.trace_id.as_deref()) {
                        span.record("trace_id", trace_id);
                    }
                    if error.status() == Some(401) {
                        Err(Failure::Unauthorized(session, error))
                    } else {
                        Err(Failure::Other(error))
                    }
                }
            }
        };
        match timeout {
            Some(limit) => (self.client.inner.attempt_timer.within(limit, attempt).await)
                .unwrap_or_else(|| Err(Failure::Other(Error::Timeout { operation: self.id }))),
            None => attempt.await,
        }
    }
}

/// What is left of the retry budget (`left`, if it has one) and of `within`, `elapsed` in.
fn left_within(left: Option<Duration>, within: Option<Duration>, elapsed: Duration) -> Option<Duration> {
    let within = within.map(|within| within.saturating_sub(elapsed));
    match (left, within) {
        (Some(left), Some(within)) => Some(left.min(within)),
        (left, within) => left.or(within),
    }
}
