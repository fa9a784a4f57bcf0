//! `openapi/upstream.lock`: the published documents `openapi/` follows, as they were when last
//! taken: for each, its URL, `info.version`, the date, the digests of its content and
//! structure (`digest.rs`), and the external documents it references with theirs.
//!
//! `cargo xtask spec-watch` compares what is published now with it and proposes the next lock;
//! `cargo xtask regen --check` compares our documents' structure with it ([`check_ours`]).

use std::path::Path;

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

use crate::digest;
use crate::document::Document;
use crate::project::TARGETS;

/// Where the lock lives, relative to the workspace root.
pub const DEFAULT_PATH: &str = "openapi/upstream.lock";

const HEADER: &str = "\
# The published documents openapi/ follows, as last taken. `cargo xtask spec-watch` compares
# what is published now with this and proposes the next version of this file (a pull request);
# `cargo xtask regen --check` fails when our document's structure digest differs from the one here.
# content: sha256 of every value (key order, line endings, YAML or JSON do not count).
# structure: sha256 of what openapi/ copies in its own words (no descriptions, summaries,
# examples or x- extensions), so it is computed from our document too.
";

/// The lock file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// One entry per followed document.
    #[serde(default, rename = "document")]
    pub documents: Vec<Locked>,
}

/// A published document, as taken.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Locked {
    /// Its `info.title`, by which a document given on the command line is matched.
    pub title: String,
    /// Our own document that follows it, relative to the workspace root.
    pub ours: String,
    /// Where it is published.
    pub url: String,
    /// Its `info.version`.
    pub version: String,
    /// The day it was taken, `YYYY-MM-DD` (UTC).
    pub taken: String,
    /// The digest of its content (`digest::content`).
    pub content: String,
    /// The digest of its structure (`digest::structure`).
    pub structure: String,
    /// The documents its `$ref`s name, by URL.
    #[serde(default, rename = "external", skip_serializing_if = "Vec::is_empty")]
    pub externals: Vec<LockedExternal>,
}

/// A document that a followed document references.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedExternal {
    /// Its URL, as the reference names it (made absolute).
    pub url: String,
    /// The digest of its content (`digest::content`).
    pub content: String,
    /// The digest of its structure (`digest::structure`).
    pub structure: String,
}

impl Lock {
    /// Reads a lock file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))?;
        Self::parse(&text).with_context(|| path.display().to_string())
    }

    /// Parses the text of a lock file; unknown fields are errors.
    pub fn parse(text: &str) -> Result<Self> {
        toml::from_str(text).map_err(|e| anyhow::anyhow!("{}", e.message()))
    }

    /// The file's text, with the header that says what it is.
    pub fn render(&self) -> Result<String> {
        Ok(format!("{HEADER}\n{}", toml::to_string(self)?))
    }

    /// The entry our document `ours` (relative to the root) follows.
    pub fn followed_by(&self, ours: &str) -> Option<&Locked> {
        self.documents.iter().find(|d| d.ours == ours)
    }
}

/// Each of our documents whose structure is not that of the published document the lock
/// names, as one line: what `regen --check` reports.
pub fn check_ours(root: &Path, lock: &Lock) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for target in TARGETS {
        let Some(locked) = lock.followed_by(target.spec) else {
            problems.push(format!("{DEFAULT_PATH} names no published document that {} follows", target.spec));
            continue;
        };
        let ours = digest::structure(&Document::load(&root.join(target.spec))?.value);
        if ours != locked.structure {
            problems.push(format!(
                "{} does not have the structure of {} {} that {DEFAULT_PATH} names ({} here, {} there): \
                 follow it in openapi/, or update the lock",
                target.spec,
                locked.title,
                locked.version,
                short(&ours),
                short(&locked.structure)
            ));
        }
    }
    Ok(problems)
}

/// A digest cut to what a reader compares by eye.
pub fn short(digest: &str) -> &str {
    digest.get(..7 + 12).unwrap_or(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_reads_back_what_it_writes_and_refuses_unknown_fields() {
        let lock = Lock {
            documents: vec![Locked {
                title: "ePayment API".into(),
                ours: "openapi/epayment.yaml".into(),
                url: "https://example.com/epayment.yaml".into(),
                version: "1.4.1".into(),
                taken: "2026-12-01".into(),
                content: "sha256:aa".into(),
                structure: "sha256:bb".into(),
                externals: vec![LockedExternal {
                    url: "https://example.com/om.yaml".into(),
                    content: "sha256:cc".into(),
                    structure: "sha256:dd".into(),
                }],
            }],
        };
        let text = lock.render().expect("render");
        assert!(text.starts_with("# The published documents") && text.contains("[[document.external]]"), "{text}");
        assert_eq!(Lock::parse(&text).expect("parse"), lock);
        let err = Lock::parse("[[document]]\ntitle = \"x\"\nowner = \"y\"\n").expect_err("unknown field");
        assert!(format!("{err:#}").contains("unknown field `owner`"), "{err:#}");
    }
}
