//! The card behind a payment, and how long its network guarantees a capture.

use chrono::{DateTime, TimeDelta, Utc};

use super::sales_units::SalesUnit;
use crate::clock;

/// The card network behind a payment: it decides how long the issuer holds the reservation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CardNetwork {
    /// Visa: a capture within 7 days is guaranteed (the issuer holds 5 to 7). The default.
    #[default]
    Visa,
    /// Mastercard: 30 days.
    Mastercard,
    /// BankAxept (Norway's debit network): 7 days, hard.
    BankAxept,
}

impl CardNetwork {
    /// How long after authorization a capture is guaranteed.
    // fidelity: capture-guarantee
    pub fn guarantee(self) -> TimeDelta {
        match self {
            CardNetwork::Visa | CardNetwork::BankAxept => TimeDelta::days(7),
            CardNetwork::Mastercard => TimeDelta::days(30),
        }
    }

    /// The network's name as people write it.
    pub fn name(self) -> &'static str {
        match self {
            CardNetwork::Visa => "Visa",
            CardNetwork::Mastercard => "Mastercard",
            CardNetwork::BankAxept => "BankAxept",
        }
    }
}

/// Until when a payment authorized at `at` with `card` at `unit` may be captured with the
/// network's guarantee: the guarantee, never past the sales unit's capture deadline.
pub(crate) fn guaranteed_until(card: CardNetwork, unit: &SalesUnit, at: DateTime<Utc>) -> DateTime<Utc> {
    clock::later(at, card.guarantee().min(unit.capture_period()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Market;

    #[test]
    fn the_guarantee_ends_with_the_network_and_never_past_the_deadline() {
        let at = DateTime::from_timestamp(1_767_268_800, 0).unwrap();
        let norway = SalesUnit::new(Market::Norway);
        let denmark = SalesUnit::new(Market::Denmark);
        assert_eq!(guaranteed_until(CardNetwork::Visa, &norway, at) - at, TimeDelta::days(7));
        assert_eq!(guaranteed_until(CardNetwork::BankAxept, &norway, at) - at, TimeDelta::days(7));
        assert_eq!(guaranteed_until(CardNetwork::Mastercard, &norway, at) - at, TimeDelta::days(30));
        assert_eq!(guaranteed_until(CardNetwork::Mastercard, &denmark, at) - at, TimeDelta::days(14), "the deadline");
        let late = denmark.late_capture(true);
        assert_eq!(guaranteed_until(CardNetwork::Mastercard, &late, at) - at, TimeDelta::days(30));
    }
}
