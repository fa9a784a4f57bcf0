//! `cargo xtask test-document [--out FILE]`: the document schemathesis tests the sandbox
//! against, the effective document with `openapi/overlays/testing/` applied.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::anyhow;

use crate::document::Document;
use crate::project::{EFFECTIVE_DOCUMENT, TESTING_OVERLAYS, load_overlays, workspace_root};

/// `test-document`'s flags.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where to write it.
    #[arg(long, value_name = "FILE", default_value = "target/schemathesis/epayment.json")]
    out: PathBuf,
}

impl Args {
    /// Writes the test document; a relative `--out` is taken from the workspace root.
    pub fn run(self) -> anyhow::Result<ExitCode> {
        let root = workspace_root()?;
        // The effective document the simulator serves, plus the testing overlays: one document,
        // not a third variant of it.
        let mut doc = Document::load(&root.join(EFFECTIVE_DOCUMENT))?.value;
        for overlay in load_overlays(&root.join(TESTING_OVERLAYS))? {
            overlay.apply(&mut doc)?;
        }
        let out = if self.out.is_absolute() { self.out } else { root.join(self.out) };
        if let Some(dir) = out.parent() {
            std::fs::create_dir_all(dir).map_err(|e| anyhow!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&out, serde_json::to_vec_pretty(&doc)?).map_err(|e| anyhow!("{}: {e}", out.display()))?;
        eprintln!("wrote {}", out.display());
        Ok(ExitCode::SUCCESS)
    }
}
