//! The pure model of the ePayment API, on one clock and one seeded source of ids. No HTTP
//! here: [`crate::api`] turns requests into calls of [`Model`] and its answers into replies.
//!
//! - [`payment`]: a payment and the answers about it; [`payment_key`]: which payment.
//! - [`create`], [`customer`], [`adjustments`]: the rules of createPayment; of the customer's
//!   approval, abort and expiry; of capture, refund and cancel.
//! - [`profile`], [`cards`], [`test_amounts`]: profile sharing and Express; the card network's
//!   capture guarantee; the test environment's failing amounts.
//! - [`events`]: the event log and the webhook outbox.
//! - [`sales_units`], [`idempotency`], [`rate_limits`], [`tokens`], [`retention`]: what the
//!   rules consult: the merchant's settings, the kept answers, the calls of the last minute,
//!   the issued tokens, what is forgotten when.
//! - [`refusal`]: a refusal's status, code and words.
//!
//! The rules follow `shared/epayment-facts.md`. Where the facts leave a choice, the choice is
//! written at the rule, tagged `// fidelity: <id>` with its row in FIDELITY.md.

mod adjustments;
mod cards;
mod create;
mod customer;
mod events;
mod idempotency;
mod payment;
mod payment_key;
mod profile;
mod rate_limits;
mod refusal;
mod retention;
mod sales_units;
mod test_amounts;
mod tokens;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use epayment_api::epayment::types;
use serde_json::Value;

pub use cards::CardNetwork;
pub use payment::Payment;
pub(crate) use payment_key::PaymentKey;
pub(crate) use rate_limits::Limit;
pub use refusal::ApiError;
pub use retention::Retention;
pub use sales_units::{Market, SalesUnit, SalesUnits};
pub use test_amounts::{PAYMENT_AMOUNTS, REFUND_AMOUNTS};
pub(crate) use tokens::IssuedToken;
pub use tokens::TestCredentials;

use crate::clock::Clock;
use crate::endpoint::Endpoint;
use crate::limits::Limits;
use crate::mutants::Rules;
use idempotency::{BodyDigest, ReplayStore, Seen, digest};
use retention::Activity;
use tokens::TokenIssuer;

/// How a model starts; the simulator's builder fills it.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    /// Seeds the ids (pspReferences, tokens), so runs are repeatable.
    pub(crate) seed: u64,
    /// A virtual clock starting here (moving only when told), or the system clock.
    pub(crate) start: Option<DateTime<Utc>>,
    /// How long issued tokens live.
    pub(crate) token_lifetime: Duration,
    /// The keys the token endpoint accepts.
    pub(crate) credentials: TestCredentials,
    /// The sales units.
    pub(crate) sales_units: SalesUnits,
    /// Whether the API's rate limits apply.
    pub(crate) rate_limits: bool,
    /// When payments are forgotten.
    pub(crate) retention: Retention,
    /// Whether the test environment's failing amounts fail here too.
    pub(crate) test_amounts: bool,
    /// The card new payments are paid with.
    pub(crate) card: CardNetwork,
    /// Whether issuers release reservations when the capture guarantee ends.
    pub(crate) issuer_releases: bool,
    /// How many idempotency keys are kept per payment ([`Limits::max_keys_per_payment`]).
    pub(crate) max_keys_per_payment: usize,
    /// The rules as written, or with a mutation run's one mutant.
    pub(crate) rules: Rules,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            seed: 1,
            start: None,
            token_lifetime: Duration::from_secs(3600),
            credentials: TestCredentials::default(),
            sales_units: SalesUnits::default(),
            rate_limits: true,
            retention: Retention::default(),
            test_amounts: true,
            card: CardNetwork::default(),
            issuer_releases: false,
            max_keys_per_payment: Limits::default().max_keys_per_payment,
            // As written, noting nothing: only the harness asks which rules were reached
            // (`SimulatorBuilder::noting_rules`), so no other simulator pays a lock per check.
            rules: Rules::default(),
        }
    }
}

/// An event to deliver to webhook subscribers.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Notification {
    /// The payload.
    pub(crate) event: types::WebhookEvent,
}

