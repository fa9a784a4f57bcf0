//! Webhook registrations, and signed deliveries of `epayments.payment.*.v1` events to them, as
//! the Webhooks API delivers them: in order per registration and payment, a failed delivery
//! holding back that payment's later events until it succeeds, retried on the simulator's clock
//! for up to 7 days. The Webhooks API endpoints that manage registrations are in
//! [`crate::api`].

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::sync::{mpsc, watch};

use crate::clock::Clock;
use crate::model::Notification;

/// At most this many registrations per event type and sales unit.
pub const MAX_REGISTRATIONS_PER_EVENT: usize = 25;
/// How long one event is retried before it is given up.
pub const RETRY_PERIOD: chrono::TimeDelta = chrono::TimeDelta::days(7);
/// How long a registration may fail before it is deleted.
pub const FAILING_REGISTRATION_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::days(14);

/// A registered webhook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Registration {
    /// Its id.
    pub id: String,
    /// Where deliveries go.
    pub url: String,
    /// The event types it wants, e.g. `epayments.payment.captured.v1`.
    pub events: Vec<String>,
    /// The sales unit it covers; `None`: every one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msn: Option<String>,
    /// The signing secret (shown once, at registration).
    #[serde(skip)]
    pub secret: String,
}

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

/// When a failed delivery is tried again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetrySchedule {
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
    fn wait(self, failures: u32, first: DateTime<Utc>, now: DateTime<Utc>) -> Option<Duration> {
        match self {
            RetrySchedule::Api => {
                let wait = match failures {
                    1..=4 => Duration::from_secs(2),
                    5 => Duration::from_secs(60),
                    6 => Duration::from_secs(120),
                    _ if now - first < chrono::TimeDelta::days(1) => Duration::from_secs(3_600),
                    _ => Duration::from_secs(86_400),
                };
                let next = now + chrono::Duration::from_std(wait).ok()?;
                (next - first <= RETRY_PERIOD).then_some(wait)
            }
            RetrySchedule::Custom { attempts, backoff } => {
                (failures < attempts.max(1)).then(|| backoff.saturating_mul(1 << failures.saturating_sub(1).min(16)))
            }
        }
    }
}

struct Job {
    registration: Registration,
    event_type: String,
    body: Vec<u8>,
}

/// The events of one payment for one registration, delivered one at a time, in order.
struct Lane {
    jobs: VecDeque<Job>,
    next_try: DateTime<Utc>,
    failures: u32,
    first_try: Option<DateTime<Utc>>,
    status: Option<u16>,
}

/// The webhook registrations and the worker that delivers events to them.
pub struct WebhookDispatcher {
    registrations: Arc<Mutex<Vec<Registration>>>,
    queue: mpsc::UnboundedSender<(String, Job)>,
    log: Arc<Mutex<Vec<Delivery>>>,
    finished: watch::Receiver<usize>,
    tried: watch::Receiver<u64>,
    ids: Mutex<fastrand::Rng>,
}

