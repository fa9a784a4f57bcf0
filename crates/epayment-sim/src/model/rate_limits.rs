//! The API's rate limits, one per operation, each counted on its own: 5 creates, 5 captures,
//! 5 cancels and 5 refunds a minute per reference and merchant serial number; 120 Get payment
//! and 120 event-log reads a minute per reference and subscription key (and merchant serial
//! number: a sandbox's subscription key is everyone's). The next call of an operation in the
//! minute gets 429 with `Retry-After`.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Utc};

use super::ApiError;
use crate::endpoint::Endpoint;

/// The limit a call counts against: its operation's, per reference and a scope (the merchant
/// serial number for the operations that change a payment, the subscription key for reads).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Limit {
    /// The operation: each has a window of its own.
    pub(crate) endpoint: Endpoint,
    /// Calls allowed a minute.
    pub(crate) calls_a_minute: usize,
}

impl Limit {
    /// The published limit of `endpoint`, if it has one: create, capture, cancel and refund 5 a
    /// minute; Get payment and the event log 120. Force approve (test only), tokens and the
    /// Webhooks API have none here.
    // fidelity: rate-limits
    pub(crate) fn of(endpoint: Endpoint) -> Option<Limit> {
        let calls_a_minute = match endpoint {
            Endpoint::Create | Endpoint::Capture | Endpoint::Cancel | Endpoint::Refund => 5,
            Endpoint::Get | Endpoint::Events => 120,
            _ => return None,
        };
        Some(Limit { endpoint, calls_a_minute })
    }

    /// Whether the limit is counted per subscription key (reads) rather than per merchant
    /// serial number (changes).
    pub(crate) fn per_subscription_key(self) -> bool {
        matches!(self.endpoint, Endpoint::Get | Endpoint::Events)
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
        if window.len() >= limit.calls_a_minute {
            let oldest = window.front().copied().unwrap_or(now);
            let wait = (oldest + minute - now).num_milliseconds().max(0);
            let seconds = u64::try_from(wait).unwrap_or(0).div_ceil(1000).max(1);
            let mut refusal = ApiError::status(
                429,
                format!(
                    "more than {} {} calls a minute for this payment; retry after {seconds} s",
                    limit.calls_a_minute,
                    limit.endpoint.id()
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

    fn limit(endpoint: Endpoint) -> Limit {
        Limit::of(endpoint).unwrap()
    }

    #[test]
    fn the_sixth_call_of_an_operation_in_a_minute_waits_for_the_first_to_leave() {
        let t0 = DateTime::from_timestamp(1_767_268_800, 0).unwrap();
        let mut limits = RateLimits::new(true);
        for i in 0..5 {
            limits.admit(limit(Endpoint::Capture), "123456", "r", t0 + chrono::Duration::seconds(i)).unwrap();
        }
        let refused =
            limits.admit(limit(Endpoint::Capture), "123456", "r", t0 + chrono::Duration::seconds(10)).unwrap_err();
        assert_eq!((refused.status, refused.retry_after), (429, Some(50)));
        // Another operation, reference or MSN, or reads, are counted apart.
        for other in [Endpoint::Refund, Endpoint::Cancel, Endpoint::Create] {
            for _ in 0..5 {
                limits.admit(limit(other), "123456", "r", t0).unwrap();
            }
        }
        limits.admit(limit(Endpoint::Capture), "123456", "other", t0).unwrap();
        limits.admit(limit(Endpoint::Capture), "654321", "r", t0).unwrap();
        limits.admit(limit(Endpoint::Get), "key", "r", t0).unwrap();
        // A minute after the first, one more may go.
        limits.admit(limit(Endpoint::Capture), "123456", "r", t0 + chrono::Duration::seconds(60)).unwrap();
        let off = &mut RateLimits::new(false);
        for _ in 0..100 {
            off.admit(limit(Endpoint::Capture), "123456", "r", t0).unwrap();
        }
        assert_eq!(Limit::of(Endpoint::ForceApprove), None);
        assert_eq!(limit(Endpoint::Events).calls_a_minute, 120);
        limits.prune(t0 + chrono::Duration::seconds(200));
        assert!(limits.windows.is_empty());
        // At most once a minute: a stale window waits for the next prune.
        let at = |s: i64| t0 + chrono::Duration::seconds(s);
        limits.admit(limit(Endpoint::Get), "key", "r", at(300)).unwrap();
        limits.prune(at(305));
        limits.prune(at(361));
        assert_eq!(limits.windows.len(), 1, "stale since 360 s, but the last prune was 56 s ago");
        limits.prune(at(366));
        assert!(limits.windows.is_empty());
    }
}
