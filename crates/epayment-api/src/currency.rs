//! The currency of an amount, open to codes the document does not list yet.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ISO 4217 currency code.
///
/// The generated types use this in place of the document's closed `Currency` enum (see the
/// replacement in `xtask/src/generate.rs`): when the API starts answering with a currency this
/// client does not know, the payment still decodes and the code is kept in
/// [`Currency::Other`], rather than the whole answer failing. Non-exhaustive, like
/// [`State`](crate::State) and [`EventName`](crate::EventName), so that a later version may
/// know more codes without breaking anyone's `match`: a `match` needs a `_` arm.
///
/// ```compile_fail
/// # use epayment_api::Currency;
/// fn every_arm_but_the_wildcard(currency: Currency) -> bool {
///     match currency {
///         Currency::Nok | Currency::Dkk | Currency::Eur => true,
///         Currency::Sek | Currency::Usd | Currency::Gbp | Currency::Other(_) => false,
///     }
/// }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Currency {
    /// Norwegian krone, the default.
    #[default]
    Nok,
    /// Danish krone.
    Dkk,
    /// Euro.
    Eur,
    /// Swedish krona.
    Sek,
    /// US dollar.
    Usd,
    /// Pound sterling.
    Gbp,
    /// A code the document does not list, kept as received.
    Other(String),
}

impl Currency {
    /// The currencies the document lists, in its order.
    pub const KNOWN: [Currency; 6] =
        [Currency::Nok, Currency::Dkk, Currency::Eur, Currency::Sek, Currency::Usd, Currency::Gbp];

    /// The ISO 4217 code, e.g. `"NOK"`.
    pub fn code(&self) -> &str {
        match self {
            Currency::Nok => "NOK",
            Currency::Dkk => "DKK",
            Currency::Eur => "EUR",
            Currency::Sek => "SEK",
            Currency::Usd => "USD",
            Currency::Gbp => "GBP",
            Currency::Other(code) => code,
        }
    }

    /// Whether the document lists this currency (requests may only use those).
    pub fn is_known(&self) -> bool {
        !matches!(self, Currency::Other(_))
    }

    /// Reads a code; anything not listed becomes [`Currency::Other`]. Codes are case-sensitive,
    /// as the API's are.
    pub fn from_code(code: &str) -> Self {
        match code {
            "NOK" => Currency::Nok,
            "DKK" => Currency::Dkk,
            "EUR" => Currency::Eur,
            "SEK" => Currency::Sek,
            "USD" => Currency::Usd,
            "GBP" => Currency::Gbp,
            other => Currency::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Currency::from_code(s))
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Ok(Currency::from_code(&code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_round_trip_and_unknown_ones_are_kept() {
        for c in Currency::KNOWN {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(serde_json::from_str::<Currency>(&json).unwrap(), c);
            assert!(c.is_known());
        }
        let isk: Currency = serde_json::from_str("\"ISK\"").unwrap();
        assert_eq!(isk, Currency::Other("ISK".into()));
        assert_eq!(serde_json::to_string(&isk).unwrap(), "\"ISK\"");
        assert!(!isk.is_known());
        assert_eq!(Currency::from_code("nok"), Currency::Other("nok".into()));
    }
}
