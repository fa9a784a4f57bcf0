//! The checklist as Markdown (to paste or attach) and as one self-contained HTML page (no
//! script, no network), both in the form's order: a table per section, then the evidence.

use std::fmt::{self, Write as _};

use super::Checklist;
use super::evidence::{Exchange, ItemResult, Status};
use super::items::Section;
use crate::reports::xml::xml as escape;

/// The sections in the form's order, each with its items.
fn sections(checklist: &Checklist) -> Vec<(Section, Vec<&ItemResult>)> {
    let mut out: Vec<(Section, Vec<&ItemResult>)> = Vec::new();
    for item in &checklist.items {
        match out.last_mut() {
            Some((section, list)) if *section == item.section => list.push(item),
            _ => out.push((item.section, vec![item])),
        }
    }
    out
}

/// The items with evidence, each with its exchange, in the form's order.
fn evidenced(checklist: &Checklist) -> impl Iterator<Item = (&ItemResult, &Exchange)> {
    checklist.items.iter().filter_map(|item| Some((item, item.evidence.as_ref()?)))
}

fn heading(checklist: &Checklist) -> String {
    let what = if checklist.production { "production verification" } else { "test environment" };
    format!("ePayment checklist: {what} evidence from {}", checklist.target)
}

fn counts(checklist: &Checklist) -> String {
    format!(
        "{} evidenced, {} failed, {} need a person",
        checklist.count(Status::Evidenced),
        checklist.count(Status::Failed),
        checklist.count(Status::NeedsPerson)
    )
}

fn validity(checklist: &Checklist) -> String {
    match &checklist.evidence_valid_until {
        Some(day) => format!("The request examples are more than a month old after {day}: send the form before then."),
        None => "No request example was recorded.".to_owned(),
    }
}

/// `checklist.md`.
pub fn markdown(checklist: &Checklist) -> Result<String, fmt::Error> {
    let mut out = String::new();
    writeln!(out, "# {}\n", heading(checklist))?;
    writeln!(
        out,
        "Made {} by `cargo xtask go-live` for merchant serial number {}: {}.\n\n{}\n",
        checklist.made_at,
        checklist.merchant_serial_number,
        counts(checklist),
        validity(checklist)
    )?;
    for warning in &checklist.warnings {
        writeln!(out, "> **Warning:** {warning}\n")?;
    }
    for (section, items) in sections(checklist) {
        writeln!(out, "## {}\n", section.title())?;
        writeln!(out, "| item | status | your reference ID | details |\n| --- | --- | --- | --- |")?;
        for item in items {
            let evidence =
                item.evidence.as_ref().map_or(String::new(), |e| format!(" ([evidence](#{}), {})", item.id, e.at));
            writeln!(
                out,
                "| {} | {} | {} | {}{evidence} |",
                cell(item.text),
                item.status.label(),
                cell(&item.references.join(", ")),
                cell(&item.detail)
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out, "## Evidence\n")?;
    for (item, exchange) in evidenced(checklist) {
        writeln!(out, "<a id=\"{}\"></a>\n### {}\n", item.id, item.text)?;
        writeln!(out, "{} at {}, answered {}.\n", exchange.operation, exchange.at, exchange.response["status"])?;
        writeln!(out, "```json\n{}\n```\n\n```json\n{}\n```\n", pretty(&exchange.request), pretty(&exchange.response))?;
    }
    Ok(out)
}

/// A table cell: no line breaks, no column separators, no control characters, and no markup
/// (a target's words end up here, and a reader's Markdown renders HTML).
fn cell(text: &str) -> String {
    let shown: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    shown.replace('|', "\\|").replace('<', "&lt;").replace('>', "&gt;")
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}\
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}\
.evidenced{color:#176317}.failed{color:#b00020;font-weight:bold}.needs-a-person{color:#7a5b00}\
.warning{background:#fff4d6;padding:.5rem;border-left:4px solid #e0a800}pre{background:#f6f6f6;padding:.5rem;overflow:auto}";

/// `checklist.html`.
pub fn html(checklist: &Checklist) -> Result<String, fmt::Error> {
    let mut out = String::new();
    let title = escape(&heading(checklist));
    writeln!(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>")?;
    writeln!(out, "<style>{STYLE}</style></head><body>\n<h1>{title}</h1>")?;
    writeln!(
        out,
        "<p>Made {} by <code>cargo xtask go-live</code> for merchant serial number {}: {}.</p><p><strong>{}</strong></p>",
        escape(&checklist.made_at),
        escape(&checklist.merchant_serial_number),
        escape(&counts(checklist)),
        escape(&validity(checklist))
    )?;
    for warning in &checklist.warnings {
        writeln!(out, "<p class=\"warning\">Warning: {}</p>", escape(warning))?;
    }
    for (section, items) in sections(checklist) {
        writeln!(
            out,
            "<h2>{}</h2>\n<table><tr><th>item</th><th>status</th><th>your reference ID</th><th>details</th></tr>",
            escape(section.title())
        )?;
        for item in items {
            let class = item.status.label().replace(' ', "-");
            let link = item
                .evidence
                .as_ref()
                .map_or(String::new(), |e| format!(" (<a href=\"#{}\">evidence</a>, {})", item.id, escape(&e.at)));
            writeln!(
                out,
                "<tr id=\"item-{}\"><td>{}</td><td class=\"{class}\">{}</td><td>{}</td><td>{}{link}</td></tr>",
                item.id,
                escape(item.text),
                item.status.label(),
                escape(&item.references.join(", ")),
                escape(&item.detail)
            )?;
        }
        writeln!(out, "</table>")?;
    }
    writeln!(out, "<h2>Evidence</h2>")?;
    for (item, exchange) in evidenced(checklist) {
        html_exchange(&mut out, item, exchange)?;
    }
    writeln!(out, "</body></html>")?;
    Ok(out)
}

fn html_exchange(out: &mut String, item: &ItemResult, exchange: &Exchange) -> fmt::Result {
    writeln!(out, "<h3 id=\"{}\">{}</h3>", item.id, escape(item.text))?;
    writeln!(
        out,
        "<p>{} at {}, answered {}.</p>\n<pre>{}</pre>\n<pre>{}</pre>",
        escape(&exchange.operation),
        escape(&exchange.at),
        exchange.response["status"],
        escape(&pretty(&exchange.request)),
        escape(&pretty(&exchange.response))
    )
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn a_cell_keeps_a_targets_words_from_breaking_the_table_or_the_page() {
        assert_eq!(cell("a|b\nc\u{0}<script>"), "a\\|b c &lt;script&gt;");
    }
}
