//! The access-token endpoint's side of the model: which keys get a token, and which tokens
//! are still good.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::ApiError;

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

/// Issues tokens for the right keys and remembers when each expires.
#[derive(Debug)]
pub(crate) struct TokenIssuer {
    pub(crate) credentials: TestCredentials,
    lifetime: Duration,
    expiries: HashMap<String, DateTime<Utc>>,
}

/// The most tokens held at once; past it, expired ones are forgotten, or else the one that
/// expires soonest (its holder gets a 401 and fetches another, as after an early expiry).
/// Expired tokens are otherwise kept, so that a call with one is told it has expired.
const MAX_TOKENS: usize = 100_000;

impl TokenIssuer {
    pub(crate) fn new(credentials: TestCredentials, lifetime: Duration) -> Self {
        Self { credentials, lifetime, expiries: HashMap::new() }
    }

    /// The right keys get `token`, valid from `now` for the configured lifetime; anything
    /// else is a 401.
    // fidelity: token-keys
    pub(crate) fn issue(
        &mut self,
        client_id: Option<&str>,
        secret: Option<&str>,
        key: Option<&str>,
        token: String,
        now: DateTime<Utc>,
    ) -> Result<IssuedToken, ApiError> {
        let c = &self.credentials;
        if client_id != Some(c.client_id.as_str()) || secret != Some(c.client_secret.as_str()) {
            return Err(ApiError::unauthorized("the client id or client secret is wrong"));
        }
        if key != Some(c.subscription_key.as_str()) {
            return Err(ApiError::unauthorized("the subscription key is wrong"));
        }
        let lifetime = chrono::Duration::from_std(self.lifetime).unwrap_or(chrono::Duration::MAX);
        let expires = crate::clock::later(now, lifetime);
        if self.expiries.len() >= MAX_TOKENS {
            // A flood of token requests: expired tokens make room, or else the one that
            // expires soonest.
            self.expiries.retain(|_, expires| *expires > now);
            if self.expiries.len() >= MAX_TOKENS
                && let Some(soonest) = self.expiries.iter().min_by_key(|(_, at)| **at).map(|(t, _)| t.clone())
            {
                self.expiries.remove(&soonest);
            }
        }
        self.expiries.insert(token.clone(), expires);
        Ok(IssuedToken {
            access_token: token,
            expires_in: u64::try_from((expires - now).num_seconds()).unwrap_or(0),
            expires_on: expires.timestamp(),
            not_before: now.timestamp(),
        })
    }

    /// `Bearer <a token issued here that has not expired at now>`, or a 401 saying why not.
    // fidelity: token-bearer
    pub(crate) fn check_bearer(&self, authorization: Option<&str>, now: DateTime<Utc>) -> Result<(), ApiError> {
        let header = authorization.ok_or_else(|| ApiError::unauthorized("the Authorization header is missing"))?;
        let token = header
            .strip_prefix("Bearer ")
            .ok_or_else(|| ApiError::unauthorized("the Authorization header is not Bearer"))?;
        match self.expiries.get(token) {
            None => Err(ApiError::unauthorized("the access token is not valid")),
            Some(expires) if *expires <= now => Err(ApiError::unauthorized("the access token has expired")),
            Some(_) => Ok(()),
        }
    }

    /// Every token issued so far expires at `now`.
    pub(crate) fn expire_all(&mut self, now: DateTime<Utc>) {
        for expires in self.expiries.values_mut() {
            *expires = now;
        }
    }

    /// The subscription key on an API call.
    pub(crate) fn check_subscription_key(&self, key: Option<&str>) -> Result<(), ApiError> {
        if key == Some(self.credentials.subscription_key.as_str()) {
            Ok(())
        } else {
            Err(ApiError::unauthorized("the subscription key is missing or wrong"))
        }
    }
}
