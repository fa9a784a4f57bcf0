//! One registration's deliveries: a task of its own, so that a receiver that hangs delays
//! nobody else's webhooks. Within the registration, each payment's events go one at a time,
//! in order; a failed one holds back that payment's later events until it succeeds.
//!
//! Every try has the instant it was due at, and the schedule counts from those instants, not
//! from when the worker got round to it: a clock moved by an hour at once runs every retry
//! that fell due in that hour, in time order, as an hour of one-second steps would.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, watch};

use super::destinations::{CheckedResolver, WebhookDestinations};
use super::registrations::Registration;
use super::schedule::RetrySchedule;
use super::{Delivery, Idle, Shared};
use crate::clock::{self, Clock};
use crate::limits::Limits;

/// How long a registration may fail before it is deleted, as the Webhooks API does.
const FAILING_REGISTRATION_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::days(14);

/// How long one try may take before it counts as failed.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// An event to deliver: its type and body, and the payment whose order it keeps. It holds a
/// [`Slot`] for as long as it exists, queued or retried, so that what waits is counted where
/// it is published: a worker busy with a receiver that hangs cannot let its queue grow.
pub(crate) struct Job {
    pub(crate) payment: String,
    /// When the event happened: its first try is due then.
    pub(crate) at: DateTime<Utc>,
    pub(crate) event_type: String,
    pub(crate) body: bytes::Bytes,
    pub(crate) _slot: Slot,
}

/// A place among the events waiting for one registration, for one sales unit and for all of
/// them; given back when dropped.
pub(crate) struct Slot {
    counts: [Arc<AtomicUsize>; 3],
}

