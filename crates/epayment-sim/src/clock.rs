//! The simulator's clock: one per simulator, shared by its rules (expiry, deadlines, rate
//! limits, token lifetimes), its webhook deliveries, and whoever else is handed it (the
//! contract harness gives it to the client as its sleeper).
//!
//! Two kinds. A *virtual* clock starts at a given instant and moves only when told
//! ([`Clock::advance`], [`Clock::advance_to`]): runs repeat, and a wait of a minute costs no
//! real time. A *system* clock follows the system's time plus an offset that
//! [`Clock::advance`] moves forward: the standalone sandbox uses it, so that a person can jump
//! ahead by days without waiting.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use crate::lock::lock;

/// The last instant a simulator's clock may show: the end of year 9999, the last one
/// RFC 3339 and the API's timestamps can write. Every period the rules add to a time (a year
/// at most) stays far inside what `chrono` counts to.
pub const LATEST: DateTime<Utc> = match DateTime::from_timestamp(253_402_300_799, 0) {
    Some(at) => at,
    None => DateTime::<Utc>::MAX_UTC,
};

/// A move of the clock past [`LATEST`], refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfRange;

impl std::fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the clock cannot move past {}", LATEST.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    }
}

impl std::error::Error for OutOfRange {}

/// `at` plus `by`, or the last instant `chrono` can count to if that is past it: a time
/// calculation never panics, whatever the inputs.
pub fn later(at: DateTime<Utc>, by: chrono::TimeDelta) -> DateTime<Utc> {
    at.checked_add_signed(by).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// A clock shared by everything one simulator does. Cheap to clone; clones are one clock.
#[derive(Clone, Debug)]
pub struct Clock {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    kind: Kind,
    /// The virtual time, or the system clock's offset.
    state: Mutex<State>,
    /// Ticks on every move, for those waiting on the clock.
    moved: watch::Sender<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Virtual,
    System,
}

#[derive(Debug)]
enum State {
    Virtual(DateTime<Utc>),
    Offset(chrono::Duration),
}

impl Clock {
    /// A virtual clock at `start`: it moves only when told.
    pub fn virtual_at(start: DateTime<Utc>) -> Self {
        Self::new(Kind::Virtual, State::Virtual(start))
    }

    /// The system's clock, plus an offset that [`Clock::advance`] moves forward.
    pub fn system() -> Self {
        Self::new(Kind::System, State::Offset(chrono::Duration::zero()))
    }

    fn new(kind: Kind, state: State) -> Self {
        Self { inner: Arc::new(Inner { kind, state: Mutex::new(state), moved: watch::channel(0).0 }) }
    }

    /// Whether the clock moves only when told.
    pub fn is_virtual(&self) -> bool {
        self.inner.kind == Kind::Virtual
    }

    /// The time now; never past [`LATEST`] (a system clock moved close to it stops there
    /// as real time goes on, rather than pass what RFC 3339 and HTTP dates can write).
    pub fn now(&self) -> DateTime<Utc> {
        match &*lock(&self.inner.state) {
            State::Virtual(now) => *now,
            State::Offset(offset) => later(Utc::now(), *offset).min(LATEST),
        }
    }

    /// Moves the clock forward by `by`, unless that would take it past [`LATEST`]: then it
    /// stays where it is.
    pub fn advance(&self, by: Duration) -> Result<(), OutOfRange> {
        let by = chrono::Duration::from_std(by).map_err(|_| OutOfRange)?;
        {
            let mut state = lock(&self.inner.state);
            match &mut *state {
                State::Virtual(now) => {
                    *now = now.checked_add_signed(by).filter(|at| *at <= LATEST).ok_or(OutOfRange)?;
                }
                State::Offset(offset) => {
                    let moved = offset.checked_add(&by).ok_or(OutOfRange)?;
                    if Utc::now().checked_add_signed(moved).is_none_or(|at| at > LATEST) {
                        return Err(OutOfRange);
                    }
                    *offset = moved;
                }
            }
        }
        self.inner.moved.send_modify(|n| *n += 1);
        Ok(())
    }

    /// Moves the clock forward to `at`, if it is not there yet; never backwards, never past
    /// [`LATEST`]. Two waits that overlap move it to the later end, not by their sum.
    pub fn advance_to(&self, at: DateTime<Utc>) {
        let now = self.now();
        if let Ok(by) = (at.min(LATEST) - now).to_std() {
            // Within LATEST by construction; a system clock that passed it stays put.
            let _ = self.advance(by);
        }
    }

    /// Waits until the clock reads `at` or later: on a virtual clock, until someone moves it
    /// there; on the system clock, in real time (sooner if the offset is moved).
    pub async fn sleep_until(&self, at: DateTime<Utc>) {
        let mut moved = self.inner.moved.subscribe();
        loop {
            let left = at - self.now();
            let Ok(left) = left.to_std() else { return };
            if left.is_zero() {
                return;
            }
            match self.inner.kind {
                Kind::Virtual => {
                    if moved.changed().await.is_err() {
                        return;
                    }
                }
                Kind::System => {
                    tokio::select! {
                        _ = tokio::time::sleep(left) => {}
                        changed = moved.changed() => if changed.is_err() { return },
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike as _;

    fn start() -> DateTime<Utc> {
        DateTime::from_timestamp(1_767_268_800, 0).unwrap()
    }

    #[test]
    fn a_virtual_clock_moves_only_when_told_and_never_back() {
        let clock = Clock::virtual_at(start());
        assert_eq!(clock.now(), start());
        clock.advance(Duration::from_secs(60)).unwrap();
        assert_eq!(clock.now(), start() + chrono::Duration::seconds(60));
        clock.advance_to(start());
        assert_eq!(clock.now(), start() + chrono::Duration::seconds(60), "not backwards");
        clock.advance_to(start() + chrono::Duration::seconds(90));
        assert_eq!(clock.now(), start() + chrono::Duration::seconds(90));
        let shared = clock.clone();
        shared.advance(Duration::from_secs(10)).unwrap();
        assert_eq!(clock.now(), start() + chrono::Duration::seconds(100), "clones are one clock");
    }

    #[test]
    fn a_system_clock_is_moved_by_its_offset() {
        let clock = Clock::system();
        let before = Utc::now();
        clock.advance(Duration::from_secs(86_400)).unwrap();
        let now = clock.now();
        assert!(
            now >= before + chrono::Duration::days(1)
                && now < Utc::now() + chrono::Duration::days(1) + chrono::Duration::seconds(5)
        );
    }

    #[tokio::test]
    async fn a_sleeper_on_a_virtual_clock_wakes_when_it_is_moved_past() {
        let clock = Clock::virtual_at(start());
        let at = start() + chrono::Duration::seconds(120);
        let sleeper = tokio::spawn({
            let clock = clock.clone();
            async move { clock.sleep_until(at).await }
        });
        tokio::task::yield_now().await;
        clock.advance(Duration::from_secs(60)).unwrap();
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished(), "a minute short");
        clock.advance(Duration::from_secs(60)).unwrap();
        sleeper.await.unwrap();
    }

    #[test]
    fn no_move_takes_either_clock_past_the_last_instant() {
        for clock in [Clock::virtual_at(start()), Clock::system()] {
            let before = clock.now();
            for huge in [Duration::MAX, Duration::from_secs(100_000_000 * 86_400), Duration::from_secs(u64::MAX / 2)] {
                assert_eq!(clock.advance(huge), Err(OutOfRange), "{huge:?}");
            }
            assert!(clock.now() - before < chrono::TimeDelta::seconds(5), "it stayed where it was");
            let to_the_end = (LATEST - clock.now()).to_std().unwrap() - Duration::from_secs(3600);
            clock.advance(to_the_end).unwrap();
            assert!(clock.now() <= LATEST);
            assert_eq!(later(clock.now(), chrono::TimeDelta::days(365)).year(), 10_000);
            assert_eq!(later(DateTime::<Utc>::MAX_UTC, chrono::TimeDelta::days(1)), DateTime::<Utc>::MAX_UTC);
            clock.advance_to(DateTime::<Utc>::MAX_UTC);
            assert!(clock.now() <= LATEST);
        }
    }

    #[test]
    fn a_system_clock_that_real_time_carries_past_the_last_instant_stops_there() {
        // As if it had been moved to a second before the end and real time went on a day.
        let past_the_end = LATEST - Utc::now() + chrono::TimeDelta::days(1);
        let clock = Clock::new(Kind::System, State::Offset(past_the_end));
        assert_eq!(clock.now(), LATEST);
    }
}
