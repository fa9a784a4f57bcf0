//! What a comparison writes: `differences.md` for people (a summary, then per scenario each
//! difference with both sides and its FIDELITY.md row, then what was not compared and why),
//! `differences.json` for tools, and the target's HTML report again, now with both sides of
//! every differing exchange. Everything written comes from redacted, normalized exchanges: no
//! key, secret or token.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::json;

use super::rules::Rules;
use super::{Differences, NORMALISED};
use crate::record::ScenarioRecord;
use crate::runner::RunError;

/// Writes `differences.md`, `differences.json` and the HTML report.
pub fn write(found: &Differences, records: &[ScenarioRecord], rules: &Rules, dir: &Path) -> Result<(), RunError> {
    let save = |path: &Path, text: String| {
        std::fs::write(path, text).map_err(|e| RunError::Setup(format!("{}: {e}", path.display())))
    };
    save(&dir.join("differences.md"), markdown(found, rules))?;
    save(&dir.join("differences.json"), json(found))?;
    save(&found.html, crate::html::report(records))
}

/// The summary's numbers.
fn counts(found: &Differences) -> (usize, usize, usize) {
    let exchanges = found.compared.iter().map(|c| c.exchanges).sum();
    (found.compared.len(), exchanges, found.all().count())
}

/// `differences.json`.
pub fn json(found: &Differences) -> String {
    let (scenarios, exchanges, differences) = counts(found);
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
        "summary": {
            "scenarios_compared": scenarios,
            "exchanges_compared": exchanges,
            "differences": differences,
            "by_kind": by_kind,
            "failed_on_both_sides": found.compared.iter().filter(|c| c.failed_on_both()).count(),
            "not_compared": found.not_compared.len(),
        },
        "scenarios": found.compared,
        "not_compared": found.not_compared,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// `differences.md`.
pub fn markdown(found: &Differences, rules: &Rules) -> String {
    let (scenarios, exchanges, differences) = counts(found);
    let mut out = format!("# Differences: the simulator and {}\n\n", found.target);
    let _ = writeln!(
        out,
        "The target is {}. Each scenario ran on both at once; their exchanges were compared call by",
        found.kind
    );
    out.push_str("call once what legitimately differs was made equal (see the end).\n\n## Summary\n\n");
    let _ = writeln!(out, "- scenarios compared: {scenarios}");
    let _ = writeln!(out, "- exchanges compared: {exchanges}");
    let _ = writeln!(out, "- differences: {differences}");
    for (kind, n) in found.by_kind() {
        let _ = writeln!(out, "  - {}: {n}", kind.label());
    }
    let both = found.compared.iter().filter(|c| c.failed_on_both()).count();
    if both > 0 {
        let _ = writeln!(out, "- failed on both sides alike (not a difference, but not a pass either): {both}");
    }
    let _ = writeln!(out, "- not compared: {}", found.not_compared.len());
    if rules.is_empty() {
        out.push_str("\nFIDELITY.md was not found: no difference names its row.\n");
    }
    let differing: Vec<_> = found.compared.iter().filter(|c| !c.differences.is_empty() || c.failed_on_both()).collect();
    if !differing.is_empty() {
        out.push_str("\n## By scenario\n");
    }
    for c in differing {
        let _ = writeln!(out, "\n### {} {}\n", c.place, c.scenario);
        let _ = writeln!(out, "- simulator: {}", one_line(&c.simulator));
        let _ = writeln!(out, "- target: {}", one_line(&c.target));
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
            let _ = writeln!(out, "\n{}{operation}{field}{exchange} ({rule})", capitalised(d.kind.label()));
            let _ =
                writeln!(out, "\n    simulator: {}\n    target:    {}", one_line(&d.simulator), one_line(&d.target));
        }
    }
    if !found.not_compared.is_empty() {
        out.push_str("\n## Not compared\n\n| scenario | tag | why |\n| --- | --- | --- |\n");
        for n in &found.not_compared {
            let _ = writeln!(out, "| {} {} | `{}` | {} |", n.place, cell(&n.scenario), n.tag, cell(n.reason));
        }
    }
    out.push_str("\n## Made equal before comparing\n\n| what | why |\n| --- | --- |\n");
    for (what, why) in NORMALISED {
        let _ = writeln!(out, "| {what} | {why} |");
    }
    out
}

fn one_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The block a comparison ends with: a line per scenario that differs (or failed on both
/// sides), what was not compared, where the reports are, and the counts.
pub fn ending(found: &Differences) -> String {
    let mut out = String::new();
    if !found.clean() {
        out.push('\n');
    }
    for c in &found.compared {
        if let Some(first) = c.differences.first() {
            let rule = first.rule.as_deref().map(|r| format!(" (FIDELITY.md {r})")).unwrap_or_default();
            let _ = writeln!(
                out,
                "DIFFERS {} {}: {} difference(s), first {} in {}{rule}",
                c.place,
                c.scenario,
                c.differences.len(),
                first.kind.label(),
                if first.operation.is_empty() { "the outcome" } else { &first.operation }
            );
        } else if c.failed_on_both() {
            let _ = writeln!(out, "FAILED ON BOTH SIDES {} {}: {}", c.place, c.scenario, one_line(&c.target));
        }
    }
    if !found.not_compared.is_empty() {
        let tagged = |tag: &str| found.not_compared.iter().filter(|n| n.tag == tag).count();
        let _ = writeln!(
            out,
            "not compared: {} @sim-only and {} @sandbox scenarios the target cannot run (listed in differences.md)",
            tagged("@sim-only"),
            tagged("@sandbox")
        );
    }
    let _ = writeln!(out, "differences: {}", found.markdown.display());
    let _ = writeln!(out, "HTML report: {}", found.html.display());
    let (scenarios, exchanges, differences) = counts(found);
    let kinds: Vec<String> = found.by_kind().into_iter().map(|(kind, n)| format!("{n} {}", kind.label())).collect();
    let kinds = if kinds.is_empty() { String::new() } else { format!(": {}", kinds.join(", ")) };
    let _ = writeln!(
        out,
        "compare: {scenarios} scenarios and {exchanges} exchanges compared, {differences} differences{kinds}"
    );
    out
}
