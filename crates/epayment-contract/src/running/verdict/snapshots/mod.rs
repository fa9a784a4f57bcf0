//! Snapshots: each scenario's redacted exchanges, kept in `features/snapshots/<name>.snap` in
//! insta's format (so that `cargo insta review` reviews them), named from the feature file and
//! the scenario.
//!
//! What a run does with them ([`Policy`]): a scenario that matches its snapshot passes. A local
//! run writes a new scenario's snapshot as `<name>.snap.new` for review and passes it; a
//! changed one fails with the values that changed, its `.snap.new` written beside. Under
//! `CI=true` both fail and nothing is written. `INSTA_UPDATE=always` accepts every snapshot as
//! it is now; `INSTA_UPDATE=no` writes nothing.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// What the run does with a snapshot that is missing or differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Under CI: both fail, nothing is written.
    Ci,
    /// Locally: a new one is written for review and passes; a changed one fails, written
    /// beside for review.
    Review,
    /// `INSTA_UPDATE=always`: the snapshot is written as it is now, and passes.
    Accept,
    /// `INSTA_UPDATE=no`: like a local run, writing nothing.
    WriteNothing,
}

impl Policy {
    /// The policy the environment asks for (`CI`, `INSTA_UPDATE`, as insta reads them).
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok();
        Self::of(var("CI").as_deref(), var("INSTA_UPDATE").as_deref())
    }

    /// The policy for these values of `CI` and `INSTA_UPDATE`.
    pub fn of(ci: Option<&str>, update: Option<&str>) -> Self {
        let ci = ci.is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
        match update {
            Some("always") => Policy::Accept,
            Some("no") => Policy::WriteNothing,
            _ if ci => Policy::Ci,
            _ => Policy::Review,
        }
    }
}

/// How a scenario's exchanges compare with its snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// They are what the snapshot holds.
    Matches,
    /// There was no snapshot: it was written for review (the path) or, under `INSTA_UPDATE=no`,
    /// not at all (`None`).
    New(Option<PathBuf>),
    /// The snapshot was written as the exchanges are now (`INSTA_UPDATE=always`).
    Accepted(PathBuf),
    /// There is no committed snapshot, and the run is under CI.
    Missing(PathBuf),
    /// They differ: how many values changed, the first few of them, the unified diff, and the
    /// `.snap.new` written for review, if any.
    Changed { count: usize, changes: Vec<String>, diff: String, written: Option<PathBuf> },
}

/// The snapshot `name` in `dir`, which a scenario described by `description` is to match.
pub struct Snapshot<'a> {
    /// The folder.
    pub dir: &'a Path,
    /// The name (without `.snap`).
    pub name: &'a str,
    /// Where it came from, kept in the file's header (`capture.feature / Full capture`).
    pub description: &'a str,
}

impl Snapshot<'_> {
    fn path(&self, extension: &str) -> PathBuf {
        self.dir.join(format!("{}.{extension}", self.name))
    }

    /// Compares `value` with the snapshot, and writes what `policy` says.
    pub fn check(&self, value: &Value, policy: Policy) -> Outcome {
        let (committed, new) = (self.path("snap"), self.path("snap.new"));
        let old = read(&committed);
        if old.as_ref() == Some(value) {
            // A review left over from an earlier run is moot now.
            let _ = std::fs::remove_file(&new);
            return Outcome::Matches;
        }
        // A `--snapshots` folder that does not exist yet is made, as the reports' are.
        let write = |path: &Path| {
            path.parent().map_or(Ok(()), std::fs::create_dir_all).ok()?;
            std::fs::write(path, self.file_text(value)).ok().map(|()| path.to_path_buf())
        };
        if policy == Policy::Accept {
            let _ = std::fs::remove_file(&new);
            return write(&committed).map_or(Outcome::Missing(committed.clone()), Outcome::Accepted);
        }
        let written = if matches!(policy, Policy::Review) { write(&new) } else { None };
        match old {
            None if policy == Policy::Ci => Outcome::Missing(committed),
            None => Outcome::New(written),
            Some(old) => {
                let mut changes = changes(&old, value);
                let count = changes.len();
                if count > LISTED_CHANGES {
                    changes.truncate(LISTED_CHANGES);
                    changes.push(format!("and {} more", count - LISTED_CHANGES));
                }
                Outcome::Changed { count, changes, diff: unified_diff(&old, value), written }
            }
        }
    }

    /// The file insta would write: its `---` header, then the value as insta's YAML.
    fn file_text(&self, value: &Value) -> String {
        let header = serde_json::json!({"source": "crates/epayment-contract/src/running/verdict/snapshots/mod.rs", "description": self.description});
        format!("---\n{}---\n{}\n", yaml(&header), yaml(value).trim_end())
    }
}