impl Slot {
    /// A place in `own` (at most [`Limits::max_waiting_events`]), `unit` (the event's sales
    /// unit, at most [`Limits::max_waiting_events_per_sales_unit`]) and `all` (at most
    /// [`Limits::max_waiting_events_in_all`]), if all three have room.
    pub(crate) fn take(
        own: &Arc<AtomicUsize>,
        unit: &Arc<AtomicUsize>,
        all: &Arc<AtomicUsize>,
        limits: &Limits,
    ) -> Option<Self> {
        let room = |count: &AtomicUsize, max: usize| {
            count.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| (n < max).then_some(n + 1)).is_ok()
        };
        let counts = [own.clone(), unit.clone(), all.clone()];
        let limits =
            [limits.max_waiting_events, limits.max_waiting_events_per_sales_unit, limits.max_waiting_events_in_all];
        for (taken, (count, max)) in counts.iter().zip(limits).enumerate() {
            if !room(count, max) {
                for given_back in &counts[..taken] {
                    given_back.fetch_sub(1, Ordering::AcqRel);
                }
                return None;
            }
        }
        Some(Self { counts })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        for count in &self.counts {
            count.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// The events of one payment, delivered one at a time, in order.
struct Lane {
    jobs: VecDeque<Job>,
    /// When the first event's next try is due (the simulator's time, not the worker's).
    next_try: DateTime<Utc>,
    failures: u32,
    first_try: Option<DateTime<Utc>>,
    status: Option<u16>,
}

/// Delivers one registration's events until it is deleted (its queue's sender dropped).
pub(crate) struct Worker {
    pub(crate) registration: Registration,
    pub(crate) clock: Clock,
    pub(crate) schedule: RetrySchedule,
    pub(crate) shared: Arc<Shared>,
    lanes: BTreeMap<String, Lane>,
    failing_since: Option<DateTime<Utc>>,
}

impl Worker {
    pub(crate) fn new(registration: Registration, clock: Clock, schedule: RetrySchedule, shared: Arc<Shared>) -> Self {
        Self { registration, clock, schedule, shared, lanes: BTreeMap::new(), failing_since: None }
    }

    pub(crate) async fn run(mut self, mut jobs: mpsc::UnboundedReceiver<Job>) {
        let mut horizon = self.shared.horizon.subscribe();
        let mut received = 0u64;
        loop {
            // What is due is judged against the time the simulator has published events up
            // to, so that a try never runs ahead of an event that happened before it.
            let now = self.now(&mut horizon);
            loop {
                while let Ok(job) = jobs.try_recv() {
                    received += 1;
                    self.enqueue(job);
                }
                // The try due first goes first, whichever payment it is for.
                let due = self.lanes.iter().filter(|(_, lane)| lane.next_try <= now).min_by_key(|(_, l)| l.next_try);
                let Some(key) = due.map(|(key, _)| key.clone()) else { break };
                let alive = self.try_head(&key).await;
                // Counted once the next try is scheduled, so that a test that waits for this
                // attempt and then moves the clock moves it past that try.
                self.shared.tried.send_modify(|n| *n += 1);
                if !alive {
                    self.shared.report(&self.registration.id, None);
                    return;
                }
                self.lanes.retain(|_, lane| !lane.jobs.is_empty());
            }
            let next = self.lanes.values().map(|lane| lane.next_try).min();
            if next.is_some_and(|at| at <= self.now(&mut horizon)) {
                continue;
            }
            self.shared.report(&self.registration.id, Some(Idle { received, next }));
            let arrived = tokio::select! {
                job = jobs.recv() => job,
                _ = horizon.changed(), if self.clock.is_virtual() => continue,
                _ = self.clock.sleep_until(next.unwrap_or(clock::LATEST)), if !self.clock.is_virtual() && next.is_some() => continue,
            };
            match arrived {
                Some(job) => {
                    received += 1;
                    self.enqueue(job);
                }
                // The registration was deleted, or the simulator stopped: what waits is dropped.
                None => {
                    self.shared.report(&self.registration.id, None);
                    return;
                }
            }
        }
    }

    /// The time tries are due by: on a virtual clock, the time up to which the simulator has
    /// published its events; on the system's clock, its time.
    fn now(&self, horizon: &mut watch::Receiver<DateTime<Utc>>) -> DateTime<Utc> {
        let published = *horizon.borrow_and_update();
        if self.clock.is_virtual() { published } else { self.clock.now() }
    }

    fn enqueue(&mut self, job: Job) {
        let at = job.at;
        let lane = self.lanes.entry(job.payment.clone()).or_insert_with(|| Lane {
            jobs: VecDeque::new(),
            next_try: at,
            failures: 0,
            first_try: None,
            status: None,
        });
        lane.jobs.push_back(job);
    }

    /// Tries the first event of a lane; later events of the payment wait for it. False when
    /// the registration failed for two weeks and was deleted.
    async fn try_head(&mut self, key: &str) -> bool {
        let Some(lane) = self.lanes.get_mut(key) else { return true };
        let Some(job) = lane.jobs.front() else { return true };
        // The schedule counts from when the try was due, however late the worker got to it.
        let now = lane.next_try;
        let first = *lane.first_try.get_or_insert(now);
        let status = send(&self.registration, job, &self.clock, self.shared.destinations).await;
        let Some(lane) = self.lanes.get_mut(key) else { return true };
        lane.status = status;
        let delivered = status.is_some_and(|s| (200..300).contains(&s));
        if delivered {
            self.failing_since = None;
            self.finish(key, true);
            return true;
        }
        lane.failures += 1;
        match self.schedule.wait(&self.shared.rules, lane.failures, first, now) {
            Some(wait) => {
                lane.next_try = clock::later(now, chrono::Duration::from_std(wait).unwrap_or(chrono::TimeDelta::MAX));
            }
            None => self.finish(key, false),
        }
        let since = *self.failing_since.get_or_insert(now);
        // fidelity: webhook-failing-registration
        if now - since >= FAILING_REGISTRATION_LIFETIME {
            self.shared.remove(&self.registration.id);
            let keys: Vec<String> = self.lanes.keys().cloned().collect();
            for key in keys {
                while self.lanes.get(&key).is_some_and(|l| !l.jobs.is_empty()) {
                    self.finish(&key, false);
                }
            }
            return false;
        }
        true
    }

    /// Logs the lane's first event as delivered or given up, and moves on to the next.
    fn finish(&mut self, key: &str, delivered: bool) {
        let Some(lane) = self.lanes.get_mut(key) else { return };
        let Some(job) = lane.jobs.pop_front() else { return };
        let delivery = Delivery {
            registration: self.registration.id.clone(),
            event_type: job.event_type,
            body: job.body.to_vec(),
            status: lane.status,
            attempts: lane.failures + u32::from(delivered),
            delivered,
        };
        (lane.failures, lane.first_try, lane.status) = (0, None, None);
        // The next event goes once it has happened, and not before this one's last try.
        if let Some(next) = lane.jobs.front() {
            lane.next_try = lane.next_try.max(next.at);
        }
        self.shared.log(delivery);
    }
}

/// One HTTP client for the deliveries of every simulator in the process, built on the first
/// delivery. Building one (TLS roots and all) costs about as much CPU as a whole contract
/// scenario, and it keeps nothing of any simulator: it is a connection pool. It follows no
/// redirect: a 3xx is a failed delivery, so a signed body never goes to a URL the
/// registration itself would have been refused for.
/// Its resolver leaves out every address `destinations` refuses, so that a name cannot lead
/// a delivery where an address could not. One client per policy.
/// `None` if the client cannot be built at all; then every try fails.
fn delivery_client(destinations: WebhookDestinations) -> Option<&'static reqwest::Client> {
    static PUBLIC_ONLY: std::sync::OnceLock<Option<reqwest::Client>> = std::sync::OnceLock::new();
    static ALSO_LOCAL: std::sync::OnceLock<Option<reqwest::Client>> = std::sync::OnceLock::new();
    let client = match destinations {
        WebhookDestinations::PublicOnly => &PUBLIC_ONLY,
        WebhookDestinations::AlsoLocal => &ALSO_LOCAL,
    };
    client
        .get_or_init(|| {
            let builder = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .dns_resolver(CheckedResolver(destinations));
            builder.connect_timeout(ATTEMPT_TIMEOUT).build().ok()
        })
        .as_ref()
}

/// One try: the signed POST, and the status it got (`None`: no answer within 10 s).
// fidelity: webhook-signature
async fn send(registration: &Registration, job: &Job, clock: &Clock, destinations: WebhookDestinations) -> Option<u16> {
    let url = reqwest::Url::parse(&registration.url).ok()?;
    // The address in the URL again (a name is checked by the client's resolver).
    destinations.check_url(&url).ok()?;
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    let path_and_query = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    // Signed at the simulator's time, so that a receiver on the same clock accepts the date.
    let at = SystemTime::from(clock.now());
    let signature = epayment_webhooks::sign(&registration.secret, &path_and_query, &host, &job.body, at);
    let mut request = delivery_client(destinations)?.post(url).body(job.body.clone()).timeout(ATTEMPT_TIMEOUT);
    for (name, value) in signature.headers(&host).iter() {
        request = request.header(name, value);
    }
    request = request.header("content-type", "application/json");
    request.send().await.ok().map(|r| r.status().as_u16())
}