impl std::fmt::Debug for WebhookDispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookDispatcher").finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl WebhookDispatcher {
    /// Starts the delivery worker on the current tokio runtime, waiting on `clock`.
    pub(crate) fn start(seed: u64, schedule: RetrySchedule, clock: Clock) -> Arc<Self> {
        let (queue, jobs) = mpsc::unbounded_channel();
        let (finished_tx, finished) = watch::channel(0usize);
        let (tried_tx, tried) = watch::channel(0u64);
        let log = Arc::new(Mutex::new(Vec::new()));
        let registrations = Arc::new(Mutex::new(Vec::new()));
        let worker = Worker {
            clock,
            schedule,
            lanes: BTreeMap::new(),
            failing_since: BTreeMap::new(),
            log: log.clone(),
            registrations: registrations.clone(),
            finished: finished_tx,
            tried: tried_tx,
        };
        tokio::spawn(worker.run(jobs));
        let ids = Mutex::new(fastrand::Rng::with_seed(seed ^ 0x5eed));
        Arc::new(Self { registrations, queue, log, finished, tried, ids })
    }

    /// Registers a webhook for the sales unit `msn` (`None`: every one), as
    /// `POST /webhooks/v1/webhooks` does; returns it with its new id and secret, or why not:
    /// the URL must be HTTPS (plain HTTP only to a loopback address, for tests and local
    /// development), and a sales unit has at most 25 registrations per event type.
    pub fn register(&self, msn: Option<&str>, url: &str, events: Vec<String>) -> Result<Registration, String> {
        check_url(url)?;
        if events.is_empty() {
            return Err("at least one event type is required".into());
        }
        let mut list = lock(&self.registrations);
        // fidelity: webhook-registration-limits
        for event in &events {
            let taken = list.iter().filter(|r| r.msn.as_deref() == msn && r.events.contains(event)).count();
            if taken >= MAX_REGISTRATIONS_PER_EVENT {
                return Err(format!(
                    "{event} has {MAX_REGISTRATIONS_PER_EVENT} registrations for this sales unit already"
                ));
            }
        }
        let mut rng = lock(&self.ids);
        let id = uuid_like(&mut rng);
        let secret: String = (0..64).map(|_| char::from_digit(u32::from(rng.u8(0..16)), 16).unwrap_or('0')).collect();
        let registration = Registration { id, url: url.to_owned(), events, msn: msn.map(str::to_owned), secret };
        list.push(registration.clone());
        Ok(registration)
    }

    /// Every registration.
    pub fn registrations(&self) -> Vec<Registration> {
        lock(&self.registrations).clone()
    }

    /// Removes a registration; false if there was none with that id.
    pub fn delete(&self, id: &str) -> bool {
        let mut list = lock(&self.registrations);
        let before = list.len();
        list.retain(|r| r.id != id);
        list.len() != before
    }

    /// Queues deliveries of `notifications` to every registration of their sales unit that
    /// wants them. An event nobody registered for costs nothing: it is not even serialised.
    pub(crate) fn publish(&self, notifications: Vec<Notification>) {
        if notifications.is_empty() {
            return;
        }
        let registrations = lock(&self.registrations);
        if registrations.is_empty() {
            return;
        }
        for n in notifications {
            let event_type = epayment_webhooks::event_type(&n.event.name.to_string().into());
            let msn = n.event.msn.to_string();
            let mut wanted = registrations
                .iter()
                .filter(|r| r.events.contains(&event_type) && r.msn.as_ref().is_none_or(|m| *m == msn))
                .peekable();
            if wanted.peek().is_none() {
                continue;
            }
            let Ok(body) = serde_json::to_vec(&n.event) else { continue };
            let payment = format!("{msn}/{}", n.event.reference.as_str());
            for r in wanted {
                let job = Job { registration: r.clone(), event_type: event_type.clone(), body: body.clone() };
                // Fails only when the worker is gone, that is when the runtime shuts down.
                let _ = self.queue.send((payment.clone(), job));
            }
        }
    }

    /// Deliveries finished so far (delivered or given up), oldest first.
    pub fn deliveries(&self) -> Vec<Delivery> {
        lock(&self.log).clone()
    }

    /// How many delivery attempts have been made, successful or not.
    pub fn attempts(&self) -> u64 {
        *self.tried.borrow()
    }

    /// Waits until at least `count` delivery attempts have been made (to step a virtual clock
    /// through a retry schedule in a test).
    pub async fn wait_for_attempts(&self, count: u64) {
        let mut tried = self.tried.clone();
        let _ = tried.wait_for(|n| *n >= count).await;
    }

    /// Waits until at least `count` deliveries have finished, and returns them all.
    pub async fn wait_for(&self, count: usize) -> Vec<Delivery> {
        let mut finished = self.finished.clone();
        // Errs only if the worker is gone; then no more will come.
        let _ = finished.wait_for(|n| *n >= count).await;
        self.deliveries()
    }
}

/// HTTPS, or plain HTTP to a loopback address.
// fidelity: webhook-https
fn check_url(url: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("{url} is not an absolute URL: {e}"))?;
    let host = parsed.host_str().unwrap_or_default();
    let loopback = host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(format!("{url} must be an https URL (plain http only to a loopback address)")),
    }
}

fn uuid_like(rng: &mut fastrand::Rng) -> String {
    let mut bytes = [0u8; 16];
    rng.fill(&mut bytes);
    uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
}

/// One HTTP client for the deliveries of every simulator in the process, built on the first
/// delivery. Building one (TLS roots and all) costs about as much CPU as a whole contract
/// scenario, and it keeps nothing of any simulator: it is a connection pool.
static DELIVERY_CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();

struct Worker {
    clock: Clock,
    schedule: RetrySchedule,
    /// By (registration, payment).
    lanes: BTreeMap<(String, String), Lane>,
    /// Registrations whose deliveries fail, since when.
    failing_since: BTreeMap<String, DateTime<Utc>>,
    log: Arc<Mutex<Vec<Delivery>>>,
    registrations: Arc<Mutex<Vec<Registration>>>,
    finished: watch::Sender<usize>,
    tried: watch::Sender<u64>,
}

impl Worker {
    async fn run(mut self, mut jobs: mpsc::UnboundedReceiver<(String, Job)>) {
        loop {
            while let Ok((payment, job)) = jobs.try_recv() {
                self.enqueue(payment, job);
            }
            let now = self.clock.now();
            let due: Vec<(String, String)> =
                self.lanes.iter().filter(|(_, lane)| lane.next_try <= now).map(|(key, _)| key.clone()).collect();
            for key in due {
                self.try_head(&key).await;
                // Counted once the next try is scheduled, so that a test that waits for this
                // attempt and then moves the clock moves it past that try.
                self.tried.send_modify(|n| *n += 1);
            }
            self.lanes.retain(|_, lane| !lane.jobs.is_empty());
            let next = self.lanes.values().map(|lane| lane.next_try).min();
            let arrived = match next {
                Some(at) if at <= self.clock.now() => continue,
                Some(at) => tokio::select! {
                    job = jobs.recv() => job,
                    _ = self.clock.sleep_until(at) => continue,
                },
                None => jobs.recv().await,
            };
            match arrived {
                Some((payment, job)) => self.enqueue(payment, job),
                // The dispatcher is gone: the simulator stopped.
                None => return,
            }
        }
    }

