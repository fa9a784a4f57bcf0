//! Snapshots: each scenario's redacted exchanges, kept in `features/snapshots/<name>.snap` in
//! insta's format, named from the feature file and the scenario.

use std::path::Path;

use serde_json::Value;

/// Compares `value` with the snapshot `name` (insta: with `CI=true` a missing or changed
/// snapshot fails; locally it writes `.snap.new` for `cargo insta review`).
///
/// A snapshot that holds exactly `value` passes without insta: insta lists the snapshot folder
/// on every assertion (to clear pending binary snapshots), which costs time in proportion to
/// the number of snapshots, for each scenario. Anything else (missing, different, unreadable)
/// goes to insta, which decides and reports as usual.
pub(crate) fn check_snapshot(
    dir: &Path,
    name: &str,
    value: &serde_json::Value,
    description: &str,
) -> Result<(), String> {
    if committed_snapshot(dir, name).as_ref() == Some(value) {
        return Ok(());
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description(description);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_yaml_snapshot!(name, value));
    }))
    .map_err(|_| "differs from the committed snapshot (see the diff above; `cargo insta review` to accept)".to_owned())
}

/// The value the committed snapshot `name` holds, read back from its YAML; `None` when there
/// is none or it cannot be read.
pub fn committed_snapshot(dir: &Path, name: &str) -> Option<Value> {
    let text = std::fs::read_to_string(dir.join(format!("{name}.snap"))).ok()?;
    // An insta snapshot is a `---` metadata block, then the YAML.
    let body = text.splitn(3, "---\n").nth(2)?;
    serde_norway::from_str(body).ok()
}

/// The difference between the committed snapshot `name` and `value`, as a unified diff of
/// both written the same way (so that only what changed shows, not how insta formats YAML).
/// `None` when there is no committed snapshot to compare with.
pub fn snapshot_diff(dir: &Path, name: &str, value: &Value) -> Option<String> {
    let committed = committed_snapshot(dir, name)?;
    let (old, new) = (serde_norway::to_string(&committed).ok()?, serde_norway::to_string(value).ok()?);
    let diff = similar::TextDiff::from_lines(&old, &new);
    Some(diff.unified_diff().context_radius(3).header("committed", "this run").to_string())
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
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_feature_file_and_scenario() {
        let name = snapshot_name(Path::new("features/partial_capture.feature"), "Capture 2.50 NOK, then more!", None);
        assert_eq!(name, "partial_capture__capture_2_50_nok_then_more");
        assert!(snapshot_name(Path::new("a.feature"), "x", Some(12)).ends_with("__line_12"));
        // Letters outside ASCII stay as written; what no file system takes does not.
        let name = snapshot_name(Path::new("refund.feature"), "Refunding one øre more: <refused>? \"Æ/Å\"|*", None);
        assert_eq!(name, "refund__refunding_one_øre_more_refused_æ_å");
        assert!(!name.contains(['<', '>', ':', '"', '/', '\\', '|', '?', '*']));
    }
}
