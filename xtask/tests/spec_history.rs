//! spec-diff on real consecutive versions of published Vipps MobilePay documents
//! (`../shared/spec-history/`, which CI has beside the checkout; elsewhere these tests say so
//! and skip). Each pair's findings named by issue 13 are asserted, both the ones that must be
//! reported and the false alarms that must not.

use std::path::PathBuf;

use xtask::document::Document;
use xtask::external::{ExternalRefs, Unmapped};
use xtask::project;
use xtask::spec_diff::{self, Change, Severity};

fn history() -> Option<PathBuf> {
    let dir = project::workspace_root().expect("run in the workspace").join("../shared/spec-history");
    if dir.is_dir() {
        Some(dir)
    } else {
        epayment_devkit::skip_outside_ci(&format!(
            "{} not found (CI has ../shared beside the checkout)",
            dir.display()
        ));
        None
    }
}

fn pair(dir: &std::path::Path, name: &str) -> (serde_json::Value, serde_json::Value) {
    let ext = if name.starts_with('C') { "yaml" } else { "yml" };
    let load =
        |side: &str| Document::load(&dir.join(name).join(format!("{side}.{ext}"))).expect("a history document").value;
    (load("old"), load("new"))
}

fn diff(dir: &std::path::Path, name: &str) -> Vec<Change> {
    let (old, new) = pair(dir, name);
    spec_diff::diff(&old, &new)
}

/// Findings of one check whose location ends with `suffix`.
fn with<'a>(changes: &'a [Change], check: &str, suffix: &str) -> Vec<&'a Change> {
    changes.iter().filter(|c| c.kind.id() == check && c.location.ends_with(suffix)).collect()
}

fn breaking(changes: &[Change]) -> Vec<&Change> {
    changes.iter().filter(|c| c.severity == Severity::Breaking).collect()
}

#[test]
fn every_pair_runs_and_an_unchanged_external_ref_is_no_finding() {
    let Some(dir) = history() else { return };
    let mut pairs = 0;
    for entry in std::fs::read_dir(&dir).expect("read spec-history") {
        let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
        if !(name.starts_with('H') || name.starts_with('C')) {
            continue;
        }
        let changes = diff(&dir, &name);
        pairs += 1;
        // No pair in this history changes the URL of an external ref (H03 adds one, which is
        // a property added, not a ref changed).
        assert!(
            with(&changes, "external-ref-changed", "").is_empty(),
            "{name}: {:?}",
            with(&changes, "external-ref-changed", "")
        );
    }
    assert!(pairs >= 18, "{pairs} pairs");
}

#[test]
fn h03_success_statuses_renumbered_are_breaking_and_read_only_fields_do_not_count() {
    let Some(dir) = history() else { return };
    let changes = diff(&dir, "H03");
    let renumbered: Vec<_> =
        with(&changes, "response-success-status-changed", "").iter().map(|c| c.operation.clone()).collect();
    for op in ["cancel", "capture", "refund"] {
        assert!(renumbered.iter().any(|o| o.ends_with(&format!("/{op}"))), "{op}: {renumbered:?}");
    }
    assert!(
        with(&changes, "response-added", "/200").is_empty() && with(&changes, "response-removed", "/202").is_empty()
    );
    // CreatePayment's read-only aggregate, pspReference and state are never sent by clients.
    for read_only in ["/aggregate", "/pspReference", "/state"] {
        assert!(with(&changes, "request-property-removed", read_only).is_empty(), "{read_only}");
    }
}

#[test]
fn patterns_loosened_on_requests_are_not_breaking() {
    let Some(dir) = history() else { return };
    // H01 tightens the reference pattern ({1,50} -> {8,50}); H02 loosens it back.
    let h01 = diff(&dir, "H01");
    assert_eq!(with(&h01, "request-constraint-tightened", "parameter reference").len(), 7);
    let h02 = diff(&dir, "H02");
    assert_eq!(with(&h02, "request-constraint-loosened", "parameter reference").len(), 7);
    assert!(with(&h02, "request-constraint-tightened", "parameter reference").is_empty());
    // H04 removes the returnUrl pattern.
    let h04 = diff(&dir, "H04");
    assert_eq!(with(&h04, "request-constraint-loosened", "/returnUrl").len(), 1);
    assert!(with(&h04, "request-constraint-tightened", "/returnUrl").is_empty());
    // H07 narrows the phone number's class ([0-9-] -> \d), H08 widens it back.
    assert_eq!(with(&diff(&dir, "H07"), "request-constraint-tightened", "/phoneNumber").len(), 2);
    let h08 = diff(&dir, "H08");
    assert_eq!(with(&h08, "request-constraint-loosened", "/phoneNumber").len(), 2);
    // And a format removed from a request field loosens it.
    assert_eq!(with(&h08, "request-format-removed", "/expiresAt").len(), 1);
    assert!(with(&h08, "format-changed", "").is_empty());
}