/// The whole simulated API state.
#[derive(Debug)]
pub(crate) struct Model {
    clock: Clock,
    rng: fastrand::Rng,
    payments: BTreeMap<PaymentKey, Payment>,
    /// When each created payment expires unless the customer acts, soonest first, so that
    /// catching up costs what came due, not a scan of every payment.
    expiries: BTreeSet<(DateTime<Utc>, PaymentKey)>,
    /// When each payment whose result is unknown (test amount 201) is decided.
    decisions: BTreeSet<(DateTime<Utc>, PaymentKey)>,
    replays: ReplayStore,
    tokens: TokenIssuer,
    sales_units: SalesUnits,
    rate_limits: rate_limits::RateLimits,
    activity: Activity,
    outbox: Vec<Notification>,
    test_amounts: bool,
    card: CardNetwork,
    issuer_releases: bool,
    rules: Rules,
}

/// The key a model signs its tokens with: from its seed, so that tokens repeat with the seed as
/// everything else the model makes does, and from its credentials' secret, so that knowing the
/// seed (public: 1 unless set) is not enough to sign a token for a tenant whose secret one does
/// not have.
fn token_key(seed: u64, credentials: &TestCredentials) -> [u8; 32] {
    use hmac::{KeyInit as _, Mac as _};
    let mut rng = fastrand::Rng::with_seed(seed ^ 0x7043_e45a);
    let mut seeded = [0u8; 32];
    rng.fill(&mut seeded);
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&seeded).expect("HMAC takes keys of any length");
    for part in [&credentials.client_id, &credentials.client_secret, &credentials.subscription_key] {
        mac.update(part.as_bytes());
        mac.update(&[0]);
    }
    mac.finalize().into_bytes().into()
}

/// A seed for what else a tenant makes secretly (webhook secrets), from the model's seed and
/// its credentials' secret, for the same reason as [`token_key`].
pub(crate) fn secret_seed(seed: u64, credentials: &TestCredentials) -> u64 {
    let key = token_key(seed ^ 0x5eed, credentials);
    u64::from_le_bytes([key[0], key[1], key[2], key[3], key[4], key[5], key[6], key[7]])
}

impl Model {
    /// An empty model.
    pub(crate) fn new(config: Config) -> Self {
        Self {
            clock: config.start.map_or_else(Clock::system, Clock::virtual_at),
            rate_limits: rate_limits::RateLimits::new(config.rate_limits),
            rng: fastrand::Rng::with_seed(config.seed),
            payments: BTreeMap::new(),
            expiries: BTreeSet::new(),
            decisions: BTreeSet::new(),
            replays: ReplayStore::new(config.max_keys_per_payment),
            tokens: TokenIssuer::new(
                config.credentials.clone(),
                config.token_lifetime,
                token_key(config.seed, &config.credentials),
            ),
            sales_units: config.sales_units,
            activity: Activity::new(config.retention),
            outbox: Vec::new(),
            test_amounts: config.test_amounts,
            card: config.card,
            issuer_releases: config.issuer_releases,
            rules: config.rules,
        }
    }

    /// The rules it applies (as written, but for a mutation run's simulators).
    pub(crate) fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The model's time.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The model's clock, shared with whoever should keep its time.
    pub(crate) fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Moves the clock forward, stopping at each instant something falls due on the way
    /// (expiries, decisions of unknown results) to apply it then, in time order, as if the time
    /// had passed second by second; refuses a move past the last instant the simulator can
    /// count to.
    pub(crate) fn advance(&mut self, by: Duration) -> Result<(), crate::clock::OutOfRange> {
        let by = chrono::Duration::from_std(by).map_err(|_| crate::clock::OutOfRange)?;
        let target = self.now().checked_add_signed(by).filter(|at| *at <= crate::clock::LATEST);
        let target = target.ok_or(crate::clock::OutOfRange)?;
        while let Some(due) = self.next_due().filter(|due| *due <= target) {
            self.clock.advance_to(due);
            self.catch_up();
        }
        self.clock.advance_to(target);
        self.catch_up();
        Ok(())
    }

