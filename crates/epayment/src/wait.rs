//! Polling a payment until the customer has acted: the fallback Vipps MobilePay asks
//! integrators to keep beside webhooks.

use std::time::Duration;

use crate::client::Client;
use crate::error::Error;
use crate::ids::Reference;
use crate::model::{Payment, State};
use crate::sleep::Stopwatch;

/// What [`Client::wait_for`] waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Until {
    /// The customer approved: the state is AUTHORIZED. A payment that ends another way
    /// (aborted, expired, terminated) is [`Error::NotAuthorized`].
    Authorized,
    /// Any final state: AUTHORIZED, ABORTED, EXPIRED or TERMINATED.
    Final,
}

/// The first wait between reads: the API allows 120 reads a minute per payment, so two a
/// second at most.
const FIRST_WAIT: Duration = Duration::from_millis(500);
/// Waits grow by half each time, up to this.
const LONGEST_WAIT: Duration = Duration::from_secs(10);
/// The least a read gets, even at the deadline: the wait ends with the payment's state as it
/// is then, so a wait can end this much past its deadline.
const LAST_READ: Duration = Duration::from_secs(2);

impl Client {
    /// Reads the payment until it is [`Until::Authorized`] or [`Until::Final`], waiting between
    /// reads from half a second up to ten (well under the API's 120 reads a minute), and at most
    /// `deadline` in all, counted on the client's sleeper's clock: a read, its retries
    /// included, gets only what is left of it, or 2 s at the deadline, for the last look (a
    /// read that cannot finish in time ends the wait with its own error). A rate-limited read is retried after its `Retry-After` like any
    /// other call, within the deadline.
    ///
    /// ```no_run
    /// # async fn f(client: epayment::Client) -> Result<(), epayment::Error> {
    /// use std::time::Duration;
    /// use epayment::{Reference, Until};
    /// let reference = Reference::new("order-1234-abcd")?;
    /// let payment = client.wait_for(&reference, Until::Authorized, Duration::from_secs(600)).await?;
    /// println!("authorized: {}", payment.aggregate.authorized);
    /// # Ok(()) }
    /// ```
    pub async fn wait_for(&self, reference: &Reference, until: Until, deadline: Duration) -> Result<Payment, Error> {
        let mut clock = Stopwatch::start(self.sleeper());
        let mut wait = FIRST_WAIT;
        loop {
            let left = deadline.saturating_sub(clock.elapsed()).max(LAST_READ);
            let payment = self.payment_within(reference, Some(left)).await?;
            match (&payment.state, until) {
                // A state this version does not know (the API added one) is not taken to be
                // final: the wait goes on until a known state or the deadline.
                (State::Created | State::Unknown(_), _) => {}
                (State::Authorized, _) | (_, Until::Final) => return Ok(payment),
                (state, Until::Authorized) => {
                    let state = state.clone();
                    return Err(Error::NotAuthorized { reference: reference.as_str().to_owned(), state });
                }
            }
            let elapsed = clock.elapsed();
            let Some(left) = deadline.checked_sub(elapsed).filter(|left| !left.is_zero()) else {
                let reference = reference.as_str().to_owned();
                return Err(Error::DeadlinePassed { reference, state: payment.state, waited: elapsed });
            };
            clock.sleep(wait.min(left)).await;
            wait = (wait + wait / 2).min(LONGEST_WAIT);
        }
    }
}