#[test]
fn upstream_1_4_1_to_1_8_1_widens_patterns_without_breaking() {
    let Some(dir) = history() else { return };
    let upstream = dir.join("../upstream");
    let load = |name: &str| Document::load(&upstream.join(name)).map(|d| d.value);
    let (Ok(old), Ok(new)) = (load("epayment-openapi-1.4.1.yml"), load("epayment-openapi.yaml")) else {
        epayment_devkit::skip_outside_ci("../shared/upstream is incomplete");
        return;
    };
    let changes = spec_diff::diff(&old, &new);
    let loosened: Vec<_> = changes
        .iter()
        .filter(|c| c.kind.id() == "request-constraint-loosened" && c.message.starts_with("pattern"))
        .collect();
    assert!(loosened.iter().any(|c| c.message.contains("{8,64}")), "{loosened:#?}");
    assert!(loosened.iter().any(|c| c.message.contains("{4,10}")), "{loosened:#?}");
    assert!(!changes.iter().any(|c| c.kind.id() == "request-constraint-tightened" && c.message.starts_with("pattern")));
}

#[test]
fn h05_the_qr_format_default_renamed_with_its_enum_is_reported() {
    let Some(dir) = history() else { return };
    let h05 = diff(&dir, "H05");
    let found = with(&h05, "request-default-changed", "/qrFormat/properties/format");
    assert_eq!(found.len(), 1, "{h05:?}");
    assert!(found[0].message.starts_with("default \"SVG+XML\" -> \"IMAGE/SVG+XML\""), "{}", found[0].message);
}

#[test]
fn h08_server_change_moves_every_operation_and_h09_moves_them_back() {
    let Some(dir) = history() else { return };
    // H08 drops /epayment from the server without adding it to the paths: a real break.
    let h08 = diff(&dir, "H08");
    assert_eq!(with(&h08, "server-changed", "").len(), 1);
    // H08's old document against H09's new one: the base moved into the paths, nothing breaks there.
    let (old, _) = pair(&dir, "H08");
    let (_, new) = pair(&dir, "H09");
    let across = spec_diff::diff(&old, &new);
    assert!(
        with(&across, "server-changed", "").is_empty() && with(&across, "path-changed", "").is_empty(),
        "{across:#?}"
    );
    assert_eq!(with(&across, "path-moved-under-server-base", "").len(), 7);
    assert_eq!(with(&across, "server-base-moved", "").len(), 1);
}

#[test]
fn compositions_are_looked_into() {
    let Some(dir) = history() else { return };
    // H12: customer becomes a oneOf of exclusive branches, one of which gains limits; nothing
    // was removed.
    let h12 = diff(&dir, "H12");
    assert_eq!(with(&h12, "composition-changed", "/customer").len(), 2);
    assert_eq!(with(&h12, "request-constraint-tightened", "/customer/properties/personalQr").len(), 4);
    assert!(with(&h12, "request-property-removed", "").is_empty());
    // H15: CustomerToken renamed customerToken inside customer.oneOf.
    let h15 = diff(&dir, "H15");
    assert_eq!(with(&h15, "request-property-removed", "/oneOf/2/properties/CustomerToken").len(), 2);
    assert_eq!(breaking(&h15).len(), 2, "{:#?}", breaking(&h15));
    // H13: the metadata values lose their maxLength inside additionalProperties.
    let h13 = diff(&dir, "H13");
    assert_eq!(with(&h13, "response-constraint-loosened", "/metadata/additionalProperties").len(), 1);
    assert_eq!(with(&h13, "request-constraint-loosened", "/metadata/additionalProperties").len(), 1);
    // C02: everything sits inside allOf; merchantInfo and transaction become required.
    let c02 = diff(&dir, "C02");
    for name in ["merchantInfo", "transaction"] {
        let made = with(&c02, "request-property-made-required", &format!("/schema/properties/{name}"));
        assert_eq!(made.len(), 3, "{name}: one per media type, {made:#?}");
    }
    assert!(breaking(&c02).len() > 200, "{}", breaking(&c02).len());
    // C01 and C03 have breaking changes inside allOf too.
    assert!(!breaking(&diff(&dir, "C01")).is_empty());
    assert!(!breaking(&diff(&dir, "C03")).is_empty());
}

