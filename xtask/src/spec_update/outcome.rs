//! What spec-update found: how each of its steps ended, and the whole outcome the report
//! tells.

use crate::overlay::ActionReport;
use crate::spec_diff::{self, Severity};

/// Everything the report says.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// spec-diff's findings, base to NEW.
    pub changes: Vec<spec_diff::Change>,
    /// Each overlay action's status on NEW.
    pub overlays: Vec<ActionReport>,
    /// Public surface changes of the generated client, one line each.
    pub surface: Vec<String>,
    /// Step 4: whether the workspace compiles against the client generated from NEW.
    pub compile: Step,
    /// Step 5: the contract suite against NEW.
    pub scenarios: Step,
}

impl Outcome {
    /// Whether anything breaks clients: a breaking finding that is not ignored, or a failed
    /// compile or scenario.
    pub fn breaking(&self) -> bool {
        self.changes.iter().any(|c| c.counts() && c.severity == Severity::Breaking)
            || matches!(self.compile, Step::Failed(_))
            || matches!(self.scenarios, Step::Failed(_))
    }
}

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
