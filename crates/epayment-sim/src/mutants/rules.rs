//! The one value the model asks at a rule's check site: does the rule hold, where is its
//! limit, with which answer does it refuse. Unmutated it answers as the rule is written; under
//! a [`Mutant`] it answers as the mutant says, for that mutant's rule only. A simulator's
//! rules also note which rules were asked about ([`Rules::consulted`]): a mutant of a rule a
//! scenario never reached cannot change what that scenario sees, so a mutation run runs only
//! the scenarios that reached it.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeDelta, Utc};

use super::{Kind, Mutant};

/// The rules as the model applies them: as written, or with one [`Mutant`]. Clones share what
/// they note (one simulator's tenants, its model and its webhook workers).
#[derive(Clone, Debug, Default)]
pub struct Rules {
    mutant: Option<Mutant>,
    /// The rules asked about so far, where they are noted (not in [`Rules::default`]).
    consulted: Option<Arc<Mutex<BTreeSet<&'static str>>>>,
}

impl Rules {
    /// The rules with `mutant` applied (as written when `None`), noting which are asked about.
    pub fn with(mutant: Option<Mutant>) -> Self {
        Self { mutant, consulted: Some(Arc::default()) }
    }

    /// The mutant applied, if any.
    pub fn mutant(&self) -> Option<Mutant> {
        self.mutant
    }

    /// The rules asked about so far, in id order (none where they are not noted).
    pub fn consulted(&self) -> Vec<&'static str> {
        let noted = self.consulted.as_ref().map(|c| crate::lock::lock(c).iter().copied().collect());
        noted.unwrap_or_default()
    }

    /// The mutant's kind, when it is `rule`'s; a crashing mutant panics here, as a defect of
    /// the model would.
    fn kind_for(&self, rule: &'static str) -> Option<Kind> {
        if let Some(consulted) = &self.consulted {
            crate::lock::lock(consulted).insert(rule);
        }
        let mutant = self.mutant.filter(|m| m.rule == rule)?;
        if mutant.kind == Kind::Crash {
            panic!("rule mutant: the model crashes where {rule} is checked");
        }
        Some(mutant.kind)
    }

    /// Whether `rule` is checked: false only when its mutant switches it off.
    pub fn enforced(&self, rule: &'static str) -> bool {
        self.kind_for(rule) != Some(Kind::Off)
    }

    /// `rule`'s upper limit `value` (the most allowed): one unit more under its boundary
    /// mutant, no limit at all when it is switched off.
    pub fn most<T: Unit>(&self, rule: &'static str, value: T) -> T {
        match self.kind_for(rule) {
            Some(Kind::Boundary) => value.plus_one(),
            Some(Kind::Off) => T::UNLIMITED,
            _ => value,
        }
    }

    /// `rule`'s lower limit `value` (the least allowed): one unit less under its boundary
    /// mutant, none at all when it is switched off.
    pub fn least<T: Unit>(&self, rule: &'static str, value: T) -> T {
        match self.kind_for(rule) {
            Some(Kind::Boundary) => value.minus_one(),
            Some(Kind::Off) => T::NONE,
            _ => value,
        }
    }

    /// Whether a refusal by `rule` is sent with another answer (`ApiError::swapped`): only
    /// under `rule`'s swap mutant.
    pub fn swaps(&self, rule: &'static str) -> bool {
        self.kind_for(rule) == Some(Kind::Swap)
    }
}

/// A limit's unit: an amount or count moves by one, a period or instant by one second.
pub trait Unit: Copy {
    /// A limit that never binds from above.
    const UNLIMITED: Self;
    /// A limit that never binds from below.
    const NONE: Self;
    /// One unit more.
    fn plus_one(self) -> Self;
    /// One unit less.
    fn minus_one(self) -> Self;
}

macro_rules! counts {
    ($($t:ty),*) => {$(
        impl Unit for $t {
            const UNLIMITED: Self = <$t>::MAX;
            const NONE: Self = <$t>::MIN;
            fn plus_one(self) -> Self { self.saturating_add(1) }
            fn minus_one(self) -> Self { self.saturating_sub(1) }
        }
    )*};
}
counts!(i64, u32, usize);

/// A thousand years: longer than any clock move the simulator takes, short enough that adding
/// it to a date never overflows.
const FOREVER: TimeDelta = TimeDelta::days(365_000);

impl Unit for TimeDelta {
    const UNLIMITED: Self = FOREVER;
    const NONE: Self = TimeDelta::zero();
    fn plus_one(self) -> Self {
        self + TimeDelta::seconds(1)
    }
    fn minus_one(self) -> Self {
        self - TimeDelta::seconds(1)
    }
}

impl Unit for DateTime<Utc> {
    const UNLIMITED: Self = DateTime::<Utc>::MAX_UTC;
    const NONE: Self = DateTime::<Utc>::MIN_UTC;
    fn plus_one(self) -> Self {
        crate::clock::later(self, TimeDelta::seconds(1))
    }
    fn minus_one(self) -> Self {
        self.checked_sub_signed(TimeDelta::seconds(1)).unwrap_or(self)
    }
}
