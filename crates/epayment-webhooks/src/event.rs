//! The payload of an `epayments.payment.*.v1` delivery.
//!
//! Its own small types rather than the generated ones (which live in `epayment-api`, behind
//! reqwest); `tests/schema.rs` holds them to the document's `WebhookEvent` schema, field by
//! field.

use serde::{Deserialize, Serialize};

crate::open_enum! {
    /// What happened to the payment.
    ///
    /// Open: a name the API adds later decodes as [`EventName::Unknown`] instead of failing the
    /// whole delivery, and keeps its text. Non-exhaustive, so that a later version
    /// may know more names without breaking anyone's `match`: a `match` needs a `_` arm.
    ///
    /// ```compile_fail
    /// # use epayment_webhooks::EventName;
    /// fn every_arm_but_the_wildcard(name: EventName) -> bool {
    ///     match name {
    ///         EventName::Created | EventName::Aborted | EventName::Expired | EventName::Cancelled => false,
    ///         EventName::Captured | EventName::Refunded | EventName::Authorized => true,
    ///         EventName::Terminated | EventName::Unknown(_) => false,
    ///     }
    /// }
    /// ```
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    pub enum EventName {
        /// The payment was created.
        Created = "CREATED",
        /// The customer aborted it.
        Aborted = "ABORTED",
        /// The customer did not act in time.
        Expired = "EXPIRED",
        /// What was left of the reservation was released.
        Cancelled = "CANCELLED",
        /// Money was taken.
        Captured = "CAPTURED",
        /// Money was given back.
        Refunded = "REFUNDED",
        /// The customer approved: the amount is reserved.
        Authorized = "AUTHORIZED",
        /// It was cancelled before the customer approved.
        Terminated = "TERMINATED",
    }
    /// A name this version does not know, as the API sent it.
    else Unknown(String);
}

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
    fn names_round_trip_and_unknown_ones_are_kept() {
        for name in EventName::KNOWN {
            let text = serde_json::to_string(&name).unwrap();
            assert_eq!(serde_json::from_str::<EventName>(&text).unwrap(), name);
        }
        let disputed: EventName = serde_json::from_str("\"DISPUTED\"").unwrap();
        assert_eq!(disputed, EventName::Unknown("DISPUTED".into()));
        assert_eq!(serde_json::to_string(&disputed).unwrap(), "\"DISPUTED\"");
        assert_eq!(disputed.to_string(), "DISPUTED");
        assert_eq!(event_type(&disputed), "epayments.payment.disputed.v1");
        assert_eq!(event_type(&EventName::Captured), "epayments.payment.captured.v1");
    }
}
