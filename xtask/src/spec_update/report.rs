//! spec-update's report: Markdown, the body of a pull request, with the sections Changes,
//! Overlays, Public surface, Compile and Scenarios.

use std::fmt::{self, Write as _};

use super::outcome::{Outcome, Step};
use crate::overlay::ActionStatus;
use crate::spec_diff::report;

/// The Markdown report of `outcome`, comparing `base` with `new` (as the reader names them).
pub(super) fn markdown(outcome: &Outcome, base: &str, new: &str) -> Result<String, fmt::Error> {
    let mut out = format!("# spec-update: `{base}` -> `{new}`\n\n");
    let verdict = if outcome.breaking() { "**Breaking**" } else { "Nothing breaks" };
    writeln!(out, "{verdict}. Updating `openapi/` stays a deliberate step: this run changed no committed file.\n")?;

    out.push_str("## Changes\n\n");
    let shown = report::visible(&outcome.changes, false);
    let body = report::markdown(&shown)?;
    // spec-diff's own title gives way to this section's.
    out.push_str(body.trim_start_matches("# API changes\n\n").replace("\n## ", "\n### ").trim_start_matches("## "));
    out.push('\n');

    out.push_str("## Overlays\n\n");
    if outcome.overlays.is_empty() {
        out.push_str("No overlay was applied (the client could not be generated).\n\n");
    } else {
        out.push_str("| overlay action | status | why it exists |\n| --- | --- | --- |\n");
        for o in &outcome.overlays {
            let name = o.overlay.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let status = match o.status {
                ActionStatus::Applied => "applied",
                ActionStatus::NoLongerNeeded => {
                    "**no longer needed**: the document already is as the action would make it"
                }
                ActionStatus::TargetGone => "**target gone**: the document moved; the action must follow",
            };
            writeln!(
                out,
                "| `{name}` #{} `{}` | {status} | {} |",
                o.action,
                o.target.replace('|', "\\|"),
                o.description.replace('|', "\\|")
            )?;
        }
        out.push('\n');
    }

    out.push_str("## Public surface\n\n");
    if outcome.surface.is_empty() {
        out.push_str("The generated client's public surface is unchanged.\n\n");
    } else {
        writeln!(out, "{} changes to the generated client's types, methods and fields:\n", outcome.surface.len())?;
        for line in &outcome.surface {
            writeln!(out, "- {line}")?;
        }
        out.push('\n');
    }

    for (title, step) in [("Compile", &outcome.compile), ("Scenarios", &outcome.scenarios)] {
        writeln!(out, "## {title}\n")?;
        match step {
            Step::Passed(text) => writeln!(out, "Passed. {text}\n")?,
            Step::Failed(text) => writeln!(out, "**Failed.** {text}\n")?,
            Step::Skipped(why) => writeln!(out, "Skipped: {why}.\n")?,
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_has_every_section_and_says_why_a_step_was_skipped() {
        let outcome = Outcome {
            changes: Vec::new(),
            overlays: Vec::new(),
            surface: vec!["added type Receipt".into()],
            compile: Step::Passed("ok".into()),
            scenarios: Step::Skipped("--no-contract was given".into()),
        };
        let text = markdown(&outcome, "a.yaml", "b.yaml").expect("a report");
        for section in ["## Changes", "## Overlays", "## Public surface", "## Compile", "## Scenarios"] {
            assert!(text.contains(section), "{section} in {text}");
        }
        assert!(text.contains("Skipped: --no-contract was given."));
        assert!(text.contains("- added type Receipt"));
        assert!(!outcome.breaking());
        let failed = Outcome { compile: Step::Failed("x".into()), ..outcome };
        assert!(failed.breaking());
    }
}
