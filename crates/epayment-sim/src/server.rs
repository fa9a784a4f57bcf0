//! The transport: wiremock mocks whose responders hand each request to the model.
//!
//! One named mock per operation, routed by the document's own paths; a mock per operation
//! that drops the connection when a fault asks for it; the access-token and Webhooks API
//! endpoints; and a catch-all that answers a 404 problem and records the call as unexpected.
//! wiremock serves one request at a time through its mock set, so the model's lock is never
//! contended.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use epayment_api::epayment::types;
use serde_json::{Value, json};
use wiremock::{Match, Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::Op;
use crate::document::{ApiDocument, Violation};
use crate::faults::{Fault, Faults, LostAnswer};
use crate::model::{ApiError, Keyed, Model};
use crate::recording::{Exchange, RecordedRequest, RecordedResponse, Recorder, body_value};
use crate::webhooks::Hub;

/// Where the ePayment API is served, below the host root.
pub const EPAYMENT_PREFIX: &str = "/epayment";

/// State shared by every responder.
pub(crate) struct Shared {
    pub(crate) model: Mutex<Model>,
    pub(crate) faults: Mutex<Faults>,
    pub(crate) recorder: Mutex<Recorder>,
    pub(crate) hub: Arc<Hub>,
    traces: AtomicU64,
    /// Dropped-connection faults queued, so the drop mocks can refuse a request without a lock.
    pub(crate) drops_pending: std::sync::atomic::AtomicUsize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a lock leaves data that is still consistent enough to serve from.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn new(model: Model, recorder: Recorder, hub: Arc<Hub>) -> Self {
        Self {
            model: Mutex::new(model),
            faults: Mutex::new(Faults::default()),
            recorder: Mutex::new(recorder),
            hub,
            traces: AtomicU64::new(0),
            drops_pending: std::sync::atomic::AtomicUsize::new(0),
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

    /// Hands the model's new events to the webhook hub.
    pub(crate) fn publish(&self, model: &mut Model) {
        self.hub.publish(model.take_notifications());
    }

    fn trace_id(&self) -> String {
        format!("sim-trace-{:08}", self.traces.fetch_add(1, Ordering::Relaxed) + 1)
    }
}

/// An answer before a transport sends it.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Option<Value>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) delay: Option<std::time::Duration>,
}

/// What a transport does with one request.
pub(crate) enum Outcome {
    /// Send this answer.
    Answer(Answer),
    /// Close the connection without an answer (the operation was applied).
    Drop,
}

impl Answer {
    fn json(status: u16, body: Value) -> Self {
        Self { status, body: Some(body), headers: Vec::new(), delay: None }
    }

    fn empty(status: u16) -> Self {
        Self { status, body: None, headers: Vec::new(), delay: None }
    }
}

/// Mounts every mock on `server`.
pub(crate) async fn mount(server: &MockServer, shared: &Arc<Shared>) {
    for op in Op::ALL {
        let dropper = shared.clone();
        Mock::given(Route { op, drop_only: Some(shared.clone()) })
            .respond_with_err(move |request: &Request| drop_connection(&dropper, op, request))
            .with_priority(1)
            .named(format!("{} (dropped connection)", op.id()))
            .mount(server)
            .await;
        Mock::given(Route { op, drop_only: None })
            .respond_with(Responder { op, shared: shared.clone() })
            .with_priority(5)
            .named(op.id())
            .mount(server)
            .await;
    }
    Mock::given(Anything)
        .respond_with(CatchAll { shared: shared.clone() })
        .with_priority(10)
        .named("unexpected")
        .mount(server)
        .await;
}

/// The operation a request is for, by method and path.
pub(crate) fn route(request: &Request) -> Option<(Op, BTreeMap<String, String>)> {
    let path = request.url.path();
    let method = request.method.as_str();
    if let Some(api_path) = path.strip_prefix(EPAYMENT_PREFIX) {
        let (operation, params) = ApiDocument::epayment().route(method, api_path)?;
        return Op::from_id(&operation.id).map(|op| (op, params));
    }
    let op = match (method, path) {
        ("POST", "/accesstoken/get") => Op::Token,
        ("POST", "/webhooks/v1/webhooks") => Op::RegisterWebhook,
        ("GET", "/webhooks/v1/webhooks") => Op::ListWebhooks,
        ("DELETE", p) if p.starts_with("/webhooks/v1/webhooks/") => {
            let id = p.trim_start_matches("/webhooks/v1/webhooks/");
            return (!id.is_empty() && !id.contains('/'))
                .then(|| (Op::DeleteWebhook, BTreeMap::from([("id".to_owned(), id.to_owned())])));
        }
        _ => return None,
    };
    Some((op, BTreeMap::new()))
}

struct Route {
    op: Op,
    /// Set on the dropped-connection mock: it matches only when that fault is next, and
    /// takes it. Matchers run one request at a time, in priority order, so this is exact.
    drop_only: Option<Arc<Shared>>,
}

impl Match for Route {
    fn matches(&self, request: &Request) -> bool {
        // Every request meets every mock until one matches: reject cheaply before routing.
        if let Some(shared) = &self.drop_only
            && shared.drops_pending.load(Ordering::Relaxed) == 0
        {
            return false;
        }
        if request.method.as_str() != self.op.method() || !request.url.path().ends_with(self.op.path_end()) {
            return false;
        }
        if route(request).map(|(op, _)| op) != Some(self.op) {
            return false;
        }
        match &self.drop_only {
            Some(shared) => {
                let taken = shared.faults().take_dropped_connection(self.op);
                if taken {
                    shared.drops_pending.fetch_sub(1, Ordering::Relaxed);
                }
                taken
            }
            None => true,
        }
    }
}

struct Anything;

impl Match for Anything {
    fn matches(&self, _: &Request) -> bool {
        true
    }
}

struct Responder {
    op: Op,
    shared: Arc<Shared>,
}

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        template(&answer_op(&self.shared, self.op, request))
    }
}

