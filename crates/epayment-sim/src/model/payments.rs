//! The payments and their rules: the state machine of a payment, its aggregate arithmetic,
//! and the error code of each refusal.

use chrono::{DateTime, Utc};
use epayment_api::Currency;
use epayment_api::epayment::types;
use epayment_api::{EventName, State};

use super::{ApiError, Market, Model, Notification};

/// How long a customer has to act on a created payment before it expires.
pub const CUSTOMER_TIME: chrono::TimeDelta = chrono::TimeDelta::minutes(10);
/// How long after authorization a payment may be refunded.
pub const REFUND_PERIOD: chrono::TimeDelta = chrono::TimeDelta::days(365);

/// The longest capture period there is: Norway's, and late capture's in Denmark and Finland.
const LONGEST_CAPTURE_PERIOD: chrono::TimeDelta = chrono::TimeDelta::days(180);

impl Market {
    /// How long after authorization a payment of this market may be captured or cancelled:
    /// 180 days in Norway; 14 days in Denmark and Finland, or 180 where the sales unit has
    /// late capture.
    // fidelity: capture-deadline
    pub fn capture_period(self, late_capture: bool) -> chrono::TimeDelta {
        match self {
            Market::Norway => LONGEST_CAPTURE_PERIOD,
            Market::Denmark | Market::Finland if late_capture => LONGEST_CAPTURE_PERIOD,
            Market::Denmark | Market::Finland => chrono::TimeDelta::days(14),
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
    /// The pspReference of the creation event, which the API's answers carry.
    pub psp_reference: String,
    /// The Idempotency-Key of the create call, which the AUTHORIZED event carries.
    pub create_key: Option<String>,
    /// Where the customer was sent, if the flow has a URL.
    pub redirect_url: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When the customer approved it.
    pub authorized_at: Option<DateTime<Utc>>,
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

    /// The answer of capture, cancel and refund: like Get payment, it carries the pspReference
    /// of the creation event, not the new event's.
    // fidelity: psp-reference-in-answers
    pub fn modification_response(&self) -> types::ModificationResponse {
        types::ModificationResponse {
            aggregate: self.aggregate(),
            amount: self.money(self.amount),
            psp_reference: types::PspReference(self.psp_reference.clone()),
            reference: self.reference.clone(),
            state: self.state.clone(),
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
            state: self.state.clone(),
            user_details: None,
        }
    }

    /// Whether `period` after approval has passed at `now` (never, for a payment not approved).
    fn period_over(&self, period: chrono::TimeDelta, now: DateTime<Utc>) -> bool {
        self.authorized_at.is_some_and(|at| at + period <= now)
    }

    /// What may still be captured.
    pub fn capturable(&self) -> i64 {
        self.authorized - self.captured - self.cancelled
    }

    /// What may still be refunded.
    pub fn refundable(&self) -> i64 {
        self.captured - self.refunded
    }
}

impl Model {
    /// A payment, if there is one.
    pub fn payment(&self, msn: &str, reference: &str) -> Option<&Payment> {
        self.payments.get(&(msn.to_owned(), reference.to_owned()))
    }

    /// Every payment.
    pub fn payments(&self) -> impl Iterator<Item = &Payment> {
        self.payments.values()
    }

    // fidelity: payment-not-found
    fn get_mut(&mut self, msn: &str, reference: &str) -> Result<&mut Payment, ApiError> {
        self.payments.get_mut(&(msn.to_owned(), reference.to_owned())).ok_or_else(|| ApiError::not_found(reference))
    }

    /// Appends an event to the payment's log and the webhook outbox; returns its own
    /// pspReference (every event has one; the webhook carries it).
    // fidelity: psp-reference-per-event
    pub(crate) fn record(
        &mut self,
        msn: &str,
        reference: &str,
        name: EventName,
        amount: i64,
        key: Option<&str>,
        success: bool,
    ) -> String {
        let now = self.now();
        self.record_at(msn, reference, name, amount, key, success, now)
    }

    /// [`Model::record`] at a given time (an expiry is logged when it came due, not when the
    /// simulator noticed).
    #[allow(clippy::too_many_arguments, reason = "one event's fields")]
    fn record_at(
        &mut self,
        msn: &str,
        reference: &str,
        name: EventName,
        amount: i64,
        key: Option<&str>,
        success: bool,
        now: DateTime<Utc>,
    ) -> String {
        let psp = self.next_id(10);
        let Some(payment) = self.payments.get_mut(&(msn.to_owned(), reference.to_owned())) else { return psp };
        let amount = payment.money(amount);
        let reference = payment.reference.clone();
        let idempotency_key = key.and_then(|k| types::PaymentEventIdempotencyKey::try_from(k).ok());
        payment.events.push(types::PaymentEvent {
            amount: amount.clone(),
            idempotency_key: idempotency_key.clone(),
            name: name.clone(),
            psp_reference: types::PspReference(psp.clone()),
            reference: reference.clone(),
            success,
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
                    success,
                    timestamp: now,
                    user_details: None,
                },
            });
        }
        psp
    }

