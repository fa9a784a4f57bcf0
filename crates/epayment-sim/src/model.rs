//! The pure model of the ePayment API: payments, their aggregate arithmetic, the rules and
//! their error codes, idempotency, and access tokens. No HTTP here: the transport in
//! [`crate::server`] turns requests into calls of [`Model`] and its answers into responses.
//!
//! The rules follow `shared/epayment-facts.md`. Where the facts leave a choice, the choice is
//! written at the rule.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use epayment_api::Currency;
use epayment_api::epayment::types::{self, PaymentEventName as EventName, State};
use serde_json::Value;

/// A refusal: the HTTP status, the API's error code if the rule has one, and what to say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// The error code carried in `extraDetails`, if any.
    pub code: Option<u32>,
    /// Short title.
    pub title: &'static str,
    /// What went wrong.
    pub detail: String,
    /// Named details other than the code: the fields at fault of a validation problem.
    pub fields: Vec<(String, String)>,
}

impl ApiError {
    /// A domain refusal: 400 with an error code.
    pub fn rule(code: u32, detail: impl Into<String>) -> Self {
        Self { status: 400, code: Some(code), title: "Bad Request", detail: detail.into(), fields: Vec::new() }
    }

    /// A refusal with a status and an optional code.
    pub fn status(status: u16, code: Option<u32>, title: &'static str, detail: impl Into<String>) -> Self {
        Self { status, code, title, detail: detail.into(), fields: Vec::new() }
    }

    /// A validation refusal naming each bad field.
    pub fn validation(fields: Vec<(String, String)>) -> Self {
        Self {
            status: 400,
            code: None,
            title: "Bad Request",
            detail: "the request does not match the API's schema".into(),
            fields,
        }
    }

    fn not_found(reference: &str) -> Self {
        Self::status(404, Some(5090), "Not Found", format!("no payment with reference {reference} for this merchant"))
    }
}

/// The keys the simulated access-token endpoint accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestCredentials {
    /// `client_id`.
    pub client_id: String,
    /// `client_secret`.
    pub client_secret: String,
    /// `Ocp-Apim-Subscription-Key`.
    pub subscription_key: String,
}

impl Default for TestCredentials {
    fn default() -> Self {
        Self {
            client_id: "sim-client-id".into(),
            client_secret: "sim-client-secret".into(),
            subscription_key: "sim-subscription-key".into(),
        }
    }
}

/// How a model starts.
#[derive(Clone, Debug)]
pub struct ModelConfig {
    /// Seeds the ids (pspReferences, tokens), so runs are repeatable.
    pub seed: u64,
    /// The model's clock starts here and moves only when told ([`Model::advance`]); `None`
    /// follows the system clock.
    pub start: Option<DateTime<Utc>>,
    /// How long issued tokens live (1 h, as in the test environment, unless set).
    pub token_lifetime: Duration,
    /// The keys the token endpoint accepts.
    pub credentials: TestCredentials,
}

impl Default for ModelConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            start: None,
            token_lifetime: Duration::from_secs(3600),
            credentials: TestCredentials::default(),
        }
    }
}

/// A payment as the simulator keeps it. Amounts are minor units in the payment's currency.
#[derive(Clone, Debug, PartialEq)]
pub struct Payment {
    /// Merchant serial number.
    pub msn: String,
    /// The merchant's reference.
    pub reference: types::Reference,
    /// Where it is.
    pub state: State,
    /// The amount asked for.
    pub amount: i64,
    /// Its currency.
    pub currency: Currency,
    /// Reserved by approval.
    pub authorized: i64,
    /// Taken so far.
    pub captured: i64,
    /// Released.
    pub cancelled: i64,
    /// Given back.
    pub refunded: i64,
    /// The pspReference of the latest event.
    pub psp_reference: String,
    /// Where the customer was sent, if the flow has a URL.
    pub redirect_url: Option<String>,
    /// Every event, oldest first.
    pub events: Vec<types::PaymentEvent>,
}

