//! An independent check of the signature: the string to sign is built here by hand from the
//! Webhooks API's documented formula, not with the crate's own helper, so that `sign` and
//! `verify` cannot agree on a shared mistake.

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{KeyInit as _, Mac as _};
use sha2::{Digest as _, Sha256};

const SECRET: &str = "independent-secret";
const PATH_AND_QUERY: &str = "/hooks/vipps?shop=1&x=%20y";
const HOST: &str = "shop.example:8443";

fn body() -> Vec<u8> {
    br#"{"msn":"123456","reference":"order-1234-abcd","pspReference":"1","name":"CAPTURED","amount":{"currency":"NOK","value":250},"timestamp":"2026-11-27T10:00:00Z","success":true,"idempotencyKey":null}"#.to_vec()
}

/// The documented formula, spelled out: method, a newline, the path and query, a newline,
/// then the three signed header values joined by semicolons.
fn by_hand(date: &str, body: &[u8]) -> (String, String) {
    let content_hash = BASE64.encode(Sha256::digest(body));
    let mut message = String::new();
    message.push_str("POST");
    message.push('\n');
    message.push_str(PATH_AND_QUERY);
    message.push('\n');
    message.push_str(date);
    message.push(';');
    message.push_str(HOST);
    message.push(';');
    message.push_str(&content_hash);
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    (content_hash, BASE64.encode(mac.finalize().into_bytes()))
}

#[test]
fn sign_computes_the_documented_string() {
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000);
    let signed = epayment_webhooks::sign(SECRET, PATH_AND_QUERY, HOST, &body(), at);
    assert_eq!(signed.date, "Wed, 18 Nov 2026 11:06:40 GMT");
    let (hash, signature) = by_hand(&signed.date, &body());
    assert_eq!(signed.content_sha256, hash);
    assert_eq!(
        signed.authorization,
        format!("HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={signature}")
    );
}

#[test]
fn verify_accepts_a_delivery_signed_by_hand() {
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000);
    let date = "Wed, 18 Nov 2026 11:06:40 GMT";
    let (hash, signature) = by_hand(date, &body());
    let mut headers = http::HeaderMap::new();
    headers.insert("x-ms-date", date.parse().unwrap());
    headers.insert("x-ms-content-sha256", hash.parse().unwrap());
    headers.insert("host", HOST.parse().unwrap());
    headers.insert(
        "authorization",
        format!("HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={signature}").parse().unwrap(),
    );
    let event = epayment_webhooks::Verifier::new(SECRET)
        .verify("POST", PATH_AND_QUERY, &headers, &body(), at)
        .expect("a hand-signed delivery verifies");
    assert_eq!(event.reference, "order-1234-abcd");
    // One character of the path changed: refused.
    let refused =
        epayment_webhooks::Verifier::new(SECRET).verify("POST", "/hooks/vipps?shop=2&x=%20y", &headers, &body(), at);
    assert_eq!(refused.unwrap_err(), epayment_webhooks::WebhookError::Signature);
}
