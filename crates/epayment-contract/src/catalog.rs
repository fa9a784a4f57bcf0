//! Every step of the library with an example, the source of `features/STEPS.md`. A test
//! checks that each example is matched by exactly one step, and that STEPS.md is current.

/// (keyword, pattern, example).
pub const STEPS: &[(&str, &str, &str)] = &[
    ("Given", "a payment of {money} has been created", "Given a payment of 10.00 NOK has been created"),
    ("Given", "a payment of {money} has been authorized", "Given a payment of 10.00 NOK has been authorized"),
    ("Given", "the sales unit allows only full capture", "Given the sales unit allows only full capture"),
    ("Given", "the sales unit has late capture", "Given the sales unit has late capture"),
    (
        "Given",
        "the API fails the next {action} with status {int}",
        "Given the API fails the next capture with status 503",
    ),
    (
        "Given",
        "the API refuses the next {action} with error code {int}",
        "Given the API refuses the next capture with error code 6280",
    ),
    ("Given", "the API loses the answer to the next {action}", "Given the API loses the answer to the next capture"),
    (
        "Given",
        "the API drops the connection of the next {action}",
        "Given the API drops the connection of the next refund",
    ),
    ("Given", "the access token has expired", "Given the access token has expired"),
    (
        "Given",
        "the webhook receiver fails the next {int} delivery/deliveries",
        "Given the webhook receiver fails the next 1 delivery",
    ),
    ("Given", "{period} pass(es)", "Given 15 days pass"),
    ("Given", "the customer does nothing for {period}", "Given the customer does nothing for 10 minutes"),
    ("When", "{period} pass(es)", "When 1 day passes"),
    ("When", "the customer does nothing for {period}", "When the customer does nothing for 9 minutes"),
    ("When", "the merchant creates a payment of {money}", "When the merchant creates a payment of 10.00 SEK"),
    ("When", "the merchant captures {money}", "When the merchant captures 2.50 NOK"),
    (
        "When",
        "the merchant captures {money} with idempotency key {string}",
        "When the merchant captures 2.50 NOK with idempotency key \"order-1-c1\"",
    ),
    ("When", "the merchant captures {money} {int} times", "When the merchant captures 0.10 NOK 5 times"),
    ("When", "the merchant captures the remaining amount", "When the merchant captures the remaining amount"),
    (
        "When",
        "the merchant captures {money} for reference {string}",
        "When the merchant captures 2.50 NOK for reference \"bad ref\"",
    ),
    (
        "When",
        "the merchant captures {money} of an unknown payment",
        "When the merchant captures 2.50 NOK of an unknown payment",
    ),
    ("When", "the merchant refunds {money}", "When the merchant refunds 1.00 NOK"),
    (
        "When",
        "the merchant refunds {money} with idempotency key {string}",
        "When the merchant refunds 1.00 NOK with idempotency key \"order-1-r1\"",
    ),
    ("When", "the merchant cancels the payment", "When the merchant cancels the payment"),
    (
        "When",
        "the merchant cancels the payment only if it is not authorized",
        "When the merchant cancels the payment only if it is not authorized",
    ),
    ("When", "the customer approves the payment", "When the customer approves the payment"),
    ("When", "the customer aborts the payment", "When the customer aborts the payment"),
    ("Then", "the {action} succeeds", "Then the capture succeeds"),
    ("Then", "the {action} is rejected with error code {int}", "Then the capture is rejected with error code 6090"),
    ("Then", "the {action} is rejected with status {int}", "Then the capture is rejected with status 409"),
    ("Then", "the {action} is refused before sending", "Then the capture is refused before sending"),
    ("Then", "the aggregate is:", "Then the aggregate is:"),
    ("Then", "the {total} amount is {money}", "Then the captured amount is 2.50 NOK"),
    ("Then", "the payment state is {word}", "Then the payment state is AUTHORIZED"),
    ("Then", "{int} call(s) got status {int}", "Then 1 call got status 429"),
    ("Then", "the webhook {word} is held back", "Then the webhook epayments.payment.captured.v1 is held back"),
    ("Then", "at least {period} has/have passed", "Then at least 1 minute has passed"),
    ("Then", "the event log shows {word} of {money}", "Then the event log shows CAPTURED of 2.50 NOK"),
    (
        "Then",
        "the event log shows a failed {word} of {money}",
        "Then the event log shows a failed CAPTURED of 2.50 NOK",
    ),
    (
        "Then",
        "a webhook {word} is received for {money}",
        "Then a webhook epayments.payment.captured.v1 is received for 2.50 NOK",
    ),
];

