//! spec-diff knows which way a change points (issue 33): security as sets of alternatives,
//! media types by direction, readOnly/writeOnly, response headers, deprecation with sunset
//! dates compared with `--today`; and every finding names a location.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use xtask::document::Document;
use xtask::spec_diff::{self, Change, Day, Severity};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec-diff").join(name)
}

fn load(name: &str) -> Value {
    Document::load(&fixture(name)).expect("a fixture").value
}

/// `base.yaml` with `edit` applied (and its version bumped, so that is no finding).
fn base_with(edit: impl FnOnce(&mut Value)) -> Value {
    let mut doc = load("base.yaml");
    doc["info"]["version"] = json!("2");
    edit(&mut doc);
    doc
}

fn kinds(changes: &[Change]) -> Vec<(&'static str, Severity)> {
    changes.iter().map(|c| (c.kind.id(), c.severity)).collect()
}

fn day(text: &str) -> Day {
    text.parse().expect("a day")
}

const OPERATION: &str = "/paths/~1v1~1items~1{id}/post";

#[test]
fn security_is_compared_as_sets_of_alternatives() {
    use Severity::*;
    let old = load("base.yaml");
    let diff = |new: &Value| kinds(&spec_diff::diff(&old, new));
    // An operation that also accepts no credentials: clients that send their token succeed.
    let anonymous_too = base_with(|d| {
        d.pointer_mut(OPERATION).expect("operation")["security"] = json!([{"bearer": []}, {}]);
    });
    assert_eq!(diff(&anonymous_too), [("security-alternative-added", NonBreaking)]);
    // The global requirement dropped.
    let dropped = base_with(|d| {
        d.as_object_mut().expect("object").remove("security");
    });
    assert_eq!(diff(&dropped), [("security-requirement-removed", NonBreaking)]);
    // An unused scheme added to components is no finding at all.
    let unused = base_with(|d| {
        d["components"]["securitySchemes"]["basic"] = json!({"type": "http", "scheme": "basic"});
    });
    assert_eq!(diff(&unused), []);
    // A scheme replaced: clients with a bearer token are refused (and told what is accepted).
    let replaced = base_with(|d| {
        d["components"]["securitySchemes"]["basic"] = json!({"type": "http", "scheme": "basic"});
        d["security"] = json!([{"basic": []}]);
    });
    let found = spec_diff::diff(&old, &replaced);
    assert_eq!(
        kinds(&found),
        [("security-alternative-removed", Breaking), ("security-alternative-added", NonBreaking)]
    );
    assert!(found[0].message.starts_with("bearer is no longer accepted (now: basic)"), "{}", found[0].message);
}

#[test]
fn media_types_point_the_way_data_flows() {
    let old = load("base.yaml");
    let form = spec_diff::diff(&old, &load("request-media-type-added.yaml"));
    assert_eq!(kinds(&form), [("request-media-type-added", Severity::NonBreaking)]);
    let xml = spec_diff::diff(&old, &load("response-media-type-added.yaml"));
    assert_eq!(kinds(&xml), [("response-media-type-added", Severity::Breaking)]);
    assert_eq!(xml[0].location, "/responses/200/content/application~1xml");
    assert!(xml[0].message.contains("clients that parse only application/json"), "{}", xml[0].message);
}

#[test]
fn read_only_and_response_headers_are_judged() {
    let became = spec_diff::diff(&load("base.yaml"), &load("request-property-became-read-only.yaml"));
    assert_eq!(kinds(&became), [("request-property-became-read-only", Severity::Breaking)]);
    assert!(became[0].message.starts_with("note (optional) became readOnly"), "{}", became[0].message);
    let gone = spec_diff::diff(&load("response-header-added.yaml"), &load("response-header-removed.yaml"));
    assert_eq!(kinds(&gone), [("response-header-removed", Severity::Breaking)]);
    assert_eq!(gone[0].location, "/responses/200/headers/X-Request-Id");
    // Header names have no case: the same header spelled otherwise, with a looser limit.
    let respelled = spec_diff::diff(
        &load("response-header-added.yaml"),
        &base_with(|d| {
            d.pointer_mut(&format!("{OPERATION}/responses/200")).expect("200")["headers"] =
                json!({"x-request-id": {"required": true, "schema": {"type": "string"}}});
            d["info"]["version"] = json!("3");
        }),
    );
    assert_eq!(kinds(&respelled), [("response-constraint-loosened", Severity::Breaking)]);
}

