//! The client's waits on a simulator's clock: a `Retry-After: 60` moves that clock by a minute
//! and costs no real time. Each scenario's simulator has a clock of its own, so scenarios that
//! run at once never share one.

use std::time::Duration;

use epayment_sim::clock::Clock;

/// An [`epayment::AsyncSleep`] that moves a simulator's clock instead of waiting.
///
/// Each wait moves the clock forward by its length from the moment it is asked for. Waits of
/// concurrent calls therefore follow one another on the clock rather than overlap: the clock
/// moves at least as far as real waits would have, never less, so a deadline a scenario
/// asserts is never reached early.
#[derive(Clone, Debug)]
pub struct ClockSleep(pub Clock);

impl epayment::AsyncSleep for ClockSleep {
    fn sleep(&self, duration: Duration) -> epayment::Sleep {
        // A wait past the last instant the clock counts to leaves it there.
        let _ = self.0.advance(duration);
        Box::pin(std::future::ready(()))
    }

    fn is_real_time(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use epayment::AsyncSleep as _;

    #[tokio::test]
    async fn waits_move_the_clock_and_take_no_real_time() {
        let start = chrono::DateTime::from_timestamp(1_767_268_800, 0).unwrap();
        let clock = Clock::virtual_at(start);
        let sleep = ClockSleep(clock.clone());
        let real = std::time::Instant::now();
        let (a, b) = (sleep.sleep(Duration::from_secs(60)), sleep.sleep(Duration::from_secs(60)));
        a.await;
        b.await;
        assert_eq!(clock.now(), start + chrono::Duration::seconds(120), "one after the other");
        assert!(real.elapsed() < Duration::from_secs(1));
    }
}
