//! `regen --out DIR`: a standalone copy of the `epayment-api` crate around freshly generated
//! modules, so that a client generated from another document can be compiled and tried without
//! touching the workspace.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use toml::{Table, Value};

use crate::project::{CRATE_DIR, Rendered};

/// The files of the crate besides the generated modules: a manifest whose workspace-inherited
/// entries are resolved, every hand-written source file, and the workspace's lock file so that
/// it builds with the versions the workspace was tested with.
pub fn crate_files(root: &Path) -> Result<Vec<Rendered>> {
    let crate_dir = root.join(CRATE_DIR);
    let workspace = read_toml(&root.join("Cargo.toml"))?;
    let member = read_toml(&crate_dir.join("Cargo.toml"))?;
    let mut files = vec![
        Rendered { relative: PathBuf::from("Cargo.toml"), contents: standalone_manifest(root, &workspace, &member)? },
        Rendered { relative: PathBuf::from("Cargo.lock"), contents: read(&root.join("Cargo.lock"))? },
    ];
    for relative in hand_written_sources(&crate_dir, Path::new("src"))? {
        let contents = read(&crate_dir.join(&relative))?;
        files.push(Rendered { relative, contents });
    }
    Ok(files)
}

/// Crates that generated code may name (by the formats a document uses) and the committed
/// crate may not depend on yet: (path prefix in the code, dependency name, TOML spec).
const FORMAT_CRATES: &[(&str, &str, &str)] = &[("::uuid::", "uuid", r#"{ version = "1", features = ["serde"] }"#)];

/// Adds to a preview's `Cargo.toml` the crates its generated code names but the committed
/// crate lacks (a new document may use `format: uuid`, which progenitor types as
/// `uuid::Uuid`). Returns the names added.
pub fn add_format_dependencies(files: &mut [Rendered]) -> Result<Vec<String>> {
    let code: String =
        files.iter().filter(|f| f.relative.starts_with("src/generated")).map(|f| f.contents.as_str()).collect();
    let Some(manifest) = files.iter_mut().find(|f| f.relative == Path::new("Cargo.toml")) else {
        return Ok(Vec::new());
    };
    let mut parsed: Table = manifest.contents.parse().map_err(|e| anyhow!("the preview's Cargo.toml: {e}"))?;
    let mut added = Vec::new();
    if let Some(Value::Table(deps)) = parsed.get_mut("dependencies") {
        for (prefix, name, spec) in FORMAT_CRATES {
            if code.contains(prefix) && !deps.contains_key(*name) {
                let spec: Table = format!("x = {spec}").parse().map_err(|e| anyhow!("{name}: {e}"))?;
                if let Some(value) = spec.get("x") {
                    deps.insert((*name).to_owned(), value.clone());
                    added.push((*name).to_owned());
                }
            }
        }
    }
    if !added.is_empty() {
        manifest.contents = format!(
            "# Written by `cargo xtask regen --out`: a preview of the generated client.\n{}\n",
            toml::to_string(&parsed)?.trim_end()
        );
    }
    Ok(added)
}

/// The `.rs` files under `dir` (relative to `crate_dir`), leaving out the generated folder.
fn hand_written_sources(crate_dir: &Path, dir: &Path) -> Result<Vec<PathBuf>> {
    let full = crate_dir.join(dir);
    let entries = std::fs::read_dir(&full).map_err(|e| anyhow!("{}: cannot list: {e}", full.display()))?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| anyhow!("{}: cannot list: {e}", full.display()))?;
        let relative = dir.join(entry.file_name());
        if entry.path().is_dir() {
            if entry.file_name() != "generated" {
                out.extend(hand_written_sources(crate_dir, &relative)?);
            }
        } else if relative.extension().is_some_and(|e| e == "rs") {
            out.push(relative);
        }
    }
    out.sort();
    Ok(out)
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| anyhow!("{}: cannot read: {e}", path.display()))
}

fn read_toml(path: &Path) -> Result<Table> {
    read(path)?.parse::<Table>().map_err(|e| anyhow!("{}: invalid TOML: {e}", path.display()))
}

