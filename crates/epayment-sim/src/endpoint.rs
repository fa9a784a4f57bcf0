//! The endpoints the simulator serves, and which one a request is for.

use std::collections::BTreeMap;

use epayment_api::access_token::operation_ids as access_token;
use epayment_api::epayment::operation_ids as epayment;
use epayment_openapi::ApiDocument;

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

/// The access-token endpoint's path, as the document spells it.
pub const TOKEN_PATH: &str = "/accesstoken/get";
/// The Webhooks API's registrations.
pub const WEBHOOKS_PATH: &str = "/webhooks/v1/webhooks";
/// The simulator's own clock, outside the API's paths.
pub const CLOCK_PATH: &str = "/sim/v1/clock";
/// The simulator's own customer actions, outside the API's paths:
/// `{CUSTOMER_PATH}/{reference}/{approve|abort|expire|refuse-consent}`.
pub const CUSTOMER_PATH: &str = "/sim/v1/payments";

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

    /// The endpoint that serves `method` and `path` (the whole path, `/epayment/v1/...`), as the
    /// simulator routes requests by `document`: for a recorder of another server's exchanges to
    /// name operations as the simulator does.
    pub fn of_request(document: &ApiDocument, method: &str, path: &str) -> Option<Endpoint> {
        route(document, method, path).map(|r| r.endpoint)
    }

    /// The endpoint with this id.
    pub fn from_id(id: &str) -> Option<Endpoint> {
        Endpoint::ALL.into_iter().find(|e| e.id() == id)
    }

    /// Whether the endpoint is an operation of the ePayment document (checked against it).
    pub fn is_epayment(self) -> bool {
        !matches!(
            self,
            Endpoint::Token
                | Endpoint::RegisterWebhook
                | Endpoint::ListWebhooks
                | Endpoint::DeleteWebhook
                | Endpoint::ReadClock
                | Endpoint::AdvanceClock
                | Endpoint::Customer
        )
    }
}

/// A request routed to an endpoint, with its path parameters.
#[derive(Debug)]
pub(crate) struct Route {
    pub(crate) endpoint: Endpoint,
    pub(crate) params: BTreeMap<String, String>,
}

/// Which endpoint serves `method` and `path`: ePayment paths by the document (under its base
/// path), the token and Webhooks API paths by name.
pub(crate) fn route(document: &ApiDocument, method: &str, path: &str) -> Option<Route> {
    if let Some(api_path) = path.strip_prefix(document.base_path()).filter(|p| p.starts_with('/')) {
        let (operation, params) = document.route(method, api_path)?;
        return Endpoint::from_id(&operation.id).map(|endpoint| Route { endpoint, params });
    }
    let endpoint = match (method, path) {
        // fidelity: token-path-spellings
        // The document spells it `accesstoken`; Vipps MobilePay's guides spell it
        // `accessToken`. Both are in use, so both are served.
        ("POST", TOKEN_PATH | "/accessToken/get") => Endpoint::Token,
        ("POST", WEBHOOKS_PATH) => Endpoint::RegisterWebhook,
        ("GET", WEBHOOKS_PATH) => Endpoint::ListWebhooks,
        ("GET", CLOCK_PATH) => Endpoint::ReadClock,
        ("POST", p) if p.strip_prefix(CLOCK_PATH) == Some("/advance") => Endpoint::AdvanceClock,
        ("POST", p) if p.starts_with(CUSTOMER_PATH) => {
            let (reference, action) = p.strip_prefix(CUSTOMER_PATH)?.strip_prefix('/')?.split_once('/')?;
            let known = ["approve", "abort", "expire", "refuse-consent"].contains(&action);
            return (known && !reference.is_empty()).then(|| Route {
                endpoint: Endpoint::Customer,
                params: BTreeMap::from([
                    ("Reference".to_owned(), reference.to_owned()),
                    ("action".to_owned(), action.to_owned()),
                ]),
            });
        }
        ("DELETE", p) => {
            let id = p.strip_prefix(WEBHOOKS_PATH)?.strip_prefix('/')?;
            return (!id.is_empty() && !id.contains('/')).then(|| Route {
                endpoint: Endpoint::DeleteWebhook,
                params: BTreeMap::from([("id".to_owned(), id.to_owned())]),
            });
        }
        _ => return None,
    };
    Some(Route { endpoint, params: BTreeMap::new() })
}

/// The methods some endpoint takes at `path`, for a 405's `Allow` (empty: no such path).
pub(crate) fn methods_at<'d>(document: &'d ApiDocument, path: &str) -> Vec<&'d str> {
    match path.strip_prefix(document.base_path()) {
        Some(api_path) => document.methods_at(api_path),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_by_the_document_and_by_name() {
        let doc = ApiDocument::epayment();
        let r = route(doc, "POST", "/epayment/v1/payments/order-1234-abcd/refund").unwrap();
        assert_eq!((r.endpoint, r.params["Reference"].as_str()), (Endpoint::Refund, "order-1234-abcd"));
        assert_eq!(route(doc, "POST", "/accesstoken/get").unwrap().endpoint, Endpoint::Token);
        assert_eq!(route(doc, "POST", "/accessToken/get").unwrap().endpoint, Endpoint::Token);
        assert!(route(doc, "POST", "/ACCESSTOKEN/get").is_none());
        assert_eq!(route(doc, "DELETE", "/webhooks/v1/webhooks/abc").unwrap().params["id"], "abc");
        assert!(route(doc, "DELETE", "/webhooks/v1/webhooks/").is_none());
        assert!(route(doc, "DELETE", "/webhooks/v1/webhooksx/abc").is_none());
        assert!(route(doc, "GET", "/epaymentv1/payments/abc").is_none());
        let customer = route(doc, "POST", "/sim/v1/payments/order-1/abort").unwrap();
        assert_eq!((customer.endpoint, customer.params["action"].as_str()), (Endpoint::Customer, "abort"));
        assert!(route(doc, "POST", "/sim/v1/payments/order-1/pay").is_none());
        assert!(route(doc, "POST", "/sim/v1/payments//abort").is_none());
        assert_eq!(methods_at(doc, "/epayment/v1/payments/abc/capture"), ["POST"]);
        for endpoint in Endpoint::ALL {
            assert_eq!(Endpoint::from_id(endpoint.id()), Some(endpoint));
        }
    }
}
