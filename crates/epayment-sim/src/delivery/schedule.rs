//! When a failed webhook delivery is tried again.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::mutants::Rules;

/// How long one event is retried before it is given up.
const RETRY_PERIOD: chrono::TimeDelta = chrono::TimeDelta::days(7);

/// When a failed delivery is tried again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RetrySchedule {
    /// As the Webhooks API does, on the simulator's clock: about every 2 s for four tries, then
    /// after 60 s, 120 s, hourly for a day, then daily, giving up 7 days after the first try.
    Api,
    /// `attempts` tries in all, waiting `backoff`, then twice that, and so on (tests that want
    /// retries quickly on the system clock).
    Custom {
        /// Tries in all, the first included.
        attempts: u32,
        /// The first wait.
        backoff: Duration,
    },
}

impl RetrySchedule {
    /// The wait after the `failures`-th failed try of an event first tried at `first`, or `None`
    /// to give it up.
    // fidelity: webhook-delivery
    pub(crate) fn wait(
        self,
        rules: &Rules,
        failures: u32,
        first: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Option<Duration> {
        match self {
            RetrySchedule::Api => {
                let quick = rules.most("webhook-delivery", 4u32);
                let wait = match failures {
                    n if n <= quick => Duration::from_secs(2),
                    n if n == quick + 1 => Duration::from_secs(60),
                    n if n == quick + 2 => Duration::from_secs(120),
                    _ if now - first < chrono::TimeDelta::days(1) => Duration::from_secs(3_600),
                    _ => Duration::from_secs(86_400),
                };
                let next = crate::clock::later(now, chrono::Duration::from_std(wait).ok()?);
                (next - first <= RETRY_PERIOD).then_some(wait)
            }
            RetrySchedule::Custom { attempts, backoff } => {
                (failures < attempts.max(1)).then(|| backoff.saturating_mul(1 << failures.saturating_sub(1).min(16)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_schedule_retries_for_seven_days_then_gives_up() {
        let first = DateTime::from_timestamp(1_767_268_800, 0).unwrap();
        let schedule = RetrySchedule::Api;
        let mut now = first;
        let mut waits = Vec::new();
        let mut failures = 0;
        while let Some(wait) = schedule.wait(&Rules::default(), failures + 1, first, now) {
            failures += 1;
            waits.push(wait.as_secs());
            now += chrono::Duration::from_std(wait).unwrap();
        }
        assert_eq!(&waits[..7], [2, 2, 2, 2, 60, 120, 3_600]);
        assert_eq!(*waits.last().unwrap(), 86_400);
        assert!(now - first <= RETRY_PERIOD && now - first > RETRY_PERIOD - chrono::TimeDelta::days(1), "{now}");
        let custom = RetrySchedule::Custom { attempts: 3, backoff: Duration::from_millis(10) };
        assert_eq!(custom.wait(&Rules::default(), 1, first, first), Some(Duration::from_millis(10)));
        assert_eq!(custom.wait(&Rules::default(), 2, first, first), Some(Duration::from_millis(20)));
        assert_eq!(custom.wait(&Rules::default(), 3, first, first), None);
    }
}
