//! The currency of an amount, open to codes the document does not list yet.

open_enum! {
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
    /// # use epayment_vocabulary::Currency;
    /// fn every_arm_but_the_wildcard(currency: Currency) -> bool {
    ///     match currency {
    ///         Currency::Nok | Currency::Dkk | Currency::Eur => true,
    ///         Currency::Sek | Currency::Usd | Currency::Gbp | Currency::Other(_) => false,
    ///     }
    /// }
    /// ```
    #[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum Currency {
        /// Norwegian krone, the default.
        #[default]
        Nok = "NOK",
        /// Danish krone.
        Dkk = "DKK",
        /// Euro.
        Eur = "EUR",
        /// Swedish krona.
        Sek = "SEK",
        /// US dollar.
        Usd = "USD",
        /// Pound sterling.
        Gbp = "GBP",
    }
    /// A code the document does not list, kept as received.
    else Other(String);
}

impl Currency {
    /// The ISO 4217 code, e.g. `"NOK"`.
    pub fn code(&self) -> &str {
        self.as_str()
    }

    /// Whether the document lists this currency (requests may only use those).
    pub fn is_known(&self) -> bool {
        !matches!(self, Currency::Other(_))
    }

    /// Reads a code; anything not listed becomes [`Currency::Other`]. Codes are case-sensitive,
    /// as the API's are.
    pub fn from_code(code: &str) -> Self {
        Currency::from(code.to_owned())
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
