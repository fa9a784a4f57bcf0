//! Webhook deliveries of `epayments.payment.*.v1` events, as the Webhooks API makes them:
//! signed, in order per registration and payment, a failed delivery holding back that
//! payment's later events until it succeeds, retried on the simulator's clock for up to 7
//! days. Each registration has a worker of its own ([`worker`]), so that a receiver that hangs
//! delays no other registration's webhooks. The Webhooks API endpoints that manage
//! registrations are in `crate::api::webhook_registrations`.
//!
//! - [`registrations`]: who gets which events, and the rules for registering.
//! - [`destinations`]: which addresses a delivery may go to.
//! - [`schedule`]: when a failed delivery is tried again.
//! - [`worker`]: one registration's deliveries.

mod destinations;
mod registrations;
mod schedule;
mod worker;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, watch};

pub use destinations::WebhookDestinations;
pub use registrations::{Registration, Scope};
pub(crate) use schedule::RetrySchedule;

use crate::clock::Clock;
use crate::limits::Limits;
use crate::lock::lock;
use crate::model::Notification;
use crate::mutants::Rules;
use worker::{Job, Slot, Worker};

/// One delivery, after its last attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// The registration it went to.
    pub registration: String,
    /// The event type.
    pub event_type: String,
    /// The body sent.
    pub body: Vec<u8>,
    /// The status of the last attempt, if it got an answer.
    pub status: Option<u16>,
    /// Attempts made.
    pub attempts: u32,
    /// Whether an attempt got a 2xx; false when it was given up.
    pub delivered: bool,
}

/// What the dispatcher and its workers share.
pub(crate) struct Shared {
    registrations: Mutex<Vec<Registration>>,
    queues: Mutex<HashMap<String, Queue>>,
    /// Events waiting for any registration.
    waiting: Arc<AtomicUsize>,
    /// Events waiting, per sales unit (merchant serial number).
    waiting_per_unit: Mutex<HashMap<String, Arc<AtomicUsize>>>,
    log: Mutex<VecDeque<Delivery>>,
    finished: watch::Sender<usize>,
    tried: watch::Sender<u64>,
    /// Which addresses deliveries may go to.
    destinations: WebhookDestinations,
    /// How many registrations, waiting events and finished deliveries it holds at most.
    limits: Limits,
    /// The rules as written, or with a mutation run's one mutant (the retry schedule's).
    rules: Rules,
    /// The simulator's time up to which every event has been published: on a virtual clock,
    /// the workers try what is due by it (see [`WebhookDispatcher::published_to`]).
    horizon: watch::Sender<DateTime<Utc>>,
    /// Each worker's last word on what it has left, by registration id; changes tick
    /// `reported`.
    idle: Mutex<HashMap<String, Idle>>,
    reported: watch::Sender<u64>,
}

/// A worker waiting: how many jobs it had taken in, and when its next try is due. Once it has
/// taken in every job sent to it, nothing is due for it before `next`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Idle {
    pub(crate) received: u64,
    pub(crate) next: Option<DateTime<Utc>>,
}

/// A registration's queue, how many of its events wait (queued or being retried), and how
/// many were ever sent to it.
struct Queue {
    jobs: mpsc::UnboundedSender<Job>,
    waiting: Arc<AtomicUsize>,
    sent: u64,
}

impl Shared {
    /// Logs a finished delivery.
    fn log(&self, delivery: Delivery) {
        {
            let mut log = lock(&self.log);
            log.push_back(delivery);
            while log.len() > self.limits.delivery_log_limit {
                log.pop_front();
            }
        }
        self.finished.send_modify(|n| *n += 1);
    }

    /// A worker's word on what it has left; `None` when it stopped.
    fn report(&self, id: &str, idle: Option<Idle>) {
        {
            let mut all = lock(&self.idle);
            match idle {
                Some(idle) => all.insert(id.to_owned(), idle),
                None => all.remove(id),
            };
        }
        self.reported.send_modify(|n| *n += 1);
    }

    /// Whether every worker has taken in what was sent to it and has nothing due by `at`.
    fn settled(&self, at: DateTime<Utc>) -> bool {
        let queues = lock(&self.queues);
        let idle = lock(&self.idle);
        queues.iter().all(|(id, queue)| {
            idle.get(id).is_some_and(|w| w.received == queue.sent && w.next.is_none_or(|next| next > at))
        })
    }

    /// Removes a registration and stops its worker.
    fn remove(&self, id: &str) -> bool {
        lock(&self.queues).remove(id);
        let mut list = lock(&self.registrations);
        let before = list.len();
        list.retain(|r| r.id != id);
        list.len() != before
    }
}

