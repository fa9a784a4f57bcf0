//! The ePayment go-live checklist filled in from a run of the go-live scenarios
//! (`features/go-live/`): each item's status, the payment references it was evidenced on and a
//! dated request and response per endpoint, written as `checklist.md`, a self-contained
//! `checklist.html` and `checklist.json` for tools. Nothing secret is in any of them: the
//! exchanges are the snapshots' redacted ones, with phone numbers masked too.

use std::path::Path;

use chrono::{DateTime, Months, SecondsFormat, Utc};
use cucumber::gherkin::Feature;
use serde::Serialize;

use crate::reports::record::ScenarioRecord;

mod command;
mod evidence;
mod items;
mod production;
mod render;

pub use command::{main, usage};
pub use evidence::{ItemResult, Status};
pub use items::{ITEMS, Item, Section};

/// What the checklist says about the run itself.
#[derive(Clone, Debug)]
pub struct RunFacts {
    /// The target's root URL.
    pub target: String,
    /// The merchant serial number the run used.
    pub merchant_serial_number: String,
    /// A production verification (`--production`) rather than the test set.
    pub production: bool,
    /// What would fail review in any case, found before the run.
    pub warnings: Vec<String>,
}

/// The filled-in checklist.
#[derive(Clone, Debug, Serialize)]
pub struct Checklist {
    /// The target's root URL.
    pub target: String,
    /// The merchant serial number the run used.
    pub merchant_serial_number: String,
    /// A production verification rather than the test set.
    pub production: bool,
    /// When the checklist was made (UTC, RFC 3339).
    pub made_at: String,
    /// The day after which the oldest request example is more than a month old: partners
    /// send the form before it.
    pub evidence_valid_until: Option<String>,
    /// What would fail review in any case.
    pub warnings: Vec<String>,
    /// Each item the run checks, in the form's order.
    pub items: Vec<ItemResult>,
}

impl Checklist {
    /// The checklist of a run: `features` the go-live set it ran, `records` its scenarios.
    pub fn of(facts: RunFacts, features: &[Feature], records: &[ScenarioRecord], now: DateTime<Utc>) -> Self {
        let items: Vec<ItemResult> =
            items::of_run(facts.production).map(|item| evidence::judge(item, features, records)).collect();
        let oldest = items.iter().filter_map(|i| i.evidence.as_ref()?.time).min();
        let valid_until = oldest.and_then(|t| t.date_naive().checked_add_months(Months::new(1)));
        Self {
            target: facts.target,
            merchant_serial_number: facts.merchant_serial_number,
            production: facts.production,
            made_at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
            evidence_valid_until: valid_until.map(|d| d.to_string()),
            warnings: facts.warnings,
            items,
        }
    }

    /// Whether an item failed (the run exits 1 then).
    pub fn failed(&self) -> bool {
        self.items.iter().any(|i| i.status == Status::Failed)
    }

    /// How many items have `status`.
    pub fn count(&self, status: Status) -> usize {
        self.items.iter().filter(|i| i.status == status).count()
    }

    /// Writes `checklist.md`, `checklist.html` and `checklist.json` into `dir`.
    pub fn write(&self, dir: &Path) -> Result<(), String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let json = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        let markdown = render::markdown(self).map_err(|e| e.to_string())?;
        let html = render::html(self).map_err(|e| e.to_string())?;
        for (name, text) in [("checklist.md", markdown), ("checklist.html", html), ("checklist.json", json)] {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::items::Check;
    use super::*;
    use crate::running::selection;

    #[test]
    fn every_item_a_scenario_evidences_has_one_and_every_checklist_tag_is_an_item() {
        let features =
            selection::load(&crate::paths::workspace_root().join("features/go-live")).expect("the go-live set");
        let tags: Vec<String> = selection::scenarios(&features)
            .flat_map(|(f, r, s)| selection::tags_of(f, r, s).map(str::to_owned).collect::<Vec<_>>())
            .collect();
        for item in ITEMS.iter().filter(|i| matches!(i.check, Check::Scenarios { .. })) {
            assert!(tags.contains(&item.tag()), "no go-live scenario is tagged @{}", item.tag());
        }
        for tag in tags.iter().filter(|t| t.starts_with("checklist-")) {
            assert!(ITEMS.iter().any(|i| &i.tag() == tag), "@{tag} is no checklist item");
        }
    }
}
