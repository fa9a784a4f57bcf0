//! createPayment's rules beyond the schema: references, flows, URLs, currencies, minimums.

use epayment_api::epayment::types;
use epayment_vocabulary::{Currency, ErrorCode, EventName, State};

use super::customer::expires_at;
use super::events::Event;
use super::{ApiError, Model, Payment, PaymentKey, profile};

impl Model {
    /// createPayment for sales unit `msn`: a new payment in CREATED.
    pub(crate) fn create(
        &mut self,
        msn: &str,
        request: &types::CreatePaymentRequest,
        idempotency_key: Option<&str>,
    ) -> Result<types::CreatePaymentResponse, ApiError> {
        use types::CreatePaymentRequestUserFlow as Flow;
        let key = PaymentKey::new(msn, request.reference.as_str());
        // fidelity: create-reference-taken
        // Our choice: a reference already used by this MSN is 409 with 4150, before any
        // other rule.
        if self.rules.enforced("create-reference-taken") && self.payments.contains_key(&key) {
            let refusal = ApiError::conflict(
                ErrorCode::ReferenceExistsOrRefundConflict,
                format!("reference {} already exists", key.reference),
            );
            return Err(refusal.fidelity("create-reference-taken"));
        }
        // fidelity: create-return-url-required
        if request.user_flow == Flow::WebRedirect && request.return_url.is_none() {
            let refusal =
                ApiError::rule(ErrorCode::MissingParameter, "returnUrl is required for the WEB_REDIRECT flow");
            return Err(refusal.fidelity("create-return-url-required"));
        }
        // fidelity: create-customer-required
        if request.user_flow == Flow::PushMessage && request.customer.is_none() {
            let refusal = ApiError::rule(ErrorCode::MissingParameter, "customer is required for the PUSH_MESSAGE flow");
            return Err(refusal.fidelity("create-customer-required"));
        }
        check_urls(request)?;
        self.check_currency(msn, request)?;
        let scopes = profile::scopes(request)?;
        if let Some(shipping) = &request.shipping {
            profile::check_express(shipping, &scopes)?;
        }
        let reference = &key.reference;
        let redirect_url = match request.user_flow {
            Flow::PushMessage => None,
            Flow::Qr => Some(format!("https://qr.sim.invalid/v1/{reference}")),
            Flow::NativeRedirect => Some(format!("vipps://sim/{reference}")),
            Flow::WebRedirect => Some(format!("https://landing.sim.invalid/?ref={reference}")),
        };
        let payment = Payment {
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
            create_key: idempotency_key.map(str::to_owned),
            redirect_url: redirect_url.clone(),
            created_at: self.now(),
            authorized_at: None,
            card: self.card,
            capture_guaranteed_until: None,
            decided_at: None,
            scopes,
            shipping: request.shipping.clone(),
            sub: None,
            consent: None,
            events: Vec::new(),
        };
        self.expiries.insert((expires_at(&payment, &self.rules), key.clone()));
        self.payments.insert(key.clone(), payment);
        let psp = self.record(&key, Event::done(EventName::Created, request.amount.value, idempotency_key));
        if let Some(payment) = self.payments.get_mut(&key) {
            payment.psp_reference = psp;
        }
        Ok(types::CreatePaymentResponse { redirect_url, reference: request.reference.clone() })
    }

    /// The currency for the sales unit's market, and the minimum amount in it.
    fn check_currency(&self, msn: &str, request: &types::CreatePaymentRequest) -> Result<(), ApiError> {
        let currency = &request.amount.currency;
        let market = self.sales_units.get(msn).market;
        let card_passthrough = request.payment_method.type_ == types::PaymentMethodType::CardPassthrough;
        if !currency.is_known() {
            return Err(ApiError::rule(ErrorCode::InvalidAmount, "the currency is not supported"));
        }
        // fidelity: create-currency-market
        let allowed = match currency {
            Currency::Sek | Currency::Usd | Currency::Gbp => card_passthrough,
            _ => market.takes(currency),
        };
        if self.rules.enforced("create-currency-market") && !allowed {
            return Err(ApiError::rule(
                ErrorCode::CurrencyNotAllowed,
                format!("a {market:?} sales unit does not take {currency} with {:?}", request.payment_method.type_),
            )
            .fidelity("create-currency-market"));
        }
        // fidelity: create-minimum-amount
        let minimum = match currency {
            Currency::Nok | Currency::Sek => 100,
            _ => 1,
        };
        if request.amount.value < self.rules.least("create-minimum-amount", minimum) {
            let refusal =
                ApiError::rule(ErrorCode::AmountTooSmall, format!("the amount must be at least {minimum} minor units"));
            return Err(refusal.fidelity("create-minimum-amount"));
        }
        Ok(())
    }
}

/// `returnUrl`, the dynamic shipping callback and the card callback must be https URLs.
// fidelity: create-https-urls
fn check_urls(request: &types::CreatePaymentRequest) -> Result<(), ApiError> {
    let urls = request
        .return_url
        .iter()
        .map(|u| u.as_str())
        .chain(request.shipping.iter().flat_map(|s| s.dynamic_options.as_ref()).map(|d| d.callback_url.as_str()))
        .chain(request.card_passthrough.iter().map(|c| c.card_callback_url.as_str()));
    for url in urls {
        if !url.starts_with("https://") || reqwest::Url::parse(url).is_err() {
            return Err(ApiError::rule(ErrorCode::InvalidUrl, format!("{url} is not a valid https URL"))
                .fidelity("create-https-urls"));
        }
    }
    Ok(())
}