/// Serves any request, as a transport without per-operation mocks needs: routes it, honours
/// a queued dropped connection, and records it.
pub(crate) fn serve_any(shared: &Shared, request: &Request) -> Outcome {
    let Some((op, _)) = route(request) else { return Outcome::Answer(answer_unexpected(shared, request)) };
    if shared.drops_pending.load(Ordering::Relaxed) > 0 && shared.faults().take_dropped_connection(op) {
        shared.drops_pending.fetch_sub(1, Ordering::Relaxed);
        drop_connection(shared, op, request);
        return Outcome::Drop;
    }
    Outcome::Answer(answer_op(shared, op, request))
}

/// Serves one request of `op`, faults first, and records it.
fn answer_op(shared: &Shared, op: Op, request: &Request) -> Answer {
    let fault = shared.faults().take(op);
    let answer = match fault {
        Some(Fault::Fail { status, retry_after }) => {
            let mut answer = problem(shared, request, &ApiError::status(status, None, title(status), "injected fault"));
            if let Some(seconds) = retry_after {
                answer.headers.push(("retry-after", seconds.to_string()));
            }
            answer
        }
        Some(Fault::LoseAnswer(LostAnswer::ServerError)) => {
            let _applied = handle(shared, op, request);
            let lost =
                ApiError::status(500, Some(3010), "Internal Server Error", "injected fault: applied, answer lost");
            problem(shared, request, &lost)
        }
        Some(Fault::Delay(delay)) => Answer { delay: Some(delay), ..handle(shared, op, request) },
        // Taken before routing reaches here (the drop mock's matcher, or `serve_any`).
        Some(Fault::LoseAnswer(LostAnswer::DroppedConnection)) | None => handle(shared, op, request),
    };
    record(shared, op.id(), request, &answer);
    answer
}

/// Applies the request and records a status of 0; the transport then closes the connection.
fn drop_connection(shared: &Shared, op: Op, request: &Request) -> std::io::Error {
    let _applied = handle(shared, op, request);
    record(shared, op.id(), request, &Answer::empty(0));
    std::io::Error::new(std::io::ErrorKind::ConnectionReset, "injected fault: applied, connection dropped")
}

/// A call no route serves, recorded as unexpected: a 405 problem (with `Allow`) when the path
/// is an operation's under another method, a 404 problem otherwise.
fn answer_unexpected(shared: &Shared, request: &Request) -> Answer {
    let path = request.url.path();
    let allowed: Vec<&str> = match path.strip_prefix(EPAYMENT_PREFIX) {
        Some(api_path) => ["GET", "POST", "PUT", "DELETE", "PATCH"]
            .into_iter()
            .filter(|m| ApiDocument::epayment().route(m, api_path).is_some())
            .collect(),
        None => Vec::new(),
    };
    let answer = if allowed.is_empty() {
        let error = ApiError::status(404, None, "Not Found", format!("no operation serves {} {path}", request.method));
        problem(shared, request, &error)
    } else {
        let detail = format!("{path} takes {}, not {}", allowed.join(", "), request.method);
        let mut answer = problem(shared, request, &ApiError::status(405, None, "Method Not Allowed", detail));
        answer.headers.push(("allow", allowed.join(", ")));
        answer
    };
    record(shared, "unexpected", request, &answer);
    answer
}

