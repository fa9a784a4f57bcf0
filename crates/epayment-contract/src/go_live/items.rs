//! The ePayment checklist, item by item in the form's own order, each with how this run can
//! evidence it (the wording is this project's; `../shared/epayment-facts.md`, "go-live
//! checklists", summarises the form).

use serde::Serialize;

/// A part of the checklist form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Section {
    /// The endpoints every integration uses, each with "your reference ID".
    Endpoints,
    /// What the integration handles and sends.
    QualityAssurance,
    /// The failure paths to try in the test environment.
    TestEnvironment,
    /// One real order in production.
    ProductionVerification,
    /// What partners attach when they send the form.
    Submission,
}

impl Section {
    /// The section's heading.
    pub fn title(self) -> &'static str {
        match self {
            Section::Endpoints => "Endpoints to integrate",
            Section::QualityAssurance => "Quality assurance",
            Section::TestEnvironment => "Unhappy paths in the test environment",
            Section::ProductionVerification => "Production verification",
            Section::Submission => "Sending the form",
        }
    }
}

/// How an item is evidenced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// By the go-live scenarios tagged `@checklist-<id>`: evidenced when every one of them
    /// ran and passed. `operation` names the endpoint whose request and response is the
    /// evidence (for the endpoints' table).
    Scenarios {
        /// The operationId whose exchange is shown, if one is.
        operation: Option<&'static str>,
    },
    /// By every ePayment request of the run carrying `Vipps-System-Name` and `-Version`.
    SystemHeaders,
    /// Polling by the run's `getPayment` calls; webhooks by a person (the run's receiver is
    /// not one the target can reach).
    WebhooksAndPolling,
    /// A person's: what they do or attach.
    Person(&'static str),
}

/// One line of the checklist.
#[derive(Clone, Copy, Debug)]
pub struct Item {
    /// Stable id: the scenarios' tag is `@checklist-<id>`, and tools key on it.
    pub id: &'static str,
    /// Where it is on the form.
    pub section: Section,
    /// What the form asks, in a line.
    pub text: &'static str,
    /// How this run evidences it.
    pub check: Check,
}

impl Item {
    /// The tag its scenarios carry, without `@`.
    pub fn tag(&self) -> String {
        format!("checklist-{}", self.id)
    }
}

const fn scenarios(id: &'static str, section: Section, text: &'static str) -> Item {
    Item { id, section, text, check: Check::Scenarios { operation: None } }
}

const fn endpoint(id: &'static str, text: &'static str, operation: &'static str) -> Item {
    Item { id, section: Section::Endpoints, text, check: Check::Scenarios { operation: Some(operation) } }
}

const fn person(id: &'static str, section: Section, text: &'static str, what: &'static str) -> Item {
    Item { id, section, text, check: Check::Person(what) }
}

use Section::{ProductionVerification, QualityAssurance, Submission, TestEnvironment};

/// Every item, in the form's order.
pub const ITEMS: &[Item] = &[
    endpoint("create-payment", "Create payment: POST /epayment/v1/payments", "createPayment"),
    endpoint("get-payment", "Get payment: GET /epayment/v1/payments/{reference}", "getPayment"),
    endpoint(
        "get-event-log",
        "Get the payment's event log: GET /epayment/v1/payments/{reference}/events",
        "getPaymentEventLog",
    ),
    endpoint("cancel", "Cancel: POST /epayment/v1/payments/{reference}/cancel", "cancelPayment"),
    endpoint("capture-full", "Full capture: POST /epayment/v1/payments/{reference}/capture", "capturePayment"),
    endpoint("capture-partial", "Partial capture: POST /epayment/v1/payments/{reference}/capture", "capturePayment"),
    endpoint("refund-full", "Full refund: POST /epayment/v1/payments/{reference}/refund", "refundPayment"),
    endpoint("refund-partial", "Partial refund: POST /epayment/v1/payments/{reference}/refund", "refundPayment"),
    scenarios("states", QualityAssurance, "Every state handled: CREATED, AUTHORIZED, ABORTED, EXPIRED and TERMINATED"),
    scenarios("events", QualityAssurance, "The events CANCELLED, CAPTURED and REFUNDED handled"),
    person(
        "errors-shown",
        QualityAssurance,
        "Errors logged, and shown so that customers and staff understand them",
        "show a reviewer your log of a failed call (endpoint, headers, body, error code and message) and the message your shop shows",
    ),
    Item {
        id: "system-headers",
        section: QualityAssurance,
        text: "Vipps-System-Name, -Version (and -Plugin-Name, -Version for plugins) sent on every request",
        check: Check::SystemHeaders,
    },
    person(
        "order-details",
        QualityAssurance,
        "Order details added (the Order Management API: receipts and images)",
        "another API than ePayment: attach a receipt your system sent",
    ),
    person(
        "useful-reference",
        QualityAssurance,
        "A reference the merchant's staff can find the order by",
        "the references above are this run's; say how your system makes its own",
    ),
    person(
        "return-url",
        QualityAssurance,
        "returnUrl handled when opened in the phone's default browser, never relying on the redirect",
        "a browser on a phone: try it and attach the recording",
    ),
    Item {
        id: "webhooks-and-polling",
        section: QualityAssurance,
        text: "Webhooks and polling both used",
        check: Check::WebhooksAndPolling,
    },
    scenarios(
        "release-reservations",
        QualityAssurance,
        "Capture before the deadline, and cancel what will not be captured",
    ),
    person(
        "cancel-window",
        QualityAssurance,
        "No order cancelled before the customer's 10 minutes are over or a final state is seen",
        "your order handling's rule: describe it",
    ),
    scenarios("insufficient-funds", TestEnvironment, "A card with insufficient funds (1.51 NOK)"),
    scenarios("expired-card", TestEnvironment, "An expired card (1.86 NOK)"),
    scenarios("aborted-payment", TestEnvironment, "A payment the customer aborts"),
    scenarios("expired-payment", TestEnvironment, "A payment nobody approves, which expires"),
    scenarios(
        "production-order",
        ProductionVerification,
        "One complete order in production ending in AUTHORIZED, CAPTURED, REFUNDED and CANCELLED, checked through the API (2 NOK, not 1)",
    ),
    person(
        "video",
        Submission,
        "A video of the payment flow (partners)",
        "record the flow in your shop, from the product to the receipt",
    ),
    person(
        "description",
        Submission,
        "The merchant serial number and a short description of the integration (partners)",
        "write it; the merchant serial number of this run is above",
    ),
];

/// The items a run checks: the production verification alone with `--production`, every
/// other item otherwise.
pub fn of_run(production: bool) -> impl Iterator<Item = &'static Item> {
    ITEMS.iter().filter(move |item| {
        (item.section == ProductionVerification) == production || item.check == Check::SystemHeaders
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_tags_are_gherkin_words() {
        let mut ids: Vec<_> = ITEMS.iter().map(|i| i.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ITEMS.len(), "two items share an id");
        assert!(ITEMS.iter().all(|i| i.id.chars().all(|c| c.is_ascii_lowercase() || c == '-')));
    }

    #[test]
    fn the_form_order_keeps_sections_together() {
        assert!(ITEMS.windows(2).all(|w| w[0].section <= w[1].section), "an item out of its section");
    }

    #[test]
    fn a_production_run_checks_the_order_and_the_headers_only() {
        let ids: Vec<_> = of_run(true).map(|i| i.id).collect();
        assert_eq!(ids, ["system-headers", "production-order"]);
        assert!(of_run(false).all(|i| i.section != ProductionVerification));
    }
}
