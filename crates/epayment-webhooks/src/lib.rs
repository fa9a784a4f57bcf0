//! Vipps MobilePay Webhooks API deliveries of ePayment events: verify them, and (for tests
//! and simulators) sign them.
//!
//! A delivery is a `POST` whose `Authorization` header is
//! `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<sig>`, where
//! `<sig>` is base64(HMAC-SHA256(secret, "POST\n" + path-and-query + "\n" + x-ms-date + ";" +
//! host + ";" + x-ms-content-sha256)) and `x-ms-content-sha256` is base64(SHA-256(body)).
//!
//! This crate depends on no HTTP client and not on the generated API client: a service that
//! only receives webhooks compiles hashing, HMAC and JSON decoding, and the API's shared
//! vocabulary (`epayment-vocabulary`, whose [`EventName`] an event carries), nothing more.
//! The `epayment` client re-exports it as `epayment::webhooks`.
//!
//! ```
//! use std::time::SystemTime;
//! use epayment_webhooks::{EventName, Verifier, sign};
//!
//! let body = br#"{"msn":"123456","reference":"order-1234-abcd","pspReference":"7686f7788898767977",
//!   "name":"CAPTURED","amount":{"currency":"NOK","value":250},"timestamp":"2026-11-27T10:00:00Z",
//!   "success":true,"idempotencyKey":null}"#;
//! let now = SystemTime::now();
//! let headers = sign("the-secret", "/hooks/vipps", "shop.example", body, now).headers("shop.example");
//! let event = Verifier::new("the-secret").verify("POST", "/hooks/vipps", &headers, body, now).unwrap();
//! assert_eq!((event.name, event.amount.value), (EventName::Captured, 250));
//! ```
#![deny(missing_docs)]

mod event;
mod signature;
mod verify;

pub use event::{EventAmount, WebhookEvent, event_type};
// The shared vocabulary's open enum, re-exported because a `WebhookEvent` carries one.
pub use epayment_vocabulary::EventName;
pub use signature::{Signature, sign};
pub use verify::{Verifier, WebhookError};