struct CatchAll {
    shared: Arc<Shared>,
}

impl Respond for CatchAll {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        template(&answer_unexpected(&self.shared, request))
    }
}

fn title(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        423 => "Locked",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    }
}

/// The content type of an answer's body.
pub(crate) fn content_type(answer: &Answer) -> &'static str {
    if answer.status >= 400 { "application/problem+json" } else { "application/json" }
}

/// An answer as a wiremock response.
fn template(answer: &Answer) -> ResponseTemplate {
    let mut template = ResponseTemplate::new(answer.status);
    if let Some(body) = &answer.body {
        template = template.set_body_raw(serde_json::to_vec(body).unwrap_or_default(), content_type(answer));
    }
    for (name, value) in &answer.headers {
        template = template.insert_header(*name, value.as_str());
    }
    if let Some(delay) = answer.delay {
        template = template.set_delay(delay);
    }
    template
}

fn record(shared: &Shared, operation: &str, request: &Request, answer: &Answer) {
    let headers = request
        .headers
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let path = match request.url.query() {
        Some(q) => format!("{}?{q}", request.url.path()),
        None => request.url.path().to_owned(),
    };
    let mut response_headers: BTreeMap<String, String> =
        answer.headers.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    if answer.body.is_some() {
        response_headers.insert("content-type".into(), content_type(answer).into());
    }
    shared.recorder().push(Exchange {
        operation: operation.to_owned(),
        request: RecordedRequest { method: request.method.to_string(), path, headers, body: body_value(&request.body) },
        response: RecordedResponse { status: answer.status, headers: response_headers, body: answer.body.clone() },
    });
}

/// The problem document for a refusal.
fn problem(shared: &Shared, request: &Request, error: &ApiError) -> Answer {
    let mut extra: Vec<Value> = Vec::new();
    if let Some(code) = error.code {
        extra.push(json!({"name": "ErrorCode", "reason": code.to_string()}));
    }
    extra.extend(error.fields.iter().map(|(name, reason)| json!({"name": name, "reason": reason})));
    let mut body = json!({
        "type": format!("https://developer.vippsmobilepay.com/docs/APIs/epayment-api/api-guide/errors#{}", error.code.unwrap_or(error.status as u32)),
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        "traceId": shared.trace_id(),
        "instance": request.url.path(),
    });
    if !extra.is_empty() {
        body["extraDetails"] = Value::Array(extra);
    }
    Answer::json(error.status, body)
}

fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Serves one request of `op`: authentication, checks against the document, the model.
fn handle(shared: &Shared, op: Op, request: &Request) -> Answer {
    match serve(shared, op, request) {
        Ok(answer) => answer,
        Err(error) => problem(shared, request, &error),
    }
}

