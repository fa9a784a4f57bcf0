//! What a comparison writes: `differences.md` for people (the summary with the differences by
//! FIDELITY.md row, then per scenario its cause and what follows from it, each with both sides
//! and its row, then what was not compared and why, then what was made equal),
//! `differences.json` for tools (the same), and the target's HTML report again, now headed as a
//! comparison and with both sides of every differing exchange. Everything written comes from
//! redacted, normalized exchanges: no key, secret or token.

use std::fmt::{self, Write as _};
use std::path::Path;

use serde_json::json;

use super::summary::{self, counted, first_line};
use super::{Differences, NORMALISED};
use crate::paths::DIFFERENCES;
use crate::reports::html::Comparing;
use crate::reports::record::ScenarioRecord;
use crate::reports::text;
use crate::running::RunError;

/// Writes `differences.md`, `differences.json` and the HTML report.
pub fn write(found: &Differences, records: &[ScenarioRecord], dir: &Path) -> Result<(), RunError> {
    let [md, json_name] = DIFFERENCES;
    save(&dir.join(md), markdown(found))?;
    save(&dir.join(json_name), json(found))?;
    save(&found.html, crate::reports::html::compared(records, &page(found)))
}

/// Writes `differences.md` and `differences.json` saying that the comparison with `target`
/// could not run, and why (`why` names no secret: see `crate::targets::controls::check_access`).
pub fn could_not_run(dir: &Path, target: &str, why: &str) -> Result<(), RunError> {
    let [md, json_name] = DIFFERENCES;
    std::fs::create_dir_all(dir).map_err(|e| RunError::Setup(format!("{}: {e}", dir.display())))?;
    let text = format!(
        "# Differences: the simulator and {target}\n\nThe comparison could not run, so nothing was compared:\n\n    {why}\n"
    );
    save(&dir.join(md), text)?;
    let value = json!({"target": target, "could_not_run": why});
    save(&dir.join(json_name), serde_json::to_string_pretty(&value).unwrap_or_default() + "\n")
}

fn save(path: &Path, text: String) -> Result<(), RunError> {
    std::fs::write(path, text).map_err(|e| RunError::Setup(format!("{}: {e}", path.display())))
}

