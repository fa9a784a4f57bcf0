//! The result formats that QA tools import: Cucumber JSON (`cucumber.json`: Xray, Allure,
//! Jenkins' cucumber reports) and Cucumber Messages (`messages.ndjson`: cucumber's HTML
//! formatter, ReportPortal), written from the run's records after the run.
//!
//! Why not cucumber-rs's own `output-json` writer: it writes what cucumber's events say, and
//! the harness's verdict on a scenario (its snapshot and contract check) comes after the steps,
//! in the `after` hook, which passes; its embeddings are the scenario's log lines only, not the
//! exchanges each step made (the trail knows those once the scenario ends); and the feature
//! pulls in crates the lockfile does not hold (`Inflector`, `mime`, `serde_with`). cucumber-rs
//! writes no Cucumber Messages at all. So both are written here, from [`ScenarioRecord`]s, the
//! same records the console, JUnit and HTML reports read, so the formats cannot disagree with
//! them.

mod cucumber_json;
mod gherkin_document;
mod messages;
mod source;

use std::path::{Path, PathBuf};

use crate::reports::record::{ScenarioRecord, StepStatus};
pub use source::Source;

/// How a step ended, in the formats' words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// It ran and passed.
    Passed,
    /// It ran and failed.
    Failed,
    /// It did not run: an earlier step failed.
    Skipped,
    /// No step of the library matches it, or the scenario cannot run as written.
    Undefined,
    /// More than one step of the library matches it.
    Ambiguous,
}

/// An exchange attached to the step that made it.
#[derive(Clone, Debug)]
pub struct Attachment {
    /// One line: `3: capturePayment POST /epayment/v1/payments/x/capture → 200`.
    pub name: String,
    /// The file name a tool offers it under: `exchange-3-capturePayment.json`.
    pub file_name: String,
    /// The exchange as the snapshot shows it (redacted), as pretty JSON.
    pub body: String,
}

/// Writes the formats `cucumber_json` and `messages` ask for (each where given, none when
/// `None`) for `records`, reading the feature files of `features` again as written.
pub fn write(
    cucumber_json: Option<&Path>,
    messages: Option<&Path>,
    records: &[ScenarioRecord],
    features: &[PathBuf],
) -> Result<(), String> {
    if cucumber_json.is_none() && messages.is_none() {
        return Ok(());
    }
    let sources = features.iter().map(|path| Source::load(path)).collect::<Result<Vec<_>, _>>()?;
    let save = |path: &Path, text: String| {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    // The run is over and waits only for its files: the exchanges are serialized once for both
    // formats, and each half of the work, then each format, on a core of its own.
    let half = records.len() / 2;
    let attached: Vec<Vec<Vec<Attachment>>> = std::thread::scope(|s| {
        let first = s.spawn(|| records[..half].iter().map(step_attachments).collect::<Vec<_>>());
        let second: Vec<_> = records[half..].iter().map(step_attachments).collect();
        first.join().unwrap_or_else(|p| std::panic::resume_unwind(p)).into_iter().chain(second).collect()
    });
    std::thread::scope(|s| {
        let json = cucumber_json.map(|path| s.spawn(|| save(path, cucumber_json::json(records, &attached, &sources))));
        let messages = messages.map_or(Ok(()), |path| save(path, messages::ndjson(records, &attached, &sources)));
        let json = json.map_or(Ok(()), |handle| {
            handle.join().unwrap_or_else(|_| Err("cucumber.json: the writer panicked".into()))
        });
        json.and(messages)
    })
}

/// Each step's exchanges, as attachments, for one record.
fn step_attachments(record: &ScenarioRecord) -> Vec<Vec<Attachment>> {
    (0..record.steps.len()).map(|i| attachments(record, i)).collect()
}

/// How step `index` of `record` ended.
pub fn status(record: &ScenarioRecord, index: usize) -> Status {
    let Some(step) = record.steps.get(index) else { return Status::Skipped };
    let error = step.error.as_deref().unwrap_or_default();
    match step.status {
        StepStatus::Passed => Status::Passed,
        _ if error.starts_with("matches more than one") => Status::Ambiguous,
        _ if record.not_run || error.starts_with("matches no step") => Status::Undefined,
        StepStatus::Failed => Status::Failed,
        StepStatus::Skipped => Status::Skipped,
    }
}

/// What step `index` says went wrong: for the scenario's first step that did not pass, the
/// sentence the console prints ([`ScenarioRecord::failure`]) and then the step's own words.
pub fn step_message(record: &ScenarioRecord, index: usize) -> Option<String> {
    let step = record.steps.get(index).filter(|s| s.status != StepStatus::Passed)?;
    let own = step.error.clone().unwrap_or_else(|| "did not run".to_owned());
    let first = record.steps.iter().position(|s| s.status != StepStatus::Passed) == Some(index);
    Some(match record.failure().filter(|_| first) {
        Some(sentence) => format!("{sentence}\n{own}"),
        None => own,
    })
}

/// The harness's verdict after the steps, when it failed the scenario although its steps
/// passed: the console's sentence, then each problem with the values that changed and the diff.
pub fn verdict_message(record: &ScenarioRecord) -> Option<String> {
    if record.problems.is_empty() || record.steps.iter().any(|s| s.status != StepStatus::Passed) {
        return None;
    }
    let mut out = record.failure()?;
    for p in &record.problems {
        out.push_str("\n\n");
        out.push_str(&p.message);
        for change in &p.changes {
            out.push_str("\n  ");
            out.push_str(change);
        }
        if let Some(diff) = &p.diff {
            out.push('\n');
            out.push_str(diff);
        }
    }
    Some(out)
}

/// The exchanges step `index` made, each as an attachment.
pub fn attachments(record: &ScenarioRecord, index: usize) -> Vec<Attachment> {
    record
        .exchanges_of(index)
        .filter(|n| *n <= record.exchange_count())
        .map(|n| {
            let exchange = &record.exchanges[n - 1];
            let operation = exchange["operation"].as_str().unwrap_or("exchange");
            Attachment {
                name: record.exchange_line(n),
                file_name: format!("exchange-{n}-{operation}.json"),
                body: serde_json::to_string_pretty(exchange).unwrap_or_default(),
            }
        })
        .collect()
}

/// The source a record's scenario is in.
pub fn source_of<'a>(sources: &'a [Source], record: &ScenarioRecord) -> Option<&'a Source> {
    sources.iter().find(|s| s.file == record.file)
}

/// Whether step `index` of `record` is the harness's setting up rather than a step of the file
/// (its line holds no step: the recorder's record of a failed `before` hook).
pub fn is_setup(source: Option<&Source>, record: &ScenarioRecord, index: usize) -> bool {
    record.steps.get(index).is_some_and(|step| source.is_some_and(|s| s.step(step.line).is_none()))
}

#[cfg(test)]
mod tests;
