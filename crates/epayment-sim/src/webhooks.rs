//! Webhook registrations, and signed deliveries of `epayments.payment.*.v1` events to them,
//! in order, retried on a non-2xx answer. The Webhooks API endpoints that manage them are in
//! [`crate::api`].

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use tokio::sync::{mpsc, watch};

use crate::model::Notification;

/// A registered webhook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Registration {
    /// Its id.
    pub id: String,
    /// Where deliveries go.
    pub url: String,
    /// The event types it wants, e.g. `epayments.payment.captured.v1`.
    pub events: Vec<String>,
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
    /// Whether an attempt got a 2xx.
    pub delivered: bool,
}

struct Job {
    registration: Registration,
    event_type: String,
    body: Vec<u8>,
}

/// The webhook registrations and the worker that delivers events to them.
pub struct WebhookDispatcher {
    registrations: Mutex<Vec<Registration>>,
    queue: mpsc::UnboundedSender<Job>,
    log: Arc<Mutex<Vec<Delivery>>>,
    finished: watch::Receiver<usize>,
    ids: Mutex<fastrand::Rng>,
}

impl std::fmt::Debug for WebhookDispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookDispatcher").finish_non_exhaustive()
    }
}

impl WebhookDispatcher {
    /// Starts the delivery worker on the current tokio runtime. Each delivery gets up to
    /// `attempts` tries, waiting `backoff`, then twice that, and so on between them.
    pub(crate) fn start(seed: u64, attempts: u32, backoff: Duration) -> Arc<Self> {
        let (queue, mut jobs) = mpsc::unbounded_channel::<Job>();
        let (finished_tx, finished) = watch::channel(0usize);
        let log = Arc::new(Mutex::new(Vec::new()));
        let worker_log = log.clone();
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            // One worker, one job at a time: deliveries keep their order.
            while let Some(job) = jobs.recv().await {
                let delivery = deliver(&http, &job, attempts.max(1), backoff).await;
                let count = {
                    let mut log = worker_log.lock().unwrap_or_else(PoisonError::into_inner);
                    log.push(delivery);
                    log.len()
                };
                finished_tx.send_replace(count);
            }
        });
        Arc::new(Self {
            registrations: Mutex::new(Vec::new()),
            queue,
            log,
            finished,
            ids: Mutex::new(fastrand::Rng::with_seed(seed ^ 0x5eed)),
        })
    }

    /// Registers a webhook, as `POST /webhooks/v1/webhooks` does; returns it with its new id
    /// and secret.
    pub fn register(&self, url: String, events: Vec<String>) -> Registration {
        let mut rng = self.ids.lock().unwrap_or_else(PoisonError::into_inner);
        let hex =
            |rng: &mut fastrand::Rng, n: usize| -> String { (0..n).map(|_| format!("{:x}", rng.u8(0..16))).collect() };
        let id = format!(
            "{}-{}-{}-{}-{}",
            hex(&mut rng, 8),
            hex(&mut rng, 4),
            hex(&mut rng, 4),
            hex(&mut rng, 4),
            hex(&mut rng, 12)
        );
        let secret = hex(&mut rng, 64);
        let registration = Registration { id, url, events, secret };
        self.registrations.lock().unwrap_or_else(PoisonError::into_inner).push(registration.clone());
        registration
    }

    /// Every registration.
    pub fn registrations(&self) -> Vec<Registration> {
        self.registrations.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Removes a registration; false if there was none with that id.
    pub fn delete(&self, id: &str) -> bool {
        let mut list = self.registrations.lock().unwrap_or_else(PoisonError::into_inner);
        let before = list.len();
        list.retain(|r| r.id != id);
        list.len() != before
    }

    /// Queues deliveries of `notifications` to every registration that wants them. An event
    /// nobody registered for costs nothing: it is not even serialised.
    pub(crate) fn publish(&self, notifications: Vec<Notification>) {
        if notifications.is_empty() {
            return;
        }
        let registrations = self.registrations.lock().unwrap_or_else(PoisonError::into_inner);
        if registrations.is_empty() {
            return;
        }
        for n in notifications {
            let event_type = epayment_webhooks::event_type(&n.event.name.to_string().into());
            let mut wanted = registrations.iter().filter(|r| r.events.contains(&event_type)).peekable();
            if wanted.peek().is_none() {
                continue;
            }
            let Ok(body) = serde_json::to_vec(&n.event) else { continue };
            for r in wanted {
                let job = Job { registration: r.clone(), event_type: event_type.clone(), body: body.clone() };
                // Fails only when the worker is gone, that is when the runtime shuts down.
                let _ = self.queue.send(job);
            }
        }
    }

    /// Deliveries finished so far (delivered or given up), oldest first.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Waits until at least `count` deliveries have finished, and returns them all.
    pub async fn wait_for(&self, count: usize) -> Vec<Delivery> {
        let mut finished = self.finished.clone();
        // Errs only if the worker is gone; then no more will come.
        let _ = finished.wait_for(|n| *n >= count).await;
        self.deliveries()
    }
}

// fidelity: webhook-signature
// fidelity: webhook-delivery
// fidelity: webhook-plain-http
async fn deliver(http: &reqwest::Client, job: &Job, attempts: u32, backoff: Duration) -> Delivery {
    let mut delivery = Delivery {
        registration: job.registration.id.clone(),
        event_type: job.event_type.clone(),
        body: job.body.clone(),
        status: None,
        attempts: 0,
        delivered: false,
    };
    let Ok(url) = reqwest::Url::parse(&job.registration.url) else { return delivery };
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    let path_and_query = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let mut wait = backoff;
    for attempt in 1..=attempts {
        delivery.attempts = attempt;
        let signature =
            epayment_webhooks::sign(&job.registration.secret, &path_and_query, &host, &job.body, SystemTime::now());
        let mut request = http.post(url.clone()).body(job.body.clone()).timeout(Duration::from_secs(10));
        for (name, value) in signature.headers(&host).iter() {
            request = request.header(name, value);
        }
        request = request.header("content-type", "application/json");
        match request.send().await {
            Ok(response) if response.status().is_success() => {
                delivery.status = Some(response.status().as_u16());
                delivery.delivered = true;
                return delivery;
            }
            Ok(response) => delivery.status = Some(response.status().as_u16()),
            Err(_) => delivery.status = None,
        }
        if attempt < attempts {
            tokio::time::sleep(wait).await;
            wait = wait.saturating_mul(2);
        }
    }
    delivery
}
