//! Verifying (and, for tests and simulators, signing) webhook deliveries of the Webhooks API.
//!
//! A delivery is a `POST` whose `Authorization` header is
//! `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<sig>`, where
//! `<sig>` is base64(HMAC-SHA256(secret, "POST\n" + path-and-query + "\n" + x-ms-date + ";" +
//! host + ";" + x-ms-content-sha256)) and `x-ms-content-sha256` is base64(SHA-256(body)).

use std::fmt;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use epayment_api::epayment::types;
use hmac::{KeyInit as _, Mac as _};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret as _, SecretString};
use sha2::{Digest as _, Sha256};

pub use crate::model::EventName;
use crate::money::Amount;

type HmacSha256 = hmac::Hmac<Sha256>;

const SIGNED_HEADERS: &str = "x-ms-date;host;x-ms-content-sha256";
const SCHEME: &str = "HMAC-SHA256 ";

/// Checks webhook deliveries against the secret given when the webhook was registered.
#[derive(Clone)]
pub struct Verifier {
    secret: SecretString,
    tolerance: Duration,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier").field("secret", &"[REDACTED]").field("tolerance", &self.tolerance).finish()
    }
}

/// Why a delivery was refused. Answer it with a 4xx and do not act on it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// Webhooks are delivered with `POST` only.
    #[error("webhook deliveries are POST requests, not {0}")]
    Method(String),
    /// A header the signature needs is absent.
    #[error("missing header {0}")]
    MissingHeader(&'static str),
    /// A header the signature needs appears more than once.
    #[error("header {0} appears more than once")]
    RepeatedHeader(&'static str),
    /// The `Authorization` header is not of the expected form.
    #[error("malformed Authorization header: {0}")]
    MalformedAuthorization(&'static str),
    /// The signature covers other headers than `x-ms-date;host;x-ms-content-sha256`.
    #[error("the signature covers {0:?}, not x-ms-date;host;x-ms-content-sha256")]
    SignedHeaders(String),
    /// The body's SHA-256 is not the one in `x-ms-content-sha256`.
    #[error("the body does not match x-ms-content-sha256")]
    ContentHash,
    /// The signature is not the one the secret gives.
    #[error("the signature does not match")]
    Signature,
    /// `x-ms-date` is not an RFC 1123 date.
    #[error("x-ms-date is not an HTTP date")]
    Date,
    /// `x-ms-date` is too far from now: a replay, or a clock that is off.
    #[error("x-ms-date is {} s from now, more than the {} s allowed", .skew.as_secs(), .tolerance.as_secs())]
    Stale {
        /// How far the date is from now.
        skew: Duration,
        /// The most that is allowed.
        tolerance: Duration,
    },
    /// The body is signed correctly but is not an ePayment event.
    #[error("the body is not an ePayment webhook event: {0}")]
    Payload(String),
}

/// A verified ePayment webhook event.
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookEvent {
    /// What happened.
    pub name: EventName,
    /// The merchant serial number.
    pub msn: String,
    /// The merchant's reference.
    pub reference: String,
    /// The event's own id.
    pub psp_reference: String,
    /// How much it was about.
    pub amount: Amount,
    /// When it happened.
    pub timestamp: chrono::DateTime<chrono::Utc>,
    /// False when the operation was tried and failed.
    pub success: bool,
    /// The key of the call that caused it, if any.
    pub idempotency_key: Option<String>,
    /// The whole payload.
    pub payload: types::WebhookEvent,
}

impl WebhookEvent {
    /// The Webhooks API event type, e.g. `epayments.payment.captured.v1`.
    pub fn event_type(&self) -> &'static str {
        event_type(self.name)
    }
}

/// The Webhooks API event type of an event name, e.g. `epayments.payment.captured.v1`.
pub fn event_type(name: EventName) -> &'static str {
    match name {
        EventName::Created => "epayments.payment.created.v1",
        EventName::Aborted => "epayments.payment.aborted.v1",
        EventName::Expired => "epayments.payment.expired.v1",
        EventName::Cancelled => "epayments.payment.cancelled.v1",
        EventName::Captured => "epayments.payment.captured.v1",
        EventName::Refunded => "epayments.payment.refunded.v1",
        EventName::Authorized => "epayments.payment.authorized.v1",
        EventName::Terminated => "epayments.payment.terminated.v1",
    }
}

impl Verifier {
    /// The most `x-ms-date` may be from now unless [`Verifier::tolerance`] says otherwise.
    pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

    /// A verifier for the secret the Webhooks API returned at registration.
    pub fn new(secret: impl Into<String>) -> Self {
        Self { secret: SecretString::from(secret.into()), tolerance: Self::DEFAULT_TOLERANCE }
    }

