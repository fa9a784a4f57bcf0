//! spec-diff's outputs: plain text, Markdown, JSON, JUnit XML and GitHub annotations.
//!
//! Every format shows ignored findings marked with their reason rather than dropping them,
//! and counts only the others.

use std::fmt::{self, Write as _};

use epayment_devkit::xml_escape as xml;

use super::Change;
use super::checks::{Check, Severity};

/// The changes a report shows: doc changes only with `all`.
pub fn visible(changes: &[Change], all: bool) -> Vec<&Change> {
    changes.iter().filter(|c| all || c.severity != Severity::Doc).collect()
}

/// One line per change, the ignored ones last, then the counts.
pub fn text(changes: &[&Change]) -> Result<String, fmt::Error> {
    let mut out = String::new();
    for c in changes.iter().filter(|c| c.counts()) {
        writeln!(out, "{:<12} {:<34} {} {}: {}", c.severity.label(), c.kind.id(), c.operation, c.location, c.message)?;
    }
    for c in changes.iter().filter(|c| !c.counts()) {
        let reason = c.ignored.as_deref().unwrap_or_default();
        writeln!(
            out,
            "{:<12} {:<34} {} {}: {} (ignored: {reason})",
            "ignored",
            c.kind.id(),
            c.operation,
            c.location,
            c.message
        )?;
    }
    writeln!(out, "{}", summary(changes))?;
    Ok(out)
}

/// Grouped by severity, with a section for what the configuration ignores.
pub fn markdown(changes: &[&Change]) -> Result<String, fmt::Error> {
    let mut out = String::from("# API changes\n\n");
    writeln!(out, "{}\n", summary(changes))?;
    let cell = |s: &str| s.replace('|', "\\|");
    for severity in [Severity::Breaking, Severity::NonBreaking, Severity::Doc] {
        let group: Vec<_> = changes.iter().filter(|c| c.counts() && c.severity == severity).collect();
        if group.is_empty() {
            continue;
        }
        writeln!(
            out,
            "## {} ({})\n\n| operation | where | check | change |\n| --- | --- | --- | --- |",
            severity.label(),
            group.len()
        )?;
        for c in group {
            writeln!(
                out,
                "| {} | {} | `{}` | {} |",
                cell(&c.operation),
                cell(&c.location),
                c.kind.id(),
                cell(&c.message)
            )?;
        }
        out.push('\n');
    }
    let ignored: Vec<_> = changes.iter().filter(|c| !c.counts()).collect();
    if !ignored.is_empty() {
        writeln!(
            out,
            "## ignored ({})\n\n| operation | where | check | change | why |\n| --- | --- | --- | --- | --- |",
            ignored.len()
        )?;
        for c in ignored {
            let reason = c.ignored.as_deref().unwrap_or_default();
            writeln!(
                out,
                "| {} | {} | `{}` | {} | {} |",
                cell(&c.operation),
                cell(&c.location),
                c.kind.id(),
                cell(&c.message),
                cell(reason)
            )?;
        }
        out.push('\n');
    }
    Ok(out)
}

/// A JSON list of findings; an ignored one carries `"ignored": "<reason>"`.
pub fn json(changes: &[&Change]) -> String {
    serde_json::to_string_pretty(changes).unwrap_or_else(|_| "[]".into())
}

