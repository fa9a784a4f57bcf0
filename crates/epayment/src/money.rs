//! Money: an integer count of minor units and a currency. No floating point anywhere.

use std::fmt;
use std::str::FromStr;

pub use epayment_api::Currency;
use epayment_api::epayment::types;

use crate::error::InputError;

/// The largest amount the API accepts, in minor units (650 000.00).
pub const MAX_MINOR_UNITS: i64 = 65_000_000;

/// An amount of money in minor units (øre, cents) with its currency.
///
/// `Amount::nok(1000)` is 10.00 NOK. It displays as `10.00 NOK` and parses from the same form.
/// Constructors like [`Amount::nok`] take any value, so that amounts read back from the API
/// are never refused; [`Amount::new`], parsing and every operation that sends an amount check
/// it with [`Amount::validate`], the one place the API's rules live.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Amount {
    minor: i64,
    currency: Currency,
}

impl Amount {
    /// A checked amount: `minor` must be within `0..=65_000_000` and the currency one the API
    /// lists.
    pub fn new(minor: i64, currency: Currency) -> Result<Self, InputError> {
        let amount = Self { minor, currency };
        amount.validate()?;
        Ok(amount)
    }

    /// Norwegian kroner, in øre: `Amount::nok(250)` is 2.50 NOK.
    pub fn nok(minor: i64) -> Self {
        Self { minor, currency: Currency::Nok }
    }

    /// Danish kroner, in øre.
    pub fn dkk(minor: i64) -> Self {
        Self { minor, currency: Currency::Dkk }
    }

    /// Euro, in cents.
    pub fn eur(minor: i64) -> Self {
        Self { minor, currency: Currency::Eur }
    }

    /// Any value in any currency, unchecked (as the API may send it); see
    /// [`Amount::validate`] for what a request may carry.
    pub fn from_minor_units(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// Zero in `currency`.
    pub fn zero(currency: Currency) -> Self {
        Self { minor: 0, currency }
    }

    /// The value in minor units.
    pub fn minor_units(&self) -> i64 {
        self.minor
    }

    /// The currency.
    pub fn currency(&self) -> &Currency {
        &self.currency
    }

    /// Checks what the API requires of an amount it is sent: `0..=65 000 000` minor units in a
    /// currency it lists.
    pub fn validate(&self) -> Result<(), InputError> {
        if !(0..=MAX_MINOR_UNITS).contains(&self.minor) {
            return Err(InputError::new(
                "amount",
                self.to_string(),
                "must be between 0.00 and 650000.00 (0 to 65000000 minor units)",
            ));
        }
        if !self.currency.is_known() {
            return Err(InputError::new(
                "amount",
                self.to_string(),
                "the currency must be one of NOK, DKK, EUR, SEK, USD, GBP",
            ));
        }
        Ok(())
    }

    /// `self - other`, or `None` if the currencies differ or the result would be negative.
    pub fn checked_sub(&self, other: &Amount) -> Option<Amount> {
        if self.currency != other.currency {
            return None;
        }
        let minor = self.minor.checked_sub(other.minor).filter(|m| *m >= 0)?;
        Some(Amount { minor, currency: self.currency.clone() })
    }

    /// `self + other`, or `None` if the currencies differ or the sum overflows.
    pub fn checked_add(&self, other: &Amount) -> Option<Amount> {
        if self.currency != other.currency {
            return None;
        }
        Some(Amount { minor: self.minor.checked_add(other.minor)?, currency: self.currency.clone() })
    }

    /// Whether the value is zero.
    pub fn is_zero(&self) -> bool {
        self.minor == 0
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        write!(f, "{sign}{}.{:02} {}", abs / 100, abs % 100, self.currency)
    }
}

impl FromStr for Amount {
    type Err = InputError;