    /// How far `x-ms-date` may be from `now`, either way.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Checks a delivery as received: its method, path and query (e.g. `/hooks/vipps?x=1`),
    /// headers and raw body, at time `now`. Only then is the body decoded.
    pub fn verify(
        &self,
        method: &str,
        path_and_query: &str,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<WebhookEvent, WebhookError> {
        if !method.eq_ignore_ascii_case("POST") {
            return Err(WebhookError::Method(method.chars().take(16).collect()));
        }
        let date = single(headers, "x-ms-date")?;
        let content_hash = single(headers, "x-ms-content-sha256")?;
        let host = single(headers, "host")?;
        let authorization = single(headers, "authorization")?;

        let signature = parse_authorization(authorization)?;
        let expected_hash = content_sha256(body);
        if !constant_time_eq(expected_hash.as_bytes(), content_hash.as_bytes()) {
            return Err(WebhookError::ContentHash);
        }
        let mut mac = self.mac();
        mac.update(string_to_sign(path_and_query, date, host, content_hash).as_bytes());
        mac.verify_slice(&signature).map_err(|_| WebhookError::Signature)?;

        let sent = httpdate::parse_http_date(date).map_err(|_| WebhookError::Date)?;
        let skew = match now.duration_since(sent) {
            Ok(behind) => behind,
            Err(ahead) => ahead.duration(),
        };
        if skew > self.tolerance {
            return Err(WebhookError::Stale { skew, tolerance: self.tolerance });
        }
        decode(body)
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC takes keys of any length, so this cannot fail.
        HmacSha256::new_from_slice(self.secret.expose_secret().as_bytes()).expect("HMAC accepts any key length")
    }
}

/// The headers of a signed delivery, as [`sign`] makes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// `x-ms-date`.
    pub date: String,
    /// `x-ms-content-sha256`.
    pub content_sha256: String,
    /// `Authorization`.
    pub authorization: String,
}

impl Signature {
    /// The three headers plus `host`, ready to send.
    pub fn headers(&self, host: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in [
            ("x-ms-date", self.date.as_str()),
            ("x-ms-content-sha256", self.content_sha256.as_str()),
            ("authorization", self.authorization.as_str()),
            ("host", host),
        ] {
            if let Ok(value) = HeaderValue::from_str(value) {
                map.insert(HeaderName::from_static(name), value);
            }
        }
        map
    }
}

/// Signs a delivery of `body` to `host` + `path_and_query` at time `date`, as the Webhooks API
/// does. For tests and simulators.
pub fn sign(secret: &str, path_and_query: &str, host: &str, body: &[u8], date: SystemTime) -> Signature {
    let date = httpdate::fmt_http_date(date);
    let content_sha256 = content_sha256(body);
    let mut mac = Verifier::new(secret).mac();
    mac.update(string_to_sign(path_and_query, &date, host, &content_sha256).as_bytes());
    let signature = BASE64.encode(mac.finalize().into_bytes());
    let authorization = format!("{SCHEME}SignedHeaders={SIGNED_HEADERS}&Signature={signature}");
    Signature { date, content_sha256, authorization }
}

fn string_to_sign(path_and_query: &str, date: &str, host: &str, content_sha256: &str) -> String {
    format!("POST\n{path_and_query}\n{date};{host};{content_sha256}")
}

fn content_sha256(body: &[u8]) -> String {
    BASE64.encode(Sha256::digest(body))
}

/// The one value of header `name`, as text.
fn single<'h>(headers: &'h HeaderMap, name: &'static str) -> Result<&'h str, WebhookError> {
    let mut values = headers.get_all(name).iter();
    let value = values.next().ok_or(WebhookError::MissingHeader(name))?;
    if values.next().is_some() {
        return Err(WebhookError::RepeatedHeader(name));
    }
    value.to_str().map_err(|_| WebhookError::MissingHeader(name))
}

/// The signature bytes of `HMAC-SHA256 SignedHeaders=...&Signature=...`.
fn parse_authorization(value: &str) -> Result<Vec<u8>, WebhookError> {
    let rest = value.strip_prefix(SCHEME).ok_or(WebhookError::MalformedAuthorization("expected HMAC-SHA256"))?;
    let (signed, signature) = rest.split_once('&').ok_or(WebhookError::MalformedAuthorization("expected two parts"))?;
    let signed =
        signed.strip_prefix("SignedHeaders=").ok_or(WebhookError::MalformedAuthorization("expected SignedHeaders="))?;
    if signed != SIGNED_HEADERS {
        return Err(WebhookError::SignedHeaders(signed.chars().take(80).collect()));
    }
    let signature =
        signature.strip_prefix("Signature=").ok_or(WebhookError::MalformedAuthorization("expected Signature="))?;
    BASE64.decode(signature).map_err(|_| WebhookError::MalformedAuthorization("the signature is not base64"))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn decode(body: &[u8]) -> Result<WebhookEvent, WebhookError> {
    let payload: types::WebhookEvent =
        serde_json::from_slice(body).map_err(|e| WebhookError::Payload(crate::error::cut(&e.to_string(), 200)))?;
    Ok(WebhookEvent {
        name: payload.name,
        msn: payload.msn.to_string(),
        reference: payload.reference.to_string(),
        psp_reference: payload.psp_reference.0.clone(),
        amount: (&payload.amount).into(),
        timestamp: payload.timestamp,
        success: payload.success,
        idempotency_key: payload.idempotency_key.clone(),
        payload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Webhooks API guide's "Request authentication" page.
    #[test]
    fn the_published_example_signs_and_hashes_alike() {
        let secret = "A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A==";
        let body = br#"{"some-unique-content":"ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world"}"#;
        let date = httpdate::parse_http_date("Thu, 30 Mar 2023 08:38:32 GMT").unwrap();
        let signed = sign(secret, "/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63", "webhook.site", body, date);
        assert_eq!(signed.content_sha256, "lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4=");
        assert_eq!(
            signed.authorization,
            "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U="
        );
        // The signature checks out; the body is not an ePayment event, which verify says last.
        let headers = signed.headers("webhook.site");
        let err = Verifier::new(secret)
            .verify("POST", "/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63", &headers, body, date)
            .unwrap_err();
        assert!(matches!(err, WebhookError::Payload(_)), "{err}");
    }
}
