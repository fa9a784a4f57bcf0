//! The words steps are built from: money as QA writes it, periods of time, the operations and
//! the totals; with [`PARAMETERS`], what each `{name}` in a step pattern reads and how to write
//! it (the one source for step matching, `features/STEPS.md` and the hints).

use std::str::FromStr;

use cucumber::Parameter as _;
use epayment::{Amount, Currency};

/// A `{name}` a step pattern may hold.
#[derive(Clone, Copy, Debug)]
pub struct ParameterDoc {
    /// The name between the braces.
    pub name: &'static str,
    /// The harness's regex for it, with no capture group of its own: cucumber-expressions
    /// makes each parameter one group around it, so the steps read their parameters by
    /// position (also where cucumber has a parameter of that name built in, `{int}`,
    /// `{string}` and `{word}`, whose `{string}` is two groups).
    pub regex: &'static str,
    /// What to write, for STEPS.md.
    pub what: &'static str,
}

/// A whole number, as cucumber's `{int}` reads one.
const INT: &str = r"-?\d+";

/// One word, as cucumber's `{word}` reads one.
const WORD: &str = r"[^\s]+";

/// Every parameter the steps use.
pub const PARAMETERS: &[ParameterDoc] = &[
    ParameterDoc {
        name: Money::NAME,
        regex: Money::REGEX,
        what: "an amount with two decimals and a currency code: `10.00 NOK`, `0.50 DKK`",
    },
    ParameterDoc {
        name: Action::NAME,
        regex: Action::REGEX,
        what: "`capture`, `refund`, `cancel`, `create` (or `payment creation`), `get`, `approval`, `abort`",
    },
    ParameterDoc { name: Total::NAME, regex: Total::REGEX, what: "`authorized`, `captured`, `cancelled`, `refunded`" },
    ParameterDoc { name: "int", regex: INT, what: "a whole number: `6090`, `503`" },
    ParameterDoc { name: Quoted::NAME, regex: Quoted::REGEX, what: "text in double quotes: `\"order-1-c1\"`" },
    ParameterDoc {
        name: "word",
        regex: WORD,
        what: "one word: `AUTHORIZED`, `CAPTURED`, `epayments.payment.captured.v1`",
    },
    ParameterDoc {
        name: Period::NAME,
        regex: Period::REGEX,
        what: "a whole number and a unit: `30 seconds`, `10 minutes`, `2 hours`, `15 days` (or `1 day`)",
    },
    ParameterDoc {
        name: EventNames::NAME,
        regex: EventNames::REGEX,
        what: "event names separated by a comma and a space: `CREATED, AUTHORIZED, CAPTURED`",
    },
    ParameterDoc {
        name: CardTrouble::NAME,
        regex: CardTrouble::REGEX,
        what: "what the test environment's failing amounts stand for: `has insufficient funds`, `is refused by the \
               issuer`, `is suspected of fraud`, `is over its withdrawal limit`, `has expired`, `is invalid`, \
               `fails 3-D Secure`, `needs strong customer authentication`, `gives no answer for an hour`",
    },
    ParameterDoc {
        name: Network::NAME,
        regex: Network::REGEX,
        what: "a card network: `Visa`, `Mastercard`, `BankAxept`",
    },
    ParameterDoc {
        name: MarketName::NAME,
        regex: MarketName::REGEX,
        what: "a market of the simulator's sales units: `Norway`, `Denmark`, `Finland`",
    },
];

/// The words an `{action}` may be, as its regex lists them.
pub fn action_words() -> impl Iterator<Item = &'static str> {
    Action::REGEX.split('|')
}

/// The words a `{total}` may be, as its regex lists them.
pub fn total_words() -> impl Iterator<Item = &'static str> {
    Total::REGEX.split('|')
}

/// An amount as written in a step: `10.00 NOK` (two decimals, a space, a currency code).
/// Read without the API's bounds, so that a step can try an amount the client must refuse.
#[derive(Clone, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "money", regex = r"-?\d+\.\d{2} [A-Z]{3}")]
pub struct Money(pub Amount);

