//! The pieces of a signature, shared by signing and verifying, and signing itself.
//!
//! Both sides use [`string_to_sign`]; `tests/string_to_sign.rs` rebuilds that string by hand
//! from the documented formula, so that a mistake here cannot hide behind a matching mistake
//! on the other side.

use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{KeyInit as _, Mac as _};
use http::{HeaderMap, HeaderName, HeaderValue};
use sha2::{Digest as _, Sha256};

pub(crate) type HmacSha256 = hmac::Hmac<Sha256>;

/// The headers every signature covers, in order.
pub(crate) const SIGNED_HEADERS: &str = "x-ms-date;host;x-ms-content-sha256";
/// The `Authorization` scheme, with its separating space.
pub(crate) const SCHEME: &str = "HMAC-SHA256 ";

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
/// does. For tests and simulators: a receiver only verifies. An HTTP date can say neither a
/// time before 1970 nor one after 9999: such a `date` is signed as the nearest it can say.
pub fn sign(secret: &str, path_and_query: &str, host: &str, body: &[u8], date: SystemTime) -> Signature {
    let date = httpdate::fmt_http_date(date.clamp(SystemTime::UNIX_EPOCH, last_http_date()));
    let content_sha256 = content_sha256(body);
    let mut mac = mac(secret);
    mac.update(string_to_sign(path_and_query, &date, host, &content_sha256).as_bytes());
    let signature = BASE64.encode(mac.finalize().into_bytes());
    let authorization = format!("{SCHEME}SignedHeaders={SIGNED_HEADERS}&Signature={signature}");
    Signature { date, content_sha256, authorization }
}

/// The last instant an HTTP date can say: 9999-12-31 23:59:59 UTC.
fn last_http_date() -> SystemTime {
    SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(253_402_300_799)
}

/// The HMAC of the secret's UTF-8 bytes.
pub(crate) fn mac(secret: &str) -> HmacSha256 {
    // HMAC takes keys of any length, so this cannot fail.
    HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length")
}

pub(crate) fn string_to_sign(path_and_query: &str, date: &str, host: &str, content_sha256: &str) -> String {
    format!("POST\n{path_and_query}\n{date};{host};{content_sha256}")
}

pub(crate) fn content_sha256(body: &[u8]) -> String {
    BASE64.encode(Sha256::digest(body))
}

pub(crate) fn decode_signature(text: &str) -> Option<Vec<u8>> {
    BASE64.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;

    #[test]
    fn a_date_an_http_date_cannot_say_is_signed_as_the_nearest_it_can() {
        let year_10000 = SystemTime::UNIX_EPOCH + Duration::from_secs(253_402_300_800 + 86_400);
        assert_eq!(sign("s", "/h", "x", b"{}", year_10000).date, "Fri, 31 Dec 9999 23:59:59 GMT");
        let before_1970 = SystemTime::UNIX_EPOCH - Duration::from_secs(86_400);
        assert_eq!(sign("s", "/h", "x", b"{}", before_1970).date, "Thu, 01 Jan 1970 00:00:00 GMT");
    }
}
