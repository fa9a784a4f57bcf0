//! When and how long to wait before trying an operation again.

use std::time::Duration;

/// How an operation is retried after a retryable failure (see [`crate::Error::is_retryable`]).
///
/// Every retry sends the same idempotency key and the identical body, so the API applies the
/// operation at most once however many attempts reach it. Waits grow exponentially from
/// `initial_backoff` up to `max_backoff`, each with random jitter (between half and all of the
/// step), and never shorter than a `Retry-After` the API sent. `max_elapsed` is a deadline
/// for the whole call: no wait ends past it (a `Retry-After` that asks for longer than is
/// left ends the call with the answer that asked for it), and each attempt's timeout shrinks
/// to what is left of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// Four attempts, waits from 200 ms up to 5 s, at most 30 s in all.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_elapsed: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry, before jitter.
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// The longest wait between two attempts, before a `Retry-After` is honoured.
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// The most time all attempts and waits together may take; `Duration::MAX` for no limit.
    pub fn max_elapsed(mut self, total: Duration) -> Self {
        self.max_elapsed = total;
        self
    }

    /// The configured number of attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The wait after failed attempt number `attempt` (1-based), or `None` if no further attempt
    /// may start: attempts used up, or the wait would end past `max_elapsed` counted from the
    /// first attempt, `elapsed` ago. Any `Retry-After`, however large, is safe to pass.
    pub fn next_wait(&self, attempt: u32, elapsed: Duration, retry_after: Option<Duration>) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let step = self
            .initial_backoff
            .checked_mul(1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX))
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        let half = step / 2;
        let jittered = half.checked_add(half.mul_f64(fastrand::f64())).unwrap_or(step);
        let wait = retry_after.map_or(jittered, |asked| asked.max(jittered));
        let left = self.time_left(elapsed);
        left.is_none_or(|left| wait < left).then_some(wait)
    }

    /// What is left of the time budget `elapsed` after the first attempt started, or `None`
    /// when the budget is unlimited (`Duration::MAX`).
    pub(crate) fn time_left(&self, elapsed: Duration) -> Option<Duration> {
        (self.max_elapsed != Duration::MAX).then(|| self.max_elapsed.saturating_sub(elapsed))
    }
}

/// Reads a `Retry-After` value: whole seconds, or an HTTP date (measured from `now`).
pub(crate) fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    #[test]
    fn waits_grow_with_jitter_and_stay_bounded() {
        let p = RetryPolicy::default().max_attempts(10);
        for _ in 0..200 {
            let w1 = p.next_wait(1, Duration::ZERO, None).unwrap();
            assert!(w1 >= Duration::from_millis(100) && w1 <= Duration::from_millis(200), "{w1:?}");
            let w3 = p.next_wait(3, Duration::ZERO, None).unwrap();
            assert!(w3 >= Duration::from_millis(400) && w3 <= Duration::from_millis(800), "{w3:?}");
            let w9 = p.next_wait(9, Duration::ZERO, None).unwrap();
            assert!(w9 >= Duration::from_millis(2500) && w9 <= Duration::from_secs(5), "{w9:?}");
        }
    }

    #[test]
    fn attempts_and_total_time_are_bounded() {
        let p = RetryPolicy::default();
        assert!(p.next_wait(3, Duration::ZERO, None).is_some());
        assert!(p.next_wait(4, Duration::ZERO, None).is_none());
        assert!(p.next_wait(1, Duration::from_secs(30), None).is_none());
        assert!(RetryPolicy::none().next_wait(1, Duration::ZERO, None).is_none());
        assert_eq!(RetryPolicy::default().max_attempts(0).attempts(), 1);
    }

    #[test]
    fn retry_after_is_a_floor() {
        let p = RetryPolicy::default();
        assert_eq!(p.next_wait(1, Duration::ZERO, Some(Duration::from_secs(7))), Some(Duration::from_secs(7)));
        assert_eq!(p.next_wait(1, Duration::from_secs(25), Some(Duration::from_secs(7))), None);
    }

    #[test]
    fn any_retry_after_and_any_policy_is_safe_to_compute() {
        let huge = Some(Duration::MAX);
        for p in [
            RetryPolicy::default(),
            RetryPolicy::default().max_elapsed(Duration::MAX),
            RetryPolicy::default().max_attempts(u32::MAX).initial_backoff(Duration::MAX).max_backoff(Duration::MAX),
        ] {
            for attempt in [1, 2, 31, 32, 33, u32::MAX - 1] {
                for elapsed in [Duration::ZERO, Duration::from_secs(29), Duration::MAX] {
                    let _ = p.next_wait(attempt, elapsed, huge);
                    let _ = p.next_wait(attempt, elapsed, None);
                }
            }
        }
        // A Retry-After longer than the budget ends the call instead of waiting past it.
        assert_eq!(RetryPolicy::default().next_wait(1, Duration::ZERO, huge), None);
        assert_eq!(RetryPolicy::default().next_wait(1, Duration::ZERO, Some(Duration::from_secs(31))), None);
        let unlimited = RetryPolicy::default().max_elapsed(Duration::MAX);
        assert_eq!(
            unlimited.next_wait(1, Duration::ZERO, Some(Duration::from_secs(3600))),
            Some(Duration::from_secs(3600))
        );
        assert_eq!(unlimited.time_left(Duration::from_secs(5)), None);
        assert_eq!(RetryPolicy::default().time_left(Duration::from_secs(5)), Some(Duration::from_secs(25)));
        assert_eq!(RetryPolicy::default().time_left(Duration::MAX), Some(Duration::ZERO));
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("18446744073709551615", now), Some(Duration::from_secs(u64::MAX)));
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now).map(|d| d > Duration::from_secs(1 << 37)),
            Some(true)
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("12", now), Some(Duration::from_secs(12)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(30)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