#[test]
fn mapped_external_refs_are_compared_by_what_they_point_at() {
    let Some(dir) = history() else { return };
    let url = |tag: &str| {
        format!("https://raw.githubusercontent.com/vippsas/vipps-order-management-api/{tag}/docs/swagger.yaml")
    };
    let mut refs = ExternalRefs::new();
    for tag in ["2.3.0", "2.3.17"] {
        let file = dir.join(format!("external/order-management-{tag}/swagger.yaml"));
        refs.add_arg(&format!("{}={}", url(tag), file.display())).expect("mapping");
    }
    // H09's old document names 2.3.0, H13's old one 2.3.17: with the mapping, the Receipt
    // schemas themselves are compared.
    let (mut old, _) = pair(&dir, "H09");
    let (mut new, _) = pair(&dir, "H13");
    let bundled = refs.bundle(&mut old, Unmapped::Error).expect("bundle old");
    assert!(bundled.components.values().any(|from| from.ends_with("#/components/schemas/Receipt")), "{bundled:?}");
    refs.bundle(&mut new, Unmapped::Error).expect("bundle new");
    let changes = spec_diff::diff(&old, &new);
    assert!(with(&changes, "external-ref-changed", "").is_empty());
    assert!(
        !with(&changes, "request-property-added", "/receipt/properties/bottomLine/properties/receiptNumber").is_empty(),
        "{changes:#?}"
    );
    // Unmapped, a regen-style bundle names the URL and the flag to add.
    let (mut unmapped, _) = pair(&dir, "H15");
    let err = ExternalRefs::new().bundle(&mut unmapped, Unmapped::Error).expect_err("unmapped");
    let text = format!("{err:#}");
    assert!(text.contains(&url("2.3.17")) && text.contains("--external"), "{text}");
}

#[test]
fn issue_33_keeps_every_pairs_breaking_findings_and_reads_which_way_changes_point() {
    let Some(dir) = history() else { return };
    // Breaking findings per pair (default severities) before issue 33; the issue may add
    // non-breaking findings only.
    let before = [
        ("C01", 6),
        ("C02", 219),
        ("C03", 4),
        ("H01", 7),
        ("H02", 4),
        ("H03", 59),
        ("H04", 1),
        ("H05", 3),
        ("H06", 2),
        ("H07", 3),
        ("H08", 1),
        ("H09", 7),
        ("H10", 20),
        ("H11", 2),
        ("H12", 6),
        ("H13", 1),
        ("H14", 42),
        ("H15", 2),
        ("U01", 0),
    ];
    for (name, count) in before {
        let changes = diff(&dir, name);
        assert_eq!(breaking(&changes).len(), count, "{name}: {:#?}", breaking(&changes));
    }
    // C03 drops the discriminator of LogisticsOptionBase: each of the six logistics branches
    // (three request media types) loses it, and the values they carry stay the same.
    assert_eq!(with(&diff(&dir, "C03"), "discriminator-removed", "/discriminator").len(), 18);
    // H03: amounts' values are no longer nullable, in answers too (fine for clients).
    assert_eq!(with(&diff(&dir, "H03"), "response-nullable-removed", "/value").len(), 6);
    // H11 removes properties deprecated since day one, with no sunset date: still a break.
    let h11 = diff(&dir, "H11");
    let removed = with(&h11, "response-property-removed", "");
    assert_eq!(removed.len(), 2);
    assert!(removed.iter().all(|c| c.message.ends_with("(it was deprecated, with no sunset date (x-sunset))")));
}
