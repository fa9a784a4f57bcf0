//! The simulated API without a transport: one request in, one [`Outcome`] out.
//!
//! [`SimulatedApi::answer`] routes the request, takes its endpoint's next fault (one step,
//! under one lock), serves it ([`epayment`], [`token`], [`webhooks_api`]), and records the
//! exchange. The HTTP front in [`crate::front`] only moves bytes: it reads the request, hands
//! it here, and writes, delays or drops the answer as the outcome says.

mod epayment;
mod problem;
mod sim_clock;
mod token;
mod webhooks_api;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use epayment_openapi::ApiDocument;
use http::Request;

use crate::endpoint::{self, Endpoint, Route};
use crate::faults::{Fault, Faults, LostAnswer};
use crate::model::{ApiError, Model};
use crate::recording::{RawExchange, Recorder};
use crate::webhooks::WebhookDispatcher;

/// What the transport does with one request.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Send this answer.
    Respond(Answer),
    /// Send this answer after waiting (an injected delay; the operation was applied).
    RespondAfter(Duration, Answer),
    /// Close the connection without an answer (the operation was applied).
    DropConnection,
}

/// An answer before the transport writes it. The body is serialised once, here: the front
/// writes these bytes and the recording keeps them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Option<Bytes>,
}

impl Answer {
    pub(crate) fn json(status: u16, body: &impl serde::Serialize) -> Self {
        // Serialising the simulator's own values cannot fail: they are plain data.
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        Self { status, headers: Vec::new(), body: Some(Bytes::from(bytes)) }
    }

    /// An answer whose body is already JSON bytes (a kept answer, replayed or first sent).
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

/// The simulated API's state, and the function that answers a request with it.
pub(crate) struct SimulatedApi {
    pub(crate) document: ApiDocument,
    model: Mutex<Model>,
    faults: Mutex<Faults>,
    recorder: Mutex<Recorder>,
    pub(crate) webhooks: Arc<WebhookDispatcher>,
    traces: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a lock leaves data that is still consistent enough to serve from:
    // every change under these locks is made whole or not at all.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The request's header `name` as text, if it has one.
pub(crate) fn header<'r>(request: &'r Request<Bytes>, name: &str) -> Option<&'r str> {
    request.headers().get(name).and_then(|v| v.to_str().ok())
}

impl SimulatedApi {
    pub(crate) fn new(
        document: ApiDocument,
        model: Model,
        recorder: Recorder,
        webhooks: Arc<WebhookDispatcher>,
    ) -> Self {
        Self {
            document,
            model: Mutex::new(model),
            faults: Mutex::new(Faults::default()),
            recorder: Mutex::new(recorder),
            webhooks,
            traces: AtomicU64::new(0),
        }
    }

    pub(crate) fn model(&self) -> MutexGuard<'_, Model> {
        lock(&self.model)
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, Faults> {
        lock(&self.faults)
    }