    /// Applies what came due by now: a CREATED payment the customer left alone for
    /// ten minutes becomes EXPIRED, with its event (and webhook) at the moment it expired.
    // fidelity: payment-expiry
    pub fn catch_up(&mut self) {
        let now = self.now();
        while let Some(first) = self.expiries.first().filter(|(at, _, _)| *at <= now).cloned() {
            self.expiries.remove(&first);
            let (at, msn, reference) = first;
            // The customer may have acted, or the merchant cancelled, meanwhile.
            let Some(payment) = self.payments.get_mut(&(msn.clone(), reference.clone())) else { continue };
            if payment.state != State::Created {
                continue;
            }
            payment.state = State::Expired;
            let amount = payment.amount;
            self.record_at(&msn, &reference, EventName::Expired, amount, None, true, at);
        }
        self.rate_limits.prune(now);
    }

    /// An operation that was tried and failed (an injected refusal of capture, refund or
    /// cancel): its event is logged and delivered with `success: false`, and nothing changes.
    /// Nothing is logged for a payment that does not exist.
    // fidelity: webhook-success-false
    pub fn record_failure(&mut self, msn: &str, reference: &str, name: EventName, amount: i64, key: Option<&str>) {
        if self.payment(msn, reference).is_some() {
            self.record(msn, reference, name, amount, key, false);
        }
    }

