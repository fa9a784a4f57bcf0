//! The access-token endpoint's side of the model: which keys get a token, and which tokens
//! are still good.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::Sha256;

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
pub(crate) struct IssuedToken {
    /// The bearer token.
    pub(crate) access_token: String,
    /// Seconds it lives.
    pub(crate) expires_in: u64,
    /// Unix time it stops working.
    pub(crate) expires_on: i64,
    /// Unix time it was issued.
    pub(crate) not_before: i64,
}

/// Issues tokens for the right keys, and tells its own tokens from others. A token carries
/// when it expires and is signed with a key of the issuer's own, so the issuer keeps nothing
/// per token: a flood of token requests costs memory nowhere and expires no one else's token.
#[derive(Debug)]
pub(crate) struct TokenIssuer {
    pub(crate) credentials: TestCredentials,
    lifetime: Duration,
    key: [u8; 32],
    /// Tokens of an earlier generation have expired ([`TokenIssuer::expire_all`]).
    generation: u64,
}

/// The text before a token's fields.
const PREFIX: &str = "sim-token-";

/// The bytes of HMAC-SHA-256 a token carries (128 bits), and the only length checked.
const TAG_BYTES: usize = 16;

impl TokenIssuer {
    /// An issuer for `credentials` whose tokens live `lifetime`, signed with `key`.
    pub(crate) fn new(credentials: TestCredentials, lifetime: Duration, key: [u8; 32]) -> Self {
        Self { credentials, lifetime, key, generation: 0 }
    }

    /// The right keys get a token, valid from `now` for the configured lifetime (`nonce` makes
    /// it unlike any other); anything else is a 401.
    // fidelity: token-keys
    pub(crate) fn issue(
        &self,
        client_id: Option<&str>,
        secret: Option<&str>,
        key: Option<&str>,
        nonce: &str,
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
        let fields = format!("{}-{}-{nonce}", expires.timestamp(), self.generation);
        Ok(IssuedToken {
            access_token: format!("{PREFIX}{fields}-{}", self.signature(&fields)),
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
        let (expires, generation) =
            self.read(token).ok_or_else(|| ApiError::unauthorized("the access token is not valid"))?;
        if generation != self.generation || expires <= now.timestamp() {
            return Err(ApiError::unauthorized("the access token has expired"));
        }
        Ok(())
    }

    /// Every token issued so far has expired.
    pub(crate) fn expire_all(&mut self) {
        self.generation += 1;
    }

    /// A token's expiry (Unix time) and generation, if this issuer signed it.
    fn read(&self, token: &str) -> Option<(i64, u64)> {
        let (fields, signature) = token.strip_prefix(PREFIX)?.rsplit_once('-')?;
        let mut mac = self.mac();
        mac.update(fields.as_bytes());
        // The whole tag, in constant time: a shorter one (down to a byte, which 256 tries
        // would forge) is no tag at all.
        let tag = decode_hex(signature)?;
        if tag.len() != TAG_BYTES {
            return None;
        }
        mac.verify_truncated_left(&tag).ok()?;
        let mut parts = fields.splitn(3, '-');
        let expires = parts.next()?.parse().ok()?;
        let generation = parts.next()?.parse().ok()?;
        Some((expires, generation))
    }

    fn signature(&self, fields: &str) -> String {
        let mut mac = self.mac();
        mac.update(fields.as_bytes());
        mac.finalize().into_bytes()[..TAG_BYTES].iter().map(|b| format!("{b:02x}")).collect()
    }

    fn mac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes keys of any length")
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

/// The bytes of a hex text of whole bytes.
fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer(key: u8) -> TokenIssuer {
        TokenIssuer::new(TestCredentials::default(), Duration::from_secs(3600), [key; 32])
    }

    fn token(issuer: &TokenIssuer, n: usize, now: DateTime<Utc>) -> String {
        let c = TestCredentials::default();
        let keys = (Some(c.client_id.as_str()), Some(c.client_secret.as_str()), Some(c.subscription_key.as_str()));
        let issued = issuer.issue(keys.0, keys.1, keys.2, &n.to_string(), now).expect("the right keys");
        format!("Bearer {}", issued.access_token)
    }

    #[test]
    fn a_flood_of_tokens_expires_no_one_elses_and_only_signed_tokens_pass() {
        let now = DateTime::from_timestamp(1_767_268_800, 0).unwrap_or_default();
        let mut issuer = issuer(7);
        let first = token(&issuer, 0, now);
        for n in 1..110_000 {
            token(&issuer, n, now);
        }
        assert_eq!(
            issuer.check_bearer(Some(&first), now),
            Ok(()),
            "the first of 110,000 (more than the old store held) is still good"
        );
        let later = now + chrono::Duration::hours(1);
        assert!(issuer.check_bearer(Some(&first), later).is_err_and(|e| e.detail.contains("expired")));
        // A token that claims a later expiry, or that another issuer signed, is not one of its.
        let fields = first.strip_prefix("Bearer sim-token-").unwrap_or_default();
        let (expires, rest) = fields.split_once('-').unwrap_or_default();
        let forged = format!("Bearer sim-token-{}-{rest}", expires.parse::<i64>().unwrap_or_default() + 86_400);
        assert!(issuer.check_bearer(Some(&forged), now).is_err_and(|e| e.detail.contains("not valid")));
        let elsewhere = token(&self::issuer(8), 0, now);
        assert!(issuer.check_bearer(Some(&elsewhere), now).is_err_and(|e| e.detail.contains("not valid")));
        for garbage in ["Bearer sim-token-", "Bearer sim-token-1-2-3-zz", "Bearer sim-token--", "Bearer é"] {
            assert!(issuer.check_bearer(Some(garbage), now).is_err(), "{garbage}");
        }
        issuer.expire_all();
        assert!(issuer.check_bearer(Some(&first), now).is_err_and(|e| e.detail.contains("expired")));
        assert_eq!(issuer.check_bearer(Some(&token(&issuer, 1, now)), now), Ok(()), "a new one is good");
    }

    #[test]
    fn only_the_whole_tag_passes_never_a_prefix_of_it() {
        let now = DateTime::from_timestamp(1_767_268_800, 0).unwrap_or_default();
        let issuer = issuer(7);
        let good = token(&issuer, 0, now);
        let (fields, tag) = good.rsplit_once('-').unwrap_or_default();
        assert_eq!(tag.len(), 2 * TAG_BYTES);
        for bytes in 0..TAG_BYTES {
            let short = format!("{fields}-{}", &tag[..2 * bytes]);
            assert!(issuer.check_bearer(Some(&short), now).is_err(), "a tag of {bytes} bytes");
        }
        let longer = format!("{good}00");
        assert!(issuer.check_bearer(Some(&longer), now).is_err(), "a tag with a byte more");
        // The probe that forged one: a far-future expiry and every one-byte tag.
        let far = format!("Bearer sim-token-{}-0-forged", i64::from(i32::MAX) * 100);
        let forged = (0..=255u8).filter(|b| issuer.check_bearer(Some(&format!("{far}-{b:02x}")), now).is_ok()).count();
        assert_eq!(forged, 0, "no one-byte tag passes");
    }
}
