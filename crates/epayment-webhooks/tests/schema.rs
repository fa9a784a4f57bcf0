//! The crate's own payload type against the document's `WebhookEvent` schema: the same field
//! names, JSON types that the schema accepts, and the same required fields.

use std::collections::BTreeSet;

use epayment_openapi::{ApiDocument, EPAYMENT_JSON};
use epayment_webhooks::{EventAmount, EventName, WebhookEvent};
use serde_json::{Value, json};

fn schema() -> Value {
    let doc: Value = serde_json::from_str(EPAYMENT_JSON).unwrap();
    doc.pointer("/components/schemas/WebhookEvent").cloned().expect("the document has WebhookEvent")
}

/// An event with every field set, optional ones included.
fn full_event() -> WebhookEvent {
    WebhookEvent {
        msn: "123456".into(),
        reference: "order-1234-abcd".into(),
        psp_reference: "1234567890".into(),
        name: EventName::Captured,
        amount: EventAmount { currency: "NOK".into(), value: 250 },
        timestamp: "2026-11-27T10:00:00Z".parse().unwrap(),
        success: true,
        idempotency_key: Some("order-1234-c1".into()),
        sub: Some("c06c4afe-d9e1-4c5d-939a-177d752a0944".into()),
        user_details: Some(json!({"email": "a@example.com", "firstName": "Ada", "lastName": "L",
            "mobileNumber": "4712345678", "emailVerified": true})),
        shipping_details: Some(json!({"address": {"addressLine1": "Gate 1", "city": "Oslo",
            "country": "NO", "postCode": "0150"}, "shippingCost": 0,
            "shippingOptionId": "pickup", "shippingOptionName": "Pick-up point"})),
        capture_guaranteed_until: Some("2026-12-04T10:00:00Z".parse().unwrap()),
    }
}

#[test]
fn every_field_of_the_schema_and_no_other() {
    let serialised = serde_json::to_value(full_event()).unwrap();
    let ours: BTreeSet<&str> = serialised.as_object().unwrap().keys().map(String::as_str).collect();
    let schema = schema();
    let theirs: BTreeSet<&str> = schema["properties"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(ours, theirs);
}

#[test]
fn every_field_has_a_type_the_schema_accepts() {
    let serialised = serde_json::to_value(full_event()).unwrap();
    let violations = ApiDocument::epayment().check_component("WebhookEvent", &serialised);
    assert_eq!(violations, []);
    // Nullable in the schema, `Option` here: null is accepted both ways.
    let mut without_key = serialised.clone();
    without_key["idempotencyKey"] = Value::Null;
    assert_eq!(ApiDocument::epayment().check_component("WebhookEvent", &without_key), []);
    let decoded: WebhookEvent = serde_json::from_value(without_key).unwrap();
    assert_eq!(decoded.idempotency_key, None);
}

#[test]
fn the_required_fields_are_required_here_too() {
    let schema = schema();
    let full = serde_json::to_value(full_event()).unwrap();
    for field in schema["properties"].as_object().unwrap().keys() {
        let mut without = full.clone();
        without.as_object_mut().unwrap().remove(field);
        let required = schema["required"].as_array().unwrap().iter().any(|r| r == field);
        let decodes = serde_json::from_value::<WebhookEvent>(without).is_ok();
        assert_eq!(decodes, !required, "{field}: required by the schema {required}, decodes without it {decodes}");
    }
}

#[test]
fn every_event_name_of_the_schema_is_known() {
    let doc: Value = serde_json::from_str(EPAYMENT_JSON).unwrap();
    let names = doc.pointer("/components/schemas/PaymentEventName/enum").and_then(Value::as_array).unwrap();
    let known: Vec<String> = EventName::KNOWN.iter().map(|n| n.to_string()).collect();
    let documented: Vec<String> = names.iter().filter_map(Value::as_str).map(str::to_owned).collect();
    assert_eq!(known, documented);
}
