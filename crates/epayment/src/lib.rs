//! Vipps MobilePay ePayment for Rust.
//!
//! Capture, cancel and refund payments with the access token, the headers and the
//! idempotency keys taken care of; retries that can never apply an operation twice; errors
//! you can branch on; and verification of webhook deliveries.
//!
//! ```no_run
//! use epayment::{Amount, Client, Environment, Error, ErrorCode, Reference};
//!
//! # async fn run() -> Result<(), Error> {
//! let client = Client::builder()
//!     .environment(Environment::Test)
//!     .credentials("client-id", "client-secret", "subscription-key")
//!     .merchant_serial_number("123456")
//!     .system("acme-shop", "1.4.0")
//!     .build()
//!     .expect("a valid configuration");
//! let reference = Reference::new("acme-order-1001")?;
//!
//! // Full capture: 10.00 NOK of an authorized 10.00 NOK.
//! let done = client.capture(&reference, Amount::nok(1000)).send().await?;
//! assert!(done.remaining_capturable().is_zero());
//!
//! // Partial capture, then cancel what is left: captured 2.50, cancelled 7.50.
//! let other = Reference::new("acme-order-1002")?;
//! client.capture(&other, Amount::nok(250)).await?;
//! let cancelled = client.cancel(&other).await?;
//! assert_eq!(cancelled.aggregate.cancelled, Amount::nok(750));
//!
//! // Errors carry the API's code.
//! match client.capture(&other, Amount::nok(100)).await {
//!     Err(e) if e.code() == Some(ErrorCode::CaptureCancelled) => println!("already cancelled"),
//!     other => println!("{other:?}"),
//! }
//! # Ok(()) }
//! ```
//!
//! Every operation goes through the generated client in `epayment-api`; the value types here
//! ([`Amount`], [`Reference`], [`IdempotencyKey`], [`MerchantSerialNumber`]) are checked once,
//! where they are made, and refused with [`Error::InvalidInput`] before anything is sent.

#![deny(missing_docs)]

mod answer;
mod auth;
mod call;
mod client;
mod config;
mod deadline;
mod error;
mod ids;
mod model;
mod money;
mod ops;
mod retry;
mod sleep;
mod token;
mod wait;

pub use client::Client;
pub use config::{ClientBuilder, ConfigError, Environment, env};
pub use error::{Error, ErrorCode, FieldError, InputError, Problem};
pub use ids::{IdempotencyKey, MerchantSerialNumber, Reference};
pub use model::{Adjustment, Aggregate, CreatedPayment, EventName, Payment, PaymentEvent, State};
pub use money::{Amount, Currency, MAX_MINOR_UNITS};
pub use ops::{Cancel, Capture, CreatePayment, Refund, UserFlow};
pub use retry::RetryPolicy;
pub use sleep::{AsyncSleep, Sleep, TokioSleep};
pub use wait::Until;

/// Verifying webhook deliveries (and signing them, for tests): the `epayment-webhooks` crate,
/// which a service that only receives webhooks can depend on alone.
pub use epayment_webhooks as webhooks;