/// The webhook registrations, and the workers that deliver events to them.
pub struct WebhookDispatcher {
    shared: Arc<Shared>,
    clock: Clock,
    schedule: RetrySchedule,
    runtime: tokio::runtime::Handle,
    ids: Mutex<fastrand::Rng>,
}

impl std::fmt::Debug for WebhookDispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookDispatcher").finish_non_exhaustive()
    }
}

impl WebhookDispatcher {
    /// A dispatcher whose workers run on the current tokio runtime and wait on `clock`, and
    /// deliver to loopback and private addresses too (a simulator on loopback).
    #[cfg(test)]
    pub(crate) fn new(seed: u64, schedule: RetrySchedule, clock: Clock) -> Self {
        Self::with_destinations(
            seed,
            schedule,
            clock,
            WebhookDestinations::AlsoLocal,
            &Limits::default(),
            Rules::default(),
        )
    }

    /// A dispatcher whose workers run on the current tokio runtime, wait on `clock`, deliver
    /// only where `destinations` allows, hold no more than `limits` allow, and retry as `rules`
    /// say.
    pub(crate) fn with_destinations(
        seed: u64,
        schedule: RetrySchedule,
        clock: Clock,
        destinations: WebhookDestinations,
        limits: &Limits,
        rules: Rules,
    ) -> Self {
        let now = clock.now();
        Self {
            shared: Arc::new(Shared {
                registrations: Mutex::new(Vec::new()),
                queues: Mutex::new(HashMap::new()),
                waiting: Arc::default(),
                waiting_per_unit: Mutex::default(),
                log: Mutex::new(VecDeque::new()),
                finished: watch::channel(0).0,
                tried: watch::channel(0).0,
                destinations,
                limits: *limits,
                rules,
                horizon: watch::channel(now).0,
                idle: Mutex::new(HashMap::new()),
                reported: watch::channel(0).0,
            }),
            clock,
            schedule,
            runtime: tokio::runtime::Handle::current(),
            ids: Mutex::new(fastrand::Rng::with_seed(seed ^ 0x5eed)),
        }
    }

    /// Registers a webhook for `scope`, as `POST /webhooks/v1/webhooks` does; returns it with
    /// its new id and secret, or why not: the URL must be HTTPS (plain HTTP only to a loopback
    /// address, for tests and local development), the events the ePayment API's, and a sales
    /// unit has at most 25 registrations per event type.
    pub fn register(&self, scope: Scope, url: &str, mut events: Vec<String>) -> Result<Registration, String> {
        registrations::check(url, &events, self.shared.destinations, &self.shared.limits)?;
        events.sort();
        events.dedup();
        let mut list = lock(&self.shared.registrations);
        registrations::check_room(&list, &scope, &events, &self.shared.limits)?;
        let (id, secret) = {
            let mut rng = lock(&self.ids);
            let mut bytes = [0u8; 16];
            rng.fill(&mut bytes);
            let id = uuid::Builder::from_random_bytes(bytes).into_uuid().to_string();
            let secret: String = (0..64).map(|_| char::from(b"0123456789abcdef"[usize::from(rng.u8(0..16))])).collect();
            (id, secret)
        };
        let msn = match scope {
            Scope::SalesUnit(msn) => Some(msn),
            Scope::Every => None,
        };
        let registration = Registration { id, url: url.to_owned(), events, msn, secret };
        let (queue, jobs) = mpsc::unbounded_channel();
        let worker = Worker::new(registration.clone(), self.clock.clone(), self.schedule, self.shared.clone());
        self.runtime.spawn(worker.run(jobs));
        lock(&self.shared.queues)
            .insert(registration.id.clone(), Queue { jobs: queue, waiting: Arc::default(), sent: 0 });
        list.push(registration.clone());
        Ok(registration)
    }

    /// Every registration.
    pub fn registrations(&self) -> Vec<Registration> {
        lock(&self.shared.registrations).clone()
    }

    /// The registrations of `scope` alone.
    pub fn registrations_of(&self, scope: &Scope) -> Vec<Registration> {
        lock(&self.shared.registrations).iter().filter(|r| r.scope() == *scope).cloned().collect()
    }

    /// Removes the registration `id` if it belongs to `scope`; false if there is none (or it is
    /// another's: the caller cannot tell the two apart). Events waiting for it are dropped.
    pub fn delete(&self, scope: &Scope, id: &str) -> bool {
        let owned = lock(&self.shared.registrations).iter().any(|r| r.id == id && r.scope() == *scope);
        owned && self.shared.remove(id)
    }

