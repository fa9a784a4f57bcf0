//! What the customer does with a created payment: approve it in the app, abort it, or leave it
//! until it expires.

use chrono::{DateTime, Utc};
use epayment_vocabulary::{ErrorCode, EventName, State};

use super::events::Event;
use super::{ApiError, Model, Payment, PaymentKey, cards, profile, test_amounts};
use crate::clock;
use crate::mutants::Rules;

/// How long a customer has to act on a created payment before it expires.
const CUSTOMER_TIME: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// When a created payment expires unless the customer acts.
pub(crate) fn expires_at(payment: &Payment, rules: &Rules) -> DateTime<Utc> {
    clock::later(payment.created_at, rules.most("payment-expiry", CUSTOMER_TIME))
}

impl Model {
    /// The customer approves in the app: CREATED -> AUTHORIZED, the whole amount reserved and
    /// what the profile scope asked for shared. With the test environment's amounts on, a
    /// payment of one of them is declined (it stays CREATED), or, for 201, left pending for an
    /// hour and then authorized.
    pub(crate) fn approve(&mut self, key: &PaymentKey) -> Result<(), ApiError> {
        let now = self.now();
        let market = self.sales_units.get(&key.msn).market;
        let test_amounts = self.test_amounts;
        let rules = self.rules.clone();
        let payment = self.get_mut(key)?;
        // fidelity: approve-only-created
        // Our choice of code among the documented 10010..10070: 10010, "approve failed".
        if rules.enforced("approve-only-created") && payment.state != State::Created {
            let refusal =
                ApiError::rule(ErrorCode::ForceApproveFailed, format!("the payment is {}, not CREATED", payment.state));
            return Err(refusal.fidelity("approve-only-created"));
        }
        if payment.decided_at.is_some() {
            return Err(ApiError::rule(ErrorCode::ForceApproveFailed, "the payment's result is not known yet")
                .fidelity("approve-only-created"));
        }
        if test_amounts {
            if let Some(declined) = test_amounts::refuse_approval(payment.amount, market) {
                return Err(declined);
            }
            if payment.amount == test_amounts::UNKNOWN_RESULT {
                let at = clock::later(now, test_amounts::UNKNOWN_FOR);
                payment.decided_at = Some(at);
                self.decisions.insert((at, key.clone()));
                return Ok(());
            }
        }
        self.authorize(key, now)
    }

    /// CREATED -> AUTHORIZED at `at`: the reservation, the capture guarantee, the consent.
    fn authorize(&mut self, key: &PaymentKey, at: DateTime<Utc>) -> Result<(), ApiError> {
        let unit = self.sales_units.get(&key.msn);
        let sub = self.uuid();
        let payment = self.get_mut(key)?;
        let consent = profile::consent(&payment.scopes, payment.shipping.as_ref())?;
        payment.state = State::Authorized;
        payment.authorized = payment.amount;
        payment.authorized_at = Some(at);
        payment.decided_at = None;
        // fidelity: capture-guarantee
        payment.capture_guaranteed_until = Some(cards::guaranteed_until(payment.card, &unit, at));
        payment.sub = (!payment.scopes.is_empty()).then_some(sub);
        payment.consent = Some(consent);
        let (amount, create_key) = (payment.amount, payment.create_key.clone());
        // fidelity: authorized-event-create-key
        self.record_at(key, Event::done(EventName::Authorized, amount, create_key.as_deref()), at);
        Ok(())
    }

    /// forceApprove (test environment): as [`Model::approve`], but not for Express payments,
    /// which the test environment refuses to force approve.
    pub(crate) fn force_approve(&mut self, key: &PaymentKey) -> Result<(), ApiError> {
        // fidelity: express-no-force-approve
        if self.rules.enforced("express-no-force-approve") && self.payment(key).is_some_and(Payment::is_express) {
            let refusal = ApiError::rule(
                ErrorCode::ForceApproveNotSupported,
                "an express payment cannot be force approved; approve it in the app",
            );
            return Err(refusal.fidelity("express-no-force-approve"));
        }
        self.approve(key)
    }

    /// The customer will not share what the profile scope asks for: the app ends the payment
    /// (ABORTED), as it cannot go on without the consent.
    // fidelity: profile-refused
    pub(crate) fn refuse_consent(&mut self, key: &PaymentKey) -> Result<(), ApiError> {
        if self.payment(key).is_some_and(|p| p.scopes.is_empty()) {
            return Err(ApiError::rule(
                ErrorCode::ForceApproveFailed,
                "the payment asks for no profile data to refuse",
            )
            .fidelity("profile-refused"));
        }
        self.abort(key)
    }

    /// The customer aborts: CREATED -> ABORTED.
    pub(crate) fn abort(&mut self, key: &PaymentKey) -> Result<(), ApiError> {
        self.end(key, State::Aborted, EventName::Aborted)
    }

    /// The payment times out unanswered: CREATED -> EXPIRED.
    pub(crate) fn expire(&mut self, key: &PaymentKey) -> Result<(), ApiError> {
        self.end(key, State::Expired, EventName::Expired)
    }

    fn end(&mut self, key: &PaymentKey, state: State, event: EventName) -> Result<(), ApiError> {
        let rules = self.rules.clone();
        let payment = self.get_mut(key)?;
        // fidelity: final-states
        if rules.enforced("final-states") && payment.state != State::Created {
            let refusal =
                ApiError::rule(ErrorCode::ForceApproveFailed, format!("the payment is {}, not CREATED", payment.state));
            return Err(refusal.fidelity("final-states"));
        }
        payment.state = state;
        let amount = payment.amount;
        self.record(key, Event::done(event, amount, None));
        Ok(())
    }

    /// Applies the expiries due by `now`: a CREATED payment the customer left alone for ten
    /// minutes becomes EXPIRED, with its event (and webhook) at the moment it expired.
    // fidelity: payment-expiry
    pub(crate) fn expire_due(&mut self, now: DateTime<Utc>) {
        while let Some(first) = self.expiries.first().filter(|(at, _)| *at <= now).cloned() {
            self.expiries.remove(&first);
            let (at, key) = first;
            // The customer may have acted, or the merchant cancelled, meanwhile; a payment whose
            // result is pending waits for it.
            let Some(payment) = self.payments.get_mut(&key) else { continue };
            if payment.state != State::Created || payment.decided_at.is_some() {
                continue;
            }
            payment.state = State::Expired;
            let amount = payment.amount;
            self.record_at(&key, Event::done(EventName::Expired, amount, None), at);
        }
    }

    /// Decides the payments whose result was unknown (test amount 201) and is due by `now`:
    /// they are authorized, at the moment they were due.
    // fidelity: test-amounts
    pub(crate) fn decide_due(&mut self, now: DateTime<Utc>) {
        while let Some(first) = self.decisions.first().filter(|(at, _)| *at <= now).cloned() {
            self.decisions.remove(&first);
            let (at, key) = first;
            if self.payment(&key).is_some_and(|p| p.state == State::Created && p.decided_at == Some(at)) {
                // An Express customer with no allowed address cannot be authorized: it stays
                // CREATED and expires with the customer's time.
                let _ = self.authorize(&key, at);
            }
        }
    }
}
