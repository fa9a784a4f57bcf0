//! What the operations return: the API's answers with amounts as [`Amount`].

use epayment_api::epayment::types;

pub use epayment_api::{EventName, State};

use crate::money::Amount;

/// The running totals of a payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Aggregate {
    /// Reserved by the customer's approval.
    pub authorized: Amount,
    /// Taken so far.
    pub captured: Amount,
    /// Released without being captured.
    pub cancelled: Amount,
    /// Given back so far.
    pub refunded: Amount,
}

impl Aggregate {
    /// What may still be captured: authorized − captured − cancelled (zero if the API's
    /// figures ever say less).
    pub fn remaining_capturable(&self) -> Amount {
        self.authorized
            .checked_sub(&self.captured)
            .and_then(|rest| rest.checked_sub(&self.cancelled))
            .unwrap_or_else(|| Amount::zero(self.authorized.currency().clone()))
    }

    /// What may still be refunded: captured − refunded.
    pub fn remaining_refundable(&self) -> Amount {
        self.captured.checked_sub(&self.refunded).unwrap_or_else(|| Amount::zero(self.captured.currency().clone()))
    }
}

impl From<types::Aggregate> for Aggregate {
    fn from(a: types::Aggregate) -> Self {
        Self {
            authorized: a.authorized_amount.into(),
            captured: a.captured_amount.into(),
            cancelled: a.cancelled_amount.into(),
            refunded: a.refunded_amount.into(),
        }
    }
}

/// The payment after a capture, cancel or refund.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adjustment {
    /// The merchant's reference.
    pub reference: String,
    /// The state; it stays `AUTHORIZED` through captures, refunds and cancels after approval.
    pub state: State,
    /// The amount the payment was created with.
    pub amount: Amount,
    /// The totals after this operation.
    pub aggregate: Aggregate,
    /// The API's id of this operation.
    pub psp_reference: String,
}

impl Adjustment {
    /// What may still be captured.
    pub fn remaining_capturable(&self) -> Amount {
        self.aggregate.remaining_capturable()
    }

    /// What may still be refunded.
    pub fn remaining_refundable(&self) -> Amount {
        self.aggregate.remaining_refundable()
    }
}

impl From<types::ModificationResponse> for Adjustment {
    fn from(r: types::ModificationResponse) -> Self {
        Self {
            reference: r.reference.to_string(),
            state: r.state,
            amount: r.amount.into(),
            aggregate: r.aggregate.into(),
            psp_reference: r.psp_reference.0,
        }
    }
}

/// A payment as the API sees it now.
#[derive(Clone, Debug, PartialEq)]
pub struct Payment {
    /// The merchant's reference.
    pub reference: String,
    /// Where the payment is.
    pub state: State,
    /// The amount asked for.
    pub amount: Amount,
    /// The totals so far.
    pub aggregate: Aggregate,
    /// The API's id of the payment's latest event.
    pub psp_reference: String,
    /// The whole answer, for the fields not lifted out above.
    pub details: types::GetPaymentResponse,
}

impl Payment {
    /// Until when the card network guarantees a capture (`captureGuaranteedUntil`, which the
    /// API returns since after 1.8.1); a capture later may fail with
    /// [`ErrorCode::FundsUnavailable`](crate::ErrorCode::FundsUnavailable).
    pub fn capture_guaranteed_until(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.details.capture_guaranteed_until
    }
}

impl From<types::GetPaymentResponse> for Payment {
    fn from(r: types::GetPaymentResponse) -> Self {
        Self {
            reference: r.reference.to_string(),
            state: r.state.clone(),
            amount: (&r.amount).into(),
            aggregate: r.aggregate.clone().into(),
            psp_reference: r.psp_reference.0.clone(),
            details: r,
        }
    }
}

/// One entry of a payment's event log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentEvent {
    /// What happened.
    pub name: EventName,
    /// How much it was about.
    pub amount: Amount,
    /// The event's own id.
    pub psp_reference: String,
    /// When it happened.
    pub timestamp: chrono::DateTime<chrono::Utc>,
    /// False when the operation was tried and failed.
    pub success: bool,
    /// The key of the call that caused it, if any.
    pub idempotency_key: Option<String>,
}

impl From<types::PaymentEvent> for PaymentEvent {
    fn from(e: types::PaymentEvent) -> Self {
        Self {
            // The webhook crate's name is open: one the API adds later keeps its text.
            name: e.name,
            amount: e.amount.into(),
            psp_reference: e.psp_reference.0,
            timestamp: e.timestamp,
            success: e.success,
            idempotency_key: e.idempotency_key.map(|k| k.to_string()),
        }
    }
}

/// A created payment: its reference, and where to send the customer if the flow needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedPayment {
    /// The merchant's reference.
    pub reference: String,
    /// The landing page, app link or QR image, depending on the user flow.
    pub redirect_url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aggregate(authorized: i64, captured: i64, cancelled: i64, refunded: i64) -> Aggregate {
        Aggregate {
            authorized: Amount::nok(authorized),
            captured: Amount::nok(captured),
            cancelled: Amount::nok(cancelled),
            refunded: Amount::nok(refunded),
        }
    }

    #[test]
    fn remaining_amounts_follow_the_aggregate_arithmetic() {
        let a = aggregate(1000, 250, 0, 100);
        assert_eq!(a.remaining_capturable(), Amount::nok(750));
        assert_eq!(a.remaining_refundable(), Amount::nok(150));
        assert_eq!(aggregate(1000, 250, 750, 0).remaining_capturable(), Amount::nok(0));
        assert_eq!(aggregate(1000, 1000, 0, 1000).remaining_refundable(), Amount::nok(0));
        // Figures that do not add up never give a negative remainder.
        assert_eq!(aggregate(100, 250, 0, 0).remaining_capturable(), Amount::nok(0));
    }
}
