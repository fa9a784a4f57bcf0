//! createPayment: the user flows, and the checks made before anything is sent.

use epayment_api::epayment::{operation_ids, types};

use super::{check_phone, into_future};
use crate::client::Client;
use crate::error::{Error, InputError};
use crate::ids::{IdempotencyKey, Reference, generated};
use crate::model::CreatedPayment;
use crate::money::Amount;

impl Client {
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
}

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
        let unit = self.client.sales_unit();
        let created = self
            .client
            .call(operation_ids::CREATE_PAYMENT, &self.reference)
            .idempotency_key(&key)
            .send(|api| {
                let request = api
                    .create_payment()
                    .idempotency_key(key.as_str())
                    .merchant_serial_number(unit.msn.clone())
                    .ocp_apim_subscription_key(unit.subscription_key)
                    .body(body.clone());
                Box::pin(request.send())
            })
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
            reference: self.reference.generated().clone(),
            return_url,
            shipping: None,
            user_flow: self.user_flow.into(),
        })
    }
}
into_future!(CreatePayment, CreatedPayment);