/// JUnit XML: one test case per check of the catalogue, failed when it has a breaking finding
/// that is not ignored; the other findings are listed in its output.
pub fn junit(changes: &[&Change]) -> Result<String, fmt::Error> {
    let failures = Check::ALL
        .iter()
        .filter(|check| changes.iter().any(|c| c.kind == **check && c.counts() && c.severity == Severity::Breaking))
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    writeln!(out, "<testsuites name=\"spec-diff\" tests=\"{}\" failures=\"{failures}\">", Check::ALL.len())?;
    writeln!(out, "  <testsuite name=\"spec-diff\" tests=\"{}\" failures=\"{failures}\">", Check::ALL.len())?;
    for check in Check::ALL {
        let mine: Vec<_> = changes.iter().filter(|c| c.kind == *check).collect();
        write!(out, "    <testcase classname=\"spec-diff\" name=\"{}\"", check.id())?;
        if mine.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        let line = |c: &Change| match &c.ignored {
            Some(reason) => format!("{} {}: {} (ignored: {reason})", c.operation, c.location, c.message),
            None => format!("[{}] {} {}: {}", c.severity.label(), c.operation, c.location, c.message),
        };
        let breaking: Vec<_> = mine.iter().filter(|c| c.counts() && c.severity == Severity::Breaking).collect();
        if let Some(first) = breaking.first() {
            let body: Vec<String> = breaking.iter().map(|c| line(c)).collect();
            writeln!(
                out,
                "      <failure message=\"{}\" type=\"breaking\">{}</failure>",
                xml(&format!("{} breaking: {}", breaking.len(), line(first))),
                xml(&body.join("\n"))
            )?;
        }
        let others: Vec<String> =
            mine.iter().filter(|c| !(c.counts() && c.severity == Severity::Breaking)).map(|c| line(c)).collect();
        if !others.is_empty() {
            writeln!(out, "      <system-out>{}</system-out>", xml(&others.join("\n")))?;
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    Ok(out)
}

/// GitHub Actions workflow commands: an error per breaking finding, a warning per
/// non-breaking one, a notice per doc change or ignored finding; `file` is the new document.
pub fn github(changes: &[&Change], file: &str) -> Result<String, fmt::Error> {
    let mut out = String::new();
    for c in changes {
        let level = match (&c.ignored, c.severity) {
            (Some(_), _) | (None, Severity::Doc) => "notice",
            (None, Severity::Breaking) => "error",
            (None, Severity::NonBreaking) => "warning",
        };
        let ignored = c.ignored.as_ref().map(|reason| format!(" (ignored: {reason})")).unwrap_or_default();
        let message = format!("{} {}: {}{ignored}", c.operation, c.location, c.message);
        let title = format!("spec-diff {} ({})", c.kind.id(), c.severity.label());
        writeln!(out, "::{level} file={},title={}::{}", property(file), property(&title), data(&message))?;
    }
    Ok(out)
}

/// The catalogue of checks as a Markdown table: id, default severity, meaning. The README
/// holds this table (a test keeps it current).
pub fn catalogue() -> Result<String, fmt::Error> {
    let mut out = String::from("| check id | default severity | meaning |\n| --- | --- | --- |\n");
    for check in Check::ALL {
        writeln!(out, "| `{}` | {} | {} |", check.id(), check.default_severity().label(), check.description())?;
    }
    Ok(out)
}

fn summary(changes: &[&Change]) -> String {
    let count = |s| changes.iter().filter(|c| c.counts() && c.severity == s).count();
    let ignored = changes.iter().filter(|c| !c.counts()).count();
    let ignored = if ignored > 0 { format!(", {ignored} ignored") } else { String::new() };
    format!(
        "{} breaking, {} non-breaking, {} doc{ignored}",
        count(Severity::Breaking),
        count(Severity::NonBreaking),
        count(Severity::Doc)
    )
}

/// Escapes a workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(kind: Check, ignored: Option<&str>) -> Change {
        Change {
            severity: kind.default_severity(),
            kind,
            operation: "POST /v1/payments".into(),
            location: "/requestBody/x".into(),
            message: "a <b> & \"c\"\nd: e, f".into(),
            ignored: ignored.map(str::to_owned),
        }
    }

    #[test]
    fn junit_fails_one_case_per_breaking_check_and_escapes() {
        let changes = [
            change(Check::TypeChanged, None),
            change(Check::TypeChanged, None),
            change(Check::ResponseEnumValueAdded, Some("open enum")),
            change(Check::RequestPropertyAdded, None),
        ];
        let refs: Vec<&Change> = changes.iter().collect();
        let xml = junit(&refs).expect("a report");
        assert_eq!(xml.matches("<failure ").count(), 1, "{xml}");
        assert!(xml.contains("failures=\"1\""));
        assert_eq!(xml.matches("<testcase ").count(), Check::ALL.len());
        assert!(
            xml.contains("2 breaking: [breaking] POST /v1/payments /requestBody/x: a &lt;b&gt; &amp; &quot;c&quot;")
        );
        assert!(xml.contains("(ignored: open enum)"));
        assert!(!xml.contains("<b>"));
    }

    #[test]
    fn github_annotations_by_level_with_escapes() {
        let changes = [
            change(Check::TypeChanged, None),
            change(Check::RequestPropertyAdded, None),
            change(Check::ResponseEnumValueAdded, Some("open")),
        ];
        let refs: Vec<&Change> = changes.iter().collect();
        let out = github(&refs, "new.yaml").expect("a report");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(
            lines[0].starts_with("::error file=new.yaml,title=spec-diff type-changed (breaking)::POST /v1/payments"),
            "{}",
            lines[0]
        );
        assert!(lines[0].ends_with("%0Ad: e, f"), "{}", lines[0]);
        assert!(lines[1].starts_with("::warning "));
        assert!(lines[2].starts_with("::notice ") && lines[2].ends_with("(ignored: open)"));
    }

    #[test]
    fn ignored_findings_are_shown_apart_and_not_counted() {
        let changes = [change(Check::TypeChanged, Some("accepted")), change(Check::RequestPropertyAdded, None)];
        let refs: Vec<&Change> = changes.iter().collect();
        let t = text(&refs).expect("a report");
        assert!(t.ends_with("0 breaking, 1 non-breaking, 0 doc, 1 ignored\n"), "{t}");
        assert!(t.contains("ignored      type-changed"));
        let md = markdown(&refs).expect("a report");
        assert!(md.contains("## ignored (1)") && md.contains("| accepted |"), "{md}");
        let parsed: serde_json::Value = serde_json::from_str(&json(&refs)).expect("JSON");
        assert_eq!(parsed[0]["ignored"], "accepted");
        assert!(parsed[1].get("ignored").is_none());
    }
}
