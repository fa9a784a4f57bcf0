//! The simulator's own clock endpoints, outside the API's paths: `GET /sim/v1/clock` reads it,
//! `POST /sim/v1/clock/advance` with `{"seconds": n}` (or `minutes`, `hours`, `days`) moves it
//! forward. No credentials: they control the sandbox, not a merchant's payments.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Call, Reply, SimulatedApi};
use crate::endpoint::Endpoint;
use crate::model::ApiError;

pub(super) fn serve(api: &SimulatedApi, call: &Call<'_>) -> Result<Reply, ApiError> {
    if call.endpoint == Endpoint::AdvanceClock {
        let body: Value = serde_json::from_slice(call.bytes()).unwrap_or(Value::Null);
        let by = ["seconds", "minutes", "hours", "days"]
            .into_iter()
            .zip([1, 60, 3_600, 86_400])
            .find_map(|(unit, seconds)| body.get(unit).and_then(Value::as_u64).map(|n| n.checked_mul(seconds)));
        let Some(by) = by else {
            return Err(ApiError::validation(vec![(
                "body".into(),
                "give how far to move, e.g. {\"seconds\": 60}, {\"minutes\": 10} or {\"days\": 15}".into(),
            )]));
        };
        // fidelity: sandbox-clock
        let moved = by
            .ok_or(crate::clock::OutOfRange)
            .and_then(|seconds| api.with_model(|model| model.advance(Duration::from_secs(seconds))));
        if let Err(out_of_range) = moved {
            return Err(ApiError::validation(vec![("body".into(), out_of_range.to_string())]));
        }
    }
    let now = api.with_model(|model| model.now());
    Ok(Reply::json(200, &json!({"now": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)})))
}
