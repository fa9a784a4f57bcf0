//! How one of spec-update's steps ended: what the report and the scratch copy's steps share.

/// How a step ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// It ran and found nothing that breaks.
    Passed(String),
    /// It ran and found something that breaks.
    Failed(String),
    /// It did not run, and why.
    Skipped(String),
}
