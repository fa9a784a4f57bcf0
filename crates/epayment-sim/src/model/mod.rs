//! The pure model of the ePayment API: payments and their rules ([`payments`]), the
//! idempotency store ([`idempotency`]), and access tokens ([`tokens`]), on one clock and one
//! seeded source of ids. No HTTP here: [`crate::api`] turns requests into calls of [`Model`]
//! and its answers into responses.
//!
//! The rules follow `shared/epayment-facts.md`. Where the facts leave a choice, the choice is
//! written at the rule.

mod idempotency;
mod markets;
mod payments;
mod rate_limits;
mod refusal;
mod tokens;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use epayment_api::epayment::types;
use serde_json::Value;

pub use markets::{Market, SalesUnits};
pub use payments::Payment;
pub(crate) use rate_limits::Limit;
pub use refusal::ApiError;
pub use tokens::{IssuedToken, TestCredentials};

use crate::Endpoint;
use crate::clock::Clock;
use bytes::Bytes;
use idempotency::{ReplayStore, Seen, canonical};
use tokens::TokenIssuer;

/// How a model starts.
#[derive(Clone, Debug)]
pub struct ModelConfig {
    /// Seeds the ids (pspReferences, tokens), so runs are repeatable.
    pub seed: u64,
    /// The model's clock is virtual and starts here, moving only when told
    /// ([`Model::advance`]); `None` follows the system clock (plus what `advance` adds).
    pub start: Option<DateTime<Utc>>,
    /// How long issued tokens live (1 h, as in the test environment, unless set).
    pub token_lifetime: Duration,
    /// The keys the token endpoint accepts.
    pub credentials: TestCredentials,
    /// The sales units and their markets ([`SalesUnits::default`] unless set).
    pub sales_units: SalesUnits,
    /// Whether the API's rate limits apply (on unless set): 5 modifying calls and 120 reads a
    /// minute per payment.
    pub rate_limits: bool,
}

impl Default for ModelConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            start: None,
            token_lifetime: Duration::from_secs(3600),
            credentials: TestCredentials::default(),
            sales_units: SalesUnits::default(),
            rate_limits: true,
        }
    }
}

/// An event to deliver to webhook subscribers.
#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    /// The payload.
    pub event: types::WebhookEvent,
}

/// The whole simulated API state.
#[derive(Debug)]
pub struct Model {
    clock: Clock,
    rng: fastrand::Rng,
    payments: BTreeMap<(String, String), Payment>,
    /// When each created payment expires unless the customer acts, soonest first, so that
    /// catching up costs what came due, not a scan of every payment.
    expiries: BTreeSet<(DateTime<Utc>, String, String)>,
    replays: ReplayStore,
    tokens: TokenIssuer,
    sales_units: SalesUnits,
    rate_limits: rate_limits::RateLimits,
    full_capture_only: HashSet<String>,
    late_capture: HashSet<String>,
    outbox: Vec<Notification>,
}

impl Model {
    /// An empty model.
    pub fn new(config: ModelConfig) -> Self {
        Self {
            clock: config.start.map_or_else(Clock::system, Clock::virtual_at),
            rate_limits: rate_limits::RateLimits::new(config.rate_limits),
            rng: fastrand::Rng::with_seed(config.seed),
            payments: BTreeMap::new(),
            expiries: BTreeSet::new(),
            replays: ReplayStore::default(),
            tokens: TokenIssuer::new(config.credentials, config.token_lifetime),
            sales_units: config.sales_units,
            full_capture_only: HashSet::new(),
            late_capture: HashSet::new(),
            outbox: Vec::new(),
        }
    }

    /// The model's time.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The model's clock, shared with whoever should keep its time.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Moves the clock forward, then applies what came due meanwhile (expiries).
    pub fn advance(&mut self, by: Duration) {
        self.clock.advance(by);
        self.catch_up();
    }

    /// Counts a call against a rate limit, or refuses it with 429 and `Retry-After`.
    pub(crate) fn admit(&mut self, limit: Limit, scope: &str, reference: &str) -> Result<(), ApiError> {
        let now = self.now();
        self.rate_limits.admit(limit, scope, reference, now)
    }

