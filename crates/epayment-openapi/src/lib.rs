//! The Vipps MobilePay ePayment API's effective OpenAPI document, and checks against it.
//!
//! "Effective" means the project's own `openapi/epayment.yaml` with the overlays of
//! `openapi/overlays/epayment/` applied: the document the API really speaks, and the one the
//! typed client in `epayment-api` is generated from. `cargo xtask regen` writes it to this
//! crate's `epayment.json` (and `--check` fails when it is stale), so the crate carries
//! everything it reads and can be packaged on its own.
//!
//! The simulator routes and checks every request with it, the contract harness checks every
//! exchange, and `cargo xtask spec-diff` walks documents with [`walk`].
//!
//! ```
//! use epayment_openapi::ApiDocument;
//! let doc = ApiDocument::epayment();
//! let (op, params) = doc.route("POST", "/v1/payments/order-1234-abcd/capture").unwrap();
//! assert_eq!((op.id.as_str(), params["Reference"].as_str()), ("capturePayment", "order-1234-abcd"));
//! ```
#![deny(missing_docs)]

mod document;
mod schema;
pub mod walk;

pub use document::{ApiDocument, Body, Operation, Parameter};
pub use schema::Violation;

/// The effective ePayment document as JSON, written by `cargo xtask regen`.
pub const EPAYMENT_JSON: &str = include_str!("../epayment.json");
