//! `cargo xtask regen` refuses broken input with one clear line on stderr, never a panic.

use std::path::Path;
use std::process::Command;

use xtask::document::Document;
use xtask::{project, regen};

/// Runs `xtask regen --spec SPEC --check` and returns (exit code, stderr).
fn regen_with(spec: &Path) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["regen", "--check", "--spec"])
        .arg(spec)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("xtask runs");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Asserts a single `error:` line that contains `needle`.
fn assert_one_line_error(spec: &Path, needle: &str) {
    let (code, stderr) = regen_with(spec);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"), "{stderr}");
    let lines: Vec<_> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "expected one line: {stderr}");
    assert!(lines[0].starts_with("error: ") && lines[0].contains(needle), "expected {needle:?} in: {stderr}");
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write fixture");
    path
}

/// Our own ePayment document with `edit` applied, written as JSON.
fn edited_spec(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) -> std::path::PathBuf {
    let mut doc =
        Document::load(&project::workspace_root().expect("run in the workspace").join("openapi/epayment.yaml"))
            .expect("spec")
            .value;
    edit(&mut doc);
    write(dir, "edited.json", &serde_json::to_string_pretty(&doc).expect("json"))
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_one_line_error(&dir.path().join("nope.yaml"), "nope.yaml: cannot read");
}

#[test]
fn invalid_yaml_names_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = write(dir.path(), "bad.yaml", "openapi: 3.0.0\ninfo:\n  title: [x\n  version: 1\npaths: {}\n");
    assert_one_line_error(&spec, "bad.yaml:");
    let (_, stderr) = regen_with(&spec);
    assert!(stderr.contains("invalid YAML"), "{stderr}");
    let line: u32 = stderr.split(':').nth(2).and_then(|l| l.parse().ok()).unwrap_or(0);
    assert!((3..=5).contains(&line), "{stderr}");
}

#[test]
fn invalid_json_names_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = write(dir.path(), "bad.json", "{\n  \"openapi\": \"3.0.0\",\n  \"info\": }\n");
    assert_one_line_error(&spec, "bad.json:3:11: invalid JSON");
}

#[test]
fn openapi_31_asks_for_30() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = edited_spec(dir.path(), |d| d["openapi"] = "3.1.0".into());
    assert_one_line_error(&spec, "declares OpenAPI 3.1.0; OpenAPI 3.0.x is required");
}

#[test]
fn overlay_target_matching_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = edited_spec(dir.path(), |d| {
        d["paths"].as_object_mut().expect("paths").shift_remove("/merchant-dynamic-shipping-callback");
    });
    // On the committed documents such an action is an error ...
    let root = project::workspace_root().expect("run in the workspace");
    let external = xtask::external::ExternalRefs::new();
    let strict = regen::Inputs { external: &external, strict: true };
    let err = regen::render(&root, &project::TARGETS[0], &spec, "test", strict).expect_err("strict");
    let target = "$.paths[?@.post.operationId == 'getMerchantDynamicExpressGroupsPOST']";
    assert!(format!("{err:#}").contains(&format!("targets `{target}`, which matches nothing")), "{err:#}");
    // ... on another document (`--spec`) it is a warning with a status, and generation goes on.
    let out = dir.path().join("preview");
    let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["regen", "--spec"])
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("xtask runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "warning: overlay 20-drop-merchant-endpoints.yaml action 1 ({target}): no longer needed"
        )),
        "{stderr}"
    );
    assert!(out.join("src/generated/epayment.rs").is_file());
}

#[test]
fn generator_failure_names_the_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = edited_spec(dir.path(), |d| {
        d["components"]["schemas"]["Aggregate"]["properties"]["capturedAmount"] =
            serde_json::json!({"$ref": "#/components/schemas/NoSuchSchema"});
    });
    assert_one_line_error(&spec, "cannot generate schema `Aggregate`");
}

#[test]
fn generator_failure_names_the_operation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = edited_spec(dir.path(), |d| {
        d["paths"]["/v1/payments/{Reference}/refund"]["post"]["requestBody"]["content"]["application/json"]["schema"] =
            serde_json::json!({"$ref": "#/components/schemas/NoSuchSchema"});
    });
    assert_one_line_error(&spec, "cannot generate operation `refundPayment` (POST /v1/payments/{Reference}/refund)");
}

#[test]
fn stale_code_fails_check_with_a_diff_naming_the_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = edited_spec(dir.path(), |d| {
        d["components"]["schemas"]["Aggregate"]["properties"]["settledAmount"] =
            serde_json::json!({"$ref": "#/components/schemas/Amount"});
    });
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["regen", "--check", "--spec"])
        .arg(&spec)
        .output()
        .expect("xtask runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("stale generated code: crates/epayment-api/src/generated/epayment.rs"), "{stderr}");
    assert!(stdout.contains("+        pub settled_amount: ::std::option::Option<Amount>,"), "{stdout}");
    assert!(!stderr.contains("access_token.rs"), "{stderr}");
}

#[test]
fn outside_the_workspace_it_refuses_in_one_line() {
    let elsewhere = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(elsewhere.path())
        .args(["regen", "--check"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("is not inside the ePayment toolkit's workspace") && stderr.lines().count() == 1,
        "{stderr}"
    );
}

#[test]
fn the_workspace_is_found_from_any_folder_inside_it() {
    let root = xtask::project::workspace_root().unwrap();
    assert_eq!(xtask::project::find_workspace(&root.join("xtask/src")).unwrap(), root);
    assert!(xtask::project::find_workspace(std::path::Path::new("/")).is_err());
}