impl Payment {
    fn money(&self, value: i64) -> types::Amount {
        types::Amount { currency: self.currency.clone(), value }
    }

    fn aggregate(&self) -> types::Aggregate {
        types::Aggregate {
            authorized_amount: self.money(self.authorized),
            cancelled_amount: self.money(self.cancelled),
            captured_amount: self.money(self.captured),
            refunded_amount: self.money(self.refunded),
        }
    }

    /// The answer of capture, cancel and refund.
    pub fn modification_response(&self, psp_reference: &str) -> types::ModificationResponse {
        types::ModificationResponse {
            aggregate: self.aggregate(),
            amount: self.money(self.amount),
            psp_reference: types::PspReference(psp_reference.to_owned()),
            reference: self.reference.clone(),
            state: self.state,
        }
    }

    /// The answer of getPayment.
    pub fn get_response(&self) -> types::GetPaymentResponse {
        types::GetPaymentResponse {
            aggregate: self.aggregate(),
            amount: self.money(self.amount),
            metadata: None,
            payment_method: types::PaymentMethodResponse { card_bin: None, type_: types::PaymentMethodType::Wallet },
            profile: types::ProfileResponse { sub: None },
            psp_reference: types::PspReference(self.psp_reference.clone()),
            redirect_url: self.redirect_url.clone(),
            reference: self.reference.clone(),
            shipping_details: None,
            state: self.state,
            user_details: None,
        }
    }

    /// What may still be captured.
    pub fn capturable(&self) -> i64 {
        self.authorized - self.captured - self.cancelled
    }
}

/// An event to deliver to webhook subscribers.
#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    /// The payload.
    pub event: types::WebhookEvent,
}

/// The operations that carry an Idempotency-Key, for the 409 codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Keyed {
    /// createPayment.
    Create,
    /// capturePayment.
    Capture,
    /// refundPayment.
    Refund,
    /// cancelPayment.
    Cancel,
}

/// A kept answer, compact: a long-running sandbox keeps one per successful keyed call.
#[derive(Clone, Debug)]
struct Replay {
    operation: Keyed,
    /// The request body with its keys sorted, so that key order does not count as another body.
    body: String,
    answer: Vec<u8>,
}

fn canonical(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                Value::Object(entries.into_iter().map(|(k, v)| (k.clone(), sorted(v))).collect())
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}

/// The whole simulated API state.
#[derive(Debug)]
pub struct Model {
    config: ModelConfig,
    manual_now: Option<DateTime<Utc>>,
    rng: fastrand::Rng,
    payments: BTreeMap<(String, String), Payment>,
    replays: HashMap<(String, String, String), Replay>,
    tokens: HashMap<String, DateTime<Utc>>,
    full_capture_only: HashSet<String>,
    outbox: Vec<Notification>,
}

/// A token issued by the access-token endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedToken {
    /// The bearer token.
    pub access_token: String,
    /// Seconds it lives.
    pub expires_in: u64,
    /// Unix time it stops working.
    pub expires_on: i64,
    /// Unix time it was issued.
    pub not_before: i64,
}

impl Model {
    /// An empty model.
    pub fn new(config: ModelConfig) -> Self {
        Self {
            manual_now: config.start,
            rng: fastrand::Rng::with_seed(config.seed),
            config,
            payments: BTreeMap::new(),
            replays: HashMap::new(),
            tokens: HashMap::new(),
            full_capture_only: HashSet::new(),
            outbox: Vec::new(),
        }
    }

    /// The model's time.
    pub fn now(&self) -> DateTime<Utc> {
        self.manual_now.unwrap_or_else(Utc::now)
    }

    /// Moves a manual clock forward (no effect on a system clock).
    pub fn advance(&mut self, by: Duration) {
        if let Some(now) = self.manual_now.as_mut() {
            *now += chrono::Duration::from_std(by).unwrap_or(chrono::Duration::zero());
        }
    }

