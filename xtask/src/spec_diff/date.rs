//! Calendar days, for sunset dates: a deprecated thing removed after its `x-sunset` is no
//! break, one removed before it is. Only the day counts (a sunset written as a date-time is
//! read as its day). The calendar is chrono's, so a day that does not exist (`2027-02-30`) is
//! no day.

use std::fmt;
use std::str::FromStr;
use std::time::SystemTime;

use chrono::{DateTime, NaiveDate, Utc};

/// A calendar day, written `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(NaiveDate);

/// How a day is written.
const FORMAT: &str = "%Y-%m-%d";

impl Day {
    /// The day a date (`2027-01-31`) or date-time (`2027-01-31T00:00:00Z`) names, if it is one.
    pub fn parse(text: &str) -> Option<Day> {
        let (day, rest) = (text.get(..10)?, &text[10..]);
        if rest.is_empty() || rest.starts_with('T') { calendar_day(day) } else { None }
    }

    /// The day it is now, in UTC (spec-watch dates its runs by it too).
    pub fn today() -> Day {
        Day::at(SystemTime::now())
    }

    /// The day `time` falls on, in UTC.
    fn at(time: SystemTime) -> Day {
        Day(DateTime::<Utc>::from(time).date_naive())
    }
}

/// The day `text` names when it is written `YYYY-MM-DD` and that day exists.
fn calendar_day(text: &str) -> Option<Day> {
    if !shaped(text) {
        return None;
    }
    NaiveDate::parse_from_str(text, FORMAT).ok().map(Day)
}

/// Whether `text` is written `YYYY-MM-DD`, digits where digits go (chrono alone would also
/// take `2027-1-31`).
fn shaped(text: &str) -> bool {
    text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() })
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format(FORMAT))
    }
}

impl FromStr for Day {
    type Err = String;

    /// A day as `--today` takes it: `YYYY-MM-DD`, nothing more, and a day the calendar has.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if !shaped(text) {
            return Err(format!("`{text}` is not a day (YYYY-MM-DD)"));
        }
        calendar_day(text).ok_or_else(|| format!("`{text}` is no day of the calendar"))
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

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

    #[test]
    fn a_day_the_calendar_lacks_is_no_day() {
        for missing in ["2027-02-29", "2027-02-30", "2027-04-31", "2027-00-10", "2027-01-00"] {
            assert_eq!(Day::parse(missing), None, "{missing}");
            assert_eq!(missing.parse::<Day>(), Err(format!("`{missing}` is no day of the calendar")));
        }
        assert!(Day::parse("2028-02-29").is_some(), "a leap year has it");
        assert_eq!("31.12.2019".parse::<Day>(), Err("`31.12.2019` is not a day (YYYY-MM-DD)".to_owned()));
    }

    #[test]
    fn the_day_of_a_moment_is_its_utc_date() {
        let day =
            |days: u64, seconds: u64| Day::at(UNIX_EPOCH + Duration::from_secs(days * 86_400 + seconds)).to_string();
        assert_eq!(day(0, 0), "1970-01-01");
        assert_eq!(day(11_016, 86_399), "2000-02-29");
        assert_eq!(day(20_788, 0), "2026-12-01");
    }
}
