//! The operations: each checks its input, builds its request once, and hands it to the
//! client's retry loop, so that every attempt sends the same key and the same body.
//!
//! - [`adjust`]: capture, refund and cancel (one builder shape, one send path).
//! - [`create`]: createPayment and its user flows.
//! - [`read`]: Get payment, the event log, force approve.

mod adjust;
mod create;
mod read;

use std::pin::Pin;

use epayment_api::epayment::{builder, types};

pub use adjust::{Cancel, Capture, Refund};
pub use create::{CreatePayment, UserFlow};

use crate::client::{Client, Operation};
use crate::error::{Error, InputError};
use crate::ids::{IdempotencyKey, Reference};

/// A boxed future, for `IntoFuture` on the builders.
type Pending<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// Converts a checked value into the generated type, which checks it again; the two checks
/// agree by construction, so a failure here is a bug in this crate, reported as input error.
fn generated<T, S>(field: &'static str, value: S) -> Result<T, InputError>
where
    S: AsRef<str>,
    T: for<'s> TryFrom<&'s str>,
{
    T::try_from(value.as_ref()).map_err(|_| InputError::new(field, value.as_ref(), "refused by the document's schema"))
}

/// What every operation's request carries besides its own input. Owned, so that each attempt's
/// request future can keep it.
#[derive(Clone)]
struct Call {
    msn: String,
    subscription_key: String,
    psp_id: Option<String>,
    /// The operation's Idempotency-Key; empty for reads and force approve.
    idempotency_key: String,
}

/// The headers every generated operation builder takes the same way: the sales unit, its
/// subscription key, and the payment service provider when one makes the call.
trait SalesUnitHeaders: Sized {
    fn sales_unit(self, call: &Call) -> Self;
}

macro_rules! sales_unit_headers {
    ($($builder:ident),*) => {$(
        impl SalesUnitHeaders for builder::$builder<'_> {
            fn sales_unit(self, call: &Call) -> Self {
                let with = self.merchant_serial_number(call.msn.as_str()).ocp_apim_subscription_key(call.subscription_key.clone());
                match &call.psp_id {
                    Some(psp_id) => with.psp_id(psp_id.clone()),
                    None => with,
                }
            }
        }
    )*};
}

sales_unit_headers!(
    CreatePayment,
    GetPayment,
    GetPaymentEventLog,
    CapturePayment,
    RefundPayment,
    CancelPayment,
    ForceApprove
);

impl Client {
    /// The one path from an operation into the retry loop: checks the reference, then sends
    /// `request(api, reference, call, input)` on every attempt with the same input and key.
    async fn send_operation<T, E, I, F, Fut>(
        &self,
        id: &'static str,
        reference: &Reference,
        key: Option<&IdempotencyKey>,
        input: I,
        request: F,
    ) -> Result<T, Error>
    where
        I: Clone,
        F: Fn(epayment_api::epayment::Client, types::Reference, Call, I) -> Fut,
        Fut: Future<Output = Result<epayment_api::epayment::ResponseValue<T>, epayment_api::epayment::Error<E>>>,
        E: serde::Serialize,
    {
        self.send_operation_within(id, reference, key, None, input, request).await
    }

    /// [`Client::send_operation`], taking at most `within` in all where given.
    async fn send_operation_within<T, E, I, F, Fut>(
        &self,
        id: &'static str,
        reference: &Reference,
        key: Option<&IdempotencyKey>,
        within: Option<std::time::Duration>,
        input: I,
        request: F,
    ) -> Result<T, Error>
    where
        I: Clone,
        F: Fn(epayment_api::epayment::Client, types::Reference, Call, I) -> Fut,
        Fut: Future<Output = Result<epayment_api::epayment::ResponseValue<T>, epayment_api::epayment::Error<E>>>,
        E: serde::Serialize,
    {
        let checked: types::Reference = generated("reference", reference)?;
        let call = Call {
            msn: self.merchant_serial_number().as_str().to_owned(),
            subscription_key: self.subscription_key().to_owned(),
            psp_id: self.psp_id().map(str::to_owned),
            idempotency_key: key.map_or("", IdempotencyKey::as_str).to_owned(),
        };
        let operation = Operation { id, reference: Some(reference), idempotency_key: key, within };
        self.execute(operation, |api| request(api, checked.clone(), call.clone(), input.clone())).await
    }
}

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
