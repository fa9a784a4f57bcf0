//! The operations. Each checks its input, then builds its whole request in one place (the
//! path, the idempotency key, the sales unit's headers and the body, in one chain on the
//! generated builder) and sends it as a [`Call`](crate::call::Call), which builds it again the
//! same way for every attempt. The client adds what every request carries: the token, the
//! system headers, Psp-Id and the body limit.
//!
//! - [`adjust`]: capture, refund and cancel.
//! - [`create`]: createPayment and its user flows.
//! - [`read`]: Get payment, the event log, force approve.

mod adjust;
mod create;
mod read;

use std::pin::Pin;

pub use adjust::{Cancel, Capture, Refund};
pub use create::{CreatePayment, UserFlow};

use crate::error::{Error, InputError};

/// A boxed future, for `IntoFuture` on the builders.
type Pending<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// `IntoFuture` for an operation builder whose `send` gives `$output`.
macro_rules! into_future {
    ($builder:ident, $output:ty) => {
        impl<'a> std::future::IntoFuture for $builder<'a> {
            type Output = Result<$output, crate::error::Error>;
            type IntoFuture = crate::ops::Pending<'a, $output>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}
use into_future;

/// A phone number with country code, digits only.
fn check_phone(phone: &str) -> Result<&str, InputError> {
    let ok = (9..=15).contains(&phone.len()) && phone.bytes().all(|b| b.is_ascii_digit());
    if ok {
        Ok(phone)
    } else {
        Err(InputError::new("phone number", phone, "must be 9 to 15 digits with country code, e.g. 4712345678"))
    }
}