fn serve(shared: &Shared, op: Op, request: &Request) -> Result<Answer, ApiError> {
    if op == Op::Token {
        return token(shared, request);
    }
    let mut model = shared.model();
    model.check_bearer(header(request, "authorization"))?;
    if matches!(op, Op::RegisterWebhook | Op::ListWebhooks | Op::DeleteWebhook) {
        drop(model);
        return webhooks(shared, op, request);
    }
    model.check_subscription_key(header(request, "ocp-apim-subscription-key"))?;

    let Some((_, params)) = route(request) else {
        return Err(ApiError::status(404, None, "Not Found", "no such operation"));
    };
    let body = if request.body.is_empty() {
        None
    } else {
        Some(
            serde_json::from_slice::<Value>(&request.body)
                .map_err(|e| ApiError::validation(vec![("body".into(), format!("not JSON: {e}"))]))?,
        )
    };
    let operation = ApiDocument::epayment().operation(op.id()).ok_or_else(|| {
        ApiError::status(500, Some(3010), "Internal Server Error", format!("{} is not in the document", op.id()))
    })?;
    let headers = |name: &str| header(request, &name.to_ascii_lowercase()).map(str::to_owned);
    let violations = operation.check_request(&headers, &params, body.as_ref());
    if !violations.is_empty() {
        return Err(ApiError::validation(violations.into_iter().map(field_error).collect()));
    }

    let msn = header(request, "merchant-serial-number").unwrap_or_default().to_owned();
    let key = header(request, "idempotency-key").map(str::to_owned);
    let reference = params.get("Reference").cloned().unwrap_or_default();
    let empty = json!({});
    let request_body = body.as_ref().unwrap_or(&empty);
    let answer = match op {
        Op::Create => {
            let request: types::CreatePaymentRequest = decode(&request.body)?;
            let reference = request.reference.to_string();
            let key = key.unwrap_or_default();
            let created = model.idempotent((&msn, &reference, &key), Keyed::Create, request_body, |m| {
                m.create(&msn, &request, Some(&key))
            })?;
            Answer::json(201, created)
        }
        Op::Capture | Op::Refund => {
            let amount = match op {
                Op::Capture => decode::<types::CaptureModificationRequest>(&request.body)?.modification_amount,
                _ => decode::<types::RefundModificationRequest>(&request.body)?.modification_amount,
            };
            let key = key.unwrap_or_default();
            let (keyed, apply): (Keyed, Adjust) = match op {
                Op::Capture => (Keyed::Capture, Model::capture),
                _ => (Keyed::Refund, Model::refund),
            };
            let answer = model.idempotent((&msn, &reference, &key), keyed, request_body, |m| {
                apply(m, &msn, &reference, &amount, Some(&key))
            })?;
            Answer::json(200, answer)
        }
        Op::Cancel => {
            let transaction_only =
                body.as_ref().and_then(|b| b.get("cancelTransactionOnly")).and_then(Value::as_bool).unwrap_or(false);
            let answer = match key {
                Some(key) => model.idempotent((&msn, &reference, &key), Keyed::Cancel, request_body, |m| {
                    m.cancel(&msn, &reference, transaction_only, Some(&key))
                })?,
                None => {
                    serde_json::to_value(model.cancel(&msn, &reference, transaction_only, None)?).unwrap_or_default()
                }
            };
            Answer::json(200, answer)
        }
        Op::Get => Answer::json(200, serde_json::to_value(model.get(&msn, &reference)?).unwrap_or_default()),
        Op::Events => Answer::json(200, serde_json::to_value(model.events(&msn, &reference)?).unwrap_or_default()),
        Op::ForceApprove => {
            model.force_approve(&msn, &reference)?;
            Answer::empty(200)
        }
        Op::Token | Op::RegisterWebhook | Op::ListWebhooks | Op::DeleteWebhook => {
            return Err(ApiError::status(404, None, "Not Found", "no such operation"));
        }
    };
    shared.publish(&mut model);
    Ok(answer)
}

/// [`Model::capture`] or [`Model::refund`].
type Adjust = fn(&mut Model, &str, &str, &types::Amount, Option<&str>) -> Result<types::ModificationResponse, ApiError>;

/// The typed body, read straight from the bytes (the document check has parsed them once
/// already; a second pass through a `Value` would cost more than reading again).
fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::validation(vec![("body".into(), e.to_string())]))
}

/// A violation as an `extraDetails` entry: the field in dotted form, as the API names them.
fn field_error(v: Violation) -> (String, String) {
    let name = match v.at.strip_prefix('/') {
        Some("") => "body".to_owned(),
        Some(pointer) => pointer.replace('/', ".").replace("~1", "/").replace("~0", "~"),
        None => v.at.split_once(':').map_or(v.at.clone(), |(_, n)| n.to_owned()),
    };
    (name, v.message)
}

fn token(shared: &Shared, request: &Request) -> Result<Answer, ApiError> {
    let issued = shared.model().issue_token(
        header(request, "client_id"),
        header(request, "client_secret"),
        header(request, "ocp-apim-subscription-key"),
    )?;
    Ok(Answer::json(
        200,
        json!({
            "token_type": "Bearer",
            "expires_in": issued.expires_in.to_string(),
            "ext_expires_in": issued.expires_in.to_string(),
            "expires_on": issued.expires_on.to_string(),
            "not_before": issued.not_before.to_string(),
            "resource": "00000002-0000-0000-c000-000000000000",
            "access_token": issued.access_token,
        }),
    ))
}