/// `differences.json`.
pub fn json(found: &Differences) -> String {
    let by_kind: serde_json::Map<String, serde_json::Value> = found
        .by_kind()
        .into_iter()
        .map(|(kind, n)| {
            (serde_json::to_value(kind).ok().and_then(|k| k.as_str().map(str::to_owned)).unwrap_or_default(), n.into())
        })
        .collect();
    let value = json!({
        "target": found.target,
        "kind": found.kind,
        "ledger_found": found.ledger_found,
        "summary": {
            "scenarios_compared": found.compared.len(),
            "scenarios_differing": found.differing().count(),
            "scenarios_differing_sim_choice": found.differing().filter(|c| c.sim_choice).count(),
            "exchanges_compared": found.compared.iter().map(|c| c.exchanges).sum::<usize>(),
            "differences": found.all().count(),
            "causes": found.all().filter(|d| !d.follows).count(),
            "by_kind": by_kind,
            "by_row": found.by_row,
            "failed_on_both_sides": found.compared.iter().filter(|c| c.failed_on_both()).count(),
            "not_compared": found.not_compared.len(),
        },
        "scenarios": found.compared,
        "not_compared": found.not_compared,
        "made_equal": NORMALISED.iter().map(|(what, why)| json!({"what": what, "why": why})).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// `differences.md`.
pub fn markdown(found: &Differences) -> String {
    text(|out| {
        write_summary(out, found)?;
        write_rows(out, found)?;
        write_scenarios(out, found)?;
        write_not_compared(out, found)?;
        out.push_str("\n## Made equal before comparing\n\n| what | why |\n| --- | --- |\n");
        NORMALISED.iter().try_for_each(|(what, why)| writeln!(out, "| {what} | {why} |"))
    })
}

/// The heading, what was compared and how, and the counts.
fn write_summary(out: &mut String, found: &Differences) -> fmt::Result {
    writeln!(out, "# Differences: the simulator and {}\n", found.target)?;
    writeln!(
        out,
        "The target is {}. Each scenario ran on both at once, and their exchanges were compared call by \
         call once what legitimately differs was made equal (see the end). A scenario stops at its first \
         failing step on either side, so the first difference in a scenario is its cause; what follows from \
         it is marked so and filed under the cause's FIDELITY.md row.\n\n## Summary\n",
        found.kind
    )?;
    for line in summary::lines(found) {
        match line.strip_prefix("  ") {
            Some(nested) => writeln!(out, "  - {nested}"),
            None => writeln!(out, "- {line}"),
        }?;
    }
    if !found.ledger_found {
        out.push_str("\nFIDELITY.md was not found: no difference names its row.\n");
    }
    Ok(())
}

/// The differences by FIDELITY.md row, the row with most first.
fn write_rows(out: &mut String, found: &Differences) -> fmt::Result {
    if found.by_row.is_empty() {
        return Ok(());
    }
    out.push_str("\n## By FIDELITY.md row\n\n");
    out.push_str("| row | authority | sure | differences | causes | scenarios | of them @sim-choice |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
    for row in &found.by_row {
        let id = row.rule.as_deref().map_or_else(|| "none".to_owned(), |id| format!("`{id}`"));
        writeln!(
            out,
            "| {id} | {} | {} | {} | {} | {} | {} |",
            cell(row.authority.as_deref().unwrap_or("-")),
            cell(row.sure.as_deref().unwrap_or("-")),
            row.differences,
            row.causes,
            row.scenarios.join(", "),
            row.sim_choice.len()
        )?;
    }
    Ok(())
}

/// Each scenario that differs (or failed on both sides): how it ended on each, its cause and
/// what follows from it, each with both sides and its row.
fn write_scenarios(out: &mut String, found: &Differences) -> fmt::Result {
    let differing: Vec<_> = found.compared.iter().filter(|c| !c.differences.is_empty() || c.failed_on_both()).collect();
    if !differing.is_empty() {
        out.push_str("\n## By scenario\n");
    }
    for c in differing {
        let choice = if c.sim_choice { " (@sim-choice)" } else { "" };
        writeln!(out, "\n### {} {}{choice}\n", c.place, c.scenario)?;
        writeln!(out, "- simulator: {}", first_line(&c.simulator))?;
        writeln!(out, "- target: {}", first_line(&c.target))?;
        for d in &c.differences {
            let number = |n: Option<usize>| n.map_or_else(|| "-".to_owned(), |n| n.to_string());
            let exchange = match d.exchange {
                (None, None) => String::new(),
                (a, b) => format!(", exchange {} on the simulator, {} on the target", number(a), number(b)),
            };
            let operation = if d.operation.is_empty() { String::new() } else { format!(" in {}", d.operation) };
            let field = d.field.as_deref().map(|f| format!(" at `{f}`")).unwrap_or_default();
            let rule =
                d.rule.as_deref().map_or_else(|| "no row of FIDELITY.md".to_owned(), |r| format!("FIDELITY.md `{r}`"));
            let role = if d.follows { "Follows from the cause" } else { "**Cause**" };
            writeln!(out, "\n{role}: {}{operation}{field}{exchange} ({rule})", d.kind.label())?;
            writeln!(out, "\n    simulator: {}\n    target:    {}", first_line(&d.simulator), first_line(&d.target))?;
        }
    }
    Ok(())
}

/// The scenarios the target cannot run, with the tag that keeps each out and why.
fn write_not_compared(out: &mut String, found: &Differences) -> fmt::Result {
    if found.not_compared.is_empty() {
        return Ok(());
    }
    out.push_str("\n## Not compared\n\n| scenario | tag | why |\n| --- | --- | --- |\n");
    for n in &found.not_compared {
        writeln!(
            out,
            "| {} {} | `{}` on the {} | {} |",
            n.place,
            cell(&n.scenario),
            n.tag,
            n.tagged_on,
            cell(n.reason)
        )?;
    }
    Ok(())
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// What the HTML report shows of the comparison above the target's run.
fn page(found: &Differences) -> Comparing {
    let mut summary = summary::lines(found);
    summary.extend(found.by_row.iter().map(|row| format!("by FIDELITY.md row: {}", row.line())));
    Comparing {
        title: format!("Comparison: the simulator and {}", found.target),
        about: format!(
            "The target is {}. Each scenario below ran there and on the embedded simulator at once; {} \
             differ, each showing its cause first and both sides of every differing exchange.",
            found.kind,
            counted(found.differing().count(), "scenario", "scenarios")
        ),
        summary,
        not_compared: found
            .not_compared
            .iter()
            .map(|n| (format!("{} {}", n.place, n.scenario), format!("{} on the {}: {}", n.tag, n.tagged_on, n.reason)))
            .collect(),
    }
}
