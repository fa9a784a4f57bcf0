//! Sales units: what a merchant serial number may do. One record per unit, set through the
//! simulator's builder or the sandbox's flags, read by every rule that depends on the unit.

use std::collections::BTreeMap;

use epayment_vocabulary::Currency;

/// The country a sales unit sells in, which decides the currencies it takes and its capture
/// period.
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

/// One sales unit's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SalesUnit {
    /// Where it sells.
    pub market: Market,
    /// Captures must take all that is authorized at once (a part capture is 6140).
    pub full_capture_only: bool,
    /// In Denmark and Finland, 180 days to capture and cancel instead of 14.
    pub late_capture: bool,
}

impl SalesUnit {
    /// A unit in `market` with the default settings: partial captures allowed, no late
    /// capture.
    pub fn new(market: Market) -> Self {
        Self { market, full_capture_only: false, late_capture: false }
    }

    /// This unit, allowing only full captures (or not).
    pub fn full_capture_only(mut self, on: bool) -> Self {
        self.full_capture_only = on;
        self
    }

    /// This unit, with late capture (or not).
    pub fn late_capture(mut self, on: bool) -> Self {
        self.late_capture = on;
        self
    }

    /// How long after authorization its payments may be captured or cancelled: 180 days in
    /// Norway; 14 days in Denmark and Finland, or 180 with late capture.
    // fidelity: capture-deadline
    pub fn capture_period(&self) -> chrono::TimeDelta {
        match self.market {
            Market::Norway => LONGEST_CAPTURE_PERIOD,
            Market::Denmark | Market::Finland if self.late_capture => LONGEST_CAPTURE_PERIOD,
            Market::Denmark | Market::Finland => chrono::TimeDelta::days(14),
        }
    }
}

/// The longest capture period there is: Norway's, and late capture's in Denmark and Finland.
pub(crate) const LONGEST_CAPTURE_PERIOD: chrono::TimeDelta = chrono::TimeDelta::days(180);

/// The sales units the simulator knows, by merchant serial number; any other is a Norwegian
/// unit with the default settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SalesUnits {
    units: BTreeMap<String, SalesUnit>,
}

impl Default for SalesUnits {
    /// `123456` in Norway, `223456` in Denmark, `323456` in Finland.
    fn default() -> Self {
        Self {
            units: BTreeMap::from([
                ("123456".to_owned(), SalesUnit::new(Market::Norway)),
                ("223456".to_owned(), SalesUnit::new(Market::Denmark)),
                ("323456".to_owned(), SalesUnit::new(Market::Finland)),
            ]),
        }
    }
}

impl SalesUnits {
    /// The unit `msn` (a Norwegian one with default settings if it was never set).
    pub fn get(&self, msn: &str) -> SalesUnit {
        self.units.get(msn).copied().unwrap_or(SalesUnit::new(Market::Norway))
    }

    /// Sets the unit `msn`.
    pub fn set(&mut self, msn: &str, unit: SalesUnit) {
        self.units.insert(msn.to_owned(), unit);
    }

    /// The configured units, by merchant serial number.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &SalesUnit)> {
        self.units.iter().map(|(msn, unit)| (msn.as_str(), unit))
    }

    /// A configured sales unit whose market takes `currency` in a wallet payment (the first by
    /// merchant serial number), for a harness that picks the unit by the currency a scenario
    /// uses.
    pub fn for_currency(&self, currency: &Currency) -> Option<&str> {
        self.iter().find(|(_, unit)| unit.market.takes(currency)).map(|(msn, _)| msn)
    }
}
