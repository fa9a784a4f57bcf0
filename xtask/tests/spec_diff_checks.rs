//! Every check of spec-diff's catalogue has a pair of fixture documents that produces that
//! check and no other, so a new rule cannot land untested.
//!
//! `fixtures/spec-diff/<check-id>.yaml` is the newer document of the pair. The older one is
//! `base.yaml`, or the file a `# old: FILE` line at the top names (a change such as a request
//! body that appears needs an older document without one). A change that cannot come alone
//! names what it brings with it in an `# also reports: ID, ...` line.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use xtask::document::Document;
use xtask::spec_diff::{self, Check};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec-diff").join(name)
}

/// The value of a `# key: value` line among the comment lines a fixture opens with.
fn header<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .find_map(|l| l.trim_start_matches('#').trim().strip_prefix(key)?.strip_prefix(':'))
        .map(str::trim)
}

/// The check ids one pair produces, or why it could not be compared.
fn produced(new_path: &Path, text: &str) -> Result<(String, BTreeSet<&'static str>), String> {
    let old_name = header(text, "old").unwrap_or("base.yaml");
    let load = |path: &Path| Document::load(path).map(|d| d.value).map_err(|e| format!("{e:#}"));
    let (old, new) = (load(&fixture(old_name))?, load(new_path)?);
    Ok((old_name.to_owned(), spec_diff::diff(&old, &new).iter().map(|c| c.kind.id()).collect()))
}

#[test]
fn every_check_has_a_fixture_pair_that_produces_it_and_nothing_else() {
    let (mut missing, mut wrong) = (Vec::new(), Vec::new());
    for check in Check::ALL {
        let id = check.id();
        let new_path = fixture(&format!("{id}.yaml"));
        let Ok(text) = std::fs::read_to_string(&new_path) else {
            missing.push(id);
            continue;
        };
        let also: Vec<&str> = header(&text, "also reports").map(|l| l.split(", ").collect()).unwrap_or_default();
        for other in &also {
            assert!(Check::from_id(other).is_some(), "{id}.yaml: `also reports` names no check: {other}");
        }
        let expected: BTreeSet<&str> = std::iter::once(id).chain(also).collect();
        match produced(&new_path, &text) {
            Ok((_, found)) if found == expected => {}
            Ok((old, found)) => wrong.push(format!("{old} -> {id}.yaml: expected {expected:?}, found {found:?}")),
            Err(e) => wrong.push(format!("{id}.yaml: {e}")),
        }
    }
    assert!(missing.is_empty(), "checks without a fixture pair (add tests/fixtures/spec-diff/<id>.yaml): {missing:?}");
    assert!(wrong.is_empty(), "fixture pairs that do not produce their check alone:\n{}", wrong.join("\n"));
}

#[test]
fn the_header_lines_are_read_from_the_opening_comment_only() {
    let text = "# old: other.yaml\n# also reports: a, b\nopenapi: 3.0.3\n# old: not-this.yaml\n";
    assert_eq!(header(text, "old"), Some("other.yaml"));
    assert_eq!(header(text, "also reports"), Some("a, b"));
    assert_eq!(header("openapi: 3.0.3\n# old: late.yaml\n", "old"), None);
}
