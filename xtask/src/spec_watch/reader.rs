//! Where `spec-watch` reads a document from: a URL (fetched within [`Limits`], unless
//! `--external` maps it to a local file) or a local copy (`--file`).

use anyhow::{Context as _, Result};
use std::path::PathBuf;

use super::fetch::{Fetcher, Limits};
use crate::external::ExternalRefs;

/// Where a document is read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Fetched.
    Url(String),
    /// A local copy of the published document.
    File(PathBuf),
}

/// Reads documents from mapped local files (`--external URL=FILE`) or over HTTP.
#[derive(Debug)]
pub struct Reader {
    external: ExternalRefs,
    limits: Limits,
    fetcher: std::cell::OnceCell<Fetcher>,
}

impl Reader {
    /// A reader that fetches within `limits` what `external` does not map to a file.
    pub fn new(external: ExternalRefs, limits: Limits) -> Self {
        Reader { external, limits, fetcher: std::cell::OnceCell::new() }
    }

    /// The bytes of the document at `url`.
    pub fn read_url(&self, url: &str) -> Result<Vec<u8>> {
        if let Some(file) = self.external.file_for(url) {
            return std::fs::read(&file).with_context(|| format!("{url} (mapped to {}): cannot read", file.display()));
        }
        let fetcher = match self.fetcher.get() {
            Some(fetcher) => fetcher,
            None => {
                let fetcher = Fetcher::new(self.limits)?;
                self.fetcher.get_or_init(|| fetcher)
            }
        };
        fetcher.get(url)
    }

    /// The bytes of a source.
    pub fn read(&self, source: &Source) -> Result<Vec<u8>> {
        match source {
            Source::Url(url) => self.read_url(url),
            Source::File(path) => std::fs::read(path).with_context(|| format!("{}: cannot read", path.display())),
        }
    }
}
