//! A refusal of the simulated API: status, error code and what to say.

use epayment_vocabulary::ErrorCode;

/// A refusal: the HTTP status, the API's error code if the rule has one, and what to say.
/// The problem document's title is the code's title, or the status's reason phrase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// The error code's number, as `extraDetails` carries it, if any: an [`ErrorCode`] where
    /// the simulator refuses by a rule, any number a test injects with
    /// [`Fault::Refuse`](crate::Fault::Refuse).
    pub code: Option<u32>,
    /// What went wrong.
    pub detail: String,
    /// Named details other than the code: the fields at fault of a validation problem.
    pub fields: Vec<(String, String)>,
    /// Seconds for a `Retry-After` header (a rate-limited call).
    pub retry_after: Option<u64>,
    /// The FIDELITY.md row of the rule that refused, where the refusal knows it: the problem
    /// answer names it in a `Sim-Rule` header, so that a comparison with another server can
    /// name the rule without guessing.
    pub rule: Option<&'static str>,
}

impl ApiError {
    /// The response header a problem answer names [`ApiError::rule`] in (`Sim-Rule:
    /// capture-amount`). Not the API's: a comparison of the simulator with another server
    /// reads it.
    pub const RULE_HEADER: &'static str = "sim-rule";

    /// A domain refusal: 400 with an error code.
    pub fn rule(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::coded(400, code, detail)
    }

    /// A conflict: 409 with an error code.
    pub fn conflict(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::coded(409, code, detail)
    }

    /// A refusal with a status and no error code.
    pub fn status(status: u16, detail: impl Into<String>) -> Self {
        Self { status, code: None, detail: detail.into(), fields: Vec::new(), retry_after: None, rule: None }
    }

    fn coded(status: u16, code: ErrorCode, detail: impl Into<String>) -> Self {
        Self { code: Some(code.code()), ..Self::status(status, detail) }
    }

    /// A validation refusal naming each bad field.
    pub fn validation(fields: Vec<(String, String)>) -> Self {
        Self { fields, ..Self::status(400, "the request does not match the API's schema") }
    }

    /// The same refusal, by the rule with FIDELITY.md row `id` (the `// fidelity: <id>` at
    /// the rule; `xtask/tests/ledger.rs` checks the row exists).
    #[must_use]
    pub fn fidelity(self, id: &'static str) -> Self {
        Self { rule: Some(id), ..self }
    }

    /// The refusal as `rules` send it: with another answer under its rule's swap mutant
    /// (another error code of the same family, never the one the rule gives, or another status
    /// where it has no code).
    pub(crate) fn as_sent(&self, rules: &crate::mutants::Rules) -> Option<Self> {
        let rule = self.rule?;
        if !rules.swaps(rule) {
            return None;
        }
        let mut swapped = self.clone();
        match swapped.code {
            Some(code) => swapped.code = Some(code + 1),
            None => swapped.status = if self.status == 400 { 409 } else { 400 },
        }
        Some(swapped)
    }

    /// An internal error: something the simulator could not do, never the caller's fault.
    pub fn internal(detail: impl Into<String>) -> Self {
        Self::coded(500, ErrorCode::InternalError, detail)
    }

    pub(crate) fn not_found(reference: &str) -> Self {
        Self::coded(
            404,
            ErrorCode::ReferenceNotFound,
            format!("no payment with reference {reference} for this merchant"),
        )
        .fidelity("payment-not-found")
    }

    pub(crate) fn unauthorized(why: &str) -> Self {
        Self::status(401, why)
    }

    /// The problem's title: the code's title where there is a code this version knows, the
    /// status's reason phrase otherwise.
    // fidelity: problem-title
    pub fn title(&self) -> &'static str {
        match self.code.map(ErrorCode::from_code) {
            Some(code) if !matches!(code, ErrorCode::Other(_)) => code.meaning(),
            _ => http::StatusCode::from_u16(self.status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error"),
        }
    }

    /// Whether a retry with the same Idempotency-Key gets this refusal again. The API keeps
    /// domain refusals (400 with an error code, and 404) for their key; what it tells clients
    /// to retry with the same key is not kept: 401, 409, 423, 429, 5xx, and 6160 and 6280.
    // fidelity: refusal-sticks-to-key
    pub fn sticks_to_key(&self) -> bool {
        let retry_code = self.code.is_some_and(|c| ErrorCode::from_code(c).is_retryable());
        (self.status == 400 && self.code.is_some() && !retry_code) || self.status == 404
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mutants::{Kind, Mutant, Rules};

    #[test]
    fn a_swap_mutant_sends_its_rules_refusal_with_another_answer_and_no_other() {
        let rules = Rules::with(Some(Mutant { rule: "capture-amount", kind: Kind::Swap }));
        let refusal = ApiError::rule(ErrorCode::AlreadyRefunded, "too much").fidelity("capture-amount");
        let swapped = refusal.as_sent(&rules).expect("its rule's refusal");
        assert_eq!((swapped.status, swapped.code), (refusal.status, Some(6181)));
        let coded_not = ApiError::status(403, "not yours").fidelity("capture-amount");
        assert_eq!(coded_not.as_sent(&rules).map(|e| e.status), Some(400), "no code: another status");
        let other = ApiError::rule(ErrorCode::AlreadyRefunded, "x").fidelity("refund-amount");
        assert!(other.as_sent(&rules).is_none());
        assert!(refusal.as_sent(&Rules::with(None)).is_none(), "unmutated: as the rule gives");
    }
}
