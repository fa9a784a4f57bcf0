//! The operations: each checks its input, builds its request once, and hands it to the
//! client's retry loop, so that every attempt sends the same key and the same body.

use std::future::IntoFuture;
use std::pin::Pin;

use epayment_api::epayment::{operation_ids, types};

use crate::client::{Client, Operation};
use crate::config::Environment;
use crate::error::{Error, InputError};
use crate::ids::{IdempotencyKey, Reference};
use crate::model::{Adjustment, CreatedPayment, Payment, PaymentEvent};
use crate::money::Amount;

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
    /// The operation's Idempotency-Key; empty for reads and force approve.
    idempotency_key: String,
}

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
        let checked: types::Reference = generated("reference", reference)?;
        let call = Call {
            msn: self.merchant_serial_number().as_str().to_owned(),
            subscription_key: self.subscription_key().to_owned(),
            idempotency_key: key.map_or("", IdempotencyKey::as_str).to_owned(),
        };
        let operation = Operation { id, reference: Some(reference), idempotency_key: key };
        self.execute(operation, |api| request(api, checked.clone(), call.clone(), input.clone())).await
    }

    /// Capture, refund or cancel: a key (random unless given) and an adjustment back.
    async fn adjust<I, F, Fut>(
        &self,
        id: &'static str,
        reference: &Reference,
        key: Option<IdempotencyKey>,
        body: I,
        request: F,
    ) -> Result<Adjustment, Error>
    where
        I: Clone,
        F: Fn(epayment_api::epayment::Client, types::Reference, Call, I) -> Fut,
        Fut: Future<
            Output = Result<
                epayment_api::epayment::ResponseValue<types::ModificationResponse>,
                epayment_api::epayment::Error<types::Problem>,
            >,
        >,
    {
        let key = key.unwrap_or_else(IdempotencyKey::random);
        let answer = self.send_operation(id, reference, Some(&key), body, request).await?;
        Ok(answer.into())
    }
}

macro_rules! into_future {
    ($builder:ident, $output:ty) => {
        impl<'a> IntoFuture for $builder<'a> {
            type Output = Result<$output, Error>;
            type IntoFuture = Pending<'a, $output>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}

/// A capture; see [`Client::capture`].
#[must_use = "nothing is sent until .send() or .await"]
#[derive(Debug)]
pub struct Capture<'a> {
    client: &'a Client,
    reference: Reference,
    amount: Amount,
    key: Option<IdempotencyKey>,
}

/// A refund; see [`Client::refund`].
#[must_use = "nothing is sent until .send() or .await"]
#[derive(Debug)]
pub struct Refund<'a> {
    client: &'a Client,
    reference: Reference,
    amount: Amount,
    key: Option<IdempotencyKey>,
}

/// A cancel; see [`Client::cancel`].
#[must_use = "nothing is sent until .send() or .await"]
#[derive(Debug)]
pub struct Cancel<'a> {
    client: &'a Client,
    reference: Reference,
    transaction_only: bool,
    key: Option<IdempotencyKey>,
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
        Capture { client: self, reference: reference.clone(), amount, key: None }
    }

    /// Gives `amount` of the captured money back, up to captured minus refunded.
    pub fn refund(&self, reference: &Reference, amount: Amount) -> Refund<'_> {
        Refund { client: self, reference: reference.clone(), amount, key: None }
    }

    /// Cancels a payment: before authorization it ends (TERMINATED); after, whatever is not
    /// captured is released for good. See [`Cancel::transaction_only`].
    pub fn cancel(&self, reference: &Reference) -> Cancel<'_> {
        Cancel { client: self, reference: reference.clone(), transaction_only: false, key: None }
    }

    /// Reads a payment: state, amount and aggregate.
    pub async fn payment(&self, reference: &Reference) -> Result<Payment, Error> {
        let answer = self
            .send_operation(operation_ids::GET_PAYMENT, reference, None, (), |api, r, call, ()| async move {
                let request = api.get_payment().reference(r);
                request.merchant_serial_number(call.msn).ocp_apim_subscription_key(call.subscription_key).send().await
            })
            .await?;
        Ok(answer.into())
    }

    /// Reads a payment's event log, oldest first.
    pub async fn events(&self, reference: &Reference) -> Result<Vec<PaymentEvent>, Error> {
        let events = self
            .send_operation(operation_ids::GET_PAYMENT_EVENT_LOG, reference, None, (), |api, r, call, ()| async move {
                let request = api.get_payment_event_log().reference(r);
                request.merchant_serial_number(call.msn).ocp_apim_subscription_key(call.subscription_key).send().await
            })
            .await?;
        Ok(events.into_iter().map(PaymentEvent::from).collect())
    }

    /// Starts a payment; see [`CreatePayment`].
    pub fn create_payment(&self, reference: &Reference, amount: Amount) -> CreatePayment<'_> {
        CreatePayment {
            client: self,
            reference: reference.clone(),
            amount,
            user_flow: UserFlow::WebRedirect,
            phone_number: None,
            return_url: None,
            description: None,
            key: None,
        }
    }

    /// Approves a CREATED payment as the test customer with `phone_number`, as if they had
    /// accepted it in the app. Test environment only: refused before sending in
    /// [`Environment::Production`].
    pub async fn force_approve(&self, reference: &Reference, phone_number: &str) -> Result<(), Error> {
        if *self.environment() == Environment::Production {
            return Err(InputError::new(
                "environment",
                "production",
                "force approve exists only in the test environment; the customer approves in the app",
            )
            .into());
        }
        let phone: types::CustomerPhoneNumberPhoneNumber = generated("phone number", check_phone(phone_number)?)?;
        let body = types::ForceApprove {
            customer: Some(types::Customer::CustomerPhoneNumber(types::CustomerPhoneNumber {
                phone_number: Some(phone),
            })),
            token: None,
        };
        self.send_operation(operation_ids::FORCE_APPROVE, reference, None, body, |api, r, call, body| async move {
            let request = api.force_approve().reference(r).body(body);
            request.merchant_serial_number(call.msn).ocp_apim_subscription_key(call.subscription_key).send().await
        })
        .await
    }
}