impl FromStr for Money {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{s:?} is not money: write it as 10.00 NOK");
        let (number, code) = s.split_once(' ').ok_or_else(bad)?;
        let (sign, digits) = match number.strip_prefix('-') {
            Some(rest) => (-1, rest),
            None => (1, number),
        };
        let (whole, cents) = digits.split_once('.').ok_or_else(bad)?;
        let whole: i64 = whole.parse().map_err(|_| bad())?;
        let cents: i64 = cents.parse().map_err(|_| bad())?;
        let minor = whole.checked_mul(100).and_then(|w| w.checked_add(cents)).ok_or_else(bad)?;
        Ok(Money(Amount::from_minor_units(sign * minor, Currency::from_code(code))))
    }
}

/// Text in quotes, as a `{string}` is written: `"order-1-c1"` (or `'order-1-c1'`), read
/// without them. Quotes and backslashes inside are kept as written.
#[derive(Clone, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "string", regex = r#""[^"\\]*(?:\\.[^"\\]*)*"|'[^'\\]*(?:\\.[^'\\]*)*'"#)]
pub struct Quoted(pub String);

impl FromStr for Quoted {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let inside = ['"', '\''].into_iter().find_map(|quote| s.strip_prefix(quote)?.strip_suffix(quote));
        inside.map(|text| Quoted(text.to_owned())).ok_or_else(|| format!("{s:?} is not text in quotes"))
    }
}

/// A stretch of time as written in a step: `10 minutes`, `1 day`, `30 seconds`, `2 hours`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "period", regex = r"\d+ (?:seconds?|minutes?|hours?|days?)")]
pub struct Period(pub std::time::Duration);

impl FromStr for Period {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{s:?} is not a period: write it as 10 minutes, 1 day, 30 seconds");
        let (count, unit) = s.split_once(' ').ok_or_else(bad)?;
        let count: u64 = count.parse().map_err(|_| bad())?;
        let seconds = match unit.trim_end_matches('s') {
            "second" => 1,
            "minute" => 60,
            "hour" => 3_600,
            "day" => 86_400,
            _ => return Err(bad()),
        };
        Ok(Period(std::time::Duration::from_secs(count.saturating_mul(seconds))))
    }
}

impl std::fmt::Display for Period {
    /// In the largest unit that divides it: `15 days`, `1 minute`, `90 seconds`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let seconds = self.0.as_secs();
        let (count, unit) = [(86_400, "day"), (3_600, "hour"), (60, "minute")]
            .into_iter()
            .find(|(size, _)| seconds >= *size && seconds.is_multiple_of(*size))
            .map_or((seconds, "second"), |(size, unit)| (seconds / size, unit));
        write!(f, "{count} {unit}{}", if count == 1 { "" } else { "s" })
    }
}

/// What the merchant does, as named in `Then the capture succeeds` and fault steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, cucumber::Parameter)]
#[param(name = "action", regex = "capture|refund|cancel|create|get|payment creation|approval|abort")]
pub enum Action {
    /// capturePayment.
    Capture,
    /// refundPayment.
    Refund,
    /// cancelPayment.
    Cancel,
    /// createPayment.
    Create,
    /// getPayment.
    Get,
    /// The customer approves.
    Approve,
    /// The customer aborts.
    Abort,
}

impl FromStr for Action {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "capture" => Action::Capture,
            "refund" => Action::Refund,
            "cancel" => Action::Cancel,
            "create" | "payment creation" => Action::Create,
            "get" => Action::Get,
            "approval" => Action::Approve,
            "abort" => Action::Abort,
            other => return Err(format!("unknown action {other:?}")),
        })
    }
}

impl Action {
    /// The action as a sentence names it: `capture`, `payment creation`, `approval`.
    pub fn noun(self) -> &'static str {
        match self {
            Action::Capture => "capture",
            Action::Refund => "refund",
            Action::Cancel => "cancel",
            Action::Create => "payment creation",
            Action::Get => "get",
            Action::Approve => "approval",
            Action::Abort => "abort",
        }
    }

    /// The simulator's endpoint, for fault injection.
    pub fn endpoint(self) -> Option<epayment_sim::Endpoint> {
        use epayment_sim::Endpoint;
        Some(match self {
            Action::Capture => Endpoint::Capture,
            Action::Refund => Endpoint::Refund,
            Action::Cancel => Endpoint::Cancel,
            Action::Create => Endpoint::Create,
            Action::Get => Endpoint::Get,
            Action::Approve | Action::Abort => return None,
        })
    }
}