    /// Parses `10.00 NOK`: whole units, a point, exactly two decimals, one space, a currency code.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |reason: &str| InputError::new("amount", s, reason);
        let (number, code) = s.split_once(' ').ok_or_else(|| bad("write it as 10.00 NOK"))?;
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(bad("the currency must be a three-letter code such as NOK"));
        }
        let (whole, cents) = number.split_once('.').ok_or_else(|| bad("write it with two decimals, as 10.00 NOK"))?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || cents.len() != 2 || !digits(cents) {
            return Err(bad("write it with two decimals, as 10.00 NOK"));
        }
        let too_large = || bad("must be between 0.00 and 650000.00");
        let whole: i64 = whole.parse().map_err(|_| too_large())?;
        let cents: i64 = cents.parse().map_err(|_| too_large())?;
        let minor = whole.checked_mul(100).and_then(|w| w.checked_add(cents)).ok_or_else(too_large)?;
        Amount::new(minor, Currency::from_code(code))
    }
}

/// The amount of a webhook event, whose currency code may be one this version does not know.
impl From<&epayment_webhooks::EventAmount> for Amount {
    fn from(a: &epayment_webhooks::EventAmount) -> Self {
        Amount::from_minor_units(a.value, Currency::from_code(&a.currency))
    }
}

impl From<Amount> for types::Amount {
    fn from(a: Amount) -> Self {
        types::Amount { value: a.minor, currency: a.currency }
    }
}

impl From<types::Amount> for Amount {
    fn from(a: types::Amount) -> Self {
        Amount { minor: a.value, currency: a.currency }
    }
}

impl From<&types::Amount> for Amount {
    fn from(a: &types::Amount) -> Self {
        Amount { minor: a.value, currency: a.currency.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_as_money() {
        assert_eq!(Amount::nok(1000).to_string(), "10.00 NOK");
        assert_eq!(Amount::nok(250).to_string(), "2.50 NOK");
        assert_eq!(Amount::eur(5).to_string(), "0.05 EUR");
        assert_eq!(Amount::nok(-150).to_string(), "-1.50 NOK");
        assert_eq!(Amount::nok(65_000_000).to_string(), "650000.00 NOK");
    }

    #[test]
    fn parses_what_it_displays() {
        for minor in [0, 1, 99, 100, 250, 1000, 65_000_000] {
            let a = Amount::nok(minor);
            assert_eq!(a.to_string().parse::<Amount>().unwrap(), a);
        }
        assert_eq!("2.50 DKK".parse::<Amount>().unwrap(), Amount::dkk(250));
    }

    #[test]
    fn refuses_malformed_and_out_of_range_text() {
        for bad in [
            "10 NOK",
            "10.0 NOK",
            "10.000 NOK",
            "10,00 NOK",
            "-1.00 NOK",
            "1.00 nok",
            "1.00NOK",
            "1.00  NOK",
            ".50 NOK",
            "650000.01 NOK",
            "99999999999999999999.00 NOK",
            "1.00 ISK",
            "",
        ] {
            let err = bad.parse::<Amount>().expect_err(bad);
            assert_eq!(err.field(), "amount", "{bad}");
        }
    }

    #[test]
    fn validate_enforces_the_api_bounds() {
        assert!(Amount::nok(0).validate().is_ok());
        assert!(Amount::nok(MAX_MINOR_UNITS).validate().is_ok());
        assert!(Amount::nok(MAX_MINOR_UNITS + 1).validate().is_err());
        assert!(Amount::nok(-1).validate().is_err());
        assert!(Amount::new(100, Currency::Other("ISK".into())).is_err());
    }

    #[test]
    fn arithmetic_stays_in_one_currency_and_above_zero() {
        assert_eq!(Amount::nok(1000).checked_sub(&Amount::nok(250)), Some(Amount::nok(750)));
        assert_eq!(Amount::nok(100).checked_sub(&Amount::nok(250)), None);
        assert_eq!(Amount::nok(100).checked_sub(&Amount::eur(1)), None);
        assert_eq!(Amount::nok(100).checked_add(&Amount::nok(1)), Some(Amount::nok(101)));
    }
}