fn webhooks(shared: &Shared, op: Op, request: &Request) -> Result<Answer, ApiError> {
    match op {
        Op::RegisterWebhook => {
            let body: Value = serde_json::from_slice(&request.body)
                .map_err(|e| ApiError::validation(vec![("body".into(), format!("not JSON: {e}"))]))?;
            let url = body.get("url").and_then(Value::as_str).filter(|u| reqwest::Url::parse(u).is_ok());
            let events: Option<Vec<String>> = body
                .get("events")
                .and_then(Value::as_array)
                .map(|e| e.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .filter(|e: &Vec<String>| !e.is_empty());
            let (Some(url), Some(events)) = (url, events) else {
                return Err(ApiError::validation(vec![
                    ("url".into(), "an absolute URL is required".into()),
                    ("events".into(), "at least one event type is required".into()),
                ]));
            };
            let registration = shared.hub.register(url.to_owned(), events);
            Ok(Answer::json(201, json!({"id": registration.id, "secret": registration.secret})))
        }
        Op::ListWebhooks => {
            let list = shared.hub.registrations();
            Ok(Answer::json(200, json!({"webhooks": list})))
        }
        Op::DeleteWebhook => {
            let id = request.url.path().trim_start_matches("/webhooks/v1/webhooks/");
            if shared.hub.delete(id) {
                Ok(Answer::empty(204))
            } else {
                Err(ApiError::status(404, None, "Not Found", format!("no webhook {id}")))
            }
        }
        _ => Err(ApiError::status(404, None, "Not Found", "no such operation")),
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use crate::model::ModelConfig;
    use proptest::prelude::*;

    fn shared() -> (Shared, String, tokio::runtime::Runtime) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let hub = {
            let _entered = runtime.enter();
            Hub::start(1, 1, std::time::Duration::from_millis(1))
        };
        let shared = Shared::new(Model::new(ModelConfig::default()), Recorder::new(100), hub);
        let c = shared.model().credentials().clone();
        let token = shared
            .model()
            .issue_token(Some(&c.client_id), Some(&c.client_secret), Some(&c.subscription_key))
            .expect("a token")
            .access_token;
        (shared, token, runtime)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

        /// Whatever comes in, the answer is a success or a problem document that fits the
        /// document's Problem schema, and never a 5xx (no fault was injected).
        #[test]
        fn every_request_gets_an_answer_or_a_problem(
            method in "(GET|POST|PUT|DELETE|PATCH)",
            path in prop_oneof![
                "/epayment/v1/payments(/[a-zA-Z0-9%_-]{0,70}(/(capture|refund|cancel|events|approve|x)))?",
                "/epayment/v1/test/payments/[a-zA-Z0-9-]{0,70}/approve",
                "/[a-z/]{0,30}",
                "/accesstoken/get",
                "/webhooks/v1/webhooks(/[a-z0-9-]{0,10})?",
            ],
            authorized in any::<bool>(),
            headers in prop::collection::vec(("(merchant-serial-number|idempotency-key|ocp-apim-subscription-key|vipps-system-name|content-type)", "[ -~]{0,60}"), 0..6),
            body in prop_oneof![
                prop::collection::vec(any::<u8>(), 0..120),
                Just(br#"{"modificationAmount":{"currency":"NOK","value":100}}"#.to_vec()),
                Just(br#"{"amount":{"currency":"NOK","value":1000},"paymentMethod":{"type":"WALLET"},"reference":"fuzz-order-0001","userFlow":"QR"}"#.to_vec()),
                Just(br#"{"cancelTransactionOnly":"yes"}"#.to_vec()),
            ],
        ) {
            let (shared, token, _runtime) = shared();
            let mut map = wiremock::http::HeaderMap::new();
            if authorized {
                map.insert("authorization", format!("Bearer {token}").parse().expect("header"));
                map.insert("ocp-apim-subscription-key", "sim-subscription-key".parse().expect("header"));
            }
            for (name, value) in &headers {
                if let (Ok(n), Ok(v)) = (wiremock::http::HeaderName::from_bytes(name.as_bytes()), value.parse()) {
                    map.insert(n, v);
                }
            }
            let Ok(url) = wiremock::http::Url::parse(&format!("http://127.0.0.1:1{path}")) else { return Ok(()) };
            let Ok(method) = method.parse() else { return Ok(()) };
            let request = wiremock::Request { url, method, headers: map, body };
            let Outcome::Answer(answer) = serve_any(&shared, &request) else {
                return Err(TestCaseError::fail("no dropped connection was asked for"));
            };
            prop_assert!(answer.status < 500, "{} for {} {}", answer.status, request.method, request.url);
            if answer.status >= 400 {
                let body = answer.body.expect("a problem body");
                let violations = ApiDocument::epayment().check_component("Problem", &body);
                prop_assert!(violations.is_empty(), "{violations:?}: {body}");
            }
        }
    }
}