/// One of the four totals of the aggregate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "total", regex = "authorized|captured|cancelled|refunded")]
pub enum Total {
    /// authorizedAmount.
    Authorized,
    /// capturedAmount.
    Captured,
    /// cancelledAmount.
    Cancelled,
    /// refundedAmount.
    Refunded,
}

impl FromStr for Total {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Total::ALL.into_iter().find(|t| t.word() == s).ok_or_else(|| format!("unknown total {s:?}"))
    }
}

impl Total {
    /// The four totals, in the aggregate's order.
    pub const ALL: [Total; 4] = [Total::Authorized, Total::Captured, Total::Cancelled, Total::Refunded];

    /// The total as a sentence names it: `captured`.
    pub fn word(self) -> &'static str {
        match self {
            Total::Authorized => "authorized",
            Total::Captured => "captured",
            Total::Cancelled => "cancelled",
            Total::Refunded => "refunded",
        }
    }

    /// This total of `aggregate`.
    pub fn of(self, aggregate: &epayment::Aggregate) -> &Amount {
        match self {
            Total::Authorized => &aggregate.authorized,
            Total::Captured => &aggregate.captured,
            Total::Cancelled => &aggregate.cancelled,
            Total::Refunded => &aggregate.refunded,
        }
    }
}

/// What is wrong with the customer's card, as the test environment's failing amounts stand for
/// it: `has insufficient funds` is a payment of 1.51 NOK there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(
    name = "card",
    regex = "has insufficient funds|is refused by the issuer|is suspected of fraud|is over its withdrawal limit|has expired|is invalid|fails 3-D Secure|needs strong customer authentication|gives no answer for an hour"
)]
pub struct CardTrouble {
    /// The amount, in minor units, that makes a payment fail this way in the test environment.
    pub minor_units: i64,
}

impl CardTrouble {
    /// Each phrase with its amount (the amounts are the test environment's, as
    /// `epayment_sim::PAYMENT_AMOUNTS` lists them; a test holds the two together).
    pub const PHRASES: [(&'static str, i64); 9] = [
        ("has insufficient funds", 151),
        ("is refused by the issuer", 182),
        ("is suspected of fraud", 183),
        ("is over its withdrawal limit", 184),
        ("has expired", 186),
        ("is invalid", 187),
        ("fails 3-D Secure", 197),
        ("gives no answer for an hour", 201),
        ("needs strong customer authentication", 202),
    ];
}

impl FromStr for CardTrouble {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let found = Self::PHRASES.iter().find(|(phrase, _)| *phrase == s);
        found
            .map(|(_, minor_units)| CardTrouble { minor_units: *minor_units })
            .ok_or_else(|| format!("{s:?} is not a card trouble"))
    }
}

/// A card network, as written in a step: `Visa`, `Mastercard`, `BankAxept`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "network", regex = "Visa|Mastercard|BankAxept")]
pub struct Network(pub epayment_sim::CardNetwork);

impl FromStr for Network {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        use epayment_sim::CardNetwork;
        [CardNetwork::Visa, CardNetwork::Mastercard, CardNetwork::BankAxept]
            .into_iter()
            .find(|n| n.name() == s)
            .map(Network)
            .ok_or_else(|| format!("{s:?} is not a card network: Visa, Mastercard or BankAxept"))
    }
}

/// A market of the simulator's sales units, as written in a step: `Norway`, `Denmark`,
/// `Finland`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "market", regex = "Norway|Denmark|Finland")]
pub struct MarketName(pub epayment_sim::Market);

impl MarketName {
    /// The market as written.
    pub fn name(self) -> &'static str {
        use epayment_sim::Market;
        match self.0 {
            Market::Norway => "Norway",
            Market::Denmark => "Denmark",
            Market::Finland => "Finland",
        }
    }
}

