//! What a long-running sandbox forgets, and when: a payment (with the answers kept for its
//! keys) some time after its last activity on the simulator's clock; the least recently active
//! payment of a sales unit that holds more than its share ([`SALES_UNIT_SHARE`]) of the
//! maximum count or bytes; and, past the maximum, the least recently active of all. So one
//! merchant serial number that floods the sandbox evicts its own payments, not everyone's, and
//! a flood spread over many numbers evicts what plain least-recently-used would, not the
//! numbers that hold the most. Tests keep everything (the default).

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::PaymentKey;
use crate::clock;

/// The share of a maximum one sales unit may hold: a tenth (of a count, at least ten, or the
/// whole maximum when it is smaller). Past it, that unit's own least recently active payments
/// go, so ten units at least fit before one evicts another's.
const SALES_UNIT_SHARE: usize = 10;

/// When payments are forgotten. The default keeps everything, as a test wants.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Retention {
    /// Forget a payment this long after its last event or kept answer, on the simulator's
    /// clock.
    pub after_inactivity: Option<Duration>,
    /// Keep at most this many payments (and references with kept answers only), and at most a
    /// tenth of them per sales unit (at least ten); past either, the least recently active are
    /// forgotten.
    pub max_payments: Option<usize>,
    /// Keep at most about this many bytes of payments and their kept answers, and at most a
    /// tenth of them per sales unit; past either, as past `max_payments`.
    pub max_bytes: Option<usize>,
}

/// The last activity and size of every payment the model holds, in order, and per sales unit.
#[derive(Debug)]
pub(crate) struct Activity {
    retention: Retention,
    last: HashMap<PaymentKey, (DateTime<Utc>, usize)>,
    by_time: BTreeSet<(DateTime<Utc>, PaymentKey)>,
    units: HashMap<String, Unit>,
    /// Sales units by how many payments they hold, and by how many bytes.
    by_count: BTreeSet<(usize, String)>,
    by_bytes: BTreeSet<(usize, String)>,
    bytes: usize,
}

/// What one sales unit holds.
#[derive(Debug, Default)]
struct Unit {
    by_time: BTreeSet<(DateTime<Utc>, String)>,
    bytes: usize,
}

impl Activity {
    pub(crate) fn new(retention: Retention) -> Self {
        Self {
            retention,
            last: HashMap::new(),
            by_time: BTreeSet::new(),
            units: HashMap::new(),
            by_count: BTreeSet::new(),
            by_bytes: BTreeSet::new(),
            bytes: 0,
        }
    }

    /// Whether it counts anything: not when nothing is ever forgotten (the default).
    pub(crate) fn is_counting(&self) -> bool {
        self.retention != Retention::default()
    }

    /// Notes activity on `key` at `now`, which now holds about `bytes`. Nothing is noted when
    /// nothing is ever forgotten.
    pub(crate) fn touch(&mut self, key: &PaymentKey, now: DateTime<Utc>, bytes: usize) {
        if !self.is_counting() {
            return;
        }
        let before = self.last.insert(key.clone(), (now, bytes));
        if let Some((at, held)) = before {
            self.by_time.remove(&(at, key.clone()));
            self.bytes -= held;
        }
        self.by_time.insert((now, key.clone()));
        self.bytes += bytes;
        self.change_unit(&key.msn, |unit| {
            if let Some((at, held)) = before {
                unit.by_time.remove(&(at, key.reference.clone()));
                unit.bytes -= held;
            }
            unit.by_time.insert((now, key.reference.clone()));
            unit.bytes += bytes;
        });
    }

    /// Takes the keys to forget at `now`: inactive too long; a sales unit's least recently
    /// active past its share; and, past a maximum, the least recently active of all.
    // fidelity: sandbox-retention
    pub(crate) fn stale(&mut self, now: DateTime<Utc>) -> Vec<PaymentKey> {
        let mut gone = Vec::new();
        while let Some((at, key)) = self.by_time.first().cloned() {
            let inactive = self.retention.after_inactivity.is_some_and(|keep| {
                clock::later(at, chrono::TimeDelta::from_std(keep).unwrap_or(chrono::TimeDelta::MAX)) <= now
            });
            if !inactive {
                break;
            }
            self.remove(&key);
            gone.push(key);
        }
        // At least ten payments (or the whole maximum, when smaller) whatever the share.
        let count_share = self.retention.max_payments.map(|max| (max / SALES_UNIT_SHARE).max(max.min(10)));
        let bytes_share = self.retention.max_bytes.map(|max| (max / SALES_UNIT_SHARE).max(1));
        loop {
            let over_count = self.by_count.last().filter(|(n, _)| count_share.is_some_and(|share| *n > share));
            let over_bytes = self.by_bytes.last().filter(|(n, _)| bytes_share.is_some_and(|share| *n > share));
            // A payment larger than a whole share stays while it is its unit's only one.
            let over =
                over_count.or(over_bytes).filter(|(_, msn)| self.units.get(msn).is_some_and(|u| u.by_time.len() > 1));
            let Some((_, msn)) = over.cloned() else { break };
            let Some(key) = self.units.get(&msn).and_then(|u| u.by_time.first()).map(|(_, r)| PaymentKey::new(&msn, r))
            else {
                break;
            };
            self.remove(&key);
            gone.push(key);
        }
        loop {
            let too_many = self.retention.max_payments.is_some_and(|max| self.by_time.len() > max);
            let too_large = self.retention.max_bytes.is_some_and(|max| self.bytes > max);
            if !(too_many || too_large) {
                break;
            }
            let Some((_, key)) = self.by_time.first().cloned() else { break };
            self.remove(&key);
            gone.push(key);
        }
        gone
    }

