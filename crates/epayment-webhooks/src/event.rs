//! The payload of an `epayments.payment.*.v1` delivery.
//!
//! Its own small types rather than the generated ones (which live in `epayment-api`, behind
//! reqwest); `tests/schema.rs` holds them to the document's `WebhookEvent` schema, field by
//! field.

use epayment_vocabulary::EventName;
use serde::{Deserialize, Serialize};

/// The Webhooks API event type of an event name, e.g. `epayments.payment.captured.v1`.
pub fn event_type(name: &EventName) -> String {
    format!("epayments.payment.{}.v1", name.as_str().to_ascii_lowercase())
}

/// Money as a delivery carries it: minor units and an ISO 4217 code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventAmount {
    /// The currency code, e.g. `NOK`, as sent (a code added later is kept).
    pub currency: String,
    /// Minor units: 1000 is 10.00 NOK.
    pub value: i64,
}

/// A verified ePayment webhook event: the body of the delivery, decoded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEvent {
    /// The merchant serial number of the sales unit.
    pub msn: String,
    /// The merchant's reference of the payment.
    pub reference: String,
    /// The event's own id (not the one in the API's answers).
    pub psp_reference: String,
    /// What happened.
    pub name: EventName,
    /// How much it was about.
    pub amount: EventAmount,
    /// When it happened.
    pub timestamp: chrono::DateTime<chrono::Utc>,
    /// False when the operation was tried and failed.
    pub success: bool,
    /// The key of the call behind the event, if it had one.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// Key for the userinfo call, when the customer shared profile data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// The customer's details, when shared (as sent; see the document's `UserDetails`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_details: Option<serde_json::Value>,
    /// Where the goods go, for express payments (see the document's `ShippingDetails`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_details: Option<serde_json::Value>,
    /// On the authorized event: until when the card network guarantees a capture (the API's
    /// changelog, August 2026; a capture after it may fail with 6260).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capture_guaranteed_until: Option<chrono::DateTime<chrono::Utc>>,
}

impl WebhookEvent {
    /// The Webhooks API event type, e.g. `epayments.payment.captured.v1`.
    pub fn event_type(&self) -> String {
        event_type(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_type_is_the_name_in_lower_case_even_a_name_this_version_does_not_know() {
        assert_eq!(event_type(&EventName::Captured), "epayments.payment.captured.v1");
        let disputed: EventName = serde_json::from_str("\"DISPUTED\"").unwrap();
        assert_eq!(event_type(&disputed), "epayments.payment.disputed.v1");
    }
}
