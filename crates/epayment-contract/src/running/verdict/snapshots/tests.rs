//! Snapshots as a run meets them: new, changed, matching, under CI and not.

use serde_json::json;

use super::*;

fn exchanges(amount: i64) -> Value {
    json!([
        {"operation": "fetchAuthorizationTokenUsingPost", "request": {"method": "POST", "path": "/accesstoken/get"}, "response": {"status": 200}},
        {"operation": "createPayment", "request": {"method": "POST", "path": "/epayment/v1/payments", "body": {"amount": {"currency": "NOK", "value": amount}}},
         "response": {"status": 201}}
    ])
}

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

#[test]
fn a_snapshot_written_now_reads_as_the_committed_ones_insta_wrote() {
    let dir = crate::paths::workspace_root().join("features/snapshots");
    let mut compared = 0;
    for entry in std::fs::read_dir(&dir).expect("the snapshots").flatten() {
        let text = std::fs::read_to_string(entry.path()).expect("a snapshot");
        let body = text.splitn(3, "---\n").nth(2).expect("a body");
        let value = read(&entry.path()).expect("its value");
        assert_eq!(format!("{}\n", yaml(&value).trim_end()), body, "{}", entry.path().display());
        compared += 1;
    }
    assert!(compared >= 40, "{compared}");
}

#[test]
fn a_local_run_writes_a_new_snapshot_for_review_and_passes_it() {
    let dir = tempfile::tempdir().expect("a folder");
    let snapshot = Snapshot { dir: dir.path(), name: "capture__new", description: "capture.feature / New" };
    let outcome = snapshot.check(&exchanges(1000), Policy::Review);
    let written = dir.path().join("capture__new.snap.new");
    assert_eq!(outcome, Outcome::New(Some(written.clone())));
    let text = std::fs::read_to_string(&written).expect("written");
    assert!(text.starts_with("---\nsource: crates/epayment-contract/src/running/verdict/snapshots/mod.rs\ndescription: capture.feature / New\n---\n- operation: fetchAuthorizationTokenUsingPost\n"), "{text}");
    // Accepted (renamed as `cargo insta review` does), it matches, and the review is gone.
    std::fs::rename(&written, dir.path().join("capture__new.snap")).expect("accepted");
    std::fs::write(&written, "left over").expect("a stale review");
    assert_eq!(snapshot.check(&exchanges(1000), Policy::Ci), Outcome::Matches);
    assert!(!written.exists());
}

#[test]
fn under_ci_a_missing_or_changed_snapshot_fails_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("a folder");
    let snapshot = Snapshot { dir: dir.path(), name: "capture__ci", description: "capture.feature / CI" };
    let outcome = snapshot.check(&exchanges(1000), Policy::Ci);
    assert_eq!(outcome, Outcome::Missing(dir.path().join("capture__ci.snap")));
    assert_eq!(std::fs::read_dir(dir.path()).expect("the folder").count(), 0);
    assert!(matches!(snapshot.check(&exchanges(1000), Policy::Accept), Outcome::Accepted(_)));
    let Outcome::Changed { count, changes, diff, written } = snapshot.check(&exchanges(999), Policy::Ci) else {
        panic!("changed")
    };
    assert_eq!(changes, ["exchange 2 (createPayment) request.body.amount.value: 1000 in the snapshot, 999 now"]);
    assert_eq!(count, 1);
    assert!(diff.contains("-        value: 1000\n+        value: 999"), "{diff}");
    assert_eq!(written, None);
    let Outcome::Changed { written, .. } = snapshot.check(&exchanges(999), Policy::Review) else { panic!("changed") };
    assert_eq!(written, Some(dir.path().join("capture__ci.snap.new")));
}

#[test]
fn changes_name_exchanges_that_came_and_went_and_are_counted_past_a_few() {
    let old = exchanges(1000);
    let mut new = exchanges(1000);
    new.as_array_mut().expect("a list").remove(1);
    assert_eq!(changes(&old, &new), ["exchange 2 (createPayment) is gone: POST /epayment/v1/payments → 201"]);
    assert_eq!(changes(&new, &old), ["exchange 2 (createPayment) is new: POST /epayment/v1/payments → 201"]);
    let many = |plus: i64| {
        let body: serde_json::Map<String, Value> = (0..20).map(|i| (i.to_string(), json!(i + plus))).collect();
        json!([{"operation": "x", "request": {"body": body}}])
    };
    let dir = tempfile::tempdir().expect("a folder");
    let snapshot = Snapshot { dir: dir.path(), name: "many", description: "many" };
    assert_eq!(snapshot.check(&many(0), Policy::Accept), Outcome::Accepted(dir.path().join("many.snap")));
    let Outcome::Changed { count, changes, .. } = snapshot.check(&many(1), Policy::Ci) else { panic!("changed") };
    assert_eq!(count, 20);
    assert_eq!(changes.len(), LISTED_CHANGES + 1);
    assert_eq!(changes.last().map(String::as_str), Some("and 12 more"));
}

#[test]
fn the_policy_follows_ci_and_insta_update() {
    assert_eq!(Policy::of(None, None), Policy::Review);
    assert_eq!(Policy::of(Some("true"), None), Policy::Ci);
    assert_eq!(Policy::of(Some("false"), None), Policy::Review);
    assert_eq!(Policy::of(Some(""), None), Policy::Review);
    assert_eq!(Policy::of(Some("true"), Some("always")), Policy::Accept);
    assert_eq!(Policy::of(None, Some("no")), Policy::WriteNothing);
}
