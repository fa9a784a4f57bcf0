//! Webhook registrations: who gets which events, and the rules a registration must meet.

use serde::Serialize;

use super::destinations::WebhookDestinations;
use crate::limits::Limits;

/// At most this many registrations per event type and sales unit, as the Webhooks API allows.
pub(crate) const MAX_REGISTRATIONS_PER_EVENT: usize = 25;

/// Which sales units' events a registration gets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One sales unit's, by merchant serial number: every registration made through the
    /// Webhooks API.
    SalesUnit(String),
    /// Every sales unit's: a test harness's own receiver, registered through the library.
    Every,
}

impl Scope {
    /// Whether events of sales unit `msn` go to a registration of this scope.
    pub(crate) fn covers(&self, msn: &str) -> bool {
        match self {
            Scope::SalesUnit(own) => own == msn,
            Scope::Every => true,
        }
    }
}

/// A registered webhook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Registration {
    /// Its id.
    pub id: String,
    /// Where deliveries go.
    pub url: String,
    /// The event types it wants, e.g. `epayments.payment.captured.v1`.
    pub events: Vec<String>,
    /// The sales unit it covers; `None`: every one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msn: Option<String>,
    /// The signing secret (shown once, at registration).
    #[serde(skip)]
    pub secret: String,
}

impl Registration {
    /// Which sales units' events it gets.
    pub fn scope(&self) -> Scope {
        self.msn.clone().map_or(Scope::Every, Scope::SalesUnit)
    }
}

/// The event types the simulator delivers: the ePayment API's.
pub(crate) fn known_event_types() -> impl Iterator<Item = String> {
    epayment_vocabulary::EventName::KNOWN.iter().map(epayment_webhooks::event_type)
}

/// Why a registration is refused: every reason the Webhooks API gives a 400 for, and the
/// addresses this sandbox never delivers to.
pub(crate) fn check(
    url: &str,
    events: &[String],
    destinations: WebhookDestinations,
    limits: &Limits,
) -> Result<(), String> {
    check_url(url, destinations, limits.max_url_bytes)?;
    if events.is_empty() {
        return Err("at least one event type is required".into());
    }
    // fidelity: webhook-event-names
    if let Some(unknown) = events.iter().find(|e| !known_event_types().any(|known| known == **e)) {
        return Err(format!("{unknown} is not an event type; the ePayment API's are epayments.payment.<name>.v1"));
    }
    Ok(())
}

/// HTTPS, or plain HTTP to a loopback address; at most `max_bytes` long; to an address
/// `destinations` allows.
// fidelity: webhook-https
// fidelity: webhook-destinations
fn check_url(url: &str, destinations: WebhookDestinations, max_bytes: usize) -> Result<(), String> {
    if url.len() > max_bytes {
        return Err(format!("the URL has {} bytes; at most {max_bytes} are taken", url.len()));
    }
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("{url} is not an absolute URL: {e}"))?;
    // The parser has already read every numeric spelling of an address as the address.
    let loopback = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
        Some(url::Host::Domain(name)) => super::destinations::is_localhost(name),
        None => false,
    };
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err(format!("{url} must be an https URL (plain http only to a loopback address)")),
    }
    destinations.check_url(&parsed)
}

/// Whether `list` has room for one more registration of `scope` for `events`.
// fidelity: webhook-registration-limits
pub(crate) fn check_room(
    list: &[Registration],
    scope: &Scope,
    events: &[String],
    limits: &Limits,
) -> Result<(), String> {
    if list.len() >= limits.max_registrations {
        return Err(format!("the simulator holds {} registrations, its most", limits.max_registrations));
    }
    for event in events {
        let taken = list.iter().filter(|r| r.scope() == *scope && r.events.contains(event)).count();
        if taken >= MAX_REGISTRATIONS_PER_EVENT {
            return Err(format!("{event} has {MAX_REGISTRATIONS_PER_EVENT} registrations for this sales unit already"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL_BYTES: usize = 2_048;

    #[test]
    fn urls_must_be_https_or_loopback() {
        assert_eq!(Limits::default().max_url_bytes, URL_BYTES, "FIDELITY.md quotes it");
        let local = WebhookDestinations::AlsoLocal;
        for ok in ["https://shop.example/hooks", "http://127.0.0.1:8080/h", "http://localhost/h", "http://[::1]:9/h"] {
            assert_eq!(check_url(ok, local, URL_BYTES), Ok(()), "{ok}");
        }
        for refused in ["http://shop.example/hooks", "http://10.0.0.1/h", "ftp://x/y", "not a url"] {
            assert!(check_url(refused, local, URL_BYTES).is_err(), "{refused}");
        }
        for loopback in ["http://127.1/h", "http://0x7f000001/h", "http://2130706433/h"] {
            assert_eq!(check_url(loopback, local, URL_BYTES), Ok(()), "{loopback} is loopback");
            assert!(
                check_url(loopback, WebhookDestinations::PublicOnly, URL_BYTES).is_err(),
                "{loopback} on a shared host"
            );
        }
        for never in ["https://169.254.169.254/latest/meta-data", "https://10.0.0.1:6379/", "https://192.168.1.1:22/"] {
            assert!(check_url(never, WebhookDestinations::PublicOnly, URL_BYTES).is_err(), "{never}");
        }
        assert!(check_url("https://169.254.169.254/", local, URL_BYTES).is_err(), "metadata, even on loopback");
        let longest = format!("https://shop.example/{}", "h".repeat(URL_BYTES - 21));
        assert_eq!(check_url(&longest, local, URL_BYTES), Ok(()));
        let too_long = format!("{longest}h");
        let refused = check_url(&too_long, local, URL_BYTES).expect_err("one byte too long");
        assert!(refused.len() < 100, "the refusal does not repeat the URL: {refused}");
    }

    #[test]
    fn only_the_epayment_event_types_are_taken() {
        let captured = vec!["epayments.payment.captured.v1".to_owned()];
        let any = WebhookDestinations::PublicOnly;
        assert_eq!(check("https://shop.example/h", &captured, any, &Limits::default()), Ok(()));
        for wrong in ["epayments.payment.disputed.v1", "recurring.charge-captured.v1", "CAPTURED", ""] {
            assert!(check("https://shop.example/h", &[wrong.to_owned()], any, &Limits::default()).is_err(), "{wrong}");
        }
        assert!(check("https://shop.example/h", &[], any, &Limits::default()).is_err());
        assert_eq!(known_event_types().count(), 8);
    }
}
