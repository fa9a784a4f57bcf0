//! The simulator's own clock endpoints, outside the API's paths: `GET /sim/v1/clock` reads it,
//! `POST /sim/v1/clock/advance` with `{"seconds": n}` (or `minutes`, `hours`, `days`) moves it
//! forward. No credentials: they control the sandbox, not a merchant's payments.

use std::time::Duration;

use bytes::Bytes;
use http::Request;
use serde_json::{Value, json};

use super::{Answer, SimulatedApi};
use crate::endpoint::{Endpoint, Route};
use crate::model::ApiError;

pub(super) fn serve(api: &SimulatedApi, route: &Route, request: &Request<Bytes>) -> Result<Answer, ApiError> {
    if route.endpoint == Endpoint::AdvanceClock {
        let body: Value = serde_json::from_slice(request.body()).unwrap_or(Value::Null);
        let by = ["seconds", "minutes", "hours", "days"]
            .into_iter()
            .zip([1, 60, 3_600, 86_400])
            .find_map(|(unit, seconds)| body.get(unit).and_then(Value::as_u64).map(|n| n.saturating_mul(seconds)));
        let Some(seconds) = by else {
            return Err(ApiError::validation(vec![(
                "body".into(),
                "give how far to move, e.g. {\"seconds\": 60}, {\"minutes\": 10} or {\"days\": 15}".into(),
            )]));
        };
        api.with_model(|model| model.advance(Duration::from_secs(seconds)));
    }
    let now = api.with_model(|model| model.now());
    Ok(Answer::json(200, &json!({"now": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)})))
}