    /// The keys the token endpoint accepts.
    pub fn credentials(&self) -> &TestCredentials {
        &self.config.credentials
    }

    /// Makes a sales unit full-capture-only: a capture must take all that is authorized at once.
    pub fn set_full_capture_only(&mut self, msn: &str, on: bool) {
        if on {
            self.full_capture_only.insert(msn.to_owned());
        } else {
            self.full_capture_only.remove(msn);
        }
    }

    /// A payment, if there is one.
    pub fn payment(&self, msn: &str, reference: &str) -> Option<&Payment> {
        self.payments.get(&(msn.to_owned(), reference.to_owned()))
    }

    /// Every payment.
    pub fn payments(&self) -> impl Iterator<Item = &Payment> {
        self.payments.values()
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
        let c = &self.config.credentials;
        if client_id != Some(c.client_id.as_str()) || secret != Some(c.client_secret.as_str()) {
            return Err(ApiError::status(401, None, "Unauthorized", "the client id or client secret is wrong"));
        }
        if key != Some(c.subscription_key.as_str()) {
            return Err(ApiError::status(401, None, "Unauthorized", "the subscription key is wrong"));
        }
        let token = format!("sim-token-{}", self.next_id(24));
        let now = self.now();
        let lifetime = self.config.token_lifetime;
        let expires = now + chrono::Duration::from_std(lifetime).unwrap_or(chrono::Duration::hours(1));
        self.tokens.insert(token.clone(), expires);
        Ok(IssuedToken {
            access_token: token,
            expires_in: lifetime.as_secs(),
            expires_on: expires.timestamp(),
            not_before: now.timestamp(),
        })
    }

    /// Checks an `Authorization` header: `Bearer <a token this model issued and that has not
    /// expired>`.
    pub fn check_bearer(&self, authorization: Option<&str>) -> Result<(), ApiError> {
        let unauthorized = |why: &str| ApiError::status(401, None, "Unauthorized", why);
        let header = authorization.ok_or_else(|| unauthorized("the Authorization header is missing"))?;
        let token =
            header.strip_prefix("Bearer ").ok_or_else(|| unauthorized("the Authorization header is not Bearer"))?;
        match self.tokens.get(token) {
            None => Err(unauthorized("the access token is not valid")),
            Some(expires) if *expires <= self.now() => Err(unauthorized("the access token has expired")),
            Some(_) => Ok(()),
        }
    }

    /// Expires every token issued so far (to test renewal).
    pub fn expire_tokens(&mut self) {
        let now = self.now();
        for expires in self.tokens.values_mut() {
            *expires = now;
        }
    }

    /// The subscription key the API accepts.
    pub fn check_subscription_key(&self, key: Option<&str>) -> Result<(), ApiError> {
        if key == Some(self.config.credentials.subscription_key.as_str()) {
            Ok(())
        } else {
            Err(ApiError::status(401, None, "Unauthorized", "the subscription key is missing or wrong"))
        }
    }

    // ---- idempotency ---------------------------------------------------------------------

