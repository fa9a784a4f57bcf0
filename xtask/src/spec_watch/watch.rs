//! Each followed document as published now, compared with its lock entry: read (with the
//! external documents its `$ref`s name), digested, and judged unchanged, changed with the same
//! `info.version`, or changed with a new one.

use std::collections::VecDeque;
use std::path::Path;

use anyhow::{Result, anyhow, bail};
use serde_json::Value;

use super::reader::{Reader, Source};
use crate::digest;
use crate::document::parse_text;
use crate::external::referenced_documents;
use crate::lock::{Lock, Locked, LockedExternal};

/// How a published document compares with the lock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The same content, externals included.
    Unchanged,
    /// Other content under the same `info.version`.
    ChangedSameVersion,
    /// Other content and another `info.version`.
    ChangedNewVersion,
}

/// A document as read now: its lock entry and what it was made from.
#[derive(Clone, Debug)]
pub struct Taken {
    /// The entry the lock would hold for it.
    pub entry: Locked,
    /// The document as published.
    pub bytes: Vec<u8>,
    /// Each external document, by URL, as published.
    pub externals: Vec<(String, Vec<u8>)>,
}

/// One followed document, watched.
#[derive(Clone, Debug)]
pub struct Watched {
    /// What the lock says.
    pub locked: Locked,
    /// What is published now.
    pub taken: Taken,
    /// How they compare.
    pub verdict: Verdict,
}

impl Watched {
    /// Whether what `openapi/` copies changed (not only prose), in the document or an external.
    pub fn structure_changed(&self) -> bool {
        digests(&self.locked, Digest::Structure) != digests(&self.taken.entry, Digest::Structure)
    }

    /// One line for the terminal and the pull request.
    pub fn summary(&self) -> String {
        let (old, new) = (&self.locked, &self.taken.entry);
        let name = format!("{} ({})", new.title, new.ours);
        let what = if self.structure_changed() {
            "its structure changed: openapi/ must follow"
        } else {
            "only prose changed (descriptions, examples): openapi/ keeps its structure"
        };
        match self.verdict {
            Verdict::Unchanged => format!("{name}: unchanged ({}, taken {})", old.version, old.taken),
            Verdict::ChangedSameVersion => format!(
                "{name}: changed with the same info.version {}, the change version numbers hide; {what}",
                new.version
            ),
            Verdict::ChangedNewVersion => {
                format!("{name}: changed with a new version, {} -> {}; {what}", old.version, new.version)
            }
        }
    }
}

/// At most this many external documents are followed from one document.
const MAX_EXTERNALS: usize = 32;

/// Parses what a source gave: YAML or JSON, named by where it came from in errors.
fn parse(name: &str, bytes: &[u8]) -> Result<Value> {
    let text = std::str::from_utf8(bytes).map_err(|e| anyhow!("{name}: not UTF-8 text (byte {})", e.valid_up_to()))?;
    parse_text(Path::new(name), text)
}

/// The lock entry for a document read now: `url` is where it is published (its relative
/// references are read against it), `ours` our document that follows it, `today` the date.
pub fn take(reader: &Reader, bytes: Vec<u8>, url: &str, ours: &str, today: &str) -> Result<Taken> {
    let value = parse(url, &bytes)?;
    let info = |key: &str| value.pointer(&format!("/info/{key}")).map(text_of).unwrap_or_default();
    let mut externals = Vec::new();
    let mut locked_externals = Vec::new();
    let mut queue: VecDeque<String> = referenced_documents(&value, Some(url)).into_iter().collect();
    while let Some(external) = queue.pop_front() {
        if externals.iter().any(|(u, _)| *u == external) {
            continue;
        }
        if externals.len() == MAX_EXTERNALS {
            bail!("{url}: refers to more than {MAX_EXTERNALS} other documents");
        }
        let bytes = reader.read_url(&external)?;
        let doc = parse(&external, &bytes)?;
        queue.extend(referenced_documents(&doc, Some(&external)).into_iter().filter(|u| u != url));
        locked_externals.push(LockedExternal {
            url: external.clone(),
            content: digest::content(&doc),
            structure: digest::structure(&doc),
        });
        externals.push((external, bytes));
    }
    locked_externals.sort_by(|a, b| a.url.cmp(&b.url));
    let entry = Locked {
        title: info("title"),
        ours: ours.to_owned(),
        url: url.to_owned(),
        version: info("version"),
        taken: today.to_owned(),
        content: digest::content(&value),
        structure: digest::structure(&value),
        externals: locked_externals,
    };
    Ok(Taken { entry, bytes, externals })
}

