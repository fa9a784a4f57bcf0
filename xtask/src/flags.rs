//! Flag groups that more than one command takes, declared once and flattened into each
//! command's `Args` (`#[command(flatten)]`). A flag only one command takes lives in that
//! command's module.

use std::path::PathBuf;

use crate::external::ExternalRefs;

/// Where external `$ref`s are read from, offline (regen, spec-diff, spec-update, spec-watch).
#[derive(clap::Args, Clone, Debug, Default)]
pub struct ExternalArgs {
    /// Read the document at URL (or under a URL prefix ending in `/`) from FILE (or a folder).
    /// Repeatable.
    #[arg(long = "external", value_name = "URL=FILE")]
    mappings: Vec<String>,
    /// A TOML file of such mappings: `[external]` then `"URL" = "FILE"` lines.
    #[arg(long = "external-map", value_name = "FILE")]
    map: Option<PathBuf>,
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

/// The flags spec-update and spec-watch (which runs spec-update when a document changed) both
/// end with: whether the contract suite runs, and where external `$ref`s are read from.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct UpdateArgs {
    /// Skip running the contract suite against the new document.
    #[arg(long)]
    pub no_contract: bool,
    #[command(flatten)]
    pub external: ExternalArgs,
}
