//! Rule mutants, for the contract harness's `cargo xtask contract --mutate`: a simulator built
//! with one ([`crate::SimulatorBuilder::mutant`]) breaks one FIDELITY.md rule in one way, and a
//! suite of scenarios that notices is one that pins the rule. Three kinds ([`Kind`]):
//!
//! - **swap**: the rule's refusals answer with another error code (or, for a refusal without
//!   one, another status);
//! - **off**: the rule is not checked, and the call goes on as if it had passed (to the
//!   model's next check, if any);
//! - **boundary**: the rule's limit moves by one unit (one øre, one second, one call a minute,
//!   one retry), in the direction that lets through what was refused at the edge.
//!
//! [`TABLE`] lists the kinds each rule has. The model asks one [`Rules`] value at each check
//! site ([`Rules::enforced`], [`Rules::most`], [`Rules::least`]); that value is the only
//! place that knows about the mutant. Only the harness sets a mutant, on the embedded
//! simulators of a mutation run: the sandbox binary never calls the builder's method, and a
//! simulator built without one answers as always (`Simulator::mutant` says which it is).

mod rules;
#[cfg(test)]
mod tests;

pub use rules::{Rules, Unit};

/// How a mutant breaks its rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Its refusals answer with another error code, or another status when they carry none.
    Swap,
    /// The rule is not checked: the call goes on as if it had passed.
    Off,
    /// Its limit moves by one unit, letting through what was refused at the edge.
    Boundary,
    /// The model panics where the rule is checked: for the harness's own tests of how a
    /// crash is reported, never in [`TABLE`].
    #[doc(hidden)]
    Crash,
}

impl Kind {
    /// The kind's word in a report.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Swap => "swap",
            Kind::Off => "off",
            Kind::Boundary => "boundary",
            Kind::Crash => "crash",
        }
    }
}

/// The mutants one FIDELITY.md rule has: `swap` where its refusals name the row
/// (`ApiError::fidelity`), `off` where the model asks whether it is enforced, `boundary` (what
/// moves, in words) where the model asks for its limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleMutants {
    /// The FIDELITY.md row.
    pub rule: &'static str,
    /// Whether it has an answer swap.
    pub swap: bool,
    /// Whether it can be switched off.
    pub off: bool,
    /// What its boundary mutant moves, in words, if it has a limit.
    pub boundary: Option<&'static str>,
}

const fn swap(rule: &'static str) -> RuleMutants {
    RuleMutants { rule, swap: true, off: false, boundary: None }
}

const fn swap_off(rule: &'static str) -> RuleMutants {
    RuleMutants { rule, swap: true, off: true, boundary: None }
}

const fn all(rule: &'static str, boundary: &'static str) -> RuleMutants {
    RuleMutants { rule, swap: true, off: true, boundary: Some(boundary) }
}

const fn limit(rule: &'static str, boundary: &'static str) -> RuleMutants {
    RuleMutants { rule, swap: false, off: true, boundary: Some(boundary) }
}

/// Every rule a mutant can reach, and its mutants. A test keeps it equal to the ids the model
/// tags: `ApiError::fidelity(id)` for a swap, `Rules::enforced(id)` for off, `Rules::most(id,
/// limit)` or `Rules::least(id, limit)` for off and boundary.
pub const TABLE: &[RuleMutants] = &[
    swap_off("approve-only-created"),
    all("cancel-deadline", "the cancel period is one second longer"),
    swap_off("cancel-fully-captured"),
    swap("cancel-never-reserved"),
    swap_off("cancel-transaction-only"),
    swap_off("cancel-twice"),
    swap_off("capture-after-cancel"),
    swap("capture-after-full-capture"),
    all("capture-after-guarantee", "the card's guarantee ends one second later"),
    all("capture-amount", "one øre more than is left may be captured"),
    swap_off("capture-before-authorization"),
    all("capture-deadline", "the capture period is one second longer"),
    swap("capture-final-state"),
    swap_off("capture-full-only"),
    swap_off("capture-terminated"),
    swap_off("create-currency-market"),
    swap("create-customer-required"),
    swap("create-https-urls"),
    all("create-minimum-amount", "the minimum amount is one øre lower"),
    swap_off("create-reference-taken"),
    swap("create-return-url-required"),
    swap_off("express-no-force-approve"),
    swap("express-rules"),
    swap_off("final-states"),
    swap_off("idempotency-conflict"),
    swap("modification-amount"),
    swap("payment-not-found"),
    limit("payment-expiry", "a payment left alone expires one second later"),
    swap("profile-refused"),
    swap("profile-scope"),
    limit("rate-limits", "one call more a minute is allowed"),
    all("refund-amount", "one øre more than is left may be refunded"),
    swap_off("refund-before-authorization"),
    all("refund-deadline", "the refund period is one second longer"),
    swap("refund-final-state"),
    swap_off("tenant-isolation"),
    swap("test-amounts"),
    swap("test-amounts-refund"),
    RuleMutants { rule: "webhook-delivery", swap: false, off: false, boundary: Some("one more retry 2 s apart") },
];

/// One rule broken one way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Mutant {
    /// The FIDELITY.md row it breaks.
    pub rule: &'static str,
    /// How.
    pub kind: Kind,
}

impl Mutant {
    /// Every mutant [`TABLE`] lists, rule by rule, swap before off before boundary.
    pub fn all() -> impl Iterator<Item = Mutant> {
        TABLE.iter().flat_map(|row| Self::of(row.rule))
    }

    /// The mutants of the rule `id` (none if no mutant reaches it).
    pub fn of(id: &str) -> Vec<Mutant> {
        let Some(row) = TABLE.iter().find(|row| row.rule == id) else { return Vec::new() };
        let kinds = [(row.swap, Kind::Swap), (row.off, Kind::Off), (row.boundary.is_some(), Kind::Boundary)];
        kinds.into_iter().filter(|(has, _)| *has).map(|(_, kind)| Mutant { rule: row.rule, kind }).collect()
    }

    /// A mutant that makes the model panic where `rule` is checked: for testing how a crash
    /// is reported, never one of [`Mutant::all`].
    #[doc(hidden)]
    pub fn crashing(rule: &'static str) -> Mutant {
        Mutant { rule, kind: Kind::Crash }
    }

    /// What it changes, in words.
    pub fn describe(self) -> String {
        let boundary = TABLE.iter().find(|row| row.rule == self.rule).and_then(|row| row.boundary);
        match self.kind {
            Kind::Swap => "its refusal answers with another error code (or status)".to_owned(),
            Kind::Off => "switched off: the call goes on as if the rule held".to_owned(),
            Kind::Boundary => boundary.unwrap_or("its limit moves by one unit").to_owned(),
            Kind::Crash => "the model panics where the rule is checked".to_owned(),
        }
    }
}