    pub(crate) fn recorder(&self) -> MutexGuard<'_, Recorder> {
        lock(&self.recorder)
    }

    /// Runs `f` on the model, then hands the events it caused to the webhook dispatcher
    /// before the lock is released, so that events are queued in the order they happened.
    /// What came due on the clock since the last call (expiries) is applied first.
    pub(crate) fn with_model<R>(&self, f: impl FnOnce(&mut Model) -> R) -> R {
        let mut model = self.model();
        model.catch_up();
        let result = f(&mut model);
        self.webhooks.publish(model.take_notifications());
        result
    }

    /// Answers one request: routing, its endpoint's next fault, the endpoint, the recording.
    pub(crate) fn answer(&self, request: &Request<Bytes>) -> Outcome {
        let Some(route) = endpoint::route(&self.document, request.method().as_str(), request.uri().path()) else {
            let answer = self.unexpected(request);
            self.record("unexpected", request, &answer);
            return Outcome::Respond(answer);
        };
        // fidelity: injected-faults
        // Taken in one step: a queued fault belongs to exactly one request.
        let fault = self.faults().take(route.endpoint);
        let outcome = match fault {
            None => Outcome::Respond(self.serve(&route, request)),
            Some(Fault::Fail { status, retry_after }) => {
                let failure = ApiError { retry_after, ..ApiError::status(status, None, "injected fault") };
                Outcome::Respond(self.problem(request, &failure))
            }
            Some(Fault::Refuse { status, code }) => {
                epayment::record_failure(self, &route, request);
                let refusal = ApiError::status(status, Some(code), "injected refusal");
                Outcome::Respond(self.problem(request, &refusal))
            }
            Some(Fault::LoseAnswer(LostAnswer::ServerError)) => {
                let _applied = self.serve(&route, request);
                let lost = ApiError::internal("injected fault: applied, answer lost");
                Outcome::Respond(self.problem(request, &lost))
            }
            Some(Fault::LoseAnswer(LostAnswer::DroppedConnection)) => {
                let _applied = self.serve(&route, request);
                Outcome::DropConnection
            }
            Some(Fault::Delay(delay)) => Outcome::RespondAfter(delay, self.serve(&route, request)),
        };
        // A dropped connection is recorded with status 0: no answer went out.
        let dropped = Answer::empty(0);
        let recorded = match &outcome {
            Outcome::Respond(answer) | Outcome::RespondAfter(_, answer) => answer,
            Outcome::DropConnection => &dropped,
        };
        self.record(route.endpoint.id(), request, recorded);
        outcome
    }

    /// A request whose body is over the front's limit: 413, recorded, nothing applied.
    pub(crate) fn too_large(&self, request: &Request<Bytes>, limit: usize) -> Answer {
        let detail = format!("the request body is larger than {limit} bytes");
        let answer = self.problem(request, &ApiError::status(413, None, detail));
        let operation = endpoint::route(&self.document, request.method().as_str(), request.uri().path())
            .map_or("unexpected", |r| r.endpoint.id());
        self.record(operation, request, &answer);
        answer
    }

    /// Serves a routed request; a refusal becomes its problem document.
    fn serve(&self, route: &Route, request: &Request<Bytes>) -> Answer {
        let served = match route.endpoint {
            Endpoint::Token => token::issue(self, request),
            Endpoint::ReadClock | Endpoint::AdvanceClock => sim_clock::serve(self, route, request),
            Endpoint::RegisterWebhook | Endpoint::ListWebhooks | Endpoint::DeleteWebhook => {
                webhooks_api::serve(self, route, request)
            }
            _ => epayment::serve(self, route, request),
        };
        served.unwrap_or_else(|error| self.problem(request, &error))
    }

    /// A call no endpoint serves: a 405 problem (with `Allow`) when the path is an
    /// operation's under another method, a 404 problem otherwise.
    // fidelity: unknown-path-404
    // fidelity: method-405
    fn unexpected(&self, request: &Request<Bytes>) -> Answer {
        let path = request.uri().path();
        let allowed = endpoint::methods_at(&self.document, path);
        if allowed.is_empty() {
            let detail = format!("no operation serves {} {path}", request.method());
            return self.problem(request, &ApiError::status(404, None, detail));
        }
        let detail = format!("{path} takes {}, not {}", allowed.join(", "), request.method());
        let mut answer = self.problem(request, &ApiError::status(405, None, detail));
        answer.headers.push(("allow", allowed.join(", ")));
        answer
    }

    fn problem(&self, request: &Request<Bytes>, error: &ApiError) -> Answer {
        let trace_id = format!("sim-trace-{:08}", self.traces.fetch_add(1, Ordering::Relaxed) + 1);
        // fidelity: problem-instance
        // The API's `instance` is the path without the server's base (`/epayment`).
        let path = request.uri().path();
        let instance = path.strip_prefix(self.document.base_path()).filter(|p| p.starts_with('/')).unwrap_or(path);
        let mut answer = problem::render(error, instance, trace_id);
        if let Some(seconds) = error.retry_after {
            answer.headers.push(("retry-after", seconds.to_string()));
        }
        answer
    }

    fn record(&self, operation: &'static str, request: &Request<Bytes>, answer: &Answer) {
        // Clones of the parts are cheap: header values and bodies are reference-counted.
        let exchange = RawExchange {
            operation,
            method: request.method().clone(),
            uri: request.uri().clone(),
            headers: request.headers().clone(),
            body: request.body().clone(),
            status: answer.status,
            response_headers: answer.headers.clone(),
            response_content_type: answer.content_type(),
            response_body: answer.body.clone().unwrap_or_default(),
        };
        self.recorder().push(exchange);
    }
}

#[cfg(test)]
mod fuzz;
