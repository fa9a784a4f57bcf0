//! The access-token endpoint (`POST /accesstoken/get`).

use bytes::Bytes;
use http::Request;
use serde_json::json;

use super::{Answer, SimulatedApi, header};
use crate::model::ApiError;

/// Issues a token for the right keys, in the access-token API's answer shape.
pub(super) fn issue(api: &SimulatedApi, request: &Request<Bytes>) -> Result<Answer, ApiError> {
    let issued = api.model().issue_token(
        header(request, "client_id"),
        header(request, "client_secret"),
        header(request, "ocp-apim-subscription-key"),
    )?;
    Ok(Answer::json(
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
