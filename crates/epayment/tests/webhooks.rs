//! The webhook verifier accepts what `sign` makes and refuses every tampering.

use std::time::{Duration, SystemTime};

use epayment::webhooks::{Verifier, WebhookError, sign};
use epayment::{Amount, EventName};
use reqwest::header::{HeaderMap, HeaderValue};

const SECRET: &str = "webhook-secret-DO-NOT-LEAK";
const PATH: &str = "/hooks/vipps?shop=1";
const HOST: &str = "shop.example";

fn body() -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "msn": "123456",
        "reference": "order-1234-abcd",
        "pspReference": "psp-77",
        "name": "CAPTURED",
        "amount": {"currency": "NOK", "value": 250},
        "timestamp": "2026-11-27T10:00:00Z",
        "idempotencyKey": "order-1234-c1",
        "success": true
    }))
    .unwrap()
}

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000)
}

fn signed(body: &[u8]) -> HeaderMap {
    sign(SECRET, PATH, HOST, body, now()).headers(HOST)
}

fn verify(
    headers: &HeaderMap,
    path: &str,
    body: &[u8],
    at: SystemTime,
) -> Result<epayment::webhooks::WebhookEvent, WebhookError> {
    Verifier::new(SECRET).verify("POST", path, headers, body, at)
}

#[test]
fn accepts_what_sign_makes_and_types_the_event() {
    let body = body();
    let event = verify(&signed(&body), PATH, &body, now()).unwrap();
    assert_eq!(event.name, EventName::Captured);
    assert_eq!(event.event_type(), "epayments.payment.captured.v1");
    assert_eq!(Amount::from(&event.amount), Amount::nok(250));
    assert_eq!(event.reference, "order-1234-abcd");
    assert_eq!(event.psp_reference, "psp-77");
    assert_eq!(event.idempotency_key.as_deref(), Some("order-1234-c1"));
    // Within the tolerance either way.
    assert!(verify(&signed(&body), PATH, &body, now() + Duration::from_secs(299)).is_ok());
    assert!(verify(&signed(&body), PATH, &body, now() - Duration::from_secs(299)).is_ok());
}

#[test]
fn refuses_a_changed_body() {
    let body = body();
    let mut changed = body.clone();
    let at = changed.iter().position(|b| *b == b'5').unwrap();
    changed[at] = b'9';
    assert_eq!(verify(&signed(&body), PATH, &changed, now()).unwrap_err(), WebhookError::ContentHash);
    // A body hash forged to match the new body still fails the signature.
    let mut forged = signed(&body);
    let rehashed = sign(SECRET, PATH, HOST, &changed, now());
    forged.insert("x-ms-content-sha256", HeaderValue::from_str(&rehashed.content_sha256).unwrap());
    assert_eq!(verify(&forged, PATH, &changed, now()).unwrap_err(), WebhookError::Signature);
}

#[test]
fn refuses_another_path_host_date_or_secret() {
    let body = body();
    assert_eq!(verify(&signed(&body), "/hooks/vipps?shop=2", &body, now()).unwrap_err(), WebhookError::Signature);
    let mut other_host = signed(&body);
    other_host.insert("host", HeaderValue::from_static("evil.example"));
    assert_eq!(verify(&other_host, PATH, &body, now()).unwrap_err(), WebhookError::Signature);
    let mut other_date = signed(&body);
    let later = httpdate::fmt_http_date(now() + Duration::from_secs(60));
    other_date.insert("x-ms-date", HeaderValue::from_str(&later).unwrap());
    assert_eq!(verify(&other_date, PATH, &body, now()).unwrap_err(), WebhookError::Signature);
    let err = Verifier::new("another-secret").verify("POST", PATH, &signed(&body), &body, now()).unwrap_err();
    assert_eq!(err, WebhookError::Signature);
}

#[test]
fn refuses_a_date_too_far_from_now() {
    let body = body();
    let err = verify(&signed(&body), PATH, &body, now() + Duration::from_secs(301)).unwrap_err();
    assert!(matches!(err, WebhookError::Stale { .. }), "{err}");
    let err = verify(&signed(&body), PATH, &body, now() - Duration::from_secs(301)).unwrap_err();
    assert!(matches!(err, WebhookError::Stale { .. }), "{err}");
    let lenient = Verifier::new(SECRET).tolerance(Duration::from_secs(3600));
    assert!(lenient.verify("POST", PATH, &signed(&body), &body, now() + Duration::from_secs(600)).is_ok());
}

#[test]
fn refuses_another_signed_header_list_and_malformed_authorization() {
    let body = body();
    let good = signed(&body);
    let auth = good["authorization"].to_str().unwrap().to_owned();
    let cases = [
        auth.replace("x-ms-date;host;x-ms-content-sha256", "x-ms-date;x-ms-content-sha256"),
        auth.replace("x-ms-date;host;x-ms-content-sha256", "host;x-ms-date;x-ms-content-sha256"),
        auth.replace("HMAC-SHA256 ", "HMAC-SHA1 "),
        auth.replace("&Signature=", "&Sig="),
        auth.replace("&", ""),
        format!("{auth}!!"),
        String::new(),
    ];
    for value in cases {
        let mut headers = good.clone();
        headers.insert("authorization", HeaderValue::from_str(&value).unwrap());
        let err = verify(&headers, PATH, &body, now()).unwrap_err();
        assert!(
            matches!(err, WebhookError::SignedHeaders(_) | WebhookError::MalformedAuthorization(_)),
            "{value}: {err}"
        );
    }
}

#[test]
fn refuses_missing_or_repeated_headers_and_other_methods() {
    let body = body();
    for name in ["x-ms-date", "x-ms-content-sha256", "host", "authorization"] {
        let mut missing = signed(&body);
        missing.remove(name);
        assert!(matches!(verify(&missing, PATH, &body, now()), Err(WebhookError::MissingHeader(n)) if n == name));
        let mut repeated = signed(&body);
        let value = repeated[name].clone();
        repeated.append(name, value);
        assert!(matches!(verify(&repeated, PATH, &body, now()), Err(WebhookError::RepeatedHeader(n)) if n == name));
    }
    let err = Verifier::new(SECRET).verify("GET", PATH, &signed(&body), &body, now()).unwrap_err();
    assert!(matches!(err, WebhookError::Method(_)));
}

#[test]
fn a_signed_body_that_is_not_an_event_is_refused_after_the_signature() {
    let body = b"{\"hello\": \"world\"}";
    let err = verify(&signed(body), PATH, body, now()).unwrap_err();
    assert!(matches!(err, WebhookError::Payload(_)), "{err}");
}

#[test]
fn the_secret_never_shows() {
    let verifier = Verifier::new(SECRET);
    assert!(!format!("{verifier:?}").contains(SECRET));
    let body = body();
    let err = Verifier::new("other").verify("POST", PATH, &signed(&body), &body, now()).unwrap_err();
    assert!(!format!("{err} {err:?}").contains(SECRET));
}