    fn enqueue(&mut self, payment: String, job: Job) {
        let now = self.clock.now();
        let lane = self.lanes.entry((job.registration.id.clone(), payment)).or_insert_with(|| Lane {
            jobs: VecDeque::new(),
            next_try: now,
            failures: 0,
            first_try: None,
            status: None,
        });
        lane.jobs.push_back(job);
    }

    /// Tries the first event of a lane; later events of the payment wait for it.
    async fn try_head(&mut self, key: &(String, String)) {
        let Some(lane) = self.lanes.get_mut(key) else { return };
        let Some(job) = lane.jobs.front() else { return };
        let now = self.clock.now();
        let first = *lane.first_try.get_or_insert(now);
        let status = send(DELIVERY_CLIENT.get_or_init(reqwest::Client::new), job, &self.clock).await;
        let Some(lane) = self.lanes.get_mut(key) else { return };
        lane.status = status;
        let delivered = status.is_some_and(|s| (200..300).contains(&s));
        if delivered {
            self.failing_since.remove(&key.0);
            self.finish(key, true);
            return;
        }
        lane.failures += 1;
        match self.schedule.wait(lane.failures, first, now) {
            Some(wait) => lane.next_try = now + chrono::Duration::from_std(wait).unwrap_or(chrono::TimeDelta::MAX),
            None => self.finish(key, false),
        }
        let since = *self.failing_since.entry(key.0.clone()).or_insert(now);
        // fidelity: webhook-failing-registration
        if now - since >= FAILING_REGISTRATION_LIFETIME {
            lock(&self.registrations).retain(|r| r.id != key.0);
            let gone: Vec<_> = self.lanes.keys().filter(|(id, _)| *id == key.0).cloned().collect();
            for lane in gone {
                while self.lanes.get(&lane).is_some_and(|l| !l.jobs.is_empty()) {
                    self.finish(&lane, false);
                }
            }
        }
    }

    /// Logs the lane's first event as delivered or given up, and moves on to the next.
    fn finish(&mut self, key: &(String, String), delivered: bool) {
        let Some(lane) = self.lanes.get_mut(key) else { return };
        let Some(job) = lane.jobs.pop_front() else { return };
        let delivery = Delivery {
            registration: job.registration.id,
            event_type: job.event_type,
            body: job.body,
            status: lane.status,
            attempts: lane.failures + u32::from(delivered),
            delivered,
        };
        (lane.failures, lane.first_try, lane.status) = (0, None, None);
        let count = {
            let mut log = lock(&self.log);
            log.push(delivery);
            log.len()
        };
        self.finished.send_replace(count);
    }
}

/// One try: the signed POST, and the status it got (`None`: no answer within 10 s).
// fidelity: webhook-signature
async fn send(http: &reqwest::Client, job: &Job, clock: &Clock) -> Option<u16> {
    let url = reqwest::Url::parse(&job.registration.url).ok()?;
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
    let signature = epayment_webhooks::sign(&job.registration.secret, &path_and_query, &host, &job.body, at);
    let mut request = http.post(url).body(job.body.clone()).timeout(Duration::from_secs(10));
    for (name, value) in signature.headers(&host).iter() {
        request = request.header(name, value);
    }
    request = request.header("content-type", "application/json");
    request.send().await.ok().map(|r| r.status().as_u16())
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
        while let Some(wait) = schedule.wait(failures + 1, first, now) {
            failures += 1;
            waits.push(wait.as_secs());
            now += chrono::Duration::from_std(wait).unwrap();
        }
        assert_eq!(&waits[..7], [2, 2, 2, 2, 60, 120, 3_600]);
        assert_eq!(*waits.last().unwrap(), 86_400);
        assert!(now - first <= RETRY_PERIOD && now - first > RETRY_PERIOD - chrono::TimeDelta::days(1), "{now}");
        let custom = RetrySchedule::Custom { attempts: 3, backoff: Duration::from_millis(10) };
        assert_eq!(custom.wait(1, first, first), Some(Duration::from_millis(10)));
        assert_eq!(custom.wait(2, first, first), Some(Duration::from_millis(20)));
        assert_eq!(custom.wait(3, first, first), None);
    }

    #[test]
    fn urls_must_be_https_or_loopback() {
        for ok in ["https://shop.example/hooks", "http://127.0.0.1:8080/h", "http://localhost/h", "http://[::1]:9/h"] {
            assert_eq!(check_url(ok), Ok(()), "{ok}");
        }
        for refused in ["http://shop.example/hooks", "http://10.0.0.1/h", "ftp://x/y", "not a url"] {
            assert!(check_url(refused).is_err(), "{refused}");
        }
    }
}
