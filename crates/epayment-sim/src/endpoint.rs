//! The endpoints the simulator serves: the names that routing, faults, the rules that count
//! calls per operation (rate limits, idempotency) and the exchange log share. Which endpoint a
//! request is for is `crate::api::route`'s question.

use epayment_api::access_token::operation_ids as access_token;
use epayment_api::epayment::operation_ids as epayment;

/// An endpoint of the simulated API: the ePayment operations, the access token, and the
/// Webhooks API. Faults are injected per endpoint; keyed calls remember theirs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    /// `createPayment`.
    Create,
    /// `getPayment`.
    Get,
    /// `getPaymentEventLog`.
    Events,
    /// `capturePayment`.
    Capture,
    /// `refundPayment`.
    Refund,
    /// `cancelPayment`.
    Cancel,
    /// `forceApprove`.
    ForceApprove,
    /// The access-token endpoint.
    Token,
    /// Webhooks API: register.
    RegisterWebhook,
    /// Webhooks API: list.
    ListWebhooks,
    /// Webhooks API: delete.
    DeleteWebhook,
    /// The simulator's own: read its clock (`GET /sim/v1/clock`).
    ReadClock,
    /// The simulator's own: move its clock forward (`POST /sim/v1/clock/advance`).
    AdvanceClock,
    /// The simulator's own: act as the customer (`POST /sim/v1/payments/{reference}/{action}`).
    Customer,
}

impl Endpoint {
    /// Every endpoint.
    pub const ALL: [Endpoint; 14] = [
        Endpoint::Create,
        Endpoint::Get,
        Endpoint::Events,
        Endpoint::Capture,
        Endpoint::Refund,
        Endpoint::Cancel,
        Endpoint::ForceApprove,
        Endpoint::Token,
        Endpoint::RegisterWebhook,
        Endpoint::ListWebhooks,
        Endpoint::DeleteWebhook,
        Endpoint::ReadClock,
        Endpoint::AdvanceClock,
        Endpoint::Customer,
    ];

    /// The operationId, from the generated client for the ePayment and access-token documents
    /// (for the Webhooks API, which has none, and the simulator's own endpoints: names of ours).
    pub fn id(self) -> &'static str {
        match self {
            Endpoint::Create => epayment::CREATE_PAYMENT,
            Endpoint::Get => epayment::GET_PAYMENT,
            Endpoint::Events => epayment::GET_PAYMENT_EVENT_LOG,
            Endpoint::Capture => epayment::CAPTURE_PAYMENT,
            Endpoint::Refund => epayment::REFUND_PAYMENT,
            Endpoint::Cancel => epayment::CANCEL_PAYMENT,
            Endpoint::ForceApprove => epayment::FORCE_APPROVE,
            Endpoint::Token => access_token::FETCH_AUTHORIZATION_TOKEN_USING_POST,
            Endpoint::RegisterWebhook => "registerWebhook",
            Endpoint::ListWebhooks => "getWebhooks",
            Endpoint::DeleteWebhook => "deleteWebhook",
            Endpoint::ReadClock => "simReadClock",
            Endpoint::AdvanceClock => "simAdvanceClock",
            Endpoint::Customer => "simCustomerAction",
        }
    }

    /// The endpoint with this id.
    pub fn from_id(id: &str) -> Option<Endpoint> {
        Endpoint::ALL.into_iter().find(|e| e.id() == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_endpoint_is_found_by_its_id() {
        for endpoint in Endpoint::ALL {
            assert_eq!(Endpoint::from_id(endpoint.id()), Some(endpoint));
        }
    }
}
