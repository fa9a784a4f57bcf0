//! Where a webhook may go. A shared sandbox posts signed bodies to URLs its callers choose, so
//! it must not become a way into the host's own network: link-local and cloud-metadata
//! addresses are never delivered to; loopback and private ranges only when the sandbox itself
//! listens on loopback (one developer's machine) or its operator allows them.
//!
//! The address is checked twice: at registration, for a URL whose host is an address (every
//! numeric spelling, `127.1`, `0x7f000001`, `2130706433`, an IPv4-mapped IPv6 address, is
//! normalised by the URL parser and here before the check); and at every delivery, by the
//! delivery client's resolver, for a URL whose host is a name, so that a name that resolves
//! (or later rebinds) to a refused address gets no connection.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Which addresses webhook deliveries may go to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum WebhookDestinations {
    /// Public addresses only: a sandbox that listens beyond loopback, unless told otherwise.
    #[default]
    PublicOnly,
    /// Public addresses, and loopback and private ranges too: a sandbox on loopback, or one
    /// whose operator allows them (`--allow-local-webhooks`).
    AlsoLocal,
}

/// What an address is, for deliveries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reach {
    /// Never delivered to: link-local (cloud metadata lives there), unspecified, multicast,
    /// broadcast, and the metadata addresses outside link-local.
    Never,
    /// Loopback and private ranges: only with [`WebhookDestinations::AlsoLocal`].
    Local,
    /// Anything else.
    Public,
}

/// The address as IPv4 when it is an IPv4 address written as IPv6: mapped (`::ffff:a.b.c.d`),
/// translated (`::ffff:0:a.b.c.d`), compatible (`::a.b.c.d`, but `::` and `::1`), NAT64
/// (`64:ff9b::a.b.c.d`) and 6to4 (`2002:aabb:ccdd::`), since each may reach the IPv4 host.
fn normalised(ip: IpAddr) -> IpAddr {
    let IpAddr::V6(v6) = ip else { return ip };
    let s = v6.segments();
    let low = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    let embedded = match s {
        [0, 0, 0, 0, 0, 0xffff, ..] | [0, 0, 0, 0, 0xffff, 0, ..] | [0x64, 0xff9b, 0, 0, 0, 0, ..] => Some(low),
        [0, 0, 0, 0, 0, 0, hi, _] if hi != 0 => Some(low),
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8)),
        _ => None,
    };
    embedded.map_or(ip, IpAddr::V4)
}

/// What `ip` is, after normalising it.
pub(crate) fn reach(ip: IpAddr) -> Reach {
    match normalised(ip) {
        IpAddr::V4(v4) => reach_v4(v4),
        IpAddr::V6(v6) => reach_v6(v6),
    }
}

fn reach_v4(ip: Ipv4Addr) -> Reach {
    let [a, b, ..] = ip.octets();
    // Alibaba's and Oracle's metadata services, and Azure's WireServer, sit outside link-local.
    let metadata = [Ipv4Addr::new(100, 100, 100, 200), Ipv4Addr::new(192, 0, 0, 192), Ipv4Addr::new(168, 63, 129, 16)]
        .contains(&ip);
    if ip.is_link_local() || ip.is_unspecified() || ip.is_multicast() || ip.is_broadcast() || a == 0 || metadata {
        return Reach::Never;
    }
    let shared = a == 100 && (64..128).contains(&b);
    if ip.is_loopback() || ip.is_private() || shared {
        return Reach::Local;
    }
    Reach::Public
}

fn reach_v6(ip: Ipv6Addr) -> Reach {
    let first = ip.segments()[0];
    let link_local = first & 0xffc0 == 0xfe80;
    // AWS's metadata service over IPv6.
    let metadata = ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254);
    if link_local || ip.is_unspecified() || ip.is_multicast() || metadata {
        return Reach::Never;
    }
    let unique_local = first & 0xfe00 == 0xfc00;
    let site_local = first & 0xffc0 == 0xfec0;
    if ip.is_loopback() || unique_local || site_local {
        return Reach::Local;
    }
    Reach::Public
}

impl WebhookDestinations {
    /// Whether deliveries may go to `ip`; if not, why.
    pub(crate) fn check(self, ip: IpAddr) -> Result<(), String> {
        match (reach(ip), self) {
            (Reach::Public, _) | (Reach::Local, Self::AlsoLocal) => Ok(()),
            (Reach::Local, Self::PublicOnly) => Err(format!(
                "{} is a loopback or private address, and this sandbox delivers only to public ones \
                 (it listens beyond loopback; its operator may allow them with --allow-local-webhooks)",
                normalised(ip)
            )),
            (Reach::Never, _) => {
                Err(format!("{} is a link-local, metadata or unspecified address: never delivered to", normalised(ip)))
            }
        }
    }

