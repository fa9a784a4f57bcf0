//! What the customer does with a created payment: approve it in the app, abort it, or leave it
//! until it expires.

use chrono::{DateTime, Utc};
use epayment_api::{EventName, State};

use super::events::Event;
use super::{ApiError, Model, Payment, PaymentKey};
use crate::clock;

/// How long a customer has to act on a created payment before it expires.
pub const CUSTOMER_TIME: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// When a created payment expires unless the customer acts.
pub(crate) fn expires_at(payment: &Payment) -> DateTime<Utc> {
    clock::later(payment.created_at, CUSTOMER_TIME)
}

impl Model {
    /// The customer approves in the app: CREATED -> AUTHORIZED, the whole amount reserved.
    pub(crate) fn approve(&mut self, key: &PaymentKey) -> Result<(), ApiError> {
        let now = self.now();
        let payment = self.get_mut(key)?;
        // fidelity: approve-only-created
        // Our choice of code among the documented 10010..10070: 10010, "approve failed".
        if payment.state != State::Created {
            return Err(ApiError::rule(10010, format!("the payment is {}, not CREATED", payment.state)));
        }
        payment.state = State::Authorized;
        payment.authorized = payment.amount;
        payment.authorized_at = Some(now);
        let (amount, create_key) = (payment.amount, payment.create_key.clone());
        // fidelity: authorized-event-create-key
        self.record(key, Event::done(EventName::Authorized, amount, create_key.as_deref()));
        Ok(())
    }

    /// forceApprove (test environment): as [`Model::approve`].
    pub(crate) fn force_approve(&mut self, key: &PaymentKey) -> Result<(), ApiError> {
        self.approve(key)
    }

    /// The customer aborts: CREATED -> ABORTED.
    pub(crate) fn abort(&mut self, key: &PaymentKey) -> Result<(), ApiError> {
        self.end(key, State::Aborted, EventName::Aborted)
    }

    /// The payment times out unanswered: CREATED -> EXPIRED.
    pub(crate) fn expire(&mut self, key: &PaymentKey) -> Result<(), ApiError> {
        self.end(key, State::Expired, EventName::Expired)
    }

    fn end(&mut self, key: &PaymentKey, state: State, event: EventName) -> Result<(), ApiError> {
        let payment = self.get_mut(key)?;
        // fidelity: final-states
        if payment.state != State::Created {
            return Err(ApiError::rule(10010, format!("the payment is {}, not CREATED", payment.state)));
        }
        payment.state = state;
        let amount = payment.amount;
        self.record(key, Event::done(event, amount, None));
        Ok(())
    }

    /// Applies the expiries due by `now`: a CREATED payment the customer left alone for ten
    /// minutes becomes EXPIRED, with its event (and webhook) at the moment it expired.
    // fidelity: payment-expiry
    pub(crate) fn expire_due(&mut self, now: DateTime<Utc>) {
        while let Some(first) = self.expiries.first().filter(|(at, _)| *at <= now).cloned() {
            self.expiries.remove(&first);
            let (at, key) = first;
            // The customer may have acted, or the merchant cancelled, meanwhile.
            let Some(payment) = self.payments.get_mut(&key) else { continue };
            if payment.state != State::Created {
                continue;
            }
            payment.state = State::Expired;
            let amount = payment.amount;
            self.record_at(&key, Event::done(EventName::Expired, amount, None), at);
        }
    }
}