    fn remove(&mut self, key: &PaymentKey) {
        let Some((at, held)) = self.last.remove(key) else { return };
        self.by_time.remove(&(at, key.clone()));
        self.bytes -= held;
        self.change_unit(&key.msn, |unit| {
            unit.by_time.remove(&(at, key.reference.clone()));
            unit.bytes -= held;
        });
    }

    /// Changes what the sales unit `msn` holds (a unit is made when new and dropped once
    /// empty), keeping the order of the units by count and by bytes.
    fn change_unit(&mut self, msn: &str, change: impl FnOnce(&mut Unit)) {
        let unit = self.units.entry(msn.to_owned()).or_default();
        self.by_count.remove(&(unit.by_time.len(), msn.to_owned()));
        self.by_bytes.remove(&(unit.bytes, msn.to_owned()));
        change(unit);
        if unit.by_time.is_empty() {
            self.units.remove(msn);
        } else {
            self.by_count.insert((unit.by_time.len(), msn.to_owned()));
            self.by_bytes.insert((unit.bytes, msn.to_owned()));
        }
    }

    /// How many payments are held (0 when nothing is ever forgotten: nothing is counted).
    pub(crate) fn len(&self) -> usize {
        self.by_time.len()
    }

    /// About how many bytes the held payments take (0 when nothing is ever forgotten).
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
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
            Activity::new(Retention { after_inactivity: Some(Duration::from_secs(100)), ..Retention::default() });
        let (a, b) = (PaymentKey::new("1", "a"), PaymentKey::new("1", "b"));
        activity.touch(&a, at(0), 1);
        activity.touch(&b, at(10), 1);
        activity.touch(&a, at(50), 1);
        assert_eq!(activity.stale(at(100)), []);
        assert_eq!(activity.stale(at(110)), [b]);
        assert_eq!(activity.stale(at(149)), []);
        assert_eq!(activity.stale(at(150)), [a]);
        assert_eq!(activity.len(), 0);
    }

    #[test]
    fn past_the_maximum_the_least_recently_active_go() {
        let mut activity = Activity::new(Retention { max_payments: Some(2), ..Retention::default() });
        for (i, r) in ["a", "b", "c"].iter().enumerate() {
            activity.touch(&PaymentKey::new("1", *r), at(i as i64), 1);
        }
        activity.touch(&PaymentKey::new("1", "a"), at(5), 1);
        assert_eq!(activity.stale(at(6)), [PaymentKey::new("1", "b")]);
        assert_eq!(activity.len(), 2);
        let mut keep_all = Activity::new(Retention::default());
        keep_all.touch(&PaymentKey::new("1", "a"), at(0), 1);
        assert_eq!((keep_all.stale(at(i64::from(u32::MAX))), keep_all.len()), (vec![], 0));
    }

    #[test]
    fn a_flooding_sales_unit_evicts_its_own_payments_not_anothers() {
        let max = Retention { max_payments: Some(100), max_bytes: Some(100_000), ..Retention::default() };
        let mut activity = Activity::new(max);
        let victims: Vec<PaymentKey> = (0..10).map(|n| PaymentKey::new("1111", format!("victim-{n}"))).collect();
        for (n, victim) in (0..).zip(&victims) {
            activity.touch(victim, at(n), 500);
        }
        for n in 0..1_000 {
            activity.touch(&PaymentKey::new("2222", format!("flood-{n}")), at(100 + n), 10);
            assert!(activity.stale(at(100 + n)).iter().all(|k| k.msn == "2222"), "only the flood's own go");
        }
        // A flood of large ones: bytes, not only numbers, are bounded, per unit too.
        for n in 0..100 {
            activity.touch(&PaymentKey::new("3333", format!("large-{n}")), at(2_000 + n), 5_000);
            assert!(activity.stale(at(2_000 + n)).iter().all(|k| k.msn != "1111"), "the victim's payments stay");
            assert!(activity.bytes() <= 100_000, "{} bytes held", activity.bytes());
        }
        assert!(victims.iter().all(|v| activity.last.contains_key(v)));
        assert_eq!(activity.units.get("2222").map(|u| u.by_time.len()), Some(10), "a tenth of 100");
    }

    #[test]
    fn a_flood_spread_over_many_numbers_evicts_no_more_of_the_largest_than_least_recently_used_would() {
        let mut activity = Activity::new(Retention { max_payments: Some(100), ..Retention::default() });
        let victims: Vec<PaymentKey> = (0..10).map(|n| PaymentKey::new("1111", format!("victim-{n}"))).collect();
        for (n, victim) in (0..).zip(&victims) {
            activity.touch(victim, at(1_000 + n), 1);
        }
        // Older payments of 90 other numbers, then a flood of 10 new numbers.
        for n in 0..90 {
            activity.touch(&PaymentKey::new(format!("{}", 5_000 + n), "old"), at(n), 1);
        }
        for n in 0..10 {
            activity.touch(&PaymentKey::new(format!("{}", 7_000 + n), "new"), at(2_000 + n), 1);
            activity.stale(at(2_000 + n));
        }
        assert_eq!(activity.len(), 100);
        assert!(victims.iter().all(|v| activity.last.contains_key(v)), "the oldest went, not the largest holder");
    }
}
