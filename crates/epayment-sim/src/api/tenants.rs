//! Tenants: the credential sets a sandbox serves. Each has its own model (payments, clock,
//! tokens, retention, rate limits) and its own webhook registrations, so that teams sharing one
//! sandbox cannot read, change or evict each other's payments, move each other's time, or use
//! up each other's quotas. A token is signed with its tenant's own key and works only with
//! that tenant's subscription key and merchant serial numbers; another tenant's number is a
//! 403 that says nothing about what the other holds.
//!
//! Without a merchants file there is one tenant, the built-in test credentials, owning every
//! merchant serial number: one developer's sandbox, as before.

use std::collections::BTreeSet;
use std::sync::Mutex;

use super::call::Call;
use crate::delivery::WebhookDispatcher;
use crate::lock::lock;
use crate::model::{ApiError, Model, TestCredentials};

/// One tenant of a shared sandbox: its credentials and the merchant serial numbers they own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tenant {
    /// The keys its token requests carry.
    pub credentials: TestCredentials,
    /// The merchant serial numbers its token works for.
    pub merchant_serial_numbers: Vec<String>,
}

impl Tenant {
    /// Why `tenants` cannot be served together: credentials or numbers that two share (a
    /// request would not tell which tenant it is), or a tenant without a number.
    pub fn check_all(tenants: &[Tenant]) -> Result<(), String> {
        let mut client_ids = BTreeSet::new();
        let mut keys = BTreeSet::new();
        let mut numbers = BTreeSet::new();
        for (n, tenant) in tenants.iter().enumerate() {
            let c = &tenant.credentials;
            let which = format!("merchant {} (client_id {})", n + 1, c.client_id);
            if c.client_id.is_empty() || c.client_secret.is_empty() || c.subscription_key.is_empty() {
                return Err(format!("{which}: client_id, client_secret and subscription_key must not be empty"));
            }
            if !client_ids.insert(c.client_id.as_str()) {
                return Err(format!("{which}: another merchant has the same client_id"));
            }
            if !keys.insert(c.subscription_key.as_str()) {
                return Err(format!("{which}: another merchant has the same subscription_key"));
            }
            if tenant.merchant_serial_numbers.is_empty() {
                return Err(format!("{which}: owns no merchant serial number"));
            }
            for msn in &tenant.merchant_serial_numbers {
                if !numbers.insert(msn.as_str()) {
                    return Err(format!("{which}: merchant serial number {msn} belongs to another merchant too"));
                }
            }
        }
        Ok(())
    }
}

/// A tenant being served: its model and its webhook registrations.
pub(crate) struct TenantState {
    client_id: String,
    subscription_key: String,
    /// The numbers it owns; `None`: every one (the only tenant of a sandbox without tenants).
    numbers: Option<BTreeSet<String>>,
    model: Mutex<Model>,
    pub(crate) webhooks: WebhookDispatcher,
}

impl TenantState {
    /// A tenant that owns `numbers` (`None`: every number), served by `model` and `webhooks`.
    pub(crate) fn new(numbers: Option<Vec<String>>, model: Model, webhooks: WebhookDispatcher) -> Self {
        let c = model.credentials();
        Self {
            client_id: c.client_id.clone(),
            subscription_key: c.subscription_key.clone(),
            numbers: numbers.map(|n| n.into_iter().collect()),
            model: Mutex::new(model),
            webhooks,
        }
    }

    /// Runs `f` on the model, then hands the events it caused to the webhook dispatcher
    /// before the lock is released, so that events are queued in the order they happened.
    /// What came due on the clock since the last call (expiries) is applied first.
    pub(crate) fn with_model<R>(&self, f: impl FnOnce(&mut Model) -> R) -> R {
        let mut model = lock(&self.model);
        model.catch_up();
        let result = f(&mut model);
        self.webhooks.publish(model.take_notifications());
        // Only now may the tries due by this time go: the events that came before them are queued.
        self.webhooks.published_to(model.now());
        result
    }