    /// The next instant at which something falls due on its own, if any is pending. Deadlines
    /// and rate-limit windows need no stop: they are judged when a call comes.
    fn next_due(&self) -> Option<DateTime<Utc>> {
        let expiry = self.expiries.first().map(|(at, _)| *at);
        let decision = self.decisions.first().map(|(at, _)| *at);
        expiry.into_iter().chain(decision).min().filter(|due| *due > self.now())
    }

    /// Applies what came due on the clock since the last call: expiries of payments the
    /// customer left alone, and forgetting what the retention setting lets go.
    pub(crate) fn catch_up(&mut self) {
        let now = self.now();
        self.decide_due(now);
        self.expire_due(now);
        self.forget_stale(now);
        self.rate_limits.prune(now);
    }

    /// Counts a call against a rate limit, or refuses it with 429 and `Retry-After`.
    pub(crate) fn admit(&mut self, limit: Limit, scope: &str, reference: &str) -> Result<(), ApiError> {
        let now = self.now();
        let limit = Limit { calls_a_minute: self.rules.most("rate-limits", limit.calls_a_minute), ..limit };
        self.rate_limits.admit(limit, scope, reference, now)
    }

    /// The keys the token endpoint accepts.
    pub(crate) fn credentials(&self) -> &TestCredentials {
        &self.tokens.credentials
    }

    /// The sales units.
    pub(crate) fn sales_units(&self) -> &SalesUnits {
        &self.sales_units
    }

    /// Changes the sales unit `msn`.
    pub(crate) fn set_sales_unit(&mut self, msn: &str, unit: SalesUnit) {
        self.sales_units.set(msn, unit);
    }

    /// Takes the events to deliver as webhooks, oldest first.
    pub(crate) fn take_notifications(&mut self) -> Vec<Notification> {
        std::mem::take(&mut self.outbox)
    }

    fn next_id(&mut self, digits: usize) -> String {
        (0..digits).map(|_| char::from(b'0' + self.rng.u8(0..10))).collect()
    }

    /// A UUID from the seeded source of ids (a profile's `sub`).
    fn uuid(&mut self) -> String {
        let mut bytes = [0u8; 16];
        self.rng.fill(&mut bytes);
        uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
    }

    /// Sets the card the next payments are paid with.
    pub(crate) fn set_card(&mut self, card: CardNetwork) {
        self.card = card;
    }

    /// Sets whether issuers release reservations when the capture guarantee ends.
    pub(crate) fn set_issuer_releases(&mut self, on: bool) {
        self.issuer_releases = on;
    }

    /// A payment, if there is one.
    pub(crate) fn payment(&self, key: &PaymentKey) -> Option<&Payment> {
        self.payments.get(key)
    }

    // fidelity: payment-not-found
    fn get_mut(&mut self, key: &PaymentKey) -> Result<&mut Payment, ApiError> {
        self.payments.get_mut(key).ok_or_else(|| ApiError::not_found(&key.reference))
    }

    /// getPayment.
    pub(crate) fn get(&self, key: &PaymentKey) -> Result<types::GetPaymentResponse, ApiError> {
        self.payment(key).map(Payment::get_response).ok_or_else(|| ApiError::not_found(&key.reference))
    }

    /// getPaymentEventLog.
    pub(crate) fn events(&self, key: &PaymentKey) -> Result<Vec<types::PaymentEvent>, ApiError> {
        self.payment(key).map(|p| p.events.clone()).ok_or_else(|| ApiError::not_found(&key.reference))
    }

    // ---- access tokens -------------------------------------------------------------------

    /// The access-token endpoint: the right keys get a token; anything else is a 401.
    pub(crate) fn issue_token(
        &mut self,
        client_id: Option<&str>,
        secret: Option<&str>,
        key: Option<&str>,
    ) -> Result<IssuedToken, ApiError> {
        let nonce = self.next_id(24);
        let now = self.now();
        self.tokens.issue(client_id, secret, key, &nonce, now)
    }

    /// Checks an `Authorization` header: `Bearer <a token this model issued and that has not
    /// expired>`.
    pub(crate) fn check_bearer(&self, authorization: Option<&str>) -> Result<(), ApiError> {
        self.tokens.check_bearer(authorization, self.now())
    }