    /// Whether a registration's URL may be delivered to, as far as its host tells: an address
    /// is checked now; `localhost` is loopback; any other name is checked when it is resolved.
    pub(crate) fn check_url(self, url: &reqwest::Url) -> Result<(), String> {
        match url.host() {
            Some(url::Host::Ipv4(v4)) => self.check(IpAddr::V4(v4)),
            Some(url::Host::Ipv6(v6)) => self.check(IpAddr::V6(v6)),
            Some(url::Host::Domain(name)) if is_localhost(name) => self.check(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            Some(url::Host::Domain(_)) => Ok(()),
            None => Err(format!("{url} has no host")),
        }
    }

    /// The addresses of `resolved` that deliveries may go to; an error naming the first refused
    /// one when none is left.
    pub(crate) fn filter(self, resolved: impl IntoIterator<Item = SocketAddr>) -> Result<Vec<SocketAddr>, String> {
        let mut refused = None;
        let allowed: Vec<SocketAddr> = resolved
            .into_iter()
            .filter(|addr| match self.check(addr.ip()) {
                Ok(()) => true,
                Err(why) => {
                    refused.get_or_insert(why);
                    false
                }
            })
            .collect();
        match (allowed.is_empty(), refused) {
            (true, Some(why)) => Err(why),
            (true, None) => Err("the name resolved to no address".into()),
            (false, _) => Ok(allowed),
        }
    }
}

/// `localhost`, or a name under it (RFC 6761: always loopback).
pub(crate) fn is_localhost(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

/// The delivery client's resolver: the system's, with every address the policy refuses left
/// out, so that no connection is ever opened to one.
#[derive(Debug)]
pub(crate) struct CheckedResolver(pub(crate) WebhookDestinations);

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.0;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let resolved = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let allowed = policy.filter(resolved).map_err(|why| format!("{host}: {why}"))?;
            let addrs: reqwest::dns::Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> reqwest::Url {
        reqwest::Url::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn every_spelling_of_loopback_is_loopback() {
        for spelling in [
            "http://127.0.0.1/h",
            "http://127.1/h",
            "http://0x7f000001/h",
            "http://2130706433/h",
            "http://0177.0.0.1/h",
            "http://[::1]/h",
            "http://[::ffff:127.0.0.1]/h",
            "http://[::127.0.0.1]/h",
            "http://localhost/h",
            "http://LOCALHOST./h",
            "http://a.localhost/h",
        ] {
            assert_eq!(WebhookDestinations::AlsoLocal.check_url(&url(spelling)), Ok(()), "{spelling}");
            let refused = WebhookDestinations::PublicOnly.check_url(&url(spelling));
            assert!(refused.is_err_and(|why| why.contains("loopback or private")), "{spelling}");
        }
    }

    #[test]
    fn link_local_and_metadata_addresses_are_never_delivered_to() {
        for never in [
            "https://169.254.169.254/latest",
            "https://[fe80::1]/h",
            "https://[fd00:ec2::254]/h",
            "https://100.100.100.200/h",
            "https://0.0.0.0/h",
            "https://[::]/h",
            "https://[::ffff:169.254.169.254]/h",
            "https://[::a9fe:a9fe]/h",
            "https://[::169.254.169.254]/h",
            "https://[64:ff9b::a9fe:a9fe]/h",
            "https://[2002:a9fe:a9fe::1]/h",
            "https://[::ffff:0:a9fe:a9fe]/h",
            "https://168.63.129.16/h",
            "https://2852039166/h",
            "https://224.0.0.1/h",
            "https://255.255.255.255/h",
        ] {
            for policy in [WebhookDestinations::AlsoLocal, WebhookDestinations::PublicOnly] {
                let refused = policy.check_url(&url(never));
                assert!(refused.is_err_and(|why| why.contains("never")), "{never} with {policy:?}");
            }
        }
    }

    #[test]
    fn private_ranges_only_when_local_destinations_are_allowed() {
        for private in [
            "https://10.0.0.1:6379/",
            "https://192.168.1.1:22/",
            "https://172.16.0.1/",
            "https://100.64.0.1/",
            "https://[fd12::1]/",
        ] {
            assert_eq!(WebhookDestinations::AlsoLocal.check_url(&url(private)), Ok(()), "{private}");
            assert!(WebhookDestinations::PublicOnly.check_url(&url(private)).is_err(), "{private}");
        }
        for public in ["https://shop.example/h", "https://93.184.215.14/h", "https://[2606:4700::1]/h"] {
            for policy in [WebhookDestinations::AlsoLocal, WebhookDestinations::PublicOnly] {
                assert_eq!(policy.check_url(&url(public)), Ok(()), "{public}");
            }
        }
    }

    #[test]
    fn a_name_that_resolves_to_a_refused_address_gets_no_connection() {
        let addr = |text: &str| text.parse::<SocketAddr>().unwrap_or_else(|e| panic!("{text}: {e}"));
        let rebinding = [addr("169.254.169.254:443"), addr("10.0.0.1:443")];
        let refused = WebhookDestinations::PublicOnly.filter(rebinding);
        assert!(refused.is_err_and(|why| why.contains("169.254.169.254")));
        let mixed = [addr("169.254.169.254:443"), addr("93.184.215.14:443")];
        assert_eq!(WebhookDestinations::PublicOnly.filter(mixed), Ok(vec![addr("93.184.215.14:443")]));
        let local = [addr("[::1]:8080")];
        assert_eq!(WebhookDestinations::AlsoLocal.filter(local), Ok(local.to_vec()));
        assert!(WebhookDestinations::PublicOnly.filter(local).is_err());
        assert!(WebhookDestinations::AlsoLocal.filter([]).is_err());
    }
}
