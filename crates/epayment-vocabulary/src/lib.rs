//! The named values of the Vipps MobilePay ePayment API, shared by the generated client
//! (`epayment-api`), webhook verification (`epayment-webhooks`) and the simulator
//! (`epayment-sim`), so that every side of the wire reads and writes the same types.
//!
//! - [`Currency`], [`State`] and [`EventName`] are open enums. The API may add a value at any
//!   time; one this version does not know decodes as [`Currency::Other`], [`State::Unknown`]
//!   or [`EventName::Unknown`] and keeps its text, instead of failing the whole answer or
//!   delivery. They are `#[non_exhaustive]`: a `match` needs a `_` arm, so that a later version
//!   may know more values without breaking anyone's code. Each reads and writes the API's
//!   spelling through serde, `FromStr`, `Display` and `From<String>`.
//! - [`ErrorCode`] is the table of codes a refusal carries in its problem's `extraDetails`:
//!   written by hand from the API's guides (the document does not list them), it is what the
//!   `epayment` client branches on and what the simulator answers with.
//!
//! What lives here is vocabulary, not behaviour: values and their spelling, no I/O. The crate
//! depends on serde's traits alone (`serde_core`: no derive, no HTTP client, no async
//! runtime), so that a service that only verifies webhooks and the generated client can both
//! depend on it for nothing; `.ci/run` checks that it stays so. Most users name these types
//! through the crates that re-export them: `epayment::State`, `epayment_api::State`,
//! `epayment_webhooks::EventName`.
//!
//! ```
//! use epayment_vocabulary::{Currency, ErrorCode, EventName, State};
//!
//! // A state added to the API after this version still decodes, and keeps its text.
//! let state: State = serde_json::from_str(r#""PENDING_REVIEW""#)?;
//! assert_eq!(state, State::Unknown("PENDING_REVIEW".into()));
//! assert_eq!(state.to_string(), "PENDING_REVIEW");
//!
//! assert_eq!(Currency::from_code("NOK"), Currency::Nok);
//! assert_eq!("CAPTURED".parse(), Ok(EventName::Captured));
//!
//! let busy = ErrorCode::from_code(6160);
//! assert_eq!(busy, ErrorCode::PaymentBusy);
//! assert!(busy.is_retryable(), "retry with the same Idempotency-Key");
//! # Ok::<(), serde_json::Error>(())
//! ```
#![deny(missing_docs)]

// First: the open enums below are defined with it.
#[macro_use]
mod open_enum;

mod currency;
mod error_code;
mod event_name;
mod state;

pub use currency::Currency;
pub use error_code::ErrorCode;
pub use event_name::EventName;
pub use state::State;
