//! A person approves a payment in the app, as in production, where force approve does not
//! exist: the run prints the payment's link, then reads the payment back every two seconds
//! (for real: a person's time is not the sandbox's clock) until it is authorized, ends
//! otherwise, or the person's time is up. A progress line on stderr tells the wait.

use std::io::Write as _;
use std::time::{Duration, Instant};

use epayment::{Client, Error, Reference, State};

/// How often the payment is read back while a person approves it.
const POLL: Duration = Duration::from_secs(2);

/// Waits for a person to approve `reference` (the link from its create answer, if it had one)
/// within `within`: `Ok` once it is AUTHORIZED, [`Error::NotAuthorized`] if it ends otherwise,
/// [`Error::DeadlinePassed`] if the time is up first. A read that fails does not end the wait
/// (the next may answer); a wait that ends without approval cancels the payment, so that a
/// later approval reserves nothing that nobody would capture.
pub async fn approval(
    client: &Client,
    reference: &Reference,
    link: Option<&str>,
    within: Duration,
) -> Result<(), Error> {
    let how = link.map_or_else(
        || "open the Vipps MobilePay app on the phone of the paying customer".to_owned(),
        |link| format!("open {link} on the phone of the paying customer"),
    );
    eprintln!("approve payment {reference} in the Vipps MobilePay app: {how} (waiting up to {} s)", within.as_secs());
    let started = Instant::now();
    let mut state = State::Created;
    loop {
        let waited = started.elapsed();
        match client.payment(reference).await {
            Ok(payment) if payment.state == State::Authorized => {
                eprintln!("\rpayment {reference} approved after {} s{:20}", waited.as_secs(), "");
                return Ok(());
            }
            Ok(payment) if payment.state != State::Created => {
                eprintln!();
                return Err(Error::NotAuthorized { reference: reference.to_string(), state: payment.state });
            }
            Ok(payment) => state = payment.state,
            Err(e) => eprintln!("\nreading payment {reference} failed ({e}); waiting on"),
        }
        let waited = started.elapsed();
        if waited >= within {
            eprintln!();
            give_up(client, reference).await;
            return Err(Error::DeadlinePassed { reference: reference.to_string(), state, waited });
        }
        eprint!("\rwaiting for the approval of {reference}: {} of {} s", waited.as_secs(), within.as_secs());
        let _ = std::io::stderr().flush();
        tokio::time::sleep(POLL.min(within.saturating_sub(waited))).await;
    }
}

/// Cancels a payment nobody approved in time, and says how that went.
async fn give_up(client: &Client, reference: &Reference) {
    match client.cancel(reference).send().await {
        Ok(_) => eprintln!("payment {reference} was not approved in time, and is cancelled"),
        Err(e) => {
            eprintln!("payment {reference} was not approved in time; cancelling it failed ({e}): cancel it yourself")
        }
    }
}
