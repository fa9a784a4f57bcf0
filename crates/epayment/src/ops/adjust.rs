//! Capture, refund and cancel: one shape (a reference, a key, a body) and one request, built
//! in [`Adjust::send`]; the public builders differ only in what they take.

use epayment_api::epayment::{operation_ids, types};

use super::into_future;
use crate::client::Client;
use crate::error::Error;
use crate::ids::{IdempotencyKey, Reference};
use crate::model::Adjustment;
use crate::money::Amount;

/// Which adjustment, with its own input.
#[derive(Debug)]
enum Kind {
    Capture(Amount),
    Refund(Amount),
    Cancel { transaction_only: bool },
}

/// An adjustment before it is sent.
#[derive(Debug)]
struct Adjust<'a> {
    client: &'a Client,
    reference: Reference,
    kind: Kind,
    key: Option<IdempotencyKey>,
}

impl Adjust<'_> {
    /// Checks the input, then sends the request built here with a key (random unless given),
    /// retrying as the client's policy says.
    async fn send(self) -> Result<Adjustment, Error> {
        let Adjust { client, reference, kind, key } = self;
        let key = key.unwrap_or_else(IdempotencyKey::random);
        let unit = client.sales_unit();
        // The three differ in their operation, their generated builder and their body alone.
        macro_rules! send {
            ($id:expr, $operation:ident, $body:expr) => {{
                let body = $body;
                client
                    .call($id, &reference)
                    .idempotency_key(&key)
                    .send(|api| {
                        let request = api
                            .$operation()
                            .reference(reference.generated().clone())
                            .idempotency_key(key.as_str())
                            .merchant_serial_number(unit.msn.clone())
                            .ocp_apim_subscription_key(unit.subscription_key)
                            .body(body.clone());
                        Box::pin(request.send())
                    })
                    .await?
            }};
        }
        let answer = match kind {
            Kind::Capture(amount) => {
                amount.validate()?;
                let body = types::CaptureModificationRequest { modification_amount: amount.into() };
                send!(operation_ids::CAPTURE_PAYMENT, capture_payment, body)
            }
            Kind::Refund(amount) => {
                amount.validate()?;
                let body = types::RefundModificationRequest { modification_amount: amount.into() };
                send!(operation_ids::REFUND_PAYMENT, refund_payment, body)
            }
            Kind::Cancel { transaction_only } => {
                let body = types::CancelModificationRequest { cancel_transaction_only: Some(transaction_only) };
                send!(operation_ids::CANCEL_PAYMENT, cancel_payment, body)
            }
        };
        Ok(answer.into())
    }
}

/// The public builders: an [`Adjust`] each, with `idempotency_key`, `send` and `IntoFuture`.
macro_rules! adjustment_builder {
    ($(#[$doc:meta])* $builder:ident) => {
        $(#[$doc])*
        #[must_use = "nothing is sent until .send() or .await"]
        #[derive(Debug)]
        pub struct $builder<'a>(Adjust<'a>);

        impl $builder<'_> {
            /// Uses `key` instead of a random one. Give the same key when you retry this
            /// operation yourself (after a restart, say): the API applies it once.
            pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
                self.0.key = Some(key);
                self
            }

            /// Checks the input, then sends, retrying as the client's policy says.
            pub async fn send(self) -> Result<Adjustment, Error> {
                self.0.send().await
            }
        }

        into_future!($builder, Adjustment);
    };
}

adjustment_builder!(
    /// A capture; see [`Client::capture`].
    Capture
);
adjustment_builder!(
    /// A refund; see [`Client::refund`].
    Refund
);
adjustment_builder!(
    /// A cancel; see [`Client::cancel`].
    Cancel
);

impl Cancel<'_> {
    /// Cancel only if the payment is not authorized yet; on an authorized payment the API
    /// refuses (error 6060) and nothing is released.
    pub fn transaction_only(mut self) -> Self {
        self.0.kind = Kind::Cancel { transaction_only: true };
        self
    }
}

impl Client {
    /// Captures `amount` of an authorized payment: all of it, or part of it as many times as
    /// needed while the total stays within what was authorized and not cancelled.
    ///
    /// ```no_run
    /// # async fn f(client: epayment::Client) -> Result<(), epayment::Error> {
    /// use epayment::{Amount, Reference};
    /// let reference = Reference::new("order-1234-abcd")?;
    /// let adjustment = client.capture(&reference, Amount::nok(250)).send().await?;
    /// println!("{} left to capture", adjustment.remaining_capturable());
    /// # Ok(()) }
    /// ```
    pub fn capture(&self, reference: &Reference, amount: Amount) -> Capture<'_> {
        Capture(self.adjust(reference, Kind::Capture(amount)))
    }

    /// Gives `amount` of the captured money back, up to captured minus refunded.
    pub fn refund(&self, reference: &Reference, amount: Amount) -> Refund<'_> {
        Refund(self.adjust(reference, Kind::Refund(amount)))
    }

    /// Cancels a payment: before authorization it ends (TERMINATED); after, whatever is not
    /// captured is released for good. See [`Cancel::transaction_only`].
    pub fn cancel(&self, reference: &Reference) -> Cancel<'_> {
        Cancel(self.adjust(reference, Kind::Cancel { transaction_only: false }))
    }

    fn adjust(&self, reference: &Reference, kind: Kind) -> Adjust<'_> {
        Adjust { client: self, reference: reference.clone(), kind, key: None }
    }
}
