//! Where things are in this workspace: its root, the documents `regen` generates from, the
//! generated crate, the target directory, and the overlays beside each document. Every command
//! takes its paths from here.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Result, anyhow, bail};

use crate::overlay::Overlay;

/// One generated module: which document it comes from and where its overlays live.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// Module name under `epayment_api`, and the file stem of the output.
    pub module: &'static str,
    /// The document, relative to the workspace root.
    pub spec: &'static str,
    /// Folder of overlays applied in file-name order, relative to the root. May be absent.
    pub overlays: &'static str,
}

/// Everything `regen` generates. The first target is the ePayment API, which `--spec` replaces.
pub const TARGETS: &[Target] = &[
    Target { module: "epayment", spec: "openapi/epayment.yaml", overlays: "openapi/overlays/epayment" },
    Target { module: "access_token", spec: "openapi/access-token.yaml", overlays: "openapi/overlays/access-token" },
];

/// The generated crate, relative to the workspace root.
pub const CRATE_DIR: &str = "crates/epayment-api";

/// The effective ePayment document (ours with its overlays), relative to the workspace root:
/// the crate that routes and validates with it embeds it, so nothing reads `openapi/` at
/// build time.
pub const EFFECTIVE_DOCUMENT: &str = "crates/epayment-openapi/epayment.json";

/// Where `--out` puts the effective document of the other ePayment document, in its crate.
pub const OUT_EFFECTIVE_DOCUMENT: &str = "epayment.effective.json";

/// The overlays the schemathesis test document adds, relative to the workspace root.
pub const TESTING_OVERLAYS: &str = "openapi/overlays/testing";

/// A file to write into the workspace (or a copy of it), not yet written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Path relative to the crate folder (the effective document's: to the workspace root).
    pub relative: PathBuf,
    /// Full text.
    pub contents: String,
}

/// The workspace this command runs in, found at run time from the current directory (see
/// [`find_workspace`]): a binary built in one checkout and run in another (a shared target
/// folder, a copied `target/`) works on the checkout it is run in.
pub fn workspace_root() -> Result<PathBuf> {
    let here = std::env::current_dir().map_err(|e| anyhow!("cannot read the current directory: {e}"))?;
    find_workspace(&here)
}

/// The nearest folder at or above `from` whose `Cargo.toml` declares a workspace with an
/// `xtask` member: this project's workspace.
pub fn find_workspace(from: &Path) -> Result<PathBuf> {
    for dir in from.ancestors() {
        let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml")) else { continue };
        let Ok(manifest) = text.parse::<toml::Table>() else { continue };
        let members = manifest.get("workspace").and_then(|w| w.get("members")).and_then(toml::Value::as_array);
        if members.is_some_and(|m| m.iter().any(|member| member.as_str() == Some("xtask"))) {
            return Ok(dir.to_owned());
        }
    }
    bail!("{} is not inside the ePayment toolkit's workspace: run cargo xtask in the checkout", from.display())
}

/// The target directory cargo uses for the workspace at `root`.
pub fn target_dir(root: &Path) -> PathBuf {
    epayment_devkit::target_dir(root)
}

/// `path` relative to the root with `/` separators when it lies inside, as given otherwise.
pub fn display(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(inside) => inside.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"),
        Err(_) => path.display().to_string(),
    }
}

/// The overlays in `dir`, in file-name order; none if the folder does not exist.
pub fn load_overlays(dir: &Path) -> Result<Vec<Overlay>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => bail!("{}: cannot list overlays: {e}", dir.display()),
    };
    let mut paths = entries
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|e| anyhow!("{}: cannot list overlays: {e}", dir.display()))?;
    paths.retain(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json"));
    paths.sort();
    paths.iter().map(|p| Overlay::load(p)).collect()
}

/// The cargo that runs this command (`CARGO`, which cargo sets for `cargo xtask`), else the
/// one on the path.
pub fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}
