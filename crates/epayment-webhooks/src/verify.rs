//! Verifying a delivery: method, content hash, signature, signed headers and date, and only
//! then the body.

use std::fmt;
use std::time::{Duration, SystemTime};

use hmac::Mac as _;
use http::HeaderMap;
use secrecy::{ExposeSecret as _, SecretString};

use crate::event::WebhookEvent;
use crate::signature::{SCHEME, SIGNED_HEADERS, content_sha256, decode_signature, mac, string_to_sign};

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
        let mut mac = mac(self.secret.expose_secret());
        mac.update(string_to_sign(path_and_query, date, host, content_hash).as_bytes());
        // `verify_slice` compares in constant time.
        mac.verify_slice(&signature).map_err(|_| WebhookError::Signature)?;

        let sent = httpdate::parse_http_date(date).map_err(|_| WebhookError::Date)?;
        let skew = match now.duration_since(sent) {
            Ok(behind) => behind,
            Err(ahead) => ahead.duration(),
        };
        if skew > self.tolerance {
            return Err(WebhookError::Stale { skew, tolerance: self.tolerance });
        }
        serde_json::from_slice(body).map_err(|e| WebhookError::Payload(e.to_string().chars().take(200).collect()))
    }
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
    decode_signature(signature).ok_or(WebhookError::MalformedAuthorization("the signature is not base64"))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign;

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
