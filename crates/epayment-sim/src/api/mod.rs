//! The simulated API without a transport: one request in, one [`Outcome`] out.
//!
//! [`SimulatedApi::answer`] routes the request ([`route`]), reads it once into a [`Call`],
//! takes its endpoint's next fault ([`faults`]: one step, under one lock), hands it to the
//! endpoint's handler ([`epayment`], [`token`], [`webhook_registrations`], [`sim_clock`],
//! [`sim_customer`]: [`SimulatedApi::serve`] is the one table of which handler serves which
//! endpoint), and logs the exchange ([`exchange_log`]).
//! The HTTP front in `crate::front` only moves bytes: it reads the request, hands it here,
//! and writes, delays or drops the reply as the outcome says.

mod call;
mod crashes;
mod epayment;
mod exchange_log;
mod faults;
mod leniency;
mod problem;
mod reply;
mod route;
mod sim_clock;
mod sim_customer;
pub(crate) mod tenants;
mod token;
mod webhook_registrations;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use bytes::Bytes;
use epayment_openapi::ApiDocument;
use http::Request;

pub(crate) use call::Call;
pub(crate) use exchange_log::ExchangeLog;
pub use exchange_log::{Exchange, RecordedRequest, RecordedResponse, body_value};
pub use faults::{Fault, LostAnswer};
pub(crate) use reply::{Outcome, Reply};

use crate::delivery::WebhookDispatcher;
use crate::endpoint::Endpoint;
use crate::lock::lock;
use crate::model::{ApiError, Model};
use exchange_log::BodyKept;
use faults::Faults;
use tenants::Tenants;

/// The simulated API's state, and the function that answers a request with it.
pub(crate) struct SimulatedApi {
    pub(crate) document: ApiDocument,
    pub(crate) tenants: Tenants,
    faults: Mutex<Faults>,
    exchanges: Mutex<ExchangeLog>,
    traces: AtomicU64,
    /// The panics survived while answering.
    crashes: crashes::Crashes,
    /// The rules as written, or, on a mutation run's simulators only, with one mutant (whose
    /// swapped answers are applied here).
    pub(crate) rules: crate::mutants::Rules,
    /// Answers as production does: force approve, a test environment endpoint, is not there.
    pub(crate) like_production: bool,
}

impl SimulatedApi {
    pub(crate) fn new(document: ApiDocument, tenants: Tenants, exchanges: ExchangeLog) -> Self {
        Self {
            document,
            tenants,
            faults: Mutex::new(Faults::default()),
            exchanges: Mutex::new(exchanges),
            traces: AtomicU64::new(0),
            crashes: crashes::Crashes::default(),
            rules: crate::mutants::Rules::default(),
            like_production: false,
        }
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, Faults> {
        lock(&self.faults)
    }

    pub(crate) fn exchanges(&self) -> MutexGuard<'_, ExchangeLog> {
        lock(&self.exchanges)
    }

    /// Runs `f` on the first tenant's model (the only one without tenants); see
    /// [`tenants::TenantState::with_model`].
    pub(crate) fn with_model<R>(&self, f: impl FnOnce(&mut Model) -> R) -> R {
        self.tenants.first().with_model(f)
    }

    /// Runs `f` on the model of the tenant that owns `msn` (the first if none does).
    pub(crate) fn with_model_of<R>(&self, msn: &str, f: impl FnOnce(&mut Model) -> R) -> R {
        self.tenants.owning(msn).with_model(f)
    }

    /// Runs the customer's action `f` on the model of the tenant that owns `msn`; a refusal
    /// comes as the API would send it (swapped under a mutation run's swap mutant), as the
    /// customer endpoint answers it over HTTP.
    pub(crate) fn customer_acts(
        &self,
        msn: &str,
        f: impl FnOnce(&mut Model) -> Result<(), ApiError>,
    ) -> Result<(), ApiError> {
        self.with_model_of(msn, f).map_err(|refusal| refusal.as_sent(&self.rules).unwrap_or(refusal))
    }

    /// The first tenant's webhook registrations and deliveries.
    pub(crate) fn webhooks(&self) -> &WebhookDispatcher {
        &self.tenants.first().webhooks
    }

