//! `features/STEPS.md`, written from the step tables of [`crate::steps`] (each step beside its
//! example), the parameters of [`crate::steps::params`] and the tags the harness gives a meaning.
//! A test checks that the committed file is current.

use crate::steps::params::PARAMETERS;
use crate::steps::{CONCEPTS, StepDef};

/// The tags the harness reads, with what they mean.
pub const TAGS: &[(&str, &str)] = &[
    (
        "@sim-only",
        "the scenario needs the embedded simulator (faults, an expired token, webhooks, a sales unit's settings, \
         the card network); runs against any remote target skip it and say so",
    ),
    (
        "@sandbox",
        "the scenario needs a target that can act as the customer (abort) or move its clock by more than a \
         quarter of an hour: the simulator or a standalone epayment-sim; runs against a real environment skip \
         it and say so",
    ),
    (
        "@sim-choice",
        "the scenario asserts a rule the simulator chose where the API's documents are silent (see FIDELITY.md): \
         against the real test environment its result is a prediction",
    ),
    (
        "@go-live",
        "the go-live checklist's test set (features/go-live/): `cargo xtask go-live` runs it; other runs leave it \
         out unless --tags names it",
    ),
    (
        "@go-live-production",
        "the go-live production verification: `cargo xtask go-live --production` runs it; other runs leave it out \
         unless --tags names it",
    ),
    (
        "@checklist-<item>",
        "the go-live checklist item a scenario evidences (for example @checklist-capture-partial; `cargo xtask \
         go-live --help` lists the items)",
    ),
];

/// Where each setup step (a `Given` that is not the payment's own step) may be written, beside
/// the payment's step, and why: the order audit, which `tests/order.rs` runs both ways.
/// A test holds every setup step of the library to a row here.
pub const SETUP_ORDER: &[(&str, &str)] = &[
    (
        "the customer pays with a {network} card",
        "**before** the payment: the card is the customer's when the payment is created; after it the step fails \
         saying so",
    ),
    (
        "the sales unit is in {market}",
        "**before** the payment: a payment is made on one sales unit for good; after it the step fails saying so",
    ),
    (
        "the sales unit has late capture",
        "**before** the approval (before or after a payment only created): the capture guarantee is fixed when the \
         customer approves; after it the step fails saying so",
    ),
    (
        "the sales unit allows only full capture",
        "any order: before the payment it waits for the unit the payment's currency picks; read at each capture",
    ),
    ("the issuer releases the reservation when the capture guarantee ends", "any order: read at each capture"),
    ("the API fails the next {action} with status {int}", "any order: the next call of that action, wherever it is"),
    ("the API refuses the next {action} with error code {int}", "any order: the next call of that action"),
    ("the API loses the answer to the next {action}", "any order: the next call of that action"),
    ("the API drops the connection of the next {action}", "any order: the next call of that action"),
    ("the API answers the next {action} only after {int} ms", "any order: the next call of that action"),
    (
        "the client gives up on an attempt after {int} ms",
        "any order: every later attempt, on whichever sales unit the payment picks",
    ),
    (
        "the access token has expired",
        "**after** the payment: before it the client holds no token to expire; before it the step fails saying so",
    ),
    (
        "the webhook receiver fails the next {int} delivery/deliveries",
        "any order: the next deliveries, whichever they are",
    ),
    ("{period} pass(es)", "where it stands: the clock moves at that point, and what falls due then happens"),
    ("the customer does nothing for {period}", "where it stands: the clock moves at that point"),
];

/// `features/STEPS.md`.
pub fn steps_markdown() -> String {
    let mut out = String::from(
        "# Steps\n\nWritten by `cargo xtask steps` from the step tables in `crates/epayment-contract/src/steps/`; \
         CI checks it is current.\nEvery step a scenario may use, with an example. `And` and `But` repeat the \
         keyword before them.\n\n## Parameters\n\n| parameter | what to write |\n| --- | --- |\n",
    );
    for p in PARAMETERS {
        out.push_str(&format!("| `{{{}}}` | {} |\n", p.name, p.what));
    }
    for concept in CONCEPTS {
        out.push_str(&format!("\n## {}\n\n{}\n\n| step | example |\n| --- | --- |\n", concept.title, concept.about));
        for step in concept.steps {
            out.push_str(&format!("| {} | `{}` |\n", written(step), step.example_line().replace('|', "\\|")));
        }
    }
    out.push_str(
        "\n`Then the aggregate is:` takes a table with a header row and one row of money:\n\n\
         ```gherkin\nThen the aggregate is:\n  | authorized | captured | cancelled | refunded |\n  | 10.00 NOK  | 2.50 NOK | 7.50 NOK  | 0.00 NOK |\n```\n\n\
         `cargo xtask contract --check-steps` checks every step of every feature against this list without running\n\
         anything, and says for each one that matches nothing which steps are nearest (with their examples) and what\n\
         is wrong with a parameter that almost parsed (`10,00 NOK`, `10 NOK`, `NOK 10.00`, text without quotes).\n\
         A run's `target/contract/report.html` shows each scenario's exchanges as a diagram.\n\n\
         ## Setup steps and the payment's step\n\n\
         Where each `Given` that sets something up may stand beside the payment's step (`a payment of ... has been \
         created` or `authorized`); written where it may not, it fails with a sentence that says where to write it.\n\n\
         | step | where |\n| --- | --- |\n",
    );
    for (pattern, rule) in SETUP_ORDER {
        out.push_str(&format!("| `Given {pattern}` | {rule} |\n"));
    }
    out.push_str("\n## Tags\n\n| tag | meaning |\n| --- | --- |\n");
    for (tag, meaning) in TAGS {
        out.push_str(&format!("| `{tag}` | {meaning} |\n"));
    }
    out.push_str(
        "\nTime: on the simulator each scenario has a clock of its own, starting at 2026-01-01 12:00 UTC. It moves\n\
         only when a step says time passes, or when the client waits (a `Retry-After` costs no real time).\n",
    );
    out
}

/// A step as STEPS.md lists it: `` `Given {period} pass(es)` (also after `When`) ``.
fn written(step: &StepDef) -> String {
    let [first, others @ ..] = step.keywords else { return format!("`{}`", step.pattern) };
    let mut text = format!("`{} {}`", first.as_str(), step.pattern);
    for other in others {
        text.push_str(&format!(" (also after `{}`)", other.as_str()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setup_step_has_its_order_and_every_order_row_is_a_step() {
        let makes_a_payment =
            |pattern: &str| pattern.starts_with("a payment") || pattern.starts_with("a second payment");
        for step in crate::steps::all().filter(|s| s.keywords.contains(&crate::steps::Keyword::Given)) {
            if makes_a_payment(step.pattern) {
                continue;
            }
            assert!(
                SETUP_ORDER.iter().any(|(pattern, _)| *pattern == step.pattern),
                "`Given {}` is a setup step: say in SETUP_ORDER where it may be written",
                step.pattern
            );
        }
        for (pattern, _) in SETUP_ORDER {
            assert!(crate::steps::all().any(|s| s.pattern == *pattern), "SETUP_ORDER names no step: {pattern}");
        }
    }

    #[test]
    fn steps_md_is_current() {
        let path = crate::paths::workspace_root().join("features/STEPS.md");
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(committed == steps_markdown(), "features/STEPS.md is stale: run `cargo xtask steps`");
    }
}