/// `member` with every `x.workspace = true` replaced by the workspace's value, and an empty
/// `[workspace]` so that cargo treats the copy as its own workspace wherever it is written.
fn standalone_manifest(root: &Path, workspace: &Table, member: &Table) -> Result<String> {
    let ws = workspace.get("workspace").and_then(Value::as_table).cloned().unwrap_or_default();
    let ws_package = ws.get("package").and_then(Value::as_table).cloned().unwrap_or_default();
    let ws_deps = ws.get("dependencies").and_then(Value::as_table).cloned().unwrap_or_default();

    let mut out = member.clone();
    if let Some(Value::Table(package)) = out.get_mut("package") {
        for (key, value) in package.iter_mut() {
            if is_inherited(value) {
                *value = ws_package.get(key).cloned().ok_or_else(|| anyhow!("workspace.package.{key} is missing"))?;
            }
        }
    }
    for table in ["dependencies", "dev-dependencies", "build-dependencies"] {
        let Some(Value::Table(deps)) = out.get_mut(table) else { continue };
        for (name, spec) in deps.iter_mut() {
            if !is_inherited(spec) {
                continue;
            }
            let mut resolved = match ws_deps.get(name) {
                Some(Value::String(version)) => {
                    Table::from_iter([("version".to_owned(), Value::String(version.clone()))])
                }
                Some(Value::Table(t)) => t.clone(),
                _ => return Err(anyhow!("workspace.dependencies.{name} is missing")),
            };
            if let Some(extra) = spec.get("features").and_then(Value::as_array) {
                let features = resolved.entry("features").or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(list) = features {
                    list.extend(extra.iter().cloned());
                }
            }
            // A workspace crate the client uses (epayment-vocabulary's open enums): from the
            // checkout, wherever the preview is written.
            if let Some(Value::String(path)) = resolved.get("path") {
                let absolute = root.join(path).display().to_string();
                resolved.insert("path".to_owned(), Value::String(absolute));
            }
            if let Some(optional) = spec.get("optional") {
                resolved.insert("optional".to_owned(), optional.clone());
            }
            *spec = Value::Table(resolved);
        }
    }
    out.insert("workspace".to_owned(), Value::Table(Table::new()));
    Ok(format!(
        "# Written by `cargo xtask regen --out`: a preview of the generated client.\n{}\n",
        toml::to_string(&out)?.trim_end()
    ))
}

fn is_inherited(value: &Value) -> bool {
    value.get("workspace").and_then(Value::as_bool) == Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standalone_manifest_inherits_nothing_from_the_workspace() {
        let root = crate::project::workspace_root().expect("run in the workspace");
        let files = crate_files(&root).unwrap();
        let manifest = &files.iter().find(|f| f.relative == Path::new("Cargo.toml")).unwrap().contents;
        let parsed: Table = manifest.parse().unwrap();
        let inherited = |table: &Table| table.values().any(is_inherited);
        for section in ["package", "dependencies", "dev-dependencies", "build-dependencies"] {
            if let Some(Value::Table(table)) = parsed.get(section) {
                assert!(!inherited(table), "{section} still inherits from the workspace:\n{manifest}");
            }
        }
        // A workspace crate it depends on is named by an absolute path into the checkout.
        let vocabulary = parsed["dependencies"]["epayment-vocabulary"]["path"].as_str().expect("a path");
        assert!(
            Path::new(vocabulary).is_absolute() && Path::new(vocabulary).join("Cargo.toml").is_file(),
            "{vocabulary}"
        );
    }

    #[test]
    fn every_hand_written_source_is_copied_and_no_generated_one() {
        let root = crate::project::workspace_root().expect("run in the workspace");
        let files = crate_files(&root).unwrap();
        let names: Vec<_> = files.iter().map(|f| f.relative.to_string_lossy().replace('\\', "/")).collect();
        for expected in ["Cargo.toml", "Cargo.lock", "src/lib.rs", "src/context.rs"] {
            assert!(names.iter().any(|n| n == expected), "{expected} missing from {names:?}");
        }
        assert!(!names.iter().any(|n| n.contains("generated")), "{names:?}");
    }

    #[test]
    fn inherited_entries_are_resolved_and_features_merged() {
        let workspace: Table = r#"
            [workspace.package]
            edition = "2024"
            [workspace.dependencies]
            serde = { version = "1", features = ["derive"] }
            reqwest = "0.13"
        "#
        .parse()
        .unwrap();
        let member: Table = r#"
            [package]
            name = "epayment-api"
            edition.workspace = true
            [dependencies]
            serde = { workspace = true, features = ["rc"] }
            reqwest.workspace = true
        "#
        .parse()
        .unwrap();
        let text = standalone_manifest(Path::new("/checkout"), &workspace, &member).unwrap();
        let back: Table = text.parse().unwrap();
        assert_eq!(back["package"]["edition"].as_str(), Some("2024"));
        assert_eq!(back["dependencies"]["reqwest"]["version"].as_str(), Some("0.13"));
        let features: Vec<_> =
            back["dependencies"]["serde"]["features"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        assert_eq!(features, ["derive", "rc"]);
        assert!(back["workspace"].as_table().is_some_and(Table::is_empty));
    }
}