/// The words in `{...}`.
pub const PARAMETERS: &[(&str, &str)] = &[
    ("{money}", "an amount with two decimals and a currency code: `10.00 NOK`, `0.50 DKK`"),
    ("{action}", "`capture`, `refund`, `cancel`, `create` (or `payment creation`), `get`, `approval`, `abort`"),
    ("{total}", "`authorized`, `captured`, `cancelled`, `refunded`"),
    ("{int}", "a whole number: `6090`, `503`"),
    ("{string}", "text in double quotes: `\"order-1-c1\"`"),
    ("{word}", "one word: `AUTHORIZED`, `CAPTURED`, `epayments.payment.captured.v1`"),
    ("{period}", "a whole number and a unit: `30 seconds`, `10 minutes`, `2 hours`, `15 days` (or `1 day`)"),
];

/// `features/STEPS.md`.
pub fn steps_markdown() -> String {
    let mut out = String::from(
        "# Steps\n\nWritten by `cargo xtask steps` from `crates/epayment-contract/src/catalog.rs`; CI checks it is current.\n\
         Every step a scenario may use, with an example. `And` and `But` repeat the keyword before them.\n\n\
         ## Parameters\n\n| parameter | what to write |\n| --- | --- |\n",
    );
    for (name, what) in PARAMETERS {
        out.push_str(&format!("| `{name}` | {what} |\n"));
    }
    for keyword in ["Given", "When", "Then"] {
        out.push_str(&format!("\n## {keyword}\n\n| step | example |\n| --- | --- |\n"));
        for (_, pattern, example) in STEPS.iter().filter(|(k, _, _)| *k == keyword) {
            out.push_str(&format!("| `{keyword} {pattern}` | `{}` |\n", example.replace('|', "\\|")));
        }
    }
    out.push_str(
        "\n`Then the aggregate is:` takes a table with a header row and one row of money:\n\n\
         ```gherkin\nThen the aggregate is:\n  | authorized | captured | cancelled | refunded |\n  | 10.00 NOK  | 2.50 NOK | 7.50 NOK  | 0.00 NOK |\n```\n\n\
         `cargo xtask contract --check-steps` checks every step of every feature against this list without running\n\
         anything, and says for each one that matches nothing which steps are nearest (with their examples) and what\n\
         is wrong with a parameter that almost parsed (`10,00 NOK`, `10 NOK`, `NOK 10.00`, text without quotes).\n\
         A run's `target/contract/report.html` shows each scenario's exchanges as a diagram.\n\n\
         Tag a scenario `@sim-only` when it needs the simulator (faults, the customer aborting, an expired token,\n\
         webhooks, time passing); runs against a remote target skip it and say so. Tag it `@sim-choice` when it\n\
         asserts a rule the simulator chose where the API's documents are silent (see FIDELITY.md).\n\n\
         Time: on the simulator each scenario has a clock of its own, starting at 2026-01-01 12:00 UTC. It moves\n\
         only when a step says time passes, or when the client waits (a `Retry-After` costs no real time).\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cucumber::World as _;
    use cucumber::gherkin::{Feature, GherkinEnv};

    #[test]
    fn every_example_is_matched_by_exactly_one_step() {
        let mut text = String::from("Feature: catalog\n  Scenario: every step\n");
        for (_, _, example) in STEPS {
            text.push_str(&format!("    {example}\n"));
            if example.ends_with("aggregate is:") {
                text.push_str("      | authorized | captured |\n      | 1.00 NOK | 0.00 NOK |\n");
            }
        }
        let feature = Feature::parse(&text, GherkinEnv::default()).expect("the catalog parses as Gherkin");
        let steps = crate::world::PaymentWorld::collection();
        let scenario = &feature.scenarios[0];
        assert_eq!(scenario.steps.len(), STEPS.len());
        for step in &scenario.steps {
            match steps.find(step) {
                Ok(Some(_)) => {}
                Ok(None) => panic!("no step matches {:?}", step.value),
                Err(e) => panic!("{:?} is ambiguous: {e:?}", step.value),
            }
        }
    }

    #[test]
    fn steps_md_is_current() {
        let path = crate::runner::workspace_root().join("features/STEPS.md");
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(committed == steps_markdown(), "features/STEPS.md is stale: run `cargo xtask steps`");
    }
}
