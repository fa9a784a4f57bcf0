//! The API's rate limits: 5 create, capture, cancel and refund calls a minute per reference and
//! merchant serial number, and 120 reads (Get payment, the event log) a minute per reference
//! and subscription key. The next call in the minute gets 429 with `Retry-After`.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Utc};

use super::ApiError;

/// Which limit a call counts against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Limit {
    /// Create, capture, cancel, refund: 5 a minute per reference and MSN.
    Modifying,
    /// Get payment and the event log: 120 a minute per reference and subscription key.
    Read,
}

impl Limit {
    fn calls_a_minute(self) -> usize {
        match self {
            Limit::Modifying => 5,
            Limit::Read => 120,
        }
    }
}

/// The calls of the last minute, per limit and scope.
#[derive(Debug)]
pub(crate) struct RateLimits {
    enabled: bool,
    windows: HashMap<(Limit, String, String), VecDeque<DateTime<Utc>>>,
    pruned: Option<DateTime<Utc>>,
}

impl RateLimits {
    pub(crate) fn new(enabled: bool) -> Self {
        Self { enabled, windows: HashMap::new(), pruned: None }
    }

    /// Counts a call at `now` against `limit` for (`scope`, `reference`), or refuses it with 429
    /// and the seconds until the oldest call of the window leaves it. A refused call does not
    /// count.
    // fidelity: rate-limits
    pub(crate) fn admit(
        &mut self,
        limit: Limit,
        scope: &str,
        reference: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        if !self.enabled {
            return Ok(());
        }
        let minute = chrono::Duration::seconds(60);
        let window = self.windows.entry((limit, scope.to_owned(), reference.to_owned())).or_default();
        while window.front().is_some_and(|t| *t + minute <= now) {
            window.pop_front();
        }
        if window.len() >= limit.calls_a_minute() {
            let oldest = window.front().copied().unwrap_or(now);
            let wait = (oldest + minute - now).num_milliseconds().max(0);
            let seconds = u64::try_from(wait).unwrap_or(0).div_ceil(1000).max(1);
            let mut refusal = ApiError::status(
                429,
                None,
                format!(
                    "more than {} calls a minute for this payment; retry after {seconds} s",
                    limit.calls_a_minute()
                ),
            );
            refusal.retry_after = Some(seconds);
            return Err(refusal);
        }
        window.push_back(now);
        Ok(())
    }

    /// Forgets windows whose calls are all older than a minute, at most once a minute, so that
    /// the table stays about as large as the set of payments called in the last two minutes
    /// and a call does not pay for a scan of it.
    pub(crate) fn prune(&mut self, now: DateTime<Utc>) {
        let minute = chrono::Duration::seconds(60);
        if self.pruned.is_some_and(|last| now - last < minute) {
            return;
        }
        self.pruned = Some(now);
        self.windows.retain(|_, w| w.back().is_some_and(|t| *t + minute > now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_modifying_call_in_a_minute_waits_for_the_first_to_leave() {
        let t0 = DateTime::from_timestamp(1_767_268_800, 0).unwrap();
        let mut limits = RateLimits::new(true);
        for i in 0..5 {
            limits.admit(Limit::Modifying, "123456", "r", t0 + chrono::Duration::seconds(i)).unwrap();
        }
        let refused = limits.admit(Limit::Modifying, "123456", "r", t0 + chrono::Duration::seconds(10)).unwrap_err();
        assert_eq!((refused.status, refused.retry_after), (429, Some(50)));
        // Another reference, another MSN, or reads are counted apart.
        limits.admit(Limit::Modifying, "123456", "other", t0).unwrap();
        limits.admit(Limit::Modifying, "654321", "r", t0).unwrap();
        limits.admit(Limit::Read, "key", "r", t0).unwrap();
        // A minute after the first, one more may go.
        limits.admit(Limit::Modifying, "123456", "r", t0 + chrono::Duration::seconds(60)).unwrap();
        let off = &mut RateLimits::new(false);
        for _ in 0..100 {
            off.admit(Limit::Modifying, "123456", "r", t0).unwrap();
        }
        limits.prune(t0 + chrono::Duration::seconds(200));
        assert!(limits.windows.is_empty());
        // At most once a minute: a stale window waits for the next prune.
        let at = |s: i64| t0 + chrono::Duration::seconds(s);
        limits.admit(Limit::Read, "key", "r", at(300)).unwrap();
        limits.prune(at(305));
        limits.prune(at(361));
        assert_eq!(limits.windows.len(), 1, "stale since 360 s, but the last prune was 56 s ago");
        limits.prune(at(366));
        assert!(limits.windows.is_empty());
    }
}
