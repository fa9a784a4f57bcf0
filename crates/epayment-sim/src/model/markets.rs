//! Sales units and their markets: which currencies a merchant serial number may take.

use std::collections::BTreeMap;

use epayment_api::Currency;

/// The country a sales unit sells in, which decides the currencies it takes and (with simulated
/// time) its capture deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Market {
    /// Vipps in Norway: NOK.
    Norway,
    /// MobilePay in Denmark: DKK and EUR.
    Denmark,
    /// MobilePay in Finland: EUR and DKK.
    Finland,
}

impl Market {
    /// Whether a wallet payment of this market may be in `currency`. SEK, USD and GBP are
    /// taken only with card passthrough, in any market.
    // fidelity: create-currency-market
    pub fn takes(self, currency: &Currency) -> bool {
        match self {
            Market::Norway => *currency == Currency::Nok,
            // The facts: "DKK and EUR only for Danish and Finnish sales units". Our choice:
            // both markets take both.
            Market::Denmark | Market::Finland => matches!(currency, Currency::Dkk | Currency::Eur),
        }
    }
}

/// The sales units the simulator knows, by merchant serial number; any other is Norwegian.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SalesUnits {
    /// Merchant serial numbers with a market of their own.
    pub markets: BTreeMap<String, Market>,
    /// The market of every other merchant serial number.
    pub default_market: Market,
}

impl Default for SalesUnits {
    /// `123456` in Norway, `223456` in Denmark, `323456` in Finland; any other in Norway.
    fn default() -> Self {
        Self {
            markets: BTreeMap::from([
                ("123456".to_owned(), Market::Norway),
                ("223456".to_owned(), Market::Denmark),
                ("323456".to_owned(), Market::Finland),
            ]),
            default_market: Market::Norway,
        }
    }
}

impl SalesUnits {
    /// The market of `msn`.
    pub fn market(&self, msn: &str) -> Market {
        self.markets.get(msn).copied().unwrap_or(self.default_market)
    }

    /// A configured sales unit whose market takes `currency` in a wallet payment (the first by
    /// merchant serial number), for a harness that picks the unit by the currency a scenario
    /// uses.
    pub fn for_currency(&self, currency: &Currency) -> Option<&str> {
        self.markets.iter().find(|(_, market)| market.takes(currency)).map(|(msn, _)| msn.as_str())
    }
}
