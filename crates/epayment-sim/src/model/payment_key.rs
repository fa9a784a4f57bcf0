//! Which payment a call is about: the API keeps references per merchant serial number.

use std::fmt;

/// A payment's identity: the merchant serial number and the merchant's reference. The same
/// reference under another merchant is another payment (or none).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PaymentKey {
    /// The sales unit.
    pub msn: String,
    /// The merchant's reference.
    pub reference: String,
}

impl PaymentKey {
    /// The payment `reference` of sales unit `msn`.
    pub fn new(msn: impl Into<String>, reference: impl Into<String>) -> Self {
        Self { msn: msn.into(), reference: reference.into() }
    }
}

impl fmt::Display for PaymentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.msn, self.reference)
    }
}
