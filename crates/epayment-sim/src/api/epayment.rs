//! The ePayment operations: authentication, the document's checks, then the model.

use bytes::Bytes;
use epayment_api::epayment::types;
use epayment_openapi::Violation;
use http::Request;
use serde_json::{Value, json};

use super::{Answer, SimulatedApi, header};
use crate::endpoint::{Endpoint, Route};
use crate::model::{ApiError, Limit, Model, Payment};

/// Serves an ePayment operation. The body and the document's checks are worked out before
/// the model's lock is taken, so that concurrent requests validate in parallel; under the lock
/// (taken once) the credentials are checked first, as the API does, then the outcome of the
/// checks, then the rules.
pub(super) fn serve(api: &SimulatedApi, route: &Route, request: &Request<Bytes>) -> Result<Answer, ApiError> {
    let bytes = request.body();
    let checked = check(api, route, request);
    let msn = header(request, "merchant-serial-number").unwrap_or_default().to_owned();
    let key = header(request, "idempotency-key").map(str::to_owned);
    api.with_model(|model| {
        // fidelity: credentials-first
        model.check_bearer(header(request, "authorization"))?;
        model.check_subscription_key(header(request, "ocp-apim-subscription-key"))?;
        let body = checked?;
        // The payment's reference: in the body of a create (which the document checked), in the
        // path otherwise.
        let reference = match route.endpoint {
            Endpoint::Create => body.as_ref().and_then(|b| b.get("reference")).and_then(Value::as_str),
            _ => route.params.get("Reference").map(String::as_str),
        }
        .unwrap_or_default()
        .to_owned();
        // fidelity: rate-limit-counting
        // Our choice of what counts: every call that passes the credentials and the schema,
        // refused by the rules or replayed alike; force approve (test only) does not.
        match route.endpoint {
            Endpoint::Create | Endpoint::Capture | Endpoint::Refund | Endpoint::Cancel => {
                model.admit(Limit::Modifying, &msn, &reference)?
            }
            Endpoint::Get | Endpoint::Events => {
                let key = header(request, "ocp-apim-subscription-key").unwrap_or_default();
                model.admit(Limit::Read, key, &reference)?;
            }
            _ => {}
        }
        let empty = json!({});
        let request_body = body.as_ref().unwrap_or(&empty);
        Ok(match route.endpoint {
            Endpoint::Create => {
                let request: types::CreatePaymentRequest = decode(bytes)?;
                let key = key.unwrap_or_default();
                let created = model.idempotent((&msn, &reference, &key), Endpoint::Create, request_body, |m| {
                    m.create(&msn, &request, Some(&key))
                })?;
                Answer::json_bytes(201, created)
            }
            Endpoint::Capture | Endpoint::Refund => {
                let (amount, apply): (types::Amount, Adjust) = match route.endpoint {
                    Endpoint::Capture => {
                        (decode::<types::CaptureModificationRequest>(bytes)?.modification_amount, Model::capture)
                    }
                    _ => (decode::<types::RefundModificationRequest>(bytes)?.modification_amount, Model::refund),
                };
                let key = key.unwrap_or_default();
                let answer = model.idempotent((&msn, &reference, &key), route.endpoint, request_body, |m| {
                    apply(m, &msn, &reference, &amount, Some(&key))
                })?;
                Answer::json_bytes(200, answer)
            }
            Endpoint::Cancel => {
                let transaction_only = body
                    .as_ref()
                    .and_then(|b| b.get("cancelTransactionOnly"))
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                match key {
                    Some(key) => Answer::json_bytes(
                        200,
                        model.idempotent((&msn, &reference, &key), Endpoint::Cancel, request_body, |m| {
                            m.cancel(&msn, &reference, transaction_only, Some(&key))
                        })?,
                    ),
                    None => Answer::json(200, &model.cancel(&msn, &reference, transaction_only, None)?),
                }
            }
            Endpoint::Get => Answer::json(200, &model.get(&msn, &reference)?),
            Endpoint::Events => Answer::json(200, &model.events(&msn, &reference)?),
            Endpoint::ForceApprove => {
                // fidelity: force-approve-body
                let customer = body.as_ref().and_then(|b| b.pointer("/customer/phoneNumber")).is_some();
                let token =
                    body.as_ref().and_then(|b| b.get("token")).and_then(Value::as_str).is_some_and(|t| !t.is_empty());
                if !customer && !token {
                    return Err(ApiError::rule(4140, "a customer phone number or a token is required"));
                }
                model.force_approve(&msn, &reference)?;
                Answer::empty(200)
            }
            other => return Err(ApiError::internal(format!("{} is not an ePayment operation", other.id()))),
        })
    })
}

/// Logs the failed event of an injected refusal of capture, refund or cancel (nothing for
/// other endpoints, a body that does not parse, or an unknown payment).
pub(super) fn record_failure(api: &SimulatedApi, route: &Route, request: &Request<Bytes>) {
    let name = match route.endpoint {
        Endpoint::Capture => epayment_api::EventName::Captured,
        Endpoint::Refund => epayment_api::EventName::Refunded,
        Endpoint::Cancel => epayment_api::EventName::Cancelled,
        _ => return,
    };
    let msn = header(request, "merchant-serial-number").unwrap_or_default();
    let key = header(request, "idempotency-key");
    let reference = route.params.get("Reference").map_or("", String::as_str);
    let amount = serde_json::from_slice::<Value>(request.body())
        .ok()
        .and_then(|b| b.pointer("/modificationAmount/value").and_then(Value::as_i64));
    api.with_model(|model| {
        let amount = amount.or_else(|| model.payment(msn, reference).map(Payment::capturable)).unwrap_or(0);
        model.record_failure(msn, reference, name, amount, key);
    });
}

/// The body as JSON, once it is known to fit the document: every violation otherwise.
fn check(api: &SimulatedApi, route: &Route, request: &Request<Bytes>) -> Result<Option<Value>, ApiError> {
    let bytes = request.body();
    let body = if bytes.is_empty() {
        None
    } else {
        Some(
            serde_json::from_slice::<Value>(bytes)
                .map_err(|e| ApiError::validation(vec![("body".into(), format!("not JSON: {e}"))]))?,
        )
    };
    let operation = api
        .document
        .operation(route.endpoint.id())
        .ok_or_else(|| ApiError::internal(format!("{} is not in the document", route.endpoint.id())))?;
    let headers = |name: &str| header(request, &name.to_ascii_lowercase()).map(str::to_owned);
    // fidelity: request-validation
    let violations = operation.check_request(&headers, &route.params, body.as_ref());
    if !violations.is_empty() {
        return Err(ApiError::validation(violations.into_iter().map(field_error).collect()));
    }
    Ok(body)
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
