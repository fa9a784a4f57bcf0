//! Where the harness finds the workspace and where cargo builds.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap_or_else(|_| PathBuf::from("."))
}

/// Where cargo builds: `CARGO_TARGET_DIR` if set, else the workspace's `target/` (the
/// workspace's one lookup, shared with xtask).
pub fn target_dir() -> PathBuf {
    epayment_devkit::target_dir(&workspace_root())
}
