//! What a long-running sandbox forgets, and when: a payment (with the answers kept for its
//! keys) some time after its last activity on the simulator's clock, or the least recently
//! active ones once there are more than a maximum. Tests keep everything (the default).

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::PaymentKey;
use crate::clock;

/// When payments are forgotten. The default keeps everything, as a test wants.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Retention {
    /// Forget a payment this long after its last event or kept answer, on the simulator's
    /// clock.
    pub after_inactivity: Option<Duration>,
    /// Keep at most this many payments (and references with kept answers only); past it, the
    /// least recently active are forgotten.
    pub max_payments: Option<usize>,
}

/// The last activity of every payment the model holds, in order.
#[derive(Debug)]
pub(crate) struct Activity {
    retention: Retention,
    last: HashMap<PaymentKey, DateTime<Utc>>,
    by_time: BTreeSet<(DateTime<Utc>, PaymentKey)>,
}

impl Activity {
    pub(crate) fn new(retention: Retention) -> Self {
        Self { retention, last: HashMap::new(), by_time: BTreeSet::new() }
    }

    /// Notes activity on `key` at `now`. Nothing is noted when nothing is ever forgotten.
    pub(crate) fn touch(&mut self, key: &PaymentKey, now: DateTime<Utc>) {
        if self.retention == Retention::default() {
            return;
        }
        if let Some(before) = self.last.insert(key.clone(), now) {
            self.by_time.remove(&(before, key.clone()));
        }
        self.by_time.insert((now, key.clone()));
    }

    /// Takes the keys to forget at `now`: inactive too long, or the oldest past the maximum.
    // fidelity: sandbox-retention
    pub(crate) fn stale(&mut self, now: DateTime<Utc>) -> Vec<PaymentKey> {
        let mut gone = Vec::new();
        while let Some((at, key)) = self.by_time.first().cloned() {
            let inactive = self.retention.after_inactivity.is_some_and(|keep| {
                clock::later(at, chrono::TimeDelta::from_std(keep).unwrap_or(chrono::TimeDelta::MAX)) <= now
            });
            let too_many = self.retention.max_payments.is_some_and(|max| self.by_time.len() > max);
            if !(inactive || too_many) {
                break;
            }
            self.by_time.pop_first();
            self.last.remove(&key);
            gone.push(key);
        }
        gone
    }

    /// How many payments are held (0 when nothing is ever forgotten: nothing is counted).
    pub(crate) fn len(&self) -> usize {
        self.by_time.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_767_268_800 + seconds, 0).unwrap()
    }

    #[test]
    fn inactive_payments_go_first_and_activity_keeps_one() {
        let mut activity =
            Activity::new(Retention { after_inactivity: Some(Duration::from_secs(100)), max_payments: None });
        let (a, b) = (PaymentKey::new("1", "a"), PaymentKey::new("1", "b"));
        activity.touch(&a, at(0));
        activity.touch(&b, at(10));
        activity.touch(&a, at(50));
        assert_eq!(activity.stale(at(100)), []);
        assert_eq!(activity.stale(at(110)), [b]);
        assert_eq!(activity.stale(at(149)), []);
        assert_eq!(activity.stale(at(150)), [a]);
        assert_eq!(activity.len(), 0);
    }

    #[test]
    fn past_the_maximum_the_least_recently_active_go() {
        let mut activity = Activity::new(Retention { after_inactivity: None, max_payments: Some(2) });
        for (i, r) in ["a", "b", "c"].iter().enumerate() {
            activity.touch(&PaymentKey::new("1", *r), at(i as i64));
        }
        activity.touch(&PaymentKey::new("1", "a"), at(5));
        assert_eq!(activity.stale(at(6)), [PaymentKey::new("1", "b")]);
        assert_eq!(activity.len(), 2);
        let mut keep_all = Activity::new(Retention::default());
        keep_all.touch(&PaymentKey::new("1", "a"), at(0));
        assert_eq!((keep_all.stale(at(i64::from(u32::MAX))), keep_all.len()), (vec![], 0));
    }
}