    /// Queues deliveries of `notifications` to every registration of their sales unit that
    /// wants them. An event nobody registered for costs nothing: it is not even serialised.
    pub(crate) fn publish(&self, notifications: Vec<Notification>) {
        if notifications.is_empty() {
            return;
        }
        let registrations = lock(&self.shared.registrations);
        if registrations.is_empty() {
            return;
        }
        let mut queues = lock(&self.shared.queues);
        let mut per_unit = lock(&self.shared.waiting_per_unit);
        if per_unit.len() > self.shared.limits.max_registrations {
            // Counters of sales units with nothing waiting are kept only while few.
            per_unit.retain(|_, count| count.load(std::sync::atomic::Ordering::Acquire) > 0);
        }
        for n in notifications {
            let event_type = epayment_webhooks::event_type(&n.event.name);
            let msn = n.event.msn.to_string();
            // fidelity: webhook-msn-scope
            let mut wanted =
                registrations.iter().filter(|r| r.events.contains(&event_type) && r.scope().covers(&msn)).peekable();
            if wanted.peek().is_none() {
                continue;
            }
            let Ok(body) = serde_json::to_vec(&n.event) else { continue };
            let body = bytes::Bytes::from(body);
            let payment = format!("{msn}/{}", n.event.reference.as_str());
            let unit = per_unit.entry(msn.clone()).or_default().clone();
            for r in wanted {
                let Some(queue) = queues.get_mut(&r.id) else { continue };
                let Some(slot) = Slot::take(&queue.waiting, &unit, &self.shared.waiting, &self.shared.limits) else {
                    // Too many wait already: given up at once, as a delivery that failed.
                    self.shared.log(Delivery {
                        registration: r.id.clone(),
                        event_type: event_type.clone(),
                        body: body.to_vec(),
                        status: None,
                        attempts: 0,
                        delivered: false,
                    });
                    continue;
                };
                let job = Job {
                    payment: payment.clone(),
                    at: n.event.timestamp,
                    event_type: event_type.clone(),
                    body: body.clone(),
                    _slot: slot,
                };
                // Fails only when the worker is gone: the registration is being deleted.
                if queue.jobs.send(job).is_ok() {
                    queue.sent += 1;
                }
            }
        }
    }

    /// Tells the workers that every event up to `now` has been published: on a virtual clock,
    /// the tries due by then may go. Called after each change of the model, events first.
    pub(crate) fn published_to(&self, now: DateTime<Utc>) {
        self.shared.horizon.send_if_modified(|at| {
            let later = now > *at;
            if later {
                *at = now;
            }
            later
        });
    }

    /// Waits until every try due by now has been made: each event published so far has been
    /// delivered, given up, or waits for a retry that is due later. On a virtual clock, that
    /// is where the deliveries stand once a clock move has run its course. A receiver that
    /// hangs keeps this waiting for up to 10 s a try.
    pub async fn settled(&self) {
        let mut reported = self.shared.reported.subscribe();
        loop {
            let now = if self.clock.is_virtual() { *self.shared.horizon.borrow() } else { self.clock.now() };
            reported.borrow_and_update();
            if self.shared.settled(now) {
                return;
            }
            if reported.changed().await.is_err() {
                return;
            }
        }
    }

    /// Deliveries finished so far (delivered or given up), oldest first; at most the last
    /// [`Limits::delivery_log_limit`].
    pub fn deliveries(&self) -> Vec<Delivery> {
        lock(&self.shared.log).iter().cloned().collect()
    }

    /// How many events wait for delivery, to any registration.
    pub fn waiting(&self) -> usize {
        self.shared.waiting.load(std::sync::atomic::Ordering::Acquire)
    }

    /// How many delivery attempts have been made, successful or not.
    pub fn attempts(&self) -> u64 {
        *self.shared.tried.borrow()
    }

    /// Waits until at least `count` delivery attempts have been made (to step a virtual clock
    /// through a retry schedule in a test).
    pub async fn wait_for_attempts(&self, count: u64) {
        let mut tried = self.shared.tried.subscribe();
        let _ = tried.wait_for(|n| *n >= count).await;
    }

    /// Waits until at least `count` deliveries have finished, and returns those kept.
    pub async fn wait_for(&self, count: usize) -> Vec<Delivery> {
        let mut finished = self.shared.finished.subscribe();
        // Errs only if the dispatcher is gone; then no more will come.
        let _ = finished.wait_for(|n| *n >= count).await;
        self.deliveries()
    }
}

