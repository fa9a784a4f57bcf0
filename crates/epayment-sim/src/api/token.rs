//! The access-token endpoint (`POST /accesstoken/get`).

use serde_json::json;

use super::call::Call;
use super::reply::Reply;
use super::tenants::Tenants;
use crate::model::ApiError;

/// Issues a token for the right keys, in the access-token API's answer shape.
pub(super) fn issue(tenants: &Tenants, call: &Call<'_>) -> Result<Reply, ApiError> {
    let tenant = tenants.by_client_id(call.header("client_id"));
    let issued = tenant.with_model(|model| {
        model.issue_token(call.header("client_id"), call.header("client_secret"), call.subscription_key())
    })?;
    Ok(Reply::json(
        200,
        &json!({
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
