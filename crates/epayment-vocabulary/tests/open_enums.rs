//! What every open enum promises (one macro defines them all, so one test holds them all to
//! it): each known value reads and writes the API's spelling, and any other text decodes into
//! the catch-all variant and keeps that text through JSON, `Display` and `FromStr`.

use std::fmt::{Debug, Display};
use std::str::FromStr;

use serde_core::Serialize;
use serde_core::de::DeserializeOwned;

use epayment_vocabulary::{Currency, EventName, State};

/// What `open_enum!` promises of `T`: each of `known` reads and writes the API's spelling,
/// and `other`, a text it does not list, becomes `kept` and keeps that text.
fn spelled_as_the_api_does_and_other_text_kept<T>(known: &[T], other: &str, kept: T)
where
    T: Serialize + DeserializeOwned + FromStr + Display + Debug + PartialEq,
    T::Err: Debug,
{
    for value in known {
        let json = serde_json::to_string(value).unwrap();
        assert_eq!(json, format!("\"{value}\""), "JSON spells it as Display does");
        assert_eq!(&serde_json::from_str::<T>(&json).unwrap(), value);
    }
    let decoded: T = serde_json::from_str(&format!("\"{other}\"")).unwrap();
    assert_eq!(decoded, kept);
    assert_eq!(serde_json::to_string(&decoded).unwrap(), format!("\"{other}\""));
    assert_eq!(decoded.to_string(), other);
    assert_eq!(other.parse::<T>().unwrap(), kept);
}

#[test]
fn every_open_enum_round_trips_what_it_knows_and_keeps_what_it_does_not() {
    spelled_as_the_api_does_and_other_text_kept(&Currency::KNOWN, "ISK", Currency::Other("ISK".into()));
    spelled_as_the_api_does_and_other_text_kept(
        &State::KNOWN,
        "PENDING_REVIEW",
        State::Unknown("PENDING_REVIEW".into()),
    );
    spelled_as_the_api_does_and_other_text_kept(&EventName::KNOWN, "DISPUTED", EventName::Unknown("DISPUTED".into()));
}
