//! A payment as the simulator keeps it, and the answers the API gives about it.

use chrono::{DateTime, Utc};
use epayment_api::epayment::types;
use epayment_vocabulary::Currency;
use epayment_vocabulary::State;

use super::cards::CardNetwork;
use super::profile::Consent;
use crate::clock;

/// A payment as the simulator keeps it. Amounts are minor units in the payment's currency.
#[derive(Clone, Debug, PartialEq)]
pub struct Payment {
    /// Merchant serial number.
    pub msn: String,
    /// The merchant's reference.
    pub reference: types::Reference,
    /// Where it is.
    pub state: State,
    /// The amount asked for.
    pub amount: i64,
    /// Its currency.
    pub currency: Currency,
    /// Reserved by approval.
    pub authorized: i64,
    /// Taken so far.
    pub captured: i64,
    /// Released.
    pub cancelled: i64,
    /// Given back.
    pub refunded: i64,
    /// The pspReference of the creation event, which the API's answers carry.
    pub psp_reference: String,
    /// The Idempotency-Key of the create call, which the AUTHORIZED event carries.
    pub create_key: Option<String>,
    /// Where the customer was sent, if the flow has a URL.
    pub redirect_url: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When the customer approved it.
    pub authorized_at: Option<DateTime<Utc>>,
    /// The card behind it: its network decides how long a capture is guaranteed.
    pub card: CardNetwork,
    /// Until when a capture is guaranteed (set at authorization).
    pub capture_guaranteed_until: Option<DateTime<Utc>>,
    /// When a payment whose result is unknown (test amount 201) is decided, if it is pending.
    pub decided_at: Option<DateTime<Utc>>,
    /// The profile scopes the merchant asked for.
    pub scopes: std::collections::BTreeSet<String>,
    /// The shipping options of an Express payment.
    pub shipping: Option<types::Shipping>,
    /// The key to the customer's profile, once they consented (`profile.sub`).
    pub sub: Option<String>,
    /// What the customer shared at approval.
    pub(crate) consent: Option<Consent>,
    /// Every event, oldest first.
    pub events: Vec<types::PaymentEvent>,
}

impl Payment {
    /// About how many bytes the simulator holds for it: the struct, its texts and its events.
    /// Counted by retention, so that a bound in bytes holds whatever the payments carry.
    pub(crate) fn approx_bytes(&self) -> usize {
        const EVENT: usize = 320;
        let texts = self.msn.len()
            + self.reference.len()
            + self.psp_reference.len()
            + self.create_key.as_ref().map_or(0, String::len)
            + self.redirect_url.as_ref().map_or(0, String::len)
            + self.scopes.iter().map(|s| s.len() + 32).sum::<usize>();
        let shipping = self.shipping.as_ref().and_then(|s| serde_json::to_vec(s).ok()).map_or(0, |s| s.len());
        std::mem::size_of::<Self>() + texts + shipping + self.events.len() * EVENT
    }

    fn money(&self, value: i64) -> types::Amount {
        types::Amount { currency: self.currency.clone(), value }
    }

    fn aggregate(&self) -> types::Aggregate {
        types::Aggregate {
            authorized_amount: self.money(self.authorized),
            cancelled_amount: self.money(self.cancelled),
            captured_amount: self.money(self.captured),
            refunded_amount: self.money(self.refunded),
        }
    }

    /// The answer of capture, cancel and refund: like Get payment, it carries the pspReference
    /// of the creation event, not the new event's.
    // fidelity: psp-reference-in-answers
    pub fn modification_response(&self) -> types::ModificationResponse {
        types::ModificationResponse {
            aggregate: self.aggregate(),
            amount: self.money(self.amount),
            psp_reference: types::PspReference(self.psp_reference.clone()),
            reference: self.reference.clone(),
            state: self.state.clone(),
        }
    }

    /// The answer of getPayment.
    pub fn get_response(&self) -> types::GetPaymentResponse {
        types::GetPaymentResponse {
            aggregate: self.aggregate(),
            amount: self.money(self.amount),
            metadata: None,
            capture_guaranteed_until: self.capture_guaranteed_until,
            payment_method: types::PaymentMethodResponse { card_bin: None, type_: types::PaymentMethodType::Wallet },
            profile: types::ProfileResponse { sub: self.sub.clone() },
            psp_reference: types::PspReference(self.psp_reference.clone()),
            redirect_url: self.redirect_url.clone(),
            reference: self.reference.clone(),
            shipping_details: self.consent.as_ref().and_then(|c| c.shipping_details.clone()),
            state: self.state.clone(),
            user_details: self.consent.as_ref().and_then(|c| c.user_details.clone()),
        }
    }

    /// Whether it is an Express payment (shipping options chosen in the app).
    pub fn is_express(&self) -> bool {
        self.shipping.is_some()
    }

    /// Whether `period` after approval has passed at `now` (never, for a payment not approved).
    pub(crate) fn period_over(&self, period: chrono::TimeDelta, now: DateTime<Utc>) -> bool {
        self.authorized_at.is_some_and(|at| clock::later(at, period) <= now)
    }

    /// What may still be captured.
    pub fn capturable(&self) -> i64 {
        self.authorized - self.captured - self.cancelled
    }

    /// What may still be refunded.
    pub fn refundable(&self) -> i64 {
        self.captured - self.refunded
    }
}
