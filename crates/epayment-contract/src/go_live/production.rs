//! The production verification's one order, as a feature file: written from the amount the
//! run is told to use (2.00 NOK unless told otherwise), so that QA reads exactly what ran. The
//! committed `features/go-live/production.feature` is this text for 2.00 NOK (a test keeps
//! them equal).

use epayment::Amount;

/// The amount the checklist asks for: 2 NOK, not 1 (some payment systems deprioritise the
/// lowest amount).
pub const DEFAULT_AMOUNT: &str = "2.00 NOK";

/// The tag of the production verification's feature (the test set is `@go-live`).
pub const TAG: &str = "go-live-production";

/// Why `amount` cannot be a production order's, if it cannot: below 2.00, or it (or the half
/// captured and refunded) is one of the test environment's failing amounts, which production
/// does not know and a reviewer would query.
pub fn refusal(amount: &Amount) -> Option<String> {
    let minor = amount.minor_units();
    if minor < 200 {
        return Some(format!(
            "{amount} is below 2.00: the checklist asks for 2 NOK, not 1, which some payment systems deprioritise"
        ));
    }
    let half = minor / 2;
    let payment = epayment_sim::PAYMENT_AMOUNTS.iter().find(|(a, _)| *a == minor);
    let refund = epayment_sim::REFUND_AMOUNTS.iter().find(|(a, _)| *a == half);
    match (payment, refund) {
        (Some((_, what)), _) => {
            Some(format!("{amount} is a test amount ({what}): production verification uses an ordinary amount"))
        }
        (_, Some((_, what))) => Some(format!(
            "half of {amount} is a test refund amount ({what}): production verification uses an ordinary amount"
        )),
        _ => None,
    }
}

/// The feature for one order of `amount`: authorized by a person in the app, half captured
/// and refunded, the rest cancelled, so that it ends with AUTHORIZED, CAPTURED, REFUNDED and
/// CANCELLED, each checked in the event log.
pub fn feature(amount: &Amount) -> String {
    let currency = amount.currency();
    let half = Amount::from_minor_units(amount.minor_units() / 2, currency.clone());
    let rest = Amount::from_minor_units(amount.minor_units() - half.minor_units(), currency.clone());
    format!(
        "@{TAG}
Feature: Go-live: production verification
  One complete order in production, checked through the API, as the checklist asks: a person
  approves the payment in the app, the merchant captures half and refunds it, and cancels the
  rest, so that the order ends with AUTHORIZED, CAPTURED, REFUNDED and CANCELLED. 2 NOK, not 1:
  some payment systems deprioritise the lowest amount. `cargo xtask go-live --production` runs
  this order, written again for the amount it is given (`--amount 2.00 DKK`).

  @checklist-production-order
  Scenario: One complete order of {amount}
    Given a payment of {amount} has been authorized
    When the merchant captures {half}
    And the merchant refunds {half}
    And the merchant cancels the payment
    Then the event log shows AUTHORIZED of {amount}
    And the event log shows CAPTURED of {half}
    And the event log shows REFUNDED of {half}
    And the event log shows CANCELLED of {rest}
"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_feature_is_the_one_for_two_kroner() {
        let root = crate::paths::workspace_root();
        let committed =
            std::fs::read_to_string(root.join("features/go-live/production.feature")).expect("committed feature");
        let amount: Amount = DEFAULT_AMOUNT.parse().expect("the default amount parses");
        assert_eq!(
            committed,
            feature(&amount),
            "features/go-live/production.feature must be the text go-live writes for 2.00 NOK"
        );
    }

    #[test]
    fn an_odd_amount_cancels_the_extra_minor_unit() {
        let text = feature(&"3.01 DKK".parse().expect("parses"));
        assert!(text.contains("When the merchant captures 1.50 DKK"), "{text}");
        assert!(text.contains("CANCELLED of 1.51 DKK"), "{text}");
    }

    #[test]
    fn one_krone_and_the_test_amounts_are_refused() {
        let refused = |s: &str| refusal(&s.parse().expect("parses"));
        assert!(refused("1.00 NOK").is_some_and(|why| why.contains("not 1")));
        assert!(refused("1.99 NOK").is_some());
        assert!(
            refused("2.01 NOK").is_some_and(|why| why.contains("test amount")),
            "2.01 is the unknown-result amount"
        );
        assert!(refused("2.46 NOK").is_some_and(|why| why.contains("refund")), "half is 1.23, a test refund amount");
        assert_eq!(refused("2.00 NOK"), None);
        assert_eq!(refused("2.00 DKK"), None);
    }
}