    /// Answers one request as [`Self::answer`] does, and survives a panic there: a defect of
    /// the simulator, answered with a 500 problem that says so, and kept ([`Self::crashes`]).
    pub(crate) fn answer_surviving(&self, request: &Request<Bytes>) -> Outcome {
        let answered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.answer(request)));
        answered.unwrap_or_else(|payload| {
            let message = crashes::message(payload.as_ref());
            self.crashes.record(&message);
            let crash = ApiError::internal(format!("the simulator crashed (a defect of the simulator): {message}"));
            let reply = self.problem(request, &crash);
            self.log("crashed", request, &reply);
            Outcome::Respond(reply)
        })
    }

    /// The messages of the panics survived while answering (see [`Self::answer_surviving`]).
    pub(crate) fn crashes(&self) -> Vec<String> {
        self.crashes.messages()
    }

    /// Answers one request: routing, its endpoint's next fault, the endpoint, the log.
    pub(crate) fn answer(&self, request: &Request<Bytes>) -> Outcome {
        let Some(route) = route::route(&self.document, request.method().as_str(), request.uri().path()) else {
            let reply = self.unexpected(request);
            self.log("unexpected", request, &reply);
            return Outcome::Respond(reply);
        };
        let call = Call::new(route, request);
        // fidelity: injected-faults
        // Taken in one step: a queued fault belongs to exactly one request.
        let fault = self.faults().take(call.endpoint);
        let outcome = match fault {
            None => Outcome::Respond(self.serve(&call)),
            Some(Fault::Fail { status, retry_after }) => {
                let failure = ApiError { retry_after, ..ApiError::status(status, "injected fault") };
                Outcome::Respond(self.problem(request, &failure))
            }
            Some(Fault::Refuse { status, code }) => {
                epayment::record_failure(&self.tenants, &call);
                // The code as the test gave it: it may be one the API does not know.
                let refusal = ApiError { code: Some(code), ..ApiError::status(status, "injected refusal") };
                Outcome::Respond(self.problem(request, &refusal))
            }
            Some(Fault::LoseAnswer(LostAnswer::ServerError)) => {
                let _applied = self.serve(&call);
                let lost = ApiError::internal("injected fault: applied, answer lost");
                Outcome::Respond(self.problem(request, &lost))
            }
            Some(Fault::LoseAnswer(LostAnswer::DroppedConnection)) => {
                let _applied = self.serve(&call);
                Outcome::DropConnection
            }
            Some(Fault::Delay(delay)) => Outcome::RespondAfter(delay, self.serve(&call)),
        };
        // A dropped connection is logged with status 0: no reply went out.
        let dropped = Reply::empty(0);
        let logged = match &outcome {
            Outcome::Respond(reply) | Outcome::RespondAfter(_, reply) => reply,
            Outcome::DropConnection => &dropped,
        };
        self.log(call.endpoint.id(), request, logged);
        outcome
    }

    /// A request whose body is over the front's limit: 413, logged without its body, nothing
    /// applied.
    pub(crate) fn too_large(&self, request: &Request<Bytes>, limit: usize) -> Reply {
        let detail = format!("the request body is larger than {limit} bytes");
        let reply = self.problem(request, &ApiError::status(413, detail));
        let operation = route::route(&self.document, request.method().as_str(), request.uri().path())
            .map_or("unexpected", |r| r.endpoint.id());
        self.log(operation, request, &reply);
        reply
    }

    /// Serves a routed request with its endpoint's handler; a refusal becomes its problem
    /// document.
    fn serve(&self, call: &Call<'_>) -> Reply {
        let tenants = &self.tenants;
        // An ePayment operation: the document's checks and the credentials, then `handle`.
        let operation = |handle| epayment::serve(&self.document, tenants, call, handle);
        let served = match call.endpoint {
            // fidelity: production-has-no-force-approve
            Endpoint::ForceApprove if self.like_production => Err(ApiError::status(
                404,
                format!(
                    "no operation serves {} {}: this sandbox answers as production, which has no force approve",
                    call.request().method(),
                    call.request().uri().path()
                ),
            )),
            Endpoint::Create => operation(epayment::create),
            Endpoint::Get => operation(epayment::get),
            Endpoint::Events => operation(epayment::events),
            Endpoint::Capture => operation(epayment::capture),
            Endpoint::Refund => operation(epayment::refund),
            Endpoint::Cancel => operation(epayment::cancel),
            Endpoint::ForceApprove => operation(epayment::force_approve),
            Endpoint::Token => token::issue(tenants, call),
            Endpoint::RegisterWebhook => webhook_registrations::register(tenants, call),
            Endpoint::ListWebhooks => webhook_registrations::list(tenants, call),
            Endpoint::DeleteWebhook => webhook_registrations::delete(tenants, call),
            Endpoint::ReadClock => sim_clock::read(tenants, call),
            Endpoint::AdvanceClock => sim_clock::advance(tenants, call),
            Endpoint::Customer => sim_customer::serve(tenants, call),
        };
        served.unwrap_or_else(|error| self.problem(call.request(), &error))
    }

    /// A call no endpoint serves: a 405 problem (with `Allow`) when the path is an
    /// operation's under another method, a 404 problem otherwise.
    // fidelity: unknown-path-404
    // fidelity: method-405
    fn unexpected(&self, request: &Request<Bytes>) -> Reply {
        let path = request.uri().path();
        let allowed = route::methods_at(&self.document, path);
        if allowed.is_empty() {
            let detail = format!("no operation serves {} {path}", request.method());
            return self.problem(request, &ApiError::status(404, detail));
        }
        let detail = format!("{path} takes {}, not {}", allowed.join(", "), request.method());
        let mut reply = self.problem(request, &ApiError::status(405, detail));
        reply.headers.push(("allow", allowed.join(", ")));
        reply
    }

    fn problem(&self, request: &Request<Bytes>, error: &ApiError) -> Reply {
        let swapped = error.as_sent(&self.rules);
        let error = swapped.as_ref().unwrap_or(error);
        let trace_id = format!("sim-trace-{:08}", self.traces.fetch_add(1, Ordering::Relaxed) + 1);
        // fidelity: problem-instance
        // The API's `instance` is the path without the server's base (`/epayment`).
        let path = request.uri().path();
        let instance = path.strip_prefix(self.document.base_path()).filter(|p| p.starts_with('/')).unwrap_or(path);
        let mut reply = problem::render(error, instance, trace_id);
        if let Some(seconds) = error.retry_after {
            reply.headers.push(("retry-after", seconds.to_string()));
        }
        reply
    }

    /// Logs an exchange. What was refused before anyone read it (a path nothing serves, a body
    /// over the limit) keeps no body, and a call refused for its credentials only a small one:
    /// the log's memory is what the simulator chooses to keep, not what a caller sends.
    fn log(&self, operation: &'static str, request: &Request<Bytes>, reply: &Reply) {
        let kept = match (operation, reply.status) {
            ("unexpected", _) | (_, 413) => BodyKept::None,
            (_, 401) => BodyKept::Small,
            _ => BodyKept::UpToLimit,
        };
        self.exchanges().record(operation, request, reply, kept);
    }
}

#[cfg(test)]
mod fuzz;