    /// createPayment: a new payment in CREATED, after the rules the schema does not say.
    pub fn create(
        &mut self,
        msn: &str,
        request: &types::CreatePaymentRequest,
        key: Option<&str>,
    ) -> Result<types::CreatePaymentResponse, ApiError> {
        use types::CreatePaymentRequestUserFlow as Flow;
        let reference = request.reference.to_string();
        // fidelity: create-reference-taken
        // Our choice: a reference already used by this MSN is 409 with 4150, before any
        // other rule.
        if self.payments.contains_key(&(msn.to_owned(), reference.clone())) {
            return Err(ApiError::status(409, Some(4150), format!("reference {reference} already exists")));
        }
        // fidelity: create-return-url-required
        if request.user_flow == Flow::WebRedirect && request.return_url.is_none() {
            return Err(ApiError::rule(4140, "returnUrl is required for the WEB_REDIRECT flow"));
        }
        // fidelity: create-customer-required
        if request.user_flow == Flow::PushMessage && request.customer.is_none() {
            return Err(ApiError::rule(4140, "customer is required for the PUSH_MESSAGE flow"));
        }
        // fidelity: create-https-urls
        let urls = request
            .return_url
            .iter()
            .map(|u| u.as_str())
            .chain(request.shipping.iter().flat_map(|s| s.dynamic_options.as_ref()).map(|d| d.callback_url.as_str()))
            .chain(request.card_passthrough.iter().map(|c| c.card_callback_url.as_str()));
        for url in urls {
            if !url.starts_with("https://") || reqwest::Url::parse(url).is_err() {
                return Err(ApiError::rule(4090, format!("{url} is not a valid https URL")));
            }
        }
        let currency = &request.amount.currency;
        let market = self.sales_units.market(msn);
        let card_passthrough = request.payment_method.type_ == types::PaymentMethodType::CardPassthrough;
        if !currency.is_known() {
            return Err(ApiError::rule(4040, "the currency is not supported"));
        }
        // fidelity: create-currency-market
        let allowed = match currency {
            Currency::Sek | Currency::Usd | Currency::Gbp => card_passthrough,
            _ => market.takes(currency),
        };
        if !allowed {
            return Err(ApiError::rule(
                5040,
                format!("a {market:?} sales unit does not take {currency} with {:?}", request.payment_method.type_),
            ));
        }
        // fidelity: create-minimum-amount
        let minimum = match currency {
            Currency::Nok | Currency::Sek => 100,
            _ => 1,
        };
        if request.amount.value < minimum {
            return Err(ApiError::rule(6010, format!("the amount must be at least {minimum} minor units")));
        }
        let redirect_url = match request.user_flow {
            Flow::PushMessage => None,
            Flow::Qr => Some(format!("https://qr.sim.invalid/v1/{reference}")),
            Flow::NativeRedirect => Some(format!("vipps://sim/{reference}")),
            Flow::WebRedirect => Some(format!("https://landing.sim.invalid/?ref={reference}")),
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
                create_key: key.map(str::to_owned),
                redirect_url: redirect_url.clone(),
                created_at: self.now(),
                authorized_at: None,
                events: Vec::new(),
            },
        );
        self.expiries.insert((self.now() + CUSTOMER_TIME, msn.to_owned(), reference.clone()));
        let psp = self.record(msn, &reference, EventName::Created, request.amount.value, key, true);
        if let Some(payment) = self.payments.get_mut(&(msn.to_owned(), reference)) {
            payment.psp_reference = psp;
        }
        Ok(types::CreatePaymentResponse { redirect_url, reference: request.reference.clone() })
    }

    /// The customer approves in the app: CREATED -> AUTHORIZED, the whole amount reserved.
    pub fn approve(&mut self, msn: &str, reference: &str) -> Result<(), ApiError> {
        let now = self.now();
        let payment = self.get_mut(msn, reference)?;
        // fidelity: approve-only-created
        // Our choice of code among the documented 10010..10070: 10010, "approve failed".
        if payment.state != State::Created {
            return Err(ApiError::rule(10010, format!("the payment is {}, not CREATED", payment.state)));
        }
        payment.state = State::Authorized;
        payment.authorized = payment.amount;
        payment.authorized_at = Some(now);
        let (amount, create_key) = (payment.amount, payment.create_key.clone());
        // fidelity: authorized-event-create-key
        self.record(msn, reference, EventName::Authorized, amount, create_key.as_deref(), true);
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
        // fidelity: final-states
        if payment.state != State::Created {
            return Err(ApiError::rule(10010, format!("the payment is {}, not CREATED", payment.state)));
        }
        payment.state = state;
        let amount = payment.amount;
        self.record(msn, reference, event, amount, None, true);
        Ok(())
    }

    // fidelity: modification-amount
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
        let (now, period) = (self.now(), self.capture_period(msn));
        let payment = self.get_mut(msn, reference)?;
        if payment.state == State::Authorized && payment.period_over(period, now) {
            return Err(ApiError::rule(6100, "the capture period is over"));
        }
        match payment.state {
            // fidelity: capture-before-authorization
            State::Created => return Err(ApiError::rule(6080, "the payment is not authorized yet")),
            // fidelity: capture-terminated
            // Our choice: a payment cancelled before authorization is TERMINATED, and the
            // cancel rule (6070) speaks to it better than the generic state rule.
            State::Terminated => return Err(ApiError::rule(6070, "the payment was cancelled")),
            // fidelity: capture-final-state
            State::Authorized => {}
            // Aborted, expired, and (never set here) a state the document adds later.
            _ => return Err(ApiError::rule(6200, format!("a {} payment cannot be captured", payment.state))),
        }
        Self::check_amount(payment, amount)?;
        // fidelity: capture-after-cancel
        if payment.cancelled > 0 {
            return Err(ApiError::rule(6070, "the payment was cancelled"));
        }
        // fidelity: capture-full-only
        if full_only && (payment.captured > 0 || amount.value != payment.capturable()) {
            return Err(ApiError::rule(6140, "this sales unit allows only a capture of the whole amount"));
        }
        // fidelity: capture-amount
        if amount.value > payment.capturable() {
            return Err(ApiError::rule(6090, format!("only {} is left to capture", payment.capturable())));
        }
        payment.captured += amount.value;
        self.record(msn, reference, EventName::Captured, amount.value, key, true);
        Ok(self.answer(msn, reference))
    }

    /// refundPayment: up to captured − refunded.
    pub fn refund(
        &mut self,
        msn: &str,
        reference: &str,
        amount: &types::Amount,
        key: Option<&str>,
    ) -> Result<types::ModificationResponse, ApiError> {
        let now = self.now();
        let payment = self.get_mut(msn, reference)?;
        // fidelity: refund-deadline
        // Counted from authorization: our choice where the facts say "within 365 days".
        if payment.state == State::Authorized && payment.period_over(REFUND_PERIOD, now) {
            return Err(ApiError::rule(6220, "the refund period is over"));
        }
        match payment.state {
            // fidelity: refund-before-authorization
            State::Created => return Err(ApiError::rule(6020, "the payment is not authorized yet")),
            // fidelity: refund-final-state
            State::Authorized => {}
            // Aborted, expired, terminated, and (never set here) a state the document adds later.
            _ => return Err(ApiError::rule(6210, format!("a {} payment cannot be refunded", payment.state))),
        }
        Self::check_amount(payment, amount)?;
        // fidelity: refund-amount
        if amount.value > payment.refundable() {
            return Err(ApiError::rule(6150, format!("only {} is left to refund", payment.refundable())));
        }
        payment.refunded += amount.value;
        self.record(msn, reference, EventName::Refunded, amount.value, key, true);
        Ok(self.answer(msn, reference))
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
        let (now, period) = (self.now(), self.capture_period(msn));
        let payment = self.get_mut(msn, reference)?;
        // fidelity: cancel-deadline
        // Within 180 days of the reservation and inside the capture period: the capture period,
        // which is never longer than 180 days.
        let something_to_release = payment.cancelled == 0 && payment.captured < payment.authorized;
        if payment.state == State::Authorized && something_to_release && payment.period_over(period, now) {
            return Err(ApiError::rule(6030, "the cancel period is over"));
        }
        let (event, amount) = match payment.state {
            // fidelity: cancel-before-authorization
            State::Created => {
                payment.state = State::Terminated;
                payment.cancelled = payment.amount;
                (EventName::Terminated, payment.amount)
            }
            // fidelity: cancel-transaction-only
            State::Authorized if transaction_only => {
                return Err(ApiError::rule(6060, "the payment is authorized and cancelTransactionOnly is set"));
            }
            // fidelity: cancel-fully-captured
            State::Authorized if payment.captured >= payment.authorized => {
                return Err(ApiError::rule(6040, "the payment is fully captured"));
            }
            // fidelity: cancel-twice
            // Our choice: a second cancel finds nothing left to release.
            State::Authorized if payment.cancelled > 0 => {
                return Err(ApiError::rule(6190, "the payment is already cancelled"));
            }
            // fidelity: cancel-remainder
            State::Authorized => {
                let rest = payment.authorized - payment.captured;
                payment.cancelled = rest;
                (EventName::Cancelled, rest)
            }
            State::Terminated => return Err(ApiError::rule(6190, "the payment is already cancelled")),
            // fidelity: cancel-never-reserved
            // Aborted, expired, and (never set here) a state the document adds later.
            _ => return Err(ApiError::rule(6050, format!("a {} payment was never reserved", payment.state))),
        };
        self.record(msn, reference, event, amount, key, true);
        Ok(self.answer(msn, reference))
    }

    fn answer(&self, msn: &str, reference: &str) -> types::ModificationResponse {
        self.payments[&(msn.to_owned(), reference.to_owned())].modification_response()
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
