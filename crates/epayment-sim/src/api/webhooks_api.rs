//! The Webhooks API's registrations: register, list, delete.

use bytes::Bytes;
use http::Request;
use serde_json::{Value, json};

use super::{Answer, SimulatedApi, header};
use crate::endpoint::{Endpoint, Route};
use crate::model::ApiError;

/// Serves a Webhooks API call with a valid bearer token.
pub(super) fn serve(api: &SimulatedApi, route: &Route, request: &Request<Bytes>) -> Result<Answer, ApiError> {
    api.model().check_bearer(header(request, "authorization"))?;
    match route.endpoint {
        Endpoint::RegisterWebhook => {
            let body: Value = serde_json::from_slice(request.body())
                .map_err(|e| ApiError::validation(vec![("body".into(), format!("not JSON: {e}"))]))?;
            let url = body.get("url").and_then(Value::as_str).unwrap_or_default();
            let events: Vec<String> = body
                .get("events")
                .and_then(Value::as_array)
                .map(|e| e.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default();
            // fidelity: webhook-msn-scope
            // A registration made with a Merchant-Serial-Number covers that sales unit only.
            let msn = header(request, "merchant-serial-number");
            let registration = api
                .webhooks
                .register(msn, url, events)
                .map_err(|why| ApiError::validation(vec![("body".into(), why)]))?;
            Ok(Answer::json(201, &json!({"id": registration.id, "secret": registration.secret})))
        }
        Endpoint::ListWebhooks => Ok(Answer::json(200, &json!({"webhooks": api.webhooks.registrations()}))),
        Endpoint::DeleteWebhook => {
            let id = route.params.get("id").map_or("", String::as_str);
            if api.webhooks.delete(id) {
                Ok(Answer::empty(204))
            } else {
                Err(ApiError::status(404, None, format!("no webhook {id}")))
            }
        }
        other => Err(ApiError::internal(format!("{} is not a Webhooks API operation", other.id()))),
    }
}
