//! One definition for the open enums the API may extend: `Currency`, `State` and `EventName`.
//! Each keeps a value it does not know as its text instead of failing the whole answer, is
//! non-exhaustive (a `match` needs a `_` arm), and reads and writes the API's spelling through
//! `From<String>`, `FromStr`, `Display` and serde.
//!
//! Private to this crate: every open enum of the API lives here, so no other crate needs the
//! macro, nor a hidden re-export of serde for its expansion.

/// Defines an open enum: known variants with the API's spelling, and (after `else`) the
/// variant that keeps any other text.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$known_meta:meta])* $known:ident = $text:literal, )+
        }
        $(#[$other_meta:meta])* else $other:ident(String);
    ) => {
        $(#[$meta])*
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$known_meta])* $known, )+
            $(#[$other_meta])* $other(String),
        }

        impl $name {
            /// Every value this version knows, in the document's order.
            pub const KNOWN: [$name; [$(stringify!($known)),+].len()] = [$($name::$known),+];

            /// The value as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$known => $text, )+
                    $name::$other(text) => text,
                }
            }
        }

        impl ::std::convert::From<String> for $name {
            fn from(text: String) -> Self {
                match text.as_str() {
                    $( $text => $name::$known, )+
                    _ => $name::$other(text),
                }
            }
        }

        impl ::std::convert::From<$name> for String {
            fn from(value: $name) -> Self {
                match value {
                    $name::$other(text) => text,
                    known => known.as_str().to_owned(),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok($name::from(s.to_owned()))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde_core::Serialize for $name {
            fn serialize<S: ::serde_core::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde_core::Deserialize<'de> for $name {
            fn deserialize<D: ::serde_core::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str> as ::serde_core::Deserialize<'de>>::deserialize(deserializer)?;
                Ok($name::from(text.into_owned()))
            }
        }
    };
}
