//! The currency of an amount, open to codes the document does not list yet.

open_enum! {
    /// An ISO 4217 currency code.
    ///
    /// The generated types use this in place of the document's closed `Currency` enum (see the
    /// replacement in `xtask/src/regen/generate.rs`): when the API starts answering with a currency this
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

    // Round trips and unknown codes kept: tests/open_enums.rs, for every open enum.
    #[test]
    fn only_the_listed_codes_are_known_and_codes_are_case_sensitive() {
        assert!(Currency::KNOWN.iter().all(Currency::is_known));
        assert!(!Currency::from_code("ISK").is_known());
        assert_eq!(Currency::from_code("NOK"), Currency::Nok);
        assert_eq!(Currency::from_code("nok"), Currency::Other("nok".into()));
    }
}