/// `value` in insta's YAML, as `assert_yaml_snapshot!` writes it: the snapshots a run writes
/// read like those insta wrote, and `cargo insta review` shows only what changed.
fn yaml(value: &Value) -> String {
    insta::_macro_support::serialize_value(value, insta::_macro_support::SerializationFormat::Yaml)
}

/// The value a snapshot file holds, read back from its YAML; `None` when there is none or it
/// cannot be read.
fn read(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    // An insta snapshot is a `---` metadata block, then the YAML.
    let body = text.splitn(3, "---\n").nth(2)?;
    serde_norway::from_str(body).ok()
}

/// The difference between two values as a unified diff of both written the same way (so that
/// only what changed shows, not how either was formatted).
fn unified_diff(old: &Value, new: &Value) -> String {
    let (old, new) =
        (serde_norway::to_string(old).unwrap_or_default(), serde_norway::to_string(new).unwrap_or_default());
    let diff = similar::TextDiff::from_lines(&old, &new);
    diff.unified_diff().context_radius(3).header("committed", "this run").to_string()
}

/// How many changes a failure lists; the rest are counted.
const LISTED_CHANGES: usize = 8;

/// The values that changed, one line each, in the exchanges' own terms:
/// `exchange 4 (capturePayment) response.status: 200 in the snapshot, 409 now`.
pub fn changes(old: &Value, new: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let (none, no) = (Vec::new(), Vec::new());
    let (olds, news) = (old.as_array().unwrap_or(&none), new.as_array().unwrap_or(&no));
    for i in 0..olds.len().max(news.len()) {
        let label = |e: &Value| format!("exchange {} ({})", i + 1, e["operation"].as_str().unwrap_or("?"));
        match (olds.get(i), news.get(i)) {
            (Some(o), Some(n)) => compare(&label(n), o, n, &mut found),
            (Some(o), None) => found.push(format!("{} is gone: {}", label(o), request_line(o))),
            (None, Some(n)) => found.push(format!("{} is new: {}", label(n), request_line(n))),
            (None, None) => {}
        }
    }
    found
}

fn request_line(e: &Value) -> String {
    let status = &e["response"]["status"];
    format!(
        "{} {} → {status}",
        e["request"]["method"].as_str().unwrap_or("?"),
        e["request"]["path"].as_str().unwrap_or("?")
    )
}

fn compare(at: &str, old: &Value, new: &Value, found: &mut Vec<String>) {
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => {
            for (key, value) in o {
                let here = join(at, key);
                match n.get(key) {
                    Some(other) => compare(&here, value, other, found),
                    None => found.push(format!("{here} is gone (it was {value})")),
                }
            }
            for (key, value) in n.iter().filter(|(k, _)| !o.contains_key(*k)) {
                found.push(format!("{} is new: {value}", join(at, key)));
            }
        }
        (Value::Array(o), Value::Array(n)) if o.len() == n.len() => {
            for (i, (a, b)) in o.iter().zip(n).enumerate() {
                compare(&format!("{at}[{i}]"), a, b, found);
            }
        }
        (o, n) if o != n => found.push(format!("{at}: {o} in the snapshot, {n} now")),
        _ => {}
    }
}

/// `exchange 4 (capturePayment) response.status`: the first key after a space, the rest
/// after dots.
fn join(at: &str, key: &str) -> String {
    if at.ends_with(')') { format!("{at} {key}") } else { format!("{at}.{key}") }
}

/// A snapshot name from the feature file and the scenario: `capture__full_capture`, with the
/// example's line for the rows of a Scenario Outline.
pub fn snapshot_name(feature_file: &Path, scenario: &str, outline_line: Option<usize>) -> String {
    let stem = feature_file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "feature".into());
    let mut name = format!("{}__{}", slug(&stem), slug(scenario));
    if let Some(line) = outline_line {
        name.push_str(&format!("__line_{line}"));
    }
    name
}

/// The words of `text` in lower case, joined by `_`: letters and digits of any script are kept
/// (`øre` stays `øre`), everything else (spaces, punctuation, and the characters Windows, macOS
/// or Linux refuse in file names) becomes one `_`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

#[cfg(test)]
mod tests;
