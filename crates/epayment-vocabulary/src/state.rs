//! A payment's state, open to states the document does not list yet.

open_enum! {
    /// Where a payment is.
    ///
    /// The generated types use this in place of the document's closed `State` enum (see the
    /// replacement in `xtask/src/regen/generate.rs`): when the API starts answering with a state this
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

    // Round trips and unknown states kept: tests/open_enums.rs, for every open enum.
    #[test]
    fn an_unknown_state_is_not_final_and_states_are_case_sensitive() {
        let final_states: Vec<State> = State::KNOWN.into_iter().filter(State::is_final).collect();
        assert_eq!(final_states, [State::Aborted, State::Expired, State::Terminated]);
        assert!(!State::Unknown("PENDING_REVIEW".into()).is_final());
        assert_eq!("authorized".parse::<State>().unwrap(), State::Unknown("authorized".into()), "case-sensitive");
    }
}