fn check_phone(phone: &str) -> Result<&str, InputError> {
    let ok = (9..=15).contains(&phone.len()) && phone.bytes().all(|b| b.is_ascii_digit());
    if ok {
        Ok(phone)
    } else {
        Err(InputError::new("phone number", phone, "must be 9 to 15 digits with country code, e.g. 4712345678"))
    }
}

/// `idempotency_key` on the adjustment builders.
macro_rules! with_idempotency_key {
    ($($builder:ident),*) => {$(
        impl<'a> $builder<'a> {
            /// Uses `key` instead of a random one. Give the same key when you retry this
            /// operation yourself (after a restart, say): the API applies it once.
            pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
                self.key = Some(key);
                self
            }
        }
    )*};
}

with_idempotency_key!(Capture, Refund, Cancel);

impl Capture<'_> {
    /// Checks the input, then sends, retrying as the client's policy says.
    pub async fn send(self) -> Result<Adjustment, Error> {
        self.amount.validate()?;
        let body = types::CaptureModificationRequest { modification_amount: self.amount.into() };
        self.client
            .adjust(operation_ids::CAPTURE_PAYMENT, &self.reference, self.key, body, |api, r, call, body| async move {
                let request = api.capture_payment().reference(r).idempotency_key(call.idempotency_key).body(body);
                request.merchant_serial_number(call.msn).ocp_apim_subscription_key(call.subscription_key).send().await
            })
            .await
    }
}
into_future!(Capture, Adjustment);

impl Refund<'_> {
    /// Checks the input, then sends, retrying as the client's policy says.
    pub async fn send(self) -> Result<Adjustment, Error> {
        self.amount.validate()?;
        let body = types::RefundModificationRequest { modification_amount: self.amount.into() };
        self.client
            .adjust(operation_ids::REFUND_PAYMENT, &self.reference, self.key, body, |api, r, call, body| async move {
                let request = api.refund_payment().reference(r).idempotency_key(call.idempotency_key).body(body);
                request.merchant_serial_number(call.msn).ocp_apim_subscription_key(call.subscription_key).send().await
            })
            .await
    }
}
into_future!(Refund, Adjustment);

impl Cancel<'_> {
    /// Cancel only if the payment is not authorized yet; on an authorized payment the API
    /// refuses (error 6060) and nothing is released.
    pub fn transaction_only(mut self) -> Self {
        self.transaction_only = true;
        self
    }

    /// Sends, retrying as the client's policy says.
    pub async fn send(self) -> Result<Adjustment, Error> {
        let body = types::CancelModificationRequest { cancel_transaction_only: Some(self.transaction_only) };
        self.client
            .adjust(operation_ids::CANCEL_PAYMENT, &self.reference, self.key, body, |api, r, call, body| async move {
                let request = api.cancel_payment().reference(r).idempotency_key(call.idempotency_key).body(body);
                request.merchant_serial_number(call.msn).ocp_apim_subscription_key(call.subscription_key).send().await
            })
            .await
    }
}
into_future!(Cancel, Adjustment);