    /// Expires every token issued so far (to test renewal).
    pub(crate) fn expire_tokens(&mut self) {
        self.tokens.expire_all();
    }

    /// The subscription key the API accepts.
    pub(crate) fn check_subscription_key(&self, key: Option<&str>) -> Result<(), ApiError> {
        self.tokens.check_subscription_key(key)
    }

    // ---- idempotency ---------------------------------------------------------------------

    /// Runs `apply` once per (payment, key): a retry with the same endpoint and body gets the
    /// first answer again and changes nothing; another body or another endpoint with the same
    /// key is a 409 (4010 for capture, 4150 for refund, 4020 otherwise). A refusal that
    /// [sticks to its key](ApiError::sticks_to_key) is kept too and given again, even after its
    /// cause went away; any other refusal is judged afresh.
    ///
    /// The answer is JSON, serialised once: kept as it is and sent as it is.
    pub(crate) fn idempotent<T: serde::Serialize>(
        &mut self,
        payment: &PaymentKey,
        key: &str,
        endpoint: Endpoint,
        body: &Value,
        apply: impl FnOnce(&mut Self) -> Result<T, ApiError>,
    ) -> Result<Bytes, ApiError> {
        let body = digest(body);
        // fidelity: idempotent-replay
        if let Seen::Replay(answer) = self.replays.check(payment, key, endpoint, &body, &self.rules)? {
            return answer;
        }
        let answer = match apply(self) {
            Ok(done) => Bytes::from(serde_json::to_vec(&done).map_err(|e| ApiError::internal(e.to_string()))?),
            Err(refused) if refused.sticks_to_key() => {
                self.keep(payment, key, endpoint, body, Err(refused.clone()));
                return Err(refused);
            }
            Err(refused) => return Err(refused),
        };
        self.keep(payment, key, endpoint, body, Ok(answer.clone()));
        Ok(answer)
    }

    fn keep(
        &mut self,
        payment: &PaymentKey,
        key: &str,
        endpoint: Endpoint,
        body: BodyDigest,
        answer: Result<Bytes, ApiError>,
    ) {
        self.replays.keep(payment, key, endpoint, body, answer);
        let now = self.now();
        self.touch(payment, now);
    }

    /// Notes activity on a payment at `at`, with what it and its kept answers now hold.
    fn touch(&mut self, key: &PaymentKey, at: DateTime<Utc>) {
        // Sizing a payment costs a walk of its texts: nothing to do where nothing is forgotten
        // (every test and scenario), on the path of every call.
        if !self.activity.is_counting() {
            return;
        }
        // What the maps that index a payment cost besides it (retention's, the expiries', the
        // replay store's): a captured payment holds about 5.9 KiB resident (BENCHMARKS.md), of
        // which the payment and its answers count about 2.5.
        const INDEXES: usize = 2 << 10;
        let bytes = INDEXES + self.payments.get(key).map_or(0, Payment::approx_bytes) + self.replays.bytes_of(key);
        self.activity.touch(key, at, bytes);
    }

    // ---- retention -----------------------------------------------------------------------

    /// Forgets the payments (and the answers kept for them) the retention setting lets go.
    fn forget_stale(&mut self, now: DateTime<Utc>) {
        for key in self.activity.stale(now) {
            self.forget(&key);
        }
    }

    /// Forgets everything about one payment: it, its kept answers, its pending expiry.
    fn forget(&mut self, key: &PaymentKey) {
        if let Some(payment) = self.payments.remove(key) {
            self.expiries.remove(&(customer::expires_at(&payment, &self.rules), key.clone()));
            if let Some(at) = payment.decided_at {
                self.decisions.remove(&(at, key.clone()));
            }
        }
        self.replays.forget(key);
    }

    /// How many payments (or references with kept answers) the model holds.
    pub(crate) fn held(&self) -> usize {
        self.activity.len()
    }

    /// About how many bytes the held payments and their kept answers take.
    pub(crate) fn held_bytes(&self) -> usize {
        self.activity.bytes()
    }
}