impl FromStr for MarketName {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        use epayment_sim::Market;
        [Market::Norway, Market::Denmark, Market::Finland]
            .into_iter()
            .map(MarketName)
            .find(|m| m.name() == s)
            .ok_or_else(|| format!("{s:?} is not a market: Norway, Denmark or Finland"))
    }
}

/// Event names in order, as written in a step: `CREATED, AUTHORIZED, CAPTURED`.
#[derive(Clone, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "events", regex = r"[A-Z]+(?:_[A-Z]+)*(?:, [A-Z]+(?:_[A-Z]+)*)*")]
pub struct EventNames(pub Vec<epayment::EventName>);

impl FromStr for EventNames {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let known = || epayment::EventName::KNOWN.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", ");
        let names = s.split(", ").map(|name| {
            epayment::EventName::KNOWN
                .into_iter()
                .find(|known| known.as_str() == name)
                .ok_or_else(|| format!("{name} is not an event name; one of: {}", known()))
        });
        names.collect::<Result<_, _>>().map(EventNames)
    }
}

impl std::fmt::Display for EventNames {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|n| n.as_str()).collect();
        f.write_str(&names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_as_written_even_out_of_bounds() {
        assert_eq!("10.00 NOK".parse::<Money>().unwrap().0, Amount::nok(1000));
        assert_eq!("2.50 NOK".parse::<Money>().unwrap().0, Amount::nok(250));
        assert_eq!("650000.01 NOK".parse::<Money>().unwrap().0.minor_units(), 65_000_001);
        assert_eq!("-1.00 NOK".parse::<Money>().unwrap().0.minor_units(), -100);
        assert!("ten NOK".parse::<Money>().is_err());
    }

    #[test]
    fn card_troubles_are_the_test_environments_amounts() {
        let amounts: Vec<i64> = epayment_sim::PAYMENT_AMOUNTS.iter().map(|(a, _)| *a).collect();
        for (phrase, minor_units) in CardTrouble::PHRASES {
            assert!(amounts.contains(&minor_units), "{phrase}: {minor_units}");
            assert_eq!(phrase.parse::<CardTrouble>().unwrap().minor_units, minor_units);
            assert!(CardTrouble::REGEX.split('|').any(|p| p == phrase), "{phrase} is in the regex");
        }
        assert_eq!(CardTrouble::PHRASES.len(), amounts.len(), "every amount has a phrase");
        assert_eq!("Mastercard".parse::<Network>().unwrap().0, epayment_sim::CardNetwork::Mastercard);
    }

    #[test]
    fn the_totals_regex_lists_their_words() {
        assert_eq!(total_words().collect::<Vec<_>>(), Total::ALL.map(Total::word));
    }

    #[test]
    fn event_names_read_in_order_and_only_known_ones() {
        let names: EventNames = "CREATED, AUTHORIZED, CAPTURED".parse().unwrap();
        assert_eq!(
            names.0,
            [epayment::EventName::Created, epayment::EventName::Authorized, epayment::EventName::Captured]
        );
        assert_eq!(names.to_string(), "CREATED, AUTHORIZED, CAPTURED");
        let err = "CREATED, DISPUTED".parse::<EventNames>().unwrap_err();
        assert!(err.starts_with("DISPUTED is not an event name; one of: CREATED, ABORTED"), "{err}");
    }
}

#[cfg(test)]
mod period_tests {
    use super::*;

    #[test]
    fn periods_read_in_their_units() {
        assert_eq!("10 minutes".parse::<Period>().unwrap().0.as_secs(), 600);
        assert_eq!("1 day".parse::<Period>().unwrap().0.as_secs(), 86_400);
        assert_eq!("30 seconds".parse::<Period>().unwrap().0.as_secs(), 30);
        assert!("10 fortnights".parse::<Period>().is_err());
        for written in ["15 days", "1 day", "1 minute", "90 seconds", "2 hours", "0 seconds"] {
            assert_eq!(written.parse::<Period>().unwrap().to_string(), written);
        }
    }
}
