//! `openapi/` models the upstream documents in `../shared/upstream/` exactly in structure, in
//! words of its own, and the overlays fit the upstream document too.
//!
//! These tests read `../shared/upstream/`, which CI has beside the checkout. Elsewhere they
//! print why they skip and pass.

use std::path::{Path, PathBuf};

use xtask::document::Document;
use xtask::project::workspace_root;
use xtask::regen::{self, Options};
use xtask::structure;

const PAIRS: &[(&str, &str)] =
    &[("openapi/epayment.yaml", "epayment-openapi.yaml"), ("openapi/access-token.yaml", "access-token-openapi.yaml")];

fn upstream_dir() -> Option<PathBuf> {
    let dir = workspace_root().expect("run in the workspace").join("../shared/upstream");
    if dir.join("epayment-openapi.yaml").is_file() {
        Some(dir)
    } else {
        epayment_devkit::skip_outside_ci(&format!(
            "{} not found (CI has ../shared beside the checkout)",
            dir.display()
        ));
        None
    }
}

fn load(path: &Path) -> serde_json::Value {
    Document::load(path).unwrap_or_else(|e| panic!("{e:#}")).value
}

#[test]
fn own_documents_have_the_upstream_structure() {
    let Some(upstream) = upstream_dir() else { return };
    let root = workspace_root().expect("run in the workspace");
    for (ours, theirs) in PAIRS {
        let differences = structure::differences(&load(&root.join(ours)), &load(&upstream.join(theirs)));
        assert!(differences.is_empty(), "{ours} differs from upstream {theirs}:\n{}", differences.join("\n"));
    }
}

#[test]
fn no_upstream_sentence_is_copied() {
    let Some(upstream) = upstream_dir() else { return };
    let root = workspace_root().expect("run in the workspace");
    let mut ours = String::new();
    for entry in walk(&root.join("openapi")) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        ours.push_str(&text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase());
        ours.push('\n');
    }
    let mut copied = Vec::new();
    for (_, theirs) in PAIRS {
        for sentence in structure::prose_sentences(&load(&upstream.join(theirs)), 4) {
            if ours.contains(&sentence) {
                copied.push(sentence);
            }
        }
    }
    assert!(copied.is_empty(), "sentences copied from upstream:\n{}", copied.join("\n"));
}

#[test]
fn overlays_apply_to_the_upstream_document_and_it_generates() {
    let Some(upstream) = upstream_dir() else { return };
    let root = workspace_root().expect("run in the workspace");
    let options = Options { spec: Some(upstream.join("epayment-openapi.yaml")), ..Options::default() };
    let rendered = regen::render_all(&root, &options).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(rendered[0].contents.contains("pub fn capture_payment"));
    // Upstream differs from ours only in prose, so both give the same public items.
    let ours = regen::render_all(&root, &Options::default()).unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(public_items(&rendered[0].contents), public_items(&ours[0].contents));
}

/// The signature lines of public items, with doc comments left out.
fn public_items(code: &str) -> Vec<&str> {
    let mut items: Vec<&str> = code
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("pub fn ") || l.starts_with("pub struct ") || l.starts_with("pub enum "))
        .collect();
    items.sort_unstable();
    items
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn spec_diff_sees_only_doc_changes_against_upstream() {
    let Some(upstream) = upstream_dir() else { return };
    let root = workspace_root().expect("run in the workspace");
    for (ours, theirs) in PAIRS {
        let changes = xtask::spec_diff::diff(&load(&upstream.join(theirs)), &load(&root.join(ours)));
        // Ours says the version it follows, in its own words: the same version is right here.
        let structural: Vec<_> = changes
            .iter()
            .filter(|c| {
                c.severity != xtask::spec_diff::Severity::Doc && c.kind != xtask::spec_diff::Check::VersionNotBumped
            })
            .collect();
        assert!(structural.is_empty(), "{ours} vs upstream {theirs}: {structural:#?}");
        assert!(!changes.is_empty(), "our descriptions are our own, so spec-diff sees doc changes");
    }
}
