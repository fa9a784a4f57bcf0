//! How the client waits between retries: a pluggable sleeper, tokio's by default.
//!
//! The shape follows `aws-smithy-async`'s `AsyncSleep`. A test harness plugs in a sleeper on a
//! simulated clock, so that honouring a `Retry-After: 60` costs no real time and moves the
//! simulated clock by a minute instead; the retry policy's time budget is counted on the same
//! clock.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A wait in progress.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Something the client can wait on between retries.
pub trait AsyncSleep: fmt::Debug + Send + Sync {
    /// A future that completes once `duration` has passed on this sleeper's clock.
    fn sleep(&self, duration: Duration) -> Sleep;

    /// Whether `sleep` waits in real time (tokio's does). A sleeper on a simulated clock says
    /// no, and the client then counts its waits, not the real time they took, against the retry
    /// policy's time budget.
    fn is_real_time(&self) -> bool {
        true
    }
}

/// Waits with `tokio::time::sleep`: the default.
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioSleep;

impl AsyncSleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Time spent on a sleeper's clock since it was started: real time for a real-time sleeper;
/// for a simulated one, the real time of the work between waits plus the waits as asked. The
/// retry budget and `wait_for`'s deadline are both counted this way.
pub(crate) struct Stopwatch<'s> {
    sleeper: &'s dyn AsyncSleep,
    started: tokio::time::Instant,
    waited: Duration,
}

impl<'s> Stopwatch<'s> {
    pub(crate) fn start(sleeper: &'s dyn AsyncSleep) -> Self {
        Self { sleeper, started: tokio::time::Instant::now(), waited: Duration::ZERO }
    }

    /// How long it has run, on the sleeper's clock.
    pub(crate) fn elapsed(&self) -> Duration {
        let worked = self.started.elapsed();
        if self.sleeper.is_real_time() { worked } else { worked.saturating_add(self.waited) }
    }

    /// Waits `duration` on the sleeper, and counts it.
    pub(crate) async fn sleep(&mut self, duration: Duration) {
        self.sleeper.sleep(duration).await;
        self.waited = self.waited.saturating_add(duration);
    }
}
