//! The rule coverage of a mutation run (`--mutate`), as a section at the top of `report.html`:
//! the score, then a row per FIDELITY.md rule with its mutants and who noticed each, in the
//! page's own style (a passed or failed mark per mutant).

use std::fmt::{self, Write as _};

use crate::reports::coverage::{Coverage, verdict};
use crate::reports::xml::xml as escape;

/// The section, for [`super::with_rules`].
pub(super) fn section(out: &mut String, coverage: &Coverage) -> fmt::Result {
    write!(
        out,
        "<section class=\"comparison\" id=\"rules\"><h2>Rule coverage</h2><p><strong>{}</strong> ({:.0} %). Each mutant breaks one FIDELITY.md rule in the embedded simulator one way; it is noticed when a scenario fails under it (rules.md beside this page says the same).</p>",
        escape(&coverage.sentence()),
        coverage.score() * 100.0
    )?;
    for defect in &coverage.defects {
        write!(out, "<p class=\"failed\">Defect of the tool: {}</p>", escape(defect))?;
    }
    out.push_str(
        "<table class=\"example\"><tr><th>rule</th><th>mutant</th><th>what it changes</th><th>noticed by</th></tr>",
    );
    for line in coverage.rules.iter().filter(|l| !l.mutants.is_empty()) {
        for (n, m) in line.mutants.iter().enumerate() {
            out.push_str("<tr>");
            if n == 0 {
                write!(out, "<td rowspan=\"{}\"><code>{}</code></td>", line.mutants.len(), escape(&line.rule))?;
            }
            let class = if m.noticed() { "passed" } else { "failed" };
            write!(
                out,
                "<td><span class=\"status {class}\">{}</span></td><td>{}</td><td>{}</td></tr>",
                m.kind.word(),
                escape(&m.changes),
                escape(&verdict(line, m))
            )?;
        }
    }
    let without = coverage.rules.iter().filter(|l| l.mutants.is_empty()).map(|l| l.rule.as_str());
    let without: Vec<&str> = without.collect();
    writeln!(
        out,
        "</table><p>No mutant (no check site asks for the rule): {}.</p></section>",
        escape(&without.join(", "))
    )
}