    /// Runs `apply` once per (MSN, reference, key): a retry with the same operation and body
    /// gets the first answer again and changes nothing; another body or another operation
    /// with the same key is a 409 (4010 for capture, 4150 for refund, 4020 otherwise).
    /// Only successful answers are kept, so a retry after a refusal is judged afresh.
    pub fn idempotent<T: serde::Serialize>(
        &mut self,
        scope: (&str, &str, &str),
        operation: Keyed,
        body: &Value,
        apply: impl FnOnce(&mut Self) -> Result<T, ApiError>,
    ) -> Result<Value, ApiError> {
        let key = (scope.0.to_owned(), scope.1.to_owned(), scope.2.to_owned());
        if let Some(replay) = self.replays.get(&key) {
            if replay.operation != operation {
                return Err(ApiError::status(
                    409,
                    Some(4020),
                    "Conflict",
                    "the idempotency key was used for another operation",
                ));
            }
            if replay.body != canonical(body) {
                let code = match operation {
                    Keyed::Capture => 4010,
                    Keyed::Refund => 4150,
                    Keyed::Create | Keyed::Cancel => 4020,
                };
                return Err(ApiError::status(
                    409,
                    Some(code),
                    "Conflict",
                    "the idempotency key was used with another body",
                ));
            }
            return serde_json::from_slice(&replay.answer)
                .map_err(|e| ApiError::status(500, Some(3010), "Internal Server Error", e.to_string()));
        }
        let internal = |e: serde_json::Error| ApiError::status(500, Some(3010), "Internal Server Error", e.to_string());
        let answer = serde_json::to_value(apply(self)?).map_err(internal)?;
        let bytes = serde_json::to_vec(&answer).map_err(internal)?;
        self.replays.insert(key, Replay { operation, body: canonical(body), answer: bytes });
        Ok(answer)
    }

    // ---- payments ------------------------------------------------------------------------

    fn get_mut(&mut self, msn: &str, reference: &str) -> Result<&mut Payment, ApiError> {
        self.payments.get_mut(&(msn.to_owned(), reference.to_owned())).ok_or_else(|| ApiError::not_found(reference))
    }

    /// Appends an event to the payment's log and the webhook outbox; returns its pspReference.
    fn record(&mut self, msn: &str, reference: &str, name: EventName, amount: i64, key: Option<&str>) -> String {
        let psp = self.next_id(10);
        let now = self.now();
        let Some(payment) = self.payments.get_mut(&(msn.to_owned(), reference.to_owned())) else { return psp };
        let amount = payment.money(amount);
        let reference = payment.reference.clone();
        payment.psp_reference = psp.clone();
        let idempotency_key = key.and_then(|k| types::PaymentEventIdempotencyKey::try_from(k).ok());
        payment.events.push(types::PaymentEvent {
            amount: amount.clone(),
            idempotency_key: idempotency_key.clone(),
            name,
            psp_reference: types::PspReference(psp.clone()),
            reference: reference.clone(),
            success: true,
            timestamp: now,
        });
        if let Ok(msn_type) = types::Msn::try_from(msn) {
            self.outbox.push(Notification {
                event: types::WebhookEvent {
                    amount,
                    idempotency_key: key.map(str::to_owned),
                    msn: msn_type,
                    name,
                    psp_reference: types::PspReference(psp.clone()),
                    reference,
                    shipping_details: None,
                    sub: None,
                    success: true,
                    timestamp: now,
                    user_details: None,
                },
            });
        }
        psp
    }

    /// createPayment: a new payment in CREATED. The reference must be new for the MSN (409,
    /// 4150); NOK payments start at 1.00 (6010).
    pub fn create(
        &mut self,
        msn: &str,
        request: &types::CreatePaymentRequest,
        key: Option<&str>,
    ) -> Result<types::CreatePaymentResponse, ApiError> {
        let reference = request.reference.to_string();
        if self.payments.contains_key(&(msn.to_owned(), reference.clone())) {
            return Err(ApiError::status(409, Some(4150), "Conflict", format!("reference {reference} already exists")));
        }
        let minimum = if request.amount.currency == Currency::Nok { 100 } else { 1 };
        if request.amount.value < minimum {
            return Err(ApiError::rule(6010, format!("the amount must be at least {minimum} minor units")));
        }
        if !request.amount.currency.is_known() {
            return Err(ApiError::rule(4040, "the currency is not supported"));
        }
        let redirect_url = match request.user_flow {
            types::CreatePaymentRequestUserFlow::PushMessage => None,
            types::CreatePaymentRequestUserFlow::Qr => Some(format!("https://qr.sim.invalid/v1/{reference}")),
            types::CreatePaymentRequestUserFlow::NativeRedirect => Some(format!("vipps://sim/{reference}")),
            types::CreatePaymentRequestUserFlow::WebRedirect => {
                Some(format!("https://landing.sim.invalid/?ref={reference}"))
            }
        };
        self.payments.insert(
            (msn.to_owned(), reference.clone()),
            Payment {
                msn: msn.to_owned(),
                reference: request.reference.clone(),
                state: State::Created,
                amount: request.amount.value,
                currency: request.amount.currency.clone(),
                authorized: 0,
                captured: 0,
                cancelled: 0,
                refunded: 0,
                psp_reference: String::new(),
                redirect_url: redirect_url.clone(),
                events: Vec::new(),
            },
        );
        self.record(msn, &reference, EventName::Created, request.amount.value, key);
        Ok(types::CreatePaymentResponse { redirect_url, reference: request.reference.clone() })
    }

