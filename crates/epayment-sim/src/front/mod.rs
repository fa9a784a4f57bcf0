//! The simulator's one HTTP front, for tests and for the standalone sandbox alike: hyper,
//! HTTP/1.1, keep-alive. It reads each request (refusing a body over the limit with 413
//! before reading it whole), hands it to [`SimulatedApi::answer`], and writes, delays or drops
//! the reply as the outcome says. It keeps nothing of a request: what is kept is the
//! simulator's own decision (payments, replays, the last exchanges up to the log's limits).
//!
//! A hostile client cannot hold it: headers must arrive within a time (which also ends an idle
//! keep-alive connection), a body within another, an answer must be taken within a third (a
//! client that sends and never reads, [`StalledWrites`]), header space is bounded, and there
//! are at most so many connections at once; past that, new ones wait in the kernel's queue until one
//! ends. A failed accept (out of file handles) pauses the loop instead of spinning it.

mod stalled_writes;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};

use crate::api::{Outcome, Reply, SimulatedApi};
use crate::limits::Limits;
use crate::lock::lock;
use stalled_writes::StalledWrites;

/// How long the accept loop rests after a failed accept.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// The connections being served: one permit each, so that a shutdown can wait for them all,
/// and how many each client (peer address) has.
pub(crate) struct Connections {
    permits: Arc<Semaphore>,
    max: usize,
    /// Connections being served (the accept loop holds a permit while it waits for one, so
    /// the permits alone would count one too many).
    open: Arc<AtomicUsize>,
    per_client: usize,
    by_client: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// One connection's place: its permit, its count among the open ones and among its client's,
/// all given back when it ends.
struct Served {
    _permit: OwnedSemaphorePermit,
    open: Arc<AtomicUsize>,
    client: IpAddr,
    by_client: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::AcqRel);
        let mut by_client = lock(&self.by_client);
        if let Some(count) = by_client.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                by_client.remove(&self.client);
            }
        }
    }
}

impl Connections {
    pub(crate) fn new(max: usize, per_client: usize) -> Self {
        let max = max.clamp(1, Semaphore::MAX_PERMITS);
        Self {
            permits: Arc::new(Semaphore::new(max)),
            max,
            open: Arc::default(),
            per_client: per_client.max(1),
            by_client: Arc::default(),
        }
    }

    /// A connection from `client` accepted with `permit` is being served, unless the client
    /// has its share already and the front is half full (then the permit goes back): while
    /// there is room, one client may use it, as a load test from one host does.
    fn serve(&self, permit: OwnedSemaphorePermit, client: IpAddr) -> Option<Served> {
        {
            let mut by_client = lock(&self.by_client);
            let count = by_client.entry(client).or_default();
            let crowded = self.permits.available_permits() < self.max / 2;
            if crowded && *count >= self.per_client {
                if *count == 0 {
                    by_client.remove(&client);
                }
                return None;
            }
            *count += 1;
        }
        self.open.fetch_add(1, Ordering::AcqRel);
        Some(Served { _permit: permit, open: self.open.clone(), client, by_client: self.by_client.clone() })
    }

    /// Waits until every connection has ended, or `grace` has passed; true if they all ended.
    pub(crate) async fn drained(&self, grace: Duration) -> bool {
        let all = u32::try_from(self.max).unwrap_or(u32::MAX);
        tokio::time::timeout(grace, self.permits.acquire_many(all)).await.is_ok_and(|permit| permit.is_ok())
    }

    /// How many connections are open.
    pub(crate) fn open(&self) -> usize {
        self.open.load(Ordering::Acquire)
    }
}

/// Accepts connections on `listener` until `stop` turns true.
// fidelity: front-limits
pub(crate) async fn run(
    listener: tokio::net::TcpListener,
    api: Arc<SimulatedApi>,
    limits: Limits,
    connections: Arc<Connections>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let permit = tokio::select! {
            permit = connections.permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => return,
            },
            _ = stop.wait_for(|stopped| *stopped) => return,
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.wait_for(|stopped| *stopped) => return,
        };
        let Ok((stream, peer)) = accepted else {
            // Out of file handles, say: rest rather than spin, then try again.
            drop(permit);
            tokio::time::sleep(ACCEPT_PAUSE).await;
            continue;
        };
        // A client past its share is closed at once: its place goes to the next in line.
        let Some(served) = connections.serve(permit, client(peer.ip())) else { continue };
        let api = api.clone();
        let mut stopped = stop.clone();
        tokio::spawn(async move {
            let _served = served;
            let service = service_fn(move |request| serve(api.clone(), limits, request));
            let mut builder = http1::Builder::new();
            builder
                .keep_alive(true)
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .max_buf_size(limits.header_bytes.max(8 << 10));
            let stream = StalledWrites::new(stream, limits.write_timeout);
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            // A connection that breaks mid-request is the client's business; one still open
            // when the simulator stops is closed after its request in flight.
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = async { drop(stopped.wait_for(|stopped| *stopped).await) } => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
    }
}