    /// Whether its token works for merchant serial number `msn`.
    pub(crate) fn owns(&self, msn: &str) -> bool {
        self.numbers.as_ref().is_none_or(|numbers| numbers.contains(msn))
    }

    /// The call's credentials, as the API checks them first (the token, then the subscription
    /// key), then that they own the merchant serial number `msn`, if it is one (a call names
    /// its number in a header, or none).
    // fidelity: tenant-isolation
    pub(crate) fn admit(&self, model: &Model, call: &Call<'_>, msn: &str) -> Result<(), ApiError> {
        model.check_bearer(call.authorization())?;
        model.check_subscription_key(call.subscription_key())?;
        if model.rules().enforced("tenant-isolation") && !msn.is_empty() && !self.owns(msn) {
            let refusal = ApiError::status(403, "these credentials are not for this merchant serial number");
            return Err(refusal.fidelity("tenant-isolation"));
        }
        Ok(())
    }
}

/// Every tenant a simulator serves; never empty.
pub(crate) struct Tenants {
    all: Vec<TenantState>,
}

impl Tenants {
    /// `all`, of which there must be one at least.
    pub(crate) fn new(all: Vec<TenantState>) -> Option<Self> {
        (!all.is_empty()).then_some(Self { all })
    }

    /// The first tenant: the only one without a merchants file, and the one the library's
    /// own methods act for.
    pub(crate) fn first(&self) -> &TenantState {
        &self.all[0]
    }

    /// The tenant owning `msn`, or the first.
    pub(crate) fn owning(&self, msn: &str) -> &TenantState {
        self.all.iter().find(|t| t.numbers.as_ref().is_some_and(|n| n.contains(msn))).unwrap_or(self.first())
    }

    /// The tenant a token request is for, by its client id (the first when none matches: its
    /// checks then refuse the request as any wrong keys are refused).
    pub(crate) fn by_client_id(&self, client_id: Option<&str>) -> &TenantState {
        self.all.iter().find(|t| Some(t.client_id.as_str()) == client_id).unwrap_or(self.first())
    }

    /// The tenant an API call is for, by its subscription key (the first when none matches).
    pub(crate) fn of(&self, call: &Call<'_>) -> &TenantState {
        let key = call.subscription_key();
        self.all.iter().find(|t| Some(t.subscription_key.as_str()) == key).unwrap_or(self.first())
    }

    /// Every tenant.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &TenantState> {
        self.all.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant(id: &str, key: &str, numbers: &[&str]) -> Tenant {
        Tenant {
            credentials: TestCredentials {
                client_id: id.into(),
                client_secret: format!("{id}-secret"),
                subscription_key: key.into(),
            },
            merchant_serial_numbers: numbers.iter().map(|n| (*n).to_owned()).collect(),
        }
    }

    #[test]
    fn tenants_that_a_request_could_not_tell_apart_are_refused() {
        assert_eq!(Tenant::check_all(&[tenant("a", "ka", &["1111"]), tenant("b", "kb", &["2222"])]), Ok(()));
        let same_id = Tenant::check_all(&[tenant("a", "ka", &["1111"]), tenant("a", "kb", &["2222"])]);
        assert!(same_id.is_err_and(|why| why.contains("client_id")));
        let same_key = Tenant::check_all(&[tenant("a", "k", &["1111"]), tenant("b", "k", &["2222"])]);
        assert!(same_key.is_err_and(|why| why.contains("subscription_key")));
        let same_number = Tenant::check_all(&[tenant("a", "ka", &["1111"]), tenant("b", "kb", &["1111"])]);
        assert!(same_number.is_err_and(|why| why.contains("1111")));
        assert!(Tenant::check_all(&[tenant("a", "ka", &[])]).is_err());
        assert!(Tenant::check_all(&[tenant("", "ka", &["1"])]).is_err());
    }
}