    /// The customer approves in the app: CREATED -> AUTHORIZED, the whole amount reserved.
    pub fn approve(&mut self, msn: &str, reference: &str) -> Result<(), ApiError> {
        let payment = self.get_mut(msn, reference)?;
        if payment.state != State::Created {
            return Err(ApiError::rule(10010, format!("the payment is {}, not CREATED", payment.state)));
        }
        payment.state = State::Authorized;
        payment.authorized = payment.amount;
        let amount = payment.amount;
        self.record(msn, reference, EventName::Authorized, amount, None);
        Ok(())
    }

    /// forceApprove (test environment): as [`Model::approve`].
    pub fn force_approve(&mut self, msn: &str, reference: &str) -> Result<(), ApiError> {
        self.approve(msn, reference)
    }

    /// The customer aborts: CREATED -> ABORTED.
    pub fn abort(&mut self, msn: &str, reference: &str) -> Result<(), ApiError> {
        self.end(msn, reference, State::Aborted, EventName::Aborted)
    }

    /// The payment times out unanswered: CREATED -> EXPIRED.
    pub fn expire(&mut self, msn: &str, reference: &str) -> Result<(), ApiError> {
        self.end(msn, reference, State::Expired, EventName::Expired)
    }

    fn end(&mut self, msn: &str, reference: &str, state: State, event: EventName) -> Result<(), ApiError> {
        let payment = self.get_mut(msn, reference)?;
        if payment.state != State::Created {
            return Err(ApiError::rule(10010, format!("the payment is {}, not CREATED", payment.state)));
        }
        payment.state = state;
        let amount = payment.amount;
        self.record(msn, reference, event, amount, None);
        Ok(())
    }

    fn check_amount(payment: &Payment, amount: &types::Amount) -> Result<(), ApiError> {
        if amount.currency != payment.currency {
            return Err(ApiError::rule(
                4040,
                format!("the payment is in {}, not {}", payment.currency, amount.currency),
            ));
        }
        if amount.value <= 0 {
            return Err(ApiError::rule(4040, "the amount must be more than zero"));
        }
        Ok(())
    }

    /// capturePayment: while captured + this <= authorized − cancelled.
    pub fn capture(
        &mut self,
        msn: &str,
        reference: &str,
        amount: &types::Amount,
        key: Option<&str>,
    ) -> Result<types::ModificationResponse, ApiError> {
        let full_only = self.full_capture_only.contains(msn);
        let payment = self.get_mut(msn, reference)?;
        match payment.state {
            State::Created => return Err(ApiError::rule(6080, "the payment is not authorized yet")),
            // A payment cancelled before authorization is TERMINATED: the cancel rule (6070)
            // speaks to it better than the generic state rule.
            State::Terminated => return Err(ApiError::rule(6070, "the payment was cancelled")),
            State::Aborted | State::Expired => {
                return Err(ApiError::rule(6200, format!("a {} payment cannot be captured", payment.state)));
            }
            State::Authorized => {}
        }
        Self::check_amount(payment, amount)?;
        if payment.cancelled > 0 {
            return Err(ApiError::rule(6070, "the payment was cancelled"));
        }
        if full_only && (payment.captured > 0 || amount.value != payment.capturable()) {
            return Err(ApiError::rule(6140, "this sales unit allows only a capture of the whole amount"));
        }
        if amount.value > payment.capturable() {
            return Err(ApiError::rule(6090, format!("only {} is left to capture", payment.capturable())));
        }
        payment.captured += amount.value;
        let psp = self.record(msn, reference, EventName::Captured, amount.value, key);
        Ok(self.answer(msn, reference, &psp))
    }

