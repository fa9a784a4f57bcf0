//! The simulator's own customer actions, outside the API's paths, so that a harness can play
//! the customer against a sandbox in another process as it does against an embedded one:
//! `POST /sim/v1/payments/{reference}/approve` (in the app, Express included), `abort`,
//! `expire` (the customer's time runs out now) and `refuse-consent`. Like an API call they need
//! the bearer token, the subscription key and the merchant serial number.

use serde_json::json;

use super::call::Call;
use super::reply::Reply;
use super::tenants::Tenants;
use crate::model::{ApiError, Model, PaymentKey};

// fidelity: sandbox-customer
pub(super) fn serve(tenants: &Tenants, call: &Call<'_>) -> Result<Reply, ApiError> {
    let action: fn(&mut Model, &PaymentKey) -> Result<(), ApiError> =
        match call.params.get("action").map(String::as_str) {
            Some("approve") => Model::approve,
            Some("abort") => Model::abort,
            Some("expire") => Model::expire,
            Some("refuse-consent") => Model::refuse_consent,
            _ => return Err(ApiError::status(404, "no such customer action")),
        };
    let payment = call.payment();
    let tenant = tenants.of(call);
    tenant.with_model(|model| {
        tenant.admit(model, call, &payment.msn)?;
        if payment.msn.is_empty() {
            let why = "the sales unit's merchant serial number is required";
            return Err(ApiError::validation(vec![("Merchant-Serial-Number".into(), why.into())]));
        }
        action(model, &payment)?;
        let state = model.payment(&payment).map(|p| p.state.to_string()).unwrap_or_default();
        Ok(Reply::json(200, &json!({"reference": payment.reference, "state": state})))
    })
}
