//! A payment's state, open to states the document does not list yet.

open_enum! {
    /// Where a payment is.
    ///
    /// The generated types use this in place of the document's closed `State` enum (see the
    /// replacement in `xtask/src/generate.rs`): when the API starts answering with a state this
    /// client does not know (say `PENDING_REVIEW`), `payment()` still decodes and the text is kept
    /// in [`State::Unknown`], rather than the whole answer failing. Non-exhaustive, so that a later
    /// version may know more states without breaking anyone's `match`: a `match` needs a `_` arm.
    ///
    /// ```compile_fail
    /// # use epayment_vocabulary::State;
    /// fn every_arm_but_the_wildcard(state: State) -> bool {
    ///     match state {
    ///         State::Created | State::Authorized => false,
    ///         State::Aborted | State::Expired | State::Terminated | State::Unknown(_) => true,
    ///     }
    /// }
    /// ```
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    pub enum State {
        /// Created; the customer has not acted yet.
        Created = "CREATED",
        /// The customer aborted it.
        Aborted = "ABORTED",
        /// The customer did not act in time.
        Expired = "EXPIRED",
        /// The customer approved: the amount is reserved. It stays here through captures,
        /// refunds and cancels.
        Authorized = "AUTHORIZED",
        /// Cancelled before the customer approved, or by the merchant.
        Terminated = "TERMINATED",
    }
    /// A state this version does not know, as the API sent it.
    else Unknown(String);
}

impl State {
    /// Whether nothing more can happen to the payment before approval: aborted, expired or
    /// terminated. An unknown state is not taken to be final.
    pub fn is_final(&self) -> bool {
        matches!(self, State::Aborted | State::Expired | State::Terminated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_states_round_trip_and_unknown_ones_are_kept() {
        for state in State::KNOWN {
            let json = serde_json::to_string(&state).unwrap();
            assert_eq!(serde_json::from_str::<State>(&json).unwrap(), state);
        }
        let review: State = serde_json::from_str("\"PENDING_REVIEW\"").unwrap();
        assert_eq!(review, State::Unknown("PENDING_REVIEW".into()));
        assert_eq!(serde_json::to_string(&review).unwrap(), "\"PENDING_REVIEW\"");
        assert_eq!(review.to_string(), "PENDING_REVIEW");
        assert!(!review.is_final());
        assert_eq!("authorized".parse::<State>().unwrap(), State::Unknown("authorized".into()), "case-sensitive");
    }
}
