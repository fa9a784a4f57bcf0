//! `cargo xtask spec-update`: real published pairs from `../shared/spec-history/` (one with an
//! external ref, one where the paths moved; skipped with a note where `../shared` is absent),
//! a pair where nothing breaks, and one where only the contract suite finds what breaks, each
//! checked for its exit code and its report's sections.
//! One test, because the runs share the scratch workspace under the target directory.

use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::project;

const SECTIONS: [&str; 5] = ["## Changes", "## Overlays", "## Public surface", "## Compile", "## Scenarios"];

fn spec_update(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask")).arg("spec-update").args(args).output().expect("xtask runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report_path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let report = std::fs::read_to_string(&report_path).unwrap_or_default();
    (out.status.code(), report, stderr)
}

fn section<'a>(report: &'a str, title: &str) -> &'a str {
    let start = report.find(title).unwrap_or_else(|| panic!("{title} missing:\n{report}"));
    let rest = &report[start + title.len()..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

fn order_management(history: &Path, tag: &str) -> String {
    let url = format!("https://raw.githubusercontent.com/vippsas/vipps-order-management-api/{tag}/docs/swagger.yaml");
    format!("{url}={}", history.join(format!("external/order-management-{tag}/swagger.yaml")).display())
}

#[test]
fn spec_update_reports_each_step_and_exits_by_what_breaks() {
    let root = project::workspace_root().expect("run in the workspace");
    let dir = tempfile::tempdir().expect("tempdir");

    // Nothing breaks: our document with only its description changed.
    let mut ours = xtask::document::Document::load(&root.join("openapi/epayment.yaml")).expect("ours").value;
    ours["info"]["description"] = "Only these words changed.".into();
    let same = dir.path().join("same.json");
    std::fs::write(&same, serde_json::to_string(&ours).expect("json")).expect("write");
    let (code, report, stderr) = spec_update(&[same.to_str().expect("utf-8"), "--no-contract"]);
    assert_eq!(code, Some(0), "{stderr}\n{report}");
    for title in SECTIONS {
        section(&report, title);
    }
    assert!(report.contains("Nothing breaks."), "{report}");
    assert!(section(&report, "## Compile").contains("Passed."), "{report}");
    assert!(section(&report, "## Scenarios").contains("Skipped: --no-contract was given."), "{report}");
    assert!(section(&report, "## Public surface").contains("unchanged"), "{report}");
    assert_eq!(section(&report, "## Overlays").matches("| applied |").count(), 11, "{report}");

    // A published document that has what overlay 40 adds after 1.8.1 makes it no longer
    // needed, action by action.
    let mut caught_up = ours.clone();
    let date_time = serde_json::json!({"type": "string", "format": "date-time"});
    caught_up["components"]["schemas"]["GetPaymentResponse"]["properties"]["captureGuaranteedUntil"] =
        date_time.clone();
    caught_up["components"]["schemas"]["WebhookEvent"]["properties"]["captureGuaranteedUntil"] = date_time;
    caught_up["components"]["schemas"]["Shipping"]["properties"]["allowedCountries"] =
        serde_json::json!({"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{2}$"}});
    for (_, item) in caught_up["paths"].as_object_mut().expect("paths").iter_mut() {
        if let Some(parameters) = item.get_mut("parameters").and_then(|p| p.as_array_mut()) {
            parameters.push(
                serde_json::json!({"name": "Psp-Id", "in": "header", "required": false, "schema": {"type": "string"}}),
            );
        }
    }
    let newer = dir.path().join("caught-up.json");
    std::fs::write(&newer, serde_json::to_string(&caught_up).expect("json")).expect("write");
    let (code, report, stderr) = spec_update(&[newer.to_str().expect("utf-8"), "--no-contract"]);
    assert_eq!(code, Some(0), "{stderr}\n{report}");
    let overlays = section(&report, "## Overlays");
    let no_longer: Vec<&str> = overlays.lines().filter(|l| l.contains("| **no longer needed**")).collect();
    assert_eq!(no_longer.len(), 4, "{overlays}");
    assert!(no_longer.iter().all(|l| l.contains("40-after-1.8.1.yaml")), "{overlays}");

    // An external reference without a mapping: the run cannot generate the client and says
    // which flag to add (exit 2), before any step is reported.
    let mut external = ours.clone();
    external["components"]["schemas"]["Receipt"] =
        serde_json::json!({"$ref": "https://example.com/order-management.yaml#/components/schemas/Receipt"});
    let unmapped = dir.path().join("unmapped.json");
    std::fs::write(&unmapped, serde_json::to_string(&external).expect("json")).expect("write");
    let (code, _, stderr) = spec_update(&[unmapped.to_str().expect("utf-8"), "--no-contract"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("add --external https://example.com/order-management.yaml=FILE"), "{stderr}");

    // What spec-diff calls harmless can still contradict what the scenarios recorded: with
    // REFUNDED gone from the event names, the contract suite (step 5, run in the scratch copy
    // with the simulator and the checker on the new document) names the refund scenario.
    ours["components"]["schemas"]["PaymentEventName"]["enum"] =
        serde_json::json!(["CREATED", "ABORTED", "EXPIRED", "CANCELLED", "CAPTURED", "AUTHORIZED", "TERMINATED"]);
    let no_refunded = dir.path().join("no-refunded.json");
    std::fs::write(&no_refunded, serde_json::to_string(&ours).expect("json")).expect("write");
    let (code, report, stderr) = spec_update(&[no_refunded.to_str().expect("utf-8")]);
    assert_eq!(code, Some(1), "a scenario the new document rejects is breaking: {stderr}\n{report}");
    // The enum change, and the change itself under the same info.version.
    let changes = section(&report, "## Changes");
    assert!(changes.contains("0 breaking, 2 non-breaking") && changes.contains("`version-not-bumped`"), "{report}");
    assert!(section(&report, "## Compile").contains("Passed."), "{report}");
    let scenarios = section(&report, "## Scenarios");
    assert!(scenarios.contains("**Failed.** contract: "), "{report}");
    assert!(
        scenarios.contains("- refund.feature:4 Refund part of a capture, then the rest\n")
            && scenarios.contains("getPaymentEventLog response 200 /3/name: \"REFUNDED\" is not one of"),
        "{report}"
    );

    // The copy shares the workspace's build directory; its crates (the new document embedded
    // in its epayment-openapi) must never pass for the workspace's own, so they carry versions
    // of their own. The contract crate keeps its version: its snapshots record it.
    let copy = project::target_dir(&root).join("spec-update/workspace");
    let version = |krate: &str| {
        let manifest = std::fs::read_to_string(copy.join(krate).join("Cargo.toml")).expect("the copy's manifest");
        let table: toml::Table = manifest.parse().expect("toml");
        table["package"]["version"].as_str().expect("a version").to_owned()
    };
    for krate in ["crates/epayment-openapi", "crates/epayment-api", "crates/epayment-devkit", "xtask"] {
        assert!(version(krate).ends_with("+spec-update"), "{krate}: {}", version(krate));
    }
    assert_eq!(version("crates/epayment-contract"), "0.1.0");

    let history = root.join("../shared/spec-history");
    if !history.is_dir() {
        epayment_devkit::skip_outside_ci(&format!(
            "the published pairs: {} not found (CI has ../shared beside the checkout)",
            history.display()
        ));
        return;
    }
    let pair = |name: &str| (history.join(name).join("old.yml"), history.join(name).join("new.yml"));

    // H15: an external ref (Order Management 2.3.17); unmapped, spec-update cannot generate.
    let (old, new) = pair("H15");
    let (old, new) = (old.to_str().expect("utf-8"), new.to_str().expect("utf-8"));
    let (code, _, stderr) = spec_update(&["--base", old, new, "--no-contract"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("--external https://raw.githubusercontent.com/vippsas/vipps-order-management-api/2.3.17"),
        "{stderr}"
    );
    let mapping = order_management(&history, "2.3.17");
    let (code, report, stderr) = spec_update(&["--base", old, new, "--external", &mapping, "--no-contract"]);
    assert_eq!(code, Some(1), "{stderr}\n{report}");
    assert!(section(&report, "## Changes").contains("`request-property-removed`"), "{report}");
    // The published document declares the Idempotency-Key on cancel itself now.
    let overlays = section(&report, "## Overlays");
    assert!(
        overlays.contains("`30-cancel-idempotency-key.yaml` #1") && overlays.contains("**no longer needed**"),
        "{report}"
    );
    assert!(stderr.contains("warning: overlay 30-cancel-idempotency-key.yaml action 1"), "{stderr}");
    // Our hand-written crate targets our document: against the published one it fails to
    // compile, which is breaking, and the first errors are shown.
    let compile = section(&report, "## Compile");
    assert!(compile.contains("**Failed.**") && compile.contains("error["), "{report}");
    assert!(compile.contains("does not compile: `epayment`, `epayment-sim`)"), "each crate that fails: {report}");
    // The client generated from it (the Receipt bundled in) compiles: the errors are ours.
    assert!(compile.contains("crates/epayment/src/") && !compile.contains("crates/epayment-api/"), "{report}");
    assert!(section(&report, "## Scenarios").contains("Skipped: the workspace does not compile"), "{report}");

    // H09: every path moved under /epayment (an external ref to 2.3.0 on both sides).
    let (old, new) = pair("H09");
    let mapping = order_management(&history, "2.3.0");
    let args =
        ["--base", old.to_str().expect("utf-8"), new.to_str().expect("utf-8"), "--external", &mapping, "--no-contract"];
    let (code, report, stderr) = spec_update(&args);
    assert_eq!(code, Some(1), "{stderr}\n{report}");
    assert_eq!(section(&report, "## Changes").matches("`path-changed`").count(), 7, "{report}");
    // The overlays target operations by operationId, so they follow the moved paths.
    let overlays = section(&report, "## Overlays");
    assert!(overlays.contains("`30-cancel-idempotency-key.yaml` #1"), "{report}");
    // Those written for operations follow them; overlay 40 adds to schemas that a 2023
    // document may not have yet, so its targets may be gone there.
    let gone: Vec<&str> = overlays.lines().filter(|l| l.contains("target gone")).collect();
    assert!(gone.iter().all(|l| l.contains("`40-after-1.8.1.yaml`")), "{report}");
}
