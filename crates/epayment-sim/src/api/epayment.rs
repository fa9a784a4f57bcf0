//! The ePayment operations: the credentials and the document's checks in front ([`serve`]),
//! then one handler per operation (which one serves which endpoint is `super::SimulatedApi`'s
//! table).

use epayment_api::epayment::types;
use epayment_openapi::{ApiDocument, Violation};
use epayment_vocabulary::{ErrorCode, EventName};
use serde_json::{Value, json};

use super::call::Call;
use super::reply::Reply;
use super::tenants::Tenants;
use crate::endpoint::Endpoint;
use crate::model::{ApiError, Limit, Model, PaymentKey};

/// What serves one operation, once the call is admitted.
pub(super) type Handler = fn(&mut Model, &Call<'_>) -> Result<Reply, ApiError>;

/// Serves an ePayment operation with `handle`. The document's checks run before the model's
/// lock is taken, so that concurrent requests validate in parallel; under the lock (taken
/// once) the credentials are checked first, as the API does, then the outcome of the checks,
/// then the rate limit, then the operation.
pub(super) fn serve(
    document: &ApiDocument,
    tenants: &Tenants,
    call: &Call<'_>,
    handle: Handler,
) -> Result<Reply, ApiError> {
    let checked = check(document, call);
    let tenant = tenants.of(call);
    tenant.with_model(|model| {
        // fidelity: credentials-first
        tenant.admit(model, call, call.msn())?;
        checked?;
        // fidelity: rate-limit-counting
        // Our choice of what counts: every call that passes the credentials and the schema,
        // refused by the rules or replayed alike; force approve (test only) does not.
        if let Some(limit) = Limit::of(call.endpoint) {
            // The API counts reads per subscription key, a merchant's own there; a sandbox's
            // key is everyone's, so the merchant serial number keeps merchants apart.
            let scope = match limit.per_subscription_key() {
                true => format!("{}/{}", call.subscription_key().unwrap_or_default(), call.msn()),
                false => call.msn().to_owned(),
            };
            model.admit(limit, &scope, &call.reference())?;
        }
        handle(model, call)
    })
}

pub(super) fn create(model: &mut Model, call: &Call<'_>) -> Result<Reply, ApiError> {
    let request: types::CreatePaymentRequest = call.decode()?;
    let created = keyed(model, call, |m, key| m.create(call.msn(), &request, Some(key)))?;
    Ok(Reply::json_bytes(201, created))
}

pub(super) fn get(model: &mut Model, call: &Call<'_>) -> Result<Reply, ApiError> {
    Ok(Reply::json(200, &model.get(&call.payment())?))
}

pub(super) fn events(model: &mut Model, call: &Call<'_>) -> Result<Reply, ApiError> {
    Ok(Reply::json(200, &model.events(&call.payment())?))
}

pub(super) fn capture(model: &mut Model, call: &Call<'_>) -> Result<Reply, ApiError> {
    let amount = call.decode::<types::CaptureModificationRequest>()?.modification_amount;
    let captured = keyed(model, call, |m, key| m.capture(&call.payment(), &amount, Some(key)))?;
    Ok(Reply::json_bytes(200, captured))
}

pub(super) fn refund(model: &mut Model, call: &Call<'_>) -> Result<Reply, ApiError> {
    let amount = call.decode::<types::RefundModificationRequest>()?.modification_amount;
    let refunded = keyed(model, call, |m, key| m.refund(&call.payment(), &amount, Some(key)))?;
    Ok(Reply::json_bytes(200, refunded))
}

/// A cancel may come without a key (the 1.8.1 document does not declare one): then it is
/// applied as it comes, with nothing kept to replay.
pub(super) fn cancel(model: &mut Model, call: &Call<'_>) -> Result<Reply, ApiError> {
    let body = call.json()?;
    let transaction_only = body.and_then(|b| b.get("cancelTransactionOnly")).and_then(Value::as_bool).unwrap_or(false);
    if call.idempotency_key().is_none() {
        return Ok(Reply::json(200, &model.cancel(&call.payment(), transaction_only, None)?));
    }
    let cancelled = keyed(model, call, |m, key| m.cancel(&call.payment(), transaction_only, Some(key)))?;
    Ok(Reply::json_bytes(200, cancelled))
}

pub(super) fn force_approve(model: &mut Model, call: &Call<'_>) -> Result<Reply, ApiError> {
    let body = call.json()?;
    // fidelity: force-approve-body
    let customer = body.and_then(|b| b.pointer("/customer/phoneNumber")).is_some();
    let token = body.and_then(|b| b.get("token")).and_then(Value::as_str).is_some_and(|t| !t.is_empty());
    if !customer && !token {
        return Err(ApiError::rule(ErrorCode::MissingParameter, "a customer phone number or a token is required"));
    }
    model.force_approve(&call.payment())?;
    Ok(Reply::empty(200))
}

/// Runs `apply` once for the call's Idempotency-Key (see [`Model::idempotent`]).
fn keyed<T: serde::Serialize>(
    model: &mut Model,
    call: &Call<'_>,
    apply: impl FnOnce(&mut Model, &str) -> Result<T, ApiError>,
) -> Result<bytes::Bytes, ApiError> {
    let key = call.idempotency_key().unwrap_or_default();
    let empty = json!({});
    let body = call.json()?.unwrap_or(&empty);
    model.idempotent(&call.payment(), key, call.endpoint, body, |m| apply(m, key))
}

/// Logs the failed event of an injected refusal of capture, refund or cancel (nothing for
/// other endpoints or an unknown payment).
pub(super) fn record_failure(tenants: &Tenants, call: &Call<'_>) {
    let name = match call.endpoint {
        Endpoint::Capture => EventName::Captured,
        Endpoint::Refund => EventName::Refunded,
        Endpoint::Cancel => EventName::Cancelled,
        _ => return,
    };
    let payment: PaymentKey = call.payment();
    let amount = call.modification_value();
    let tenant = tenants.of(call);
    if !tenant.owns(&payment.msn) {
        return;
    }
    tenant.with_model(|model| model.record_failure(&payment, name, amount, call.idempotency_key()));
}

/// Checks the call against the document: every violation, or nothing.
fn check(document: &ApiDocument, call: &Call<'_>) -> Result<(), ApiError> {
    let body = call.json()?;
    let operation = document
        .operation(call.endpoint.id())
        .ok_or_else(|| ApiError::internal(format!("{} is not in the document", call.endpoint.id())))?;
    let headers = |name: &str| call.header(&name.to_ascii_lowercase()).map(str::to_owned);
    // fidelity: request-validation
    let violations = operation.check_request(&headers, &call.params, body);
    if !violations.is_empty() {
        return Err(ApiError::validation(violations.into_iter().map(field_error).collect()));
    }
    Ok(())
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