impl Drop for WebhookDispatcher {
    /// Stops every worker: their queues close.
    fn drop(&mut self) {
        lock(&self.shared.queues).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CAPTURED event of payment `n` of sales unit 123456.
    fn captured(n: usize) -> Notification {
        let event = serde_json::json!({
            "msn": "123456", "reference": format!("order-{n:06}"), "pspReference": "1", "name": "CAPTURED",
            "amount": {"currency": "NOK", "value": 100}, "timestamp": "2026-01-01T12:00:00Z", "success": true,
        });
        Notification { event: serde_json::from_value(event).unwrap_or_else(|e| panic!("an event: {e}")) }
    }

    #[tokio::test]
    async fn what_waits_for_a_receiver_that_hangs_is_bounded_where_it_is_published() {
        // A receiver that takes connections and never answers: the worker is busy trying.
        let hangs = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.expect("a port");
        let url = format!("http://{}/hooks", hangs.local_addr().expect("its address"));
        let held = tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((stream, _)) = hangs.accept().await {
                open.push(stream);
            }
        });
        let dispatcher = WebhookDispatcher::new(1, RetrySchedule::Api, Clock::system());
        let events = vec!["epayments.payment.captured.v1".to_owned()];
        dispatcher.register(Scope::SalesUnit("123456".into()), &url, events).expect("registered");
        let extra = 250;
        let bound = Limits::default().max_waiting_events;
        dispatcher.publish((0..bound + extra).map(captured).collect());
        assert_eq!(dispatcher.waiting(), bound, "no more wait than the bound");
        let given_up = dispatcher.deliveries();
        assert_eq!(given_up.len(), extra, "the rest are given up at once");
        assert!(given_up.iter().all(|d| !d.delivered && d.attempts == 0));
        drop(dispatcher);
        held.abort();
    }

    #[test]
    fn a_slot_is_given_back_when_its_event_is_dropped_and_the_total_is_bounded_too() {
        use std::sync::atomic::Ordering::Acquire;
        let limits = Limits::default();
        let all = Arc::new(AtomicUsize::new(limits.max_waiting_events_in_all - 1));
        let (own, unit) = (Arc::default(), Arc::default());
        let slot = Slot::take(&own, &unit, &all, &limits).expect("room for one more");
        assert!(Slot::take(&own, &unit, &all, &limits).is_none(), "the total is full");
        assert_eq!((own.load(Acquire), unit.load(Acquire)), (1, 1), "a refused slot gives its places back");
        drop(slot);
        assert_eq!((own.load(Acquire), unit.load(Acquire)), (0, 0));
        assert_eq!(all.load(Acquire), limits.max_waiting_events_in_all - 1);
        let full_unit = Arc::new(AtomicUsize::new(limits.max_waiting_events_per_sales_unit));
        assert!(Slot::take(&own, &full_unit, &all, &limits).is_none(), "the sales unit is full");
        assert_eq!((own.load(Acquire), all.load(Acquire)), (0, limits.max_waiting_events_in_all - 1));
    }

    #[tokio::test]
    async fn one_sales_units_failing_receivers_cannot_starve_anothers_webhooks() {
        // The attacker's receivers refuse every connection (a closed port); the victim's hang
        // (accept and never answer), which keeps its events waiting too: only room is measured.
        let closed = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("a port");
        let closed_url = format!("http://{}/hooks", closed.local_addr().expect("its address"));
        drop(closed);
        let dispatcher = WebhookDispatcher::new(1, RetrySchedule::Api, Clock::system());
        let limits = Limits::default();
        let events = vec!["epayments.payment.captured.v1".to_owned()];
        for _ in 0..registrations::MAX_REGISTRATIONS_PER_EVENT {
            dispatcher.register(Scope::SalesUnit("123456".into()), &closed_url, events.clone()).expect("registered");
        }
        let per_registration = limits.max_waiting_events_in_all / registrations::MAX_REGISTRATIONS_PER_EVENT;
        dispatcher.publish((0..per_registration + 100).map(captured).collect());
        assert!(dispatcher.waiting() <= limits.max_waiting_events_per_sales_unit, "{} wait", dispatcher.waiting());
        let victim = dispatcher.register(Scope::SalesUnit("654321".into()), &closed_url, events).expect("registered");
        let mut theirs = captured(0);
        theirs.event.msn = "654321".parse().expect("an msn");
        dispatcher.publish(vec![theirs]);
        let given_up = dispatcher.deliveries().iter().filter(|d| d.registration == victim.id).count();
        assert_eq!(given_up, 0, "the other sales unit's event waits for delivery, it is not given up");
        assert!(dispatcher.waiting() <= limits.max_waiting_events_per_sales_unit + 1);
    }
}
