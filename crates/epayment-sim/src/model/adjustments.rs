//! Capture, refund and cancel: the aggregate arithmetic, the deadlines, and the error code of
//! each refusal.

use epayment_api::epayment::types;
use epayment_vocabulary::{ErrorCode, EventName, State};

use super::events::Event;
use super::{ApiError, Model, Payment, PaymentKey, test_amounts};

/// How long after authorization a payment may be refunded.
const REFUND_PERIOD: chrono::TimeDelta = chrono::TimeDelta::days(365);

// fidelity: modification-amount
fn check_amount(payment: &Payment, amount: &types::Amount) -> Result<(), ApiError> {
    if amount.currency != payment.currency {
        return Err(ApiError::rule(
            ErrorCode::InvalidAmount,
            format!("the payment is in {}, not {}", payment.currency, amount.currency),
        )
        .fidelity("modification-amount"));
    }
    if amount.value <= 0 {
        return Err(ApiError::rule(ErrorCode::InvalidAmount, "the amount must be more than zero")
            .fidelity("modification-amount"));
    }
    Ok(())
}

impl Model {
    /// capturePayment: while captured + this <= authorized − cancelled.
    pub(crate) fn capture(
        &mut self,
        key: &PaymentKey,
        amount: &types::Amount,
        idempotency_key: Option<&str>,
    ) -> Result<types::ModificationResponse, ApiError> {
        let unit = self.sales_units.get(&key.msn);
        let (now, issuer_releases, rules) = (self.now(), self.issuer_releases, self.rules.clone());
        let payment = self.get_mut(key)?;
        // fidelity: capture-deadline
        let period = rules.most("capture-deadline", unit.capture_period());
        if payment.state == State::Authorized && payment.period_over(period, now) {
            return Err(ApiError::rule(ErrorCode::CapturePeriodExpired, "the capture period is over")
                .fidelity("capture-deadline"));
        }
        // fidelity: capture-after-guarantee
        // Past the card network's guarantee a capture is a new charge; it fails when the
        // issuer released the reservation (a setting: the default keeps it).
        let past_guarantee =
            payment.capture_guaranteed_until.is_some_and(|until| rules.most("capture-after-guarantee", until) <= now);
        if payment.state == State::Authorized && past_guarantee && issuer_releases {
            let card = payment.card.name();
            return Err(ApiError::rule(
                ErrorCode::FundsUnavailable,
                format!("the issuer released the reservation when the {card} guarantee ended"),
            )
            .fidelity("capture-after-guarantee"));
        }
        match payment.state {
            // fidelity: capture-before-authorization
            State::Created if rules.enforced("capture-before-authorization") => {
                return Err(ApiError::rule(ErrorCode::CaptureBeforeReservation, "the payment is not authorized yet")
                    .fidelity("capture-before-authorization"));
            }
            // fidelity: capture-terminated
            // Our choice: a payment cancelled before authorization is TERMINATED, and the
            // cancel rule (6070) speaks to it better than the generic state rule.
            State::Terminated if rules.enforced("capture-terminated") => {
                return Err(ApiError::rule(ErrorCode::CaptureCancelled, "the payment was cancelled")
                    .fidelity("capture-terminated"));
            }
            // fidelity: capture-final-state
            State::Authorized => {}
            // Aborted, expired, and (never set here) a state the document adds later.
            _ => {
                let refusal = ApiError::rule(
                    ErrorCode::CannotCaptureInState,
                    format!("{} payment cannot be captured", a(&payment.state)),
                );
                return Err(refusal.fidelity("capture-final-state"));
            }
        }
        check_amount(payment, amount)?;
        // fidelity: capture-after-cancel
        if rules.enforced("capture-after-cancel") && payment.cancelled > 0 {
            return Err(ApiError::rule(ErrorCode::CaptureCancelled, "the payment was cancelled")
                .fidelity("capture-after-cancel"));
        }
        // fidelity: capture-full-only
        if rules.enforced("capture-full-only")
            && unit.full_capture_only
            && (payment.captured > 0 || amount.value != payment.capturable())
        {
            let refusal =
                ApiError::rule(ErrorCode::FullCaptureOnly, "this sales unit allows only a capture of the whole amount");
            return Err(refusal.fidelity("capture-full-only"));
        }
        // fidelity: capture-amount
        if amount.value > rules.most("capture-amount", payment.capturable()) {
            let refusal = ApiError::rule(
                ErrorCode::CaptureAmountTooHigh,
                format!("only {} is left to capture", payment.capturable()),
            );
            // fidelity: capture-after-full-capture
            // Our choice: nothing is left after a full capture, so it is 6090 too; the row
            // says so, and a comparison names it.
            if payment.captured > 0 && payment.capturable() == 0 {
                return Err(refusal.fidelity("capture-after-full-capture"));
            }
            return Err(refusal.fidelity("capture-amount"));
        }
        payment.captured += amount.value;
        self.record(key, Event::done(EventName::Captured, amount.value, idempotency_key));
        self.answer(key)
    }