#[test]
fn removing_what_was_deprecated_depends_on_the_sunset_and_the_day() {
    let (old, new) = (load("sunset-passed.yaml"), load("operation-removed-after-sunset.yaml"));
    let after = spec_diff::diff_on(&old, &new, &day("2020-01-31"));
    assert_eq!(kinds(&after), [("operation-removed-after-sunset", Severity::NonBreaking)]);
    let before = spec_diff::diff_on(&old, &new, &day("2020-01-30"));
    assert_eq!(kinds(&before), [("operation-removed", Severity::Breaking)]);
    assert!(before[0].message.contains("deprecated, sunset 2020-01-31, not yet passed"), "{}", before[0].message);
    // Deprecation says when the sunset is, or that there is none.
    let dated = spec_diff::diff(&load("base.yaml"), &old);
    let operation = dated.iter().find(|c| c.kind.id() == "operation-deprecated").expect("operation-deprecated");
    assert_eq!(operation.message, "now deprecated, sunset 2020-01-31");
    assert_eq!(operation.location, format!("{OPERATION}/deprecated"));
    let undated = spec_diff::diff(&load("base.yaml"), &load("operation-deprecated.yaml"));
    assert_eq!(undated[0].message, "now deprecated, with no sunset date (x-sunset)");
}

fn xtask(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask")).arg("spec-diff").args(args).output().expect("xtask runs");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn today_is_a_flag_and_a_bad_day_is_a_usage_error() {
    let (old, new) = (fixture("sunset-passed.yaml"), fixture("parameter-removed-after-sunset.yaml"));
    let (old, new) = (old.to_string_lossy(), new.to_string_lossy());
    let (code, out) = xtask(&["--no-config", "--fail-on", "breaking", &old, &new]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("parameter-removed-after-sunset"), "{out}");
    let (code, out) = xtask(&["--no-config", "--fail-on", "breaking", "--today", "2019-12-31", &old, &new]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("parameter-removed "), "{out}");
    assert_eq!(xtask(&["--today", "31.12.2019", &old, &new]).0, Some(2));
}

#[test]
fn a_day_the_calendar_lacks_is_a_usage_error() {
    let (old, new) = (fixture("sunset-passed.yaml"), fixture("parameter-removed-after-sunset.yaml"));
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["spec-diff", "--today", "2027-02-30"])
        .args([&old, &new])
        .output()
        .expect("xtask runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "no report for a day that does not exist");
    assert!(
        stderr.starts_with(
            "error: invalid value '2027-02-30' for '--today <DAY>': `2027-02-30` is no day of the calendar"
        ),
        "{stderr}"
    );
}

#[test]
fn every_finding_of_every_fixture_pair_has_a_location() {
    let mut seen = 0;
    for entry in std::fs::read_dir(fixture("")).expect("fixtures") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("fixture");
        let old_name = text
            .lines()
            .take_while(|l| l.starts_with('#'))
            .find_map(|l| l.strip_prefix("# old: "))
            .unwrap_or("base.yaml");
        let (Ok(old), Ok(new)) = (Document::load(&fixture(old_name)), Document::load(&path)) else { continue };
        for change in spec_diff::diff(&old.value, &new.value) {
            seen += 1;
            assert!(!change.location.is_empty(), "{}: {change:?}", path.display());
        }
    }
    assert!(seen > 90, "{seen} findings");
    let renamed = spec_diff::diff(&load("base.yaml"), &load("operation-id-changed.yaml"));
    assert_eq!(renamed[0].location, format!("{OPERATION}/operationId"));
}

#[test]
fn security_where_there_was_none_and_on_one_operation() {
    let none = base_with(|d| {
        d.as_object_mut().expect("object").remove("security");
    });
    let appears = spec_diff::diff(&none, &base_with(|d| d["info"]["version"] = json!("3")));
    assert_eq!(kinds(&appears), [("security-requirement-added", Severity::Breaking)]);
    assert_eq!(appears[0].message, "no credentials -> bearer: clients that send no credentials are refused");
    assert_eq!((appears[0].operation.as_str(), appears[0].location.as_str()), ("document", "/security"));
    // An operation of its own that needs a second scheme: reported on that operation only.
    let stricter = base_with(|d| {
        d["components"]["securitySchemes"]["key2"] = json!({"type": "apiKey", "in": "header", "name": "X-Key-2"});
        d.pointer_mut(OPERATION).expect("operation")["security"] = json!([{"bearer": [], "key2": []}]);
    });
    let found = spec_diff::diff(&load("base.yaml"), &stricter);
    assert_eq!(kinds(&found), [("security-requirement-added", Severity::Breaking)]);
    assert_eq!((found[0].operation.as_str(), found[0].location.as_str()), ("POST /v1/items/{id}", "/security"));
}

#[test]
fn a_media_type_that_gains_or_loses_its_schema_is_a_limit_by_direction() {
    let without = base_with(|d| {
        let body = d.pointer_mut(&format!("{OPERATION}/requestBody/content/application~1json")).expect("body");
        body.as_object_mut().expect("media type").remove("schema");
    });
    let gains = spec_diff::diff(&without, &base_with(|d| d["info"]["version"] = json!("3")));
    assert_eq!(kinds(&gains), [("request-constraint-tightened", Severity::Breaking)]);
    assert_eq!(gains[0].location, "/requestBody/content/application/json/schema");
    let loses = spec_diff::diff(&load("base.yaml"), &without);
    assert_eq!(kinds(&loses), [("request-constraint-loosened", Severity::NonBreaking)]);
}
