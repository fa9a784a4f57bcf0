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
    spec_diff::diff(&old, &new).into_iter().map(|c| (c.kind.id(), c.severity)).collect()
}

#[test]
fn each_rule_classifies_its_one_change() {
    use Severity::*;
    let cases: &[(&str, &str, Severity)] = &[
        ("operation-added.yaml", "operation-added", NonBreaking),
        ("operation-removed.yaml", "operation-removed", Breaking),
        ("path-changed.yaml", "path-changed", Breaking),
        ("method-changed.yaml", "method-changed", Breaking),
        // The same method and URL under another operationId: renamed, not removed and added.
        ("operation-id-changed.yaml", "operation-id-changed", Breaking),
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
        // Widening a character class accepts more: loosened (it was reported as tightened).
        ("request-pattern-changed.yaml", "request-constraint-loosened", NonBreaking),
        ("request-pattern-tightened.yaml", "request-constraint-tightened", Breaking),
        ("request-pattern-removed.yaml", "request-constraint-loosened", NonBreaking),
        ("request-pattern-unknown.yaml", "pattern-changed", Breaking),
        ("response-format-added.yaml", "response-format-added", NonBreaking),
        ("request-type-widened.yaml", "request-type-widened", NonBreaking),
        // One finding: the old type's limits are not listed one by one.
        ("type-changed-with-limits.yaml", "type-changed", Breaking),
        ("operation-deprecated.yaml", "operation-deprecated", NonBreaking),
        ("success-status-renumbered.yaml", "response-success-status-changed", Breaking),
        ("request-minimum-raised.yaml", "request-constraint-tightened", Breaking),
        ("response-max-length-loosened.yaml", "response-constraint-loosened", Breaking),
        ("request-max-length-loosened.yaml", "request-constraint-loosened", NonBreaking),
        ("request-media-type-added.yaml", "request-media-type-added", NonBreaking),
        ("response-media-type-added.yaml", "response-media-type-added", Breaking),
        ("security-changed.yaml", "security-changed", Breaking),
        ("description-changed.yaml", "description-changed", Doc),
        ("example-changed.yaml", "example-changed", Doc),
        // An external reference cannot be compared offline: a finding, never a break.
        ("external-ref.yaml", "external-ref-changed", NonBreaking),
    ];
    for (file, kind, severity) in cases {
        assert_eq!(changes(file), [(*kind, *severity)], "{file}");
    }
}

#[test]
fn changes_that_change_nothing_for_clients_are_not_reported() {
    assert_eq!(changes("base.yaml"), []);
    // minLength 1 where the pattern already demands at least one letter.
    assert_eq!(changes("request-min-length-implied-by-pattern.yaml"), []);
    // A $ref wrapped in allOf to give it a description: only the description is new.
    assert_eq!(changes("request-wrapped-in-all-of.yaml"), [("description-changed", Severity::Doc)]);
}

#[test]
fn the_markdown_report_of_a_realistic_pair() {
    let old = Document::load(&fixture("base.yaml")).expect("base").value;
    let new = Document::load(&fixture("multi.yaml")).expect("multi").value;
    let changes = spec_diff::diff(&old, &new);
    let report = spec_diff::report::markdown(&spec_diff::report::visible(&changes, true)).expect("a report");
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

#[test]
fn the_readme_lists_every_check_with_its_default_severity() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/tracking-the-document.md"))
            .expect("docs/tracking-the-document.md");
    let table = spec_diff::report::catalogue().expect("a table");
    assert!(
        readme.contains(&table),
        "docs/tracking-the-document.md's spec-diff section must hold this table:\n{table}"
    );
}

#[test]
fn the_project_configuration_parses_and_ignores_with_a_reason() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let config = spec_diff::Config::load(&root.join("openapi/spec-diff.toml")).expect("openapi/spec-diff.toml");
    let old = Document::load(&fixture("base.yaml")).expect("base").value;
    let mut new = old.clone();
    new["components"]["schemas"]["Item"]["properties"]["currency"] =
        serde_json::json!({"type": "string", "enum": ["NOK"]});
    let mut newer = new.clone();
    newer["components"]["schemas"]["Item"]["properties"]["currency"]["enum"] = serde_json::json!(["NOK", "SEK"]);
    newer["info"]["version"] = "2".into();
    let changes = spec_diff::diff_with(&new, &newer, &config);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].kind.id(), "response-enum-value-added");
    assert!(changes[0].ignored.as_deref().is_some_and(|r| r.contains("open enum")), "{changes:?}");
    assert!(!changes[0].counts());
}

#[test]
fn the_cli_reads_a_configuration_and_writes_junit_and_github_annotations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("spec-diff.toml");
    std::fs::write(&config, "[[ignore]]\ncheck = \"parameter-removed\"\nreason = \"nobody sends X-Key\"\n")
        .expect("write");
    let s = |p: &Path| p.to_string_lossy().into_owned();
    let (base, breaking) = (fixture("base.yaml"), fixture("parameter-removed.yaml"));
    let (code, stdout, _) = xtask(&["--config", &s(&config), "--fail-on", "breaking", &s(&base), &s(&breaking)]);
    assert_eq!(code, Some(0), "the only breaking finding is ignored: {stdout}");
    assert!(stdout.contains("(ignored: nobody sends X-Key)") && stdout.contains("0 breaking"), "{stdout}");
    let (code, junit, _) =
        xtask(&["--no-config", "--format", "junit", "--fail-on", "breaking", &s(&base), &s(&breaking)]);
    assert_eq!(code, Some(1));
    assert!(
        junit.starts_with("<?xml")
            && junit.contains("<testcase classname=\"spec-diff\" name=\"parameter-removed\">\n      <failure"),
        "{junit}"
    );
    let (_, github, _) = xtask(&["--no-config", "--format", "github", &s(&base), &s(&breaking)]);
    assert!(github.starts_with("::error file="), "{github}");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[severity]\nparameter-remove = \"doc\"\n").expect("write");
    let (code, _, stderr) = xtask(&["--config", &s(&bad), &s(&base), &s(&breaking)]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("unknown check id `parameter-remove`"), "{stderr}");
}
