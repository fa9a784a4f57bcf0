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
        ("content-type-changed.yaml", "content-type-changed", Breaking),
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
    let report = spec_diff::report::markdown(&spec_diff::report::visible(&changes, true));
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

/// spec-diff on a pair built by [`doc`], whose newer side says a newer `info.version`, as a
/// published one does (`version-not-bumped` has a fixture of its own).
fn diff(old: &serde_json::Value, new: &serde_json::Value) -> Vec<spec_diff::Change> {
    let mut new = new.clone();
    new["info"]["version"] = "2".into();
    spec_diff::diff(old, &new)
}

/// A document with one operation that sends `request` and receives `response`, plus `schemas`.
fn doc(request: serde_json::Value, response: serde_json::Value, schemas: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/things": {"post": {
            "operationId": "postThing",
            "requestBody": {"required": true, "content": {"application/json": {"schema": request}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": response}}}}
        }}},
        "components": {"schemas": schemas}
    })
}

/// (check id, location) of every finding, locations cut after the media type.
fn found(old: &serde_json::Value, new: &serde_json::Value) -> Vec<(&'static str, String)> {
    diff(old, new)
        .into_iter()
        .map(|c| (c.kind.id(), c.location.replace("/content/application/json/schema", "")))
        .collect()
}

fn sorted(mut v: Vec<(&'static str, String)>) -> Vec<(&'static str, String)> {
    v.sort();
    v
}

fn expect(items: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    sorted(items.iter().map(|(k, l)| (*k, (*l).to_owned())).collect())
}

#[test]
fn all_of_is_merged_before_comparing() {
    use serde_json::json;
    let schemas = json!({"Base": {"type": "object", "properties": {"a": {"type": "string"}}}});
    let old = doc(
        json!({"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"b": {"type": "string"}}}]}),
        json!({}),
        schemas.clone(),
    );
    let new = doc(
        json!({"allOf": [{"$ref": "#/components/schemas/Base"}, {"required": ["b"], "properties": {"b": {"type": "string", "maxLength": 5}}}]}),
        json!({}),
        schemas,
    );
    assert_eq!(
        sorted(found(&old, &new)),
        expect(&[
            ("request-constraint-tightened", "/requestBody/properties/b"),
            ("request-property-made-required", "/requestBody/properties/b"),
        ])
    );
}

#[test]
fn one_of_branches_match_by_ref_then_by_shape() {
    use serde_json::json;
    let schemas = json!({
        "Phone": {"type": "object", "properties": {"phoneNumber": {"type": "string"}}},
        "Token": {"type": "object", "properties": {"CustomerToken": {"type": "string"}}},
        "Token2": {"type": "object", "properties": {"customerToken": {"type": "string"}}}
    });
    let branches = |token: &str| json!({"oneOf": [{"$ref": "#/components/schemas/Phone"}, {"$ref": format!("#/components/schemas/{token}")}]});
    // Same ref names: the renamed property inside the Token branch is found.
    let mut renamed = schemas.clone();
    renamed["Token"] = json!({"type": "object", "properties": {"customerToken": {"type": "string"}}});
    assert_eq!(
        sorted(found(&doc(branches("Token"), json!({}), schemas.clone()), &doc(branches("Token"), json!({}), renamed))),
        expect(&[
            ("request-property-added", "/requestBody/oneOf/1/properties/customerToken"),
            ("request-property-removed", "/requestBody/oneOf/1/properties/CustomerToken"),
        ])
    );
    // A branch under another name but of the same shape is matched by shape, not removed and added.
    let inline = json!({"oneOf": [{"$ref": "#/components/schemas/Phone"}, {"type": "object", "properties": {"CustomerToken": {"type": "string", "maxLength": 9}}}]});
    assert_eq!(
        found(&doc(branches("Token"), json!({}), schemas.clone()), &doc(inline, json!({}), schemas.clone())),
        expect(&[("request-constraint-tightened", "/requestBody/oneOf/1/properties/CustomerToken")])
    );
    // A branch added to an answer is breaking; to a request it is not.
    let three = json!({"oneOf": [{"$ref": "#/components/schemas/Phone"}, {"$ref": "#/components/schemas/Token"}, {"type": "string"}]});
    let changes =
        diff(&doc(branches("Token"), branches("Token"), schemas.clone()), &doc(three.clone(), three, schemas));
    let kinds: Vec<_> = changes.iter().map(|c| (c.kind.id(), c.severity)).collect();
    assert_eq!(kinds, [("response-branch-added", Severity::Breaking), ("request-branch-added", Severity::NonBreaking)]);
}

#[test]
fn a_schema_that_becomes_one_of_is_compared_with_the_union_of_its_branches() {
    use serde_json::json;
    let old = doc(
        json!({"type": "object", "properties": {"phoneNumber": {"type": "string"}, "personalQr": {"type": "string"}}}),
        json!({}),
        json!({}),
    );
    let new = doc(
        json!({"oneOf": [
            {"type": "object", "properties": {"phoneNumber": {"type": "string"}}},
            {"type": "object", "properties": {"personalQr": {"type": "string", "minLength": 5}}}
        ]}),
        json!({}),
        json!({}),
    );
    assert_eq!(
        sorted(found(&old, &new)),
        expect(&[
            ("composition-changed", "/requestBody"),
            ("request-constraint-tightened", "/requestBody/properties/personalQr"),
        ])
    );
}

#[test]
fn additional_properties_are_compared_as_schemas_in_the_direction_of_flow() {
    use serde_json::json;
    let map = |limit: Option<u64>| {
        let mut value = json!({"type": "string"});
        if let Some(l) = limit {
            value["maxLength"] = l.into();
        }
        json!({"type": "object", "additionalProperties": value})
    };
    let changes = diff(&doc(map(Some(500)), map(Some(500)), json!({})), &doc(map(None), map(None), json!({})));
    let kinds: Vec<_> =
        changes.iter().map(|c| (c.kind.id(), c.severity, c.location.ends_with("/additionalProperties"))).collect();
    assert_eq!(
        kinds,
        [
            ("response-constraint-loosened", Severity::Breaking, true),
            ("request-constraint-loosened", Severity::NonBreaking, true)
        ]
    );
}

#[test]
fn constraints_it_reads() {
    use serde_json::json;
    let cases = [
        (json!({"type": "object"}), json!({"type": "object", "maxProperties": 5}), "maxProperties"),
        (json!({"type": "object", "minProperties": 1}), json!({"type": "object", "minProperties": 2}), "minProperties"),
        (
            json!({"type": "integer", "minimum": 0}),
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true}),
            "exclusiveMinimum",
        ),
        (
            json!({"type": "integer", "maximum": 9}),
            json!({"type": "integer", "maximum": 9, "exclusiveMaximum": true}),
            "exclusiveMaximum",
        ),
        (
            json!({"type": "integer", "exclusiveMinimum": 0}),
            json!({"type": "integer", "exclusiveMinimum": 1}),
            "exclusiveMinimum",
        ),
        (json!({"type": "integer", "multipleOf": 5}), json!({"type": "integer", "multipleOf": 10}), "multipleOf"),
        (json!({"type": "string"}), json!({"type": "string", "enum": ["A", "B"]}), "enum"),
    ];
    for (old, new, keyword) in cases {
        let changes = diff(&doc(old.clone(), json!({}), json!({})), &doc(new.clone(), json!({}), json!({})));
        assert_eq!(changes.len(), 1, "{keyword}: {changes:?}");
        assert_eq!(changes[0].kind.id(), "request-constraint-tightened", "{keyword}");
        assert!(changes[0].message.starts_with(keyword), "{keyword}: {}", changes[0].message);
        // The same change the other way round loosens.
        let back = diff(&doc(new, json!({}), json!({})), &doc(old, json!({}), json!({})));
        assert_eq!(back.iter().map(|c| c.kind.id()).collect::<Vec<_>>(), ["request-constraint-loosened"], "{keyword}");
    }
}

#[test]
fn defaults_added_removed_or_changed_are_their_own_kind_by_direction() {
    use serde_json::json;
    let thing = |default: serde_json::Value| {
        let mut flag = json!({"type": "boolean"});
        if !default.is_null() {
            flag["default"] = default;
        }
        json!({"type": "object", "properties": {"cancelTransactionOnly": flag}})
    };
    let (no_default, off, on) = (thing(json!(null)), thing(json!(false)), thing(json!(true)));
    let in_request = |schema: &serde_json::Value| doc(schema.clone(), json!({}), json!({}));
    assert_eq!(
        diff(&in_request(&off), &in_request(&on)).iter().map(|c| (c.kind.id(), c.message.as_str())).collect::<Vec<_>>(),
        [("request-default-changed", "default false -> true: clients that leave it out get what the new default does")]
    );
    for (old, new) in [(&no_default, &off), (&off, &no_default)] {
        let found = found(&in_request(old), &in_request(new));
        assert_eq!(found, expect(&[("request-default-changed", "/requestBody/properties/cancelTransactionOnly")]));
    }
    let in_answer = |schema: &serde_json::Value| doc(json!({}), schema.clone(), json!({}));
    assert_eq!(
        found(&in_answer(&off), &in_answer(&on)),
        expect(&[("response-default-changed", "/responses/200/properties/cancelTransactionOnly")])
    );
    assert!(found(&in_request(&on), &in_request(&on)).is_empty(), "the same default is no change");
    // Parameters are compared as schemas too.
    let with_query = |default: i64| {
        let mut d = doc(json!({}), json!({}), json!({}));
        d["paths"]["/things"]["post"]["parameters"] =
            json!([{"name": "limit", "in": "query", "schema": {"type": "integer", "default": default}}]);
        d
    };
    let found = found(&with_query(10), &with_query(50));
    assert_eq!(found.iter().map(|(id, _)| *id).collect::<Vec<_>>(), ["request-default-changed"], "{found:?}");
}

#[test]
fn read_only_properties_do_not_count_in_requests_nor_write_only_in_answers() {
    use serde_json::json;
    let schema = |extra: bool| {
        let mut props = json!({"name": {"type": "string"}});
        if extra {
            props["pspReference"] = json!({"type": "string", "readOnly": true});
            props["secret"] = json!({"type": "string", "writeOnly": true});
        }
        json!({"type": "object", "properties": props})
    };
    let changes = diff(&doc(schema(true), schema(true), json!({})), &doc(schema(false), schema(false), json!({})));
    let found: Vec<_> =
        changes.iter().map(|c| (c.kind.id(), c.location.rsplit('/').next().unwrap_or_default().to_owned())).collect();
    assert_eq!(
        found,
        [("request-property-removed", "secret".to_owned()), ("response-property-removed", "pspReference".to_owned())]
    );
}

#[test]
fn query_parameters_keep_their_case_and_deprecation_is_its_own_kind() {
    use serde_json::json;
    let with_params = |params: serde_json::Value| {
        let mut d = doc(json!({}), json!({}), json!({}));
        d["paths"]["/things"]["post"]["parameters"] = params;
        d
    };
    let old = with_params(json!([{"in": "query", "name": "orderId", "required": true, "schema": {"type": "string"}},
                                 {"in": "header", "name": "X-Key", "schema": {"type": "string"}}]));
    let new = with_params(json!([{"in": "query", "name": "orderID", "required": true, "schema": {"type": "string"}},
                                 {"in": "header", "name": "x-key", "deprecated": true, "schema": {"type": "string"}}]));
    let kinds: Vec<_> = diff(&old, &new).into_iter().map(|c| (c.kind.id(), c.location)).collect();
    assert_eq!(
        kinds,
        [
            ("parameter-added-required", "query parameter orderID".to_owned()),
            ("parameter-removed", "query parameter orderId".to_owned()),
            ("parameter-deprecated", "header parameter X-Key".to_owned()),
        ]
    );
}

#[test]
fn servers_that_keep_every_url_are_not_breaking() {
    use serde_json::json;
    let mut old = doc(json!({}), json!({}), json!({}));
    old["servers"] = json!([{"url": "https://api.example.com/epayment"}]);
    let mut new = doc(json!({}), json!({}), json!({}));
    new["servers"] = json!([{"url": "https://api.example.com"}, {"url": "https://apitest.example.com"}]);
    let paths = new["paths"].as_object_mut().expect("paths");
    let item = paths.remove("/things").expect("item");
    paths.insert("/epayment/things".into(), item);
    let changes: Vec<_> = diff(&old, &new).into_iter().map(|c| (c.kind.id(), c.severity)).collect();
    assert_eq!(
        changes,
        [
            ("path-moved-under-server-base", Severity::NonBreaking),
            ("server-added", Severity::NonBreaking),
            ("server-base-moved", Severity::NonBreaking),
        ]
    );
    // Without the paths following, every operation moved: breaking.
    let mut moved = new.clone();
    moved["paths"] = old["paths"].clone();
    let kinds: Vec<_> = diff(&old, &moved).into_iter().map(|c| c.kind.id()).collect();
    assert_eq!(kinds, ["server-changed"]);
}

#[test]
fn external_refs_with_the_same_url_are_no_change_and_another_url_never_breaks() {
    use serde_json::json;
    let r = |tag: &str| json!({"type": "object", "properties": {"receipt": {"$ref": format!("https://example.com/{tag}/om.yaml#/components/schemas/Receipt")}}});
    assert_eq!(found(&doc(r("2.3.0"), json!({}), json!({})), &doc(r("2.3.0"), json!({}), json!({}))), []);
    let changes = diff(&doc(r("2.3.0"), json!({}), json!({})), &doc(r("2.3.17"), json!({}), json!({})));
    assert_eq!(
        changes.iter().map(|c| (c.kind.id(), c.severity)).collect::<Vec<_>>(),
        [("external-ref-changed", Severity::NonBreaking)]
    );
}

/// A tree: each node refers to itself `links` times.
fn tree(links: usize, max_length: u64) -> serde_json::Value {
    use serde_json::json;
    let mut props = json!({"name": {"type": "string", "maxLength": max_length}});
    for i in 0..links {
        props[format!("child{i}")] = json!({"type": "array", "items": {"$ref": "#/components/schemas/Node"}});
    }
    let node = json!({"Node": {"type": "object", "properties": props}});
    doc(json!({"$ref": "#/components/schemas/Node"}), json!({"$ref": "#/components/schemas/Node"}), node)
}

#[test]
fn recursive_schemas_are_compared_once_per_pair_and_direction() {
    for links in [1, 2, 3, 8] {
        assert_eq!(found(&tree(links, 10), &tree(links, 10)), [], "{links} self-references, no change");
        // One change is one finding per direction, not one per path through the tree.
        assert_eq!(
            sorted(found(&tree(links, 10), &tree(links, 20))),
            expect(&[
                ("request-constraint-loosened", "/requestBody/properties/name"),
                ("response-constraint-loosened", "/responses/200/properties/name"),
            ]),
            "{links} self-references"
        );
    }
}

#[test]
fn the_readme_lists_every_check_with_its_default_severity() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md")).expect("README");
    let table = spec_diff::report::catalogue();
    assert!(readme.contains(&table), "README's spec-diff section must hold this table:\n{table}");
}

#[test]
fn the_project_configuration_parses_and_ignores_with_a_reason() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let config = spec_diff::Config::load(&root.join(spec_diff::config::DEFAULT_PATH)).expect("openapi/spec-diff.toml");
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

#[test]
fn a_schema_whose_all_of_names_itself_ends() {
    use serde_json::json;
    let schemas =
        json!({"Loop": {"allOf": [{"$ref": "#/components/schemas/Loop"}, {"properties": {"a": {"type": "string"}}}]}});
    let d = doc(json!({"$ref": "#/components/schemas/Loop"}), json!({}), schemas);
    assert_eq!(found(&d, &d), []);
}
