//! `.github/workflows/spec-watch.yml` does what the README says of it: weekly (and by hand),
//! `cargo xtask spec-watch`, and on a change (exit 1) a pull request opened or updated with
//! the lock spec-watch proposes and its `pr.md` as the body; a failure to fetch (exit 2)
//! fails the run. `.ci/run` lints the file (actionlint, zizmor); this holds it to what
//! spec-watch writes.

use serde_json::Value;
use xtask::lock;
use xtask::project::workspace_root;

fn workflow() -> Value {
    let path = workspace_root().expect("run in the workspace").join(".github/workflows/spec-watch.yml");
    let text = std::fs::read_to_string(&path).expect("the workflow");
    serde_norway::from_str(&text).expect("YAML")
}

/// The steps of the one job, each as (name, `run` script or `uses`, `if` condition).
fn steps(workflow: &Value) -> Vec<(String, String, String)> {
    let jobs = workflow["jobs"].as_object().expect("jobs");
    assert_eq!(jobs.len(), 1, "one job");
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    jobs.values()
        .flat_map(|job| job["steps"].as_array().cloned().unwrap_or_default())
        .map(|s| {
            (text(&s["name"]), if s["run"].is_string() { text(&s["run"]) } else { text(&s["uses"]) }, text(&s["if"]))
        })
        .collect()
}

#[test]
fn it_runs_weekly_and_by_hand_with_the_rights_it_needs() {
    let w = workflow();
    // serde_norway reads the `on` key as the string "on" (YAML 1.2), not as true.
    let on = &w["on"];
    let cron = on["schedule"][0]["cron"].as_str().expect("a schedule");
    let fields: Vec<&str> = cron.split_whitespace().collect();
    assert_eq!(fields.len(), 5, "{cron}");
    assert_eq!((fields[2], fields[3]), ("*", "*"), "weekly: any day of the month, any month: {cron}");
    assert!(fields[4].parse::<u8>().is_ok_and(|d| d <= 6), "one day of the week: {cron}");
    assert!(on.get("workflow_dispatch").is_some(), "it can be run by hand");
    assert_eq!(w["permissions"], serde_json::json!({}), "nothing by default");
    let job = w["jobs"].as_object().and_then(|j| j.values().next()).expect("the job");
    assert_eq!(job["permissions"]["contents"], "write");
    assert_eq!(job["permissions"]["pull-requests"], "write");
}

#[test]
fn it_proposes_what_spec_watch_writes_and_fails_when_it_cannot_fetch() {
    let steps = steps(&workflow());
    let watch = steps.iter().position(|(_, run, _)| run.contains("cargo xtask spec-watch")).expect("a watch step");
    let (_, script, _) = &steps[watch];
    assert!(script.contains("set +e") && script.contains("exit \"$code\""), "exit 2 fails the run: {script}");
    let propose = steps
        .iter()
        .position(|(_, run, _)| run.contains("gh pr create") && run.contains("gh pr edit"))
        .expect("a step that opens or updates the pull request");
    assert!(watch < propose);
    let (_, script, condition) = &steps[propose];
    assert_eq!(condition, "steps.watch.outputs.code == '1'", "only on a change");
    assert!(script.contains("--body-file target/spec-watch/pr.md"), "{script}");
    assert!(
        script.contains(&format!("cp target/spec-watch/upstream.lock {}", lock::DEFAULT_PATH))
            && script.contains(&format!("git add {}", lock::DEFAULT_PATH)),
        "the pull request carries the proposed lock: {script}"
    );
    for (name, uses, _) in steps.iter().filter(|(_, u, _)| u.starts_with("actions/")) {
        let pinned =
            uses.split_once('@').is_some_and(|(_, r)| r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(pinned, "{name}: {uses} is pinned by commit");
    }
}
