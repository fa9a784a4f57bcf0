//! Reading a payment and its event log, and force approve (the test customer's approval).

use epayment_api::epayment::{operation_ids, types};

use super::check_phone;
use crate::client::Client;
use crate::config::Environment;
use crate::error::{Error, InputError};
use crate::ids::{Reference, generated};
use crate::model::{Payment, PaymentEvent};

impl Client {
    /// Reads a payment: state, amount and aggregate.
    pub async fn payment(&self, reference: &Reference) -> Result<Payment, Error> {
        self.payment_within(reference, None).await
    }

    /// [`Client::payment`], taking at most `within` in all, retries included, where given.
    pub(crate) async fn payment_within(
        &self,
        reference: &Reference,
        within: Option<std::time::Duration>,
    ) -> Result<Payment, Error> {
        let unit = self.sales_unit();
        let answer = self
            .call(operation_ids::GET_PAYMENT, reference)
            .within(within)
            .send(|api| {
                let request = api.get_payment().reference(reference.generated().clone());
                let request =
                    request.merchant_serial_number(unit.msn.clone()).ocp_apim_subscription_key(unit.subscription_key);
                Box::pin(request.send())
            })
            .await?;
        Ok(answer.into())
    }

    /// Reads a payment's event log, oldest first.
    pub async fn events(&self, reference: &Reference) -> Result<Vec<PaymentEvent>, Error> {
        let unit = self.sales_unit();
        let events = self
            .call(operation_ids::GET_PAYMENT_EVENT_LOG, reference)
            .send(|api| {
                let request = api.get_payment_event_log().reference(reference.generated().clone());
                let request =
                    request.merchant_serial_number(unit.msn.clone()).ocp_apim_subscription_key(unit.subscription_key);
                Box::pin(request.send())
            })
            .await?;
        Ok(events.into_iter().map(PaymentEvent::from).collect())
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
        let unit = self.sales_unit();
        self.call(operation_ids::FORCE_APPROVE, reference)
            .send(|api| {
                let request = api
                    .force_approve()
                    .reference(reference.generated().clone())
                    .merchant_serial_number(unit.msn.clone())
                    .ocp_apim_subscription_key(unit.subscription_key)
                    .body(body.clone());
                Box::pin(request.send())
            })
            .await
    }
}
