//! The name of a payment event, open to names the document does not list yet.

open_enum! {
    /// What happened to the payment: the `name` of a webhook delivery and of an entry in a
    /// payment's event log.
    ///
    /// The generated types use this in place of the document's closed `PaymentEventName` enum
    /// (see the replacement in `xtask/src/regen/generate.rs`), and the webhook crate decodes
    /// deliveries into it. Open: a name the API adds later decodes as [`EventName::Unknown`]
    /// instead of failing the whole answer or delivery, and keeps its text. Non-exhaustive, so
    /// that a later version may know more names without breaking anyone's `match`: a `match`
    /// needs a `_` arm.
    ///
    /// ```compile_fail
    /// # use epayment_vocabulary::EventName;
    /// fn every_arm_but_the_wildcard(name: EventName) -> bool {
    ///     match name {
    ///         EventName::Created | EventName::Aborted | EventName::Expired | EventName::Cancelled => false,
    ///         EventName::Captured | EventName::Refunded | EventName::Authorized => true,
    ///         EventName::Terminated | EventName::Unknown(_) => false,
    ///     }
    /// }
    /// ```
    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    pub enum EventName {
        /// The payment was created.
        Created = "CREATED",
        /// The customer aborted it.
        Aborted = "ABORTED",
        /// The customer did not act in time.
        Expired = "EXPIRED",
        /// What was left of the reservation was released.
        Cancelled = "CANCELLED",
        /// Money was taken.
        Captured = "CAPTURED",
        /// Money was given back.
        Refunded = "REFUNDED",
        /// The customer approved: the amount is reserved.
        Authorized = "AUTHORIZED",
        /// It was cancelled before the customer approved.
        Terminated = "TERMINATED",
    }
    /// A name this version does not know, as the API sent it.
    else Unknown(String);
}
