//! The guides stay true: the README stays a front page that maps every guide, every relative
//! link and anchor in the project's Markdown resolves, and
//! every `cargo xtask` command a guide shows (but `contract` and `go-live`, whose options the
//! harness's own test checks) names a subcommand and options that its `--help` lists.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use epayment_devkit::guides;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The Markdown files people read: the guides, the top-level ledgers, the step list, and each
/// crate's README.
fn markdown(root: &Path) -> Vec<PathBuf> {
    let mut files = guides::files(root);
    for top in ["FIDELITY.md", "RELIABILITY.md", "BENCHMARKS.md", "features/STEPS.md"] {
        files.push(root.join(top));
    }
    if let Ok(crates) = std::fs::read_dir(root.join("crates")) {
        files.extend(crates.filter_map(Result::ok).map(|c| c.path().join("README.md")).filter(|p| p.exists()));
    }
    files
}

#[test]
fn the_readme_is_a_front_page_not_a_manual() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap_or_default();
    let lines = readme.lines().count();
    assert!(lines < 200, "README.md has {lines} lines: what one reader needs goes in their guide under docs/");
    for guide in guides::files(&root()).iter().skip(1) {
        let name = guide.strip_prefix(root()).unwrap_or(guide).display().to_string();
        assert!(readme.contains(&format!("]({name})")), "README.md's map of guides lacks {name}");
    }
}

#[test]
fn every_relative_link_and_anchor_resolves() {
    let root = root();
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in markdown(&root) {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let here = file.parent().unwrap_or(&root);
        let name = file.strip_prefix(&root).unwrap_or(&file).display().to_string();
        for (line, target) in guides::links(&text) {
            if target.starts_with("http://") || target.starts_with("https://") || target.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (path, anchor) = target.split_once('#').map_or((target.as_str(), None), |(p, a)| (p, Some(a)));
            let linked = if path.is_empty() { file.clone() } else { here.join(path) };
            if !linked.exists() {
                broken.push(format!("{name}:{line}: {target}: no such file"));
                continue;
            }
            if let Some(anchor) = anchor {
                let text = std::fs::read_to_string(&linked).unwrap_or_default();
                if !guides::anchors(&text).iter().any(|a| a == anchor) {
                    broken.push(format!("{name}:{line}: {target}: no heading makes #{anchor}"));
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} links were found: is the reader still finding them?");
    assert!(broken.is_empty(), "links that do not resolve:\n{}", broken.join("\n"));
}

#[test]
fn every_xtask_command_in_the_guides_is_one_the_cli_accepts() {
    let root = root();
    let mut helps: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for file in guides::files(&root) {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let name = file.strip_prefix(&root).unwrap_or(&file).display().to_string();
        for command in guides::commands(&name, &text) {
            if ["contract", "go-live"].contains(&command.subcommand.as_str()) {
                continue;
            }
            checked += 1;
            let help = helps.entry(command.subcommand.clone()).or_insert_with(|| {
                let out =
                    Command::new(env!("CARGO_BIN_EXE_xtask")).args([&command.subcommand, "--help"]).output().ok()?;
                out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
            });
            let Some(help) = help else {
                wrong.push(format!("{}: `cargo xtask {}` is no subcommand", command.place, command.subcommand));
                continue;
            };
            for option in command.options.iter().filter(|o| !guides::lists(help, o)) {
                wrong.push(format!("{}: `cargo xtask {}` takes no {option}", command.place, command.subcommand));
            }
        }
    }
    assert!(checked > 10, "only {checked} commands were found");
    assert!(wrong.is_empty(), "commands in the guides that the CLI refuses:\n{}", wrong.join("\n"));
}
