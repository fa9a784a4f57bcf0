//! The committed client is what the committed documents give, and regeneration is repeatable.

use xtask::project::{self, workspace_root};
use xtask::regen::{self, Options};
use xtask::surface;

#[test]
fn committed_client_is_current() {
    let root = workspace_root().expect("run in the workspace");
    let report = regen::run(&root, &Options { check: true, ..Options::default() }).expect("regen --check runs");
    for (_, diff) in &report.stale {
        eprintln!("{diff}");
    }
    let stale: Vec<_> = report.stale.iter().map(|(p, _)| project::display(&root, p)).collect();
    assert!(stale.is_empty(), "stale generated code: {stale:?}; run `cargo xtask regen`");
    // Each module, and the effective document.
    assert_eq!(report.current.len(), project::TARGETS.len() + 1);
}

#[test]
fn two_renders_give_identical_bytes() {
    let root = workspace_root().expect("run in the workspace");
    let first = regen::render_all(&root, &Options::default()).expect("first render");
    let second = regen::render_all(&root, &Options::default()).expect("second render");
    assert_eq!(first, second);
}

#[test]
fn header_names_the_command_inputs_and_digests() {
    let root = workspace_root().expect("run in the workspace");
    let rendered = regen::render_all(&root, &Options::default()).expect("render");
    let epayment = &rendered[0].contents;
    let header: Vec<&str> = epayment.lines().take_while(|l| l.starts_with("//")).collect();
    assert!(header[0].contains("`cargo xtask regen`") && header[0].contains("Do not edit"), "{header:?}");
    let spec = std::fs::read(root.join("openapi/epayment.yaml")).expect("spec");
    let digest = xtask::document::sha256_hex(&spec);
    assert!(header.iter().any(|l| l.contains("openapi/epayment.yaml") && l.contains(&digest)), "{header:?}");
    let overlays = header.iter().filter(|l| l.contains("openapi/overlays/epayment/")).count();
    let files = std::fs::read_dir(root.join("openapi/overlays/epayment")).expect("the overlays").count();
    assert_eq!(overlays, files, "every overlay is named: {header:?}");
}

#[test]
fn capture_cancel_and_refund_are_typed() {
    let root = workspace_root().expect("run in the workspace");
    let rendered = regen::render_all(&root, &Options::default()).expect("render");
    let code = &rendered[0].contents;
    for op in ["CapturePayment", "CancelPayment", "RefundPayment"] {
        let at = code.find(&format!("impl<'a> {op}<'a>")).unwrap_or_else(|| panic!("no builder for {op}"));
        let send = &code[at..];
        let send = &send[send.find("pub async fn send").expect("send")..];
        let signature = &send[..send.find('{').expect("body")];
        assert!(
            signature.contains("ResponseValue<types::ModificationResponse>")
                && signature.contains("Error<types::Problem>"),
            "{op}: {signature}"
        );
    }
}

#[test]
fn the_surface_summary_names_added_removed_and_changed_items() {
    let before = "pub mod types { pub struct Amount { pub value: i64, secret: u8 } pub enum State { A, B } }\n\
                  impl Client { pub fn capture_payment(&self) -> X { todo!() } fn private(&self) {} }\n\
                  pub mod operation_ids { pub const CAPTURE_PAYMENT: &str = \"capturePayment\"; }\n";
    let after = "pub mod types { pub struct Amount { pub value: u64, pub note: String } pub enum State { A, C } \
                 pub struct Fresh {} }\nimpl Client { }\n\
                 pub mod operation_ids { pub const CAPTURE_PAYMENT: &str = \"captureThePayment\"; }\n";
    let changes = surface::surface_changes(before, after);
    assert!(changes.contains(&"changed field Amount.value: i64 -> u64".to_owned()), "{changes:?}");
    assert!(changes.contains(&"added field Amount.note".to_owned()), "{changes:?}");
    assert!(changes.contains(&"added type Fresh".to_owned()), "{changes:?}");
    assert!(changes.contains(&"added variant State::C".to_owned()), "{changes:?}");
    assert!(changes.contains(&"removed variant State::B".to_owned()), "{changes:?}");
    assert!(changes.iter().any(|c| c.starts_with("removed fn Client::capture_payment")), "{changes:?}");
    assert!(
        changes.contains(&r#"changed const CAPTURE_PAYMENT: "capturePayment" -> "captureThePayment""#.to_owned()),
        "{changes:?}"
    );
    assert!(!changes.iter().any(|c| c.contains("secret") || c.contains("private")), "{changes:?}");
}