/// Whose share a connection counts in: its IPv4 address, or its IPv6 address's /64 (one host
/// commonly has a whole /64, and would otherwise be as many clients as it likes).
fn client(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

/// Why a connection is closed without an answer.
#[derive(Debug)]
enum Dropped {
    /// An injected fault: applied, then the connection dropped.
    Injected,
    /// The client went away, or was too slow, mid-body.
    BrokenBody,
}

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Dropped::Injected => "injected fault: applied, connection dropped",
            Dropped::BrokenBody => "the request body broke off or came too slowly",
        })
    }
}

impl std::error::Error for Dropped {}

async fn serve(
    api: Arc<SimulatedApi>,
    limits: Limits,
    request: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Dropped> {
    let (parts, body) = request.into_parts();
    let declared = parts.headers.get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let over_limit = |parts| {
        let request = http::Request::from_parts(parts, Bytes::new());
        Ok(response(api.too_large(&request, limits.body_bytes)))
    };
    // fidelity: body-limit-413
    // Refused on its declared length before a byte of it is read, or as soon as what arrives
    // passes the limit (a chunked body declares nothing).
    if declared.is_some_and(|n| n > limits.body_bytes as u64) {
        return over_limit(parts);
    }
    let read = tokio::time::timeout(limits.body_timeout, Limited::new(body, limits.body_bytes).collect()).await;
    let body = match read {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => return over_limit(parts),
        // The client went away mid-body, or sends it too slowly: nothing to answer.
        Ok(Err(_)) | Err(_) => return Err(Dropped::BrokenBody),
    };
    let request = http::Request::from_parts(parts, body);
    match api.answer_surviving(&request) {
        Outcome::Respond(reply) => Ok(response(reply)),
        Outcome::RespondAfter(delay, reply) => {
            tokio::time::sleep(delay).await;
            Ok(response(reply))
        }
        Outcome::DropConnection => Err(Dropped::Injected),
    }
}

fn response(reply: Reply) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::new()));
    *response.status_mut() =
        http::StatusCode::from_u16(reply.status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    for (name, value) in &reply.headers {
        if let Ok(value) = http::HeaderValue::from_str(value) {
            headers.insert(*name, value);
        }
    }
    if let Some(content_type) = reply.content_type() {
        headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(content_type));
    }
    if let Some(body) = reply.body {
        *response.body_mut() = Full::new(body);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_connections_being_served_count_as_open() {
        let connections = Connections::new(4, 4);
        // The accept loop holds a permit while it waits for a connection.
        let waiting = connections.permits.clone().acquire_owned().await.expect("a permit");
        assert_eq!(connections.open(), 0);
        let served = connections.serve(waiting, IpAddr::from([127, 0, 0, 1]));
        assert_eq!(connections.open(), 1);
        drop(served);
        assert_eq!(connections.open(), 0);
    }

    #[tokio::test]
    async fn a_client_past_its_share_is_turned_away_and_others_are_not() {
        // Four places: past half of them, a client gets its share of two and no more.
        let connections = Connections::new(4, 2);
        let (greedy, other) = (IpAddr::from([127, 0, 0, 2]), IpAddr::from([127, 0, 0, 1]));
        let permit = || connections.permits.clone().try_acquire_owned().expect("a permit");
        let first = connections.serve(permit(), greedy).expect("its first");
        let _second = connections.serve(permit(), greedy).expect("its second");
        assert!(connections.serve(permit(), greedy).is_none(), "a third is past its share");
        assert_eq!(connections.permits.available_permits(), 2, "the permit of the one turned away went back");
        assert!(connections.serve(permit(), other).is_some(), "another client is served");
        drop(first);
        assert!(connections.serve(permit(), greedy).is_some(), "a place given back can be taken again");
        let one_host = |last: u16| client(IpAddr::from([0x2001, 0xdb8, 1, 2, 0, 0, 0, last]));
        assert_eq!(one_host(1), one_host(2), "one /64 is one client");
        assert_ne!(client(IpAddr::from([0x2001, 0xdb8, 1, 3, 0, 0, 0, 1])), one_host(1));
        assert_eq!(client("::ffff:127.0.0.2".parse().unwrap_or(greedy)), greedy);
    }
}
