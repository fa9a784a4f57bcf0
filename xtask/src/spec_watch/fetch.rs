//! Fetching a published document for `spec-watch`: one GET with a timeout, a size limit, and
//! no redirect to another host (nor from https to http), so that a compromised or mistyped
//! address cannot hand the watch a document from elsewhere.

use std::io::Read as _;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use reqwest::blocking::Client;
use reqwest::redirect::{Attempt, Policy};

/// What one fetch may take.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// For the whole exchange, connecting included.
    pub timeout: Duration,
    /// The largest body accepted.
    pub max_bytes: u64,
}

impl Default for Limits {
    /// 30 seconds and 8 MiB: published documents are tens of kilobytes.
    fn default() -> Self {
        Limits { timeout: Duration::from_secs(30), max_bytes: 8 << 20 }
    }
}

/// An HTTP client with [`Limits`].
#[derive(Clone, Debug)]
pub struct Fetcher {
    client: Client,
    max_bytes: u64,
}

/// How many redirects within one host are followed.
const MAX_REDIRECTS: usize = 5;

impl Fetcher {
    /// A client with these limits.
    pub fn new(limits: Limits) -> Result<Self> {
        let client = Client::builder()
            .timeout(limits.timeout)
            .redirect(Policy::custom(same_host))
            .user_agent(concat!("epayment-toolkit-spec-watch/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| anyhow!("cannot build the HTTP client: {e}"))?;
        Ok(Fetcher { client, max_bytes: limits.max_bytes })
    }

    /// The body at `url`, if it answers 2xx within the limits.
    pub fn get(&self, url: &str) -> Result<Vec<u8>> {
        let response = self.client.get(url).send().map_err(|e| anyhow!("{url}: {}", one_line(&e)))?;
        let status = response.status();
        if !status.is_success() {
            bail!("{url}: answered {status}");
        }
        if let Some(length) = response.content_length().filter(|l| *l > self.max_bytes) {
            bail!("{url}: {length} bytes, more than the {} bytes allowed", self.max_bytes);
        }
        let mut body = Vec::new();
        response
            .take(self.max_bytes + 1)
            .read_to_end(&mut body)
            .map_err(|e| anyhow!("{url}: cannot read the answer: {e}"))?;
        if body.len() as u64 > self.max_bytes {
            bail!("{url}: more than the {} bytes allowed", self.max_bytes);
        }
        Ok(body)
    }
}

/// Follows a redirect only to the same host and port, never from https to http.
fn same_host(attempt: Attempt<'_>) -> reqwest::redirect::Action {
    let Some(first) = attempt.previous().first() else { return attempt.stop() };
    let next = attempt.url();
    let same = next.host_str() == first.host_str()
        && next.port_or_known_default() == first.port_or_known_default()
        && !(first.scheme() == "https" && next.scheme() != "https");
    if !same {
        let message = format!("redirected to another host ({next}); spec-watch follows none");
        return attempt.error(message);
    }
    if attempt.previous().len() > MAX_REDIRECTS {
        return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
    }
    attempt.follow()
}

/// An HTTP error and its causes on one line.
fn one_line(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let line = cause.to_string();
        if !text.contains(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        source = cause.source();
    }
    text
}
