//! Calendar days, for sunset dates: a deprecated thing removed after its `x-sunset` is no
//! break, one removed before it is. Only the day counts (a sunset written as a date-time is
//! read as its day), so the text `YYYY-MM-DD` orders days as well as any calendar type would.

use std::fmt;
use std::str::FromStr;

/// A calendar day, `YYYY-MM-DD`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(String);

impl Day {
    /// The day a date (`2027-01-31`) or date-time (`2027-01-31T00:00:00Z`) names, if it is one.
    pub fn parse(text: &str) -> Option<Day> {
        let day = text.get(..10)?;
        let rest = &text[10..];
        let b = day.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        let shaped = digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10);
        let (month, date) = (day.get(5..7)?.parse::<u8>().ok()?, day.get(8..10)?.parse::<u8>().ok()?);
        let valid = shaped && (1..=12).contains(&month) && (1..=31).contains(&date);
        (valid && (rest.is_empty() || rest.starts_with('T'))).then(|| Day(day.to_owned()))
    }

    /// The day it is now, in UTC (the same clock spec-watch dates its runs by).
    pub fn today() -> Day {
        Day(crate::spec_watch::today())
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Day {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Day::parse(text)
            .filter(|d| d.0.len() == text.len())
            .ok_or_else(|| format!("`{text}` is not a day (YYYY-MM-DD)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_from_dates_and_date_times_only() {
        assert_eq!(Day::parse("2027-01-31").map(|d| d.to_string()).as_deref(), Some("2027-01-31"));
        assert_eq!(Day::parse("2027-01-31T10:00:00Z").map(|d| d.to_string()).as_deref(), Some("2027-01-31"));
        for bad in ["2027-13-01", "2027-1-31", "soon", "2027-01-31x", "", "Mon, 01 Jan 2027"] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
        assert!("2027-01-31T00:00:00Z".parse::<Day>().is_err(), "--today takes a day, nothing more");
        assert!(Day::parse("2026-12-31") < Day::parse("2027-01-01"));
        assert!(Day::parse(&Day::today().to_string()).is_some(), "today is a day");
    }
}
