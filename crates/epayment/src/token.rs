//! The token cache: one access token, shared by every call, renewed before it runs out.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::error::Error;

/// The longest a token is renewed before it runs out.
const MAX_RENEW_AHEAD: Duration = Duration::from_secs(60);

/// The longest a token is kept, whatever lifetime the answer claims: the API's longest
/// (24 h, in production). A server that claims more is not believed.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// One cached token (with whatever is made of it, `T`), with single-flight fetching: however
/// many calls need a token at once, one fetch is in flight and the others wait for its result.
pub(crate) struct TokenCache<T> {
    slot: Mutex<Option<(Arc<T>, Instant)>>,
}

impl<T> Default for TokenCache<T> {
    fn default() -> Self {
        Self { slot: Mutex::new(None) }
    }
}

impl<T> TokenCache<T> {
    /// The cached token, or a new one from `fetch` when there is none or it is within a fifth
    /// of its lifetime (at most a minute) of running out.
    pub(crate) async fn get<F, Fut>(&self, fetch: F) -> Result<Arc<T>, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(T, Duration), Error>>,
    {
        // The lock is held across the fetch on purpose: that is what makes it single-flight.
        let mut slot = self.slot.lock().await;
        if let Some((token, renew_at)) = slot.as_ref()
            && Instant::now() < *renew_at
        {
            return Ok(Arc::clone(token));
        }
        let fetched_at = Instant::now();
        let (token, lifetime) = fetch().await?;
        let token = Arc::new(token);
        let lifetime = lifetime.min(MAX_LIFETIME);
        let ahead = (lifetime / 5).min(MAX_RENEW_AHEAD);
        *slot = Some((Arc::clone(&token), fetched_at + lifetime.saturating_sub(ahead)));
        Ok(token)
    }

    /// Forgets `used` after the API refused it, unless another call already replaced it.
    pub(crate) async fn invalidate(&self, used: &Arc<T>) {
        let mut slot = self.slot.lock().await;
        if slot.as_ref().is_some_and(|(current, _)| Arc::ptr_eq(current, used)) {
            *slot = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::{ExposeSecret as _, SecretString};
    use std::sync::atomic::{AtomicU32, Ordering};

    async fn fetch_counted(count: &AtomicU32, lifetime: Duration) -> Result<(SecretString, Duration), Error> {
        let n = count.fetch_add(1, Ordering::SeqCst) + 1;
        tokio::task::yield_now().await;
        Ok((SecretString::from(format!("token-{n}")), lifetime))
    }

    #[tokio::test(start_paused = true)]
    async fn cached_until_shortly_before_expiry() {
        let cache = TokenCache::<SecretString>::default();
        let count = AtomicU32::new(0);
        let hour = Duration::from_secs(3600);
        let first = cache.get(|| fetch_counted(&count, hour)).await.unwrap();
        tokio::time::advance(Duration::from_secs(3500)).await;
        let again = cache.get(|| fetch_counted(&count, hour)).await.unwrap();
        assert_eq!(again.expose_secret(), first.expose_secret());
        tokio::time::advance(Duration::from_secs(50)).await; // inside the last minute
        let renewed = cache.get(|| fetch_counted(&count, hour)).await.unwrap();
        assert_eq!(renewed.expose_secret(), "token-2");
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_lifetime_past_a_day_is_not_believed() {
        let cache = TokenCache::<SecretString>::default();
        let count = AtomicU32::new(0);
        let forever = Duration::from_secs(u64::MAX);
        cache.get(|| fetch_counted(&count, forever)).await.unwrap();
        tokio::time::advance(Duration::from_secs(23 * 3600)).await;
        cache.get(|| fetch_counted(&count, forever)).await.unwrap();
        assert_eq!(count.load(Ordering::SeqCst), 1, "kept within the day");
        tokio::time::advance(Duration::from_secs(3600)).await;
        let renewed = cache.get(|| fetch_counted(&count, forever)).await.unwrap();
        assert_eq!(renewed.expose_secret(), "token-2", "renewed after a day");
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_fetch() {
        let cache = Arc::new(TokenCache::<SecretString>::default());
        let count = Arc::new(AtomicU32::new(0));
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let (cache, count) = (cache.clone(), count.clone());
                tokio::spawn(
                    async move { cache.get(|| fetch_counted(&count, Duration::from_secs(3600))).await.map(|_| ()) },
                )
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        assert_eq!(count.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn invalidate_drops_only_the_token_that_was_refused() {
        let cache = TokenCache::<SecretString>::default();
        let count = AtomicU32::new(0);
        let hour = Duration::from_secs(3600);
        let old = cache.get(|| fetch_counted(&count, hour)).await.unwrap();
        cache.invalidate(&old).await;
        let new = cache.get(|| fetch_counted(&count, hour)).await.unwrap();
        cache.invalidate(&old).await; // a late refusal of the old token keeps the new one
        let same = cache.get(|| fetch_counted(&count, hour)).await.unwrap();
        assert_eq!(new.expose_secret(), same.expose_secret());
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }
}
