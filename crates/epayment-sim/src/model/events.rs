//! The event log of each payment, and the webhook outbox it feeds.

use chrono::{DateTime, Utc};
use epayment_api::epayment::types;
use epayment_vocabulary::EventName;

use super::{Model, Notification, PaymentKey};

/// One event to log: what happened, how much, and the key of the call behind it.
pub(crate) struct Event<'a> {
    pub(crate) name: EventName,
    pub(crate) amount: i64,
    pub(crate) key: Option<&'a str>,
    pub(crate) success: bool,
}

impl<'a> Event<'a> {
    /// A successful event.
    pub(crate) fn done(name: EventName, amount: i64, key: Option<&'a str>) -> Self {
        Self { name, amount, key, success: true }
    }
}

impl Model {
    /// Appends an event to the payment's log and the webhook outbox, now; returns its own
    /// pspReference (every event has one; the webhook carries it).
    pub(crate) fn record(&mut self, payment: &PaymentKey, event: Event<'_>) -> String {
        let now = self.now();
        self.record_at(payment, event, now)
    }

    /// [`Model::record`] at a given time (an expiry is logged when it came due, not when the
    /// simulator noticed).
    // fidelity: psp-reference-per-event
    pub(crate) fn record_at(&mut self, key: &PaymentKey, event: Event<'_>, at: DateTime<Utc>) -> String {
        let psp = self.next_id(10);
        self.touch(key, at.max(self.now()));
        let Some(payment) = self.payments.get_mut(key) else { return psp };
        let amount = types::Amount { currency: payment.currency.clone(), value: event.amount };
        // The authorized event carries what the customer shared and the capture guarantee.
        let authorized = event.name == EventName::Authorized;
        let consent = payment.consent.as_ref().filter(|_| authorized);
        let (sub, capture_guaranteed_until) =
            if authorized { (payment.sub.clone(), payment.capture_guaranteed_until) } else { (None, None) };
        let reference = payment.reference.clone();
        let idempotency_key = event.key.and_then(|k| types::PaymentEventIdempotencyKey::try_from(k).ok());
        payment.events.push(types::PaymentEvent {
            amount: amount.clone(),
            idempotency_key,
            name: event.name.clone(),
            psp_reference: types::PspReference(psp.clone()),
            reference: reference.clone(),
            success: event.success,
            timestamp: at,
        });
        if let Ok(msn) = types::Msn::try_from(key.msn.as_str()) {
            self.outbox.push(Notification {
                event: types::WebhookEvent {
                    amount,
                    capture_guaranteed_until,
                    idempotency_key: event.key.map(str::to_owned),
                    msn,
                    name: event.name,
                    psp_reference: types::PspReference(psp.clone()),
                    reference,
                    shipping_details: consent.and_then(|c| c.shipping_details.clone()),
                    sub,
                    success: event.success,
                    timestamp: at,
                    user_details: consent.and_then(|c| c.user_details.clone()),
                },
            });
        }
        psp
    }

    /// An operation that was tried and failed (an injected refusal of capture, refund or
    /// cancel): its event is logged and delivered with `success: false`, and nothing changes.
    /// Nothing is logged for a payment that does not exist. Without an amount in the request,
    /// the event is for what is left to capture.
    // fidelity: webhook-success-false
    pub(crate) fn record_failure(
        &mut self,
        key: &PaymentKey,
        name: EventName,
        amount: Option<i64>,
        idempotency_key: Option<&str>,
    ) {
        let Some(payment) = self.payment(key) else { return };
        let amount = amount.unwrap_or_else(|| payment.capturable());
        self.record(key, Event { name, amount, key: idempotency_key, success: false });
    }
}
