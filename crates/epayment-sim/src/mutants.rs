//! Rule mutants, for the contract harness's `cargo xtask contract --mutate`: a simulator built
//! with one ([`crate::SimulatorBuilder::mutant`]) answers every refusal by one FIDELITY.md
//! rule with another error code (or, for a refusal without one, another status), and a suite
//! of scenarios that notices is one that pins the rule's answer.
//!
//! Only the harness sets a mutant, on the embedded simulators of a mutation run: the sandbox
//! binary never calls the builder's method, and a simulator built without one answers as
//! always (`Simulator::mutant` says which it is).

use crate::model::ApiError;

/// The FIDELITY.md rows whose refusals carry their id (`ApiError::fidelity`): the rules a
/// mutant can reach. A test keeps it equal to the ids tagged in the model.
pub const RULES: &[&str] = &[
    "approve-only-created",
    "cancel-deadline",
    "cancel-fully-captured",
    "cancel-never-reserved",
    "cancel-transaction-only",
    "cancel-twice",
    "capture-after-cancel",
    "capture-after-full-capture",
    "capture-after-guarantee",
    "capture-amount",
    "capture-before-authorization",
    "capture-deadline",
    "capture-final-state",
    "capture-full-only",
    "capture-terminated",
    "create-currency-market",
    "create-customer-required",
    "create-https-urls",
    "create-minimum-amount",
    "create-reference-taken",
    "create-return-url-required",
    "express-no-force-approve",
    "express-rules",
    "final-states",
    "idempotency-conflict",
    "modification-amount",
    "payment-not-found",
    "profile-refused",
    "profile-scope",
    "refund-amount",
    "refund-before-authorization",
    "refund-deadline",
    "refund-final-state",
    "tenant-isolation",
    "test-amounts",
    "test-amounts-refund",
];

/// One rule's answer swapped: its refusals come with another error code, or another status
/// when they carry no code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mutant {
    /// The FIDELITY.md row whose refusals are swapped.
    pub rule: &'static str,
}

impl Mutant {
    /// The mutant of the rule `id`, if a mutant can reach it.
    pub fn of(id: &str) -> Option<Self> {
        RULES.iter().find(|rule| **rule == id).map(|rule| Self { rule })
    }

    /// The swapped refusal, when `error` is one of this rule's.
    pub(crate) fn apply(self, error: &ApiError) -> Option<ApiError> {
        if error.rule != Some(self.rule) {
            return None;
        }
        let mut swapped = error.clone();
        match swapped.code {
            // Another code of the same family, never the one the rule gives.
            Some(code) => swapped.code = Some(code + 1),
            None => swapped.status = if error.status == 400 { 409 } else { 400 },
        }
        Some(swapped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use epayment_vocabulary::ErrorCode;

    #[test]
    fn every_rule_tagged_on_a_refusal_has_a_mutant_and_no_other() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut tagged = std::collections::BTreeSet::new();
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("the source folder") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("a source file");
                for part in text.split(".fidelity(\"").skip(1) {
                    tagged.insert(part.split('"').next().unwrap_or_default().to_owned());
                }
            }
        }
        let listed: std::collections::BTreeSet<String> = RULES.iter().map(|r| (*r).to_owned()).collect();
        assert_eq!(listed, tagged);
    }

    #[test]
    fn a_mutant_swaps_its_rules_answer_and_no_other() {
        let mutant = Mutant::of("capture-amount").expect("a rule with a mutant");
        let refusal = ApiError::rule(ErrorCode::AlreadyRefunded, "too much").fidelity("capture-amount");
        let swapped = mutant.apply(&refusal).expect("its rule's refusal");
        assert_eq!((swapped.status, swapped.code), (refusal.status, Some(6181)));
        assert!(mutant.apply(&ApiError::rule(ErrorCode::AlreadyRefunded, "x").fidelity("refund-amount")).is_none());
        assert!(Mutant::of("no-such-rule").is_none());
    }
}
