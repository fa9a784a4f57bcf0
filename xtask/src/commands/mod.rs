//! The body of each `cargo xtask` command, one module each: its flags (a `clap::Args`) and a
//! `run` that returns the exit code. `main.rs` only parses the command line and calls `run`.

pub mod contract;
pub mod regen;
pub mod spec_diff;
pub mod spec_update;
pub mod spec_watch;

use std::path::PathBuf;

use crate::external::ExternalRefs;

/// Where external `$ref`s are read from, offline (regen, spec-diff, spec-update).
#[derive(clap::Args, Clone, Debug, Default)]
pub struct ExternalArgs {
    /// Read the document at URL (or under a URL prefix ending in `/`) from FILE (or a folder).
    /// Repeatable.
    #[arg(long = "external", value_name = "URL=FILE")]
    pub mappings: Vec<String>,
    /// A TOML file of such mappings: `[external]` then `"URL" = "FILE"` lines.
    #[arg(long = "external-map", value_name = "FILE")]
    pub map: Option<PathBuf>,
}

impl ExternalArgs {
    /// The mappings the flags give.
    pub fn refs(&self) -> anyhow::Result<ExternalRefs> {
        let mut refs = ExternalRefs::new();
        if let Some(file) = &self.map {
            refs.add_file(file)?;
        }
        for m in &self.mappings {
            refs.add_arg(m)?;
        }
        Ok(refs)
    }
}
