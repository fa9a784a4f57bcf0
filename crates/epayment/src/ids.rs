//! Identifiers sent to the API, each checked once, where it is made.

use std::fmt;
use std::str::FromStr;

use epayment_api::epayment::types;

use crate::error::InputError;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident($inner:ty), $check:path, $make:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name($inner);

        impl $name {
            /// Checks `value` and wraps it.
            pub fn new(value: impl Into<String>) -> Result<Self, InputError> {
                let value = value.into();
                $check(&value)?;
                Ok(Self(($make)(value)?))
            }

            /// The text, as sent to the API.
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = InputError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = InputError;
            fn try_from(s: &str) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = InputError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    };
}

/// Converts a checked value into the generated type, which checks it again; the two checks
/// agree by construction, so a failure here is a bug in this crate, reported as input error.
pub(crate) fn generated<T, S>(field: &'static str, value: S) -> Result<T, InputError>
where
    S: AsRef<str>,
    T: for<'s> TryFrom<&'s str>,
{
    T::try_from(value.as_ref()).map_err(|_| InputError::new(field, value.as_ref(), "refused by the document's schema"))
}

/// Text kept as it is.
fn text(value: String) -> Result<String, InputError> {
    Ok(value)
}

string_id!(
    /// The merchant's reference of a payment: 8 to 64 letters (a-z, A-Z), digits or hyphens,
    /// unique per merchant serial number.
    // Kept as the generated type, which every request's path takes: made once, here.
    Reference(types::Reference),
    check_reference,
    |value: String| generated("reference", value)
);

string_id!(
    /// The key that makes a retried operation happen once: at most 50 printable ASCII
    /// characters.
    ///
    /// Each operation gets a random key ([`IdempotencyKey::random`]) unless the caller gives one.
    /// Give your own, derived from something you store (an order id and a counter, say), to
    /// retry safely across a restart of your process.
    IdempotencyKey(String),
    check_idempotency_key,
    text
);

string_id!(
    /// The merchant serial number (MSN) of a sales unit: 4 to 10 digits.
    MerchantSerialNumber(String),
    check_msn,
    text
);

impl Reference {
    /// The reference as the generated builders take it.
    pub(crate) fn generated(&self) -> &types::Reference {
        &self.0
    }
}

impl IdempotencyKey {
    /// A fresh random key (a UUID v4, 36 characters).
    pub fn random() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }
}

fn check_reference(value: &str) -> Result<(), InputError> {
    let ok = (8..=64).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok { Ok(()) } else { Err(InputError::new("reference", value, "must be 8 to 64 letters, digits or hyphens")) }
}

fn check_idempotency_key(value: &str) -> Result<(), InputError> {
    check_header_text("idempotency key", value, 50)
}

fn check_msn(value: &str) -> Result<(), InputError> {
    let ok = (4..=10).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit());
    if ok { Ok(()) } else { Err(InputError::new("merchant serial number", value, "must be 4 to 10 digits")) }
}

/// Text that goes in a header: 1 to `max` printable ASCII characters, no leading or trailing
/// space.
pub(crate) fn check_header_text(field: &'static str, value: &str, max: usize) -> Result<(), InputError> {
    let printable = value.bytes().all(|b| (0x20..0x7f).contains(&b));
    let trimmed = value.trim() == value;
    if value.is_empty() || value.len() > max || !printable || !trimmed {
        return Err(InputError::new(
            field,
            value,
            &format!("must be 1 to {max} printable ASCII characters without surrounding spaces"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_follow_the_api_pattern() {
        for good in ["abcdefgh", "order-123-ABC", &"a".repeat(64), "--------"] {
            assert!(Reference::new(good).is_ok(), "{good}");
        }
        for bad in ["", "short", &"a".repeat(65), "order 1234", "order_1234", "ordre-æøå-1", "order-12\n"] {
            let err = Reference::new(bad).expect_err(bad);
            assert_eq!(err.field(), "reference");
        }
    }

    #[test]
    fn idempotency_keys_are_short_printable_and_random_by_default() {
        assert!(IdempotencyKey::new("order-1-c1").is_ok());
        assert!(IdempotencyKey::new("x".repeat(50)).is_ok());
        assert!(IdempotencyKey::new("x".repeat(51)).is_err());
        assert!(IdempotencyKey::new("").is_err());
        assert!(IdempotencyKey::new("a\nb").is_err());
        assert!(IdempotencyKey::new(" a").is_err());
        let (a, b) = (IdempotencyKey::random(), IdempotencyKey::random());
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 36);
        assert!(IdempotencyKey::new(a.as_str()).is_ok());
    }

    #[test]
    fn merchant_serial_numbers_are_digits() {
        assert!(MerchantSerialNumber::new("123456").is_ok());
        assert!(MerchantSerialNumber::new("123").is_err());
        assert!(MerchantSerialNumber::new("12345678901").is_err());
        assert!(MerchantSerialNumber::new("12a456").is_err());
    }
}
