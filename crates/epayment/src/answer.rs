//! What an answer, or the lack of one, means: the generated client's errors turned into
//! [`Error`]s.

use std::time::{Duration, SystemTime};

use epayment_api::epayment as api;
use epayment_api::{Answer, ResponseTooLarge};
use reqwest::header::{HeaderMap, HeaderValue, LOCATION, RETRY_AFTER};

use crate::error::{Error, InputError, Problem, cut};
use crate::retry::parse_retry_after;

/// What an undecodable body of the access-token API shows instead of itself.
pub(crate) const WITHHELD: &str = "(withheld: an access-token answer may hold a token)";

/// Whether an undecodable body may be shown in an error.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Body {
    Show,
    Withhold,
}

/// Turns the generated client's error for operation `id` into ours; `answered` is the status
/// and `Retry-After` of the answer, if one came (progenitor's error keeps them only for some
/// kinds).
pub(crate) async fn translate<E: serde::Serialize>(
    id: &'static str,
    error: api::Error<E>,
    answered: Option<Answer>,
    body: Body,
) -> Error {
    let shown = |bytes: &[u8]| match body {
        Body::Show => cut(&String::from_utf8_lossy(bytes), 512),
        Body::Withhold => WITHHELD.to_owned(),
    };
    let status_of = |answered: &Option<Answer>| answered.as_ref().map_or(0, |a| a.status.as_u16());
    match error {
        api::Error::ResponseBodyError(e) => match ResponseTooLarge::find(&e) {
            Some(too_large) => {
                Error::ResponseTooLarge { operation: id, status: status_of(&answered), limit: too_large.limit }
            }
            None => transport(id, e),
        },
        api::Error::CommunicationError(e) | api::Error::InvalidUpgrade(e) => transport(id, e),
        api::Error::ErrorResponse(answer) => {
            let status = answer.status().as_u16();
            let retry_after = retry_after(answer.headers());
            let bytes = serde_json::to_vec(&answer.into_inner()).unwrap_or_default();
            api_error(status, &bytes, retry_after)
        }
        api::Error::InvalidResponsePayload(bytes, e) => match answered {
            Some(answer) if !answer.status.is_success() => {
                api_error(answer.status.as_u16(), &bytes, answer.retry_after.as_ref().and_then(retry_after_value))
            }
            answer => Error::Decode {
                operation: id,
                status: answer.map_or(0, |a| a.status.as_u16()),
                message: e.to_string(),
                body: shown(&bytes),
            },
        },
        api::Error::UnexpectedResponse(response) if response.status().is_redirection() => {
            let location = response.headers().get(LOCATION).map(|v| cut(&String::from_utf8_lossy(v.as_bytes()), 200));
            Error::Redirect { operation: id, status: response.status().as_u16(), location }
        }
        api::Error::UnexpectedResponse(response) => {
            let status = response.status();
            let retry_after = retry_after(response.headers());
            match response.bytes().await {
                Ok(bytes) if status.is_success() => Error::Decode {
                    operation: id,
                    status: status.as_u16(),
                    message: "the document declares no such answer for this operation".into(),
                    body: shown(&bytes),
                },
                Ok(bytes) => api_error(status.as_u16(), &bytes, retry_after),
                Err(e) => match ResponseTooLarge::find(&e) {
                    Some(too_large) => {
                        Error::ResponseTooLarge { operation: id, status: status.as_u16(), limit: too_large.limit }
                    }
                    None => transport(id, e),
                },
            }
        }
        api::Error::InvalidRequest(message) => Error::InvalidInput(InputError::new("request", "", &message)),
        // Only a hook makes these, and this crate's hooks make none.
        api::Error::Custom(message) => Error::Transport { operation: id, source: message.into() },
    }
}

fn api_error(status: u16, body: &[u8], retry_after: Option<Duration>) -> Error {
    let mut problem = Problem::from_body(status, body);
    problem.retry_after = retry_after;
    Error::Api(Box::new(problem))
}

/// A failure to send or to read, with reqwest's error (and its causes) as the source.
fn transport(id: &'static str, e: reqwest::Error) -> Error {
    if e.is_timeout() {
        Error::Timeout { operation: id }
    } else {
        Error::Transport { operation: id, source: Box::new(e) }
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers.get(RETRY_AFTER).and_then(retry_after_value)
}

fn retry_after_value(value: &HeaderValue) -> Option<Duration> {
    parse_retry_after(value.to_str().ok()?, SystemTime::now())
}