    /// refundPayment: up to captured − refunded.
    pub(crate) fn refund(
        &mut self,
        key: &PaymentKey,
        amount: &types::Amount,
        idempotency_key: Option<&str>,
    ) -> Result<types::ModificationResponse, ApiError> {
        let (now, test_amounts, rules) = (self.now(), self.test_amounts, self.rules.clone());
        let payment = self.get_mut(key)?;
        // fidelity: refund-deadline
        // Counted from authorization: our choice where the facts say "within 365 days".
        let period = rules.most("refund-deadline", REFUND_PERIOD);
        if payment.state == State::Authorized && payment.period_over(period, now) {
            return Err(
                ApiError::rule(ErrorCode::RefundPeriodExpired, "the refund period is over").fidelity("refund-deadline")
            );
        }
        match payment.state {
            // fidelity: refund-before-authorization
            State::Created if rules.enforced("refund-before-authorization") => {
                return Err(ApiError::rule(ErrorCode::RefundBeforeReservation, "the payment is not authorized yet")
                    .fidelity("refund-before-authorization"));
            }
            // fidelity: refund-final-state
            State::Authorized => {}
            // Aborted, expired, terminated, and (never set here) a state the document adds later.
            _ => {
                let refusal = ApiError::rule(
                    ErrorCode::CannotRefundInState,
                    format!("{} payment cannot be refunded", a(&payment.state)),
                );
                return Err(refusal.fidelity("refund-final-state"));
            }
        }
        check_amount(payment, amount)?;
        if test_amounts && let Some(refused) = test_amounts::refuse_refund(amount.value) {
            return Err(refused);
        }
        // fidelity: refund-amount
        if amount.value > rules.most("refund-amount", payment.refundable()) {
            let refusal = ApiError::rule(
                ErrorCode::RefundAmountTooHigh,
                format!("only {} is left to refund", payment.refundable()),
            );
            return Err(refusal.fidelity("refund-amount"));
        }
        payment.refunded += amount.value;
        self.record(key, Event::done(EventName::Refunded, amount.value, idempotency_key));
        self.answer(key)
    }

    /// cancelPayment: before authorization the payment ends (TERMINATED, the whole amount
    /// cancelled); after, the uncaptured rest is cancelled for good and the state stays
    /// AUTHORIZED.
    pub(crate) fn cancel(
        &mut self,
        key: &PaymentKey,
        transaction_only: bool,
        idempotency_key: Option<&str>,
    ) -> Result<types::ModificationResponse, ApiError> {
        let rules = self.rules.clone();
        let period = rules.most("cancel-deadline", self.sales_units.get(&key.msn).capture_period());
        let now = self.now();
        let payment = self.get_mut(key)?;
        // fidelity: cancel-deadline
        // Within 180 days of the reservation and inside the capture period: the capture period,
        // which is never longer than 180 days.
        let something_to_release = payment.cancelled == 0 && payment.captured < payment.authorized;
        if payment.state == State::Authorized && something_to_release && payment.period_over(period, now) {
            return Err(
                ApiError::rule(ErrorCode::CancelPeriodExpired, "the cancel period is over").fidelity("cancel-deadline")
            );
        }
        let (event, amount) = match payment.state {
            // fidelity: cancel-before-authorization
            State::Created => {
                payment.state = State::Terminated;
                payment.cancelled = payment.amount;
                (EventName::Terminated, payment.amount)
            }
            // fidelity: cancel-transaction-only
            State::Authorized if transaction_only && rules.enforced("cancel-transaction-only") => {
                let refusal = ApiError::rule(
                    ErrorCode::CancelAuthorizedTransactionOnly,
                    "the payment is authorized and cancelTransactionOnly is set",
                );
                return Err(refusal.fidelity("cancel-transaction-only"));
            }
            // fidelity: cancel-fully-captured
            State::Authorized if payment.captured >= payment.authorized && rules.enforced("cancel-fully-captured") => {
                return Err(ApiError::rule(ErrorCode::CancelFullyCaptured, "the payment is fully captured")
                    .fidelity("cancel-fully-captured"));
            }
            // fidelity: cancel-twice
            // Our choice: a second cancel finds nothing left to release.
            State::Authorized if payment.cancelled > 0 && rules.enforced("cancel-twice") => {
                return Err(ApiError::rule(ErrorCode::CannotCancelInState, "the payment is already cancelled")
                    .fidelity("cancel-twice"));
            }
            // fidelity: cancel-remainder
            State::Authorized => {
                let rest = payment.authorized - payment.captured;
                payment.cancelled = rest;
                (EventName::Cancelled, rest)
            }
            // fidelity: cancel-twice
            State::Terminated if rules.enforced("cancel-twice") => {
                return Err(ApiError::rule(ErrorCode::CannotCancelInState, "the payment is already cancelled")
                    .fidelity("cancel-twice"));
            }
            // fidelity: cancel-never-reserved
            // Aborted, expired, and (never set here) a state the document adds later.
            _ => {
                let refusal = ApiError::rule(
                    ErrorCode::CancelNotReserved,
                    format!("{} payment was never reserved", a(&payment.state)),
                );
                return Err(refusal.fidelity("cancel-never-reserved"));
            }
        };
        self.record(key, Event::done(event, amount, idempotency_key));
        self.answer(key)
    }

    fn answer(&self, key: &PaymentKey) -> Result<types::ModificationResponse, ApiError> {
        self.payment(key).map(Payment::modification_response).ok_or_else(|| ApiError::not_found(&key.reference))
    }
}

/// `an EXPIRED`, `a TERMINATED`: the state with the article its name takes.
fn a(state: &State) -> String {
    let vowel = state.to_string().starts_with(['A', 'E', 'I', 'O', 'U']);
    format!("{} {state}", if vowel { "an" } else { "a" })
}
