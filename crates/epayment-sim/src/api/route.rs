//! Which endpoint a request is for: ePayment paths by the document (under its base path),
//! the token, Webhooks API and the simulator's own paths by name.

use std::collections::BTreeMap;

use epayment_openapi::ApiDocument;

use crate::endpoint::Endpoint;

/// The access-token endpoint's path, as the document spells it.
const TOKEN_PATH: &str = "/accesstoken/get";
/// The Webhooks API's registrations.
const WEBHOOKS_PATH: &str = "/webhooks/v1/webhooks";
/// The simulator's own clock, outside the API's paths.
const CLOCK_PATH: &str = "/sim/v1/clock";
/// The simulator's own customer actions, outside the API's paths:
/// `{CUSTOMER_PATH}/{reference}/{approve|abort|expire|refuse-consent}`.
const CUSTOMER_PATH: &str = "/sim/v1/payments";

impl Endpoint {
    /// The endpoint that serves `method` and `path` (the whole path, `/epayment/v1/...`), as the
    /// simulator routes requests by `document`: for a recorder of another server's exchanges to
    /// name operations as the simulator does.
    pub fn of_request(document: &ApiDocument, method: &str, path: &str) -> Option<Endpoint> {
        route(document, method, path).map(|r| r.endpoint)
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
    }
}