    /// The keys the token endpoint accepts.
    pub fn credentials(&self) -> &TestCredentials {
        &self.tokens.credentials
    }

    /// The sales units and their markets.
    pub fn sales_units(&self) -> &SalesUnits {
        &self.sales_units
    }

    /// Makes a sales unit full-capture-only: a capture must take all that is authorized at once.
    pub fn set_full_capture_only(&mut self, msn: &str, on: bool) {
        if on {
            self.full_capture_only.insert(msn.to_owned());
        } else {
            self.full_capture_only.remove(msn);
        }
    }

    /// Gives a sales unit late capture: in Denmark and Finland its payments may be captured
    /// (and cancelled) for 180 days after approval instead of 14. Norway has 180 days anyway.
    pub fn set_late_capture(&mut self, msn: &str, on: bool) {
        if on {
            self.late_capture.insert(msn.to_owned());
        } else {
            self.late_capture.remove(msn);
        }
    }

    /// How long after approval a payment of this sales unit may be captured or cancelled.
    pub fn capture_period(&self, msn: &str) -> chrono::TimeDelta {
        self.sales_units.market(msn).capture_period(self.late_capture.contains(msn))
    }

    /// Takes the events to deliver as webhooks, oldest first.
    pub fn take_notifications(&mut self) -> Vec<Notification> {
        std::mem::take(&mut self.outbox)
    }

    fn next_id(&mut self, digits: usize) -> String {
        (0..digits).map(|_| char::from(b'0' + self.rng.u8(0..10))).collect()
    }

    // ---- access tokens -------------------------------------------------------------------

    /// The access-token endpoint: the right keys get a token; anything else is a 401.
    pub fn issue_token(
        &mut self,
        client_id: Option<&str>,
        secret: Option<&str>,
        key: Option<&str>,
    ) -> Result<IssuedToken, ApiError> {
        let token = format!("sim-token-{}", self.next_id(24));
        let now = self.now();
        self.tokens.issue(client_id, secret, key, token, now)
    }

    /// Checks an `Authorization` header: `Bearer <a token this model issued and that has not
    /// expired>`.
    pub fn check_bearer(&self, authorization: Option<&str>) -> Result<(), ApiError> {
        self.tokens.check_bearer(authorization, self.now())
    }

    /// Expires every token issued so far (to test renewal).
    pub fn expire_tokens(&mut self) {
        let now = self.now();
        self.tokens.expire_all(now);
    }

    /// The subscription key the API accepts.
    pub fn check_subscription_key(&self, key: Option<&str>) -> Result<(), ApiError> {
        self.tokens.check_subscription_key(key)
    }

    // ---- idempotency ---------------------------------------------------------------------

    /// Runs `apply` once per (MSN, reference, key): a retry with the same endpoint and body
    /// gets the first answer again and changes nothing; another body or another endpoint
    /// with the same key is a 409 (4010 for capture, 4150 for refund, 4020 otherwise).
    /// A refusal that [sticks to its key](ApiError::sticks_to_key) is kept too and given
    /// again, even after its cause went away; any other refusal is judged afresh.
    ///
    /// The answer is JSON, serialised once: kept as it is and sent as it is.
    pub fn idempotent<T: serde::Serialize>(
        &mut self,
        scope: (&str, &str, &str),
        endpoint: Endpoint,
        body: &Value,
        apply: impl FnOnce(&mut Self) -> Result<T, ApiError>,
    ) -> Result<Bytes, ApiError> {
        let key = (scope.0.to_owned(), scope.1.to_owned(), scope.2.to_owned());
        let body = canonical(body);
        // fidelity: idempotent-replay
        if let Seen::Replay(answer) = self.replays.check(&key, endpoint, &body)? {
            return answer;
        }
        let answer = match apply(self) {
            Ok(done) => Bytes::from(serde_json::to_vec(&done).map_err(|e| ApiError::internal(e.to_string()))?),
            Err(refused) if refused.sticks_to_key() => {
                self.replays.keep(key, endpoint, body, Err(refused.clone()));
                return Err(refused);
            }
            Err(refused) => return Err(refused),
        };
        self.replays.keep(key, endpoint, body, Ok(answer.clone()));
        Ok(answer)
    }
}
