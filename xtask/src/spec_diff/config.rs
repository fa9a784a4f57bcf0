//! The project's spec-diff configuration (`openapi/spec-diff.toml`): severities changed by check
//! id, and findings ignored by check id and location, each with a reason.
//!
//! ```toml
//! [severity]
//! response-enum-value-removed = "breaking"
//!
//! [[ignore]]
//! check = "response-enum-value-added"
//! location = "*/currency"            # a glob: `*` matches any text; optional
//! operation = "GET /v1/payments/*"   # optional
//! reason = "Currency is an open enum in the epayment crate"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use serde::Deserialize;

use super::Change;
use super::checks::{Check, Severity};

/// Where the project keeps its configuration, relative to the workspace root.
pub const DEFAULT_PATH: &str = "openapi/spec-diff.toml";

/// Check ids that no longer exist, with what replaced them: a configuration that names one
/// is told where to go rather than only that the id is unknown.
const RETIRED: &[(&str, &str)] = &[(
    "content-type-changed",
    "split by direction (issue 33): request-media-type-added, request-media-type-removed, \
     response-media-type-added, response-media-type-removed",
)];

/// Severity overrides and accepted findings.
#[derive(Clone, Debug, Default)]
pub struct Config {
    severity: BTreeMap<Check, Severity>,
    ignore: Vec<Ignore>,
}

#[derive(Clone, Debug)]
struct Ignore {
    check: Check,
    operation: String,
    location: String,
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    severity: BTreeMap<String, String>,
    #[serde(default)]
    ignore: Vec<RawIgnore>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    check: String,
    operation: Option<String>,
    location: Option<String>,
    reason: Option<String>,
}

impl Config {
    /// Reads a configuration file.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("{}", path.display()))
    }

    /// The project's configuration: `openapi/spec-diff.toml` under `root` when it exists, else
    /// every check at its default severity.
    pub fn for_project(root: &Path) -> anyhow::Result<Self> {
        let path = root.join(DEFAULT_PATH);
        if path.exists() { Self::load(&path) } else { Ok(Self::default()) }
    }

    /// Parses the text of a configuration file. Unknown check ids and severities, and an
    /// ignore entry without a reason, are errors: a typo must not silently change a report.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| anyhow::anyhow!("{}", e.message()))?;
        let check = |id: &str| {
            Check::from_id(id).with_context(|| match RETIRED.iter().find(|(old, _)| *old == id) {
                Some((_, now)) => format!("check id `{id}` is retired: {now}"),
                None => format!("unknown check id `{id}`"),
            })
        };
        let mut config = Config::default();
        for (id, label) in &raw.severity {
            let severity = Severity::parse(label)
                .with_context(|| format!("`{id}`: unknown severity `{label}` (breaking, non-breaking or doc)"))?;
            config.severity.insert(check(id)?, severity);
        }
        for entry in raw.ignore {
            let Some(reason) = entry.reason.filter(|r| !r.trim().is_empty()) else {
                bail!("the ignore entry for `{}` needs a reason", entry.check);
            };
            config.ignore.push(Ignore {
                check: check(&entry.check)?,
                operation: entry.operation.unwrap_or_else(|| "*".into()),
                location: entry.location.unwrap_or_else(|| "*".into()),
                reason,
            });
        }
        Ok(config)
    }

    /// Sets each finding's severity and marks the ignored ones with the reason.
    pub fn apply(&self, changes: &mut [Change]) {
        for change in changes {
            if let Some(severity) = self.severity.get(&change.kind) {
                change.severity = *severity;
            }
            change.ignored = self
                .ignore
                .iter()
                .find(|i| {
                    i.check == change.kind
                        && glob(&i.operation, &change.operation)
                        && glob(&i.location, &change.location)
                })
                .map(|i| i.reason.clone());
        }
    }
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters and nothing
/// else is special: operations and locations are full of `{reference}` and `/`, which a
/// general glob (globset's) would read as alternations and separators.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return pattern == text;
    }
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("*", "anything"));
        assert!(glob("*/currency", "/a/properties/currency"));
        assert!(!glob("*/currency", "/a/currency/value"));
        assert!(glob("GET /v1/*/events", "GET /v1/payments/{reference}/events"));
        assert!(glob("exact", "exact"));
        assert!(!glob("a*b*c", "acb"));
        assert!(!glob("ab*ab", "ab"), "the ends must not overlap");
    }

    #[test]
    fn typos_are_errors_not_silence() {
        let err = |text: &str| format!("{:#}", Config::parse(text).expect_err(text));
        assert!(err("[severity]\nno-such-check = \"doc\"\n").contains("unknown check id `no-such-check`"));
        let retired = err("[severity]\ncontent-type-changed = \"doc\"\n");
        assert!(
            retired.contains("`content-type-changed` is retired") && retired.contains("request-media-type-removed")
        );
        assert!(err("[severity]\ntype-changed = \"fatal\"\n").contains("unknown severity `fatal`"));
        assert!(err("[[ignore]]\ncheck = \"type-changed\"\n").contains("needs a reason"));
        assert!(err("[[ignore]]\ncheck = \"type-changed\"\nreason = \"x\"\nwhere = \"y\"\n").contains("unknown field"));
    }
}
