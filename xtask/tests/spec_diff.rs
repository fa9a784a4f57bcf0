//! `cargo xtask spec-diff`: each rule on a pair of fixture documents that differ by one
//! change, the exact classification asserted; a Markdown snapshot of a realistic pair; the
//! exit codes.

use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::document::Document;
use xtask::spec_diff::{self, Severity};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec-diff").join(name)
}

fn changes(new: &str) -> Vec<(&'static str, Severity)> {
    let old = Document::load(&fixture("base.yaml")).expect("base").value;
    let new = Document::load(&fixture(new)).expect("fixture").value;
    spec_diff::diff(&old, &new).into_iter().map(|c| (c.kind, c.severity)).collect()
}

#[test]
fn each_rule_classifies_its_one_change() {
    use Severity::*;
    let cases: &[(&str, &str, Severity)] = &[
        ("operation-added.yaml", "operation-added", NonBreaking),
        ("operation-removed.yaml", "operation-removed", Breaking),
        ("path-changed.yaml", "path-changed", Breaking),
        ("method-changed.yaml", "method-changed", Breaking),
        ("server-changed.yaml", "server-changed", Breaking),
        ("parameter-added-required.yaml", "parameter-added-required", Breaking),
        ("parameter-added.yaml", "parameter-added", NonBreaking),
        ("parameter-removed.yaml", "parameter-removed", Breaking),
        ("parameter-made-required.yaml", "parameter-made-required", Breaking),
        ("request-property-added-required.yaml", "request-property-added-required", Breaking),
        ("request-property-added.yaml", "request-property-added", NonBreaking),
        ("request-property-removed.yaml", "request-property-removed", Breaking),
        ("request-property-made-required.yaml", "request-property-made-required", Breaking),
        ("response-property-removed.yaml", "response-property-removed", Breaking),
        ("response-property-added.yaml", "response-property-added", NonBreaking),
        ("response-property-made-optional.yaml", "response-property-made-optional", Breaking),
        ("type-changed.yaml", "type-changed", Breaking),
        ("format-changed.yaml", "format-changed", Breaking),
        ("response-enum-value-added.yaml", "response-enum-value-added", Breaking),
        ("request-enum-value-removed.yaml", "request-enum-value-removed", Breaking),
        ("request-max-length-tightened.yaml", "request-constraint-tightened", Breaking),
        ("request-pattern-changed.yaml", "request-constraint-tightened", Breaking),
        ("request-minimum-raised.yaml", "request-constraint-tightened", Breaking),
        ("response-max-length-loosened.yaml", "response-constraint-loosened", Breaking),
        ("request-max-length-loosened.yaml", "request-constraint-loosened", NonBreaking),
        ("content-type-changed.yaml", "content-type-changed", Breaking),
        ("security-changed.yaml", "security-changed", Breaking),
        ("description-changed.yaml", "description-changed", Doc),
        ("example-changed.yaml", "example-changed", Doc),
        ("external-ref.yaml", "external-ref-unresolved", Breaking),
    ];
    for (file, kind, severity) in cases {
        assert_eq!(changes(file), [(*kind, *severity)], "{file}");
    }
}

#[test]
fn identical_documents_have_no_change() {
    assert_eq!(changes("base.yaml"), []);
}

#[test]
fn the_markdown_report_of_a_realistic_pair() {
    let old = Document::load(&fixture("base.yaml")).expect("base").value;
    let new = Document::load(&fixture("multi.yaml")).expect("multi").value;
    let changes = spec_diff::diff(&old, &new);
    let report = spec_diff::markdown(&spec_diff::visible(&changes, true));
    insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!("spec_diff_multi_markdown", report);
    });
}

fn xtask(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask")).arg("spec-diff").args(args).output().expect("xtask runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn exit_codes_follow_fail_on() {
    let (base, breaking, doc) =
        (fixture("base.yaml"), fixture("parameter-removed.yaml"), fixture("description-changed.yaml"));
    let s = |p: &PathBuf| p.to_string_lossy().into_owned();
    assert_eq!(xtask(&[&s(&base), &s(&breaking)]).0, Some(0), "no --fail-on: report only");
    assert_eq!(xtask(&["--fail-on", "breaking", &s(&base), &s(&breaking)]).0, Some(1));
    assert_eq!(xtask(&["--fail-on", "breaking", &s(&base), &s(&doc)]).0, Some(0));
    assert_eq!(xtask(&["--fail-on", "any", &s(&base), &s(&doc)]).0, Some(0), "doc changes are hidden without --all");
    assert_eq!(xtask(&["--fail-on", "any", "--all", &s(&base), &s(&doc)]).0, Some(1));
    let (code, stdout, _) = xtask(&["--format", "json", &s(&base), &s(&breaking)]);
    assert_eq!(code, Some(0));
    let parsed: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(parsed[0]["kind"], "parameter-removed");
    assert_eq!(parsed[0]["severity"], "breaking");
}

#[test]
fn garbage_input_exits_2_with_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let garbage = dir.path().join("garbage.yaml");
    std::fs::write(&garbage, "openapi: [\n  : :\n").expect("write");
    let base = fixture("base.yaml");
    for args in [
        vec![garbage.to_string_lossy().into_owned(), base.to_string_lossy().into_owned()],
        vec!["missing.yaml".to_owned(), base.to_string_lossy().into_owned()],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, _, stderr) = xtask(&args);
        assert_eq!(code, Some(2), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("error: "), "{stderr}");
    }
    assert_eq!(xtask(&["--format", "pdf", "a", "b"]).0, Some(2), "usage errors exit 2");
}
