//! The simulator's own clock endpoints, outside the API's paths: `GET /sim/v1/clock` reads it,
//! `POST /sim/v1/clock/advance` with `{"seconds": n}` (or `minutes`, `hours`, `days`) moves it
//! forward. Like an API call they need the access token and the subscription key, and they read
//! and move the clock of the tenant those belong to, no one else's.

use std::time::Duration;

use serde_json::{Value, json};

use super::call::Call;
use super::reply::Reply;
use super::tenants::Tenants;
use crate::clock::LATEST;
use crate::model::{ApiError, Model};

/// The longest period any rule adds to a time (refunds, a year after approval, with room):
/// the clock endpoint leaves at least this much before [`LATEST`], so that every window and
/// deadline a rule opens can still close. Only the library may move a clock closer to the end.
pub(crate) const LONGEST_RULE_PERIOD: chrono::TimeDelta = chrono::TimeDelta::days(400);

/// `GET /sim/v1/clock`: the clock's time.
pub(super) fn read(tenants: &Tenants, call: &Call<'_>) -> Result<Reply, ApiError> {
    answer(tenants, call, |_| Ok(()))
}

/// `POST /sim/v1/clock/advance`: moves the clock as far as the body asks, unless that would
/// leave less than [`LONGEST_RULE_PERIOD`] before [`LATEST`].
pub(super) fn advance(tenants: &Tenants, call: &Call<'_>) -> Result<Reply, ApiError> {
    answer(tenants, call, |model| {
        let by = how_far(call)?;
        let last = LATEST - LONGEST_RULE_PERIOD;
        let to = chrono::TimeDelta::from_std(by).ok().and_then(|by| model.now().checked_add_signed(by));
        if to.is_none_or(|to| to > last) {
            let last = last.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let why = format!(
                "the clock cannot move past {last}: every period a rule opens (a year at most) must end \
                 before 9999-12-31, the last instant it can count to"
            );
            return Err(ApiError::validation(vec![("body".into(), why)]));
        }
        model.advance(by).map_err(|out| ApiError::validation(vec![("body".into(), out.to_string())]))
    })
}

/// Admits the call, makes the `change`, and answers with the time after it.
// fidelity: sandbox-clock
fn answer(
    tenants: &Tenants,
    call: &Call<'_>,
    change: impl FnOnce(&mut Model) -> Result<(), ApiError>,
) -> Result<Reply, ApiError> {
    let tenant = tenants.of(call);
    let now = tenant.with_model(|model| {
        // The credentials first, as everywhere: an anonymous caller learns nothing of the body.
        tenant.admit(model, call, "")?;
        change(model)?;
        Ok(model.now())
    })?;
    Ok(Reply::json(200, &json!({"now": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)})))
}

/// How far the body asks to move the clock.
fn how_far(call: &Call<'_>) -> Result<Duration, ApiError> {
    let body: Value = serde_json::from_slice(call.bytes()).unwrap_or(Value::Null);
    let by = ["seconds", "minutes", "hours", "days"]
        .into_iter()
        .zip([1, 60, 3_600, 86_400])
        .find_map(|(unit, seconds)| body.get(unit).and_then(Value::as_u64).map(|n| n.checked_mul(seconds)));
    match by {
        Some(Some(seconds)) => Ok(Duration::from_secs(seconds)),
        Some(None) => Ok(Duration::MAX),
        None => Err(ApiError::validation(vec![(
            "body".into(),
            "give how far to move, e.g. {\"seconds\": 60}, {\"minutes\": 10} or {\"days\": 15}".into(),
        )])),
    }
}
