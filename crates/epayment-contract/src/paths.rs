//! Where the harness finds the workspace and where cargo builds.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap_or_else(|_| PathBuf::from("."))
}

/// The files a comparison (`--compare`) writes beside the JUnit report. Every run that writes
/// reports there removes them first, so that they never describe another run.
pub const DIFFERENCES: [&str; 2] = ["differences.md", "differences.json"];

/// Removes a previous comparison's [`DIFFERENCES`] from `dir`, where they are.
pub fn remove_differences(dir: &Path) -> Result<(), String> {
    for name in DIFFERENCES {
        let path = dir.join(name);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(format!("{}: {e}", path.display())),
            _ => {}
        }
    }
    Ok(())
}

/// Where cargo builds: `CARGO_TARGET_DIR` if set, else the workspace's `target/` (the
/// workspace's one lookup, shared with xtask).
pub fn target_dir() -> PathBuf {
    epayment_devkit::target_dir(&workspace_root())
}