/// How the customer is asked to approve a payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserFlow {
    /// A push message to the customer's phone; needs [`CreatePayment::customer_phone`].
    PushMessage,
    /// A switch to the app from another app.
    NativeRedirect,
    /// A landing page, then the app; needs [`CreatePayment::return_url`].
    WebRedirect,
    /// A QR code to scan.
    Qr,
}

impl From<UserFlow> for types::CreatePaymentRequestUserFlow {
    fn from(flow: UserFlow) -> Self {
        match flow {
            UserFlow::PushMessage => Self::PushMessage,
            UserFlow::NativeRedirect => Self::NativeRedirect,
            UserFlow::WebRedirect => Self::WebRedirect,
            UserFlow::Qr => Self::Qr,
        }
    }
}

/// A new payment; see [`Client::create_payment`]. [`UserFlow::WebRedirect`] unless set.
#[must_use = "nothing is sent until .send() or .await"]
#[derive(Debug)]
pub struct CreatePayment<'a> {
    client: &'a Client,
    reference: Reference,
    amount: Amount,
    user_flow: UserFlow,
    phone_number: Option<String>,
    return_url: Option<String>,
    description: Option<String>,
    key: Option<IdempotencyKey>,
}

impl<'a> CreatePayment<'a> {
    /// How the customer is reached.
    pub fn user_flow(mut self, flow: UserFlow) -> Self {
        self.user_flow = flow;
        self
    }

    /// The customer's phone number with country code, digits only (e.g. `4712345678`).
    pub fn customer_phone(mut self, phone_number: impl Into<String>) -> Self {
        self.phone_number = Some(phone_number.into());
        self
    }

    /// Where the customer lands after the app.
    pub fn return_url(mut self, url: impl Into<String>) -> Self {
        self.return_url = Some(url.into());
        self
    }

    /// The text the customer sees in the app (3 to 100 characters).
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// Uses `key` instead of a random one.
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.key = Some(key);
        self
    }

    /// Checks the input, then sends.
    pub async fn send(self) -> Result<CreatedPayment, Error> {
        let body = self.request()?;
        let key = self.key.unwrap_or_else(IdempotencyKey::random);
        let created = self
            .client
            .send_operation(
                operation_ids::CREATE_PAYMENT,
                &self.reference,
                Some(&key),
                body,
                |api, _, call, body| async move {
                    let request = api.create_payment().idempotency_key(call.idempotency_key).body(body);
                    request
                        .merchant_serial_number(call.msn)
                        .ocp_apim_subscription_key(call.subscription_key)
                        .send()
                        .await
                },
            )
            .await?;
        Ok(CreatedPayment { reference: created.reference.to_string(), redirect_url: created.redirect_url })
    }

    fn request(&self) -> Result<types::CreatePaymentRequest, InputError> {
        self.amount.validate()?;
        if self.user_flow == UserFlow::PushMessage && self.phone_number.is_none() {
            return Err(InputError::new(
                "customer phone",
                "",
                "the push message flow needs the customer's phone number",
            ));
        }
        if self.user_flow == UserFlow::WebRedirect && self.return_url.is_none() {
            return Err(InputError::new("return URL", "", "the web redirect flow needs a return URL"));
        }
        let customer = match &self.phone_number {
            Some(phone) => Some(types::Customer::CustomerPhoneNumber(types::CustomerPhoneNumber {
                phone_number: Some(generated("phone number", check_phone(phone)?)?),
            })),
            None => None,
        };
        let return_url = match &self.return_url {
            Some(url) if url.is_empty() || url.len() > 2500 => {
                return Err(InputError::new("return URL", url, "must be 1 to 2500 characters"));
            }
            Some(url) => Some(generated("return URL", url)?),
            None => None,
        };
        let description = match &self.description {
            Some(text) if !(3..=100).contains(&text.chars().count()) => {
                return Err(InputError::new("description", text, "must be 3 to 100 characters"));
            }
            Some(text) => Some(generated("description", text)?),
            None => None,
        };
        Ok(types::CreatePaymentRequest {
            amount: self.amount.clone().into(),
            card_passthrough: None,
            customer,
            customer_interaction: types::CreatePaymentRequestCustomerInteraction::CustomerNotPresent,
            expires_at: None,
            industry_data: None,
            metadata: None,
            minimum_user_age: None,
            payment_description: description,
            payment_method: types::PaymentMethod {
                blocked_sources: Vec::new(),
                type_: types::PaymentMethodType::Wallet,
            },
            profile: None,
            qr_format: None,
            receipt: None,
            receipt_url: None,
            reference: generated("reference", &self.reference)?,
            return_url,
            shipping: None,
            user_flow: self.user_flow.into(),
        })
    }
}
into_future!(CreatePayment, CreatedPayment);
