//! A routed request, read once: the headers every handler asks for, the payment it is about,
//! and its body as JSON.

use std::cell::OnceCell;
use std::collections::BTreeMap;

use bytes::Bytes;
use http::Request;
use serde_json::Value;

use super::route::Route;
use crate::endpoint::Endpoint;
use crate::model::{ApiError, PaymentKey};

/// A request routed to an endpoint.
pub(crate) struct Call<'r> {
    /// Which endpoint serves it.
    pub(crate) endpoint: Endpoint,
    /// Its path parameters.
    pub(crate) params: BTreeMap<String, String>,
    request: &'r Request<Bytes>,
    /// The body as JSON (with the API's leniency applied), and whether that changed it.
    json: OnceCell<Result<(Option<Value>, bool), String>>,
}

impl<'r> Call<'r> {
    pub(crate) fn new(route: Route, request: &'r Request<Bytes>) -> Self {
        Self { endpoint: route.endpoint, params: route.params, request, json: OnceCell::new() }
    }

    /// The header `name` (lower case) as text, if it has one.
    pub(crate) fn header(&self, name: &str) -> Option<&'r str> {
        header(self.request, name)
    }

    /// The request itself.
    pub(crate) fn request(&self) -> &'r Request<Bytes> {
        self.request
    }

    /// `Merchant-Serial-Number`, or nothing.
    pub(crate) fn msn(&self) -> &'r str {
        self.header("merchant-serial-number").unwrap_or_default()
    }

    /// `Idempotency-Key`, if given.
    pub(crate) fn idempotency_key(&self) -> Option<&'r str> {
        self.header("idempotency-key")
    }

    /// `Ocp-Apim-Subscription-Key`, if given.
    pub(crate) fn subscription_key(&self) -> Option<&'r str> {
        self.header("ocp-apim-subscription-key")
    }

    /// `Authorization`, if given.
    pub(crate) fn authorization(&self) -> Option<&'r str> {
        self.header("authorization")
    }

    /// The body as it came.
    pub(crate) fn bytes(&self) -> &'r [u8] {
        self.request.body()
    }

    /// The body as JSON, parsed once: `None` when empty, an error when it is not JSON. Where
    /// the API is lenient (a number for a text field), the value is already text here.
    pub(crate) fn json(&self) -> Result<Option<&Value>, ApiError> {
        match self.parsed() {
            Ok((value, _)) => Ok(value.as_ref()),
            Err(why) => Err(ApiError::validation(vec![("body".into(), why.clone())])),
        }
    }

    fn parsed(&self) -> &Result<(Option<Value>, bool), String> {
        self.json.get_or_init(|| {
            let bytes = self.bytes();
            if bytes.is_empty() {
                return Ok((None, false));
            }
            let mut value: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
            let relaxed = super::leniency::relax(self.endpoint, &mut value);
            Ok((Some(value), relaxed))
        })
    }

    /// The body's typed form, once the document has checked it: read straight from the bytes
    /// (cheaper than through the parsed value), unless leniency changed the value.
    pub(crate) fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, ApiError> {
        let decoded = match self.parsed() {
            Ok((Some(value), true)) => serde_json::from_value(value.clone()),
            _ => serde_json::from_slice(self.bytes()),
        };
        decoded.map_err(|e| ApiError::validation(vec![("body".into(), e.to_string())]))
    }

    /// The payment's reference: in the body of a create, in the path otherwise (empty if
    /// neither has one).
    pub(crate) fn reference(&self) -> String {
        match self.endpoint {
            Endpoint::Create => {
                let body = self.json().ok().flatten();
                body.and_then(|b| b.get("reference")).and_then(Value::as_str).unwrap_or_default().to_owned()
            }
            _ => self.params.get("Reference").cloned().unwrap_or_default(),
        }
    }

    /// The payment the call is about.
    pub(crate) fn payment(&self) -> PaymentKey {
        PaymentKey::new(self.msn(), self.reference())
    }

    /// `modificationAmount.value` of a capture or refund body, if it has one.
    pub(crate) fn modification_value(&self) -> Option<i64> {
        self.json().ok().flatten()?.pointer("/modificationAmount/value")?.as_i64()
    }
}

/// The request's header `name` as text, if it has one.
pub(crate) fn header<'r>(request: &'r Request<Bytes>, name: &str) -> Option<&'r str> {
    request.headers().get(name).and_then(|v| v.to_str().ok())
}
