//! What `spec-watch` writes when a document changed, under `<target>/spec-watch/`: the fetched
//! copies (`fetched/`), the lock it proposes (`upstream.lock`), and the body of a pull request
//! (`pr.md`: a title line, each document's verdict, what the change means for the project,
//! and the lock's diff).
//!
//! What the change means: for the ePayment document, `spec-update` run offline on the fetched
//! copy with its externals mapped to the fetched copies of them; for another document,
//! spec-diff from ours to the fetched one.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use super::watch::{Verdict, Watched, next_lock};
use crate::external::{ExternalRefs, Unmapped};
use crate::lock::{self, Lock};
use crate::project::{TARGETS, target_dir};
use crate::spec_diff::{self, Config, report};
use crate::spec_update::{self, Request};
use crate::surface::text_diff;

/// GitHub refuses a pull request body over 65,536 characters; the report is cut before that.
const MAX_BODY: usize = 60_000;

/// What was written.
#[derive(Debug)]
pub(super) struct Proposal {
    /// The pull request's title (also the first line of `pr.md`).
    pub title: String,
    /// `pr.md`.
    pub body: PathBuf,
    /// The lock it proposes.
    pub lock: PathBuf,
    /// spec-update's verdict on the ePayment document, if it changed: breaking or not, and the
    /// report; or why it could not run.
    pub update: Option<Result<(bool, PathBuf), String>>,
}

/// Writes the proposal for the changed documents of `watched`; `no_contract` skips
/// spec-update's contract run.
pub(super) fn propose(root: &Path, lock: &Lock, watched: &[Watched], no_contract: bool) -> Result<Proposal> {
    let dir = target_dir(root).join("spec-watch");
    let fetched = dir.join("fetched");
    if fetched.exists() {
        std::fs::remove_dir_all(&fetched).with_context(|| format!("cannot clear {}", fetched.display()))?;
    }
    let mut body = String::new();
    let mut update = None;
    let mut meanings = String::new();
    for w in watched.iter().filter(|w| w.verdict != Verdict::Unchanged) {
        let (copy, external) = write_copies(&fetched, w)?;
        let title = &w.taken.entry.title;
        if w.locked.ours == TARGETS[0].spec {
            let request = Request { new: copy, base: None, external, no_contract };
            match spec_update::write_report(root, &request) {
                Ok((outcome, path, text)) => {
                    // Its title (`# spec-update: ...`) becomes this section's.
                    writeln!(meanings, "{}", demoted(&text))?;
                    update = Some(Ok((outcome.breaking(), path)));
                }
                Err(e) => {
                    let why = format!("{e:#}");
                    writeln!(meanings, "## spec-update\n\nspec-update could not run: {why}\n")?;
                    update = Some(Err(why));
                }
            }
        } else {
            let ours = external.load(&root.join(&w.locked.ours), Unmapped::Keep)?;
            let theirs = external.load(&copy, Unmapped::Keep)?;
            let changes = spec_diff::diff_with(&ours, &theirs, &Config::for_project(root)?);
            let text = report::markdown(&report::visible(&changes, false))?;
            let text = text.trim_start_matches("# API changes\n\n");
            let version = &w.taken.entry.version;
            writeln!(meanings, "## spec-diff: `{}` -> {title} {version}\n\n{}", w.locked.ours, demoted(text))?;
        }
    }
    let next = next_lock(lock, watched);
    let (old_text, new_text) = (lock.render()?, next.render()?);
    let lock_path = dir.join("upstream.lock");
    std::fs::write(&lock_path, &new_text).with_context(|| format!("cannot write {}", lock_path.display()))?;

    let title = title(watched);
    writeln!(body, "# {title}\n")?;
    for w in watched {
        writeln!(body, "- {}", w.summary())?;
    }
    writeln!(
        body,
        "\nThis pull request updates `{}` only. Then a person decides: follow the change in \
         `openapi/` in our own words, run `cargo xtask regen`, and review the overlays the report \
         names (see docs/tracking-the-document.md, \"When Vipps publishes a new document\").\n",
        lock::DEFAULT_PATH
    )?;
    let diff = text_diff(
        &format!("{} (committed)", lock::DEFAULT_PATH),
        &format!("{} (published now)", lock::DEFAULT_PATH),
        &old_text,
        &new_text,
    );
    let lock_section = format!("## The lock\n\n```diff\n{diff}```\n");
    let room = MAX_BODY.saturating_sub(body.len() + lock_section.len() + 200);
    if meanings.len() > room {
        let cut = (0..=room).rev().find(|i| meanings.is_char_boundary(*i)).unwrap_or(0);
        meanings.truncate(cut);
        meanings.push_str("\n\n… (cut here: the whole report is in the run's `spec-update/report.md`)\n\n");
    }
    body.push_str(&meanings);
    body.push_str(&lock_section);
    let body_path = dir.join("pr.md");
    std::fs::write(&body_path, &body).with_context(|| format!("cannot write {}", body_path.display()))?;
    Ok(Proposal { title, body: body_path, lock: lock_path, update })
}

/// Writes a changed document and its externals under `fetched`; returns the document's copy
/// and the mapping of each external URL to its copy.
fn write_copies(fetched: &Path, w: &Watched) -> Result<(PathBuf, ExternalRefs)> {
    let name = Path::new(&w.locked.ours).file_name().map_or_else(|| "document.yaml".into(), |n| n.to_owned());
    let dir = fetched.join(Path::new(&name).file_stem().unwrap_or_default());
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let copy = dir.join(&name);
    std::fs::write(&copy, &w.taken.bytes).with_context(|| format!("cannot write {}", copy.display()))?;
    let mut external = ExternalRefs::new();
    for (i, (url, bytes)) in w.taken.externals.iter().enumerate() {
        let last = url.rsplit('/').next().filter(|s| !s.is_empty()).unwrap_or("external.yaml");
        let path = dir.join(format!("external-{}-{last}", i + 1));
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        external.add_arg(&format!("{url}={}", path.display()))?;
    }
    Ok((copy, external))
}

/// The pull request's title: what changed, and how its version says it.
fn title(watched: &[Watched]) -> String {
    let parts: Vec<String> = watched
        .iter()
        .filter_map(|w| match w.verdict {
            Verdict::Unchanged => None,
            Verdict::ChangedSameVersion => {
                Some(format!("{} changed without a new version ({})", w.taken.entry.title, w.taken.entry.version))
            }
            Verdict::ChangedNewVersion => {
                Some(format!("{} {} -> {}", w.taken.entry.title, w.locked.version, w.taken.entry.version))
            }
        })
        .collect();
    format!("spec-watch: {}", parts.join("; "))
}

/// Markdown with every heading one level down, to sit under a section of its own.
fn demoted(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + 64);
    let mut fenced = false;
    for line in markdown.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        if !fenced && line.starts_with('#') {
            out.push('#');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_go_one_level_down_but_not_in_code() {
        assert_eq!(
            demoted("# A\n\ntext\n## B\n```\n# not a heading\n```\n"),
            "## A\n\ntext\n### B\n```\n# not a heading\n```\n"
        );
    }
}