fn text_of(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

/// How a document read now compares with its lock entry.
fn compare(locked: &Locked, taken: &Locked) -> Verdict {
    if digests(locked, Digest::Content) == digests(taken, Digest::Content) {
        Verdict::Unchanged
    } else if locked.version == taken.version {
        Verdict::ChangedSameVersion
    } else {
        Verdict::ChangedNewVersion
    }
}

#[derive(Clone, Copy)]
enum Digest {
    Content,
    Structure,
}

/// One kind of digest of a document and of each of its externals, by URL (the document's
/// own under the empty URL, since a URL given on the command line may differ from the lock's).
fn digests(entry: &Locked, kind: Digest) -> Vec<(&str, &str)> {
    let mut all: Vec<(&str, &str)> =
        entry.externals.iter().map(|x| (x.url.as_str(), kind.of(&x.content, &x.structure))).collect();
    all.push(("", kind.of(&entry.content, &entry.structure)));
    all
}

impl Digest {
    fn of<'a>(self, content: &'a str, structure: &'a str) -> &'a str {
        match self {
            Digest::Content => content,
            Digest::Structure => structure,
        }
    }
}

/// Watches the documents: every one the lock names (fetched from its URL) when `sources` is
/// empty, else those given, each matched to the lock entry with its `info.title`.
pub fn watch(lock: &Lock, sources: &[Source], reader: &Reader, today: &str) -> Result<Vec<Watched>> {
    let mut watched = Vec::new();
    let given: Vec<(Source, Option<Vec<u8>>)> = if sources.is_empty() {
        lock.documents.iter().map(|d| (Source::Url(d.url.clone()), None)).collect()
    } else {
        sources.iter().map(|s| Ok((s.clone(), Some(reader.read(s)?)))).collect::<Result<_>>()?
    };
    for (i, (source, bytes)) in given.into_iter().enumerate() {
        let (locked, bytes) = match bytes {
            None => (&lock.documents[i], reader.read(&source)?),
            Some(bytes) => (matching(lock, &source, &bytes)?, bytes),
        };
        // A local copy stands for the document at the lock's URL; a URL given is where it is now.
        let url = match &source {
            Source::Url(url) => url.as_str(),
            Source::File(_) => locked.url.as_str(),
        };
        let taken = take(reader, bytes, url, &locked.ours, today)?;
        let verdict = compare(locked, &taken.entry);
        watched.push(Watched { locked: locked.clone(), taken, verdict });
    }
    Ok(watched)
}

/// The lock entry of the document a source holds, by its `info.title`.
fn matching<'l>(lock: &'l Lock, source: &Source, bytes: &[u8]) -> Result<&'l Locked> {
    let name = match source {
        Source::Url(url) => url.clone(),
        Source::File(path) => path.display().to_string(),
    };
    let title = parse(&name, bytes)?.pointer("/info/title").map(text_of).unwrap_or_default();
    lock.documents.iter().find(|d| d.title == title).ok_or_else(|| {
        let followed: Vec<&str> = lock.documents.iter().map(|d| d.title.as_str()).collect();
        anyhow!("{name}: `{title}` is none of the documents the lock follows ({})", followed.join(", "))
    })
}

/// The lock as it would be with what was taken: changed documents replaced, the rest kept.
pub(super) fn next_lock(lock: &Lock, watched: &[Watched]) -> Lock {
    let mut next = lock.clone();
    for w in watched.iter().filter(|w| w.verdict != Verdict::Unchanged) {
        if let Some(entry) = next.documents.iter_mut().find(|d| d.ours == w.locked.ours) {
            *entry = w.taken.entry.clone();
        }
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(version: &str, content: &str, external: Option<&str>) -> Locked {
        Locked {
            version: version.into(),
            content: content.into(),
            externals: external
                .map(|c| LockedExternal { url: "https://x/om.yaml".into(), content: c.into(), structure: c.into() })
                .into_iter()
                .collect(),
            ..Locked::default()
        }
    }

    #[test]
    fn a_change_in_an_external_document_is_a_change_of_the_document() {
        let locked = entry("1.4.1", "a", Some("om-1"));
        assert_eq!(compare(&locked, &entry("1.4.1", "a", Some("om-1"))), Verdict::Unchanged);
        assert_eq!(compare(&locked, &entry("1.4.1", "a", Some("om-2"))), Verdict::ChangedSameVersion);
        assert_eq!(compare(&locked, &entry("1.4.1", "a", None)), Verdict::ChangedSameVersion);
        assert_eq!(compare(&locked, &entry("1.4.1", "b", Some("om-1"))), Verdict::ChangedSameVersion);
        assert_eq!(compare(&locked, &entry("1.5.0", "b", Some("om-1"))), Verdict::ChangedNewVersion);
    }
}