    /// refundPayment: up to captured − refunded.
    pub fn refund(
        &mut self,
        msn: &str,
        reference: &str,
        amount: &types::Amount,
        key: Option<&str>,
    ) -> Result<types::ModificationResponse, ApiError> {
        let payment = self.get_mut(msn, reference)?;
        match payment.state {
            State::Created => return Err(ApiError::rule(6020, "the payment is not authorized yet")),
            State::Aborted | State::Expired | State::Terminated => {
                return Err(ApiError::rule(6210, format!("a {} payment cannot be refunded", payment.state)));
            }
            State::Authorized => {}
        }
        Self::check_amount(payment, amount)?;
        if amount.value > payment.captured - payment.refunded {
            return Err(ApiError::rule(
                6150,
                format!("only {} is left to refund", payment.captured - payment.refunded),
            ));
        }
        payment.refunded += amount.value;
        let psp = self.record(msn, reference, EventName::Refunded, amount.value, key);
        Ok(self.answer(msn, reference, &psp))
    }

    /// cancelPayment: before authorization the payment ends (TERMINATED, the whole amount
    /// cancelled); after, the uncaptured rest is cancelled for good and the state stays
    /// AUTHORIZED.
    pub fn cancel(
        &mut self,
        msn: &str,
        reference: &str,
        transaction_only: bool,
        key: Option<&str>,
    ) -> Result<types::ModificationResponse, ApiError> {
        let payment = self.get_mut(msn, reference)?;
        let (event, amount) = match payment.state {
            State::Created => {
                payment.state = State::Terminated;
                payment.cancelled = payment.amount;
                (EventName::Terminated, payment.amount)
            }
            State::Authorized if transaction_only => {
                return Err(ApiError::rule(6060, "the payment is authorized and cancelTransactionOnly is set"));
            }
            State::Authorized if payment.captured >= payment.authorized => {
                return Err(ApiError::rule(6040, "the payment is fully captured"));
            }
            // Chosen here: a second cancel finds nothing left to release.
            State::Authorized if payment.cancelled > 0 => {
                return Err(ApiError::rule(6190, "the payment is already cancelled"));
            }
            State::Authorized => {
                let rest = payment.authorized - payment.captured;
                payment.cancelled = rest;
                (EventName::Cancelled, rest)
            }
            State::Terminated => return Err(ApiError::rule(6190, "the payment is already cancelled")),
            State::Aborted | State::Expired => {
                return Err(ApiError::rule(6050, format!("a {} payment was never reserved", payment.state)));
            }
        };
        let psp = self.record(msn, reference, event, amount, key);
        Ok(self.answer(msn, reference, &psp))
    }

    fn answer(&self, msn: &str, reference: &str, psp: &str) -> types::ModificationResponse {
        self.payments[&(msn.to_owned(), reference.to_owned())].modification_response(psp)
    }

    /// getPayment.
    pub fn get(&self, msn: &str, reference: &str) -> Result<types::GetPaymentResponse, ApiError> {
        self.payment(msn, reference).map(Payment::get_response).ok_or_else(|| ApiError::not_found(reference))
    }

    /// getPaymentEventLog.
    pub fn events(&self, msn: &str, reference: &str) -> Result<Vec<types::PaymentEvent>, ApiError> {
        self.payment(msn, reference).map(|p| p.events.clone()).ok_or_else(|| ApiError::not_found(reference))
    }
}
