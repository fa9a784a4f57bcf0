//! The Webhooks API's registrations: register, list, delete. Like the real API it needs the
//! access token and the subscription key, and each registration belongs to the merchant
//! serial number it was made with: another merchant neither sees nor deletes it. A tenant's
//! registrations are its own: another tenant's events, quotas and failing receivers do not
//! reach them.

use serde_json::{Value, json};

use super::call::Call;
use super::reply::Reply;
use super::tenants::{TenantState, Tenants};
use crate::delivery::Scope;
use crate::model::ApiError;

/// `POST /webhooks/v1/webhooks`: registers a webhook for the call's sales unit.
pub(super) fn register(tenants: &Tenants, call: &Call<'_>) -> Result<Reply, ApiError> {
    let (tenant, scope) = admit(tenants, call)?;
    let body = call.json()?.ok_or_else(|| ApiError::validation(vec![("body".into(), "is required".into())]))?;
    let url = body.get("url").and_then(Value::as_str).unwrap_or_default();
    let events: Vec<String> = body
        .get("events")
        .and_then(Value::as_array)
        .map(|e| e.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    let registration =
        tenant.webhooks.register(scope, url, events).map_err(|why| ApiError::validation(vec![("body".into(), why)]))?;
    Ok(Reply::json(201, &json!({"id": registration.id, "secret": registration.secret})))
}

/// `GET /webhooks/v1/webhooks`: the sales unit's registrations.
pub(super) fn list(tenants: &Tenants, call: &Call<'_>) -> Result<Reply, ApiError> {
    let (tenant, scope) = admit(tenants, call)?;
    Ok(Reply::json(200, &json!({"webhooks": tenant.webhooks.registrations_of(&scope)})))
}

/// `DELETE /webhooks/v1/webhooks/{id}`: removes one of the sales unit's registrations.
pub(super) fn delete(tenants: &Tenants, call: &Call<'_>) -> Result<Reply, ApiError> {
    let (tenant, scope) = admit(tenants, call)?;
    let id = call.params.get("id").map_or("", String::as_str);
    if tenant.webhooks.delete(&scope, id) {
        Ok(Reply::empty(204))
    } else {
        Err(ApiError::status(404, format!("no webhook {id} for this sales unit")))
    }
}

/// The call's tenant and the sales unit it acts for, once its credentials are admitted.
fn admit<'a>(tenants: &'a Tenants, call: &Call<'_>) -> Result<(&'a TenantState, Scope), ApiError> {
    let tenant = tenants.of(call);
    let scope = tenant.with_model(|model| {
        tenant.admit(model, call, call.msn())?;
        // fidelity: webhook-msn-scope
        // Our choice: the API lets partner keys register without a Merchant-Serial-Number;
        // the simulator has no partner keys, so every registration names its sales unit.
        match call.header("merchant-serial-number") {
            Some(msn) if epayment_api::epayment::types::Msn::try_from(msn).is_ok() => {
                Ok(Scope::SalesUnit(msn.to_owned()))
            }
            _ => Err(ApiError::validation(vec![(
                "Merchant-Serial-Number".into(),
                "the sales unit's merchant serial number (4 to 10 digits) is required".into(),
            )])),
        }
    })?;
    Ok((tenant, scope))
}
