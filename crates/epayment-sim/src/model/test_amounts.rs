//! The test environment's amounts: a payment or a refund of one of these amounts (in minor
//! units) fails there on purpose, so that an integration can test its failure paths. The
//! simulator does the same, unless told not to.

use epayment_vocabulary::ErrorCode;

use super::ApiError;
use super::sales_units::Market;

/// How long the result of a payment of [`UNKNOWN_RESULT`] stays unknown.
pub(crate) const UNKNOWN_FOR: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// A payment amount whose result stays unknown for an hour.
pub(crate) const UNKNOWN_RESULT: i64 = 201;

/// Every payment amount the test environment fails, with what it means: for documentation
/// and the harness's plain-language steps.
pub const PAYMENT_AMOUNTS: [(i64, &str); 9] = [
    (151, "insufficient funds"),
    (182, "refused by the issuer"),
    (183, "suspected fraud"),
    (184, "withdrawal limit exceeded"),
    (186, "expired card"),
    (187, "invalid card"),
    (197, "3-D Secure denied"),
    (UNKNOWN_RESULT, "unknown result for an hour"),
    (202, "strong customer authentication required"),
];

/// Every refund amount the test environment fails, with what it means.
pub const REFUND_AMOUNTS: [(i64, &str); 2] =
    [(123, "the customer cannot receive refunds"), (124, "refund period expired")];

/// What the customer's approval of a payment of `amount` in `market` gets in the test
/// environment: `None` when the amount is an ordinary one (or [`UNKNOWN_RESULT`]'s, which is
/// approved and left pending). The codes are our choice among force approve's documented
/// 10010..10070: the guides say the payment fails, not how.
// fidelity: test-amounts
pub(crate) fn refuse_approval(amount: i64, market: Market) -> Option<ApiError> {
    let norway_only = matches!(amount, 197 | 202);
    if norway_only && market != Market::Norway {
        return None;
    }
    let code = match amount {
        151 | 182 | 183 => ErrorCode::ForceApproveFailed,
        184 => ErrorCode::ForceApproveLimitExceeded,
        186 | 187 => ErrorCode::ForceApproveInvalidPaymentSource,
        197 | 202 => ErrorCode::ForceApproveIdentificationRequired,
        _ => return None,
    };
    let (_, meaning) = PAYMENT_AMOUNTS.iter().find(|(a, _)| *a == amount)?;
    let refusal = ApiError::rule(code, format!("the card was declined: {meaning} (test amount {amount})"));
    Some(refusal.fidelity("test-amounts"))
}

/// What a refund of `amount` gets in the test environment, if it fails.
// fidelity: test-amounts-refund
pub(crate) fn refuse_refund(amount: i64) -> Option<ApiError> {
    let code = match amount {
        123 => ErrorCode::RefundNotPossible,
        124 => ErrorCode::RefundPeriodExpired,
        _ => return None,
    };
    let (_, meaning) = REFUND_AMOUNTS.iter().find(|(a, _)| *a == amount)?;
    Some(ApiError::rule(code, format!("{meaning} (test amount {amount})")).fidelity("test-amounts-refund"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_test_amount_fails_as_listed_and_others_pass() {
        let codes: Vec<Option<u32>> = [151, 182, 183, 184, 186, 187, 197, 201, 202]
            .iter()
            .map(|a| refuse_approval(*a, Market::Norway).and_then(|e| e.code))
            .collect();
        assert_eq!(
            codes,
            [
                Some(10010),
                Some(10010),
                Some(10010),
                Some(10070),
                Some(10040),
                Some(10040),
                Some(10030),
                None,
                Some(10030)
            ]
        );
        assert!(refuse_approval(197, Market::Denmark).is_none() && refuse_approval(202, Market::Finland).is_none());
        assert!(refuse_approval(151, Market::Denmark).is_some());
        for ordinary in [100, 150, 1000, 15100] {
            assert!(refuse_approval(ordinary, Market::Norway).is_none(), "{ordinary}");
            assert!(refuse_refund(ordinary).is_none(), "{ordinary}");
        }
        assert_eq!(refuse_refund(123).and_then(|e| e.code), Some(5100));
        assert_eq!(refuse_refund(124).and_then(|e| e.code), Some(6220));
    }
}
