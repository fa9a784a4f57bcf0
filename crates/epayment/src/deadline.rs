//! Each attempt's timeout, on a timer the client keeps from one attempt to the next.
//!
//! `tokio::time::timeout` puts a new timer in the runtime's wheel for every attempt, and a
//! timer due earlier than anything the runtime waits for wakes its driver (a write to its
//! eventfd, one more turn of its loop) although nothing is late. A timer pushed to a later
//! deadline is not put in the wheel again: tokio only notes the new deadline and moves the
//! entry when the old one comes round. So the client keeps the last attempt's timer and the
//! next attempt pushes it forward; in a steady stream of calls the driver wakes about once a
//! timeout period, not once a call. Concurrent attempts that find no timer kept make their
//! own, as `timeout` would. A kept timer that comes due unused wakes the task that last used
//! it once, for nothing, which a future must bear anyway.

use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::sync::{Mutex, PoisonError};
use std::task::Poll;
use std::time::Duration;

use tokio::runtime::{Handle, Id};
use tokio::time::{Instant, Sleep};

/// The timer kept between attempts, at most one, with the runtime its entry lives in.
#[derive(Default)]
pub(crate) struct AttemptTimer {
    kept: Mutex<Option<Kept>>,
}

/// A timer and the runtime that drives it: a timer is used again only on that runtime, since
/// one whose runtime has shut down cannot be polled.
struct Kept {
    runtime: Id,
    sleep: Pin<Box<Sleep>>,
}

impl AttemptTimer {
    /// Runs `attempt` until it ends (`Some` of its output) or `limit` passes (`None`).
    pub(crate) async fn within<F: Future>(&self, limit: Duration, attempt: F) -> Option<F::Output> {
        let runtime = Handle::try_current().ok().map(|handle| handle.id());
        let mut timer = self.take(runtime, Instant::now() + limit);
        let mut attempt = pin!(attempt);
        // The attempt first, as `timeout` does: an attempt that is ready wins over a timer
        // that is due.
        let outcome = poll_fn(|cx| match attempt.as_mut().poll(cx) {
            Poll::Ready(output) => Poll::Ready(Some(output)),
            Poll::Pending => timer.as_mut().poll(cx).map(|()| None),
        })
        .await;
        if let Some(runtime) = runtime {
            *self.lock() = Some(Kept { runtime, sleep: timer });
        }
        outcome
    }

    /// The kept timer moved to `deadline` if it belongs to `runtime`, else a new one.
    fn take(&self, runtime: Option<Id>, deadline: Instant) -> Pin<Box<Sleep>> {
        match self.lock().take() {
            Some(mut kept) if Some(kept.runtime) == runtime => {
                kept.sleep.as_mut().reset(deadline);
                kept.sleep
            }
            _ => Box::pin(tokio::time::sleep_until(deadline)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Kept>> {
        // Nothing panics while holding the lock; a poisoned one holds a timer all the same.
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The address of the kept timer, to tell whether the next attempt reuses it.
    #[cfg(test)]
    fn kept_address(&self) -> Option<*const Sleep> {
        self.lock().as_ref().map(|kept| &*kept.sleep as *const Sleep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_next_attempt_reuses_the_timer_and_still_times_out_at_its_own_deadline() {
        let timer = AttemptTimer::default();
        assert_eq!(timer.within(Duration::from_secs(20), async { 7 }).await, Some(7));
        let kept = timer.kept_address().expect("the timer is kept");

        tokio::time::advance(Duration::from_secs(15)).await;
        let started = Instant::now();
        let never = timer.within(Duration::from_secs(20), std::future::pending::<()>()).await;
        assert_eq!(never, None);
        // Twenty seconds from its own start, not from the first attempt's.
        assert_eq!(started.elapsed(), Duration::from_secs(20));
        assert_eq!(timer.kept_address(), Some(kept), "the same timer, pushed forward");
    }

    #[tokio::test(start_paused = true)]
    async fn a_limit_ending_before_the_kept_timer_s_deadline_is_honoured() {
        let timer = AttemptTimer::default();
        assert_eq!(timer.within(Duration::from_secs(20), async {}).await, Some(()));
        let started = Instant::now();
        assert_eq!(timer.within(Duration::from_secs(2), std::future::pending::<()>()).await, None);
        assert_eq!(started.elapsed(), Duration::from_secs(2));
    }

    #[test]
    fn a_timer_of_a_runtime_that_has_shut_down_is_not_used() {
        let timer = AttemptTimer::default();
        let first = tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
        assert_eq!(first.block_on(timer.within(Duration::from_secs(20), async { 1 })), Some(1));
        drop(first);

        // Polling the kept timer here would panic: its driver is gone.
        let second = tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
        let outcome = second.block_on(timer.within(Duration::from_secs(1), std::future::pending::<()>()));
        assert_eq!(outcome, None);
    }
}
