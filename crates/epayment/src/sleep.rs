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
