//! Helpers that `xtask` and the contract harness (`epayment-contract`) both need, kept once:
//!
//! - [`target_dir`]: where cargo builds for a workspace (reports and scratch copies go there);
//! - [`xml_escape`]: text made safe for XML reports (JUnit);
//! - [`guides`]: the guides' commands and links, as the tests that keep them true read them;
//! - [`skip_outside_ci`]: a test's missing input (`../shared`, a browser) is a skip on a
//!   developer's machine and a failure in CI.
//!
//! Internal to this workspace and never published; nothing here takes a dependency.

pub mod guides;

use std::path::{Path, PathBuf};

/// The target directory cargo uses for the workspace at `root`: `CARGO_TARGET_DIR` (taken
/// from `root` when relative) if set and not empty, else `root/target`.
pub fn target_dir(root: &Path) -> PathBuf {
    target_dir_from(root, std::env::var_os("CARGO_TARGET_DIR"))
}

fn target_dir_from(root: &Path, variable: Option<std::ffi::OsString>) -> PathBuf {
    match variable.filter(|dir| !dir.is_empty()) {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() { dir } else { root.join(dir) }
        }
        None => root.join("target"),
    }
}

/// `text` escaped for XML text and attribute values, with the control characters XML 1.0
/// does not allow (all but tab, newline and carriage return) dropped.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether this runs in CI (`CI` set, and not to `false` or `0`), as `.ci/run` does.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A test's input is missing (`why` says which, and where CI gets it): outside CI, says that
/// the test skips it; in CI, fails, so that a green CI run never means "checked nothing".
///
/// # Panics
///
/// Under [`in_ci`], always: that is its purpose.
pub fn skip_outside_ci(why: &str) {
    assert!(!in_ci(), "{why}; CI must have it, so this fails rather than skip");
    eprintln!("skipping: {why}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_dir_follows_cargo_target_dir_relative_to_the_root() {
        let root = Path::new("/work/checkout");
        assert_eq!(target_dir_from(root, None), root.join("target"));
        assert_eq!(target_dir_from(root, Some("".into())), root.join("target"), "empty counts as unset");
        assert_eq!(target_dir_from(root, Some("build".into())), root.join("build"));
        assert_eq!(target_dir_from(root, Some("/tmp/t".into())), PathBuf::from("/tmp/t"));
    }

    #[test]
    fn xml_special_and_control_characters() {
        assert_eq!(xml_escape("a <b> & \"c\" 'd'"), "a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;");
        assert_eq!(xml_escape("tab\tline\nbell\u{7}esc\u{1b}"), "tab\tline\nbellesc");
        assert_eq!(xml_escape("plain æøå"), "plain æøå");
    }
}
