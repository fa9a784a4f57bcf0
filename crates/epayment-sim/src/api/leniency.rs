//! Where the API is more lenient than its document: Vipps MobilePay's own request collection
//! sends `reference` and `customer.phoneNumber` as JSON numbers, and the API takes them. The
//! simulator takes them too, as their decimal text, before the document's checks; the
//! exchange log keeps the request as it came, so the contract harness still reports such a
//! request from a client of ours as breaking the document.

use serde_json::Value;

use crate::endpoint::Endpoint;

/// The fields taken as a whole JSON number where the document says string, per operation.
// fidelity: number-leniency
pub(crate) const NUMBERS_AS_TEXT: [(Endpoint, &str); 3] = [
    (Endpoint::Create, "/reference"),
    (Endpoint::Create, "/customer/phoneNumber"),
    (Endpoint::ForceApprove, "/customer/phoneNumber"),
];

/// Turns the whole numbers at `endpoint`'s lenient fields into text; true if it changed any.
pub(crate) fn relax(endpoint: Endpoint, body: &mut Value) -> bool {
    let mut changed = false;
    for (_, pointer) in NUMBERS_AS_TEXT.iter().filter(|(e, _)| *e == endpoint) {
        if let Some(field) = body.pointer_mut(pointer)
            && let Value::Number(n) = field
            && (n.is_u64() || n.is_i64())
        {
            *field = Value::String(n.to_string());
            changed = true;
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn whole_numbers_at_the_lenient_fields_become_text_and_nothing_else_changes() {
        let mut create = json!({"reference": 1234561701234567890u64, "customer": {"phoneNumber": 4712345678u64},
            "amount": {"currency": "NOK", "value": 1000}});
        assert!(relax(Endpoint::Create, &mut create));
        assert_eq!(create["reference"], "1234561701234567890");
        assert_eq!(create["customer"]["phoneNumber"], "4712345678");
        assert_eq!(create["amount"]["value"], 1000, "only the lenient fields");
        let mut fraction = json!({"reference": 12.5});
        assert!(!relax(Endpoint::Create, &mut fraction), "not a whole number");
        let mut capture = json!({"reference": 1234});
        assert!(!relax(Endpoint::Capture, &mut capture), "not for this operation");
    }
}
